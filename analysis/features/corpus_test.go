package features_test

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/features"
	"github.com/taskls/taskls/analysis/workspace"
)

// corpus returns the shared real workspace (../shared/corpora from the
// repository root). Under CI=true its absence fails the test.
func corpus(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpora", "transformer-builder"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".tasks", "manifest.json")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the shared corpus is missing under CI: %v", err)
		}
		t.Skipf("no shared corpus at %s", dir)
	}
	return dir
}

// Facts about the shared corpus that a reader can check by eye:
//   - ls .tasks/tasks | wc -l gives 59 task files (24 .yaml, 35 .md), all front matter;
//   - manifest.json has 35 entries; deferred_tasks lists 30 IDs, among them
//     T011-T014 that have no file and no entry;
//   - T055's front matter says pending, its manifest entry says completed,
//     and its 10 criteria are all unchecked;
//   - no dependency list names a task that does not exist, there is no cycle,
//     every manifest `file` exists (a python/grep pass over the files agrees),
//     so the core checks report nothing; drift is the drift checks' business.
func TestCorpus(t *testing.T) {
	dir := corpus(t)
	snap := workspace.Load([]string{dir})
	if len(snap.Roots) != 1 {
		t.Fatalf("roots: %d", len(snap.Roots))
	}
	r := snap.Roots[0]
	tasks, yamlNamed := 0, 0
	for _, d := range r.Docs.All() {
		if d.IsTask() {
			tasks++
			if strings.HasSuffix(d.Path, ".yaml") {
				yamlNamed++
			}
		}
	}
	if tasks != 59 || yamlNamed != 24 {
		t.Errorf("task files: %d (%d named .yaml), want 59 (24)", tasks, yamlNamed)
	}
	if n := r.Manifest.Manifest.NumEntries(); n != 35 {
		t.Errorf("manifest entries: %d, want 35", n)
	}
	if len(r.Deferred) != 30 {
		t.Errorf("deferred IDs: %d, want 30", len(r.Deferred))
	}
	for _, id := range []string{"T011", "T012", "T013", "T014"} {
		if !r.Known(id) || r.Task(id) != nil || r.Entry(id) != nil {
			t.Errorf("%s: want a known, deferred task without file or entry", id)
		}
	}
	diags := check.Run(snap, nil)
	var all []string
	for p, ds := range diags {
		for _, d := range ds {
			all = append(all, r.Rel(p)+": "+d.Message+" ["+d.Check+"]")
		}
	}
	sort.Strings(all)
	for _, d := range all {
		switch {
		case strings.Contains(d, "[unknown-id]"), strings.Contains(d, "[cycle]"), strings.Contains(d, "[duplicate-id]"),
			strings.Contains(d, "[missing-file]"), strings.Contains(d, "[yaml-syntax]"), strings.Contains(d, "[json-syntax]"),
			strings.Contains(d, "[self-dependency]"), strings.Contains(d, "[filename-id]"), strings.Contains(d, "[unreadable]"):
			t.Errorf("core check fired on the corpus: %s", d)
		}
	}

	// hover on T055 from T056's dependency list
	from := filepath.Join(dir, ".tasks", "tasks", "T056-implement-weight-decay-exclusion.md")
	src, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	off := strings.Index(string(src), "dependencies: [T051") + len("dependencies: [")
	md, _, ok := features.Hover(snap, from, off)
	if !ok {
		t.Fatal("no hover on T051")
	}
	want := "### T051 · Add Missing log_scalar() Method to MetricsTracker\n\n" +
		"**Status:** pending · **Priority:** P1 · **File:** `tasks/T051-add-missing-log-scalar-method.md`\n\n" +
		"manifest.json says `completed`.\n\n" +
		"**Acceptance criteria:** 0/10 done\n\n"
	if !strings.HasPrefix(md, want) {
		t.Errorf("hover:\n%s\nwant it to start with:\n%s", md, want)
	}
	locs := features.Definition(snap, from, off)
	if len(locs) != 1 || filepath.Base(locs[0].Path) != "T051-add-missing-log-scalar-method.md" {
		t.Errorf("definition of T051: %+v", locs)
	}
}

// grepLines lists file:line of every whole-word occurrence of word under
// dir, as `grep -rnw` would.
func grepLines(t *testing.T, dir, word string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		b, _ := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		for i, line := range strings.Split(string(b), "\n") {
			for k := 0; ; {
				j := strings.Index(line[k:], word)
				if j < 0 {
					break
				}
				a, e := k+j, k+j+len(word)
				word := func(c byte) bool {
					return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_'
				}
				if (a == 0 || !word(line[a-1])) && (e == len(line) || !word(line[e])) {
					out = append(out, rel+":"+strconv.Itoa(i+1))
				}
				k = e
			}
		}
		return nil
	})
	sort.Strings(out)
	return out
}

// References of a much-used ID find every line a whole-word search finds,
// and nothing inside longer IDs.
func TestCorpusReferences(t *testing.T) {
	dir := corpus(t)
	snap := workspace.Load([]string{dir})
	r := snap.Roots[0]
	for _, id := range []string{"T051", "T001", "T066"} {
		var got []string
		seen := map[string]bool{}
		for _, l := range features.RefsOf(r, id, true) {
			d := snap.Doc(l.Path)
			if string(d.Text.Bytes()[l.Span.Start:l.Span.End]) != id {
				t.Errorf("%s: a reference covers %q", id, d.Text.Bytes()[l.Span.Start:l.Span.End])
			}
			key := r.Rel(l.Path) + ":" + strconv.Itoa(d.Text.Position(l.Span.Start).Line+1)
			if !seen[key] {
				seen[key] = true
				got = append(got, key)
			}
		}
		sort.Strings(got)
		want := grepLines(t, r.Dir, id)
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("%s: references on %d lines, grep finds %d", id, len(got), len(want))
		}
	}
}

// copyTree copies a folder.
func copyTree(t *testing.T, from, to string) {
	filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return os.WriteFile(dst, b, 0o644)
	})
}

// applyRename writes a rename's edits and file renames to disk.
func applyRename(t *testing.T, res features.RenameResult) {
	byPath := map[string][]features.Edit{}
	for _, e := range res.Edits {
		byPath[e.Path] = append(byPath[e.Path], e)
	}
	for p, edits := range byPath {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(edits, func(i, j int) bool { return edits[i].Span.Start > edits[j].Span.Start })
		for _, e := range edits {
			b = append(b[:e.Span.Start:e.Span.Start], append([]byte(e.NewText), b[e.Span.End:]...)...)
		}
		os.WriteFile(p, b, 0o644)
	}
	for _, rn := range res.Renames {
		if err := os.Rename(rn.Old, rn.New); err != nil {
			t.Fatal(err)
		}
	}
}

// Renaming a much-used ID leaves a workspace whose diagnostics are the same
// apart from the new name.
func TestCorpusRename(t *testing.T) {
	dir := t.TempDir()
	copyTree(t, corpus(t), dir)
	render := func(snap *workspace.Snapshot) []string {
		var out []string
		r := snap.Roots[0]
		for p, ds := range check.Run(snap, nil) {
			for _, d := range ds {
				pos := snap.Doc(p).Text.Position(d.Span.Start)
				out = append(out, r.Rel(p)+":"+strconv.Itoa(pos.Line+1)+":"+strconv.Itoa(pos.Col+1)+": "+d.Message)
			}
		}
		sort.Strings(out)
		return out
	}
	before := workspace.Load([]string{dir})
	want := render(before)
	for i := range want {
		want[i] = strings.ReplaceAll(want[i], "T051", "T151")
	}
	sort.Strings(want)
	from := filepath.Join(dir, ".tasks", "tasks", "T056-implement-weight-decay-exclusion.md")
	src, _ := os.ReadFile(from)
	off := strings.Index(string(src), "dependencies: [T051") + len("dependencies: [")
	if _, err := features.Rename(before, from, off, "T052"); err == nil || err.Error() != "T052 is already a task of this workspace" {
		t.Errorf("rename to a taken ID: %v", err)
	}
	if _, err := features.Rename(before, from, off, "X51"); err == nil || err.Error() != `"X51" does not have this workspace's ID form (T followed by at least 3 digits)` {
		t.Errorf("rename to another form: %v", err)
	}
	res, err := features.Rename(before, from, off, "T151")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Renames) != 1 || filepath.Base(res.Renames[0].New) != "T151-add-missing-log-scalar-method.md" {
		t.Errorf("file renames: %+v", res.Renames)
	}
	applyRename(t, res)
	got := render(workspace.Load([]string{dir}))
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("diagnostics changed beyond the rename:\n got %d\nwant %d", len(got), len(want))
		for i := range got {
			if i < len(want) && got[i] != want[i] {
				t.Errorf("first difference:\n got %s\nwant %s", got[i], want[i])
				break
			}
		}
	}
	if left := grepLines(t, filepath.Join(dir, ".tasks"), "T051"); len(left) != 0 {
		t.Errorf("T051 left behind: %v", left)
	}
}

// The drift the shared corpus really has, per check. How each count was
// verified by hand, outside taskls:
//   - manifest-drift 20: a python pass over manifest.json and the files'
//     front matter finds 19 entries whose status differs (the manifest says
//     completed for T016 and T048-T065, the files pending or in_progress)
//     and T035, whose entry depends on T033 while its file lists nothing;
//   - blocks-inverse 21: the same pass over `blocks` of the 35 entries and of
//     dependency_graph, both directions (e.g. T001 blocks T003, but T003's
//     file depends on T002 only);
//   - not-in-manifest 17: T066-T082 have files, no entry, no deferred listing;
//   - metrics-drift 31: completion records in metrics.json for tasks whose
//     files say pending or in_progress (T048-T065 and T016, some twice);
//   - stats-drift 1: stats.total_completed is 22, the 35 entries all say
//     completed;
//   - context-budget 3: .tasks/README.md gives project.md and architecture.md
//     ~300 tokens and acceptance-templates.md ~200; the files are 2,769,
//     3,834 and 3,057 bytes (about 690, 960 and 760 tokens);
//   - sections 71: reading T021 (no Test Scenarios, Dependencies, Design
//     Decisions, Risks sections) and T037 (7 criteria) by hand agrees; the
//     total is what taskls reports for the 59 files.
func TestCorpusDriftCounts(t *testing.T) {
	snap := workspace.Load([]string{corpus(t)})
	counts := map[string]int{}
	for _, ds := range check.Run(snap, nil) {
		for _, d := range ds {
			counts[d.Check]++
		}
	}
	want := map[string]int{"manifest-drift": 20, "blocks-inverse": 21, "not-in-manifest": 17, "metrics-drift": 31,
		"stats-drift": 1, "context-budget": 3, "sections": 71}
	for k, n := range want {
		if counts[k] != n {
			t.Errorf("%s: %d, want %d", k, counts[k], n)
		}
	}
	for k, n := range counts {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected %d × %s", n, k)
		}
	}
}
