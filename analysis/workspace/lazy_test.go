package workspace_test

import (
	"os"
	"path/filepath"
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
	if s.Doc(man).Text.IsLazy() {
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
