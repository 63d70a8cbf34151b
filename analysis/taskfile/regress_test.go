package taskfile_test

import "testing"

// Spans of values written in the less common ways YAML allows. Each case
// was a span that did not hold its value (found by FuzzParse's seeds): a
// rename or a diagnostic would have gone to the wrong text.
func TestSpansOfUnusualValues(t *testing.T) {
	tests := []struct {
		name, src, want string
	}{
		{
			// yaml.v3 places a node with an anchor or a tag on the `&` or
			// `!`: the ID's span held "&x T001", and a flow list's span
			// started at its key, so it was taken for a block list
			name: "anchors and tags",
			src:  "---\nid: &x T001\ntitle: !!str  Tagged title\nstatus: pending\ndependencies: &d [T002, T003]\nblocks: !!seq\n  - T004\n---\n",
			want: `style: front matter
id: T001 at "T001"
title: Tagged title at "Tagged title"
status: pending -> pending at "pending"
list dependencies (dependency, [) at "[T002, T003]": T002@"T002" T003@"T003"
list blocks (blocks, -) at "- T004": T004@"T004"
criteria: 0/0
`,
		},
		{
			// the span of a block scalar was its indicator: "|"
			name: "block scalars",
			src:  "---\nid: |\n  T001\ntitle: >-\n  folded\n  title\nstatus: |\n---\n",
			want: `style: front matter
id: T001 at "T001"
title: folded title at "folded\n  title"
status:  ->  at ""
criteria: 0/0
`,
		},
		{
			// values are trimmed; their spans were not
			name: "spaces inside quotes",
			src:  "---\nid: \" T001 \"\ntitle: '  spaced  '\nstatus: \" pending\"\n---\n",
			want: `style: front matter
id: T001 at "T001"
title: spaced at "spaced"
status: pending -> pending at "pending"
criteria: 0/0
`,
		},
		{
			// yaml.v3 breaks lines at U+2028 and NEL: every field after such
			// a title was looked for lines too far down
			name: "line separators in a title",
			src:  "---\ntitle: \"a\u2028b\u0085c\"\nid: T001\ndependencies: [T002]\n---\n",
			want: `style: front matter
id: T001 at "T001"
title: a` + "\u2028" + `b c at "a\u2028b\u0085c"
list dependencies (dependency, [) at "[T002]": T002@"T002"
criteria: 0/0
`,
		},
		{
			// a lone CR ends a line (classic Mac files): the front matter
			// and the criteria were not seen at all
			name: "lone CR line ends",
			src:  "---\rid: T001\rdependencies: [T002]\r---\r## Acceptance Criteria\r- [ ] one\r",
			want: `style: front matter
id: T001 at "T001"
list dependencies (dependency, [) at "[T002]": T002@"T002"
criteria: 0/1
  1 one
`,
		},
		{
			// a plain scalar folded over two lines: the span held only the
			// first line (found by fuzzing)
			name: "folded plain id",
			src:  "---\nid: T0\n  01\ntitle: a\n  b # c\nstatus: pending\n---\n",
			want: `style: front matter
id: T0 01 at "T0\n  01"
title: a b at "a\n  b"
status: pending -> pending at "pending"
criteria: 0/0
`,
		},
		{
			// a tag adds a bit to the scalar's style, so tagged values were
			// not recognised as quoted, block or folded (found by fuzzing)
			name: "tagged values",
			src:  "---\nid: !!str \"T001\"\ntitle: !t a\n  b\nstatus: !!str |\n  pending\n---\n",
			want: `style: front matter
id: T001 at "T001"
title: a b at "a\n  b"
status: pending -> pending at "pending"
criteria: 0/0
`,
		},
		{
			// an id of blanks is no id: the file name's ID is used (and
			// missing-field says so), instead of a task with an empty ID
			name: "blank id",
			src:  "---\nid: \"  \"\ntitle: x\n---\n",
			want: `style: front matter
id: T001 (from the file name)
title: x at "x"
criteria: 0/0
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := summary("tasks/T001-x.md", tc.src); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
