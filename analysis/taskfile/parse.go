package taskfile

import (
	"bytes"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unique"

	"github.com/taskls/taskls/analysis/text"
	"gopkg.in/yaml.v3"
)

// MaxYAML is the largest metadata block given to the YAML parser; larger
// blocks are reported instead of parsed (yaml.v3 is slow and memory-hungry on
// huge documents).
const MaxYAML = 1 << 20

// Parse reads one task file. name is its path (only the base name and the
// extension are used). Parse never fails: what cannot be read becomes a Problem.
func Parse(name string, f *text.File) *Task {
	t := parse(name, f, false)
	t.compact()
	return t.task()
}

// ParseLight is Parse(name, f).Light() without making the whole task's
// slices first: what the index keeps of a file read from disk.
func ParseLight(name string, f *text.File) *Task {
	return parse(name, f, true).task().Light()
}

func parse(name string, f *text.File, light bool) *draft {
	t := &draft{}
	sc := &scan{light: light}
	t.NameID = NameID(filepath.Base(name))
	ext := strings.ToLower(filepath.Ext(name))
	isYAML := ext == ".yaml" || ext == ".yml"
	c := f.Bytes()
	start := 0
	if bytes.HasPrefix(c, []byte("\xef\xbb\xbf")) {
		start = 3
	}
	body := start
	if isDelim(f, 0, start, "---") {
		closeLine := -1
		for l := 1; l < f.LineCount(); l++ {
			if isDelim(f, l, f.LineStart(l), "---") || isDelim(f, l, f.LineStart(l), "...") {
				closeLine = l
				break
			}
		}
		switch {
		case closeLine > 0:
			t.Style = StyleFrontMatter
			t.MetaSpan = text.Span{Start: f.LineStart(1), End: f.LineStart(closeLine)}
			body = f.LineStart(closeLine + 1)
			if closeLine+1 >= f.LineCount() {
				body = len(c)
			}
			t.parseYAML(f, t.MetaSpan, "front matter")
		case isYAML && t.tryPureYAML(f, start):
			body = len(c)
		default:
			// An unclosed front matter: read up to the first Markdown heading.
			end := len(c)
			for l := 1; l < f.LineCount(); l++ {
				if bytes.HasPrefix(f.Line(l), []byte("#")) {
					end = f.LineStart(l)
					break
				}
			}
			t.Style = StyleFrontMatter
			t.MetaSpan = text.Span{Start: f.LineStart(1), End: end}
			body = end
			t.Problems = append(t.Problems, Problem{
				Span:    text.Span{Start: start, End: f.LineEnd(0)},
				Message: "front matter is not closed: add a line `---` after the metadata",
				Kind:    "yaml-syntax",
			})
			t.parseYAML(f, t.MetaSpan, "front matter")
		}
	} else if blk, ok := findMetadataBlock(f, start); ok {
		t.Style = StyleMetadataBlock
		t.MetaSpan = blk
		t.parseYAML(f, blk, "metadata block")
	} else if isYAML && t.tryPureYAML(f, start) {
		body = len(c)
	}
	t.BodyStart, t.size = body, len(c)
	t.scanBody(sc, f, body)
	t.finish(f, sc.headMentions)
	if t.Style == StylePureYAML {
		t.scanMentions(f, 0, nil, sc.headMentions)
	}
	return t
}

// compact trims the slices grown while parsing to their length: thousands
// of parsed tasks stay in memory for as long as the workspace is open.
func (t *draft) compact() {
	t.Fields = slices.Clone(t.Fields)
	t.Sections = slices.Clone(t.Sections)
	t.Criteria = slices.Clone(t.Criteria)
	t.Scenarios = slices.Clone(t.Scenarios)
	t.Risks = slices.Clone(t.Risks)
	for i := range t.Fields {
		if t.Fields[i].Items != nil {
			t.Fields[i].Items = slices.Clone(t.Fields[i].Items)
		}
	}
}

var nameIDRe = regexp.MustCompile(`^([A-Z]{1,4}-?[0-9]+)(?:[-_ .]|$)`)

// NameID returns the task-ID prefix of a file name ("T055" for
// "T055-add-lr-warmup.md"), or "".
func NameID(base string) string {
	m := nameIDRe.FindStringSubmatch(base)
	if m == nil {
		return ""
	}
	return m[1]
}

func isDelim(f *text.File, line, from int, delim string) bool {
	if line >= f.LineCount() {
		return false
	}
	s := f.Bytes()[from:f.LineEnd(line)]
	return string(bytes.TrimRight(s, " \t")) == delim
}

// tryPureYAML parses the whole file as YAML; it succeeds when the document is
// a mapping that has an id or a title.
func (t *draft) tryPureYAML(f *text.File, start int) bool {
	if len(f.Bytes())-start > MaxYAML {
		return false
	}
	// nearly every YAML task document is in the subset fastYAMLDoc reads
	// (fastyaml2.go) without yaml.v3; yaml.v3 reads the others
	m, fast := fastYAMLDoc(f, start)
	if fast != nil {
		defer fast.release()
	} else {
		var doc yaml.Node
		if err := yaml.Unmarshal(f.Bytes()[start:], &doc); err != nil {
			return false
		}
		if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
			return false
		}
		m = doc.Content[0]
	}
	found := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		switch normKey(m.Content[i].Value) {
		case "id", "task_id", "title":
			found = true
		}
	}
	if !found {
		return false
	}
	t.Style = StylePureYAML
	t.MetaSpan = text.Span{Start: start, End: len(f.Bytes())}
	t.readMapping(f, start, m)
	t.readYAMLSections(f, start, m)
	return true
}

var yamlErrRe = regexp.MustCompile(`^yaml: line ([0-9]+): (.*)$`)

// parseYAML parses a metadata block at span (which starts at a line start).
func (t *draft) parseYAML(f *text.File, span text.Span, what string) {
	src := f.Bytes()[span.Start:span.End]
	if len(src) > MaxYAML {
		t.Problems = append(t.Problems, Problem{
			Span:    lineSpan(f, f.LineOf(span.Start)),
			Message: "the " + what + " is larger than 1 MiB and was not read",
			Kind:    "yaml-syntax",
		})
		t.salvage(f, span)
		return
	}
	if t.fastMapping(f, span) {
		return
	}
	var doc yaml.Node
	err := yaml.Unmarshal(src, &doc)
	if err != nil {
		msg := err.Error()
		line := 1
		if m := yamlErrRe.FindStringSubmatch(msg); m != nil {
			line, _ = strconv.Atoi(m[1])
			msg = m[2]
		} else {
			msg = strings.TrimPrefix(msg, "yaml: ")
		}
		l := f.LineOf(f.YAMLOffset(span.Start, line, 1))
		if end := f.LineOf(span.End); l > end {
			l = end
		}
		l = tabLine(f, l, f.LineOf(span.End), msg)
		t.Problems = append(t.Problems, Problem{
			Span:    lineSpan(f, l),
			Message: "invalid YAML in " + what + ": " + msg,
			Kind:    "yaml-syntax",
		})
		t.salvage(f, span)
		return
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return // empty metadata
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		t.Problems = append(t.Problems, Problem{
			Span:    lineSpan(f, f.LineOf(span.Start)),
			Message: "the " + what + " is not a YAML mapping of fields",
			Kind:    "yaml-syntax",
		})
		return
	}
	t.readMapping(f, span.Start, root)
}

func lineSpan(f *text.File, l int) text.Span {
	s, e := f.LineStart(l), f.LineEnd(l)
	line := f.Bytes()[s:e]
	trimmed := bytes.TrimLeft(line, " \t")
	s += len(line) - len(trimmed)
	for e > s && (f.Bytes()[e-1] == ' ' || f.Bytes()[e-1] == '\t') {
		e--
	}
	return text.Span{Start: s, End: e}
}

// readMapping records the top-level fields of a YAML mapping.
func (t *draft) readMapping(f *text.File, base int, m *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			continue
		}
		ks := scalarSpan(f, base, k)
		fd := Field{Key: k.Value, KeySpan: ks.inner}
		switch v.Kind {
		case yaml.ScalarNode:
			vs := scalarSpan(f, base, v)
			fd.Value, fd.ValueSpan, fd.Quoted = v.Value, vs.inner, vs.quoted
			fd.Null = v.Tag == "!!null"
			if fd.Null {
				fd.Value = ""
			}
		case yaml.SequenceNode:
			fd.Seq = true
			fd.ValueSpan = seqSpan(f, base, v)
			for _, it := range v.Content {
				if it.Kind != yaml.ScalarNode {
					continue
				}
				is := scalarSpan(f, base, it)
				fd.Items = append(fd.Items, Field{Value: it.Value, ValueSpan: is.inner, Quoted: is.quoted, Null: it.Tag == "!!null"})
			}
		case yaml.AliasNode, yaml.MappingNode:
			p := f.YAMLOffset(base, v.Line, v.Column)
			fd.ValueSpan = text.Span{Start: p, End: p}
		default:
			fd.Null = true
			fd.ValueSpan = text.Span{Start: ks.outer.End + 1, End: ks.outer.End + 1}
		}
		if v.Kind == 0 || (v.Kind == yaml.ScalarNode && v.Tag == "!!null" && v.Value == "") {
			// `key:` with nothing after: the value position is right after the colon.
			p := ks.outer.End
			for p < len(f.Bytes()) && f.Bytes()[p] != ':' && f.Bytes()[p] != '\n' {
				p++
			}
			if p < len(f.Bytes()) && f.Bytes()[p] == ':' {
				p++
			}
			fd.ValueSpan = text.Span{Start: p, End: p}
		}
		t.Fields = append(t.Fields, fd)
	}
}

type scalarPos struct {
	outer, inner text.Span
	quoted       bool
}

// scalarSpan finds a scalar node's text in the file.
func scalarSpan(f *text.File, base int, n *yaml.Node) scalarPos {
	c := f.Bytes()
	start := skipProps(c, f.YAMLOffset(base, n.Line, n.Column), n)
	if start >= len(c) {
		return scalarPos{outer: text.Span{Start: len(c), End: len(c)}, inner: text.Span{Start: len(c), End: len(c)}}
	}
	// a tag (`!!str "T001"`) adds its own bit to the scalar's style
	style := n.Style &^ yaml.TaggedStyle
	switch style {
	case yaml.DoubleQuotedStyle, yaml.SingleQuotedStyle:
		q := c[start]
		if q != '"' && q != '\'' {
			break
		}
		i := start + 1
		for i < len(c) {
			if q == '"' && c[i] == '\\' {
				i += 2
				continue
			}
			if c[i] == q {
				if q == '\'' && i+1 < len(c) && c[i+1] == '\'' {
					i += 2
					continue
				}
				break
			}
			i++
		}
		if i > len(c) {
			i = len(c)
		}
		end := i + 1
		if end > len(c) {
			end = len(c)
		}
		return scalarPos{outer: text.Span{Start: start, End: end}, inner: text.Span{Start: start + 1, End: i}, quoted: true}
	case yaml.LiteralStyle, yaml.FoldedStyle:
		return blockScalarSpan(f, start)
	}
	if end := start + len(n.Value); end <= len(c) && string(c[start:end]) == n.Value {
		return scalarPos{outer: text.Span{Start: start, End: end}, inner: text.Span{Start: start, End: end}}
	}
	// A plain scalar folded over lines: its words go on over the next lines.
	if words := strings.Fields(n.Value); len(words) > 1 && style == 0 {
		var got []string
		e := start
		for l, from := f.LineOf(start), start; l < f.LineCount() && len(got) < len(words); l, from = l+1, f.LineStart(l+1) {
			seg := c[from:f.LineEnd(l)]
			if i := bytes.Index(seg, []byte(" #")); i >= 0 {
				seg = seg[:i]
			}
			seg = bytes.TrimRight(seg, " \t")
			got = append(got, strings.Fields(string(seg))...)
			if len(seg) > 0 {
				e = from + len(seg)
			}
		}
		if strings.Join(got, " ") == strings.Join(words, " ") {
			return scalarPos{outer: text.Span{Start: start, End: e}, inner: text.Span{Start: start, End: e}}
		}
	}
	// A plain scalar written differently from its value (`~` for null): take
	// the rest of the line up to a comment or a flow separator.
	e := start
	le := f.LineEnd(f.LineOf(start))
	for e < le && c[e] != ',' && c[e] != ']' && c[e] != '}' && !(c[e] == '#' && e > start && c[e-1] == ' ') {
		e++
	}
	for e > start && (c[e-1] == ' ' || c[e-1] == '\t') {
		e--
	}
	return scalarPos{outer: text.Span{Start: start, End: e}, inner: text.Span{Start: start, End: e}}
}

// skipProps steps over the anchor (`&a`) and tag (`!!str`) written before a
// node: yaml.v3 places the node there, its text comes after them.
func skipProps(c []byte, start int, n *yaml.Node) int {
	// not only when the node says it has a tag or an anchor: yaml.v3 marks
	// no style for the non-specific tag `!`, yet the node starts at it; no
	// scalar, sequence or mapping itself starts with & or !
	p := start
	for p < len(c) && (c[p] == '&' || c[p] == '!') {
		// as yaml.v3 reads them: an anchor's name is letters, digits, _
		// and -; a tag takes URI characters, `,`, `[` and `]` included,
		// in flow collections too (`!x, T1` is a tag `!x,`), or is a
		// verbatim `!<...>`
		anchor := c[p] == '&'
		p++
		if !anchor && p < len(c) && c[p] == '<' {
			for p < len(c) && c[p] != '>' && c[p] != '\n' {
				p++
			}
			p++
		}
		for p < len(c) && (isAnchorChar(c[p]) || !anchor && strings.IndexByte(";/?:@&=+$,.!~*'()[]%", c[p]) >= 0) {
			p++
		}
		q := p
		for q < len(c) && (c[q] == ' ' || c[q] == '\t') {
			q++
		}
		// the node itself may start on a later line (an empty scalar does
		// not), past comment lines too: a # after a blank starts a comment
	next:
		for (n.Value != "" || n.Kind != yaml.ScalarNode) && q < len(c) {
			switch {
			case c[q] == ' ' || c[q] == '\t' || c[q] == '\r' || c[q] == '\n':
				q++
			case c[q] == '#' && q > p && (c[q-1] == ' ' || c[q-1] == '\t' || c[q-1] == '\r' || c[q-1] == '\n'):
				for q < len(c) && c[q] != '\n' && c[q] != '\r' {
					q++
				}
			default:
				break next
			}
		}
		p = q
	}
	if p > len(c) {
		return len(c)
	}
	return p
}

// isAnchorChar reports whether b may be in an anchor's name (and a tag's).
func isAnchorChar(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b == '_' || b == '-'
}

// blockScalarSpan is the extent of a literal (`|`) or folded (`>`) scalar
// whose indicator is at start: outer from the indicator, inner from the first
// character of its content to the end of its last non-blank line (more
// indented than the indicator's line), or empty right after the indicator's
// line when it has no content.
func blockScalarSpan(f *text.File, start int) scalarPos {
	hl := f.LineOf(start)
	he := f.LineEnd(hl)
	indent := func(line []byte) int {
		n := 0
		for n < len(line) && line[n] == ' ' {
			n++
		}
		return n
	}
	parent := indent(f.Line(hl))
	if onlyProps(f.Bytes()[f.LineStart(hl)+parent : start]) {
		// the indicator alone at the start of its line, or after its tag or
		// anchor (`id:` above it, then `  !!str >`): the content is indented
		// past the key's column, not past the indicator's
		for l := hl - 1; l >= 0; l-- {
			line := f.Line(l)
			// past blank and comment lines, and lines of nothing but the
			// indicator's own tag or anchor (`id:`, then `  !`, then `  >`)
			if t := bytes.TrimSpace(line); len(t) == 0 || t[0] == '#' || onlyProps(t) {
				continue
			}
			k := indent(line)
			for k+1 < len(line) && line[k] == '-' && line[k+1] == ' ' {
				k = indent(line[k+2:]) + k + 2 // a sequence item's key
			}
			parent = min(parent, k)
			break
		}
	}
	in := text.Span{Start: he, End: he}
	found := false
	for l := hl + 1; l < f.LineCount(); l++ {
		line := f.Line(l)
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		ind := indent(line)
		if ind <= parent {
			break
		}
		if !found {
			in.Start = f.LineStart(l) + ind
			found = true
		}
		e := f.LineEnd(l)
		for e > in.Start && (f.Bytes()[e-1] == ' ' || f.Bytes()[e-1] == '\t') {
			e--
		}
		in.End = e
	}
	return scalarPos{outer: text.Span{Start: start, End: in.End}, inner: in}
}

// onlyProps reports whether b holds nothing but node properties (`!tag`,
// `&anchor`) and the blanks between them.
func onlyProps(b []byte) bool {
	for i := 0; i < len(b); {
		switch b[i] {
		case ' ', '\t':
			i++
		case '!', '&':
			for i < len(b) && b[i] != ' ' && b[i] != '\t' {
				i++
			}
		default:
			return false
		}
	}
	return true
}

// seqSpan is a sequence's extent: `[` to past `]` for flow style, the first
// `-` to the end of the last item for block style.
func seqSpan(f *text.File, base int, n *yaml.Node) text.Span {
	c := f.Bytes()
	start := skipProps(c, f.YAMLOffset(base, n.Line, n.Column), n)
	if n.Style&yaml.FlowStyle != 0 && start < len(c) && c[start] == '[' {
		depth := 0
		var q byte
		for i := start; i < len(c); i++ {
			switch {
			case q != 0:
				if c[i] == '\\' && q == '"' {
					i++
				} else if c[i] == q {
					q = 0
				}
			case c[i] == '"' || c[i] == '\'':
				q = c[i]
			case c[i] == '[':
				depth++
			case c[i] == ']':
				depth--
				if depth == 0 {
					return text.Span{Start: start, End: i + 1}
				}
			}
		}
		return text.Span{Start: start, End: len(c)}
	}
	end := start
	for _, it := range n.Content {
		var e int
		if it.Kind == yaml.ScalarNode {
			e = scalarSpan(f, base, it).outer.End
		} else {
			e = f.LineEnd(f.LineOf(f.YAMLOffset(base, it.Line, it.Column)))
		}
		if e > end {
			end = e
		}
	}
	// the node position of a block sequence is normally its first dash;
	// otherwise step back to it
	s := start
	if s < len(c) && c[s] != '-' {
		for s > 0 && c[s-1] != '\n' && c[s-1] != '-' {
			s--
		}
		if s > 0 && c[s-1] == '-' {
			s--
		}
	}
	return text.Span{Start: s, End: end}
}

var salvageRe = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_ -]*):[ \t]*(.*?)[ \t]*$`)

// salvage reads `key: value` lines of metadata that did not parse, so that
// the task keeps its ID, title and dependencies while the user fixes it.
func (t *draft) salvage(f *text.File, span text.Span) {
	for l := f.LineOf(span.Start); l < f.LineCount() && f.LineStart(l) < span.End; l++ {
		ls := f.LineStart(l)
		line := f.Line(l)
		m := salvageRe.FindSubmatchIndex(line)
		if m == nil {
			continue
		}
		key := string(line[m[2]:m[3]])
		vs, ve := ls+m[4], ls+m[5]
		fd := Field{Key: key, KeySpan: text.Span{Start: ls + m[2], End: ls + m[3]}}
		val := f.Bytes()[vs:ve]
		if len(val) >= 2 && val[0] == '[' && val[len(val)-1] == ']' {
			fd.Seq = true
			fd.ValueSpan = text.Span{Start: vs, End: ve}
			fd.Items = splitItems(f, vs+1, ve-1)
		} else {
			if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
				vs, ve = vs+1, ve-1
				fd.Quoted = true
			}
			fd.Value = string(f.Bytes()[vs:ve])
			fd.ValueSpan = text.Span{Start: vs, End: ve}
			fd.Null = fd.Value == "" || fd.Value == "~" || fd.Value == "null"
		}
		t.Fields = append(t.Fields, fd)
	}
}

// splitItems splits a comma-separated list between from and to into items,
// quotes removed.
func splitItems(f *text.File, from, to int) []Field {
	var out []Field
	c := f.Bytes()
	i := from
	for i < to {
		j := i
		for j < to && c[j] != ',' {
			j++
		}
		s, e := i, j
		for s < e && (c[s] == ' ' || c[s] == '\t') {
			s++
		}
		for e > s && (c[e-1] == ' ' || c[e-1] == '\t') {
			e--
		}
		q := false
		if e-s >= 2 && (c[s] == '"' || c[s] == '\'') && c[e-1] == c[s] {
			s, e, q = s+1, e-1, true
		}
		if e > s {
			out = append(out, Field{Value: string(c[s:e]), ValueSpan: text.Span{Start: s, End: e}, Quoted: q})
		}
		i = j + 1
	}
	return out
}

// keySep turns the separators of a key into underscores; built once (a
// replacer per call was a large share of the index's allocations).
var keySep = strings.NewReplacer(" ", "_", "-", "_")

func normKey(k string) string {
	return keySep.Replace(strings.ToLower(strings.TrimSpace(k)))
}

// findMetadataBlock finds a `## Metadata` heading followed by a fenced block
// and returns the span of the fence's content.
func findMetadataBlock(f *text.File, start int) (text.Span, bool) {
	fence := fenceState{}
	for l := f.LineOf(start); l < f.LineCount(); l++ {
		line := f.Line(l)
		if fence.step(line) {
			continue
		}
		lvl, title := heading(line)
		if lvl < 2 || lvl > 3 || !strings.EqualFold(strings.TrimRight(title.Value(), ":"), "metadata") {
			continue
		}
		for k := l + 1; k < f.LineCount() && k <= l+3; k++ {
			s := bytes.TrimSpace(f.Line(k))
			if len(s) == 0 {
				continue
			}
			if !bytes.HasPrefix(s, []byte("```")) && !bytes.HasPrefix(s, []byte("~~~")) {
				break
			}
			lang := strings.ToLower(string(bytes.TrimLeft(s, "`~")))
			if lang != "" && lang != "yaml" && lang != "yml" {
				break
			}
			mark := s[:3]
			for e := k + 1; e < f.LineCount(); e++ {
				if bytes.HasPrefix(bytes.TrimSpace(f.Line(e)), mark) {
					return text.Span{Start: f.LineStart(k + 1), End: f.LineStart(e)}, true
				}
			}
			return text.Span{Start: f.LineStart(k + 1), End: len(f.Bytes())}, true
		}
	}
	return text.Span{}, false
}

// heading returns the level and text of an ATX heading line, or 0 (and
// the zero handle).
func heading(line []byte) (int, unique.Handle[string]) {
	n := 0
	for n < len(line) && n < 7 && line[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(line) && line[n] != ' ' && line[n] != '\t') {
		return 0, unique.Handle[string]{}
	}
	// the same few titles head thousands of files: one copy of each
	return n, unique.Make(string(bytes.TrimSpace(bytes.TrimRight(bytes.TrimSpace(line[n:]), "#"))))
}

// fenceState tracks Markdown code fences line by line.
type fenceState struct {
	ch  byte
	len int
}

// step consumes one line and reports whether it is inside a fence or is a
// fence line itself.
func (s *fenceState) step(line []byte) bool {
	trim := bytes.TrimLeft(line, " ")
	if len(line)-len(trim) > 3 {
		return s.ch != 0
	}
	n := 0
	for n < len(trim) && (trim[n] == '`' || trim[n] == '~') && trim[n] == trim[0] {
		n++
	}
	if s.ch == 0 {
		if n >= 3 {
			s.ch, s.len = trim[0], n
			return true
		}
		return false
	}
	if n >= s.len && trim[0] == s.ch && len(bytes.TrimSpace(trim[n:])) == 0 {
		s.ch = 0
	}
	return true
}

// tabLine moves a tab error to the line holding the tab: yaml.v3 names the
// line before it.
func tabLine(f *text.File, l, last int, msg string) int {
	if !strings.Contains(msg, "tab character") {
		return l
	}
	for k := l; k <= last && k < f.LineCount(); k++ {
		if bytes.IndexByte(f.Line(k), '\t') >= 0 {
			return k
		}
	}
	return l
}

// TabLine is tabLine for other YAML files (taskls.yaml).
func TabLine(f *text.File, l int, msg string) int { return tabLine(f, l, f.LineCount()-1, msg) }
