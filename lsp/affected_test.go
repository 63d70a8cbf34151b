package lsp

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/taskls/taskls/analysis/workspace"
)

// TestAffectedByContent checks which files the quick pass looks at: for a
// change to a task's content, the task's file and the files that name it;
// for a change that keeps the content (a file opened as it is on disk), the
// file alone.
func TestAffectedByContent(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\n---\n",
		"tasks/T002-b.md": "---\nid: T002\ntitle: B\nstatus: pending\ndependencies: [T001]\n---\n",
		"tasks/T003-c.md": "---\nid: T003\ntitle: C\nstatus: pending\n---\nSee T001.\n",
	}
	for rel, c := range files {
		p := filepath.Join(dir, ".tasks", filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	snap := workspace.Load([]string{dir})
	a := filepath.Join(dir, ".tasks", "tasks", "T001-a.md")
	rel := func(paths []string) []string {
		var out []string
		for _, p := range paths {
			r, _ := filepath.Rel(filepath.Join(dir, ".tasks"), p)
			out = append(out, filepath.ToSlash(r))
		}
		slices.Sort(out)
		return out
	}

	same := []workspace.Change{{Path: a, Content: []byte(files["tasks/T001-a.md"]), Version: 1}}
	if got, want := rel(affected(snap, snap.Apply(same), same)), []string{"tasks/T001-a.md"}; !slices.Equal(got, want) {
		t.Errorf("opened as on disk: affected %v, want %v", got, want)
	}
	edit := []workspace.Change{{Path: a, Content: []byte("---\nid: T001\ntitle: A\nstatus: done\n---\n"), Version: 2}}
	if got, want := rel(affected(snap, snap.Apply(edit), edit)), []string{"tasks/T001-a.md", "tasks/T002-b.md", "tasks/T003-c.md"}; !slices.Equal(got, want) {
		t.Errorf("edited: affected %v, want %v", got, want)
	}
}
