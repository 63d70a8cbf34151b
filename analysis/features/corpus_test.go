package features_test

import (
	"os"
	"path/filepath"
	"sort"
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
	for _, d := range r.Docs {
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
	if n := len(r.Manifest.Manifest.Entries); n != 35 {
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
