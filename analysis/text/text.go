// Package text holds a file's content with a line index, and converts between
// byte offsets (what analysis speaks) and line/UTF-16-column positions (what
// the protocol speaks) and yaml.v3's 1-based line/rune-column positions.
package text

import (
	"sort"
	"unicode/utf8"
)

// Span is a half-open byte range [Start, End) in one file.
type Span struct {
	Start, End int
}

// Contains reports whether off lies inside the span, its end included (a
// cursor right after a word is still "on" it).
func (s Span) Contains(off int) bool { return s.Start <= off && off <= s.End }

// Len is the span's length in bytes.
func (s Span) Len() int { return s.End - s.Start }

// Pos is a zero-based line and a zero-based column in UTF-16 code units.
type Pos struct {
	Line, Col int
}

// File is immutable content plus the byte offset of the start of every line.
type File struct {
	Content []byte
	lines   []int
	// ylines are the starts of the lines yaml.v3 counts, when the content
	// holds a break only YAML knows (NEL, U+2028, U+2029); nil otherwise,
	// as the lines are then the same.
	ylines []int
}

// New indexes content. Lines end at "\n", "\r\n" or a lone "\r", the line
// ends of LSP, CommonMark and YAML alike; the break is never part of a column
// count that matters.
func New(content []byte) *File {
	lines := make([]int, 1, 64)
	yamlOnly := false
	for i, b := range content {
		switch b {
		case '\n':
			lines = append(lines, i+1)
		case '\r':
			if i+1 == len(content) || content[i+1] != '\n' {
				lines = append(lines, i+1)
			}
		case 0xC2, 0xE2:
			yamlOnly = yamlOnly || yamlBreakLen(content[i:]) > 0
		}
	}
	f := &File{Content: content, lines: lines}
	if yamlOnly {
		f.ylines = []int{0}
		for i := 0; i < len(content); i++ {
			switch c := content[i]; {
			case c == '\r' && i+1 < len(content) && content[i+1] == '\n':
				i++
				f.ylines = append(f.ylines, i+1)
			case c == '\n' || c == '\r':
				f.ylines = append(f.ylines, i+1)
			default:
				if n := yamlBreakLen(content[i:]); n > 0 {
					i += n - 1
					f.ylines = append(f.ylines, i+1)
				}
			}
		}
	}
	return f
}

// yamlBreakLen is the length of the line break YAML (but not LSP) sees at
// the start of b: NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR; else 0.
func yamlBreakLen(b []byte) int {
	switch {
	case len(b) >= 2 && b[0] == 0xC2 && b[1] == 0x85:
		return 2
	case len(b) >= 3 && b[0] == 0xE2 && b[1] == 0x80 && (b[2] == 0xA8 || b[2] == 0xA9):
		return 3
	}
	return 0
}

// LineCount is the number of lines (a trailing newline opens an empty last line).
func (f *File) LineCount() int { return len(f.lines) }

// LineStart is the byte offset where line (zero-based) starts, clamped.
func (f *File) LineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(f.lines) {
		return len(f.Content)
	}
	return f.lines[line]
}

// LineEnd is the byte offset of the end of line's text, before "\r\n" or "\n".
func (f *File) LineEnd(line int) int {
	if line < 0 {
		line = 0
	}
	if line >= len(f.lines)-1 {
		return len(f.Content)
	}
	end := f.lines[line+1] - 1 // at '\n' or a lone '\r'
	if f.Content[end] == '\n' && end > f.lines[line] && f.Content[end-1] == '\r' {
		end--
	}
	return end
}

// Line returns line's text without its line break.
func (f *File) Line(line int) []byte {
	return f.Content[f.LineStart(line):f.LineEnd(line)]
}

// LineOf is the zero-based line holding byte offset off (clamped).
func (f *File) LineOf(off int) int {
	if off <= 0 {
		return 0
	}
	if off > len(f.Content) {
		off = len(f.Content)
	}
	return sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
}

// Position converts a byte offset to a line and UTF-16 column. An offset in
// the middle of a UTF-8 sequence counts as the start of that rune.
func (f *File) Position(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(f.Content) {
		off = len(f.Content)
	}
	line := f.LineOf(off)
	col := 0
	// Decode the runes as Offset does, from the content itself: a rune that
	// would run past off holds off; an invalid byte is one column.
	for i := f.lines[line]; i < off; {
		r, size := utf8.DecodeRune(f.Content[i:])
		if i+size > off {
			break
		}
		if r == utf8.RuneError && size <= 1 {
			col++
		} else {
			col += utf16Len(r)
		}
		i += size
	}
	return Pos{Line: line, Col: col}
}

// Offset converts a line and UTF-16 column to a byte offset. A column past
// the end of the line is clamped to the line's end; a line past the end of the
// file is clamped to the end of the file; a column inside a surrogate pair
// lands before the rune.
func (f *File) Offset(p Pos) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(f.lines) {
		return len(f.Content)
	}
	start, end := f.lines[p.Line], f.LineEnd(p.Line)
	col := 0
	off := start
	for off < end && col < p.Col {
		r, size := utf8.DecodeRune(f.Content[off:end])
		n := 1
		if !(r == utf8.RuneError && size <= 1) {
			n = utf16Len(r)
		}
		if col+n > p.Col {
			break
		}
		col += n
		off += size
	}
	return off
}

// YAMLOffset converts yaml.v3's 1-based line and 1-based rune column, counted
// from base (the offset where the YAML text starts), to a byte offset in the
// file. Lines are counted as yaml.v3 counts them, which also breaks lines at
// NEL, U+2028 and U+2029. Lines and columns past the end are clamped.
func (f *File) YAMLOffset(base, line, col int) int {
	starts := f.lines
	if f.ylines != nil {
		starts = f.ylines
	}
	if base < 0 {
		base = 0
	}
	if base > len(f.Content) {
		base = len(f.Content)
	}
	first := sort.Search(len(starts), func(i int) bool { return starts[i] > base }) - 1
	l := first + line - 1
	var off int
	switch {
	case l == first:
		off = base
	case l < 0:
		off = 0
	case l >= len(starts):
		return len(f.Content)
	default:
		off = starts[l]
	}
	c := f.Content
	for n := 1; n < col && off < len(c); n++ {
		if c[off] == '\n' || c[off] == '\r' || f.ylines != nil && yamlBreakLen(c[off:]) > 0 {
			break
		}
		_, size := utf8.DecodeRune(c[off:])
		off += size
	}
	return off
}

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
