package schema

import (
	"slices"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
)

// listItemEnd ends the task ID at the start of a list item: taskfile reads
// "T024 (Kademlia DHT)" and "T051: add log_scalar" as T024 and T051.
const listItemEnd = " \t(,:;[]"

// listToken is what may start a list item: a task ID, or a word of
// taskfile.NoRefItems ("none", "n/a", "tbd", ...) that names no task.
func listToken() string {
	parts := []string{taskIDPattern}
	for _, w := range slices.Sorted(slices.Values(taskfile.NoRefItems)) {
		if w != "" {
			parts = append(parts, fold(w, ""))
		}
	}
	return "(?:" + strings.Join(parts, "|") + ")"
}

// listItemPattern accepts an item of a YAML list of task IDs the way
// taskfile reads it: blanks, then a task ID or a no-task word followed by
// the end or by a separator and anything (a note), or no word at all (the
// end, or a separator other than a blank and anything).
func listItemPattern() string {
	return "^" + listItem(listItemEnd, anything) + "$"
}

// listItem is the pattern of an item whose ID ends at a character of ends;
// rest is what may follow that character.
func listItem(ends, rest string) string {
	nonBlank := classOf(strings.NewReplacer(" ", "", "\t", "").Replace(ends))
	return `[ \t]*(?:` + listToken() + `(?:` + classOf(ends) + rest + `)?|` + nonBlank + rest + `)?`
}

// commaListPattern accepts a list written as one string, "T001, T002": taskfile
// splits it at commas, trims blanks and one pair of quotes from each item
// and reads each as a list item.
func commaListPattern() string {
	inner := listItem(strings.ReplaceAll(listItemEnd, ",", ""), "[^,]*")
	item := `(?:[ \t]*"` + inner + `"[ \t]*|[ \t]*'` + inner + `'[ \t]*|` + inner + `)`
	return "^" + item + "(?:," + item + ")*$"
}

// listKeyPattern accepts the keys taskfile reads as the list keys given:
// compared after lower-casing and trimming, with " " or "-" for "_".
func listKeyPattern(keys []string) string {
	ws := spaces()
	return "^" + ws + "*" + alt(keys, separators) + ws + "*$"
}

// listDefs names the definition of each kind of task-file list.
var listDefs = []struct {
	kind model.RefKind
	name string
	desc string
}{
	{model.KindDependency, "dependencies", "Tasks this task depends on."},
	{model.KindBlockedBy, "blocked_by", "Tasks that block this task."},
	{model.KindBlocks, "blocks", "Tasks this task blocks: the inverse of their dependencies."},
}

// Task returns the JSON Schema of a task file's YAML metadata.
func Task() []byte { return encode(taskSchema()) }

func taskSchema() object {
	props := object{}
	for _, k := range taskfile.IDKeys {
		props = append(props, member{k, ref("taskId")})
	}
	for _, k := range taskfile.TitleKeys {
		props = append(props, member{k, ref("title")})
	}
	for _, k := range taskfile.StatusKeys {
		props = append(props, member{k, ref("status")})
	}
	for _, k := range taskfile.PriorityKeys {
		props = append(props, member{k, ref("priority")})
	}
	patterns := object{}
	for _, d := range listDefs {
		var ks []string
		for _, k := range keys(taskfile.ListKeys) {
			if taskfile.ListKeys[k] == d.kind {
				ks = append(ks, k)
				props = append(props, member{k, ref(d.name)})
			}
		}
		patterns = append(patterns, member{listKeyPattern(ks), ref(d.name)})
	}
	// required: one key of each group (missing-field)
	var required []any
	for _, group := range [][]string{taskfile.IDKeys, taskfile.TitleKeys, taskfile.StatusKeys} {
		var anyOf []any
		for _, k := range group {
			anyOf = append(anyOf, obj("required", []string{k}))
		}
		required = append(required, obj("anyOf", anyOf))
	}

	defs := object{
		{"taskId", obj(
			"description", "A task ID: one to four capital letters, an optional dash, digits (T001, T00123, TASK-12).",
			"type", "string",
			"pattern", "^"+taskIDPattern+"$",
			"patternErrorMessage", "not a task ID: want one to four capital letters, an optional dash and digits (T001)",
		)},
		{"title", obj(
			"description", "The task's title (`title`, or `name`).",
			"type", []string{"string", "number", "boolean"},
		)},
		{"status", statusDef("The task's status (`status`, or `state`).")},
		{"priority", priorityDef()},
	}
	for _, d := range listDefs {
		defs = append(defs, member{d.name, obj(
			"description", d.desc+" A list of task IDs, or one string of them separated by commas; "+
				"an item may carry a note after the ID (`T024 (Kademlia DHT)`). Keys are read in any case, "+
				"with a space or a dash for the underscore.",
			"allOf", []any{ref("taskList")},
		)})
	}
	defs = append(defs,
		member{"taskList", obj(
			"anyOf", []any{
				obj("type", "array", "items", ref("taskListItem")),
				obj("type", "string", "pattern", commaListPattern(),
					"patternErrorMessage", "want task IDs separated by commas (T001, T002)"),
				obj("type", "null"),
			},
		)},
		member{"taskListItem", obj(
			"description", "A task ID, optionally followed by a note: `T051`, `T024 (Kademlia DHT)`, `T051: add log_scalar`. "+
				"`none`, `n/a`, `tbd` and an empty item name no task.",
			"type", []string{"string", "null"},
			"pattern", listItemPattern(),
			"patternErrorMessage", "not a task ID: want one to four capital letters, an optional dash and digits (T001), optionally followed by a note",
		)},
	)

	return obj(
		"$schema", "http://json-schema.org/draft-07/schema#",
		"title", "taskls task metadata",
		"description", "The YAML metadata of a task file in a .tasks/ workspace: its front matter, its `## Metadata` block, "+
			"or the whole file when it is a YAML document. Generated by `taskls schema task` from the definitions taskls checks with. "+
			"Keys are case-sensitive (`Status` is not `status`), except the dependency list keys; other keys are allowed.",
		"type", "object",
		"properties", props,
		"patternProperties", patterns,
		"additionalProperties", true,
		"allOf", required,
		"definitions", defs,
	)
}

// statusDef is the schema of a status: one of model.AllStatuses (offered
// for completion) or any spelling model.NormStatus accepts.
func statusDef(what string) object {
	syn := slices.DeleteFunc(keys(model.StatusWords), func(w string) bool { return slices.Contains(model.AllStatuses, w) })
	return obj(
		"description", what+" One of "+strings.Join(model.AllStatuses, ", ")+
			"; case, a dash or a space for the underscore, a leading emoji and a note in parentheses do not matter, "+
			"and these synonyms are read too: "+strings.Join(syn, ", ")+".",
		"type", "string",
		"anyOf", []any{
			obj("enum", model.AllStatuses),
			obj("pattern", statusPattern(),
				"patternErrorMessage", "unknown status: want one of "+strings.Join(model.AllStatuses, ", ")+" (or a synonym such as done or todo)"),
		},
	)
}

// priorityDef is the schema of a priority: P0-P4 (offered for completion),
// any string model.NormPriority accepts, or a number 0-4. NormPriority reads
// a number by its first digit, so 2.5 is priority 2 and 5 is unknown.
func priorityDef() object {
	var labels []string
	for p := 0; p <= 4; p++ {
		labels = append(labels, model.PriorityLabel(p))
	}
	words := keys(model.PriorityWords)
	slices.SortStableFunc(words, func(a, b string) int { return model.PriorityWords[a] - model.PriorityWords[b] })
	return obj(
		"description", "The task's priority, P0 (most urgent) to P4, or 0-4. A note may follow "+
			"(`P1 (Critical Path)`, `P1-MVP`); the words "+strings.Join(words, ", ")+" are read too.",
		"anyOf", []any{
			obj("type", "string", "enum", labels),
			obj("type", "string", "pattern", priorityPattern(),
				"patternErrorMessage", "unknown priority: want P0-P4 or 0-4, optionally followed by a note"),
			obj("type", "number", "minimum", 0, "exclusiveMaximum", 5),
		},
	)
}
