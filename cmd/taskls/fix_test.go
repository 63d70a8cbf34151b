package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/text"
)

// fixFiles writes files into a new folder and returns the folder and a
// reader that serves what was written (what a snapshot would have read).
func fixFiles(t *testing.T, files map[string]string) (string, contentReader) {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	read := map[string][]byte{}
	for name, content := range files {
		read[filepath.Join(dir, filepath.FromSlash(name))] = []byte(content)
	}
	return dir, func(path string) ([]byte, bool) {
		b, ok := read[path]
		return b, ok
	}
}

func edit(path string, start, end int, newText string) check.Edit {
	return check.Edit{Path: path, Span: text.Span{Start: start, End: end}, NewText: newText}
}

func fix(title string, edits ...check.Edit) check.Fix {
	return check.Fix{Title: title, Preferred: true, Edits: edits}
}

func diag(path string, fixes ...check.Fix) check.Diagnostic {
	return check.Diagnostic{Path: path, Severity: check.Warning, Check: "fake", Message: "m", Fixes: fixes}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// outcome is "applied" or the reason, per result.
func outcomes(rep fixReport) []string {
	var out []string
	for _, r := range rep.results {
		if r.applied {
			out = append(out, r.fix.Title+": applied")
		} else {
			out = append(out, r.fix.Title+": "+r.reason)
		}
	}
	return out
}

func wantOutcomes(t *testing.T, rep fixReport, want ...string) {
	t.Helper()
	got := outcomes(rep)
	if len(got) != len(want) {
		t.Fatalf("outcomes:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	for i := range got {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("outcome %d: %q, want %q...", i, got[i], want[i])
		}
	}
}

// noTemps fails when a temporary file was left behind in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), ".taskls-") {
			t.Errorf("temporary file left: %s", p)
		}
		return nil
	})
}

func TestApplyFixes(t *testing.T) {
	dir, read := fixFiles(t, map[string]string{"a.md": "hello world\n", "b.json": `{"x": 1}`})
	a, b := filepath.Join(dir, "a.md"), filepath.Join(dir, "b.json")
	if err := os.Chmod(a, 0o640); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	rep := applyFixes([]check.Diagnostic{
		diag(a, check.Fix{Title: "not preferred", Edits: []check.Edit{edit(a, 6, 11, "nope")}}, fix("Shout", edit(a, 0, 5, "HELLO"))),
		diag(a, fix("Exclaim and bump", edit(a, 11, 11, "!"), edit(b, 6, 7, "2"))),
		diag(b), // no fixes
		diag(b, check.Fix{Title: "only a suggestion", Edits: []check.Edit{edit(b, 0, 1, "[")}}),
		diag(a, fix("Prefix", edit(a, 0, 0, "> "))), // an insertion where a replacement starts
	}, read)
	wantOutcomes(t, rep, "Shout: applied", "Exclaim and bump: applied", "Prefix: applied")
	if got := readFile(t, a); got != "> HELLO world!\n" {
		t.Errorf("a.md = %q", got)
	}
	if got := readFile(t, b); got != `{"x": 2}` {
		t.Errorf("b.json = %q", got)
	}
	if st, _ := os.Stat(a); st.Mode().Perm() != 0o640 {
		t.Errorf("a.md mode %v, want 0640", st.Mode().Perm())
	}
	if len(rep.written) != 2 || rep.written[0] != a || rep.written[1] != b || rep.failed {
		t.Errorf("written %v, failed %v", rep.written, rep.failed)
	}
	noTemps(t, dir)
}

func TestApplyFixesOverlap(t *testing.T) {
	const content = "0123456789abcdef\n"
	dir, read := fixFiles(t, map[string]string{"f.txt": content, "g.txt": "g\n"})
	f, g := filepath.Join(dir, "f.txt"), filepath.Join(dir, "g.txt")
	t.Chdir(dir)
	rep := applyFixes([]check.Diagnostic{
		diag(f, fix("A", edit(f, 0, 4, "AAAA"))),
		diag(f, fix("B overlaps A", edit(f, 2, 6, "BB"))),
		diag(f, fix("A again", edit(f, 0, 4, "AAAA"))), // the same edit from another diagnostic: made once
		diag(f, fix("insert at A's end", edit(f, 4, 4, "+"))),
		diag(f, fix("another insert there", edit(f, 4, 4, "-"))), // order unknowable
		diag(f, fix("inside A", edit(f, 2, 2, "x"))),
		diag(f, fix("self-overlapping", edit(f, 8, 10, "x"), edit(f, 9, 12, "y"))),
		diag(f, fix("out of range", edit(f, 10, 99, "x"))),
		diag(f, fix("backwards", edit(f, 10, 9, "x"))),
		diag(f, fix("empty")),
		// A fix is all or nothing: its g.txt edit is not made either.
		diag(g, fix("two files, one overlapping", edit(g, 0, 1, "G"), edit(f, 3, 5, "zz"))),
		diag(f, fix("C", edit(f, 12, 16, "CDEF"))),
	}, read)
	wantOutcomes(t, rep,
		"A: applied",
		"B overlaps A: it overlaps an earlier fix (A)",
		"A again: applied",
		"insert at A's end: applied",
		"another insert there: it overlaps an earlier fix (insert at A's end)",
		"inside A: it overlaps an earlier fix (A)",
		"self-overlapping: its own edits of f.txt overlap",
		"out of range: an edit lies outside f.txt",
		"backwards: an edit lies outside f.txt",
		"empty: it has no edits",
		"two files, one overlapping: it overlaps an earlier fix (A)",
		"C: applied",
	)
	if got := readFile(t, f); got != "AAAA+456789abCDEF\n" {
		t.Errorf("f.txt = %q", got)
	}
	if got := readFile(t, g); got != "g\n" {
		t.Errorf("g.txt = %q, want it untouched", got)
	}
}

func TestApplyFixesChangedOnDisk(t *testing.T) {
	dir, snapshot := fixFiles(t, map[string]string{"a.md": "old a\n", "b.md": "old b\n", "c.md": "old c\n"})
	a, b, c := filepath.Join(dir, "a.md"), filepath.Join(dir, "b.md"), filepath.Join(dir, "c.md")
	t.Chdir(dir)
	// An editor saves a.md after the snapshot read it, while the fixes
	// are being planned: the reader still serves the old content.
	read := func(path string) ([]byte, bool) {
		content, ok := snapshot(path)
		if path == a {
			if err := os.WriteFile(a, []byte("edited a\n"), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return content, ok
	}
	rep := applyFixes([]check.Diagnostic{
		diag(a, fix("Fix a", edit(a, 0, 3, "new"))),
		diag(b, fix("Fix b and a", edit(b, 0, 3, "new"), edit(a, 4, 5, "A"))),
		diag(c, fix("Fix c", edit(c, 0, 3, "new"))),
	}, read)
	wantOutcomes(t, rep,
		"Fix a: a.md changed on disk since it was read",
		"Fix b and a: a.md changed on disk since it was read",
		"Fix c: applied")
	if got := readFile(t, a); got != "edited a\n" {
		t.Errorf("a.md = %q, want the editor's content", got)
	}
	if got := readFile(t, b); got != "old b\n" {
		t.Errorf("b.md = %q, want it untouched (its fix also edits a.md)", got)
	}
	if got := readFile(t, c); got != "new c\n" {
		t.Errorf("c.md = %q", got)
	}
	if rep.failed {
		t.Error("a concurrent change is not a failure")
	}

	// The last comparison, between the temporary file and the rename.
	if err := replaceFile(c, []byte("what the snapshot had\n"), []byte("x")); !errors.Is(err, errChanged) {
		t.Errorf("replaceFile over a changed file: %v", err)
	}
	if got := readFile(t, c); got != "new c\n" {
		t.Errorf("c.md = %q after a refused replace", got)
	}
	noTemps(t, dir)
}

func TestApplyFixesCreate(t *testing.T) {
	dir, read := fixFiles(t, map[string]string{"tasks/T001.md": "one\n", "context/notes.md": "mine\n"})
	t.Chdir(dir)
	created := filepath.Join(dir, "tasks", "completed", "T002.md") // its folder does not exist either
	existing := filepath.Join(dir, "outside.md")                   // on disk, not in the snapshot
	if err := os.WriteFile(existing, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.md")
	rep := applyFixes([]check.Diagnostic{
		diag(created, fix("Create T002", edit(created, 0, 0, "two\n"))),
		diag(created, fix("Create T002 again", edit(created, 0, 0, "two\n"))),
		diag(created, fix("Create T002 otherwise", edit(created, 0, 0, "deux\n"))),
		diag(existing, fix("Overwrite outside.md", edit(existing, 0, 0, "new\n"))),
		diag(missing, fix("Edit a missing file", edit(missing, 2, 4, "x"))),
	}, read)
	wantOutcomes(t, rep,
		"Create T002: applied",
		"Create T002 again: applied",
		"Create T002 otherwise: it overlaps an earlier fix (Create T002)",
		"Overwrite outside.md: outside.md exists but was not read, so it is not edited",
		"Edit a missing file: missing.md does not exist, and the fix edits it rather than creating it",
	)
	if got := readFile(t, created); got != "two\n" {
		t.Errorf("created file = %q", got)
	}
	if got := readFile(t, existing); got != "keep me\n" {
		t.Errorf("outside.md = %q, want it untouched", got)
	}
	if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing.md: %v", err)
	}

	// A file that appears after planning is not replaced: here it appears
	// while a later fix's file is read.
	late, other := filepath.Join(dir, "late.md"), filepath.Join(dir, "tasks", "T001.md")
	readLate := func(path string) ([]byte, bool) {
		if path == other {
			os.WriteFile(late, []byte("someone else's\n"), 0o644)
		}
		return read(path)
	}
	rep = applyFixes([]check.Diagnostic{
		diag(late, fix("Create late.md", edit(late, 0, 0, "ours\n"))),
		diag(other, fix("Edit T001", edit(other, 0, 3, "ONE"))),
	}, readLate)
	wantOutcomes(t, rep, "Create late.md: late.md already exists; a fix never overwrites a file", "Edit T001: applied")
	if got := readFile(t, late); got != "someone else's\n" {
		t.Errorf("late.md = %q", got)
	}
	if err := createFile(late, []byte("ours\n")); !errors.Is(err, errExists) {
		t.Errorf("createFile over an existing file: %v", err)
	}
	noTemps(t, dir)
}

// A write that fails is reported and makes the run fail; a symbolic link
// is never replaced by a file.
func TestApplyFixesWriteError(t *testing.T) {
	dir, read := fixFiles(t, map[string]string{"real.md": "a\n", "b.md": "b\n"})
	t.Chdir(dir)
	link, b := filepath.Join(dir, "link.md"), filepath.Join(dir, "b.md")
	if err := os.Symlink("real.md", link); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	reader := func(path string) ([]byte, bool) {
		if path == link {
			return []byte("a\n"), true
		}
		return read(path)
	}
	rep := applyFixes([]check.Diagnostic{
		diag(b, fix("Both", edit(b, 0, 1, "B"), edit(link, 0, 1, "A"))),
	}, reader)
	wantOutcomes(t, rep, "Both: partly applied: cannot write link.md: not a regular file")
	if !rep.failed {
		t.Error("not reported as failed")
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 || readFile(t, link) != "a\n" {
		t.Errorf("link.md was replaced (%v)", err)
	}
	if got := readFile(t, b); got != "B\n" {
		t.Errorf("b.md = %q", got)
	}
	noTemps(t, dir)
}

// check --fix end to end, with a real check's fix: the manifest's status
// is set from the task file's.
func TestCheckFix(t *testing.T) {
	workspace := func() (string, string) {
		dir := t.TempDir()
		writeTree(t, dir, map[string]string{
			".tasks/taskls.yaml":     onlyChecks("manifest-drift", "unknown-id"),
			".tasks/manifest.json":   "{\n  \"tasks\": [\n    {\"id\": \"T001\", \"title\": \"A\", \"status\": \"pending\", \"file\": \"tasks/T001-a.md\", \"depends_on\": [\"T099\"]}\n  ]\n}\n",
			".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: completed\ndependencies: [T099]\n---\n",
		})
		manifest := filepath.Join(dir, ".tasks", "manifest.json")
		if err := os.Chmod(manifest, 0o600); err != nil {
			t.Fatal(err)
		}
		return dir, manifest
	}
	const remaining = ".tasks/manifest.json:3:100: error: unknown task ID T099 [unknown-id]\n" +
		".tasks/tasks/T001-a.md:5:16: error: unknown task ID T099 [unknown-id]\n"

	dir, manifest := workspace()
	code, out, errs := runIn(t, dir, "check")
	if code != 1 || !strings.Contains(out, "[manifest-drift]") {
		t.Fatalf("manifest-drift does not report this workspace (exit %d):\n%s%s", code, out, errs)
	}
	// text: the fix report, then what remains, on stdout.
	code, out, errs = runIn(t, dir, "check", "--fix")
	report, rest, _ := strings.Cut(out, "\n")
	if code != 1 || !strings.HasPrefix(report, "fixed .tasks/manifest.json:3:45: ") || rest != remaining || errs != "" {
		t.Errorf("check --fix: exit %d, stderr %q, output:\n%s", code, errs, out)
	}
	if got := readFile(t, manifest); !strings.Contains(got, `"status": "completed"`) {
		t.Errorf("manifest after --fix:\n%s", got)
	}
	if st, _ := os.Stat(manifest); st.Mode().Perm() != 0o600 {
		t.Errorf("manifest mode %v, want 0600", st.Mode().Perm())
	}
	// Nothing left to fix: no report, the same findings.
	code, out, _ = runIn(t, dir, "check", "--fix")
	if code != 1 || out != remaining {
		t.Errorf("second --fix: exit %d, output:\n%s", code, out)
	}
	noTemps(t, dir)

	// json: the report goes to stderr, stdout stays one document.
	dir, _ = workspace()
	code, out, errs = runIn(t, dir, "check", "--fix", "--format", "json")
	if !strings.HasPrefix(errs, "fixed .tasks/manifest.json:3:45: ") || strings.Count(errs, "\n") != 1 {
		t.Errorf("fix report on stderr: %q", errs)
	}
	if code != 1 || strings.Contains(out, "manifest-drift") || strings.Count(out, `"check": "unknown-id"`) != 2 {
		t.Errorf("after --fix: exit %d, output:\n%s", code, out)
	}
}
