package check_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/taskls/taskls/internal/marker"
)

// TestFixes applies, for every diagnostic of every archive of testdata/
// that offers one, the preferred fix, and checks that it does what a fix
// must: the diagnostic goes away, no diagnostic appears that was not there
// before, the files it edits still parse, and nothing outside the edited
// spans changes.
func TestFixes(t *testing.T) {
	runFixes(t, func(f check.Fix) bool { return f.Preferred })
}

// TestOtherFixes does the same for the fixes that are offered but not
// preferred (writing the manifest's value into the task file, replacing an
// unknown ID with a suggestion, creating a missing file): each must resolve
// its diagnostic as well when the user picks it.
func TestOtherFixes(t *testing.T) {
	runFixes(t, func(f check.Fix) bool { return !f.Preferred })
}

func runFixes(t *testing.T, want func(check.Fix) bool) {
	for _, path := range marker.Archives(t, "testdata") {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ts := marker.Load(t, path)
			cfg := configOf(ts)
			snap := workspace.Load([]string{ts.Dir})
			before := check.Run(snap, cfg)
			for _, d := range sortedDiags(ts.Dir, before) {
				for _, f := range d.Fixes {
					if !want(f) {
						continue
					}
					name := fmt.Sprintf("%s/%s/%s", rel(ts.Dir, d.Path), d.Check, f.Title)
					t.Run(name, func(t *testing.T) {
						checkFix(t, ts, snap, cfg, before, d, f)
					})
				}
			}
		})
	}
}

// diagKey identifies a diagnostic across edits (its span moves with them).
type diagKey struct {
	path, check, message string
}

func (k diagKey) String() string { return fmt.Sprintf("%s: %s [%s]", k.path, k.message, k.check) }

func countDiags(dir string, diags map[string][]check.Diagnostic) map[diagKey]int {
	out := map[diagKey]int{}
	for p, ds := range diags {
		for _, d := range ds {
			out[diagKey{rel(dir, p), d.Check, d.Message}]++
		}
	}
	return out
}

func sortedDiags(dir string, diags map[string][]check.Diagnostic) []check.Diagnostic {
	var all []check.Diagnostic
	for _, ds := range diags {
		all = append(all, ds...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Path != b.Path {
			return a.Path < b.Path
		}
		if a.Span.Start != b.Span.Start {
			return a.Span.Start < b.Span.Start
		}
		if a.Check != b.Check {
			return a.Check < b.Check
		}
		return a.Message < b.Message
	})
	return all
}

// rel is path relative to dir, with forward slashes.
func rel(dir, path string) string {
	r, err := filepath.Rel(dir, path)
	if err != nil || strings.HasPrefix(r, "..") {
		return path
	}
	return filepath.ToSlash(r)
}

// checkFix applies one fix to a copy of the archive's folder and judges
// the result.
func checkFix(t *testing.T, ts *marker.Test, snap *workspace.Snapshot, cfg *check.Config, before map[string][]check.Diagnostic, d check.Diagnostic, f check.Fix) {
	// (no t.Helper: a failure names the assertion that failed)
	if len(f.Edits) == 0 {
		t.Fatalf("fix %q has no edits", f.Title)
	}
	orig := readTree(t, ts.Dir)
	files, err := applyFix(ts.Dir, orig, f)
	if err != nil {
		t.Fatalf("fix %q of %q: %v", f.Title, d.Message, err)
	}
	dir := t.TempDir()
	writeTree(t, dir, files)

	after := check.Run(workspace.Load([]string{dir}), cfg)
	was, now := countDiags(ts.Dir, before), countDiags(dir, after)
	key := diagKey{rel(ts.Dir, d.Path), d.Check, d.Message}
	if now[key] >= was[key] {
		t.Errorf("fix %q did not remove its diagnostic %s", f.Title, key)
	}
	for k, n := range now {
		if n > was[k] {
			t.Errorf("fix %q added a diagnostic: %s", f.Title, k)
		}
	}
	// the edited files must still be readable as they were
	after2 := workspace.Load([]string{dir})
	for name := range editedFiles(ts.Dir, f) {
		old := snap.Doc(filepath.Join(ts.Dir, filepath.FromSlash(name)))
		doc := after2.Doc(filepath.Join(dir, filepath.FromSlash(name)))
		if doc == nil {
			t.Errorf("fix %q: %s is not part of the workspace after the fix", f.Title, name)
			continue
		}
		if doc.Manifest != nil && doc.Manifest.Err != nil && (old == nil || old.Manifest == nil || old.Manifest.Err == nil) {
			t.Errorf("fix %q broke %s: %s\n%s", f.Title, name, doc.Manifest.Err.Msg, files[name])
		}
		if doc.Task != nil && len(doc.Task.Problems()) > 0 && (old == nil || old.Task == nil || len(old.Task.Problems()) == 0) {
			t.Errorf("fix %q broke %s: %s\n%s", f.Title, name, doc.Task.Problems()[0].Message, files[name])
		}
		if old != nil && old.IsTask() && !doc.IsTask() {
			t.Errorf("fix %q: %s no longer reads as a task\n%s", f.Title, name, files[name])
		}
		if utf8.Valid(orig[name]) && !utf8.Valid(files[name]) {
			t.Errorf("fix %q cut a character of %s in two", f.Title, name)
		}
	}
	// nothing outside the edited spans changed
	for name, data := range orig {
		edits := editsOf(ts.Dir, f, name)
		if len(edits) == 0 {
			if !bytes.Equal(files[name], data) {
				t.Errorf("fix %q changed %s, which it does not edit", f.Title, name)
			}
			continue
		}
		if err := outsideUnchanged(data, files[name], edits); err != nil {
			t.Errorf("fix %q, %s: %v", f.Title, name, err)
		}
	}
}

// editedFiles lists the archive names of the files a fix edits or creates.
func editedFiles(dir string, f check.Fix) map[string]bool {
	out := map[string]bool{}
	for _, e := range f.Edits {
		out[rel(dir, e.Path)] = true
	}
	return out
}

// editsOf returns a fix's edits of one existing file, in file order.
func editsOf(dir string, f check.Fix, name string) []check.Edit {
	var out []check.Edit
	for _, e := range f.Edits {
		if rel(dir, e.Path) == name && !e.Create {
			out = append(out, e)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Span.Start < out[j].Span.Start })
	return out
}

// applyFix returns the archive's files with a fix's edits applied, back to
// front in each file; a Create edit adds a file that must not exist yet.
func applyFix(dir string, files map[string][]byte, f check.Fix) (map[string][]byte, error) {
	out := map[string][]byte{}
	for k, v := range files {
		out[k] = append([]byte(nil), v...)
	}
	byFile := map[string][]check.Edit{}
	for _, e := range f.Edits {
		name := rel(dir, e.Path)
		if name == e.Path {
			return nil, fmt.Errorf("edit of %s, outside the workspace", e.Path)
		}
		if e.Create {
			if _, ok := out[name]; ok {
				return nil, fmt.Errorf("creates %s, which exists", name)
			}
			out[name] = []byte(e.NewText)
			continue
		}
		if _, ok := out[name]; !ok {
			return nil, fmt.Errorf("edits %s, which does not exist", name)
		}
		byFile[name] = append(byFile[name], e)
	}
	for name, edits := range byFile {
		sort.SliceStable(edits, func(i, j int) bool { return edits[i].Span.Start > edits[j].Span.Start })
		data := out[name]
		limit := len(data)
		for _, e := range edits {
			s, en := e.Span.Start, e.Span.End
			if s < 0 || s > en || en > len(data) {
				return nil, fmt.Errorf("edit %d-%d of %s is outside its %d bytes", s, en, name, len(data))
			}
			if en > limit {
				return nil, fmt.Errorf("edits of %s overlap at %d", name, en)
			}
			limit = s
			data = append(append(append([]byte(nil), data[:s]...), e.NewText...), data[en:]...)
		}
		out[name] = data
	}
	return out, nil
}

// outsideUnchanged checks that result is orig with exactly the edits'
// spans replaced by their texts: every byte outside them is where it was.
func outsideUnchanged(orig, result []byte, edits []check.Edit) error {
	pos, at := 0, 0 // in orig, in result
	for _, e := range edits {
		keep := orig[pos:e.Span.Start]
		if !bytes.HasPrefix(result[at:], keep) {
			return fmt.Errorf("bytes %d-%d changed", pos, e.Span.Start)
		}
		at += len(keep)
		if !bytes.HasPrefix(result[at:], []byte(e.NewText)) {
			return fmt.Errorf("the edit at %d did not write %q", e.Span.Start, e.NewText)
		}
		at += len(e.NewText)
		pos = e.Span.End
	}
	if !bytes.Equal(result[at:], orig[pos:]) {
		return fmt.Errorf("bytes after %d changed", pos)
	}
	return nil
}

// readTree reads every file under dir by its slash-separated relative name.
func readTree(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel(dir, p)] = b
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func writeTree(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// fixText writes files to a folder, runs one check, and returns the files
// after applying the fix titled title (the preferred one when title is "")
// of the diagnostic with message msg.
func fixText(t *testing.T, checkName string, files map[string]string, msg, title string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	tree := map[string][]byte{}
	for k, v := range files {
		tree[k] = []byte(v)
	}
	writeTree(t, dir, tree)
	cfg := &check.Config{Severity: map[string]check.Severity{}}
	for _, c := range check.All() {
		cfg.Severity[c.Name] = 0
	}
	cfg.Severity[checkName] = check.Lookup(checkName).Severity
	diags := check.Run(workspace.Load([]string{dir}), cfg)
	var seen []string
	for _, d := range sortedDiags(dir, diags) {
		seen = append(seen, d.Message)
		if d.Message != msg {
			continue
		}
		for _, f := range d.Fixes {
			if (title == "" && f.Preferred) || f.Title == title {
				out, err := applyFix(dir, tree, f)
				if err != nil {
					t.Fatalf("fix %q: %v", f.Title, err)
				}
				res := map[string]string{}
				for k, v := range out {
					res[k] = string(v)
				}
				return res
			}
		}
		var titles []string
		for _, f := range d.Fixes {
			titles = append(titles, fmt.Sprintf("%q (preferred %v)", f.Title, f.Preferred))
		}
		t.Fatalf("diagnostic %q has no fix %q; it has %s", msg, title, strings.Join(titles, ", "))
	}
	t.Fatalf("no diagnostic %q; got:\n\t%s", msg, strings.Join(seen, "\n\t"))
	return nil
}

func TestFixText(t *testing.T) {
	tests := []struct {
		name, check string
		files       map[string]string
		msg, title  string
		file, want  string // the edited file and its content after the fix
	}{
		{
			name:  "manifest-drift status, preferred: the manifest takes the file's status",
			check: "manifest-drift",
			files: map[string]string{
				".tasks/manifest.json":   "{\"tasks\": [\n  {\"id\": \"T001\", \"file\": \"tasks/T001-a.md\", \"status\": \"completed\"}\n]}\n",
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\n---\n",
			},
			msg:  "status differs: manifest.json says completed, tasks/T001-a.md says pending",
			file: ".tasks/manifest.json",
			want: "{\"tasks\": [\n  {\"id\": \"T001\", \"file\": \"tasks/T001-a.md\", \"status\": \"pending\"}\n]}\n",
		},
		{
			name:  "manifest-drift status, the other way: a heading field takes the manifest's",
			check: "manifest-drift",
			files: map[string]string{
				".tasks/manifest.json":   "{\"tasks\": [{\"id\": \"T001\", \"file\": \"tasks/T001-a.md\", \"status\": \"completed\"}]}\n",
				".tasks/tasks/T001-a.md": "# T001: A\n\n## Status: Pending\n## Priority: P1\n",
			},
			msg:   "status differs: manifest.json says completed, tasks/T001-a.md says Pending",
			title: "Set the status in tasks/T001-a.md to completed",
			file:  ".tasks/tasks/T001-a.md",
			want:  "# T001: A\n\n## Status: completed\n## Priority: P1\n",
		},
		{
			name:  "manifest-drift priority keeps the manifest's spelling",
			check: "manifest-drift",
			files: map[string]string{
				".tasks/manifest.json":   "{\"tasks\": [{\"id\": \"T001\", \"file\": \"tasks/T001-a.md\", \"priority\": \"P2-MVP\"}]}\n",
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\npriority: P1\n---\n",
			},
			msg:  "priority differs: manifest.json says P2-MVP, tasks/T001-a.md says P1",
			file: ".tasks/manifest.json",
			want: "{\"tasks\": [{\"id\": \"T001\", \"file\": \"tasks/T001-a.md\", \"priority\": \"P1-MVP\"}]}\n",
		},
		{
			name:  "manifest-drift priority as a number stays a number",
			check: "manifest-drift",
			files: map[string]string{
				".tasks/manifest.json":   "{\"tasks\": [{\"id\": \"T001\", \"file\": \"tasks/T001-a.md\", \"priority\": 3}]}\n",
				".tasks/tasks/T001-a.md": "# T001: A\n\n## Priority: P1 (Critical Path)\n## Status: Pending\n",
			},
			msg:  "priority differs: manifest.json says 3, tasks/T001-a.md says P1 (Critical Path)",
			file: ".tasks/manifest.json",
			want: "{\"tasks\": [{\"id\": \"T001\", \"file\": \"tasks/T001-a.md\", \"priority\": 1}]}\n",
		},
		{
			name:  "manifest-drift title into YAML is quoted when it must be",
			check: "manifest-drift",
			files: map[string]string{
				".tasks/manifest.json":   "{\"tasks\": [{\"id\": \"T001\", \"file\": \"tasks/T001-a.md\", \"title\": \"Fix it: now\"}]}\n",
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: 'Fix it'\nstatus: pending\n---\n",
			},
			msg:   "title differs: manifest.json says \"Fix it: now\", tasks/T001-a.md says \"Fix it\"",
			title: "Set the title in tasks/T001-a.md from the manifest",
			file:  ".tasks/tasks/T001-a.md",
			want:  "---\nid: T001\ntitle: \"Fix it: now\"\nstatus: pending\n---\n",
		},
		{
			name:  "manifest-drift dependencies, preferred: the manifest takes the file's list",
			check: "manifest-drift",
			files: map[string]string{
				".tasks/manifest.json":   "{\"tasks\": [\n  {\"id\": \"T001\", \"file\": \"tasks/T001-a.md\"},\n  {\"id\": \"T002\", \"file\": \"tasks/T002-b.md\"},\n  {\"id\": \"T003\", \"file\": \"tasks/T003-c.md\", \"depends_on\": [\"T001\"]}\n]}\n",
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\n---\n",
				".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\n---\n",
				".tasks/tasks/T003-c.md": "---\nid: T003\ntitle: C\ndependencies:\n  - T002\n  - T001\n---\n",
			},
			msg:  "dependencies differ: only tasks/T003-c.md lists T002",
			file: ".tasks/manifest.json",
			want: "{\"tasks\": [\n  {\"id\": \"T001\", \"file\": \"tasks/T001-a.md\"},\n  {\"id\": \"T002\", \"file\": \"tasks/T002-b.md\"},\n  {\"id\": \"T003\", \"file\": \"tasks/T003-c.md\", \"depends_on\": [\"T002\", \"T001\"]}\n]}\n",
		},
		{
			name:  "manifest-drift dependencies into a block list keep its indentation",
			check: "manifest-drift",
			files: map[string]string{
				".tasks/manifest.json":   "{\"tasks\": [\n  {\"id\": \"T001\", \"file\": \"tasks/T001-a.md\"},\n  {\"id\": \"T002\", \"file\": \"tasks/T002-b.md\"},\n  {\"id\": \"T003\", \"file\": \"tasks/T003-c.md\", \"depends_on\": [\"T001\", \"T002\"]}\n]}\n",
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\n---\n",
				".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\n---\n",
				".tasks/tasks/T003-c.md": "---\nid: T003\ntitle: C\ndependencies:\n    - T001\nstatus: pending\n---\n",
			},
			msg:   "dependencies differ: only manifest.json lists T002",
			title: "Set the dependencies in tasks/T003-c.md from the manifest",
			file:  ".tasks/tasks/T003-c.md",
			want:  "---\nid: T003\ntitle: C\ndependencies:\n    - T001\n    - T002\nstatus: pending\n---\n",
		},
		{
			name:  "blocks-inverse appends to a block list",
			check: "blocks-inverse",
			files: map[string]string{
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nblocks:\n  - T002\nstatus: pending\n---\n",
				".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\ndependencies: [T001]\n---\n",
				".tasks/tasks/T003-c.md": "---\nid: T003\ntitle: C\ndependencies: [T001]\n---\n",
			},
			msg:  "the blocks list of T001 lacks T003, which depends on T001",
			file: ".tasks/tasks/T001-a.md",
			want: "---\nid: T001\ntitle: A\nblocks:\n  - T002\n  - T003\nstatus: pending\n---\n",
		},
		{
			name:  "blocks-inverse appends to a flow list",
			check: "blocks-inverse",
			files: map[string]string{
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nblocks: [T002]\n---\n",
				".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\ndependencies: [T001]\n---\n",
				".tasks/tasks/T003-c.md": "---\nid: T003\ntitle: C\ndependencies: [T001]\n---\n",
			},
			msg:  "the blocks list of T001 lacks T003, which depends on T001",
			file: ".tasks/tasks/T001-a.md",
			want: "---\nid: T001\ntitle: A\nblocks: [T002, T003]\n---\n",
		},
		{
			name:  "blocks-inverse appends to a flow list of quoted IDs, after the closing quote",
			check: "blocks-inverse",
			files: map[string]string{
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nblocks: [\"T002\"]\n---\n",
				".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\ndependencies: [T001]\n---\n",
				".tasks/tasks/T003-c.md": "---\nid: T003\ntitle: C\ndependencies: [T001]\n---\n",
			},
			msg:  "the blocks list of T001 lacks T003, which depends on T001",
			file: ".tasks/tasks/T001-a.md",
			want: "---\nid: T001\ntitle: A\nblocks: [\"T002\", \"T003\"]\n---\n",
		},
		{
			name:  "blocks-inverse fills an empty manifest list",
			check: "blocks-inverse",
			files: map[string]string{
				".tasks/manifest.json": "{\"tasks\": [\n  {\"id\": \"T001\", \"depends_on\": [], \"blocks\": []},\n  {\"id\": \"T002\", \"depends_on\": [\"T001\"]},\n  {\"id\": \"T003\", \"depends_on\": [\"T001\"]}\n]}\n",
			},
			msg:  "the manifest's blocks of T001 lacks T002, T003, which depend on T001",
			file: ".tasks/manifest.json",
			want: "{\"tasks\": [\n  {\"id\": \"T001\", \"depends_on\": [], \"blocks\": [\"T002\", \"T003\"]},\n  {\"id\": \"T002\", \"depends_on\": [\"T001\"]},\n  {\"id\": \"T003\", \"depends_on\": [\"T001\"]}\n]}\n",
		},
		{
			name:  "blocks-inverse appends to a dependency_graph list",
			check: "blocks-inverse",
			files: map[string]string{
				".tasks/manifest.json": "{\"tasks\": [\n  {\"id\": \"T001\", \"depends_on\": []},\n  {\"id\": \"T002\", \"depends_on\": [\"T001\"]},\n  {\"id\": \"T003\", \"depends_on\": [\"T001\"]}\n],\n\"dependency_graph\": {\"T001\": {\"depends_on\": [], \"blocks\": [\"T002\"]}}}\n",
			},
			msg:  "dependency_graph's blocks of T001 lacks T003, which depends on T001",
			file: ".tasks/manifest.json",
			want: "{\"tasks\": [\n  {\"id\": \"T001\", \"depends_on\": []},\n  {\"id\": \"T002\", \"depends_on\": [\"T001\"]},\n  {\"id\": \"T003\", \"depends_on\": [\"T001\"]}\n],\n\"dependency_graph\": {\"T001\": {\"depends_on\": [], \"blocks\": [\"T002\", \"T003\"]}}}\n",
		},
		{
			name:  "graph-drift rewrites the graph's depends_on",
			check: "graph-drift",
			files: map[string]string{
				".tasks/manifest.json":   "{\"tasks\": [{\"id\": \"T001\"}, {\"id\": \"T002\", \"file\": \"tasks/T002-b.md\"}],\n\"dependency_graph\": {\"T002\": {\"depends_on\": []}}}\n",
				".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\ndependencies: [T001]\n---\n",
			},
			msg:  "dependency_graph of T002 differs: only tasks/T002-b.md lists T001",
			file: ".tasks/manifest.json",
			want: "{\"tasks\": [{\"id\": \"T001\"}, {\"id\": \"T002\", \"file\": \"tasks/T002-b.md\"}],\n\"dependency_graph\": {\"T002\": {\"depends_on\": [\"T001\"]}}}\n",
		},
		{
			name:  "stats-drift sets the count",
			check: "stats-drift",
			files: map[string]string{
				".tasks/manifest.json": "{\"tasks\": [{\"id\": \"T001\", \"status\": \"done\"}, {\"id\": \"T002\", \"status\": \"pending\"}],\n\"stats\": {\"total_tasks\": 2, \"completed\": 0}}\n",
			},
			msg:  "stats.completed is 0 but the task list gives 1",
			file: ".tasks/manifest.json",
			want: "{\"tasks\": [{\"id\": \"T001\", \"status\": \"done\"}, {\"id\": \"T002\", \"status\": \"pending\"}],\n\"stats\": {\"total_tasks\": 2, \"completed\": 1}}\n",
		},
		{
			name:  "not-in-manifest adds an entry shaped like the others",
			check: "not-in-manifest",
			files: map[string]string{
				".tasks/manifest.json":   "{\n  \"tasks\": [\n    {\"id\": \"T001\", \"title\": \"A\", \"file\": \"tasks/T001-a.md\", \"status\": \"pending\", \"priority\": \"P1-MVP\", \"depends_on\": []}\n  ]\n}\n",
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\npriority: P1\n---\n",
				".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: \"B: the second\"\nstatus: In Progress\npriority: 2\ndependencies: [T001]\n---\n",
			},
			msg:  "T002 is not listed in manifest.json",
			file: ".tasks/manifest.json",
			want: "{\n  \"tasks\": [\n    {\"id\": \"T001\", \"title\": \"A\", \"file\": \"tasks/T001-a.md\", \"status\": \"pending\", \"priority\": \"P1-MVP\", \"depends_on\": []},\n    {\"id\": \"T002\", \"title\": \"B: the second\", \"file\": \"tasks/T002-b.md\", \"status\": \"in_progress\", \"priority\": \"P2-MVP\", \"depends_on\": [\"T001\"]}\n  ]\n}\n",
		},
		{
			name:  "not-in-manifest adds a member to a manifest whose tasks are an object map",
			check: "not-in-manifest",
			files: map[string]string{
				".tasks/manifest.json":   "{\n  \"tasks\": {\n    \"T001\": {\"title\": \"A\", \"file\": \"tasks/T001-a.md\", \"status\": \"pending\"}\n  }\n}\n",
				".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\n---\n",
				".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\nstatus: pending\n---\n",
			},
			msg:  "T002 is not listed in manifest.json",
			file: ".tasks/manifest.json",
			want: "{\n  \"tasks\": {\n    \"T001\": {\"title\": \"A\", \"file\": \"tasks/T001-a.md\", \"status\": \"pending\"},\n    \"T002\": {\"title\": \"B\", \"file\": \"tasks/T002-b.md\", \"status\": \"pending\"}\n  }\n}\n",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := fixText(t, tc.check, tc.files, tc.msg, tc.title)
			if got[tc.file] != tc.want {
				t.Errorf("%s after the fix:\n%s\nwant:\n%s", tc.file, got[tc.file], tc.want)
			}
			for name, data := range tc.files {
				if name != tc.file && got[name] != data {
					t.Errorf("the fix also changed %s:\n%s", name, got[name])
				}
			}
		})
	}
}
