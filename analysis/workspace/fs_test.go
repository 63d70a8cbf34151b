package workspace_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
)

// task is a small valid task file.
func task(id string, deps ...string) []byte {
	return []byte(fmt.Sprintf("---\nid: %s\ntitle: Task %s\nstatus: pending\ndependencies: [%s]\n---\nSee %s.\n", id, id, strings.Join(deps, ", "), strings.Join(deps, " and ")))
}

// sameAsCold states that an incremental snapshot equals a cold load of the
// disk as it is now.
func sameAsCold(t *testing.T, dir string, applied *workspace.Snapshot) {
	t.Helper()
	checkSpans(t, applied)
	cold := workspace.Load([]string{dir})
	if a, c := summary(applied, dir, false), summary(cold, dir, false); a != c {
		t.Fatalf("Apply differs from a cold Load:\n%s", diffLines(c, a))
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func defined(s *workspace.Snapshot, id string) bool {
	for _, r := range s.Roots {
		if len(r.Defs.At(id)) > 0 {
			return true
		}
	}
	return false
}

// Symbolic links are never followed, so loops cannot trap the walk, and a
// link pointing outside the workspace does not pull foreign files in. A
// change event naming a link reads it as gone, as Load does not see it.
func TestSymlinks(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	writeTree(t, dir, map[string][]byte{
		"tasks/T001-a.md": task("T001", "T002"),
		"tasks/T002-b.md": task("T002"),
	})
	if err := os.WriteFile(filepath.Join(outside, "T009-secret.md"), task("T009"), 0o644); err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dir, ".tasks")
	mustSymlink(t, ".", filepath.Join(root, "loop"))                                                       // a folder that is its own parent
	mustSymlink(t, "../..", filepath.Join(root, "tasks", "up"))                                            // back to the repository
	mustSymlink(t, "b.md", filepath.Join(root, "tasks", "a.md"))                                           // a -> b -> a
	mustSymlink(t, "a.md", filepath.Join(root, "tasks", "b.md"))                                           //
	mustSymlink(t, "self.md", filepath.Join(root, "tasks", "self.md"))                                     // itself
	mustSymlink(t, outside, filepath.Join(root, "external"))                                               // a folder outside
	mustSymlink(t, filepath.Join(outside, "T009-secret.md"), filepath.Join(root, "tasks", "T009-link.md")) // a file outside
	mustSymlink(t, dir, filepath.Join(dir, "repo-loop"))                                                   // the repository, for FindRoots

	s := workspace.Load([]string{dir})
	checkSpans(t, s)
	if len(s.Roots) != 1 {
		t.Fatalf("%d roots", len(s.Roots))
	}
	var rels []string
	for _, d := range s.Roots[0].Docs.All() {
		rels = append(rels, d.Rel)
	}
	if strings.Join(sorted(rels), " ") != "tasks/T001-a.md tasks/T002-b.md" {
		t.Errorf("docs: %v (no link may be followed)", sorted(rels))
	}
	if defined(s, "T009") {
		t.Error("T009, outside the workspace, is defined through a link")
	}
	if !defined(s, "T001") || !defined(s, "T002") {
		t.Error("the real tasks are not defined")
	}

	// a change event on a link: the link is not read
	for _, l := range []string{"tasks/T009-link.md", "tasks/a.md", "tasks/self.md", "external", "loop"} {
		ch := workspace.ReadChange(filepath.Join(root, filepath.FromSlash(l)))
		if !ch.Deleted || ch.Content != nil {
			t.Errorf("ReadChange(%s) = %+v, want a deletion", l, ch)
		}
	}
	next := s.Apply([]workspace.Change{workspace.ReadChange(filepath.Join(root, "tasks", "T009-link.md"))})
	if defined(next, "T009") {
		t.Error("T009 is defined after a change event on its link")
	}
	sameAsCold(t, dir, next)
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// chmod 000 denies reading a file or a folder, except to a privileged user
// (root, CAP_DAC_OVERRIDE), to whom permission bits mean nothing. The test
// finds out which it is and states the behaviour of that case: denied, the
// file or folder is reported as unreadable and the rest works; privileged,
// both are read like any other.
func TestUnreadableFilesAndFolders(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string][]byte{
		"manifest.json":          []byte(`{"tasks": [{"id": "T001", "file": "tasks/T001-a.md"}, {"id": "T003", "file": "tasks/T003-locked.md"}]}`),
		"tasks/T001-a.md":        task("T001", "T003", "T004"),
		"tasks/T003-locked.md":   task("T003"),
		"completed/T004-done.md": task("T004"),
	})
	root := filepath.Join(dir, ".tasks")
	locked := filepath.Join(root, "tasks", "T003-locked.md")
	folder := filepath.Join(root, "completed")
	for _, p := range []string{locked, folder} {
		if err := os.Chmod(p, 0); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		os.Chmod(folder, 0o755)
		os.Chmod(locked, 0o644)
	})
	_, fileErr := os.ReadFile(locked)
	_, dirErr := os.ReadDir(folder)
	privileged := fileErr == nil && dirErr == nil
	t.Logf("euid %d: chmod 000 denies reading: file %v, folder %v", os.Geteuid(), fileErr != nil, dirErr != nil)

	s := workspace.Load([]string{dir})
	checkSpans(t, s)
	diags := check.Run(s, nil)
	unreadable := map[string]string{}
	for p, ds := range diags {
		for _, d := range ds {
			if d.Check == "unreadable" {
				unreadable[p] = d.Message
			}
		}
	}
	if !defined(s, "T001") {
		t.Fatal("T001 is not defined")
	}
	if privileged {
		// root: the permission bits do not apply; everything is read
		if !defined(s, "T003") || !defined(s, "T004") {
			t.Errorf("as a privileged user the locked file and folder are read: T003 %v, T004 %v", defined(s, "T003"), defined(s, "T004"))
		}
		if len(unreadable) != 0 {
			t.Errorf("unreadable reported to a privileged user: %v", unreadable)
		}
	} else {
		if defined(s, "T003") || defined(s, "T004") {
			t.Errorf("tasks of an unreadable file or folder are defined")
		}
		if got, want := unreadable[locked], "cannot read file: open "+locked+": permission denied"; got != want {
			t.Errorf("locked file: %q, want %q", got, want)
		}
		if got, want := unreadable[folder], "cannot read folder: open "+folder+": permission denied"; got != want {
			t.Errorf("locked folder: %q, want %q", got, want)
		}
	}
	// the file as a change event reads the same way as Load read it
	ch := workspace.ReadChange(locked)
	if privileged != (ch.Unreadable == "" && !ch.Deleted && len(ch.Content) > 0) {
		t.Errorf("ReadChange of the locked file: %+v", ch)
	}
	next := s.Apply([]workspace.Change{ch})
	if a, b := summary(next, dir, false), summary(s, dir, false); a != b {
		t.Errorf("re-reading the locked file changed the snapshot:\n%s", diffLines(b, a))
	}
}

// A folder deleted on disk, then its deletion applied: the snapshot equals
// a cold load, down to a deleted `.tasks` folder and a deleted repository.
func TestFolderDeleted(t *testing.T) {
	dir := t.TempDir()
	files := map[string][]byte{"manifest.json": []byte(`{"tasks": [{"id": "T001", "file": "tasks/T001-a.md", "depends_on": ["T005"]}]}`)}
	files["tasks/T001-a.md"] = task("T001", "T005", "T006")
	for i := 5; i < 9; i++ {
		files[fmt.Sprintf("completed/old/T%03d-x.md", i)] = task(fmt.Sprintf("T%03d", i), "T001")
	}
	files["context/notes.md"] = []byte("T001 and T005\n")
	writeTree(t, dir, files)
	root := filepath.Join(dir, ".tasks")
	s := workspace.Load([]string{dir})

	for _, step := range []string{"completed/old", "context", "tasks"} {
		p := filepath.Join(root, filepath.FromSlash(step))
		if err := os.RemoveAll(p); err != nil {
			t.Fatal(err)
		}
		s = s.Apply([]workspace.Change{{Path: p, Deleted: true}})
		sameAsCold(t, dir, s)
	}
	if defined(s, "T001") || defined(s, "T005") {
		t.Error("tasks of deleted folders are still defined")
	}
	// the `.tasks` folder itself
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	s = s.Apply([]workspace.Change{{Path: root, Deleted: true}})
	sameAsCold(t, dir, s)
	if len(s.Roots) != 0 {
		t.Errorf("%d roots after the .tasks folder was deleted", len(s.Roots))
	}
}

// A file replaced by a folder (and back): the old file's doc goes, the
// folder's files come, as in a cold load.
func TestFileReplacedByFolder(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string][]byte{
		"tasks/T001-a.md": task("T001", "T002"),
		"tasks/T002-b.md": task("T002"),
	})
	root := filepath.Join(dir, ".tasks")
	p := filepath.Join(root, "tasks", "T002-b.md")
	s := workspace.Load([]string{dir})

	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	inner := filepath.Join(p, "T005-inner.md")
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(inner, task("T005", "T001"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = s.Apply([]workspace.Change{{Path: p, Deleted: true}, workspace.ReadChange(inner)})
	sameAsCold(t, dir, s)
	if defined(s, "T002") || !defined(s, "T005") {
		t.Errorf("after the file became a folder: T002 %v, T005 %v", defined(s, "T002"), defined(s, "T005"))
	}
	// and back: the folder becomes a file again
	if err := os.RemoveAll(p); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, task("T002"), 0o644); err != nil {
		t.Fatal(err)
	}
	s = s.Apply([]workspace.Change{{Path: p, Deleted: true}, workspace.ReadChange(p)})
	sameAsCold(t, dir, s)
	if !defined(s, "T002") || defined(s, "T005") {
		t.Errorf("after the folder became a file: T002 %v, T005 %v", defined(s, "T002"), defined(s, "T005"))
	}
}

// Thousands of files changing at once (a branch switch, a bulk rename):
// Apply with 2,000 changes equals a cold load. A batch of 50 changes, small
// enough for the incremental index, does too.
func TestThousandsOfChanges(t *testing.T) {
	dir := t.TempDir()
	const n = 2000
	id := func(i int) string { return fmt.Sprintf("T%04d", i) }
	files := map[string][]byte{}
	var entries []string
	for i := 1; i <= n; i++ {
		files[fmt.Sprintf("tasks/%s-x.md", id(i))] = task(id(i), id(i/2+1), id(i/3+1))
		entries = append(entries, fmt.Sprintf(`{"id": %q, "file": "tasks/%s-x.md"}`, id(i), id(i)))
	}
	files["manifest.json"] = []byte(`{"tasks": [` + strings.Join(entries, ",\n") + `]}`)
	writeTree(t, dir, files)
	root := filepath.Join(dir, ".tasks")
	s := workspace.Load([]string{dir})

	abs := func(i int) string { return filepath.Join(root, "tasks", id(i)+"-x.md") }
	var changes []workspace.Change
	for i := 1; i <= n; i++ {
		switch i % 4 {
		case 0: // deleted
			if err := os.Remove(abs(i)); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.Change{Path: abs(i), Deleted: true})
		case 1: // new dependencies, some unknown
			if err := os.WriteFile(abs(i), task(id(i), id(n-i+1), "T9999"), 0o644); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.ReadChange(abs(i)))
		case 2: // renumbered: the file name keeps the old ID
			if err := os.WriteFile(abs(i), task(id(i+n)), 0o644); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.ReadChange(abs(i)))
		case 3: // broken YAML
			if err := os.WriteFile(abs(i), []byte("---\nid: "+id(i)+"\ntitle: a: b\n---\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.ReadChange(abs(i)))
		}
	}
	if len(changes) != n {
		t.Fatalf("%d changes", len(changes))
	}
	s = s.Apply(changes)
	sameAsCold(t, dir, s)

	// 50 changes: a new file each, and as many edits
	changes = changes[:0]
	for i := 1; i <= 25; i++ {
		p := filepath.Join(root, "tasks", fmt.Sprintf("T%04d-new.md", n+100+i))
		if err := os.WriteFile(p, task(fmt.Sprintf("T%04d", n+100+i), id(4*i+1)), 0o644); err != nil {
			t.Fatal(err)
		}
		changes = append(changes, workspace.ReadChange(p))
		if err := os.WriteFile(abs(4*i+1), task(id(4*i+1), id(4*i+5)), 0o644); err != nil {
			t.Fatal(err)
		}
		changes = append(changes, workspace.ReadChange(abs(4*i+1)))
	}
	s = s.Apply(changes)
	sameAsCold(t, dir, s)
}

// Two changes of one path in one batch (an editor reports a new file as
// created and then changed) define its task once. The incremental index
// redid the path twice, so the task was a duplicate of itself.
func TestSamePathTwiceInOneApply(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string][]byte{
		"tasks/T001-a.md": task("T001", "T002"),
		"tasks/T002-b.md": task("T002"),
	})
	root := filepath.Join(dir, ".tasks")
	s := workspace.Load([]string{dir})
	p := filepath.Join(root, "tasks", "T003-new.md")
	if err := os.WriteFile(p, task("T003", "T001"), 0o644); err != nil {
		t.Fatal(err)
	}
	next := s.Apply([]workspace.Change{workspace.ReadChange(p), workspace.ReadChange(p)})
	sameAsCold(t, dir, next)
	if n := len(next.Roots[0].Defs.At("T003")); n != 1 {
		t.Errorf("T003 defined %d times", n)
	}
	for _, d := range check.Run(next, nil)[p] {
		if d.Check == "duplicate-id" {
			t.Errorf("%s", d.Message)
		}
	}
	// an edit and a deletion of one file in one batch: the last one wins
	q := filepath.Join(root, "tasks", "T002-b.md")
	os.Remove(q)
	next = next.Apply([]workspace.Change{{Path: q, Content: task("T002", "T003"), Version: -1}, {Path: q, Deleted: true}})
	sameAsCold(t, dir, next)
}
