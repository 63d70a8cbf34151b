// Command fuzzseed writes the committed seed corpora of taskls's fuzz
// targets: hand-written edge cases and every file of the example workspace.
//
//	go run ./internal/fuzzseed
//
// It is run from the repository root and rewrites only the files it owns
// (named seed-*); crashers added by `go test -fuzz` stay where they are.
package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"log"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// corpus collects the seed files of one fuzz target.
type corpus struct {
	dir   string
	files map[string][]byte
}

func newCorpus(dir string) *corpus { return &corpus{dir: dir, files: map[string][]byte{}} }

// add records one seed; vals are the fuzz function's arguments, in order.
func (c *corpus) add(name string, vals ...any) {
	var b bytes.Buffer
	b.WriteString("go test fuzz v1\n")
	for _, v := range vals {
		switch v := v.(type) {
		case string:
			fmt.Fprintf(&b, "string(%q)\n", v)
		case []byte:
			fmt.Fprintf(&b, "[]byte(%q)\n", v)
		case int:
			fmt.Fprintf(&b, "int(%d)\n", v)
		case byte:
			fmt.Fprintf(&b, "byte(%q)\n", v)
		default:
			log.Fatalf("seed %s: unsupported type %T", name, v)
		}
	}
	key := "seed-" + sanitize(name)
	if _, dup := c.files[key]; dup {
		log.Fatalf("seed %s: duplicate name", key)
	}
	c.files[key] = b.Bytes()
}

func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			return r
		}
		return '-'
	}, s)
}

// write replaces the corpus's seed-* files.
func (c *corpus) write() {
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		log.Fatal(err)
	}
	old, _ := filepath.Glob(filepath.Join(c.dir, "seed-*"))
	for _, p := range old {
		os.Remove(p)
	}
	for name, b := range c.files {
		if err := os.WriteFile(filepath.Join(c.dir, name), b, 0o644); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Printf("%s: %d seeds\n", c.dir, len(c.files))
}

// exampleFile is one file of examples/.tasks.
type exampleFile struct {
	rel  string // relative to .tasks, forward slashes
	data []byte
}

func exampleFiles() []exampleFile {
	var out []exampleFile
	root := filepath.Join("examples", ".tasks")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		out = append(out, exampleFile{filepath.ToSlash(rel), b})
		return nil
	})
	if err != nil {
		log.Fatalf("reading the example workspace (run from the repository root): %v", err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].rel < out[j].rel })
	return out
}

// taskCase is a hand-written task file.
type taskCase struct {
	name, file, content string
}

var taskCases = []taskCase{
	{"fm-flow-block-emoji", "tasks/T055-warmup.md", "---\nid: T055\ntitle: \"🚀 Add LR warmup\"\nstatus: Pending\npriority: P1-MVP\ndependencies: [T051, 'T052', T053 (fix first)]\nblocked_by:\n  - T054\n  - \"T057\"\nblocks: []\n---\n\n## Acceptance Criteria\n- [ ] Warm up ✅\n* [X] Logged\n1. [x] Numbered\n2. plain numbered\n\n```\n- [ ] in a fence\n## not a heading\n```\n---\nSee [T051], T4 GPU, T0511x, MM-01.\n"},
	{"fm-yaml-ext", "tasks/T002-render.yaml", "---\nid: T002\ntitle: Render\nstatus: completed\npriority: 1\ndependencies: [T001]\n---\n\n## Description\nBuilds on T001.\n"},
	{"metadata-block", "tasks/T004-layout.md", "# Task T004: Layout templates\n\n## Metadata\n\n```yaml\nid: T004\nstatus: in_progress\npriority: P2\ndependencies:\n  - T002\n  - T003\n```\n\n## Description\nNeeds T002.\n"},
	{"metadata-block-no-id", "tasks/T004-layout.md", "# Task T004: Layout\n\n## Metadata\n~~~yml\nstatus: pending\n~~~\n"},
	{"metadata-block-unclosed-fence", "tasks/T004-layout.md", "# T004: Layout\n\n## Metadata\n```yaml\nid: T004\nstatus: pending\n"},
	{"heading-fields", "tasks/T045-dht.md", "# T045: Kademlia DHT\n\n## Priority: P1 (Critical Path)\n## Status: Pending\n## Depends On: T024 (Kademlia DHT), T027\n## Blocked By: none\n\n## Description\nsee T024\n"},
	{"heading-title-only", "completed/report.md", "# T045: Completion report\n\nAll done; T046 next.\n"},
	{"pure-yaml", "tasks/T011-search.yaml", "id: T011\ntitle: Client-side search index\nstatus: pending\npriority: 3\ndependencies: [T009, T002]\ndescription: Build an index for T009.\nacceptance_criteria:\n  - text: Index builds\n    done: true\n  - \"[x] checked in text\"\n  - plain\ntest_scenarios:\n  - name: cold\n    given: a site\n    when: built\n    then: index exists\nrisks:\n  - {risk: size, mitigation: shard}\n"},
	{"pure-yaml-not-task", "tasks/notes.yaml", "- just\n- a list\n"},
	{"bom-front-matter", "tasks/T001-a.md", "\ufeff---\nid: T001\ntitle: BOM\nstatus: pending\n---\nbody T002\n"},
	{"crlf-front-matter", "tasks/T001-a.md", "---\r\nid: T001\r\ntitle: CRLF\r\nstatus: pending\r\ndependencies: [T002, T003]\r\n---\r\n## Acceptance Criteria\r\n- [ ] one\r\n"},
	{"lone-cr", "tasks/T001-a.md", "---\nid: T001\rtitle: CR\rstatus: pending\n---\r## Risks\r- a\r"},
	{"unclosed-front-matter", "tasks/T003-x.md", "---\nid: T003\ntitle: Unclosed\ndependencies: [T001]\n\n## Description\nbody\n"},
	{"unclosed-front-matter-yaml", "tasks/T003-x.yaml", "---\nid: T003\ntitle: Unclosed\n"},
	{"dots-close", "tasks/T003-x.md", "---\nid: T003\n...\nbody\n"},
	{"literal-id", "tasks/T001-a.md", "---\nid: |\n  T001\ntitle: >\n  folded\n  title\n---\n"},
	{"quoted-spaced-id", "tasks/T001-a.md", "---\nid: \" T001 \"\ntitle: '  it''s  '\n---\n"},
	{"escaped-id", "tasks/T001-a.md", "---\nid: \"T\\u0030\\u00301\"\ndependencies: [\"T\\x30\\x302\", 'T003']\n---\n"},
	{"folded-plain-title", "tasks/T001-a.md", "---\nid: T001\ntitle: a title\n  over two lines\nstatus: pending # comment\n---\n"},
	{"null-values", "tasks/T001-a.md", "---\nid: ~\ntitle:\nstatus: null\ndependencies:\nblocked_by: ~\n---\n"},
	{"id-is-a-list", "tasks/T001-a.md", "---\nid: [T001]\ntitle: {a: b}\n---\n"},
	{"anchors-aliases", "tasks/T001-a.md", "---\nid: &x T001\nbase: &b [T002, T003]\ndependencies: *b\nblocks: [*x]\n---\n"},
	{"alias-bomb", "tasks/T001-a.md", "---\nid: T001\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\nd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ndependencies: *d\n---\n"},
	{"deep-nesting", "tasks/T001-a.md", "---\nid: T001\ndeep: " + strings.Repeat("[", 200) + strings.Repeat("]", 200) + "\n---\n"},
	{"deep-nesting-unbalanced", "tasks/T001-a.yaml", "id: T001\ndeep: " + strings.Repeat("[", 300) + "\n"},
	{"tab-indent", "tasks/T001-a.md", "---\nid: T001\ndependencies:\n\t- T002\n---\n"},
	{"unquoted-colon", "tasks/T001-a.md", "---\nid: T001\ntitle: Fix: the parser\ndependencies: [T002]\n---\n"},
	{"line-separator-in-title", "tasks/T001-a.md", "---\ntitle: \"a\u2028b\u2029c\u0085d\"\nid: T001\ndependencies: [T002]\n---\n"},
	{"lookalike-digits", "tasks/T012-a.md", "---\nid: T0١2\ndependencies: [T0١1, Т001]\n---\nsee T0١2 and T012\n"},
	{"invalid-utf8", "tasks/T001-a.md", "---\nid: T001\ntitle: \xff\xfe bad\n---\n\xe2\x82T404 \xf0\x9f\x9a T405\n"},
	{"invalid-utf8-metadata-block", "tasks/T001-a.md", "# T001: x\n## Metadata\n```yaml\nid: T001\ntitle: \xc3\x28\n```\n"},
	{"nul-bytes", "tasks/T001-a.md", "---\nid: T001\x00\ntitle: a\x00b\n---\n\x00T002\n"},
	{"empty", "tasks/T001-a.md", ""},
	{"only-dashes", "tasks/T001-a.md", "---"},
	{"empty-front-matter", "tasks/T001-a.md", "---\n---\n"},
	{"front-matter-not-mapping", "tasks/T001-a.md", "---\n- a\n- b\n---\n"},
	{"scenarios-risks", "tasks/T001-a.md", "---\nid: T001\n---\n## Test Scenarios\n### Scenario 1: cold\n- Given: a\n- When: b\n- Then: c\n**Test Case 2: warm**\nGiven x\n## Risks & Mitigations\n| Risk | Mitigation |\n|---|---|\n| slow | cache |\n**Risk 2** x\n### Risk 3: y\n"},
	{"headings-in-fence", "tasks/T001-a.md", "# T001: x\n```\n## Status: done\n```\n## Status: pending\n"},
	{"long-id-prefix", "tasks/TASK-12-x.md", "---\nid: TASK-12\ndependencies: [TASK-1, ABCDE1]\n---\n"},
	{"no-metadata", "tasks/T001-a.md", "Just prose mentioning T002 and T003.\n"},
	{"yaml-doc-markers", "tasks/T001-a.yaml", "%YAML 1.2\n---\nid: T001\n...\n---\nid: T002\n"},
	{"flow-map-deps", "tasks/T001-a.md", "---\nid: T001\ndependencies: {T002: x}\nblocked_by: \"T003, T004\"\n---\n"},
	{"complex-key", "tasks/T001-a.md", "---\n? [a, b]\n: c\nid: T001\n---\n"},
}

func main() {
	examples := exampleFiles()

	// taskfile.FuzzParse(name string, content []byte)
	tc := newCorpus(filepath.Join("analysis", "taskfile", "testdata", "fuzz", "FuzzParse"))
	for _, c := range taskCases {
		tc.add(c.name, c.file, []byte(c.content))
	}
	for _, e := range examples {
		if strings.HasPrefix(e.rel, "tasks/") || strings.HasPrefix(e.rel, "completed/") {
			tc.add("example-"+e.rel, e.rel, e.data)
		}
	}
	tc.write()

	// text.FuzzPositions(content []byte, line, col int)
	pc := newCorpus(filepath.Join("analysis", "text", "testdata", "fuzz", "FuzzPositions"))
	for i, s := range []string{
		"", "\n", "\r\n", "\r", "a\r\nb\r\n", "a\rb\rc", "\n\n\n", "🚀 x ✅\n→é\n", "e\u0301 composed é",
		"\xe2\x82T404 \xf0\x9f\x9a x\n", "\xed\xa0\x80\xed\xb0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "\x00\x00\n\x00",
		"\ufeff---\nid: T001\n", "\u2028\u2029\u0085\n", "\t\tx\t\n", "𝕋𝟘𝟘𝟙\r\n𝕋", strings.Repeat("a🚀", 500),
	} {
		pc.add(fmt.Sprintf("edge-%02d", i), []byte(s), i%4, i*3-5)
	}
	for i, e := range examples {
		pc.add("example-"+e.rel, e.data, 3+i, 10+i)
	}
	pc.write()

	// workspace.FuzzSnapshot(archive []byte, edit []byte, op byte)
	sc := newCorpus(filepath.Join("analysis", "workspace", "testdata", "fuzz", "FuzzSnapshot"))
	var ex bytes.Buffer
	for _, e := range examples {
		fmt.Fprintf(&ex, "-- %s --\n", e.rel)
		ex.Write(e.data)
		if !bytes.HasSuffix(e.data, []byte("\n")) {
			ex.WriteByte('\n')
		}
	}
	editT005 := []byte("---\nid: T005\ntitle: Edited\nstatus: pending\ndependencies: [T004, T099, T005]\n---\nsee T010\n")
	// op: kind op%6 (change, delete, create, file to folder, folder to
	// file, twice in one batch) of file op/6
	for kind := 0; kind < 6; kind++ {
		sc.add(fmt.Sprintf("example-op%d", kind), ex.Bytes(), editT005, byte(kind+6*9))
	}
	sc.add("example-broken-manifest", ex.Bytes(), []byte(`{"tasks": [{"id": "T001",`), byte(0+6*5))
	small := "-- manifest.json --\n{\"tasks\": [{\"id\": \"T001\", \"file\": \"tasks/T001-a.md\", \"depends_on\": [\"T002\"]}, {\"id\": \"T002\", \"file\": \"tasks/T002-b.yaml\"}],\n \"dependency_graph\": {\"T001\": {\"depends_on\": [\"T002\"]}}, \"critical_path\": [\"T002\", \"T001\"]}\n" +
		"-- tasks/T001-a.md --\n---\nid: T001\ntitle: A\nstatus: pending\ndependencies: [T002]\n---\nsee T003\n" +
		"-- tasks/T002-b.yaml --\nid: T002\ntitle: B\nstatus: completed\n" +
		"-- completed/T002-b.md --\n# T002: B\n## Status: completed\n" +
		"-- updates/u.json --\n{\"task_id\": \"T001\", \"new_status\": \"in_progress\"}\n" +
		"-- metrics.json --\n{\"task_completion_history\": [{\"task_id\": \"T002\"}]}\n" +
		"-- context/project.md --\nT001 and T002\n" +
		"-- taskls.yaml --\nchecks:\n  sections: off\n"
	for i, edit := range []string{
		"---\nid: T001\ntitle: A\nstatus: pending\ndependencies: [T002, T003]\n---\n",
		"---\nid: T003\n---\n",
		"---\nid: T001\ntitle: unclosed\n",
		"{\"tasks\": []}",
		"{\"tasks\": [",
		"\x00binary",
		"",
	} {
		for kind := 0; kind < 6; kind++ {
			sc.add(fmt.Sprintf("small-%d-op%d", i, kind), []byte(small), []byte(edit), byte(kind+6*(i+kind)))
		}
	}
	sc.add("empty", []byte(""), []byte("---\nid: T001\n---\n"), byte(3))
	sc.add("hostile-names", []byte("-- ../escape.md --\nx\n-- /abs.md --\ny\n-- tasks/../tasks/T001-a.md --\n---\nid: T001\n---\n-- tasks/\x00nul.md --\nz\n"), []byte("T001"), byte(1))
	sc.write()
}
