package taskfile

import (
	"unicode/utf8"

	"github.com/taskls/taskls/analysis/text"
)

// useFast lets tests compare the fast path with yaml.v3 on the same input.
var useFast = true

// fastMapping reads the metadata in span without yaml.v3 when it is in the
// plain form nearly all task files use: top-level `key: value` lines whose
// values are plain or simply quoted scalars on one line, flow lists of such
// scalars (`[a, b]`) and block lists of them (`- a`), with blank lines
// between fields. It records exactly the fields readMapping would and
// reports true; anything else (comments, nesting, multi-line scalars,
// anchors, tags, escapes, duplicate keys, tabs, control characters, line
// breaks only YAML knows) makes it touch nothing and report false, and
// yaml.v3 reads the span. yaml.v3 builds a node tree and makes kilobytes of
// garbage per file; this is the cold index's largest cost.
func (t *draft) fastMapping(f *text.File, span text.Span) bool {
	if !useFast {
		return false
	}
	c := f.Bytes()
	if span.Start < 0 || span.End > len(c) || span.Start > span.End {
		return false
	}
	// characters YAML refuses or treats apart: decided once for the span
	for i := span.Start; i < span.End; {
		b := c[i]
		if b < 0x80 {
			if b == '\t' || b == 0x7F || (b < 0x20 && b != '\n' && b != '\r') || (b == '\r' && (i+1 >= span.End || c[i+1] != '\n')) {
				return false
			}
			i++
			continue
		}
		r, size := utf8.DecodeRune(c[i:span.End])
		if r == utf8.RuneError || (r >= 0x80 && r <= 0x9F) || r == 0x2028 || r == 0x2029 || r == 0xFEFF || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += size
	}
	first, last := f.LineOf(span.Start), f.LineOf(span.End)
	if f.LineStart(last) == span.End {
		last-- // the span ends at a line start: that line is not in it
	}
	if f.LineStart(first) != span.Start {
		return false
	}
	fields := make([]Field, 0, min(last-first+1, 16))
	var seen map[string]bool // past a few keys: the keys so far
	for l := first; l <= last; {
		ls, le := f.LineStart(l), f.LineEnd(l)
		line := c[ls:le]
		if isBlank(line) {
			l++
			continue
		}
		k := keyLen(line)
		if k == 0 || hasKey(fields, seen, line[:k]) {
			return false
		}
		key := string(line[:k])
		if seen == nil && len(fields) >= 16 {
			seen = make(map[string]bool, 2*len(fields))
			for i := range fields {
				seen[fields[i].Key] = true
			}
		}
		if seen != nil {
			seen[key] = true
		}
		fd := Field{Key: key, KeySpan: text.Span{Start: ls, End: ls + k}}
		rest := k + 1 // past the colon
		if rest < len(line) && line[rest] != ' ' {
			return false
		}
		vs := rest
		for vs < len(line) && line[vs] == ' ' {
			vs++
		}
		l++
		if vs == len(line) {
			// `key:` alone: a block list on the lines below, or null
			var items []Field
			indent := -1
			end := 0
			for l <= last {
				is, ie := f.LineStart(l), f.LineEnd(l)
				il := c[is:ie]
				n := 0
				for n < len(il) && il[n] == ' ' {
					n++
				}
				if n+1 >= len(il) || il[n] != '-' || il[n+1] != ' ' {
					break
				}
				if indent < 0 {
					indent = n
				} else if n != indent {
					return false
				}
				p := n + 2
				for p < len(il) && il[p] == ' ' {
					p++
				}
				it, outerEnd, ok := scalarAt(il, p, len(il), false)
				if !ok || !isBlank(il[outerEnd:]) {
					return false
				}
				it.ValueSpan.Start += is
				it.ValueSpan.End += is
				items = append(items, it)
				end = is + outerEnd
				l++
			}
			if len(items) == 0 {
				if l <= last && !isBlank(c[f.LineStart(l):f.LineEnd(l)]) && c[f.LineStart(l)] == ' ' {
					return false // an indented line: a nested mapping or a folded scalar
				}
				fd.Null = true
				fd.ValueSpan = text.Span{Start: ls + k + 1, End: ls + k + 1}
			} else {
				fd.Seq = true
				fd.Items = items
				fd.ValueSpan = text.Span{Start: f.LineStart(l-len(items)) + indent, End: end}
			}
			fields = append(fields, fd)
			continue
		}
		if line[vs] == '[' {
			items, closeAt, ok := flowList(line, vs)
			if !ok || !isBlank(line[closeAt+1:]) {
				return false
			}
			for i := range items {
				items[i].ValueSpan.Start += ls
				items[i].ValueSpan.End += ls
			}
			fd.Seq = true
			fd.Items = items
			fd.ValueSpan = text.Span{Start: ls + vs, End: ls + closeAt + 1}
		} else {
			it, outerEnd, ok := scalarAt(line, vs, len(line), false)
			if !ok || !isBlank(line[outerEnd:]) {
				return false
			}
			fd.Value, fd.Quoted, fd.Null = it.Value, it.Quoted, it.Null
			fd.ValueSpan = text.Span{Start: ls + it.ValueSpan.Start, End: ls + it.ValueSpan.End}
			if fd.Null {
				fd.Value = ""
			}
		}
		// a value goes on over the next line (a folded plain scalar): not ours
		if l <= last {
			next := c[f.LineStart(l):f.LineEnd(l)]
			if len(next) > 0 && next[0] == ' ' && !isBlank(next) {
				return false
			}
		}
		fields = append(fields, fd)
	}
	switch {
	case len(fields) == 0:
	case len(t.Fields) == 0:
		t.Fields = fields
	default:
		t.Fields = append(t.Fields, fields...)
	}
	return true
}

// hasKey reports whether key is one of the fields' keys: a look at each of
// the first few, then at seen, which holds them all.
func hasKey(fields []Field, seen map[string]bool, key []byte) bool {
	if seen != nil {
		return seen[string(key)]
	}
	for i := range fields {
		if fields[i].Key == string(key) {
			return true
		}
	}
	return false
}

func isBlank(b []byte) bool {
	for _, x := range b {
		if x != ' ' {
			return false
		}
	}
	return true
}

// keyLen is the length of a plain key at the start of line followed by a
// colon, or 0. A key longer than 1024 characters is no implicit key to YAML
// (yaml.v3 then finds the colon out of place): 0, for yaml.v3 to say so.
func keyLen(line []byte) int {
	i := 0
	for i < len(line) {
		b := line[i]
		if b == '_' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || i > 0 && (b >= '0' && b <= '9' || b == '-') {
			i++
			continue
		}
		break
	}
	if i == 0 || i > 1024 || i >= len(line) || line[i] != ':' {
		return 0
	}
	return i
}

// scalarAt reads one scalar starting at line[p:], up to end: a plain
// scalar (in a flow list, also ending at a comma or a bracket) or a quoted
// one without escapes. It returns the item (its span relative to line)
// and where the scalar ends, quotes included.
func scalarAt(line []byte, p, end int, flow bool) (Field, int, bool) {
	if p >= end {
		return Field{}, 0, false
	}
	switch q := line[p]; q {
	case '"', '\'':
		i := p + 1
		for i < end && line[i] != q {
			if line[i] == '\\' && q == '"' {
				return Field{}, 0, false
			}
			i++
		}
		if i >= end || q == '\'' && i+1 < end && line[i+1] == '\'' {
			return Field{}, 0, false
		}
		return Field{Value: string(line[p+1 : i]), ValueSpan: text.Span{Start: p + 1, End: i}, Quoted: true}, i + 1, true
	case '-', '?', ':', ',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', '%', '@', '`', '~', ' ':
		return Field{}, 0, false
	}
	i := p
	for i < end {
		b := line[i]
		if b == ':' && (i+1 >= end || line[i+1] == ' ' || flow) {
			return Field{}, 0, false
		}
		if b == '#' && line[i-1] == ' ' {
			return Field{}, 0, false
		}
		if flow && (b == ',' || b == ']') {
			break
		}
		if flow && (b == '?' || b == '[' || b == '{' || b == '}' || b == '"' || b == '\'') {
			return Field{}, 0, false
		}
		i++
	}
	e := i
	for e > p && line[e-1] == ' ' {
		e--
	}
	v := string(line[p:e])
	it := Field{Value: v, ValueSpan: text.Span{Start: p, End: e}}
	switch v {
	case "null", "Null", "NULL":
		it.Null = true
	}
	return it, e, true
}

// flowList reads `[a, "b", c]` at line[p] (all on the line): its items and
// the offset of the closing bracket.
func flowList(line []byte, p int) ([]Field, int, bool) {
	i := p + 1
	var items []Field
	for {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			return nil, 0, false
		}
		if line[i] == ']' {
			if len(items) > 0 {
				return nil, 0, false // a trailing comma: leave it to yaml.v3
			}
			return items, i, true
		}
		it, e, ok := scalarAt(line, i, len(line), true)
		if !ok {
			return nil, 0, false
		}
		items = append(items, it)
		i = e
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i >= len(line) {
			return nil, 0, false
		}
		switch line[i] {
		case ',':
			i++
			continue
		case ']':
			return items, i, true
		}
		return nil, 0, false
	}
}
