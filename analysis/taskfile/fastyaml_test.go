package taskfile

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/text"
)

// parseBoth parses content with and without the fast path.
func parseBoth(name string, content []byte) (fast, slow *Task) {
	useFast = true
	fast = Parse(name, text.New(content))
	useFast = false
	slow = Parse(name, text.New(content))
	useFast = true
	return fast, slow
}

// The fast path gives what yaml.v3 gives, field for field and span for
// span, on every task file of the example workspace, the shared corpus
// and the hand-written cases below; and it does take them.
func TestFastMappingEqualsYAML(t *testing.T) {
	var files []string
	for _, root := range []string{"../../examples", "../../../shared/corpora", "testdata"} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				files = append(files, p)
			}
			return nil
		})
	}
	if len(files) < 20 {
		t.Fatalf("only %d files found", len(files))
	}
	taken := 0
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		fast, slow := parseBoth(filepath.Base(p), b)
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: fast path differs:\n fast %+v\n yaml %+v", p, fast.Fields(), slow.Fields())
		}
		useFast = true
		var probe draft
		if fast.Style == StyleFrontMatter || fast.Style == StyleMetadataBlock {
			if probe.fastMapping(text.New(b), fast.MetaSpan()) {
				taken++
			}
		}
	}
	if taken == 0 {
		t.Fatal("the fast path took no file")
	}
	t.Logf("%d files, %d through the fast path", len(files), taken)
}

var fastCases = []string{
	"id: T001\ntitle: A title\nstatus: pending\n",
	"id: T001\ndependencies: [T002, T003]\nblocks: []\nblocked_by: [ ]\n",
	"id: T001\ndependencies:\n  - T002\n  - \"T003\"\n  - 'T004'\nstatus: done\n",
	"id: T001\ndependencies:\n- T002\n- T003\n",
	"id: \"T001\"\ntitle: 'Quoted: yes'\npriority: \"P1 (Critical Path)\"\n",
	"id: T001\nupdated: 2025-11-16T16:52:00Z\nref: context/a.md#part\n",
	"id: T001\nactual: null\nother: ~\nempty:\nnone: Null\n",
	"id: T001\nactual: null\nempty:\nnone: Null\nlast: NULL\n",
	"id: T001\ndeps: [null, T002]\n",
	"id: T001\r\ntitle: CRLF lines\r\ndeps:\r\n  - T002\r\n",
	"id: T001\ntitle: Café ☕ 𝄞 naïve\n",
	"id: T001\n\n\ntitle: blank lines\n\n",
	"id: T001\ntitle: a # comment\n",
	"# comment\nid: T001\n",
	"id: T001\ntitle: folded\n  over two lines\n",
	"id: T001\nid: T002\n",
	"id: T001\nnested:\n  a: b\n",
	"id: T001\nlist: [a, b,]\n",
	"id: T001\nlist: [a, [b]]\n",
	"id: T001\ntitle: \"esc \\\" aped\"\n",
	"id: T001\ntitle: 'it''s'\n",
	"id: T001\ntitle:\ttab\n",
	"id: T001\ndeps:\n  - a\n    - b\n",
	"id: T001\ndeps:\n  - a\n\n  - b\n",
	"id: &x T001\nother: *x\n",
	"id: T001\ntitle: key: value\n",
	"id: T001\ntitle: ends with colon:\n",
	"id: T001\nwith space : x\n",
	"id: T001\ntitle: \"unterminated\n",
	"id: T001\ntitle: |\n  block\n",
	"  id: T001\n  title: indented\n",
	"id: T001\ntitle: tricky {braces} [and] , commas\n",
	"id: T001\ndeps: [ T002 , 'T003' , \"T004\" ]\n",
	"id: T001\ndeps: [T002\n",
	"id: T001\ntitle: x\u0085y\n",
	"id: T001\ntitle: trailing spaces   \n",
	"id: T001\n- stray item\n",
	"id: T001\nkey:value\n",
	"id: T001\n1key: x\n",
	"id: T001\nis-ok_key2: x\n",
}

func TestFastMappingCases(t *testing.T) {
	for _, meta := range fastCases {
		for _, wrap := range []func(string) string{
			func(m string) string { return "---\n" + m + "---\n# Body\n" },
			func(m string) string { return "# T001: Title\n\n## Metadata\n\n```yaml\n" + m + "```\n" },
		} {
			content := []byte(wrap(meta))
			fast, slow := parseBoth("T001-x.md", content)
			if !reflect.DeepEqual(fast, slow) {
				t.Errorf("%q: fast path differs:\n fast %+v %+v\n yaml %+v %+v", content, fast.Fields(), fast.Problems(), slow.Fields(), slow.Problems())
			}
		}
	}
}

func FuzzFastMapping(f *testing.F) {
	for _, c := range fastCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, meta string) {
		content := []byte("---\n" + meta + "\n---\n")
		fast, slow := parseBoth("T001-x.md", content)
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: fast path differs:\n fast %+v\n yaml %+v", content, fast.Fields(), slow.Fields())
		}
	})
}

// TestCheckItemEqualsExpression compares the hand-written checkbox matcher
// with the expression it replaces, on edge cases and random lines.
func TestCheckItemEqualsExpression(t *testing.T) {
	lines := []string{"- [x] done", "- [ ] open", "* [X] Done", "+ [ ]", "1. [x] a", "12) [ ] b", "  \t- [x]   spaced  ",
		"-[x] no space", "- [y] other", "- [x]", "- [ x] off", "1 [x] no dot", "a. [x] letter", "", "-", "- ", "- [", "- [x",
		"\t1.\t[ ]\tt", "- [x] a\nb", "- [x] \xff\xfe", "1.) [x] two marks", "- - [x] nested"}
	rng := rand.New(rand.NewPCG(7, 8))
	alphabet := []byte(" \t-*+1234.)[]xX a\n\xff")
	for range 200000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		lines = append(lines, string(b))
	}
	for _, l := range lines {
		m := checkRe.FindSubmatch([]byte(l))
		box, rest, ok := checkItem([]byte(l))
		if ok != (m != nil) || ok && (box != m[1][0] || string(rest) != string(m[2])) {
			t.Fatalf("%q: checkItem = %q, %q, %v; the expression says %q", l, box, rest, ok, m)
		}
	}
}

// TestLight checks what a light task keeps of a full parse.
func TestLight(t *testing.T) {
	src := "---\nid: T001\ntitle: A\nstatus: done\nagent: x\ncontext_refs:\n  - context/a.md\nest_tokens: 500\n---\n" +
		"# A\n\n## Acceptance Criteria\n- [x] one\n- [ ] two\n1. three\n\n## Test Scenarios\n### Happy\nGiven a\nWhen b\nThen c\n" +
		"### Half\nGiven a\n\n## Risks\n- r1\n- r2\n"
	full := Parse("tasks/T001-a.md", text.New([]byte(src)))
	l := full.Light()
	if !l.IsLight() || full.IsLight() || l.Light() != l {
		t.Fatalf("light %v, full light %v", l.IsLight(), full.IsLight())
	}
	if c, u, p := l.CriteriaCounts(); c != 1 || u != 1 || p != 1 {
		t.Errorf("criteria counts %d, %d, %d; want 1, 1, 1", c, u, p)
	}
	if d, n := l.CriteriaDone(); d != 1 || n != 3 || l.NumScenarios() != 2 || l.NumRisks() != 2 {
		t.Errorf("criteria %d/%d, %d scenarios, %d risks", d, n, l.NumScenarios(), l.NumRisks())
	}
	var refs, secs, scen []string
	for _, r := range l.DocRefs() {
		refs = append(refs, r.Key()+"="+r.Value()+"@"+src[r.Span().Start:r.Span().End])
	}
	for _, s := range l.Sections() {
		secs = append(secs, s.Title())
	}
	for _, s := range l.Scenarios() {
		scen = append(scen, s.Name)
	}
	if got := strings.Join(refs, ","); got != "context_refs=context/a.md@context/a.md" || l.Fields() != nil || l.Estimate() != 500 {
		t.Errorf("doc refs %s, fields %+v, estimate %v", got, l.Fields(), l.Estimate())
	}
	if got := strings.Join(secs, ","); got != "A,Acceptance Criteria,Test Scenarios,Risks" {
		t.Errorf("sections %s", got)
	}
	if got := strings.Join(scen, ","); got != "Half" {
		t.Errorf("scenarios %s", got)
	}
	if l.Criteria() != nil || l.Risks() != nil || l.ID() != "T001" || l.StatusNorm() != "completed" || len(l.Lists()) != len(full.Lists()) {
		t.Errorf("light task: %+v", l)
	}
}

// TestGWTWordEqualsExpression compares the hand-written step matcher with
// the expression it replaces.
func TestGWTWordEqualsExpression(t *testing.T) {
	lines := []string{"Given a", "  When b", "- Then c", "* **Given** x", "**When** y", "+\tThen", "Thenx", "Then_", "Then1", "Then.",
		"*Given", "* *Given", "-Given", "- - Given", "**Given", "***Given", "** Given", "", "Giv", "\tGiven"}
	rng := rand.New(rand.NewPCG(9, 10))
	parts := []string{" ", "\t", "-", "*", "+", "**", "Given", "When", "Then", "x", "_", "1", "."}
	for range 200000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		lines = append(lines, b.String())
	}
	for _, l := range lines {
		want := ""
		if m := gwtRe.FindStringSubmatch(l); m != nil {
			want = m[1]
		}
		if got := gwtWord([]byte(l)); got != want {
			t.Fatalf("%q: gwtWord = %q, the expression says %q", l, got, want)
		}
	}
}
