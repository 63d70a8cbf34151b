package workspace_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
)

// Task files read from disk keep what was parsed and their content
// compressed, which expands to the file; open buffers and the manifest keep
// theirs as it is.
func TestDiskContentNotKept(t *testing.T) {
	dir := t.TempDir()
	tasks := filepath.Join(dir, ".tasks", "tasks")
	if err := os.MkdirAll(tasks, 0o755); err != nil {
		t.Fatal(err)
	}
	task := filepath.Join(tasks, "T001-a.md")
	body := "---\nid: T001\ntitle: A\nstatus: pending\n---\n# A\n"
	man := filepath.Join(dir, ".tasks", "manifest.json")
	for p, c := range map[string]string{task: body, man: `{"tasks": [{"id": "T001", "file": "tasks/T001-a.md"}]}`} {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := workspace.Load([]string{dir})
	d := s.Doc(task)
	if d == nil || !d.Text.IsCompact() || d.Task.Title != "A" {
		t.Fatalf("task file from disk: compact=%v, want a parsed compact doc", d != nil && d.Text.IsCompact())
	}
	if string(d.Text.Bytes()) != body {
		t.Fatalf("content read again = %q, want the file", d.Text.Bytes())
	}
	if m := s.Doc(man); m.Text.IsCompact() || len(m.Manifest.Entries) != 1 {
		t.Fatal("manifest.json must keep its content")
	}
	open := s.Apply([]workspace.Change{{Path: task, Content: []byte(body), Version: 1}})
	if open.Doc(task).Text.IsCompact() {
		t.Fatal("an open buffer must keep its content")
	}
	closed := open.Apply([]workspace.Change{workspace.ReadChange(task)})
	if !closed.Doc(task).Text.IsCompact() || string(closed.Doc(task).Text.Bytes()) != body {
		t.Fatal("a file read again from disk must be compact and equal the file")
	}
}

// manifest.json is read up to MaxManifestSize, past the 16 MiB of other
// files (50,000 tasks make a 36 MiB manifest); past that it is skipped with
// the limit in the reason.
func TestLargeManifest(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, ".tasks")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	pad := strings.Repeat("x", workspace.MaxFileSize+1024)
	man := filepath.Join(root, "manifest.json")
	if err := os.WriteFile(man, []byte(`{"notes": "`+pad+`", "tasks": [{"id": "T001", "status": "pending"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	d := workspace.Load([]string{dir}).Doc(man)
	if d == nil || d.Skipped != "" || d.Manifest == nil || len(d.Manifest.Entries) != 1 {
		t.Fatalf("a %d MiB manifest: skipped %q, want it read", (workspace.MaxFileSize+1024)>>20, d.Skipped)
	}
	task := filepath.Join(root, "T001.md")
	if err := os.WriteFile(task, []byte("---\nid: T001\nnotes: "+pad+"\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	td := workspace.Load([]string{dir}).Doc(task)
	if want := "file is 16.1 MiB, larger than the 16 MiB taskls reads; it was skipped"; td == nil || td.Skipped != want {
		t.Fatalf("a 16.1 MiB task file: skipped %q, want %q", td.Skipped, want)
	}
}

// The content a snapshot keeps is what it parsed, whatever happens on disk:
// deleting or rewriting a file the snapshot still uses leaves its spans,
// fixes and positions right (a re-read from disk made spans index other
// content and the fixes of check panic; found by internal/cmd/abuse).
func TestContentSurvivesDisk(t *testing.T) {
	dir := t.TempDir()
	tasks := filepath.Join(dir, ".tasks", "tasks")
	if err := os.MkdirAll(tasks, 0o755); err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(tasks, "T001-a.md")
	body := "---\nid: T001\ntitle: A\nstatus: pending\ndependencies: [T001, T002]\n---\n"
	for p, c := range map[string]string{a: body, filepath.Join(tasks, "T002-b.md"): "---\nid: T002\ntitle: B\nstatus: pending\n---\n"} {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := workspace.Load([]string{dir})
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tasks, "T002-b.md"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	diags := check.Run(s, nil)
	var self *check.Diagnostic
	for i, dg := range diags[a] {
		if dg.Check == "self-dependency" {
			self = &diags[a][i]
		}
	}
	if self == nil || len(self.Fixes) != 1 {
		t.Fatalf("self-dependency with its fix, on the snapshot of a deleted file: got %v", diags[a])
	}
	e := self.Fixes[0].Edits[0]
	got := body[:e.Span.Start] + e.NewText + body[e.Span.End:]
	if want := "---\nid: T001\ntitle: A\nstatus: pending\ndependencies: [T002]\n---\n"; got != want {
		t.Fatalf("the fix gives %q, want %q", got, want)
	}
	if string(s.Doc(a).Text.Bytes()) != body {
		t.Fatal("the snapshot's content changed with the disk")
	}
}
