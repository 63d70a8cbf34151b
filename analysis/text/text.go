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
}

// New indexes content. Lines end at "\n"; a "\r" before it belongs to the line
// break and is never part of a column count that matters.
func New(content []byte) *File {
	lines := make([]int, 1, 64)
	for i, b := range content {
		if b == '\n' {
			lines = append(lines, i+1)
		}
	}
	return &File{Content: content, lines: lines}
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
	end := f.lines[line+1] - 1 // at '\n'
	if end > f.lines[line] && f.Content[end-1] == '\r' {
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
	b := f.Content[f.lines[line]:off]
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if r == utf8.RuneError && size <= 1 {
			if len(b) >= 1 && !utf8.FullRune(b) {
				break
			}
			col++
			b = b[1:]
			continue
		}
		col += utf16Len(r)
		b = b[size:]
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
// from base (the offset where the YAML text starts, which must be the start of
// a line), to a byte offset in the file.
func (f *File) YAMLOffset(base, line, col int) int {
	l := f.LineOf(base) + line - 1
	off := f.LineStart(l)
	if l == f.LineOf(base) {
		off = base
	}
	end := f.LineEnd(l)
	for c := 1; c < col && off < end; c++ {
		_, size := utf8.DecodeRune(f.Content[off:end])
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
