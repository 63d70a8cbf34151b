package schema

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
	"gopkg.in/yaml.v3"
)

// The tests below hold the schemas to what the parsers and the checks do:
// they feed both the same keys and values and compare. A schema rule is
// compared through the printed schema, never through the generator's
// tables.

// parseTask parses a task file T001-x.md with the given front matter.
func parseTask(front string) *taskfile.Task {
	return taskfile.Parse("T001-x.md", text.New([]byte("---\n"+front+"---\n\n## Description\n")))
}

// yamlKey spells a key as a YAML double-quoted scalar.
func yamlKey(k string) string { return strconv.Quote(k) }

// variants returns spellings of a key that a parser may or may not accept.
func variants(keys []string) []string {
	var out []string
	for _, k := range keys {
		out = append(out, k, strings.ToUpper(k), strings.ToUpper(k[:1])+k[1:],
			strings.ReplaceAll(k, "_", " "), strings.ReplaceAll(k, "_", "-"), strings.ReplaceAll(k, "_", ""),
			" "+k, k+" ", "\u00a0"+k, k+"s", strings.NewReplacer("i", "İ", "k", "\u212a").Replace(k))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// signature is what the schema makes of key k: whether the document base
// with k set to each probe is valid.
func signature(v *validator, base map[string]any, k string, probes []any) string {
	var b strings.Builder
	for _, p := range probes {
		doc := map[string]any{}
		for bk, bv := range base {
			doc[bk] = bv
		}
		doc[k] = p
		if v.valid(doc) {
			b.WriteByte('+')
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// Every key taskfile reads as id, title, status, priority or an ID list is
// one the schema reads the same way, and the other way round: for each key
// the schema treats it as the canonical key of what taskfile makes of it.
func TestTaskKeysSync(t *testing.T) {
	v := taskValidator(t)
	all := slices.Concat(taskfile.IDKeys, taskfile.TitleKeys, taskfile.StatusKeys, taskfile.PriorityKeys, keys(taskfile.ListKeys),
		[]string{"taskid", "task", "names", "priority_level", "requires", "dependency", "depend_on", "blockers", "blocking", "tags", "x"})
	canonical := map[string]string{"": "some_other_key", "id": "id", "title": "title", "status": "status", "priority": "priority",
		model.KindDependency.String(): "dependencies", model.KindBlockedBy.String(): "blocked_by", model.KindBlocks.String(): "blocks"}
	probes := []any{"T005", "x y", "done", "P1", 5.0, 2.5, true, nil, []any{"T005"}, []any{"x y"}, []any{"T005 (a note)"},
		map[string]any{"a": 1.0}, "T005, T006", "none", ""}
	base := map[string]any{"id": "T001", "title": "A", "status": "pending"}
	for _, k := range variants(all) {
		task := parseTask(yamlKey(k) + ": T005\n")
		var what []string
		if task.ID() == "T005" && !task.IDFromName {
			what = append(what, "id")
		}
		if task.HasTitle && task.Title() == "T005" {
			what = append(what, "title")
		}
		if task.HasStatus && task.Status() == "T005" {
			what = append(what, "status")
		}
		if task.HasPriority && task.Priority() == "T005" {
			what = append(what, "priority")
		}
		for _, l := range task.Lists() {
			what = append(what, l.Kind.String())
		}
		if len(what) > 1 {
			t.Fatalf("key %q is read as %v", k, what)
		}
		cat := strings.Join(what, "")
		got, want := signature(v, base, k, probes), signature(v, base, canonical[cat], probes)
		if got != want {
			t.Errorf("key %q (taskfile reads it as %q): the schema gives %s, for %q %s", k, cat, got, canonical[cat], want)
		}
	}
}

// A list item is valid when taskfile reads no task ID from it or reads a
// task ID of the IsTaskID shape; the same for a list written as one string.
func TestListItemSync(t *testing.T) {
	v := taskValidator(t)
	items := []string{"T001", "T001 (note)", "T001: add x", "T001,T002", "T001;", "T001[x]", "T001(x)", "TASK-12", "T-1",
		"t001", "T001x", "foo", "", " ", "\tT001", " T001", "T001 ", "none", "None", "NONE (yet)", "n/a", "N/A", "tbd",
		"null", "NULL", "~", "-", "- T001", "(T001)", "[T001]", "T001\n", "T001\tx", "\u00a0T001", "T001\u00a0", "nUll",
		"ABCDE1", "T001 T002", "T 001", "x T001", "nonex", "n/ax", "~~", "--", "T001-", "🚧 T001", "T001 🚧", "\"T001\"",
		"'T001'", "İ", "T001:", ":T001", "T0\u00a001",
		" foo", "\tfoo", " \t foo", "  (x)", " :T001", " T001x", "\t\tT001 (x)"}
	base := map[string]any{"id": "T001", "title": "A", "status": "pending"}
	readIDs := func(front string) (ids []string) {
		task := parseTask(front)
		if len(task.Problems()) > 0 {
			t.Fatalf("%q: %v", front, task.Problems())
		}
		for _, l := range task.Lists() {
			for _, it := range l.Items {
				ids = append(ids, it.ID)
			}
		}
		return ids
	}
	for _, it := range items {
		ids := readIDs("dependencies: [" + strconv.Quote(it) + "]\n")
		want := !slices.ContainsFunc(ids, func(id string) bool { return !model.IsTaskID(id) })
		doc := map[string]any{"dependencies": []any{it}}
		for k, x := range base {
			doc[k] = x
		}
		if got := v.valid(doc); got != want {
			t.Errorf("item %q (taskfile reads %q): schema accepts %v, want %v", it, ids, got, want)
		}
	}
	// one string, split at commas: taskfile reads it from the file's text,
	// so only values a single-quoted scalar holds as they are
	var lists []string
	for _, a := range items {
		if strings.ContainsAny(a, "\n\t") {
			continue
		}
		lists = append(lists, a, a+",", ","+a, a+", T002", "T002,"+a, `"`+a+`"`, `"`+a+`", T002`, ` '`+a+`' `,
			`"`+a, a+`"`, `"`+a+`'`, a+` , `+a)
	}
	for _, s := range lists {
		var scalar string
		switch {
		case !strings.Contains(s, "'"):
			scalar = "'" + s + "'"
		case !strings.ContainsAny(s, `"\`):
			scalar = `"` + s + `"`
		default:
			continue
		}
		ids := readIDs("blocks: " + scalar + "\n")
		want := !slices.ContainsFunc(ids, func(id string) bool { return !model.IsTaskID(id) })
		doc := map[string]any{"blocks": s}
		for k, x := range base {
			doc[k] = x
		}
		if got := v.valid(doc); got != want {
			t.Errorf("list %q (taskfile reads %q): schema accepts %v, want %v", s, ids, got, want)
		}
	}
	if !v.valid(map[string]any{"id": "T001", "title": "A", "status": "pending", "blocked_by": []any{nil, "T002"}}) {
		t.Error("a null item (taskfile skips it) is not accepted")
	}
}

// loadChecked writes files under a temporary folder's .tasks/ and runs every
// check on it; it returns the diagnostics by path relative to .tasks/.
func loadChecked(t *testing.T, files map[string]string) map[string][]check.Diagnostic {
	t.Helper()
	dir := filepath.Join(t.TempDir(), ".tasks")
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return checkDir(t, dir)
}

// checkDir runs every check on the workspace of dir; it returns the
// diagnostics by path relative to dir.
func checkDir(t *testing.T, dir string) map[string][]check.Diagnostic {
	t.Helper()
	dir, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	snap := workspace.Load([]string{dir})
	out := map[string][]check.Diagnostic{}
	for p, ds := range check.Run(snap, nil) {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.ToSlash(rel)] = ds
	}
	return out
}

func only(ds []check.Diagnostic, checks ...string) []check.Diagnostic {
	return slices.DeleteFunc(slices.Clone(ds), func(d check.Diagnostic) bool { return !slices.Contains(checks, d.Check) })
}

// The schema requires what the missing-field check requires. For task
// files with every combination of the id, title and status keys and their
// look-alikes (with good values), missing-field names exactly the groups of
// the schema's allOf that fail, and the schema accepts the file exactly when
// the check is silent. For values that do not count (null, a list, an empty
// id), the schema rejects what missing-field reports; what else it rejects
// is reported by status-value, or is one of the two places where the schema
// is stricter than the checks on purpose: an id that is not of the task ID
// shape, and a title that is a mapping.
func TestRequiredSync(t *testing.T) {
	v := taskValidator(t)
	// the schema's groups: allOf: [{anyOf: [{required: [k]}, ...]}, ...]
	var groups [][]string
	for _, g := range v.root["allOf"].([]any) {
		var ks []string
		for _, r := range g.(map[string]any)["anyOf"].([]any) {
			ks = append(ks, r.(map[string]any)["required"].([]any)[0].(string))
		}
		groups = append(groups, ks)
	}
	if len(groups) != 3 {
		t.Fatalf("groups %v", groups)
	}
	type file struct {
		front    string
		doc      map[string]any
		combo    bool   // good values: the key combinations
		stricter string // why the schema may reject what the checks accept
	}
	files := map[string]*file{}
	n := 100
	add := func(lines [][2]string) *file {
		n++
		id := fmt.Sprintf("T%d", n)
		f := &file{doc: map[string]any{"tags": []any{"x"}}}
		var front strings.Builder
		front.WriteString("tags: [x]\n")
		for _, l := range lines {
			val := strings.ReplaceAll(l[1], "$ID", id)
			front.WriteString(yamlKey(l[0]) + ": " + val + "\n")
			var x any
			if err := yaml.Unmarshal([]byte(val), &x); err != nil {
				t.Fatal(err)
			}
			f.doc[l[0]] = x
		}
		f.front = front.String()
		files[fmt.Sprintf("tasks/%s-x.md", id)] = f
		return f
	}
	good := []string{"$ID", "A title", "pending"}
	choices := func(g []string) []string {
		return append([]string{"", strings.ToUpper(g[0]), strings.ToUpper(g[0][:1]) + g[0][1:], g[0] + " "}, g...)
	}
	for _, a := range choices(groups[0]) {
		for _, b := range choices(groups[1]) {
			for _, c := range choices(groups[2]) {
				var lines [][2]string
				for i, k := range []string{a, b, c} {
					if k != "" {
						lines = append(lines, [2]string{k, good[i]})
					}
				}
				add(lines).combo = true
			}
		}
	}
	for i, g := range groups {
		for _, k := range g {
			for _, val := range []string{"", "~", "null", "[]", "[$ID]", `""`, `" "`, "{}", "{a: b}", "0", "true"} {
				var lines [][2]string
				for j, h := range groups {
					if j == i {
						lines = append(lines, [2]string{k, val})
					} else {
						lines = append(lines, [2]string{h[0], good[j]})
					}
				}
				f := add(lines)
				switch {
				case i == 0:
					f.stricter = "an id of another shape"
				case i == 1 && strings.HasPrefix(val, "{"):
					f.stricter = "a title that is a mapping"
				}
			}
		}
	}
	content := map[string]string{}
	for name, f := range files {
		content[name] = "---\n" + f.front + "---\n\n## Description\n"
	}
	diags := loadChecked(t, content)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		f := files[name]
		var said []string
		for _, d := range only(diags[name], "missing-field") {
			_, list, ok := strings.Cut(d.Message, " has no ")
			if !ok {
				t.Fatalf("%s: message %q", name, d.Message)
			}
			said = strings.Split(list, ", ")
		}
		valueDiags := only(diags[name], "status-value", "priority-value")
		errs := v.errors(v.root, f.doc)
		valid := len(errs) == 0
		if f.combo {
			var failing []string
			for _, g := range groups {
				if !slices.ContainsFunc(g, func(k string) bool { _, ok := f.doc[k]; return ok }) {
					failing = append(failing, g[0])
				}
			}
			if !slices.Equal(failing, said) || valid != (len(said) == 0) {
				t.Errorf("%s:\n%smissing-field says %v; the schema's required groups fail for %v, it accepts the file: %v",
					name, f.front, said, failing, valid)
			}
			continue
		}
		switch {
		case len(said) > 0 && valid:
			t.Errorf("%s:\n%smissing-field says %v, the schema accepts the file", name, f.front, said)
		case !valid && len(said) == 0 && len(valueDiags) == 0 && f.stricter == "":
			t.Errorf("%s:\n%sthe checks accept the file, the schema does not: %v", name, f.front, errs)
		case valid && len(valueDiags) > 0:
			t.Errorf("%s:\n%s%s says %q, the schema accepts the file", name, f.front, valueDiags[0].Check, valueDiags[0].Message)
		}
	}
}

// Manifest entries: each key is read by the schema as the canonical key of
// what analysis/manifest makes of it.
func TestManifestEntryKeysSync(t *testing.T) {
	v := manifestValidator(t)
	all := slices.Concat(entryIDKeys, entryTitleKeys, entryStatusKeys, entryPriorityKeys, entryFileKeys,
		[]string{"depends_on", "dependencies", "blocks", "blocked_by", "state", "taskid", "filepath", "tags", "phase", "tasks", "x"})
	canonical := map[string]string{"": "x", "id": "id", "title": "title", "status": "status", "priority": "priority",
		"file": "file", "depends_on": "depends_on", "blocks": "blocks", "blocked_by": "blocked_by"}
	probes := []any{"T005", "x y", "done", "P1", 5.0, 2.5, true, nil, []any{"T005"}, []any{"x y"}, []any{[]any{"T005"}},
		[]any{map[string]any{}}, map[string]any{}, "tasks/T005.md", ""}
	parse := func(entry string) *manifest.Entry {
		m := manifest.Parse([]byte(`{"tasks": [` + entry + `]}`))
		if m.Err != nil {
			t.Fatal(m.Err)
		}
		if m.NumEntries() != 1 {
			return nil
		}
		return m.Entry(0)
	}
	for _, k := range variants(all) {
		q := strconv.Quote(k)
		var what []string
		if e := parse(`{` + q + `: "T005"}`); e != nil && e.ID() == "T005" {
			what = append(what, "id")
		}
		e := parse(`{"id": "T001", ` + q + `: "T005"}`)
		for name, f := range map[string]manifest.Field{"title": e.Title(), "status": e.Status(), "priority": e.Priority(), "file": e.File()} {
			if f.Present && f.Value == "T005" && (k != "id" && k != "task_id") {
				what = append(what, name)
			}
		}
		e = parse(`{"id": "T001", ` + q + `: ["T005"]}`)
		for name, l := range map[string]*model.List{"depends_on": e.DependsOn(), "blocks": e.Blocks(), "blocked_by": e.BlockedBy()} {
			if l != nil {
				what = append(what, name)
			}
		}
		if len(what) > 1 {
			t.Fatalf("key %q is read as %v", k, what)
		}
		cat := strings.Join(what, "")
		base := map[string]any{"id": "T001"}
		if cat == "id" {
			base = map[string]any{}
		}
		sig := func(key string) string {
			var b strings.Builder
			for _, p := range probes {
				entry := map[string]any{key: p}
				for bk, bv := range base {
					if bk != key {
						entry[bk] = bv
					}
				}
				if v.valid(map[string]any{"tasks": []any{entry}}) {
					b.WriteByte('+')
				} else {
					b.WriteByte('-')
				}
			}
			return b.String()
		}
		if got, want := sig(k), sig(canonical[cat]); got != want {
			t.Errorf("entry key %q (the parser reads it as %q): the schema gives %s, for %q %s", k, cat, got, canonical[cat], want)
		}
	}
}

// Top-level members of the manifest, the same way.
func TestManifestTopKeysSync(t *testing.T) {
	v := manifestValidator(t)
	all := []string{tasksKey, statsKey, graphKey, criticalPathPrefix, criticalPathPrefix + "_mvp", criticalPathPrefix + "s",
		"deferred_tasks", "deferred", "later_deferred", "task_ids", "completed_tasks", "project", "mvp", "phases", "statistics", "x"}
	// top-level phase lists are read, but the schema leaves them alone
	canonical := map[string]string{"": "x", "phase": "x", "tasks": "tasks", "graph": "dependency_graph",
		"critical": "critical_path", "deferred": "deferred_tasks", "stats": "stats"}
	probes := []any{
		map[string]any{"T001": []any{"T002"}}, map[string]any{"T001": 5.0}, map[string]any{"T001": map[string]any{"blocks": "x"}},
		[]any{"T002"}, []any{"x y"}, []any{map[string]any{"id": "T002"}}, []any{[]any{"T002"}}, []any{5.0},
		map[string]any{"a": []any{"x y"}}, map[string]any{"a": 5.0}, map[string]any{"categories": 5.0},
		map[string]any{"tasks": 5.0}, map[string]any{"tasks": []any{5.0}}, map[string]any{"total": "x"}, map[string]any{"total_tasks": -1.0},
		5.0, "s", nil,
	}
	kindOf := map[model.RefKind]string{model.KindGraphKey: "graph", model.KindCriticalPath: "critical", model.KindDeferred: "deferred", model.KindPhase: "phase"}
	for _, k := range variants(all) {
		q := strconv.Quote(k)
		what := map[string]bool{}
		if m := manifest.Parse([]byte(`{` + q + `: [{"id": "T002"}]}`)); m.NumEntries() == 1 {
			what["tasks"] = true
		}
		for _, src := range []string{`{` + q + `: {"T001": ["T002"]}}`, `{` + q + `: ["T002"]}`} {
			for _, r := range manifest.Parse([]byte(src)).Refs() {
				if kindOf[r.Kind] != "" {
					what[kindOf[r.Kind]] = true
				}
			}
		}
		if manifest.Parse([]byte(`{`+q+`: {"a": 1}}`)).Stats != nil {
			what["stats"] = true
		}
		if what["tasks"] {
			delete(what, "phase") // the strings among entries
		}
		if len(what) > 1 {
			t.Fatalf("key %q is read as %v", k, what)
		}
		var cat string
		for c := range what {
			cat = c
		}
		if got, want := signature(v, map[string]any{}, k, probes), signature(v, map[string]any{}, canonical[cat], probes); got != want {
			t.Errorf("top-level key %q (the parser reads it as %q): the schema gives %s, for %q %s", k, cat, got, canonical[cat], want)
		}
	}
}

// The stats members the schema wants as counts are those stats-drift
// compares.
func TestStatsKeysSync(t *testing.T) {
	v := manifestValidator(t)
	var candidates []string
	for _, p := range []string{"", "total_", "Total_", "TOTAL_", "total", "_", "totals_"} {
		for _, m := range []string{"tasks", "total", "completed", "complete", "done", "pending", "in_progress", "blocked",
			"deferred", "", "in-progress", "inprogress", "todo", "open", "mvp", "Completed", "DONE", "bloc\u212aed", "_tasks"} {
			for _, s := range []string{"", "_tasks", "_Tasks", "tasks", "_task", "_count", "_tasks_tasks"} {
				candidates = append(candidates, p+m+s)
			}
		}
	}
	slices.Sort(candidates)
	candidates = slices.Compact(candidates)
	stats := map[string]any{}
	for _, k := range candidates {
		stats[k] = 99
	}
	m, err := json.Marshal(map[string]any{
		"tasks": []any{map[string]any{"id": "T001", "title": "A", "status": "pending", "file": "tasks/T001-a.md"}},
		"stats": stats,
	})
	if err != nil {
		t.Fatal(err)
	}
	diags := loadChecked(t, map[string]string{
		"manifest.json":   string(m),
		"tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\n---\n",
	})
	compared := map[string]bool{}
	for _, d := range only(diags["manifest.json"], "stats-drift") {
		k, _, ok := strings.Cut(strings.TrimPrefix(d.Message, "stats."), " is 99 but")
		if !ok {
			t.Fatalf("message %q", d.Message)
		}
		compared[k] = true
	}
	if len(compared) < 10 {
		t.Fatalf("stats-drift compared only %v", compared)
	}
	for _, k := range candidates {
		count := !v.valid(map[string]any{"stats": map[string]any{k: -1.0}})
		if count != compared[k] {
			t.Errorf("stats.%s: the schema wants a count: %v, stats-drift compares it: %v", k, count, compared[k])
		}
	}
}

// The task files and the manifest of the example workspace, and of the
// shared corpus when it is there, pass the schemas, but where the checks
// report the same problem (or the metadata does not parse).
func TestWorkspaces(t *testing.T) {
	dirs := []string{filepath.Join("..", "..", "examples", ".tasks")}
	corpus := filepath.Join("..", "..", "..", "shared", "corpora", "transformer-builder", ".tasks")
	if _, err := os.Stat(filepath.Join(corpus, "manifest.json")); err == nil {
		dirs = append(dirs, corpus)
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("the shared corpus is missing under CI: %v", err)
	}
	tv, mv := taskValidator(t), manifestValidator(t)
	for _, dir := range dirs {
		diags := checkDir(t, dir)
		checked := 0
		validate := func(rel string, v *validator, x any, same ...string) {
			checked++
			errs := v.errors(v.root, x)
			flagged := only(diags[rel], same...)
			if len(errs) > 0 && len(flagged) == 0 {
				t.Errorf("%s/%s: the schema rejects it, the checks do not:\n\t%s", dir, rel, strings.Join(errs, "\n\t"))
			}
			if len(errs) == 0 && len(flagged) > 0 {
				t.Errorf("%s/%s: %s says %q, the schema accepts it", dir, rel, flagged[0].Check, flagged[0].Message)
			}
		}
		for _, area := range []string{"tasks", "completed"} {
			names, _ := filepath.Glob(filepath.Join(dir, area, "*"))
			for _, path := range names {
				rel := area + "/" + filepath.Base(path)
				content, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				f := text.New(content)
				task := taskfile.Parse(path, f)
				switch task.Style {
				case taskfile.StyleFrontMatter, taskfile.StyleMetadataBlock, taskfile.StylePureYAML:
				default:
					continue // headings as fields, or no metadata: nothing YAML to validate
				}
				if len(task.Problems()) > 0 {
					continue // yaml-syntax's
				}
				var meta any
				if err := yaml.Unmarshal(content[task.MetaSpan().Start:task.MetaSpan().End], &meta); err != nil {
					t.Fatalf("%s: %v", rel, err)
				}
				validate(rel, tv, meta, "missing-field", "status-value", "priority-value")
			}
		}
		var m any
		content, err := os.ReadFile(filepath.Join(dir, "manifest.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(content, &m); err != nil {
			t.Fatal(err)
		}
		validate("manifest.json", mv, m, "status-value", "priority-value")
		if checked < 10 {
			t.Errorf("%s: only %d files validated", dir, checked)
		}
		t.Logf("%s: %d files validated", dir, checked)
	}
}
