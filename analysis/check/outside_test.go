package check_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
)

// A manifest `file` that leaves .tasks/ is reported missing but gets no
// fix that would create it: a click must not write outside the workspace
// (found by internal/cmd/abuse).
func TestNoCreateOutsideWorkspace(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, ".tasks")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	man := `{"tasks": [{"id": "T001", "file": "../../evil/x.md"}, {"id": "T002", "file": "/etc/x.md"}, {"id": "T003", "file": "tasks/T003.md"}]}`
	if err := os.WriteFile(filepath.Join(root, "manifest.json"), []byte(man), 0o644); err != nil {
		t.Fatal(err)
	}
	s := workspace.Load([]string{dir})
	got := map[string]int{}
	for _, dg := range check.Run(s, nil)[filepath.Join(root, "manifest.json")] {
		if dg.Check != "missing-file" {
			continue
		}
		got[dg.Message] = len(dg.Fixes)
		for _, f := range dg.Fixes {
			for _, e := range f.Edits {
				if rel, err := filepath.Rel(root, e.Path); err != nil || rel == ".." || filepath.IsAbs(rel) || rel[:2] == ".." {
					t.Errorf("fix %q writes %s, outside .tasks/", f.Title, e.Path)
				}
			}
		}
	}
	want := map[string]int{
		"file ../../evil/x.md does not exist": 0,
		"file /etc/x.md does not exist":       0,
		"file tasks/T003.md does not exist":   1,
	}
	for m, n := range want {
		if have, ok := got[m]; !ok || have != n {
			t.Errorf("%q: %d fixes, want %d (all: %v)", m, got[m], n, got)
		}
	}
}
