package schema

// What analysis/manifest reads, as its parser spells it (manifest.go's
// entry and member). The tests parse documents with every key below and
// its look-alikes and check that the parser and the schema agree.
var (
	// entry members, matched as written (case included)
	entryIDKeys       = []string{"id", "task_id"}
	entryTitleKeys    = []string{"title", "name"}
	entryStatusKeys   = []string{"status"}
	entryPriorityKeys = []string{"priority"}
	entryFileKeys     = []string{"file", "path", "file_path"}
	// lists of task IDs, matched in any case, in entries, dependency_graph
	// nodes and anywhere else
	manifestLists = []struct {
		keys []string
		name string
		desc string
	}{
		{[]string{"depends_on", "dependencies"}, "dependsOn", "Tasks this task depends on."},
		{[]string{"blocked_by"}, "blockedBy", "Tasks that block this task."},
		{[]string{"blocks"}, "blocks", "Tasks this task blocks: the inverse of their dependencies."},
	}
	// top-level members: tasks and stats as written, the others in any case;
	// critical_path is a prefix (critical_path_mvp), deferred a part of the key
	tasksKey, statsKey       = "tasks", "stats"
	graphKey                 = "dependency_graph"
	criticalPathPrefix       = "critical_path"
	deferredPart             = "deferred"
	phaseListKeys            = []string{"tasks", "task_ids"} // and keys ending in phaseListSuffix
	phaseListSuffix          = "_tasks"
	phasesKey                = "phases"
	statsPrefix, statsSuffix = "total_", "_tasks"
	// stats counts: stats-drift (analysis/check/drift2.go) compares a key
	// when, lower-cased and without statsPrefix and statsSuffix, it is one
	// of these; the list is not exported there, TestStatsKeysSync keeps the
	// two equal
	statsCounts = []string{"", "tasks", "total", "completed", "complete", "done", "pending", "in_progress", "blocked", "deferred"}
)

// Manifest returns the JSON Schema of a .tasks/manifest.json.
func Manifest() []byte { return encode(manifestSchema()) }

// listKeysPattern matches the keys of a list in any case.
func listKeysPattern(keys []string) string { return "^" + alt(keys, "") + "$" }

// statsCountPattern matches the stats keys stats-drift compares.
func statsCountPattern() string {
	var words []string
	for _, w := range statsCounts {
		if w != "" {
			words = append(words, w)
		}
	}
	return "^(?:" + fold(statsPrefix, "") + ")?" + alt(words, "") + "?(?:" + fold(statsSuffix, "") + ")?$"
}

func manifestSchema() object {
	nullable := func(def string) object { return obj("anyOf", []any{ref(def), obj("type", "null")}) }

	listProps, listPatterns := object{}, object{}
	for _, l := range manifestLists {
		for _, k := range l.keys {
			listProps = append(listProps, member{k, ref(l.name)})
		}
		listPatterns = append(listPatterns, member{listKeysPattern(l.keys), ref(l.name)})
	}

	entryProps := object{}
	add := func(keys []string, s object) {
		for _, k := range keys {
			entryProps = append(entryProps, member{k, s})
		}
	}
	add(entryIDKeys, ref("taskId"))
	add(entryTitleKeys, ref("title"))
	add(entryStatusKeys, nullable("status"))
	add(entryPriorityKeys, nullable("priority"))
	add(entryFileKeys, ref("file"))
	entryProps = append(entryProps, listProps...)

	phaseProps := object{}
	for _, k := range phaseListKeys {
		phaseProps = append(phaseProps, member{k, ref("phaseList")})
	}
	phaseProps = append(phaseProps, member{phasesKey, obj(
		"description", "Phases: an array of phase objects, or an object map from phase name to phase.",
		"items", ref("group"),
		"additionalProperties", ref("group"),
	)})

	defs := object{
		{"taskId", obj(
			"description", "A task ID: one to four capital letters, an optional dash, digits (T001, T00123, TASK-12).",
			"type", "string",
			"pattern", "^"+taskIDPattern+"$",
			"patternErrorMessage", "not a task ID: want one to four capital letters, an optional dash and digits (T001)",
		)},
		{"title", obj(
			"description", "The task's title (`title`, or `name`).",
			"type", []string{"string", "null"},
		)},
		{"status", statusDef("The task's status.")},
		{"priority", priorityDef()},
		{"file", obj(
			"description", "The task file, relative to .tasks/ (`file`, or `path` / `file_path`).",
			"type", []string{"string", "null"},
		)},
		{"tasks", obj(
			"description", "The task entries: an array of entry objects (task IDs written as plain strings "+
				"among them are read as a phase list), or an object map from task ID to entry.",
			"type", []string{"array", "object"},
			"items", obj("anyOf", []any{ref("entry"), obj("type", "string")}),
			"additionalProperties", ref("entry"),
		)},
		{"entry", obj(
			"description", "One task. Without an `id`, an entry of an object map takes its key as ID; "+
				"an entry of an array without one is not read as a task.",
			"type", "object",
			"properties", entryProps,
			"patternProperties", listPatterns,
			"additionalProperties", true,
		)},
	}
	for _, l := range manifestLists {
		defs = append(defs, member{l.name, obj(
			"description", l.desc+" An array of task IDs (keys are read in any case).",
			"anyOf", []any{ref("idList"), obj("type", "null")},
		)})
	}
	defs = append(defs,
		member{"idList", obj(
			"description", "An array of task IDs; an array inside it is a list of the same kind.",
			"type", "array",
			"items", ref("idListItem"),
		)},
		member{"idListItem", obj("anyOf", []any{ref("taskId"), ref("idList")})},
		member{"dependencyGraph", obj(
			"description", "For each task ID: its dependencies as an array, or an object with "+
				"`depends_on` and `blocks` (and `blocked_by`).",
			"type", "object",
			"patternProperties", obj("^"+taskIDPattern+"$", obj(
				"anyOf", []any{
					ref("idList"),
					obj("type", "object", "properties", listProps, "patternProperties", listPatterns),
				},
			)),
			"additionalProperties", true,
		)},
		member{"criticalPath", obj(
			"description", "The critical path: an array of task IDs in order, or an object holding such arrays "+
				"(at any depth). Every top-level key starting with critical_path is one.",
			"type", []string{"array", "object"},
			"items", ref("idListItem"),
			"additionalProperties", ref("criticalPathPart"),
		)},
		member{"criticalPathPart", obj(
			"items", ref("idListItem"),
			"additionalProperties", ref("criticalPathPart"),
		)},
		member{"deferred", obj(
			"description", "Tasks deferred, not planned: task IDs in arrays under `tasks`, `task_ids` or keys "+
				"ending in `_tasks`, at any depth (for example categories.<name>.tasks), or the array itself. "+
				"A deferred task need not have a file or an entry. Every top-level key containing \"deferred\" is one.",
			"type", []string{"object", "array"},
			"items", ref("phaseItem"),
			"properties", obj("categories", obj(
				"type", "object",
				"additionalProperties", ref("group"),
			)),
			"additionalProperties", ref("group"),
		)},
		member{"group", obj(
			"description", "An object that may hold phase lists: `tasks`, `task_ids` and keys ending in `_tasks` "+
				"(an array of task IDs there is a phase or category list; a number is a count), and `phases`.",
			"properties", phaseProps,
			"patternProperties", obj(fold(phaseListSuffix, "")+"$", ref("phaseList")),
		)},
		member{"phaseList", obj(
			"description", "Task IDs of a phase or category; strings that are not task IDs are skipped. "+
				"(A number here is a count; an object is searched for such lists.)",
			"type", []string{"array", "integer", "object"},
			"items", ref("phaseItem"),
			"additionalProperties", ref("group"),
		)},
		member{"phaseItem", obj(
			"type", []string{"string", "array"},
			"items", ref("phaseItem"),
		)},
		member{"stats", obj(
			"description", "Counts of the task list. taskls compares total_tasks (or total), completed "+
				"(or total_completed, done), pending, in_progress, blocked, each also with a _tasks suffix, "+
				"and deferred with the manifest (stats-drift); other members are free.",
			"type", "object",
			"properties", obj(
				"total_tasks", ref("count"),
				"completed", ref("count"),
				"pending", ref("count"),
				"in_progress", ref("count"),
				"blocked", ref("count"),
				"deferred", ref("count"),
			),
			"patternProperties", obj(statsCountPattern(), ref("count")),
			"additionalProperties", ref("group"),
		)},
		member{"count", obj(
			"description", "A count of tasks (an array here is read as a list of task IDs).",
			"type", []string{"integer", "array"},
			"minimum", 0,
			"items", ref("phaseItem"),
		)},
	)

	return obj(
		"$schema", "http://json-schema.org/draft-07/schema#",
		"title", "taskls manifest.json",
		"description", "The index of a .tasks/ workspace. Generated by `taskls schema manifest` from the shapes "+
			"taskls reads: an object with `tasks` (an array of entries or an object map by ID), "+
			"`dependency_graph`, `critical_path*`, phase and deferred lists and `stats`, or a bare array of entries. "+
			"Other members are allowed.",
		"type", []string{"object", "array"},
		"items", obj("anyOf", []any{ref("entry"), obj("type", "string")}),
		"properties", obj(
			"project", obj("description", "The project: name, description, version.", "allOf", []any{ref("group")}),
			tasksKey, ref("tasks"),
			graphKey, ref("dependencyGraph"),
			criticalPathPrefix, ref("criticalPath"),
			"deferred_tasks", ref("deferred"),
			statsKey, ref("stats"),
		),
		"patternProperties", obj(
			"^"+fold(graphKey, "")+"$", ref("dependencyGraph"),
			"^"+fold(criticalPathPrefix, ""), ref("criticalPath"),
			fold(deferredPart, ""), ref("deferred"),
		),
		"additionalProperties", ref("group"),
		"definitions", defs,
	)
}
