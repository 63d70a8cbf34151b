package gen_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/taskls/taskls/internal/gen"
)

// TestRecall generates workspaces with faults and checks that taskls reports
// every injected fault exactly (check, file, message, and a span on the ID
// in question) and nothing else at all.
func TestRecall(t *testing.T) {
	t.Run("300", func(t *testing.T) { recall(t, 300, 42) })
	t.Run("2000", func(t *testing.T) {
		if testing.Short() {
			t.Skip("-short")
		}
		recall(t, 2000, 7)
	})
	// TASKLS_RECALL_N=10000 runs one more size.
	if v := os.Getenv("TASKLS_RECALL_N"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			t.Fatalf("TASKLS_RECALL_N: %v", err)
		}
		t.Run(v, func(t *testing.T) { recall(t, n, 1) })
	}
}

func recall(t *testing.T, n int, seed int64) {
	dir := t.TempDir()
	start := time.Now()
	res, err := gen.Write(dir, gen.Options{Tasks: n, Seed: seed, Faults: true})
	if err != nil {
		t.Fatal(err)
	}
	genTime := time.Since(start)
	start = time.Now()
	snap := workspace.Load([]string{dir})
	diags := check.Run(snap, nil)
	t.Logf("%d tasks, %d files, %.1f MiB: generated in %v, loaded and checked in %v",
		n, res.Files, float64(res.Bytes)/(1<<20), genTime, time.Since(start))

	if len(res.Tasks) != n {
		t.Fatalf("%d tasks in the result, want %d", len(res.Tasks), n)
	}
	perCheck := map[string]int{}
	for _, f := range res.Faults {
		perCheck[f.Check]++
	}
	for _, c := range []string{"unknown-id", "self-dependency"} {
		if perCheck[c] < max(4, n/100) {
			t.Errorf("%d %s faults, want at least %d", perCheck[c], c, max(4, n/100))
		}
	}
	for _, c := range []string{"duplicate-id", "cycle"} { // two diagnostics each
		if perCheck[c] < 2*max(4, n/100) {
			t.Errorf("%d %s diagnostics, want at least %d", perCheck[c], c, 2*max(4, n/100))
		}
	}

	// faults.json holds the same list
	var listed []gen.Fault
	b, err := os.ReadFile(filepath.Join(dir, "faults.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &listed); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(listed) != fmt.Sprint(res.Faults) {
		t.Errorf("faults.json differs from Result.Faults")
	}

	type key struct{ check, file, msg string }
	want := map[key][]gen.Fault{}
	for _, f := range res.Faults {
		k := key{f.Check, f.File, f.Message}
		want[k] = append(want[k], f)
	}
	var unexpected []string
	paths := make([]string, 0, len(diags))
	for p := range diags {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			t.Fatal(err)
		}
		rel = filepath.ToSlash(rel)
		doc := snap.Doc(p)
		for _, d := range diags[p] {
			line := 0
			got := ""
			if doc != nil {
				line = doc.Text.Position(d.Span.Start).Line + 1
				got = string(doc.Text.Bytes()[d.Span.Start:d.Span.End])
			}
			k := key{d.Check, rel, d.Message}
			fs := want[k]
			if len(fs) == 0 {
				unexpected = append(unexpected, fmt.Sprintf("%s:%d: %s: %s [%s] at %q", rel, line, d.Severity, d.Message, d.Check, got))
				continue
			}
			want[k] = fs[1:]
			if needle := needleOf(fs[0]); got != needle {
				t.Errorf("%s:%d: %s [%s] is at %q, want it on %q", rel, line, d.Message, d.Check, got, needle)
			}
		}
	}
	for _, u := range unexpected {
		t.Errorf("unexpected diagnostic: %s", u)
	}
	var missing []string
	for _, fs := range want {
		for _, f := range fs {
			missing = append(missing, fmt.Sprintf("%s: %s [%s]", f.File, f.Message, f.Check))
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("fault not reported: %s", m)
	}

	// The files parse the way the generator wrote them.
	for _, tk := range res.Tasks {
		d := snap.Doc(filepath.Join(dir, filepath.FromSlash(tk.File)))
		if d == nil || !d.IsTask() {
			t.Errorf("%s: not read as a task", tk.File)
			continue
		}
		full := d.Full()
		checkParsed(t, tk, full)
		// the index keeps the file light: its counts are the full parse's
		l := d.Task
		if !l.IsLight() || l.NumCriteria() != len(full.Criteria()) || l.NumScenarios() != len(full.Scenarios()) || l.NumRisks() != len(full.Risks()) {
			t.Errorf("%s: light %v with %d criteria, %d scenarios, %d risks; the file has %d, %d, %d", tk.File, l.IsLight(),
				l.NumCriteria(), l.NumScenarios(), l.NumRisks(), len(full.Criteria()), len(full.Scenarios()), len(full.Risks()))
		}
	}
}

// needleOf is the text a fault's diagnostic must cover.
func needleOf(f gen.Fault) string {
	switch f.Check {
	case "unknown-id":
		return strings.TrimPrefix(f.Message, "unknown task ID ")
	case "cycle":
		return strings.Split(f.Message, " -> ")[1]
	}
	return f.ID
}

func checkParsed(t *testing.T, tk gen.Task, p *taskfile.Task) {
	t.Helper()
	if p.ID() != tk.ID || p.IDFromName {
		t.Errorf("%s: id %q (from name: %v), want %s", tk.File, p.ID(), p.IDFromName, tk.ID)
	}
	if p.Style.String() != tk.Style {
		t.Errorf("%s: read as %s, written as %s", tk.File, p.Style, tk.Style)
	}
	if p.Title() != tk.Title {
		t.Errorf("%s: title %q, want %q", tk.File, p.Title(), tk.Title)
	}
	if p.StatusNorm() != tk.Status {
		t.Errorf("%s: status %q (%q), want %s", tk.File, p.Status(), p.StatusNorm(), tk.Status)
	}
	var deps []string
	for _, r := range p.Deps() {
		deps = append(deps, r.ID)
	}
	if strings.Join(deps, ",") != strings.Join(tk.FileDeps, ",") {
		t.Errorf("%s: dependencies %v, want %v", tk.File, deps, tk.FileDeps)
	}
	if n := len(p.Criteria()); n < 8 || n > 12 {
		t.Errorf("%s: %d acceptance criteria", tk.File, n)
	}
	if len(p.Scenarios()) != 6 {
		t.Errorf("%s: %d test scenarios", tk.File, len(p.Scenarios()))
	}
	for _, s := range p.Scenarios() {
		if !s.Given || !s.When || !s.Then {
			t.Errorf("%s: scenario %q lacks Given, When or Then", tk.File, s.Name)
		}
	}
	if len(p.Risks()) != 4 {
		t.Errorf("%s: %d risks", tk.File, len(p.Risks()))
	}
}

// TestDeterministic: the same options write the same bytes; another seed
// writes other bytes.
func TestDeterministic(t *testing.T) {
	opts := gen.Options{Tasks: 250, Seed: 3, Faults: true}
	a, b, c := t.TempDir(), t.TempDir(), t.TempDir()
	for _, d := range []string{a, b} {
		if _, err := gen.Write(d, opts); err != nil {
			t.Fatal(err)
		}
	}
	opts.Seed = 4
	if _, err := gen.Write(c, opts); err != nil {
		t.Fatal(err)
	}
	ta, tb, tc := tree(t, a), tree(t, b), tree(t, c)
	if len(ta) != len(tb) {
		t.Fatalf("%d files, then %d", len(ta), len(tb))
	}
	for name, content := range ta {
		if other, ok := tb[name]; !ok || !bytes.Equal(content, other) {
			t.Errorf("%s differs between two runs with the same seed", name)
		}
	}
	if fmt.Sprint(ta) == fmt.Sprint(tc) {
		t.Errorf("seeds 3 and 4 wrote the same tree")
	}
}

func tree(t *testing.T, dir string) map[string][]byte {
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOptions(t *testing.T) {
	if _, err := gen.Write(t.TempDir(), gen.Options{Tasks: 0}); err == nil {
		t.Error("0 tasks: no error")
	}
	if _, err := gen.Write(t.TempDir(), gen.Options{Tasks: gen.MinFaultTasks - 1, Faults: true}); err == nil {
		t.Error("too few tasks for faults: no error")
	}
	dir := t.TempDir()
	res, err := gen.Write(dir, gen.Options{Tasks: 5, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Digits != 3 || res.Tasks[0].ID != "T001" || len(res.Faults) != 0 {
		t.Errorf("5 tasks: digits %d, first ID %s, %d faults", res.Digits, res.Tasks[0].ID, len(res.Faults))
	}
	if _, err := os.Stat(filepath.Join(dir, "faults.json")); err == nil {
		t.Error("faults.json written without faults")
	}
	if _, err := gen.Write(dir, gen.Options{Tasks: 5}); err == nil {
		t.Error("writing over an existing .tasks: no error")
	}
	// a clean workspace draws no diagnostic at all
	diags := check.Run(workspace.Load([]string{dir}), nil)
	for p, ds := range diags {
		for _, d := range ds {
			t.Errorf("clean workspace: %s: %s [%s]", p, d.Message, d.Check)
		}
	}
}
