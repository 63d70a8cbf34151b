package workspace_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// Task files and manifest.json read from disk keep what was parsed and
// none of their content, which is read again from the file (the manifest
// keeps its line index); open buffers keep theirs.
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
	if d == nil || !d.Text.IsDetached() || d.Task.Title() != "A" {
		t.Fatalf("task file from disk: detached=%v, want a parsed detached doc", d != nil && d.Text.IsDetached())
	}
	if string(d.Text.Bytes()) != body {
		t.Fatalf("content read again = %q, want the file", d.Text.Bytes())
	}
	if m := s.Doc(man); !m.Text.IsDetached() || m.Manifest.NumEntries() != 1 || m.Text.LineCount() != 1 || string(m.Text.Bytes()[m.Manifest.Entry(0).IDSpan().Start:][:4]) != "T001" {
		t.Fatal("manifest.json from disk must be parsed, detached, and read again as the file")
	}
	if openMan := s.Apply([]workspace.Change{{Path: man, Content: []byte(`{"tasks": []}`), Version: 1}}); openMan.Doc(man).Text.IsDetached() {
		t.Fatal("an open manifest.json must keep its content")
	}
	open := s.Apply([]workspace.Change{{Path: task, Content: []byte(body), Version: 1}})
	if open.Doc(task).Text.IsDetached() {
		t.Fatal("an open buffer must keep its content")
	}
	closed := open.Apply([]workspace.Change{workspace.ReadChange(task)})
	if !closed.Doc(task).Text.IsDetached() || string(closed.Doc(task).Text.Bytes()) != body {
		t.Fatal("a file read again from disk must be detached and equal the file")
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
	if d == nil || d.Skipped() != "" || d.Manifest == nil || d.Manifest.NumEntries() != 1 {
		t.Fatalf("a %d MiB manifest: skipped %q, want it read", (workspace.MaxFileSize+1024)>>20, d.Skipped())
	}
	task := filepath.Join(root, "T001.md")
	if err := os.WriteFile(task, []byte("---\nid: T001\nnotes: "+pad+"\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	td := workspace.Load([]string{dir}).Doc(task)
	if want := "file is 16.1 MiB, larger than the 16 MiB taskls reads; it was skipped"; td == nil || td.Skipped() != want {
		t.Fatalf("a 16.1 MiB task file: skipped %q, want %q", td.Skipped(), want)
	}
}

// A snapshot whose files changed on disk since it read them answers from
// what it parsed: no panic, spans inside the text it now reads, no fix
// computed from other text, and the parse's facts as they were.
func TestContentLeavesDisk(t *testing.T) {
	dir := t.TempDir()
	tasks := filepath.Join(dir, ".tasks", "tasks")
	if err := os.MkdirAll(tasks, 0o755); err != nil {
		t.Fatal(err)
	}
	a := filepath.Join(tasks, "T001-a.md")
	b := filepath.Join(tasks, "T002-b.md")
	c := filepath.Join(tasks, "T003-c.md")
	bodyA := "---\nid: T001\ntitle: A\nstatus: pending\ndependencies: [T001, T002]\n---\n"
	bodyC := "---\nid: T003\ntitle: C\nstatus: pending\ndependencies: [T003]\n---\n## Acceptance Criteria\n- [x] one\n- [ ] two\n"
	for p, body := range map[string]string{a: bodyA, b: "---\nid: T002\ntitle: B\nstatus: pending\n---\n", c: bodyC} {
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := workspace.Load([]string{dir})
	if err := os.Remove(a); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(b, []byte("x"), 0o644); err != nil {
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
	if self == nil || len(self.Fixes) != 0 || !s.Doc(a).Text.Stale() {
		t.Fatalf("self-dependency on a deleted file: want it reported, stale, without a fix; got %+v (stale %v)", diags[a], s.Doc(a).Text.Stale())
	}
	if got := string(s.Doc(a).Text.Bytes()); got != strings.Repeat(" ", len(bodyA)) {
		t.Fatalf("a deleted file reads as %q, want as many spaces as it had bytes", got)
	}
	if d := s.Doc(b); d.Task.Title() != "B" || d.Text.Len() != len("---\nid: T002\ntitle: B\nstatus: pending\n---\n") {
		t.Fatalf("a rewritten file: title %q, length %d; want the parse as it was", d.Task.Title(), d.Text.Len())
	}
	// a file left alone keeps its fix, and its full parse
	var fixed bool
	for _, dg := range diags[c] {
		fixed = fixed || (dg.Check == "self-dependency" && len(dg.Fixes) == 1)
	}
	if !fixed || s.Doc(c).Text.Stale() || len(s.Doc(c).Full().Criteria()) != 2 {
		t.Fatalf("an unchanged file: want its self-dependency fix and 2 criteria, got %+v", diags[c])
	}
	// rewritten with other content: its full parse is the snapshot's
	if err := os.WriteFile(c, []byte(strings.Replace(bodyC, "- [ ] two\n", "", 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.GC()
	if d := s.Doc(c); d.Full() != d.Task || !d.Text.Stale() || d.Task.NumCriteria() != 2 {
		t.Fatalf("a rewritten file's full parse: stale %v, criteria %d; want the light task of the snapshot", d.Text.Stale(), d.Task.NumCriteria())
	}
}

// Files are read into buffers used again for the next files: nothing a
// snapshot keeps may point into them. Loading another workspace after this
// one writes over every buffer; the first snapshot's strings must not move.
func TestLoadKeepsNoReadBuffer(t *testing.T) {
	write := func(n int, word string) string {
		dir := t.TempDir()
		tasks := filepath.Join(dir, ".tasks", "tasks")
		if err := os.MkdirAll(tasks, 0o755); err != nil {
			t.Fatal(err)
		}
		for i := 1; i <= n; i++ {
			body := fmt.Sprintf("---\nid: T%03d\ntitle: %s %d\nstatus: pending\npriority: P1\ndependencies: [T%03d]\n---\n# %s\nSee T%03d.\n",
				i, word, i, i%n+1, word, (i+1)%n+1)
			if err := os.WriteFile(filepath.Join(tasks, fmt.Sprintf("T%03d-x.md", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	const n = 300
	first := workspace.Load([]string{write(n, "Alpha")})
	for k := 0; k < 3; k++ {
		workspace.Load([]string{write(n, "Zulu-zulu-zulu")})
	}
	for i := 1; i <= n; i++ {
		var d *workspace.Doc
		for _, r := range first.Roots {
			for _, x := range r.Docs.All() {
				if x.IsTask() && x.Task.ID() == fmt.Sprintf("T%03d", i) {
					d = x
				}
			}
		}
		if d == nil {
			t.Fatalf("T%03d is gone", i)
		}
		deps := d.Task.Lists()[0].Items
		if d.Task.Title() != fmt.Sprintf("Alpha %d", i) || d.Task.Priority() != "P1" || len(deps) != 1 || deps[0].ID != fmt.Sprintf("T%03d", i%n+1) {
			t.Fatalf("T%03d: title %q, priority %q, dependencies %v", i, d.Task.Title(), d.Task.Priority(), deps)
		}
	}
}

// metrics.json read from disk keeps its line index and none of its
// content: a check run reports on it, and references point into it,
// without reading it again (a read would find the file rewritten below,
// and make it stale).
func TestMetricsDetached(t *testing.T) {
	dir := t.TempDir()
	tasks := filepath.Join(dir, ".tasks", "tasks")
	if err := os.MkdirAll(tasks, 0o755); err != nil {
		t.Fatal(err)
	}
	metrics := filepath.Join(dir, ".tasks", "metrics.json")
	content := "{\n  \"completed_tasks\": [\n    \"T001\",\n    \"é\", \"T404\"\n  ]\n}\n" // T404 on a non-ASCII line
	for p, c := range map[string]string{
		filepath.Join(tasks, "T001-a.md"): "---\nid: T001\ntitle: A\nstatus: pending\n---\n# A\n",
		metrics:                           content,
	} {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := workspace.Load([]string{dir})
	m := s.Doc(metrics)
	if m == nil || !m.Text.IsDetached() || len(m.Refs) != 2 {
		t.Fatalf("metrics.json from disk: %+v, want a detached doc with two references", m)
	}
	if err := os.WriteFile(metrics, []byte(strings.ReplaceAll(content, "T", "X")), 0o644); err != nil {
		t.Fatal(err)
	}
	diags := check.Run(s, nil)[metrics]
	if len(diags) != 2 {
		t.Fatalf("metrics.json: %d diagnostics, want 2: %+v", len(diags), diags)
	}
	orig := text.New([]byte(content))
	for _, ref := range m.Refs {
		for _, off := range []int{ref.Span.Start, ref.Span.End} {
			if p, want := m.Text.Position(off), orig.Position(off); p != want {
				t.Errorf("%s: offset %d at %+v, want %+v", ref.ID, off, p, want)
			}
		}
	}
	for r := range s.Roots[0].Refs("T001") {
		r.Doc.Text.Position(r.Ref.Span.Start)
	}
	if m.Text.Stale() {
		t.Fatal("metrics.json was read again for a check run or positions")
	}
	if string(m.Text.Bytes()[m.Refs[0].Span.Start:][:4]) != "X001" || !m.Text.Stale() {
		t.Fatal("its text, asked for, is read again")
	}
}

// A check run does not read manifest.json back to learn whether its text
// may hide a lookalike ID (bytes outside ASCII, JSON escapes): the
// workspace has the check learn that while it parses the file
// (LearnFromManifest). A read would find the file rewritten below, and
// make it stale.
func TestManifestFactsLearntAtParse(t *testing.T) {
	dir := t.TempDir()
	tasks := filepath.Join(dir, ".tasks", "tasks")
	if err := os.MkdirAll(tasks, 0o755); err != nil {
		t.Fatal(err)
	}
	man := filepath.Join(dir, ".tasks", "manifest.json")
	content := "{\"tasks\": [{\"id\": \"T001\", \"title\": \"Café — A\", \"status\": \"pending\", \"depends_on\": [\"T404\"]}]}\n"
	for p, c := range map[string]string{
		filepath.Join(tasks, "T001-a.md"): "---\nid: T001\ntitle: Café — A\nstatus: pending\n---\n# Café — A\n",
		man:                               content,
	} {
		if err := os.WriteFile(p, []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := workspace.Load([]string{dir})
	m := s.Doc(man)
	if m == nil || !m.Text.IsDetached() {
		t.Fatalf("manifest.json from disk: %+v, want a detached doc", m)
	}
	if err := os.WriteFile(man, []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	diags := check.Run(s, nil)[man]
	if len(diags) != 1 || !strings.Contains(diags[0].Message, "T404") {
		t.Fatalf("manifest.json: %+v, want the unknown T404", diags)
	}
	if m.Text.Stale() {
		t.Fatal("manifest.json was read again by a check run")
	}
}
