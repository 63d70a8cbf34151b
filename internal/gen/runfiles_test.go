package gen

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
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
	for p, d := range r.Docs.All() {
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

// TestRunFilesEqualsRunRewired rewires dependency, blocked_by and blocks
// lists at random (long cycles, inverse gaps, unknown IDs) and compares the
// quick run of each rewired file, alone and with the files naming its task
// (what the server checks first after an edit), with the full run.
func TestRunFilesEqualsRunRewired(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		dir := t.TempDir()
		if _, err := Write(dir, Options{Tasks: 80, Seed: int64(seed), Faults: true}); err != nil {
			t.Fatal(err)
		}
		snap := workspace.Load([]string{dir})
		rng := rand.New(rand.NewPCG(seed, 7))
		r := snap.Roots[0]
		var changes []workspace.Change
		var paths []string
		for _, p := range slices.Sorted(r.Docs.Keys()) {
			d := r.Docs.At(p)
			if !d.IsTask() || rng.IntN(3) != 0 {
				continue
			}
			c := d.Text.Bytes()
			var out []byte
			last := 0
			for _, l := range d.Task.Lists() {
				if l.Style != '[' || l.Span.Start < last {
					continue
				}
				var items []string
				for n := rng.IntN(4); n > 0; n-- {
					items = append(items, r.IDs[rng.IntN(len(r.IDs))])
				}
				if rng.IntN(8) == 0 {
					items = append(items, d.Task.ID()) // a self-dependency now and then
				}
				out = append(out, c[last:l.Span.Start]...)
				out = append(out, "["+strings.Join(items, ", ")+"]"...)
				last = l.Span.End
			}
			if last == 0 {
				continue
			}
			out = append(out, c[last:]...)
			changes = append(changes, workspace.Change{Path: p, Content: out, Version: 1})
			paths = append(paths, p)
		}
		// one file at a time first: each quick run must see the graph of
		// its own snapshot, never one kept from the one before
		step := snap
		for _, ch := range changes {
			step = step.Apply([]workspace.Change{ch})
			full := check.Run(step, nil)
			got := check.RunFiles(step, nil, []string{ch.Path})
			if fmt.Sprint(got[ch.Path]) != fmt.Sprint(full[ch.Path]) {
				t.Errorf("seed %d, one at a time: RunFiles(%s):\n got %v\nwant %v", seed, r.Rel(ch.Path), got[ch.Path], full[ch.Path])
			}
		}
		snap = snap.Apply(changes)
		r = snap.Roots[0]
		full := check.Run(snap, nil)
		for _, p := range paths {
			set := []string{p}
			if d := r.Docs.At(p); d.IsTask() {
				for _, l := range r.RefsAt(d.Task.ID()) {
					set = append(set, l.Doc.Path)
				}
			}
			got := check.RunFiles(snap, nil, set)
			for _, q := range set {
				if fmt.Sprint(got[q]) != fmt.Sprint(full[q]) {
					t.Errorf("seed %d: RunFiles(%s and %d more) on %s:\n got %v\nwant %v", seed, r.Rel(p), len(set)-1, r.Rel(q), got[q], full[q])
				}
			}
		}
		if len(paths) == 0 {
			t.Fatalf("seed %d: nothing rewired", seed)
		}
	}
}
