package gen

import (
	"fmt"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
)

// check.RunFiles gives, for the files it is asked about, exactly what the
// full run gives them (the quick pass the server publishes first).
func TestRunFilesEqualsRun(t *testing.T) {
	dir := t.TempDir()
	if _, err := Write(dir, Options{Tasks: 120, Seed: 3, Faults: true}); err != nil {
		t.Fatal(err)
	}
	snap := workspace.Load([]string{dir})
	full := check.Run(snap, nil)
	r := snap.Roots[0]
	n := 0
	for p, d := range r.Docs {
		if d.Kind == workspace.KindOther || d.Kind == workspace.KindNote {
			continue
		}
		n++
		if n%3 != 0 && d.Kind == workspace.KindTask {
			continue // a third of the task files, and every other kind
		}
		got := check.RunFiles(snap, nil, []string{p})
		if fmt.Sprint(got[p]) != fmt.Sprint(full[p]) {
			t.Errorf("%s: RunFiles gives %d diagnostics, Run %d", r.Rel(p), len(got[p]), len(full[p]))
		}
		for q := range got {
			if q != p {
				t.Errorf("RunFiles(%s) reports on %s", r.Rel(p), r.Rel(q))
			}
		}
	}
}
