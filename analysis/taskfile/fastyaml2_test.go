package taskfile

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/internal/gen"
	"gopkg.in/yaml.v3"
)

// yamlRoot is what yaml.v3 reads of content: its top-level node, or nil.
func yamlRoot(content []byte) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(content, &doc); err != nil || doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	return doc.Content[0]
}

// fastRoot is what fastYAMLDoc reads of content, copied out of the pooled
// reader, or nil when it leaves the content to yaml.v3.
func fastRoot(content []byte) *yaml.Node {
	useFast = true
	m, r := fastYAMLDoc(text.New(content), 0)
	if r == nil {
		if m != nil {
			panic("a root without a reader")
		}
		return nil
	}
	defer r.release()
	return copyNode(m)
}

func copyNode(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, k := range n.Content {
			c.Content[i] = copyNode(k)
		}
	}
	return &c
}

// nodeDiff names the first difference between two trees, or "".
func nodeDiff(path string, a, b *yaml.Node) string {
	if a == nil || b == nil {
		if a != b {
			return fmt.Sprintf("%s: fast %v, yaml.v3 %v", path, a, b)
		}
		return ""
	}
	show := func(n *yaml.Node) string {
		return fmt.Sprintf("{Kind %d Style %d Tag %q Value %q Line %d Column %d Anchor %q Alias %v Comments %q %q %q Content %d/%v}",
			n.Kind, n.Style, n.Tag, n.Value, n.Line, n.Column, n.Anchor, n.Alias != nil, n.HeadComment, n.LineComment, n.FootComment, len(n.Content), n.Content == nil)
	}
	if sa, sb := show(a), show(b); sa != sb {
		return fmt.Sprintf("%s: fast %s, yaml.v3 %s", path, sa, sb)
	}
	for i := range a.Content {
		if d := nodeDiff(fmt.Sprintf("%s/%d", path, i), a.Content[i], b.Content[i]); d != "" {
			return d
		}
	}
	if !reflect.DeepEqual(a, b) {
		return path + ": the trees differ"
	}
	return ""
}

// compareDoc checks one document: when the fast reader takes it, yaml.v3
// must read it too, to the same tree; and Parse must give the same task
// either way. It reports whether the fast reader took it.
func compareDoc(t *testing.T, name string, content []byte) bool {
	t.Helper()
	fast := fastRoot(content)
	if fast != nil {
		if slow := yamlRoot(content); slow == nil {
			t.Errorf("%s: the fast reader takes %q, yaml.v3 does not", name, content)
		} else if d := nodeDiff("root", fast, slow); d != "" {
			t.Errorf("%s: %q: %s", name, content, d)
		}
	}
	ft, st := parseBoth(name, content)
	if !reflect.DeepEqual(ft, st) {
		t.Errorf("%s: the task differs with the fast reader:\n fast %+v\n yaml %+v", name, ft, st)
	}
	return fast != nil
}

// The fast reader gives yaml.v3's tree and Parse the same task on every
// file of the example workspace, the shared corpus, testdata and two
// generated workspaces with faults; and it takes nearly every generated
// YAML task document. ParseLight equals the light copy of Parse on each.
func TestFastYAMLDocEqualsYAML(t *testing.T) {
	var files []string
	walk := func(root string) {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				files = append(files, p)
			}
			return nil
		})
	}
	for _, root := range []string{"../../examples", "../../../shared/corpora", "testdata"} {
		walk(root)
	}
	fixed := len(files)
	if fixed < 20 {
		t.Fatalf("only %d files found", fixed)
	}
	tasks := 1500
	if testing.Short() {
		tasks = 300
	}
	for _, seed := range []int64{1, 2} {
		dir := t.TempDir()
		if _, err := gen.Write(dir, gen.Options{Tasks: tasks, Seed: seed, Faults: true}); err != nil {
			t.Fatal(err)
		}
		walk(dir)
	}
	var docs, taken, genDocs, genTaken int
	for i, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		useFast = false
		pure := Parse(p, text.New(b)).Style == StylePureYAML
		useFast = true
		took := compareDoc(t, filepath.Base(p), b)
		if l, w := ParseLight(p, text.New(b)), Parse(p, text.New(b)).Light(); !reflect.DeepEqual(l, w) {
			t.Errorf("%s: ParseLight differs from Parse(...).Light():\n %+v\n %+v", p, l, w)
		}
		if pure {
			docs++
			if took {
				taken++
			}
			if i >= fixed {
				genDocs++
				if took {
					genTaken++
				}
			}
		} else if took && strings.HasSuffix(p, ".yaml") && Parse(p, text.New(b)).Style == StylePureYAML {
			t.Errorf("%s: taken, yet not a YAML document without the fast reader", p)
		}
	}
	t.Logf("%d files (%d generated); %d YAML task documents, %d through the fast reader; generated: %d of %d (%.1f%%)",
		len(files), len(files)-fixed, docs, taken, genTaken, genDocs, 100*float64(genTaken)/float64(max(genDocs, 1)))
	if genDocs < 50 || float64(genTaken) < 0.98*float64(genDocs) {
		t.Errorf("the fast reader took %d of %d generated YAML task documents", genTaken, genDocs)
	}
}

// fastDocCases are documents the fast reader takes (accept) or leaves to
// yaml.v3 (reject); the accepted ones must read as yaml.v3 reads them.
var fastDocCases = []struct {
	accept bool
	doc    string
}{
	{true, "id: T001\ntitle: A title\nstatus: pending\n"},
	{true, "id: T001\ntitle: no final newline"},
	{true, "id: T001\ntitle:"},
	{true, "id: T001\ntitle:   \nnext: x\n"},
	{true, "id: T001\ndeps: [T002, 'T003', \"T004\"]\nnone: []\nsp: [ ]\ntight: [a,b]\nspaced: [ a , b ]\n"},
	{true, "id: T001\ndeps:\n  - T002\n  - \"T003\"\n  - 'T004'\nstatus: done\n"},
	{true, "id: T001\ndeps:\n- T002\n- T003\nstatus: done\n"},
	{true, "id: T001\ndeps:\n    -   T002\n    -   T003\n"},
	{true, "id: T001\nmeta:\n  a: b\n  c:\n    d: e\n  f: [g]\nlast: x\n"},
	{true, "id: T001\nactual: null\nother: ~\nempty:\nnone: Null\nlast: NULL\n"},
	{true, "id: T001\nn: 12\nf: 1.5\ne: 1e3\nneg: x-1\nb: true\nB: False\nts: 2025-12-11T15:10:00Z\nd: 2025-12-11\nhex: 0x1F\noct: 0o17\nbin: 0b101\nu: 1_000\nnan: .nan\ninf: .inf\ndot: .5\nmerge: <<\n"},
	{true, "id: T001\ntrue: x\nnull: y\nNo: z\nyes: w\n"},
	{true, "id: T001\ntitle: Café ☕ 𝄞 naïve\ndeps: [é, ü, b]\nlist:\n  - u: é\n    o: [a, 'é', b]\n    p: ü\n"},
	{true, "id: T001\ntitle: 'it''s'\nq: ''\ndq: \"\"\nsp: ' spaced '\n"},
	{true, "id: T001\ntitle: tricky {braces} [and] , commas\nurl: http://x.y/z#frag\nk: key:value\ndash: a - b\n"},
	{true, "id: T001   \ntitle: trailing spaces   \nq: 'x'   \nl: [a]   \n"},
	{true, "id: T001\n\n  \n\ntitle: blank lines\n   \n"},
	{true, "id: T001\r\ntitle: CRLF lines\r\ndeps:\r\n  - T002\r\ndesc: |\r\n  a\r\n\r\n  b\r\nend: x\r\n"},
	{true, "id: T001\ndesc: |\n  line one\n  line two\n\n  after a blank\n    more indented\n  back\n\n\nnext: x\n"},
	{true, "id: T001\ndesc: |\n  last line without a break"},
	{true, "id: T001\ndesc: |\n  with trailing blank lines\n\n\n"},
	{true, "id: T001\ndesc: |   \n  spaces after the indicator\n"},
	{true, "id: T001\ndesc: |\n      deep indentation\n      kept\n"},
	{true, "id: T001\ndesc: |\n  a\n \n  b\n"},
	{true, "id: T001\ndesc: |\n  # not a comment\n  key: value\n  - item\n  'quote\n  ---\n  ...\n"},
	{true, "id: T001\ndesc: >\n  folded\n  over lines\n\n  a paragraph\n\n\n  two blank lines\nnext: x\n"},
	{true, "id: T001\ndesc: >\n  trailing space \n  kept\n"},
	{true, "id: T001\ndesc: >\n  no break"},
	{true, "id: T001\nacceptance_criteria:\n  - text: \"A\"\n    done: false\n  - text: B\n    done: true\n  - plain item\n  - [a, b]\n  - |\n    literal item\n  - 'quoted'\n"},
	{true, "id: T001\nrisks:\n- risk: a\n  impact: High\n- risk: b\n  mitigation:\n  impact: Low\n"},
	{true, "id: T001\ns:\n  -   name: x\n      given: y\n  - name: z\n    list:\n      - a\n      - b\n    block: |\n      text\n    sub:\n      k: v\n"},
	{true, "id: T001\ns:\n  - name: x\n    list:\n    - a\n    - b\n    next: y\n"},
	{true, "id: T001\ns:\n  - a:\n  - b:\n    c: d\n"},
	{true, "id: T001\na:\n  b:\n    c:\n      d:\n        - e\n        - f: g\n          h: |\n            deep\n"},
	{true, "id: T001\nkey-with-dash_and_2: x\n_under: y\nK: z\n"},
	{true, "id: T001\nq: a?b\nr: '[a?b]'\n"},
	{true, "id: T001\nt: a#b\nu: 'a # b'\nv: \"a # b\"\nw: [\"a, b\", 'c]']\n"},
	{true, "id: T001\n" + strings.Repeat("k", 900) + ": " + strings.Repeat("long value ", 500) + "\n"},
	{true, "id: T001\n" + deepDoc(60)},
	{true, "title: only a title\n"},
	{true, "name: no id nor title\n"},

	{false, ""},
	{false, "\n\n"},
	{false, "# comment\nid: T001\n"},
	{false, "id: T001 # comment\n"},
	{false, "id: T001\n# comment\n"},
	{false, "id: T001\n  # comment\n"},
	{false, "id: T001\ntitle: # comment\n"},
	{false, "id: 'T001' # comment\n"},
	{false, "id: [T001] # comment\n"},
	{false, "id: T001\ndesc: | # comment\n  text\n"},
	{false, "id: &a T001\nother: *a\n"},
	{false, "id: !!str T001\n"},
	{false, "id: ! T001\n"},
	{false, "---\nid: T001\n"},
	{false, "id: T001\n---\n"},
	{false, "id: T001\n...\n"},
	{false, "%YAML 1.2\n---\nid: T001\n"},
	{false, "id: T001\ntitle: folded\n  over two lines\n"},
	{false, "id: T001\ntitle: folded\n\n  after a blank\n"},
	{false, "id: T001\ntitle: \"two\n  lines\"\n"},
	{false, "id: T001\ntitle: 'two\n  lines'\n"},
	{false, "id: T001\ntitle: \"esc \\\" aped\"\n"},
	{false, "id: T001\ntitle: \"new\\nline\"\n"},
	{false, "{id: T001}\n"},
	{false, "id: T001\nm: {a: b}\n"},
	{false, "? id\n: T001\n"},
	{false, "id: T001\ndesc: |-\n  text\n"},
	{false, "id: T001\ndesc: |+\n  text\n"},
	{false, "id: T001\ndesc: |2\n   text\n"},
	{false, "id: T001\ndesc: >-\n  text\n"},
	{false, "id: T001\ndesc: |\n\n  starts blank\n"},
	{false, "id: T001\ndesc: |\nnext: empty\n"},
	{false, "id: T001\ndesc: |"},
	{false, "id: T001\ndesc: |\n  a\n     \n  b\n"},
	{false, "id: T001\ndesc: >\n  a\n    more indented\n  b\n"},
	{false, "id: T001\nid: T002\n"},
	{false, "id: T001\nm:\n  a: 1\n  a: 2\n"},
	{false, "id: T001\ntitle:\ttab\n"},
	{false, "id: T001\n\ttitle: tab\n"},
	{false, "id: T001\ntitle: x\x01y\n"},
	{false, "id: T001\ntitle: x\x7fy\n"},
	{false, "id: T001\rtitle: lone CR\n"},
	{false, "id: T001\ntitle: x\u0085y\n"},
	{false, "id: T001\ntitle: x\u2028y\n"},
	{false, "id: T001\ntitle: x\u2029y\n"},
	{false, "id: T001\ntitle: x\ufeffy\n"},
	{false, "id: T001\ntitle: x\xffy\n"},
	{false, "\ufeffid: T001\n"},
	{false, "id: T001\ndeps:\n  - \n  - a\n"},
	{false, "id: T001\ndeps:\n  -\n"},
	{false, "id: T001\ndeps:\n  - - a\n"},
	{false, "id: T001\ndeps: [a, ]\n"},
	{false, "id: T001\ndeps: [a, [b]]\n"},
	{false, "id: T001\ndeps: [a\n"},
	{false, "id: T001\ndeps: [a,\n  b]\n"},
	{false, "id: T001\ndeps: [a: b]\n"},
	{false, "id: T001\ndeps: [0?]\n"},
	{false, "id: T001\ndeps: [a?b, c]\n"},
	{false, "id: T001\ndeps: [a]x\n"},
	{false, "  id: T001\n  title: indented\n"},
	{false, "- a\n- b\n"},
	{false, "hello\n"},
	{false, "key:value\n"},
	{false, "id: T001\n  - a\n"},
	{false, "id: T001\n- a\n"},
	{false, "id: T001\nkey: - a\n"},
	{false, "id: T001\nn: -5\n"},
	{false, "id: T001\nq: ?x\n"},
	{false, "id: T001\na: b: c\n"},
	{false, "id: T001\na: ends with colon:\n"},
	{false, "id: T001\na: \"x\"y\n"},
	{false, "id: T001\na: 'x' y\n"},
	{false, "id: T001\nwith space : x\n"},
	{false, "id: T001\n\"quoted\": x\n"},
	{false, "id: T001\n1key: x\n"},
	{false, "id: T001\nkey:x\n"},
	{false, "id: T001\n" + strings.Repeat("k", 1200) + ": x\n"},
	{false, "id: T001\nm:\n  a: b\n c: d\n"},
	{false, "id: T001\nm:\n  a: b\n    c: d\n"},
	{false, "id: T001\ns:\n  - a\n  b: c\n"},
	{false, "id: T001\ns:\n  - a\n - b\n"},
	{false, "id: T001\ns:\n  - a:\n   - b\n"},
	{false, "id: T001\nm:\n  value on the next line\n"},
	{false, "id: T001\nm:\n  \"quoted on the next line\"\n"},
	{false, "id: T001\nm:\n  |\n  x\n"},
	{false, "id: T001\nv: @reserved\n"},
	{false, "id: T001\nv: `reserved\n"},
	{false, "id: T001\nv: %x\n"},
}

// deepDoc nests sequences and mappings n levels deep.
func deepDoc(n int) string {
	var b strings.Builder
	b.WriteString("k:\n")
	for i := range n {
		ind := strings.Repeat(" ", 2*i+1)
		if i%2 == 0 {
			fmt.Fprintf(&b, "%s- x\n%s- k%d:\n", ind, ind, i)
		} else {
			fmt.Fprintf(&b, "%s  a: b\n%s  k%d:\n", ind, ind, i)
		}
	}
	return b.String()
}

func TestFastYAMLDocCases(t *testing.T) {
	for _, tc := range fastDocCases {
		content := []byte(tc.doc)
		if took := compareDoc(t, "T001-x.yaml", content); took != tc.accept {
			t.Errorf("%q: taken %v, want %v", tc.doc, took, tc.accept)
		}
	}
	// a BOM is left to yaml.v3 (Parse starts the YAML after it)
	if m, r := fastYAMLDoc(text.New([]byte("\ufeffid: T001\n")), 3); m != nil || r != nil {
		t.Error("a document after a BOM was taken")
	}
	compareDoc(t, "T001-x.yaml", []byte("\ufeffid: T001\ntitle: x\n"))
	// the switch turns it off
	useFast = false
	if m, r := fastYAMLDoc(text.New([]byte("id: T001\n")), 0); m != nil || r != nil {
		t.Error("taken with useFast off")
	}
	useFast = true
}

// The reader's pooled buffers give the same tree again after a large and
// a failed document.
func TestFastYAMLDocReuse(t *testing.T) {
	big := &strings.Builder{}
	big.WriteString("id: T001\nlist:\n")
	for i := range 3000 {
		fmt.Fprintf(big, "  - text: item %d\n    done: false\n", i)
	}
	docs := []string{fastDocCases[0].doc, big.String(), "id: T001\ndeps: [a, ]\n", randomDocs(1, 1)[0], big.String()}
	for range 3 {
		for _, d := range docs {
			compareDoc(t, "T001-x.yaml", []byte(d))
		}
	}
}

// Parses running at once share the reader pool safely (run with -race).
func TestFastYAMLDocConcurrent(t *testing.T) {
	docs := randomDocs(3, 400)
	want := make([]*Task, len(docs))
	for i, d := range docs {
		want[i] = Parse("T001-x.yaml", text.New([]byte(d)))
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for k := range docs {
				i := (k + g*100) % len(docs)
				if got := Parse("T001-x.yaml", text.New([]byte(docs[i]))); !reflect.DeepEqual(got, want[i]) {
					t.Errorf("%q: a parse running with others differs", docs[i])
					return
				}
			}
		})
	}
	wg.Wait()
}

// randomDoc writes a random document in and around the subset the fast
// reader takes: the shapes of task documents, with the values, spacing and
// indentation varied, and now and then something outside the subset.
type randomDoc struct {
	rng *rand.Rand
	b   strings.Builder
	nl  string // "\n" or "\r\n"
}

func (r *randomDoc) pick(s ...string) string { return s[r.rng.IntN(len(s))] }

func (r *randomDoc) pickInt(s ...int) int { return s[r.rng.IntN(len(s))] }

func (r *randomDoc) chance(n int) bool { return r.rng.IntN(n) == 0 }

// atoms are plain scalars of every tag and shape, a few of them not plain
// scalars at all (left to yaml.v3).
var atoms = []string{"T001", "T002 (notes)", "12", "-5", "+1", "1.5", ".5", "1e3", "0x1F", "0o17", "0b101", "-0b1", "1_000",
	"99999999999999999999", "2025-12-11", "2025-12-11T15:10:00Z", "2025-1-2 3:4:5", "~", "null", "Null", "true", "False",
	"yes", "on", "y", ".inf", "-.Inf", ".nan", "<<", "a b", "a  b", "a:b", "a#b", "a #b", "é ü ☕ 𝄞", "tricky {x} [y], z",
	"it's", "say \"hi\"", "x:", "key: value", "-x", "?x", ":x", "@x", "%x", "!x", "&x", "*x", "|", ">", "#x", "a\tb"}

func (r *randomDoc) key(used map[string]bool) string {
	k := r.pick("id", "title", "status", "a", "b-c", "d_e", "F1", "true", "null", "y", "on", "done", "text", "name", "k"+strconv.Itoa(r.rng.IntN(50)))
	if r.chance(40) {
		k = r.pick("1k", "-k", "k k", "\"k\"", "k#", "é") // outside the subset
	}
	if used[k] && !r.chance(20) {
		k += strconv.Itoa(len(used))
	}
	used[k] = true
	return k
}

func (r *randomDoc) scalar(flow bool) string {
	v := r.pick(atoms...)
	switch r.rng.IntN(5) {
	case 0:
		return "'" + strings.ReplaceAll(v, "'", r.pick("''", "'")) + "'"
	case 1:
		if r.chance(10) {
			v += "\\n"
		}
		return `"` + strings.ReplaceAll(v, `"`, r.pick(`'`, `"`)) + `"`
	}
	if flow && strings.ContainsAny(v, ",[]{}:") && !r.chance(10) {
		return "x"
	}
	return v
}

func (r *randomDoc) sp() string {
	if r.chance(4) {
		return strings.Repeat(" ", 1+r.rng.IntN(3))
	}
	return ""
}

func (r *randomDoc) line(ind int, s string) {
	r.b.WriteString(strings.Repeat(" ", ind) + s + r.sp() + r.nl)
	if r.chance(15) {
		r.b.WriteString(strings.Repeat(" ", r.rng.IntN(ind+2)) + r.nl) // a blank line
	}
	if r.chance(150) {
		r.b.WriteString(strings.Repeat(" ", ind) + "# note" + r.nl)
	}
}

func (r *randomDoc) flowSeq() string {
	var items []string
	for range r.rng.IntN(4) {
		items = append(items, r.sp()+r.scalar(true)+r.sp())
	}
	s := "[" + strings.Join(items, ",") + "]"
	if r.chance(30) {
		s = "[a, ]"
	}
	return s
}

// value writes the value of an entry or item whose line so far is head,
// at indentation ind.
func (r *randomDoc) value(ind int, head string, depth int) {
	switch n := r.rng.IntN(10); {
	case n < 4 || depth > 3:
		r.line(ind, head+" "+r.sp()+r.scalar(false))
	case n == 4:
		r.line(ind, head+" "+r.flowSeq())
	case n == 5:
		ind2 := ind + r.pickInt(0, 1, 2, 2, 4)
		if strings.HasPrefix(strings.TrimSpace(head), "-") && ind2 == ind {
			ind2 += 2
		}
		r.line(ind, head)
		r.seq(ind2, depth+1)
	case n == 6:
		r.line(ind, head)
		r.mapping(ind+r.pickInt(1, 2, 2, 4), depth+1)
	case n == 7:
		r.line(ind, head+" "+r.pick("|", "|", ">", "|-", ">+", "|2")+r.sp())
		r.block(ind + 1 + r.rng.IntN(3))
	default:
		r.line(ind, head)
	}
}

func (r *randomDoc) block(ind int) {
	for range 1 + r.rng.IntN(4) {
		switch r.rng.IntN(8) {
		case 0:
			r.b.WriteString(r.nl)
		case 1:
			r.b.WriteString(strings.Repeat(" ", ind+r.rng.IntN(3)) + r.pick("more", "- x", "# y") + r.nl)
		default:
			r.b.WriteString(strings.Repeat(" ", ind) + r.pick("text", "a b ", "k: v", "'q", "é ☕", "---", "last") + r.nl)
		}
	}
}

func (r *randomDoc) mapping(ind, depth int) {
	used := map[string]bool{}
	for range 1 + r.rng.IntN(4) {
		r.value(ind, r.key(used)+":", depth)
	}
}

func (r *randomDoc) seq(ind, depth int) {
	for range 1 + r.rng.IntN(3) {
		dash := "-" + strings.Repeat(" ", 1+r.rng.IntN(2))
		if r.chance(3) && depth <= 3 {
			// an item that is a mapping: its keys line up after the dash
			used := map[string]bool{}
			r.value(ind, dash+r.key(used)+":", depth+1)
			for range r.rng.IntN(3) {
				r.value(ind+len(dash), r.key(used)+":", depth+1)
			}
			continue
		}
		r.value(ind, strings.TrimRight(dash, " "), depth)
	}
}

// randomDocs makes n random documents from seed.
func randomDocs(seed uint64, n int) []string {
	rng := rand.New(rand.NewPCG(seed, 99))
	var out []string
	for range n {
		r := &randomDoc{rng: rng, nl: "\n"}
		if r.chance(10) {
			r.nl = "\r\n"
		}
		r.line(0, "id: T001")
		r.mapping(0, 0)
		s := r.b.String()
		if r.chance(8) {
			s = strings.TrimRight(s, "\r\n")
		}
		out = append(out, s)
	}
	return out
}

// Random documents in and around the subset: the fast reader reads those
// it takes as yaml.v3 does, and takes many of them.
func TestFastYAMLDocRandom(t *testing.T) {
	n := 50000
	if testing.Short() {
		n = 5000
	}
	taken := 0
	for _, d := range randomDocs(7, n) {
		if compareDoc(t, "T001-x.yaml", []byte(d)) {
			taken++
		}
		if t.Failed() {
			break
		}
	}
	t.Logf("%d random documents, %d taken", n, taken)
	if taken < n/5 {
		t.Errorf("only %d of %d random documents taken", taken, n)
	}
}

// FuzzFastYAMLDoc: whenever the fast reader takes a document, yaml.v3
// reads it to the same tree and Parse gives the same task.
func FuzzFastYAMLDoc(f *testing.F) {
	for _, tc := range fastDocCases {
		f.Add(tc.doc)
	}
	for _, d := range randomDocs(2, 100) {
		f.Add(d)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		compareDoc(t, "T001-x.yaml", []byte(doc))
	})
}

// BenchmarkParsePureYAML parses one generated YAML task document with the
// fast reader and with yaml.v3.
func BenchmarkParsePureYAML(b *testing.B) {
	dir := b.TempDir()
	res, err := gen.Write(dir, gen.Options{Tasks: 60, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	var content []byte
	var name string
	for _, tk := range res.Tasks {
		if tk.Style == gen.StyleYAMLDocument {
			name = filepath.Join(dir, tk.File)
			if content, err = os.ReadFile(name); err != nil {
				b.Fatal(err)
			}
			break
		}
	}
	if content == nil {
		b.Fatal("no YAML document generated")
	}
	for _, fast := range []bool{true, false} {
		b.Run(map[bool]string{true: "fast", false: "yaml.v3"}[fast], func(b *testing.B) {
			useFast = fast
			defer func() { useFast = true }()
			b.ReportAllocs()
			b.SetBytes(int64(len(content)))
			for b.Loop() {
				Parse(name, text.New(content))
			}
		})
	}
}
