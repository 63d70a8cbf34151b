package workspace_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/workspace"
)

// Task files read from disk keep what was parsed, not their content, which
// is read again on demand and equals the file; open buffers and the
// manifest keep theirs.
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
	if d == nil || !d.Text.IsLazy() || d.Task.Title != "A" {
		t.Fatalf("task file from disk: lazy=%v, want a parsed lazy doc", d != nil && d.Text.IsLazy())
	}
	if string(d.Text.Bytes()) != body {
		t.Fatalf("content read again = %q, want the file", d.Text.Bytes())
	}
	if m := s.Doc(man); m.Text.IsLazy() || len(m.Manifest.Entries) != 1 {
		t.Fatal("manifest.json must keep its content")
	}
	open := s.Apply([]workspace.Change{{Path: task, Content: []byte(body), Version: 1}})
	if open.Doc(task).Text.IsLazy() {
		t.Fatal("an open buffer must keep its content")
	}
	closed := open.Apply([]workspace.Change{workspace.ReadChange(task)})
	if !closed.Doc(task).Text.IsLazy() || string(closed.Doc(task).Text.Bytes()) != body {
		t.Fatal("a file read again from disk must be lazy and equal the file")
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
