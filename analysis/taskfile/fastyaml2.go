package taskfile

import (
	"bytes"
	"encoding/binary"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/taskls/taskls/analysis/text"
	"gopkg.in/yaml.v3"
)

// fastYAMLDoc reads a whole file as a YAML document without yaml.v3 when it
// is written in the subset that pure YAML task documents use in practice
// (the generators' and FORMAT.md's):
//
//   - a block mapping starting at column 0, with plain keys (letters,
//     digits, `_` and `-`, not starting with a digit or `-`), each followed by
//     `:` and a space or the end of the line;
//   - values that are one-line scalars: plain, double-quoted without
//     escapes, single-quoted (two quotes stand for one);
//   - flow sequences of such scalars on one line (`[a, "b"]`, `[]`);
//   - block sequences (`- x`, also at the mapping's own indentation) whose
//     items are such scalars, flow sequences, block scalars or block
//     mappings (`- text: "..."` / `  done: false`);
//   - nested block mappings on the lines below `key:`;
//   - literal (`|`) and folded (`>`) block scalars with default indentation
//     and clip chomping, whose first line right after the indicator holds
//     text (a folded one with no line more indented than the first);
//   - blank lines between any of these; lines ending in "\n" or "\r\n".
//
// It builds the yaml.Node tree yaml.v3 builds for such a document, with the
// same Kind, Style, Tag, Value, Line, Column and Content for every node (no
// comments, anchors or aliases occur in the subset), and returns its
// top-level mapping and the reader to release once the tree has been read.
// Anything outside the subset makes it return nil, nil, and yaml.v3 reads
// the file: comments, anchors, aliases, tags, directives, document markers,
// flow mappings, explicit keys, quoted or non-ASCII keys, plain scalars
// starting with an indicator (`-5`, `?x`), multi-line plain or quoted
// scalars, escapes, block scalar indicators (`|-`, `|+`, `|2`), block
// scalars that start with a blank line or hold lines of spaces longer than
// their indentation (yaml.v3 keeps those spaces, even at the end), empty
// sequence items, duplicate keys (yaml.v3 keeps both), tabs, control
// characters, a BOM, a lone "\r", breaks only YAML knows (NEL, U+2028,
// U+2029) and invalid UTF-8. Each of these is rare in task files and would
// cost code to get exactly right; refusing costs one yaml.v3 parse.
//
// yaml.v3 makes tokens, events and nodes for every scalar, and a YAML
// document was a quarter of the cold index's parsing time and most of its
// garbage; this reader makes the nodes (from a pooled slab) and the values'
// strings only. useFast turns it off, as it does fastMapping.
// TestFastYAMLDocEqualsYAML, TestFastYAMLDocCases, TestFastYAMLDocRandom
// and FuzzFastYAMLDoc check that yaml.v3 reads what it takes to the same
// tree, and Parse to the same task.
func fastYAMLDoc(f *text.File, start int) (*yaml.Node, *docReader) {
	if !useFast || start != 0 {
		return nil, nil
	}
	d := docPool.Get().(*docReader)
	d.c = f.Bytes()
	m, ok := d.document()
	if !ok {
		d.release()
		return nil, nil
	}
	return m, d
}

// docReader reads one document; its buffers are reused through docPool.
type docReader struct {
	c      []byte
	starts []int // the offset where each line starts
	l      int   // the next line not yet read

	chunks [][]yaml.Node // node slab
	ci, ni int           // next free node: chunks[ci][ni]
	ptrs   []*yaml.Node  // backing store of the nodes' Content
	stack  []*yaml.Node  // children of the containers being read
	buf    []byte        // a block scalar's value being built
}

const nodeChunk = 256

var docPool = sync.Pool{New: func() any { return new(docReader) }}

// release clears the tree (it must not be used after) and returns the
// reader to the pool.
func (d *docReader) release() {
	for i := 0; i < d.ci && i < len(d.chunks); i++ {
		clear(d.chunks[i])
	}
	if d.ci < len(d.chunks) {
		clear(d.chunks[d.ci][:d.ni])
	}
	if len(d.chunks) > 16 { // do not keep a huge file's slab
		d.chunks = d.chunks[:16]
	}
	d.ci, d.ni = 0, 0
	clear(d.ptrs)
	d.ptrs = d.ptrs[:0]
	clear(d.stack)
	d.stack = d.stack[:0]
	d.c, d.l = nil, 0
	d.starts = d.starts[:0]
	d.buf = d.buf[:0]
	if cap(d.ptrs) > 1<<14 {
		d.ptrs = nil
	}
	if cap(d.starts) > 1<<14 {
		d.starts = nil
	}
	if cap(d.buf) > 1<<16 {
		d.buf = nil
	}
	docPool.Put(d)
}

// document reads the whole file: one block mapping at column 0.
func (d *docReader) document() (*yaml.Node, bool) {
	if !d.index() {
		return nil, false
	}
	l, ind := d.peek()
	if l < 0 || ind != 0 {
		return nil, false
	}
	m, ok := d.mapping(l, d.starts[l], 0)
	if !ok {
		return nil, false
	}
	if l, _ := d.peek(); l >= 0 {
		return nil, false
	}
	return m, true
}

// index finds the line starts and refuses the characters YAML refuses or
// treats apart, as fastMapping does.
func (d *docReader) index() bool {
	c := d.c
	d.starts = append(d.starts[:0], 0)
	for i := 0; i < len(c); {
		// eight bytes at a time while none is a line break or anything
		// but printable ASCII
		for i+8 <= len(c) {
			x := binary.LittleEndian.Uint64(c[i:])
			if x&hiBits != 0 || (x-0x20*loBits)&^x&hiBits != 0 || (x+loBits)&hiBits != 0 {
				break // a byte >= 0x80, < 0x20 or 0x7F
			}
			i += 8
		}
		if i >= len(c) {
			break
		}
		b := c[i]
		if b < 0x80 {
			switch {
			case b == '\n':
				d.starts = append(d.starts, i+1)
			case b == '\r':
				if i+1 >= len(c) || c[i+1] != '\n' {
					return false
				}
			case b < 0x20 || b == 0x7F: // tabs too
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(c[i:])
		if r == utf8.RuneError || (r >= 0x80 && r <= 0x9F) || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	return true
}

const loBits, hiBits = 0x0101010101010101, 0x8080808080808080

// end is where line l's text ends, before its line break.
func (d *docReader) end(l int) int {
	if l+1 >= len(d.starts) {
		return len(d.c)
	}
	e := d.starts[l+1] - 1
	if e > d.starts[l] && d.c[e-1] == '\r' {
		e--
	}
	return e
}

// peek finds the next line from d.l that is not blank (spaces only) and
// its indentation, or -1.
func (d *docReader) peek() (int, int) {
	for l := d.l; l < len(d.starts); l++ {
		s, e := d.starts[l], d.end(l)
		n := spaces(d.c, s, e)
		if s+n < e {
			return l, n
		}
	}
	return -1, 0
}

// spaces counts the spaces at c[from:to].
func spaces(c []byte, from, to int) int {
	i := from
	for i < to && c[i] == ' ' {
		i++
	}
	return i - from
}

// isDash reports whether line l holds a block sequence entry (`-` then a
// space or the end of the line) at indentation ind.
func (d *docReader) isDash(l, ind int) bool {
	p, e := d.starts[l]+ind, d.end(l)
	return p < e && d.c[p] == '-' && (p+1 == e || d.c[p+1] == ' ')
}

// node takes a node from the slab and sets what every node has; Line and
// Column count lines and runes from 1, as yaml.v3 does.
func (d *docReader) node(kind yaml.Kind, tag string, l, p int) *yaml.Node {
	if d.ci == len(d.chunks) {
		d.chunks = append(d.chunks, make([]yaml.Node, nodeChunk))
	}
	n := &d.chunks[d.ci][d.ni]
	if d.ni++; d.ni == nodeChunk {
		d.ci, d.ni = d.ci+1, 0
	}
	n.Kind, n.Tag = kind, tag
	n.Line = l + 1
	n.Column = utf8.RuneCount(d.c[d.starts[l]:p]) + 1
	return n
}

// collect moves the children read since base (the stack's length then) to
// a container's Content.
func (d *docReader) collect(base int) []*yaml.Node {
	k := len(d.stack) - base
	if k == 0 {
		return nil // yaml.v3 leaves an empty flow sequence's Content nil
	}
	if cap(d.ptrs)-len(d.ptrs) < k {
		// the tree keeps the old backing store; the pool keeps the new one
		d.ptrs = make([]*yaml.Node, 0, max(k, 1024))
	}
	a := len(d.ptrs)
	d.ptrs = append(d.ptrs, d.stack[base:]...)
	d.stack = d.stack[:base]
	return d.ptrs[a:len(d.ptrs):len(d.ptrs)]
}

// maxKey bounds a key's length: yaml.v3 gives up a simple key whose colon is
// more than 1024 characters from its start.
const maxKey = 1000

// mapping reads a block mapping whose first key is at offset p of line l,
// at indentation ind; its other keys start lines at the same indentation.
func (d *docReader) mapping(l, p, ind int) (*yaml.Node, bool) {
	m := d.node(yaml.MappingNode, "!!map", l, p)
	base := len(d.stack)
	for {
		if !d.entry(l, p, ind) {
			return nil, false
		}
		nl, ni := d.peek()
		if nl < 0 || ni < ind {
			break // the mapping ends: its parent goes on
		}
		if ni > ind {
			return nil, false // a value going on over lines, or a stray indentation
		}
		l, p = nl, d.starts[nl]+ind
	}
	if hasDup(d.stack[base:]) {
		return nil, false
	}
	m.Content = d.collect(base)
	return m, true
}

// hasDup reports whether a mapping's keys (the even nodes of kv) repeat.
// yaml.v3 keeps both; leaving them to it keeps this reader simple.
func hasDup(kv []*yaml.Node) bool {
	n := len(kv) / 2
	if n <= 32 {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				if kv[2*i].Value == kv[2*j].Value {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		if seen[kv[2*i].Value] {
			return true
		}
		seen[kv[2*i].Value] = true
	}
	return false
}

// entry reads `key: value` at offset p of line l, in a mapping at
// indentation ind, and pushes the key and value nodes.
func (d *docReader) entry(l, p, ind int) bool {
	c := d.c
	le := d.end(l)
	k := keyLen(c[p:le])
	if k == 0 || k > maxKey {
		return false
	}
	key := d.node(yaml.ScalarNode, "", l, p)
	key.Value = intern(c[p : p+k])
	key.Tag = plainTag(key.Value)
	d.stack = append(d.stack, key)
	q := p + k + 1 // past the colon
	if q < le && c[q] != ' ' {
		return false
	}
	vs := q + spaces(c, q, le)
	if vs < le {
		v, ok := d.inline(l, vs, ind)
		if !ok {
			return false
		}
		d.stack = append(d.stack, v)
		return true
	}
	// nothing after the colon: a nested block on the lines below, or null
	d.l = l + 1
	var v *yaml.Node
	ok := true
	nl, ni := d.peek()
	switch {
	case nl >= 0 && ni > ind && d.isDash(nl, ni):
		v, ok = d.sequence(nl, ni, ind)
	case nl >= 0 && ni > ind:
		v, ok = d.mapping(nl, d.starts[nl]+ni, ni)
	case nl >= 0 && ni == ind && d.isDash(nl, ni):
		// a sequence at the mapping's own indentation belongs to the key
		v, ok = d.sequence(nl, ni, ind)
	default:
		// yaml.v3 places an empty value right after the colon
		v = d.node(yaml.ScalarNode, "!!null", l, q)
	}
	if !ok {
		return false
	}
	d.stack = append(d.stack, v)
	return true
}

// sequence reads a block sequence whose first `-` is on line l at
// indentation ind, the value of a key in a mapping at indentation parent.
func (d *docReader) sequence(l, ind, parent int) (*yaml.Node, bool) {
	c := d.c
	s := d.starts[l]
	n := d.node(yaml.SequenceNode, "!!seq", l, s+ind)
	base := len(d.stack)
	for {
		le := d.end(l)
		p := s + ind + 1 // past the dash
		if p >= le || c[p] != ' ' {
			return nil, false // an empty item
		}
		p += spaces(c, p, le)
		if p >= le {
			return nil, false
		}
		var it *yaml.Node
		ok := false
		if k := keyLen(c[p:le]); k > 0 && (p+k+1 == le || c[p+k+1] == ' ') {
			// `- key: value`: a mapping whose keys line up with this one
			it, ok = d.mapping(l, p, p-s)
		} else {
			it, ok = d.inline(l, p, ind)
		}
		if !ok {
			return nil, false
		}
		d.stack = append(d.stack, it)
		nl, ni := d.peek()
		if nl < 0 || ni < ind {
			break
		}
		if ni > ind {
			return nil, false
		}
		if !d.isDash(nl, ind) {
			if ind == parent {
				break // the next key of the mapping the sequence is in
			}
			return nil, false
		}
		l, s = nl, d.starts[nl]
	}
	n.Content = d.collect(base)
	return n, true
}

// inline reads a value that starts at offset p of line l (after `key: ` or
// `- `) in a block at indentation parent, and sets d.l past it.
func (d *docReader) inline(l, p, parent int) (*yaml.Node, bool) {
	c := d.c
	le := d.end(l)
	var n *yaml.Node
	var e int
	ok := false
	switch c[p] {
	case '|', '>':
		return d.blockScalar(l, p, parent)
	case '[':
		n, e, ok = d.flowSeq(l, p, le)
	case '"', '\'':
		n, e, ok = d.quoted(l, p, le)
	default:
		n, e, ok = d.plain(l, p, le, false)
	}
	if !ok || spaces(c, e, le) != le-e {
		return nil, false // something after the value: a comment, a quote's tail
	}
	d.l = l + 1
	return n, true
}

// plain reads a plain scalar at offset p of line l, up to le; in a flow
// sequence (flow) it also ends at a comma or a bracket. It returns the node
// and where the value ends (trailing spaces are not part of it).
func (d *docReader) plain(l, p, le int, flow bool) (*yaml.Node, int, bool) {
	c := d.c
	switch c[p] {
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '\'', '"', ' ':
		return nil, 0, false // indicators, and the `-x`, `?x`, `:x` plain scalars nobody writes
	}
	i := p
	for ; i < le; i++ {
		b := c[i]
		if b == ':' && (flow || i+1 == le || c[i+1] == ' ') {
			return nil, 0, false // a key: a nested mapping, or in a flow, a flow mapping
		}
		if b == '#' && c[i-1] == ' ' {
			return nil, 0, false // a comment
		}
		if flow {
			if b == ',' || b == ']' {
				break
			}
			// yaml.v3 also ends a plain scalar in a flow at `?` (`[a?]`
			// is an error) and at the other flow indicators
			if b == '?' || b == '[' || b == '{' || b == '}' || b == '"' || b == '\'' {
				return nil, 0, false
			}
		}
	}
	e := i
	for e > p && c[e-1] == ' ' {
		e--
	}
	n := d.node(yaml.ScalarNode, "", l, p)
	n.Value = intern(c[p:e])
	n.Tag = plainTag(n.Value)
	return n, e, true
}

// quoted reads a quoted scalar at offset p of line l that closes before le,
// and returns where it ends, the closing quote included.
func (d *docReader) quoted(l, p, le int) (*yaml.Node, int, bool) {
	c := d.c
	q := c[p]
	doubled := false // a single-quoted scalar holds `''`
	i := p + 1
	for {
		j := bytes.IndexByte(c[i:le], q)
		if j < 0 {
			return nil, 0, false // it goes on over the next line, or does not close
		}
		i += j
		if q == '\'' && i+1 < le && c[i+1] == '\'' {
			doubled = true
			i += 2
			continue
		}
		break
	}
	if q == '"' && bytes.IndexByte(c[p+1:i], '\\') >= 0 {
		return nil, 0, false // escapes are left to yaml.v3
	}
	n := d.node(yaml.ScalarNode, "!!str", l, p)
	if q == '"' {
		n.Style = yaml.DoubleQuotedStyle
	} else {
		n.Style = yaml.SingleQuotedStyle
	}
	if doubled {
		n.Value = strings.ReplaceAll(string(c[p+1:i]), "''", "'")
	} else {
		n.Value = string(c[p+1 : i])
	}
	return n, i + 1, true
}

// flowSeq reads a flow sequence of scalars at offset p of line l that
// closes before le, and returns where it ends, past the bracket.
func (d *docReader) flowSeq(l, p, le int) (*yaml.Node, int, bool) {
	c := d.c
	n := d.node(yaml.SequenceNode, "!!seq", l, p)
	n.Style = yaml.FlowStyle
	base := len(d.stack)
	i := p + 1
	for {
		i += spaces(c, i, le)
		if i >= le {
			return nil, 0, false
		}
		if c[i] == ']' {
			if len(d.stack) > base {
				return nil, 0, false // a trailing comma
			}
			break
		}
		var it *yaml.Node
		var e int
		ok := false
		if c[i] == '"' || c[i] == '\'' {
			it, e, ok = d.quoted(l, i, le)
		} else {
			it, e, ok = d.plain(l, i, le, true)
		}
		if !ok {
			return nil, 0, false
		}
		d.stack = append(d.stack, it)
		i = e + spaces(c, e, le)
		if i >= le {
			return nil, 0, false
		}
		if c[i] == ']' {
			break
		}
		if c[i] != ',' {
			return nil, 0, false
		}
		i++
	}
	n.Content = d.collect(base)
	return n, i + 1, true
}

// blockScalar reads a literal or folded block scalar whose indicator is at
// offset p of line l, in a block at indentation parent: its lines are
// indented more than parent, as much as its first line (more for a literal
// one), and it ends before the first line that is indented less. Its value
// has one line break at the end (clip chomping) when its last line has one.
func (d *docReader) blockScalar(l, p, parent int) (*yaml.Node, bool) {
	c := d.c
	le := d.end(l)
	if spaces(c, p+1, le) != le-p-1 {
		return nil, false // an indentation or chomping indicator, or a comment
	}
	folded := c[p] == '>'
	n := d.node(yaml.ScalarNode, "!!str", l, p)
	n.Style = yaml.LiteralStyle
	if folded {
		n.Style = yaml.FoldedStyle
	}
	k := l + 1
	if k >= len(d.starts) {
		return nil, false
	}
	s, e := d.starts[k], d.end(k)
	ind := spaces(c, s, e)
	if s+ind == e || ind <= parent {
		return nil, false // it starts with a blank line, or it is empty
	}
	buf := d.buf[:0]
	last := -1 // the last line of text
	empty := 0 // blank lines since it
	for ; k < len(d.starts); k++ {
		s, e := d.starts[k], d.end(k)
		sp := spaces(c, s, e)
		if s+sp == e {
			if sp > ind {
				return nil, false // spaces past the indentation are text
			}
			empty++
			continue
		}
		if sp < ind {
			break
		}
		if folded && sp > ind {
			return nil, false // a more-indented line is not folded
		}
		if last >= 0 {
			switch {
			case !folded:
				for range empty + 1 {
					buf = append(buf, '\n')
				}
			case empty == 0:
				buf = append(buf, ' ')
			default:
				for range empty {
					buf = append(buf, '\n')
				}
			}
		}
		buf = append(buf, c[s+ind:e]...)
		last, empty = k, 0
	}
	if last+1 < len(d.starts) {
		buf = append(buf, '\n') // the last line's break
	}
	n.Value = string(buf)
	d.buf = buf
	d.l = last + 1
	return n, true
}

// intern returns the string of b, shared for the keys and values every
// task document repeats: fewer allocations, and the parsed tasks kept in
// memory share them.
func intern(b []byte) string {
	if len(b) < len(interned) {
		for _, s := range interned[len(b)] {
			if string(b) == s {
				return s
			}
		}
	}
	return string(b)
}

// interned lists the shared strings by length (a map lookup costs more
// than the allocation it saves).
var interned = func() (by [25][]string) {
	for _, s := range []string{
		"id", "task_id", "title", "status", "priority", "agent", "dependencies", "depends_on", "blocked_by", "blocks",
		"tags", "context_refs", "docs_refs", "est_tokens", "estimated_tokens", "created", "updated", "created_at",
		"updated_at", "started_at", "completed_at", "completed_by", "actual_tokens", "quality_score", "enhancement_id",
		"description", "business_context", "acceptance_criteria", "text", "done", "test_scenarios", "name", "given",
		"when", "then", "technical_implementation", "dependency_notes", "design_decisions", "risks", "risk", "impact",
		"mitigation", "progress_log", "completion_checklist", "true", "false", "null",
		"pending", "in_progress", "completed", "blocked", "todo", "High", "Medium", "Low",
	} {
		by[len(s)] = append(by[len(s)], s)
	}
	return by
}()

// plainTag is the tag yaml.v3 gives a plain scalar (its resolve, for the
// tag only): !!null, !!bool, !!int, !!float, !!timestamp, !!merge or !!str.
func plainTag(v string) string {
	if v == "<<" {
		return "!!merge"
	}
	if v == "" {
		return "!!null"
	}
	var hint byte
	switch b := v[0]; {
	case b == '+' || b == '-':
		hint = 'S'
	case b >= '0' && b <= '9':
		hint = 'D'
	case strings.IndexByte("yYnNtTfFoO~", b) >= 0:
		hint = 'M'
	case b == '.':
		hint = '.'
	default:
		return "!!str"
	}
	switch v {
	case "true", "True", "TRUE", "false", "False", "FALSE":
		return "!!bool"
	case "~", "null", "Null", "NULL":
		return "!!null"
	case ".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF":
		return "!!float"
	}
	switch hint {
	case '.':
		if _, err := strconv.ParseFloat(v, 64); err == nil {
			return "!!float"
		}
	case 'D', 'S':
		if isTimestamp(v) {
			return "!!timestamp"
		}
		plain := strings.ReplaceAll(v, "_", "")
		if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return "!!int"
		}
		if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return "!!int"
		}
		if yamlFloat.MatchString(plain) {
			if _, err := strconv.ParseFloat(plain, 64); err == nil {
				return "!!float"
			}
		}
		switch {
		case strings.HasPrefix(plain, "0b"):
			if _, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
				return "!!int"
			}
			if _, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
				return "!!int"
			}
		case strings.HasPrefix(plain, "-0b"):
			if _, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
				return "!!int"
			}
		}
		switch {
		case strings.HasPrefix(plain, "0o"):
			if _, err := strconv.ParseInt(plain[2:], 8, 64); err == nil {
				return "!!int"
			}
			if _, err := strconv.ParseUint(plain[2:], 8, 64); err == nil {
				return "!!int"
			}
		case strings.HasPrefix(plain, "-0o"):
			if _, err := strconv.ParseInt("-"+plain[3:], 8, 64); err == nil {
				return "!!int"
			}
		}
	}
	return "!!str"
}

// yamlFloat is yaml.v3's yamlStyleFloat.
var yamlFloat = regexp.MustCompile(`^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`)

// isTimestamp is yaml.v3's parseTimestamp, for the answer only.
func isTimestamp(s string) bool {
	i := 0
	for ; i < len(s); i++ {
		if c := s[i]; c < '0' || c > '9' {
			break
		}
	}
	if i != 4 || i == len(s) || s[i] != '-' {
		return false
	}
	for _, format := range []string{
		"2006-1-2T15:4:5.999999999Z07:00",
		"2006-1-2t15:4:5.999999999Z07:00",
		"2006-1-2 15:4:5.999999999",
		"2006-1-2",
	} {
		if _, err := time.Parse(format, s); err == nil {
			return true
		}
	}
	return false
}
