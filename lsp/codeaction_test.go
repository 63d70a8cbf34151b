package lsp_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/taskls/taskls/analysis/text"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

type textEdit struct {
	Range   protocol.Range `json:"range"`
	NewText string         `json:"newText"`
}

type docEdit struct {
	TextDocument struct {
		URI     string `json:"uri"`
		Version *int   `json:"version"`
	} `json:"textDocument"`
	Edits []textEdit `json:"edits"`
}

type action struct {
	Title       string                `json:"title"`
	Kind        string                `json:"kind"`
	IsPreferred bool                  `json:"isPreferred"`
	Diagnostics []protocol.Diagnostic `json:"diagnostics"`
	Edit        struct {
		DocumentChanges []docEdit `json:"documentChanges"`
	} `json:"edit"`
}

// applyEdits applies LSP text edits (UTF-16 positions) to content, as a
// client does: all ranges refer to the original content.
func applyEdits(t *testing.T, content string, edits []textEdit) string {
	t.Helper()
	f := text.New([]byte(content))
	type span struct {
		a, b int
		s    string
		i    int
	}
	var spans []span
	for i, e := range edits {
		a := f.Offset(text.Pos{Line: int(e.Range.Start.Line), Col: int(e.Range.Start.Character)})
		b := f.Offset(text.Pos{Line: int(e.Range.End.Line), Col: int(e.Range.End.Character)})
		spans = append(spans, span{a, b, e.NewText, i})
	}
	sort.SliceStable(spans, func(i, j int) bool {
		return spans[i].a > spans[j].a || spans[i].a == spans[j].a && spans[i].i > spans[j].i
	})
	out := content
	for _, s := range spans {
		out = out[:s.a] + s.s + out[s.b:]
	}
	return out
}

func codeActions(t *testing.T, c interface {
	Call(string, any, any) error
}, uri string, r protocol.Range, only ...string) []action {
	t.Helper()
	ctx := map[string]any{"diagnostics": []any{}}
	if len(only) > 0 {
		ctx["only"] = only
	}
	var raw json.RawMessage
	if err := c.Call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": uri}, "range": r, "context": ctx}, &raw); err != nil {
		t.Fatal(err)
	}
	var out []action
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%v: %s", err, raw)
	}
	return out
}

var editCaps = map[string]any{"workspace": map[string]any{"workspaceEdit": map[string]any{"documentChanges": true}}}

// A quick fix, applied as the client would, removes its diagnostic and
// touches nothing outside the range it names.
func TestQuickFixApplied(t *testing.T) {
	dir := t.TempDir()
	manifest := `{
  "tasks": [
    {"id": "T001", "title": "A", "file": "tasks/T001-a.md", "status": "completed", "depends_on": []}
  ]
}
`
	write(t, dir, map[string]string{
		".tasks/manifest.json":   manifest,
		".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: Pending\n---\n",
	})
	c := sessionWith(t, dir, editCaps, only("manifest-drift"))
	mPath := filepath.Join(dir, ".tasks/manifest.json")
	mURI := uri(mPath)
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": mURI, "languageId": "json", "version": 7, "text": manifest}})
	ds, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if err != nil {
		t.Fatal(err)
	}
	if ds[0].Message != "status differs: manifest.json says completed, tasks/T001-a.md says Pending" {
		t.Fatalf("diagnostic: %s", dump(ds))
	}
	acts := codeActions(t, c, mURI, ds[0].Range)
	var titles []string
	for _, a := range acts {
		titles = append(titles, a.Kind+": "+a.Title)
	}
	want := []string{
		"quickfix: Set the manifest's status of T001 to pending",
		"quickfix: Set the status in tasks/T001-a.md to completed",
		"source.fixAll.taskls: Fix all taskls problems with an obvious fix",
		"source.taskls.syncManifest: Bring manifest.json in line with the task files",
		"source.taskls.newTask: New task",
	}
	if strings.Join(titles, "\n") != strings.Join(want, "\n") {
		t.Fatalf("actions:\n%s\nwant:\n%s", strings.Join(titles, "\n"), strings.Join(want, "\n"))
	}
	fix := acts[0]
	if !fix.IsPreferred || acts[1].IsPreferred || len(fix.Edit.DocumentChanges) != 1 {
		t.Fatalf("preferred fix: %+v", acts)
	}
	dc := fix.Edit.DocumentChanges[0]
	if dc.TextDocument.URI != mURI || dc.TextDocument.Version == nil || *dc.TextDocument.Version != 7 {
		t.Errorf("the edit must name the open document with its version: %+v", dc.TextDocument)
	}
	fixed := applyEdits(t, manifest, dc.Edits)
	if fixed != strings.Replace(manifest, `"status": "completed"`, `"status": "pending"`, 1) {
		t.Errorf("fixed manifest:\n%s", fixed)
	}
	c.Notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": mURI, "version": 8}, "contentChanges": []map[string]any{{"text": fixed}}})
	if _, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 0 }); err != nil {
		t.Error(err)
	}
}

// The source action brings the manifest in line with the files in one
// edit: statuses, titles, dependencies, blocks, the graph, stats and the
// missing entries.
func TestSyncManifest(t *testing.T) {
	dir := t.TempDir()
	manifest := `{
  "tasks": [
    {"id": "T001", "title": "Old A", "file": "tasks/T001-a.md", "status": "pending", "priority": "P1", "depends_on": [], "blocks": []},
    {"id": "T002", "title": "B", "file": "tasks/T002-b.md", "status": "pending", "priority": "P2", "depends_on": ["T003"], "blocks": []}
  ],
  "dependency_graph": {
    "T002": {"depends_on": [], "blocks": []}
  },
  "stats": {"total_tasks": 5, "completed": 0}
}
`
	write(t, dir, map[string]string{
		".tasks/manifest.json":   manifest,
		".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: completed\npriority: P1\n---\n",
		".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\nstatus: pending\npriority: 2\ndependencies: [T001]\n---\n",
		".tasks/tasks/T003-c.md": "---\nid: T003\ntitle: C\nstatus: pending\npriority: 3\ndependencies: [T002]\n---\n",
	})
	checks := []string{"manifest-drift", "blocks-inverse", "graph-drift", "stats-drift", "not-in-manifest"}
	c := sessionWith(t, dir, editCaps, only(checks...))
	mURI := uri(filepath.Join(dir, ".tasks/manifest.json"))
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": mURI, "languageId": "json", "version": 1, "text": manifest}})
	if _, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) >= 5 }); err != nil {
		t.Fatal(err)
	}
	acts := codeActions(t, c, mURI, protocol.Range{}, "source.taskls.syncManifest")
	if len(acts) != 1 {
		t.Fatalf("actions: %+v", acts)
	}
	fixed := applyEdits(t, manifest, acts[0].Edit.DocumentChanges[0].Edits)
	var parsed any
	if err := json.Unmarshal([]byte(fixed), &parsed); err != nil {
		t.Fatalf("the synced manifest is not JSON: %v\n%s", err, fixed)
	}
	want := `{
  "tasks": [
    {"id": "T001", "title": "A", "file": "tasks/T001-a.md", "status": "completed", "priority": "P1", "depends_on": [], "blocks": ["T002"]},
    {"id": "T002", "title": "B", "file": "tasks/T002-b.md", "status": "pending", "priority": "P2", "depends_on": ["T001"], "blocks": ["T003"]},
    {"id": "T003", "title": "C", "file": "tasks/T003-c.md", "status": "pending", "priority": "P3", "depends_on": ["T002"]}
  ],
  "dependency_graph": {
    "T002": {"depends_on": ["T001"], "blocks": ["T003"]}
  },
  "stats": {"total_tasks": 3, "completed": 1}
}
`
	if fixed != want {
		t.Errorf("synced manifest:\n%s\nwant:\n%s", fixed, want)
	}
	c.Notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": mURI, "version": 2}, "contentChanges": []map[string]any{{"text": fixed}}})
	if _, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 0 }); err != nil {
		t.Error(err)
	}
}

// A manifest entry whose file was never written offers to create it from
// the workspace's own sections, as a CreateFile that never overwrites.
func TestCreateMissingFile(t *testing.T) {
	dir := t.TempDir()
	manifest := `{"tasks": [
  {"id": "T001", "title": "A", "file": "tasks/T001-a.md", "status": "pending"},
  {"id": "T002", "title": "Write: the docs", "file": "tasks/T002-docs.md", "status": "Pending", "priority": "P2", "depends_on": ["T001"]}
]}
`
	write(t, dir, map[string]string{
		".tasks/manifest.json":   manifest,
		".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\n---\n\n## Description\n\nx\n\n## Acceptance Criteria\n\n- [ ] y\n",
	})
	c := sessionWith(t, dir, editCaps, only("missing-file"))
	mURI := uri(filepath.Join(dir, ".tasks/manifest.json"))
	ds, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if err != nil {
		t.Fatal(err)
	}
	var raw json.RawMessage
	c.Call("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": mURI}, "range": ds[0].Range, "context": map[string]any{"diagnostics": []any{}, "only": []string{"quickfix"}}}, &raw)
	want := `[{"title":"Create tasks/T002-docs.md from the workspace's task template","kind":"quickfix","diagnostics":[` + dump(ds)[1:len(dump(ds))-1] + `],"isPreferred":false,"edit":{"documentChanges":[` +
		`{"kind":"create","options":{"ignoreIfExists":true},"uri":"` + uri(filepath.Join(dir, ".tasks/tasks/T002-docs.md")) + `"},` +
		`{"textDocument":{"uri":"` + uri(filepath.Join(dir, ".tasks/tasks/T002-docs.md")) + `","version":null},"edits":[{"range":{"start":{"line":0,"character":0},"end":{"line":0,"character":0}},"newText":` +
		`"---\nid: T002\ntitle: \"Write: the docs\"\nstatus: pending\npriority: P2\ndependencies: [T001]\n---\n\n## Description\n\nTODO\n\n## Acceptance Criteria\n\n- [ ] \n"}]}]}}]`
	if string(raw) != want {
		t.Errorf("code actions:\n%s\nwant:\n%s", raw, want)
	}
}

// taskls.newTask adds the next free ID: a file with every section and
// placeholders for the minimums, its manifest entry and the stats, sent as
// one workspace/applyEdit that creates without overwriting.
func TestNewTaskCommand(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		".tasks/manifest.json":   "{\"tasks\": [\n  {\"id\": \"T009\", \"file\": \"tasks/T009-a.md\", \"priority\": \"P1-MVP\", \"depends_on\": []}\n],\n\"stats\": {\"total_tasks\": 1, \"pending\": 0}}\n",
		".tasks/tasks/T009-a.md": "---\nid: T009\ntitle: A\nstatus: completed\n---\n",
		".tasks/taskls.yaml":     "sections:\n  min_criteria: 2\n  min_scenarios: 1\n  min_risks: 1\n  required: [Description, Acceptance Criteria, Test Scenarios, Risks]\n",
	})
	c := sessionWith(t, dir, editCaps, only())
	var res map[string]any
	if err := c.Call("workspace/executeCommand", map[string]any{"command": "taskls.newTask", "arguments": []any{map[string]any{"title": "Write the docs!"}}}, &res); err != nil {
		t.Fatal(err)
	}
	if res["id"] != "T010" {
		t.Errorf("new ID: %v", res)
	}
	var reqs []json.RawMessage
	for deadline := time.Now().Add(5 * time.Second); len(reqs) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		reqs = c.ServerRequests("workspace/applyEdit")
	}
	if len(reqs) != 1 {
		t.Fatalf("applyEdit requests: %d", len(reqs))
	}
	var p struct {
		Label string `json:"label"`
		Edit  struct {
			DocumentChanges []json.RawMessage `json:"documentChanges"`
		} `json:"edit"`
	}
	json.Unmarshal(reqs[0], &p)
	var parts []string
	for _, dc := range p.Edit.DocumentChanges {
		var x struct {
			Kind         string         `json:"kind"`
			URI          string         `json:"uri"`
			Options      map[string]any `json:"options"`
			TextDocument struct {
				URI string `json:"uri"`
			} `json:"textDocument"`
			Edits []textEdit `json:"edits"`
		}
		json.Unmarshal(dc, &x)
		if x.Kind == "create" {
			parts = append(parts, fmt.Sprintf("create %s %v", filepath.Base(x.URI), x.Options))
			continue
		}
		for _, e := range x.Edits {
			parts = append(parts, fmt.Sprintf("%s %d:%d %q", filepath.Base(x.TextDocument.URI), e.Range.Start.Line+1, e.Range.Start.Character+1, e.NewText))
		}
	}
	want := []string{
		`manifest.json 2:84 ",\n  {\"id\": \"T010\", \"title\": \"Write the docs!\", \"file\": \"tasks/T010-write-the-docs.md\", \"status\": \"pending\", \"priority\": \"P2-MVP\", \"depends_on\": []}"`,
		`manifest.json 4:26 "2"`,
		`manifest.json 4:40 "1"`,
		`create T010-write-the-docs.md map[ignoreIfExists:true]`,
		`T010-write-the-docs.md 1:1 "---\nid: T010\ntitle: Write the docs!\nstatus: pending\npriority: P2\ndependencies: []\n---\n\n## Description\n\nTODO\n\n## Acceptance Criteria\n\n- [ ] \n- [ ] \n\n## Test Scenarios\n\n### Scenario 1: \nGiven: \nWhen: \nThen: \n\n\n## Risks\n\n### Risk 1: \n- Mitigation: \n\n"`,
	}
	if p.Label != "New task T010" || strings.Join(parts, "\n") != strings.Join(want, "\n") {
		t.Errorf("applyEdit %q:\n%s\nwant:\n%s", p.Label, strings.Join(parts, "\n"), strings.Join(want, "\n"))
	}
}
