package main

import (
	"bytes"
	"flag"
	"os"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite README.md's checks table from check.All()")

const (
	checksBegin = "<!-- checks:begin -->\n"
	checksEnd   = "<!-- checks:end -->"
)

// README.md's "## Checks" table is `taskls checks --format markdown`, read
// from check.All() as it is now: a new or changed check fails this test
// until the table is regenerated.
func TestReadmeChecks(t *testing.T) {
	inRoot(t)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(readme, []byte(checksBegin))
	j := bytes.Index(readme, []byte(checksEnd))
	if i < 0 || j < i {
		t.Fatalf("README.md lacks the markers %q and %q around the checks table", strings.TrimSpace(checksBegin), checksEnd)
	}
	got := string(readme[i+len(checksBegin) : j])
	var out, errb bytes.Buffer
	if code := run([]string{"checks", "--format", "markdown"}, nil, &out, &errb); code != 0 {
		t.Fatalf("taskls checks --format markdown: exit %d: %s", code, errb.String())
	}
	want := out.String()
	if got == want {
		return
	}
	if *update {
		next := append(append(append([]byte(nil), readme[:i+len(checksBegin)]...), want...), readme[j:]...)
		st, err := os.Stat("README.md")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile("README.md", next, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
		t.Logf("README.md: checks table rewritten")
		return
	}
	t.Errorf("README.md's checks table is not the output of `taskls checks --format markdown`.\n"+
		"Regenerate it: paste the output of\n\n\tgo run ./cmd/taskls checks --format markdown\n\n"+
		"between the markers, or run\n\n\tgo test ./cmd/taskls -run TestReadmeChecks -update\n\n"+
		"diff (- README.md, + taskls checks):\n%s", lineDiff(got, want))
}

// lineDiff is a minimal line diff of a and b: " " kept, "-" only in a,
// "+" only in b (a longest common subsequence; tables are small).
func lineDiff(a, b string) string {
	x := strings.SplitAfter(a, "\n")
	y := strings.SplitAfter(b, "\n")
	// lcs[i][j] is the LCS length of x[i:] and y[j:].
	lcs := make([][]int, len(x)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(y)+1)
	}
	for i := len(x) - 1; i >= 0; i-- {
		for j := len(y) - 1; j >= 0; j-- {
			if x[i] == y[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var b2 strings.Builder
	line := func(prefix, s string) {
		if s == "" {
			return
		}
		b2.WriteString(prefix + strings.TrimSuffix(s, "\n") + "\n")
	}
	i, j := 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			line("  ", x[i])
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			line("- ", x[i])
			i++
		default:
			line("+ ", y[j])
			j++
		}
	}
	for ; i < len(x); i++ {
		line("- ", x[i])
	}
	for ; j < len(y); j++ {
		line("+ ", y[j])
	}
	return b2.String()
}

func TestLineDiff(t *testing.T) {
	got := lineDiff("a\nb\nc\n", "a\nc\nd\n")
	want := "  a\n- b\n  c\n+ d\n"
	if got != want {
		t.Errorf("lineDiff:\n%s\nwant:\n%s", got, want)
	}
}
