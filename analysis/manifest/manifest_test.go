package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/jsonpos"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// span returns the span of the n-th (0-based) occurrence of sub in src.
func span(t testing.TB, src, sub string, n int) text.Span {
	t.Helper()
	off := 0
	for i := 0; ; i++ {
		k := strings.Index(src[off:], sub)
		if k < 0 {
			t.Fatalf("occurrence %d of %q not in the input", n, sub)
		}
		if i == n {
			return text.Span{Start: off + k, End: off + k + len(sub)}
		}
		off += k + 1
	}
}

// in is the span inside the n-th occurrence of a quoted string.
func in(t testing.TB, src, quoted string, n int) text.Span {
	s := span(t, src, quoted, n)
	return text.Span{Start: s.Start + 1, End: s.End - 1}
}

// want is an expected ref: its kind and the n-th occurrence of "ID" in the
// input (the ref's span is inside those quotes).
type want struct {
	kind model.RefKind
	id   string
	n    int
}

func refsString(src string, refs []model.Ref) string {
	var b strings.Builder
	for _, r := range refs {
		fmt.Fprintf(&b, "%s %s %d-%d %q\n", r.Kind, r.ID, r.Span.Start, r.Span.End, src[r.Span.Start:r.Span.End])
	}
	return b.String()
}

func wantString(t *testing.T, src string, ws []want) string {
	refs := make([]model.Ref, len(ws))
	for i, w := range ws {
		refs[i] = model.Ref{ID: w.id, Kind: w.kind, Span: in(t, src, `"`+w.id+`"`, w.n)}
	}
	return refsString(src, refs)
}

func parseOK(t *testing.T, src string) *Manifest {
	t.Helper()
	m := Parse([]byte(src))
	if m.Err != nil {
		t.Fatalf("syntax error: %v", m.Err)
	}
	return m
}

func TestEntries(t *testing.T) {
	src := `{
  "tasks": [
    {"id": "T001", "title": "W&B \u2192 init", "file": "tasks/T001-a.yaml", "status": "completed",
     "priority": "P1-MVP", "depends_on": [], "blocks": ["T002", "T003"], "tags": ["T009"]},
    {"title": "no id", "depends_on": ["T001"]},
    {"task_id": "T002", "name": "B", "title": "Bee", "priority": 2, "dependencies": ["T001", 7, null, "", "not-an-id"],
     "blocked_by": ["T003"], "status": null, "path": "tasks/T002.md", "file": "tasks/T002-b.md"},
    "T003",
    {"id": " T003 ", "depends_on": "T001", "blocks": [["T001"]]}
  ]
}`
	m := parseOK(t, src)
	if len(allEntries(m)) != 3 {
		t.Fatalf("%d entries", len(allEntries(m)))
	}
	e1, e2, e3 := allEntries(m)[0], allEntries(m)[1], allEntries(m)[2]

	if e1.ID() != "T001" || e1.IDSpan() != in(t, src, `"T001"`, 0) {
		t.Errorf("e1 id %q %v", e1.ID(), e1.IDSpan())
	}
	if e1.Span() != (text.Span{Start: span(t, src, `{"id": "T001"`, 0).Start, End: span(t, src, `"T009"]}`, 0).End}) {
		t.Errorf("e1 span %v %q", e1.Span(), src[e1.Span().Start:e1.Span().End])
	}
	checkField := func(name string, f Field, value, token string) {
		t.Helper()
		if !f.Present || f.Value != value || f.Span != span(t, src, token, 0) {
			t.Errorf("%s: %+v, want %q at %q", name, f, value, token)
		}
	}
	checkField("e1 title", e1.Title(), "W&B → init", `"W&B \u2192 init"`)
	checkField("e1 file", e1.File(), "tasks/T001-a.yaml", `"tasks/T001-a.yaml"`)
	if e1.FileInner() != in(t, src, `"tasks/T001-a.yaml"`, 0) {
		t.Errorf("e1 file inner %v", e1.FileInner())
	}
	checkField("e1 status", e1.Status(), "completed", `"completed"`)
	checkField("e1 priority", e1.Priority(), "P1-MVP", `"P1-MVP"`)
	if l := e1.DependsOn(); l == nil || len(l.Items) != 0 || l.Span != span(t, src, "[]", 0) || l.Key != "depends_on" ||
		l.Kind != model.KindManifestDependsOn || l.Style != '[' {
		t.Errorf("e1 depends_on %+v", l)
	}
	if l := e1.Blocks(); l == nil || l.Span != span(t, src, `["T002", "T003"]`, 0) || len(l.Items) != 2 ||
		l.Items[1] != (model.Ref{ID: "T003", Span: in(t, src, `"T003"`, 0), Kind: model.KindManifestBlocks}) {
		t.Errorf("e1 blocks %+v", l)
	}
	if e1.BlockedBy() != nil {
		t.Errorf("e1 blocked_by %+v", e1.BlockedBy())
	}

	// task_id, title over name, a number priority, null status, file over path
	if e2.ID() != "T002" || e2.IDSpan() != in(t, src, `"T002"`, 1) {
		t.Errorf("e2 id %q %v", e2.ID(), e2.IDSpan())
	}
	checkField("e2 title", e2.Title(), "Bee", `"Bee"`)
	if p, s := e2.Priority(), span(t, src, `2, "dependencies"`, 0); !p.Present || p.Value != "2" || p.Span != (text.Span{Start: s.Start, End: s.Start + 1}) {
		t.Errorf("e2 priority %+v", p)
	}
	if e2.Status().Present || e2.Status().Span != span(t, src, "null", 1) {
		t.Errorf("e2 status %+v", e2.Status())
	}
	checkField("e2 file", e2.File(), "tasks/T002-b.md", `"tasks/T002-b.md"`)
	if e2.FileInner() != in(t, src, `"tasks/T002-b.md"`, 0) {
		t.Errorf("e2 file inner %v", e2.FileInner())
	}
	if l := e2.DependsOn(); l == nil || l.Key != "dependencies" || len(l.Items) != 2 || l.Items[1].ID != "not-an-id" {
		t.Errorf("e2 dependencies %+v", l)
	}
	if l := e2.BlockedBy(); l == nil || len(l.Items) != 1 || l.Items[0].Kind != model.KindManifestBlockedBy {
		t.Errorf("e2 blocked_by %+v", l)
	}

	// blanks around an id are trimmed, span too; a string depends_on is no list
	if s := in(t, src, `" T003 "`, 0); e3.ID() != "T003" || e3.IDSpan() != (text.Span{Start: s.Start + 1, End: s.End - 1}) {
		t.Errorf("e3 id %q %v", e3.ID(), e3.IDSpan())
	}
	if e3.DependsOn() != nil {
		t.Errorf("e3 depends_on %+v", e3.DependsOn())
	}
	if l := e3.Blocks(); l == nil || l.Span != span(t, src, `[["T001"]]`, 0) {
		t.Errorf("e3 blocks %+v", l)
	}

	got := refsString(src, allRefs(m))
	exp := wantString(t, src, []want{
		{model.KindEntryID, "T001", 0},
		{model.KindManifestBlocks, "T002", 0},
		{model.KindManifestBlocks, "T003", 0},
		{model.KindManifestDependsOn, "T001", 1}, // in the entry without id
		{model.KindEntryID, "T002", 1},
		{model.KindManifestDependsOn, "T001", 2},
		{model.KindManifestDependsOn, "not-an-id", 0},
		{model.KindManifestBlockedBy, "T003", 1},
		{model.KindPhase, "T003", 2}, // a string among the entries
	}) + refsString(src, []model.Ref{
		{ID: "T003", Span: e3.IDSpan(), Kind: model.KindEntryID}, // trimmed
		{ID: "T001", Span: in(t, src, `"T001"`, 4), Kind: model.KindManifestBlocks},
	})
	if got != exp {
		t.Errorf("refs:\n%s\nwant:\n%s", got, exp)
	}

	// lists in source order: the entries' lists, the nested one, the strings of tasks
	var keys []string
	for _, l := range allLists(m) {
		keys = append(keys, fmt.Sprintf("%s:%s:%d", l.Key, l.Kind, len(l.Items)))
	}
	wantKeys := "tasks:phase list:1 depends_on:manifest depends_on:0 blocks:manifest blocks:2 " +
		"depends_on:manifest depends_on:1 dependencies:manifest depends_on:2 blocked_by:manifest blocked_by:1 " +
		"blocks:manifest blocks:0 blocks:manifest blocks:1"
	if strings.Join(keys, " ") != wantKeys {
		t.Errorf("lists:\n%s\nwant:\n%s", strings.Join(keys, " "), wantKeys)
	}
}

func TestListKinds(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		refs []want
	}{
		{"dependency graph", `{"dependency_graph": {
  "T055": {"depends_on": ["T051", "x"], "blocks": ["T060"], "blocked_by": ["T050"]},
  "summary": {"depends_on": ["T001"]},
  "T056": ["T051"]}}`, []want{
			{model.KindGraphKey, "T055", 0},
			{model.KindGraphDependsOn, "T051", 0},
			{model.KindGraphDependsOn, "x", 0},
			{model.KindGraphBlocks, "T060", 0},
			{model.KindManifestBlockedBy, "T050", 0},
			{model.KindGraphDependsOn, "T001", 0},
			{model.KindGraphKey, "T056", 0},
			{model.KindGraphDependsOn, "T051", 1},
		}},
		{"critical paths", `{"critical_path": ["T001", "T002"], "critical_path_mvp": ["T003", "later"],
  "critical_paths": {"mvp": ["T004"], "deep": {"x": [["T005"]]}, "note": "T006"}, "critical_path_len": 3}`, []want{
			{model.KindCriticalPath, "T001", 0},
			{model.KindCriticalPath, "T002", 0},
			{model.KindCriticalPath, "T003", 0},
			{model.KindCriticalPath, "later", 0},
			{model.KindCriticalPath, "T004", 0},
			{model.KindCriticalPath, "T005", 0},
		}},
		{"phases", `{"mvp": {"phases": [{"name": "A", "tasks": ["T001", "Write docs", "T002", 3]}]},
  "phases": {"p1": {"tasks": ["T003"]}}, "completed_tasks": ["T004"], "task_ids": ["T005"]}`, []want{
			{model.KindPhase, "T001", 0},
			{model.KindPhase, "T002", 0},
			{model.KindPhase, "T003", 0},
			{model.KindPhase, "T004", 0},
			{model.KindPhase, "T005", 0},
		}},
		{"deferred", `{"deferred_tasks": {"total": 2, "categories": {"x": {"tasks": ["T003", "idea"]}, "y": {"tasks": ["T034"]}}},
  "later": {"Deferred": {"tasks": ["T040"]}}, "deferred": ["T041"], "phase": {"tasks": ["T001"]}}`, []want{
			{model.KindDeferred, "T003", 0},
			{model.KindDeferred, "T034", 0},
			{model.KindDeferred, "T040", 0},
			{model.KindDeferred, "T041", 0},
			{model.KindPhase, "T001", 0},
		}},
		{"lists elsewhere", `{"milestones": [{"depends_on": ["T001"], "blocks": ["T002"], "blocked_by": ["T003"]}],
  "stats": {"total": 2, "blocked_tasks": ["T004"]}, "notes": ["T005"], "depends_on": "T006"}`, []want{
			{model.KindManifestDependsOn, "T001", 0},
			{model.KindManifestBlocks, "T002", 0},
			{model.KindManifestBlockedBy, "T003", 0},
			{model.KindPhase, "T004", 0},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := parseOK(t, tc.src)
			got := refsString(tc.src, allRefs(m))
			exp := wantString(t, tc.src, tc.refs)
			if got != exp {
				t.Errorf("refs:\n%s\nwant:\n%s", got, exp)
			}
			// every ref of a list is one of its items, lists are in order
			var items []model.Ref
			for i, l := range allLists(m) {
				if l.Style != '[' || tc.src[l.Span.Start] != '[' || tc.src[l.Span.End-1] != ']' {
					t.Errorf("list %q span %v", l.Key, l.Span)
				}
				if i > 0 && allLists(m)[i-1].Span.Start >= l.Span.Start {
					t.Errorf("lists out of order")
				}
				items = append(items, l.Items...)
			}
			var listed []model.Ref
			for _, r := range allRefs(m) {
				if r.Kind != model.KindGraphKey && r.Kind != model.KindEntryID {
					listed = append(listed, r)
				}
			}
			slices.SortFunc(items, func(a, b model.Ref) int { return a.Span.Start - b.Span.Start })
			if !slices.Equal(items, listed) {
				t.Errorf("list items %v\nrefs %v", items, listed)
			}
		})
	}
}

func TestEscapesAndBlanks(t *testing.T) {
	src := `{"critical_path": ["T\u003001", " T002  ", "  ", "\u0020T003"]}`
	m := parseOK(t, src)
	// decoded IDs; an escaped one keeps the whole inside of its quotes, a
	// blank-padded one is trimmed, a blank one is no ref
	t002 := in(t, src, `" T002  "`, 0)
	got := refsString(src, allRefs(m))
	exp := refsString(src, []model.Ref{
		{ID: "T001", Span: in(t, src, `"T\u003001"`, 0), Kind: model.KindCriticalPath},
		{ID: "T002", Span: text.Span{Start: t002.Start + 1, End: t002.Start + 5}, Kind: model.KindCriticalPath},
		{ID: "T003", Span: in(t, src, `"\u0020T003"`, 0), Kind: model.KindCriticalPath},
	})
	if got != exp {
		t.Errorf("refs:\n%s\nwant:\n%s", got, exp)
	}
}

func TestListKeys(t *testing.T) {
	src := `{"critical_path": {"mvp": ["T001"]}, "dependency_graph": {"T002": {"blocks": []}}}`
	m := parseOK(t, src)
	if len(allLists(m)) != 2 {
		t.Fatalf("%d lists", len(allLists(m)))
	}
	if l := allLists(m)[0]; l.Key != "mvp" || l.Kind != model.KindCriticalPath || l.Span != span(t, src, `["T001"]`, 0) {
		t.Errorf("critical path list %+v", l)
	}
	if l := allLists(m)[1]; l.Key != "blocks" || l.Kind != model.KindGraphBlocks || l.Span != span(t, src, `[]`, 0) || len(l.Items) != 0 {
		t.Errorf("graph list %+v", l)
	}
}

func TestObjectMapTasks(t *testing.T) {
	src := `{"tasks": {
  "T001": {"title": "A", "depends_on": ["T002"]},
  "T002": {"id": "T002", "status": "pending"},
  "setup": {"title": "no ID shape"},
  "T003": {"id": "T033"},
  "count": 3
}}`
	m := parseOK(t, src)
	var ids []string
	for _, e := range allEntries(m) {
		ids = append(ids, e.ID())
	}
	if strings.Join(ids, " ") != "T001 T002 setup T033" {
		t.Fatalf("entries %v", ids)
	}
	e := allEntries(m)[0]
	if e.IDSpan() != in(t, src, `"T001"`, 0) || e.Span() != span(t, src, `{"title": "A", "depends_on": ["T002"]}`, 0) || e.Title().Value != "A" {
		t.Errorf("T001: %+v", e)
	}
	if e := allEntries(m)[1]; e.IDSpan() != in(t, src, `"T002"`, 2) || e.Status().Value != "pending" {
		t.Errorf("T002: %+v", e)
	}
	if e := allEntries(m)[2]; e.IDSpan() != in(t, src, `"setup"`, 0) {
		t.Errorf("setup: %+v", e)
	}
	got := refsString(src, allRefs(m))
	exp := wantString(t, src, []want{
		{model.KindEntryID, "T001", 0},
		{model.KindManifestDependsOn, "T002", 0},
		{model.KindEntryID, "T002", 1}, // the key
		{model.KindEntryID, "T002", 2}, // the id
		{model.KindEntryID, "setup", 0},
		{model.KindEntryID, "T003", 0},
		{model.KindEntryID, "T033", 0},
	})
	if got != exp {
		t.Errorf("refs:\n%s\nwant:\n%s", got, exp)
	}
}

func TestDeferredAndStats(t *testing.T) {
	src := `{"deferred_tasks": {"categories": {"a": {"tasks": ["T003", "T004"]}}, "extra": {"tasks": ["T003"]}},
  "tasks": [{"id": "T001"}], "stats": {"total_tasks": 47, "completed": 3, "by_status": {"done": 1}}}`
	m := parseOK(t, src)
	d := m.Deferred()
	if len(d) != 2 || !d["T003"] || !d["T004"] || d["T001"] {
		t.Errorf("deferred %v", d)
	}
	s := m.Stats
	if s == nil || s.Kind != jsonpos.Object || s.Span != span(t, src, `{"total_tasks": 47, "completed": 3, "by_status": {"done": 1}}`, 0) {
		t.Fatalf("stats %+v", s)
	}
	if v := s.Get("total_tasks"); v == nil || v.Str != "47" || v.Span != span(t, src, "47", 0) {
		t.Errorf("total_tasks %+v", v)
	}
	if parseOK(t, `{"stats": [1]}`).Stats != nil || parseOK(t, `{"x": {"stats": {}}}`).Stats != nil {
		t.Error("stats that is not a top-level object")
	}
	if len((&Manifest{}).Deferred()) != 0 {
		t.Error("deferred of nothing")
	}
}

func TestSyntaxError(t *testing.T) {
	src := `{"tasks": [
    {"id": "T001", "depends_on": ["T002"]}
    {"id": "T002"}
  ]}`
	m := Parse([]byte(src))
	if m.Err == nil {
		t.Fatal("no error")
	}
	if m.Err.Offset != span(t, src, `{"id": "T002"}`, 0).Start || m.Err.Msg != "expected ',' or ']' after array element, found '{'" {
		t.Errorf("error %v", m.Err)
	}
	if allEntries(m) != nil || allRefs(m) != nil || allLists(m) != nil || m.Stats != nil {
		t.Errorf("content with an error: %+v", m)
	}
	for _, src := range []string{"", "{", `{"stats": {"a": }}`, `{"tasks": [{"id": "T001"}]} x`, "\ufeff"} {
		if m := Parse([]byte(src)); m.Err == nil || len(allRefs(m)) != 0 {
			t.Errorf("%q: %+v", src, m)
		}
	}
	// not an object: no error, nothing found; a bare array is a list of entries
	if m := parseOK(t, `"T001"`); len(allRefs(m)) != 0 {
		t.Errorf("a string manifest: %+v", allRefs(m))
	}
	if m := parseOK(t, `[{"id": "T001"}]`); len(allEntries(m)) != 1 {
		t.Errorf("a bare array: %+v", allEntries(m))
	}
	if m := parseOK(t, "\ufeff{\"tasks\": [{\"id\": \"T001\"}]}"); len(allEntries(m)) != 1 || allEntries(m)[0].IDSpan().Start != 3+len(`{"tasks": [{"id": "`) {
		t.Errorf("with a BOM: %+v", allEntries(m))
	}
}

// corpusManifest finds the shared corpus manifest from the package directory.
func corpusManifest(t *testing.T) []byte {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	// <root>/analysis/manifest -> <root>/../shared/corpora/...
	p := filepath.Join(wd, "..", "..", "..", "shared", "corpora", "transformer-builder", ".tasks", "manifest.json")
	data, err := os.ReadFile(p)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("corpus manifest missing under CI: %v", err)
		}
		t.Skipf("corpus manifest not available: %v", err)
	}
	return data
}

func TestCorpus(t *testing.T) {
	data := corpusManifest(t)
	src := string(data)
	m := parseOK(t, src)
	if len(allEntries(m)) != 35 {
		t.Errorf("%d entries, want 35", len(allEntries(m)))
	}
	ids := map[string]*Entry{}
	for _, e := range allEntries(m) {
		if src[e.IDSpan().Start:e.IDSpan().End] != e.ID() || src[e.IDSpan().Start-1] != '"' || src[e.IDSpan().End] != '"' {
			t.Errorf("entry %s: id span %v", e.ID(), e.IDSpan())
		}
		ids[e.ID()] = e
	}
	if e := ids["T001"]; e == nil || e.File().Value != "tasks/T001-wandb-basic-integration.yaml" || e.Status().Value != "completed" ||
		e.Priority().Value != "P1-MVP" || e.DependsOn() == nil || len(e.DependsOn().Items) != 0 || e.Blocks() == nil || len(e.Blocks().Items) != 6 {
		t.Errorf("T001: %+v", e)
	}
	if e := ids["T058"]; e == nil || e.DependsOn() == nil || idsOf(e.DependsOn().Items) != "T051 T052 T053 T057" {
		t.Errorf("T058 depends_on: %+v", e)
	}
	d := m.Deferred()
	if len(d) != 30 || !d["T003"] || !d["T034"] || d["T001"] {
		t.Errorf("deferred (%d): %v", len(d), d)
	}
	counts := map[model.RefKind]int{}
	for _, r := range allRefs(m) {
		counts[r.Kind]++
		if s := src[r.Span.Start:r.Span.End]; s != r.ID {
			t.Errorf("ref %v: text %q", r, s)
		}
	}
	// facts read off the file: 18 dependency_graph nodes, two critical
	// paths of 7, 17 MVP + 18 refactor phase tasks, 30 deferred
	for k, n := range map[model.RefKind]int{
		model.KindEntryID:      35,
		model.KindGraphKey:     18,
		model.KindCriticalPath: 14,
		model.KindPhase:        35,
		model.KindDeferred:     30,
	} {
		if counts[k] != n {
			t.Errorf("%d refs of kind %s, want %d", counts[k], k, n)
		}
	}
	var cp []string
	for _, l := range allLists(m) {
		if l.Kind == model.KindCriticalPath {
			cp = append(cp, l.Key+"="+idsOf(l.Items))
		}
	}
	if got := strings.Join(cp, "; "); got != "critical_path_mvp=T001 T002 T015 T020 T029 T033 T038; critical_path_refactor=T048 T051 T052 T053 T054 T055 T061" {
		t.Errorf("critical paths: %s", got)
	}
	if m.Stats == nil || m.Stats.Get("total_completed") == nil || m.Stats.Get("total_completed").Str != "22" {
		t.Errorf("stats %+v", m.Stats)
	}
}

func idsOf(refs []model.Ref) string {
	var s []string
	for _, r := range refs {
		s = append(s, r.ID)
	}
	return strings.Join(s, " ")
}

// generate writes a deterministic manifest of n entries shaped like the
// real ones (about 560 bytes an entry, as json.dump(indent=2) writes them).
func generate(n int) []byte {
	var b strings.Builder
	id := func(i int) string { return fmt.Sprintf("T%05d", i+1) }
	quoted := func(ids []string) string {
		if len(ids) == 0 {
			return "[]"
		}
		return "[\n        \"" + strings.Join(ids, "\",\n        \"") + "\"\n      ]"
	}
	statuses := []string{"completed", "pending", "in_progress", "blocked"}
	b.WriteString("{\n  \"project\": {\"name\": \"Generated\", \"version\": \"1.0\"},\n  \"tasks\": [\n")
	for i := 0; i < n; i++ {
		var deps, blocks []string
		for k := 1; k <= i%4 && i-k*3 >= 0; k++ {
			deps = append(deps, id(i-k*3))
		}
		for k := 1; k <= (i+1)%3 && i+k*2 < n; k++ {
			blocks = append(blocks, id(i+k*2))
		}
		fmt.Fprintf(&b, `    {
      "id": "%s",
      "title": "Generated task number %d \u2014 do the thing carefully",
      "file": "tasks/%s-generated-task-%d.yaml",
      "status": "%s",
      "priority": "P%d-MVP",
      "phase": "phase-%d",
      "depends_on": %s,
      "blocks": %s,
      "tags": ["generated", "bench"],
      "estimated_hours": %d.5,
      "estimated_tokens": %d,
      "created_at": "2025-11-16T12:00:00Z",
      "completed_by": "agent-%d"
    }`, id(i), i, id(i), i, statuses[i%4], i%4+1, i%10, quoted(deps), quoted(blocks), i%7, 1000*(i%13), i%5)
		if i < n-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ],\n  \"dependency_graph\": {\n")
	for i := 0; i < n; i += 10 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, "    %q: {\"depends_on\": [%q], \"blocks\": []}", id(i), id(i/2))
	}
	b.WriteString("\n  },\n  \"critical_path\": [\"T00001\", \"T00002\"],\n")
	b.WriteString("  \"deferred_tasks\": {\"categories\": {\"x\": {\"tasks\": [\"T99998\", \"T99999\"]}}},\n")
	fmt.Fprintf(&b, "  \"stats\": {\"total_tasks\": %d, \"completed\": %d}\n}\n", n, n/4)
	return []byte(b.String())
}

func TestGenerated(t *testing.T) {
	n := 2000
	data := generate(n)
	m := parseOK(t, string(data))
	if len(allEntries(m)) != n || m.Stats == nil || len(m.Deferred()) != 2 {
		t.Fatalf("%d entries", len(allEntries(m)))
	}
	for i, e := range allEntries(m) {
		if e.ID() != fmt.Sprintf("T%05d", i+1) || string(data[e.IDSpan().Start:e.IDSpan().End]) != e.ID() {
			t.Fatalf("entry %d: %q", i, e.ID())
		}
	}
}

// A list whose items are read with nothing between them keeps no list of
// its items: they are the refs inside its span. Others (a nested list, or
// the strings of an array of entries) name their refs. The answers are the
// same either way.
func TestListItemsShareRefs(t *testing.T) {
	src := `{"tasks": {"x y": {"title": "no ID key"}, "x": {"id": "T9"}, "T1": {"depends_on": ["T2", "T3"]}},
 "mvp_tasks": [["T1"], "T2", ["T3", "T4"]], "critical_path": ["T1", "T4"]}`
	m := parseOK(t, src)
	var got strings.Builder
	for i, l := range m.Lists() {
		fmt.Fprintf(&got, "%s %s", l.Key, l.Kind)
		for _, it := range l.Items {
			fmt.Fprintf(&got, " %s@%d", it.ID, it.Span.Start)
		}
		_, _, named := m.listRefs(i)
		fmt.Fprintf(&got, " shared=%v cap=%v\n", named == nil, cap(l.Items) == len(l.Items))
	}
	want := `depends_on manifest depends_on T2@84 T3@90 shared=true cap=true
mvp_tasks phase list T2@122 shared=false cap=true
mvp_tasks phase list T1@115 shared=true cap=true
mvp_tasks phase list T3@129 T4@135 shared=true cap=true
critical_path critical path T1@161 T4@167 shared=true cap=true
`
	if got.String() != want {
		t.Errorf("lists:\n%s\nwant:\n%s", got.String(), want)
	}
}

func BenchmarkParse(b *testing.B) {
	data := generate(10000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if m := Parse(data); m.Err != nil || m.NumEntries() != 10000 {
			b.Fatal(m.Err)
		}
	}
}

// FuzzParse: never a panic; refs strictly in source order and inside the
// input; lists bracketed and in order; an error leaves nothing else.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"tasks": [{"id": "T001", "depends_on": ["T002"], "blocks": [], "file": "tasks/a.md"}, "T003"]}`,
		`{"tasks": {"T001": {"title": "A"}, "x": {"id": " T002 "}}}`,
		`{"dependency_graph": {"T055": {"depends_on": ["T051"]}, "T056": ["T1"]}, "critical_path": {"a": [["T1"]]}}`,
		`{"deferred_tasks": {"c": {"x": {"tasks": ["T003"]}}}, "stats": {"done_tasks": ["T001"]}, "mvp": {"phases": [{"tasks": ["T001"]}]}}`,
		`[{"id": "T001"}]`, `{"tasks": [`, "\ufeff{}", `{"critical_path": ["T\u0030"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m := Parse(data)
		if m.Err != nil {
			if allEntries(m) != nil || allRefs(m) != nil || allLists(m) != nil || m.Stats != nil {
				t.Fatal("content with an error")
			}
			if m.Err.Offset < 0 || m.Err.Offset > len(data) {
				t.Fatalf("error offset %d of %d", m.Err.Offset, len(data))
			}
			return
		}
		prev := -1
		for _, r := range allRefs(m) {
			if r.Span.Start <= prev || r.Span.End > len(data) || r.Span.Start > r.Span.End || r.ID == "" {
				t.Fatalf("ref %+v after %d", r, prev)
			}
			prev = r.Span.Start
		}
		prev = -1
		refs := allRefs(m)
		for _, l := range allLists(m) {
			if l.Span.Start <= prev || data[l.Span.Start] != '[' || data[l.Span.End-1] != ']' {
				t.Fatalf("list %+v after %d", l, prev)
			}
			prev = l.Span.Start
			// (an item appended after the last goes past its closing quote)
			if len(l.Items) > 0 {
				if tail := m.ListTail(l); tail > l.Span.End-1 || data[tail-1] != '"' {
					t.Fatalf("list %+v: ListTail %d is not past a closing quote", l, tail)
				}
			}
			for _, it := range l.Items {
				if it.Span.Start < l.Span.Start || it.Span.End > l.Span.End || it.Kind != l.Kind {
					t.Fatalf("item %+v of list %+v", it, l)
				}
				// every item is also one of the refs, the same
				if i, ok := slices.BinarySearchFunc(refs, it.Span.Start, func(r model.Ref, off int) int { return r.Span.Start - off }); !ok || refs[i] != it {
					t.Fatalf("item %+v of list %+v is not among the refs", it, l)
				}
			}
		}
		lists := allLists(m)
		for _, e := range allEntries(m) {
			if e.ID() == "" || e.IDSpan().End > len(data) || e.Span().End > len(data) || data[e.Span().Start] != '{' {
				t.Fatalf("entry %+v", e)
			}
			// its ID is one of the refs; its lists are lists of the
			// manifest, inside it
			if i, ok := slices.BinarySearchFunc(refs, e.IDSpan().Start, func(r model.Ref, off int) int { return r.Span.Start - off }); !ok ||
				refs[i] != (model.Ref{ID: e.ID(), Span: e.IDSpan(), Kind: model.KindEntryID}) {
				t.Fatalf("entry %q at %v is not among the refs", e.ID(), e.IDSpan())
			}
			for _, l := range []*model.List{e.DependsOn(), e.Blocks(), e.BlockedBy()} {
				if l == nil {
					continue
				}
				if l.Span.Start < e.Span().Start || l.Span.End > e.Span().End ||
					!slices.ContainsFunc(lists, func(x *model.List) bool { return x.Span == l.Span && slices.Equal(x.Items, l.Items) }) {
					t.Fatalf("entry %q: list %+v", e.ID(), l)
				}
			}
			// a field's span holds its value as JSON writes it
			for _, f := range []Field{e.Title(), e.Status(), e.Priority(), e.File()} {
				if f.Span.End > len(data) || f.Span.Start > f.Span.End || f.Present && f.String && (data[f.Span.Start] != '"' || data[f.Span.End-1] != '"') {
					t.Fatalf("entry %q: field %+v", e.ID(), f)
				}
			}
		}
	})
}

// Field.Inner is inside a string's quotes, the whole token otherwise, with
// no need of the document's text.
func TestFieldInner(t *testing.T) {
	src := `{"tasks": [{"id": "T1", "priority": 1, "status": "done", "title": "a \"b\""}]}`
	e := parseOK(t, src).Entry(0)
	if e.Priority().String || e.Priority().Inner() != span(t, src, "1", 1) {
		t.Errorf("number: String %v, Inner %v", e.Priority().String, e.Priority().Inner())
	}
	if !e.Status().String || e.Status().Inner() != in(t, src, `"done"`, 0) {
		t.Errorf("string: String %v, Inner %v", e.Status().String, e.Status().Inner())
	}
	if got := src[e.Title().Inner().Start:e.Title().Inner().End]; !e.Title().String || got != `a \"b\"` {
		t.Errorf("escaped string: String %v, Inner %q", e.Title().String, got)
	}
}

// What a fix appending an entry or a list item needs of the text is learnt
// by the parse: the last entry's indentation, its key in an object map,
// and where a list's last item ends (past its quote, blanks inside it
// included).
func TestLayout(t *testing.T) {
	arr := "{\"tasks\": [\n    {\"id\": \"T1\", \"blocks\": [\"T2\", \"T3 \"]},\n    {\"id\": \"T2\", \"blocks\": [\"T\\u0031\"]}\n]}"
	m := parseOK(t, arr)
	if m.LastIndent != "    " || m.LastKey != -1 || m.LastKeyIndent != "" {
		t.Errorf("array: LastIndent %q, LastKey %d, LastKeyIndent %q", m.LastIndent, m.LastKey, m.LastKeyIndent)
	}
	for i, want := range []int{strings.Index(arr, `"T3 "`) + 5, strings.Index(arr, `"T\u0031"`) + 9} {
		if got := m.ListTail(allEntries(m)[i].Blocks()); got != want {
			t.Errorf("ListTail of entry %d's blocks = %d, want %d", i, got, want)
		}
	}
	obj := "{\"tasks\": {\n  \"T1\": {\"title\": \"a\"},\n  \"T2\":\n      {\"title\": \"b\"}}}"
	m = parseOK(t, obj)
	if m.LastIndent != "      " || m.LastKey != strings.Index(obj, `"T2"`) || m.LastKeyIndent != "  " {
		t.Errorf("object map: LastIndent %q, LastKey %d, LastKeyIndent %q", m.LastIndent, m.LastKey, m.LastKeyIndent)
	}
	if m = parseOK(t, `{"tasks": [{"id": "T1"}, "T2"]}`); m.LastIndent != "" || m.LastKey != -1 {
		t.Errorf("entry after other text: LastIndent %q, LastKey %d", m.LastIndent, m.LastKey)
	}
}

func allRefs(m *Manifest) []model.Ref {
	var out []model.Ref
	for _, r := range m.Refs() {
		out = append(out, r)
	}
	return out
}

func allLists(m *Manifest) []*model.List {
	var out []*model.List
	for _, l := range m.Lists() {
		out = append(out, l)
	}
	return out
}

func allEntries(m *Manifest) []*Entry {
	var out []*Entry
	for _, e := range m.Entries() {
		out = append(out, e)
	}
	return out
}
