package workspace_test

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/workspace"
	"github.com/taskls/taskls/internal/gen"
)

// render writes a root's indexes as text, to compare two roots.
func render(r *workspace.Root) string {
	var b strings.Builder
	fmt.Fprintf(&b, "ids %v\n", r.IDs)
	var ids []string
	for id := range r.Defs.All() {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, d := range r.Defs.At(id) {
			fmt.Fprintf(&b, "def %s %s %v\n", id, r.Rel(d.Doc.Path), d.Span)
		}
	}
	ids = ids[:0]
	for id := range r.RefIDs() {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, l := range r.RefsAt(id) {
			fmt.Fprintf(&b, "ref %s %s %v %s\n", id, r.Rel(l.Doc.Path), l.Ref.Span, l.Ref.Kind)
		}
	}
	return b.String()
}

// Edits applied one after another give the same indexes as a cold load of
// the same files (the incremental index shares everything it does not redo).
func TestIncrementalIndexEqualsCold(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Options{Tasks: 80, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	snap := workspace.Load([]string{dir})
	r := snap.Roots[0]
	var files []string
	for p, d := range r.Docs.All() {
		if d.IsTask() {
			files = append(files, p)
		}
	}
	sort.Strings(files)
	rng := rand.New(rand.NewSource(1))
	for step := 0; step < 120; step++ {
		p := files[rng.Intn(len(files))]
		b, _ := os.ReadFile(p)
		s := string(b)
		var ch workspace.Change
		switch rng.Intn(5) {
		case 0: // rename the task's id
			id := snap.Doc(p).Task.ID()
			s = strings.Replace(s, id, id[:1]+"9"+id[2:], 1)
		case 1: // add a mention and a dependency on another task
			other := snap.Doc(files[rng.Intn(len(files))]).Task.ID()
			s += "\nSee " + other + " too.\n"
		case 2: // break the YAML
			s = strings.Replace(s, "title:", "title: x: y", 1)
		case 3: // delete the file
			ch = workspace.Change{Path: p, Deleted: true}
		default: // a new task file
			p = filepath.Join(filepath.Dir(p), fmt.Sprintf("T%03d-new.md", 900+step))
			s = fmt.Sprintf("---\nid: T%03d\ntitle: New\nstatus: pending\ndependencies: [%s]\n---\nMentions %s.\n", 900+step, snap.Doc(files[0]).Task.ID(), snap.Doc(files[1]).Task.ID())
		}
		if !ch.Deleted {
			ch = workspace.Change{Path: p, Content: []byte(s), Version: int32(step)}
			os.WriteFile(p, []byte(s), 0o644)
		} else {
			os.Remove(p)
		}
		snap = snap.Apply([]workspace.Change{ch})
		files = files[:0]
		for q, d := range snap.Roots[0].Docs.All() {
			if d.IsTask() {
				files = append(files, q)
			}
		}
		sort.Strings(files)
		cold := workspace.Load([]string{dir})
		if got, want := render(snap.Roots[0]), render(cold.Roots[0]); got != want {
			t.Fatalf("step %d (%s): incremental index differs from a cold load", step, filepath.Base(p))
		}
	}
}

// TestReopenKeepsParse checks that a file opened (or closed) with the
// content already parsed keeps what was parsed (whole while open, light
// when read from disk), with the new version, while other content is
// parsed anew.
func TestReopenKeepsParse(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, ".tasks", "tasks", "T001-a.md")
	content := []byte("---\nid: T001\ntitle: A\nstatus: pending\n---\n# A\n")
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, content, 0o644); err != nil {
		t.Fatal(err)
	}
	s := workspace.Load([]string{dir})
	od := s.Doc(p)
	s2 := s.Apply([]workspace.Change{{Path: p, Content: append([]byte(nil), content...), Version: 3}})
	nd := s2.Doc(p)
	// read from disk, the task is light; opened, it is whole
	if !od.Task.IsLight() || nd == od || nd.Task.IsLight() || nd.Task.ID() != "T001" || nd.Version != 3 || nd.Text.IsDetached() || string(nd.Text.Bytes()) != string(content) {
		t.Errorf("same content: doc %p (light %v, version %d, detached %v), was %p (light %v)", nd, nd.Task.IsLight(), nd.Version, nd.Text.IsDetached(), od, od.Task.IsLight())
	}
	if defs := s2.RootOf(p).Defs.At("T001"); len(defs) != 1 || defs[0].Doc != nd {
		t.Errorf("T001 is defined by %v, want the reopened doc", defs)
	}
	edited := []byte(strings.Replace(string(content), "pending", "done", 1))
	s3 := s2.Apply([]workspace.Change{{Path: p, Content: edited, Version: 4}})
	if d := s3.Doc(p); d.Task == od.Task || d.Task.Status() != "done" {
		t.Errorf("edited content kept the old parse (status %q)", d.Task.Status())
	}
	back := s3.Apply([]workspace.Change{{Path: p, Content: content, Version: -1, Disk: true}})
	if d := back.Doc(p); d.Task.Status() != "pending" || !d.Text.IsDetached() || !d.Task.IsLight() || d.Full().IsLight() || d.Full().NumSections() != 1 {
		t.Errorf("closed: status %q, detached %v, light %v", d.Task.Status(), d.Text.IsDetached(), d.Task.IsLight())
	}
}

// checkRefs compares a root's reference index with the references of its
// docs gone over in path order: the same references, in the same docs, in
// the same order.
func checkRefs(t *testing.T, r *workspace.Root, what string) {
	t.Helper()
	var paths []string
	for p := range r.Docs.Keys() {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	want := map[string][]workspace.Loc{}
	for _, p := range paths {
		d := r.Docs.At(p)
		for _, ref := range r.DocRefs(d) {
			want[ref.ID] = append(want[ref.ID], workspace.Loc{Doc: d, Ref: ref})
		}
	}
	n := 0
	for id, k := range r.RefIDs() {
		n++
		got := r.RefsAt(id)
		if len(got) != k || fmt.Sprint(got) != fmt.Sprint(want[id]) {
			t.Fatalf("%s: references to %s:\n got %v (%d counted)\nwant %v", what, id, got, k, want[id])
		}
	}
	if n != len(want) {
		t.Fatalf("%s: references to %d IDs, want %d", what, n, len(want))
	}
}

// Batches of edits, creations and deletions of task files, notes and
// updates give the reference index a cold load gives, file for file and in
// the same order; a file that stops naming anything, and names again, is
// among them.
func TestIncrementalRefsInBatches(t *testing.T) {
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Options{Tasks: 60, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, ".tasks")
	snap := workspace.Load([]string{dir})
	checkRefs(t, snap.Roots[0], "load")
	rng := rand.New(rand.NewSource(5))
	id := func(k int) string { return fmt.Sprintf("T%03d", 1+k%60) }
	for step := 0; step < 150; step++ {
		var files []string
		for p, d := range snap.Roots[0].Docs.All() {
			if d.IsTask() {
				files = append(files, p)
			}
		}
		sort.Strings(files)
		var changes []workspace.Change
		write := func(p, s string) {
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.Change{Path: p, Content: []byte(s), Version: int32(step)})
		}
		task := func(p, self string, deps []string, body string) {
			if strings.HasSuffix(p, ".yaml") {
				s := "id: " + self + "\ntitle: T\nstatus: pending\n"
				if len(deps) > 0 {
					s += "dependencies: [" + strings.Join(deps, ", ") + "]\n"
				}
				write(p, s+"description: "+body+"\n")
				return
			}
			write(p, "---\nid: "+self+"\ntitle: T\nstatus: pending\ndependencies: ["+strings.Join(deps, ", ")+"]\n---\n"+body+"\n")
		}
		for range 1 + rng.Intn(6) {
			p := files[rng.Intn(len(files))]
			self := snap.Doc(p).Task.ID()
			switch rng.Intn(8) {
			case 0: // names nothing
				task(p, self, nil, "Nothing here.")
			case 1: // names others, one twice, and an unknown ID
				task(p, self, []string{id(rng.Int()), id(rng.Int())}, "See "+id(rng.Int())+", T777 and "+id(rng.Int())+" again.")
			case 2:
				os.Remove(p)
				changes = append(changes, workspace.Change{Path: p, Deleted: true})
			case 3: // a new task
				n := 100 + rng.Intn(40)
				task(filepath.Join(root, "tasks", fmt.Sprintf("T%03d-new.md", n)), fmt.Sprintf("T%03d", n), []string{id(rng.Int())}, "After "+id(rng.Int())+".")
			case 4: // a note
				write(filepath.Join(root, "context", fmt.Sprintf("n%d.md", rng.Intn(5))), "Notes on "+id(rng.Int())+" and "+id(rng.Int())+".\n")
			case 5:
				p := filepath.Join(root, "context", fmt.Sprintf("n%d.md", rng.Intn(5)))
				if os.Remove(p) == nil {
					changes = append(changes, workspace.Change{Path: p, Deleted: true})
				}
			case 6: // an update
				write(filepath.Join(root, "updates", fmt.Sprintf("u%d.json", rng.Intn(3))), `{"task_id": "`+id(rng.Int())+`", "tasks": ["`+id(rng.Int())+`"]}`)
			default: // twice in one batch
				task(p, self, []string{id(rng.Int())}, "")
				task(p, self, nil, "Then "+id(rng.Int())+".")
			}
		}
		snap = snap.Apply(changes)
		checkRefs(t, snap.Roots[0], fmt.Sprintf("step %d", step))
		cold := workspace.Load([]string{dir})
		if got, want := render(snap.Roots[0]), render(cold.Roots[0]); got != want {
			t.Fatalf("step %d: incremental index differs from a cold load:\n%s", step, diffLines(got, want))
		}
	}
}
