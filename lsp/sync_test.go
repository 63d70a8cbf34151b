package lsp_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/taskls/taskls/internal/marker"
	"github.com/taskls/taskls/lsp/lsptest"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// write creates files under dir from "name": "content" pairs.
func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

const oneEntry = `{"tasks": [
  {"id": "T002", "file": "tasks/T002-b.md", "depends_on": ["T001"]}
]}
`

const syncManifest = `{"tasks": [
  {"id": "T001", "file": "tasks/T001-a.md"},
  {"id": "T002", "file": "tasks/T002-b.md", "depends_on": ["T001"]}
]}
`

func messages(ds []protocol.Diagnostic) []string {
	var out []string
	for _, d := range ds {
		out = append(out, d.Message)
	}
	return out
}

// An edit that renames a task's ID makes its dependents' references unknown,
// and the edit back clears them: diagnostics follow the buffer, not the disk,
// and reach files that are not open.
func TestEditFixesDependents(t *testing.T) {
	dir := t.TempDir()
	a := "---\nid: T001\ntitle: A\nstatus: pending\n---\n"
	write(t, dir, map[string]string{
		".tasks/manifest.json":   oneEntry,
		".tasks/tasks/T001-a.md": a,
		".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\nstatus: pending\ndependencies: [T001]\n---\n",
	})
	c := session(t, dir, nil)
	aURI := uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))
	bURI := uri(filepath.Join(dir, ".tasks/tasks/T002-b.md"))
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": aURI, "languageId": "markdown", "version": 1, "text": a}})
	// rename the id in the buffer: T001 -> T0001 (an incremental insertion)
	c.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": aURI, "version": 2},
		"contentChanges": []map[string]any{{"range": map[string]any{"start": map[string]any{"line": 1, "character": 5}, "end": map[string]any{"line": 1, "character": 5}}, "text": "0"}},
	})
	got, err := c.WaitDiagnostics(bURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if err != nil {
		t.Fatal(err)
	}
	want := protocol.Range{Start: protocol.Position{Line: 4, Character: 15}, End: protocol.Position{Line: 4, Character: 19}}
	if got[0].Message != "unknown task ID T001 (did you mean T0001?)" || got[0].Range != want {
		t.Errorf("dependent file: got %s", dump(got))
	}
	// the buffer's diagnostics carry its version; the file name disagrees now
	ga, err := c.WaitDiagnostics(aURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if err != nil {
		t.Fatal(err)
	}
	if ga[0].Message != "file name starts with T001 but the task's id is T0001" {
		t.Errorf("edited file: got %s", dump(ga))
	}
	// undo with a full-content change
	c.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": aURI, "version": 3},
		"contentChanges": []map[string]any{{"text": a}},
	})
	for _, u := range []string{aURI, bURI} {
		if _, err := c.WaitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return len(ds) == 0 }); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	// the version of the buffer is published with its diagnostics
	raw := c.Notifications("textDocument/publishDiagnostics")
	var sawVersion bool
	for _, r := range raw {
		var p struct {
			URI     string `json:"uri"`
			Version *int   `json:"version"`
		}
		json.Unmarshal(r, &p)
		if p.URI == aURI && p.Version != nil && *p.Version == 3 {
			sawVersion = true
		}
	}
	if !sawVersion {
		t.Errorf("no publishDiagnostics for %s with version 3", aURI)
	}
}

// Files created, changed and deleted on disk reach the index through
// workspace/didChangeWatchedFiles when the client offers it, and the
// server registers its watchers dynamically.
func TestWatchedFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		".tasks/manifest.json":   syncManifest,
		".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\nstatus: pending\ndependencies: [T001, T404]\n---\n",
	})
	caps := map[string]any{"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}}}
	c := session(t, dir, caps)
	bURI := uri(filepath.Join(dir, ".tasks/tasks/T002-b.md"))
	mURI := uri(filepath.Join(dir, ".tasks/manifest.json"))
	if _, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 }); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitDiagnostics(bURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 }); err != nil {
		t.Fatal(err)
	}
	var regs []json.RawMessage
	for deadline := time.Now().Add(5 * time.Second); len(regs) == 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		regs = c.ServerRequests("client/registerCapability")
	}
	if len(regs) != 1 || !strings.Contains(string(regs[0]), `"workspace/didChangeWatchedFiles"`) || !strings.Contains(string(regs[0]), `"**/.tasks/**"`) {
		t.Errorf("registerCapability requests: %s", regs)
	}
	// T001's file appears: the manifest's missing file is found
	aPath := filepath.Join(dir, ".tasks/tasks/T001-a.md")
	write(t, dir, map[string]string{".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\n---\n"})
	c.Notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{{"uri": uri(aPath), "type": 1}}})
	if _, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 0 }); err != nil {
		t.Fatal(err)
	}
	// both files are deleted: the manifest reports them missing
	os.Remove(filepath.Join(dir, ".tasks/tasks/T002-b.md"))
	os.Remove(aPath)
	c.Notify("workspace/didChangeWatchedFiles", map[string]any{"changes": []map[string]any{
		{"uri": uri(aPath), "type": 3}, {"uri": bURI, "type": 3},
	}})
	got, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 2 })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(messages(got), "|") != "file tasks/T001-a.md does not exist|file tasks/T002-b.md does not exist" {
		t.Errorf("manifest after deletions: %s", dump(got))
	}
	// the deleted file's diagnostics are cleared
	if _, err := c.WaitDiagnostics(bURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 0 }); err != nil {
		t.Error(err)
	}
}

// Without client-side watching the server watches the disk itself.
func TestServerWatchesDisk(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{".tasks/manifest.json": syncManifest})
	c := session(t, dir, nil)
	mURI := uri(filepath.Join(dir, ".tasks/manifest.json"))
	if _, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 2 }); err != nil {
		t.Fatal(err)
	}
	write(t, dir, map[string]string{
		".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\n---\n",
		".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\nstatus: pending\n---\n",
	})
	if _, err := c.WaitDiagnostics(mURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 0 }); err != nil {
		t.Fatal(err)
	}
}

// Columns count UTF-16 code units: 🚀 is two, ✅ one.
func TestUTF16Columns(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\n---\n✅🚀 see T404 and [T001]\n",
	})
	c := session(t, dir, nil)
	aURI := uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))
	got, err := c.WaitDiagnostics(aURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if err != nil {
		t.Fatal(err)
	}
	// "✅🚀 see " is 1 + 2 + 5 = 8 UTF-16 units
	want := protocol.Range{Start: protocol.Position{Line: 4, Character: 8}, End: protocol.Position{Line: 4, Character: 12}}
	if got[0].Range != want || got[0].Message != "unknown task ID T404" {
		t.Errorf("got %s", dump(got))
	}
	var h *protocol.Hover
	c.Call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": aURI}, "position": map[string]any{"line": 4, "character": 19}}, &h)
	wantH := protocol.Range{Start: protocol.Position{Line: 4, Character: 18}, End: protocol.Position{Line: 4, Character: 22}}
	if h == nil || h.Range == nil || *h.Range != wantH {
		t.Errorf("hover on [T001] after emoji: %+v", h)
	}
}

// Completion in manifest.json adds the quotes (and the comma) that are
// missing, and replaces exactly the partial ID.
func TestCompletionEdits(t *testing.T) {
	for _, tc := range []struct {
		name, line, needle, newText string
	}{
		{"inside quotes", `"depends_on": ["T0"]`, `["T0«»`, "T002"},
		{"no quotes yet", `"depends_on": []`, `[«»`, `"T002"`},
		{"after an item", `"depends_on": ["T003" ]`, `"T003" «»]`, `, "T002"`},
		{"a bare partial", `"depends_on": ["T003", T00]`, `T00«»]`, `"T002"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			m := "{\"tasks\": [\n  {\"id\": \"T001\", " + tc.line + "},\n  {\"id\": \"T002\"}, {\"id\": \"T003\"}\n]}\n"
			// the disk holds a manifest that parses; the buffer is being typed
			write(t, dir, map[string]string{".tasks/manifest.json": strings.Replace(m, tc.line, `"depends_on": []`, 1)})
			c := session(t, dir, nil)
			c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri(filepath.Join(dir, ".tasks/manifest.json")), "languageId": "json", "version": 1, "text": m}})
			ts := &marker.Test{Files: map[string][]byte{"m": []byte(m)}}
			start, _ := ts.Find(t, "m", 1, tc.needle)
			var list protocol.CompletionList
			p := pos([]byte(m), start)
			if err := c.Call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": uri(filepath.Join(dir, ".tasks/manifest.json"))}, "position": p}, &list); err != nil {
				t.Fatal(err)
			}
			var edit *protocol.TextEdit
			for _, it := range list.Items {
				if it.Label == "T002" {
					b, _ := json.Marshal(it.TextEdit)
					json.Unmarshal(b, &edit)
				}
			}
			if edit == nil {
				t.Fatalf("no T002 item in %+v", list.Items)
			}
			ws := start
			for ws > 0 && (m[ws-1] >= 'A' && m[ws-1] <= 'Z' || m[ws-1] >= '0' && m[ws-1] <= '9') {
				ws--
			}
			if edit.NewText != tc.newText || edit.Range != rng([]byte(m), ws, start) {
				t.Errorf("edit %q at %v, want %q at %v", edit.NewText, edit.Range, tc.newText, rng([]byte(m), ws, start))
			}
		})
	}
}

// Indexing runs after initialize has been answered, inside $/progress
// begin/end when the client shows progress.
func TestIndexProgress(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\n---\n"})
	c := sessionWith(t, dir, map[string]any{"window": map[string]any{"workDoneProgress": true}}, only())
	var kinds []string
	for deadline := time.Now().Add(5 * time.Second); len(kinds) < 2 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		kinds = kinds[:0]
		for _, n := range c.Notifications("$/progress") {
			var p struct {
				Token string `json:"token"`
				Value struct {
					Kind    string `json:"kind"`
					Message string `json:"message"`
				} `json:"value"`
			}
			json.Unmarshal(n, &p)
			kinds = append(kinds, p.Token+":"+p.Value.Kind)
			if p.Value.Kind == "end" && !strings.HasPrefix(p.Value.Message, "indexed 1 tasks in 1 .tasks folder(s) in ") {
				t.Errorf("end message %q", p.Value.Message)
			}
		}
	}
	if strings.Join(kinds, " ") != "taskls-index:begin taskls-index:end" {
		t.Errorf("progress: %v", kinds)
	}
	// a request waits for the index
	var h json.RawMessage
	if err := c.Call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))}, "position": map[string]any{"line": 1, "character": 5}}, &h); err != nil || !strings.Contains(string(h), "### T001 · A") {
		t.Fatalf("hover after initialized: %s %v", h, err)
	}
	if n := len(c.ServerRequests("window/workDoneProgress/create")); n != 1 {
		t.Errorf("progress create requests: %d", n)
	}
}

// Settings reach the server three ways: initializationOptions, a
// workspace/configuration request the server makes (outside its read loop)
// and didChangeConfiguration.
func TestSettings(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: someday\ndependencies: [T404]\n---\n"})
	aURI := uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))
	codes := func(ds []protocol.Diagnostic) string {
		var out []string
		for _, d := range ds {
			out = append(out, fmt.Sprintf("%v:%d", d.Code.Value, *d.Severity))
		}
		sort.Strings(out)
		return strings.Join(out, " ")
	}
	// the client answers workspace/configuration: status-value is a warning
	caps := map[string]any{"workspace": map[string]any{"configuration": true}}
	c := sessionWith(t, dir, caps, only("unknown-id", "status-value"),
		lsptest.WithRequestHandler("workspace/configuration", func(json.RawMessage) (any, error) {
			// what the client answers replaces the settings it gave before
			settings := only("unknown-id", "status-value")
			settings["checks"].(map[string]any)["status-value"] = "warning"
			return []any{settings}, nil
		}))
	if _, err := c.WaitDiagnostics(aURI, func(ds []protocol.Diagnostic) bool { return codes(ds) == "status-value:2 unknown-id:1" }); err != nil {
		t.Fatal(err)
	}
	// didChangeConfiguration with settings: unknown-id off
	settings := only("status-value")
	c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": map[string]any{"taskls": settings}})
	if _, err := c.WaitDiagnostics(aURI, func(ds []protocol.Diagnostic) bool { return codes(ds) == "status-value:1" }); err != nil {
		t.Fatal(err)
	}
}

// Opening a file publishes its diagnostics again even when they did not
// change: clients that keep diagnostics of open documents only (ALE, Eglot)
// dropped those sent before.
func TestDidOpenRepublishes(t *testing.T) {
	dir := t.TempDir()
	text := "---\nid: T001\ntitle: A\nstatus: pending\ndependencies: [T404]\n---\n"
	write(t, dir, map[string]string{".tasks/tasks/T001-a.md": text})
	c := session(t, dir, nil)
	aURI := uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))
	if _, err := c.WaitDiagnostics(aURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 }); err != nil {
		t.Fatal(err)
	}
	count := func() int {
		n := 0
		for _, raw := range c.Notifications("textDocument/publishDiagnostics") {
			if strings.Contains(string(raw), aURI) {
				n++
			}
		}
		return n
	}
	before := count()
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": aURI, "languageId": "markdown", "version": 3, "text": text}})
	for deadline := time.Now().Add(5 * time.Second); count() == before && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
	}
	if count() != before+1 {
		t.Errorf("publishes for the opened file: %d before, %d after", before, count())
	}
	// a clean file opened gets its empty list, with the buffer's version
	bURI := uri(filepath.Join(dir, ".tasks/tasks/T002-b.md"))
	clean := "---\nid: T002\ntitle: B\nstatus: pending\n---\n"
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": bURI, "languageId": "markdown", "version": 7, "text": clean}})
	var got []string
	for deadline := time.Now().Add(5 * time.Second); len(got) == 0 && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		got = got[:0]
		for _, raw := range c.Notifications("textDocument/publishDiagnostics") {
			if strings.Contains(string(raw), bURI) {
				got = append(got, string(raw))
			}
		}
	}
	if len(got) != 1 || !strings.Contains(got[0], `"diagnostics":[]`) || !strings.Contains(got[0], `"version":7`) {
		t.Errorf("publishes for the clean file opened: %q, want one empty list at version 7", got)
	}
}
