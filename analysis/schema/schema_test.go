package schema

import (
	"bytes"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/model"
)

var update = flag.Bool("update", false, "rewrite testdata/*.schema.json from the generator")

// The printed schemas are the golden files (go test ./analysis/schema
// -update rewrites them; read the diff before committing it). They are
// printed the same way every time.
func TestGolden(t *testing.T) {
	for _, name := range Names {
		got, ok := Get(name)
		if !ok {
			t.Fatalf("Get(%q) failed", name)
		}
		if again, _ := Get(name); !bytes.Equal(got, again) {
			t.Errorf("%s: two runs print different schemas", name)
		}
		if !bytes.HasSuffix(got, []byte("}\n")) || bytes.ContainsFunc(got, func(r rune) bool { return r >= 0x80 }) {
			t.Errorf("%s: want ASCII JSON ending in a newline", name)
		}
		path := filepath.Join("testdata", name+".schema.json")
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the generator's output; run go test ./analysis/schema -update and read the diff", path)
		}
	}
	if _, ok := Get("nope"); ok {
		t.Error(`Get("nope") succeeded`)
	}
}

func taskValidator(t *testing.T) *validator     { return newValidator(t, Task()) }
func manifestValidator(t *testing.T) *validator { return newValidator(t, Manifest()) }

// statusInputs are written statuses: every word NormStatus knows and
// near misses, in several cases and separators, with and without the
// decorations NormStatus strips (or does not), and random strings made of
// the same pieces.
func statusInputs() []string {
	words := append(keys(model.StatusWords), "complet", "completedd", "in__progress", "inprogres", "xpending",
		"pendingx", "to", "do", "on", "hold", "not started yet", "in progress", "in-progress", "In Progress",
		"", " ", "_", "✅", "(done)", "[done]", "n/a", "none", "P1", "1")
	prefixes := []string{"", " ", "\t", "\n ", "\u00a0", "\u3000", "\u0085", "\ufeff", "\u200b", "✅ ", "✅", "❌",
		"🚧 ", "⏳", "🔄", "🎉 ", "**", "`", `"`, "'", "_", "*_", "(", "[", "-", "x", " ✅\t", "\t✅ ", "✅\t", "✅\u00a0"}
	suffixes := []string{"", " ", "\t", "\n", "\u00a0", "\u0085", "\ufeff", " ✅", "✅", "**", "`", `"`, "_", " (verified)",
		"(x", " [x]", "[", "(", ")", "]", ".", "!", " - done", "-", " ✅\t", "\t✅", "✅\t(note)", " \t (a) [b]", "\t(", " x", "x"}
	r := rand.New(rand.NewPCG(1, 2))
	variant := func(w string) string {
		switch r.IntN(6) {
		case 0:
			w = strings.ToUpper(w)
		case 1:
			if w != "" {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
		case 2:
			b := []rune(w)
			for i := range b {
				if r.IntN(2) == 0 {
					b[i] = []rune(strings.ToUpper(string(b[i])))[0]
				}
			}
			w = string(b)
		case 3:
			// letters only strings.ToLower maps to ASCII
			w = strings.NewReplacer("i", "İ", "k", "\u212a").Replace(w)
		}
		switch r.IntN(5) {
		case 0:
			w = strings.ReplaceAll(w, "_", " ")
		case 1:
			w = strings.ReplaceAll(w, "_", "-")
		case 2:
			w = strings.ReplaceAll(w, "_", "__")
		case 3:
			w = strings.ReplaceAll(w, "_", "")
		}
		return w
	}
	var out []string
	for _, w := range words {
		for _, p := range prefixes {
			for _, s := range suffixes {
				out = append(out, p+variant(w)+s)
			}
		}
	}
	pieces := append(slices.Clone(words), prefixes...)
	pieces = append(pieces, suffixes...)
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(4) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		out = append(out, b.String())
	}
	return out
}

// The status rule accepts exactly what model.NormStatus accepts, in the
// task schema and in the manifest schema.
func TestStatusSync(t *testing.T) {
	for _, v := range []*validator{taskValidator(t), manifestValidator(t)} {
		status := v.def("status")
		bad := 0
		for _, in := range statusInputs() {
			_, want := model.NormStatus(in)
			if got := len(v.errors(status, in)) == 0; got != want && bad < 20 {
				bad++
				t.Errorf("status %q: schema accepts %v, NormStatus %v", in, got, want)
			}
		}
		for _, x := range []any{nil, 1, 2.5, true, []any{"done"}, map[string]any{}} {
			if len(v.errors(status, x)) == 0 {
				t.Errorf("status %v accepted", x)
			}
		}
	}
}

func priorityInputs() []string {
	words := append(keys(model.PriorityWords), "P0", "P1", "P2", "P3", "P4", "P5", "P9", "p1", "0", "1", "4", "5", "9",
		"10", "01", "00", "12", "P10", "P01", "PP1", "P", "p", "P1-MVP", "P2-MVP", "1 (Critical Path)", "P0 (Blocker)",
		"1.5", "4.99", "-1", "+1", "1e3", "1abc", "P1x", "highest", "higher", "lowest", "med", "critical-path",
		"high priority", "high(1)", "high_x", "high-ish", "", " ", "-", "(", "none", "TBD", "p_1", "p-1", "P 1", "P\u00a01")
	prefixes := []string{"", " ", "\t", "\u00a0", "\u0085", "\ufeff", "*", "**", "`", `"`, "'", "_", "*_ ", "(", "#", "✅ ", "x", "\t*", "*\t", "-"}
	suffixes := []string{"", " ", "\t", "\u00a0", "\u0085", "*", "**", "`", `"`, "'", "_", " *", "*\t", "\t*", " (note)", "(x", "-MVP",
		"-", "0", "1", ".", ".5", " x", "x", "\n", "\ntext", " _\t", "_x"}
	r := rand.New(rand.NewPCG(3, 4))
	var out []string
	for _, w := range words {
		for _, p := range prefixes {
			for _, s := range suffixes {
				v := w
				switch r.IntN(4) {
				case 0:
					v = strings.ToUpper(v)
				case 1:
					v = strings.ToLower(v)
				case 2:
					v = strings.NewReplacer("i", "İ", "k", "\u212a").Replace(v)
				}
				out = append(out, p+v+s)
			}
		}
	}
	pieces := append(slices.Clone(words), prefixes...)
	pieces = append(pieces, suffixes...)
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(4) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		out = append(out, b.String())
	}
	return out
}

// The priority rule accepts exactly the strings model.NormPriority accepts,
// and the numbers whose plain decimal spelling it accepts.
func TestPrioritySync(t *testing.T) {
	for _, v := range []*validator{taskValidator(t), manifestValidator(t)} {
		prio := v.def("priority")
		bad := 0
		for _, in := range priorityInputs() {
			_, want := model.NormPriority(in)
			if got := len(v.errors(prio, in)) == 0; got != want && bad < 20 {
				bad++
				t.Errorf("priority %q: schema accepts %v, NormPriority %v", in, got, want)
			}
		}
		for _, n := range []float64{0, 1, 2, 3, 4, 4.5, 4.999, 5, 5.5, 6, 9, 10, 40, 100, 1e6, -1, -0.5, 0.25, 0.5, 2.5} {
			_, want := model.NormPriority(strconv.FormatFloat(n, 'f', -1, 64))
			if got := len(v.errors(prio, n)) == 0; got != want {
				t.Errorf("priority %v (a number): schema accepts %v, NormPriority %v", n, got, want)
			}
		}
		for _, x := range []any{nil, true, []any{"P1"}, map[string]any{}} {
			if len(v.errors(prio, x)) == 0 {
				t.Errorf("priority %v accepted", x)
			}
		}
	}
}

// The task ID rule is model.IsTaskID, on every string of up to six
// characters of an alphabet that covers its cases.
func TestTaskIDSync(t *testing.T) {
	for _, v := range []*validator{taskValidator(t), manifestValidator(t)} {
		id := v.def("taskId")
		alphabet := []string{"A", "Z", "a", "-", "0", "9", " ", "\n", "É"}
		var gen func(prefix string, n int)
		gen = func(prefix string, n int) {
			if want, got := model.IsTaskID(prefix), len(v.errors(id, prefix)) == 0; got != want {
				t.Errorf("task ID %q: schema accepts %v, IsTaskID %v", prefix, got, want)
			}
			if n == 0 {
				return
			}
			for _, c := range alphabet {
				gen(prefix+c, n-1)
			}
		}
		gen("", 5)
		for _, s := range []string{"T001", "T00123", "TASK-12", "ABCD1", "ABCDE1", "T-", "T-1", "T--1", "t001", "T001 ", "MM-01"} {
			if want, got := model.IsTaskID(s), len(v.errors(id, s)) == 0; got != want {
				t.Errorf("task ID %q: schema accepts %v, IsTaskID %v", s, got, want)
			}
		}
	}
}

func ExampleGet() {
	s, _ := Get("task")
	fmt.Print(strings.Join(strings.SplitAfter(string(s), "\n")[:3], ""))
	// Output:
	// {
	//   "$schema": "http://json-schema.org/draft-07/schema#",
	//   "title": "taskls task metadata",
}
