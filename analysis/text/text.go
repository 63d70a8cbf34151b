// Package text holds a file's content with a line index, and converts between
// byte offsets (what analysis speaks) and line/UTF-16-column positions (what
// the protocol speaks) and yaml.v3's 1-based line/rune-column positions.
package text

import (
	"bytes"
	"encoding/binary"
	"sort"
	"sync"
	"unicode/utf8"
	"weak"

	"github.com/golang/snappy"
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

// File is immutable content plus the byte offset of the start of every
// line. A File made by New keeps its content as it is; one made by Compact
// keeps it compressed and expands it when asked (see Compact), so that a
// workspace of thousands of files holds a fraction of their bytes.
type File struct {
	res *data // the content, or nil for a compact file

	mu     sync.Mutex
	w      weak.Pointer[data] // the content last expanded by a compact file
	packed []byte             // a compact file's content, compressed
	size   int
}

// data is content with its line index.
type data struct {
	content []byte
	lines   []int
	// ylines are the starts of the lines yaml.v3 counts, when the content
	// holds a break only YAML knows (NEL, U+2028, U+2029); nil otherwise,
	// as the lines are then the same.
	ylines []int
	// wide marks the lines holding a non-ASCII byte: on the others a
	// column is a byte count, found without walking the line (a line of
	// hundreds of kilobytes would make each position cost that much).
	wide []uint64
}

func (f *data) ascii(line int) bool {
	return line/64 >= len(f.wide) || f.wide[line/64]&(1<<(line%64)) == 0
}

// New indexes content.
func New(content []byte) *File { return &File{res: newData(content), size: len(content)} }

// Compact returns a File with the content of f that keeps it compressed
// (snappy: about half the bytes of Markdown, and microseconds to expand a
// task file). The expanded content and its line index are kept only while
// in use: the garbage collector drops them after. The content is never read
// again from anywhere else, so it always is what was parsed, whatever
// happens to the file on disk meanwhile.
func (f *File) Compact() *File {
	c := f.Bytes()
	buf := scratch.Get().(*[]byte)
	if n := snappy.MaxEncodedLen(len(c)); cap(*buf) < n {
		*buf = make([]byte, n)
	}
	// Encode fills a buffer of the worst case's size: keep only the bytes
	packed := bytes.Clone(snappy.Encode((*buf)[:cap(*buf)], c))
	scratch.Put(buf)
	return &File{packed: packed, size: len(c)}
}

var scratch = sync.Pool{New: func() any { return new([]byte) }}

// IsCompact reports whether the file keeps its content compressed.
func (f *File) IsCompact() bool { return f.res == nil && f.packed != nil }

func (f *File) d() *data {
	if f.res != nil {
		return f.res
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if x := f.w.Value(); x != nil {
		return x
	}
	var c []byte
	if f.packed != nil {
		var err error
		if c, err = snappy.Decode(nil, f.packed); err != nil {
			panic("text: compact content does not expand: " + err.Error()) // written by Compact: cannot happen
		}
	}
	x := newData(c)
	if f.packed == nil {
		f.res = x // the zero File: empty
		return x
	}
	f.w = weak.Make(x)
	return x
}

// Bytes is the content. It must not be modified.
func (f *File) Bytes() []byte { return f.d().content }

// Len is the content's length in bytes (known without expanding a compact
// file).
func (f *File) Len() int {
	if f.res == nil {
		return f.size
	}
	return len(f.res.content)
}

// LineCount is the number of lines (a trailing newline opens an empty last line).
func (f *File) LineCount() int { return f.d().lineCount() }

// LineStart is the byte offset where line (zero-based) starts, clamped.
func (f *File) LineStart(line int) int { return f.d().lineStart(line) }

// LineEnd is the byte offset of the end of line's text, before "\r\n" or "\n".
func (f *File) LineEnd(line int) int { return f.d().lineEnd(line) }

// Line returns line's text without its line break.
func (f *File) Line(line int) []byte { return f.d().line(line) }

// LineOf is the zero-based line holding byte offset off (clamped).
func (f *File) LineOf(off int) int { return f.d().lineOf(off) }

// Position converts a byte offset to a line and UTF-16 column. An offset in
// the middle of a UTF-8 sequence counts as the start of that rune.
func (f *File) Position(off int) Pos { return f.d().position(off) }

// Offset converts a line and UTF-16 column to a byte offset. A column past
// the end of the line is clamped to the line's end; a line past the end of the
// file is clamped to the end of the file; a column inside a surrogate pair
// lands before the rune.
func (f *File) Offset(p Pos) int { return f.d().offset(p) }

// YAMLOffset converts yaml.v3's 1-based line and 1-based rune column, counted
// from base (the offset where the YAML text starts), to a byte offset in the
// file. Lines are counted as yaml.v3 counts them, which also breaks lines at
// NEL, U+2028 and U+2029. Lines and columns past the end are clamped.
func (f *File) YAMLOffset(base, line, col int) int { return f.d().yamlOffset(base, line, col) }

// newData indexes content. Lines end at "\n", "\r\n" or a lone "\r", the line
// ends of LSP, CommonMark and YAML alike; the break is never part of a column
// count that matters.
func newData(content []byte) *data {
	lines := make([]int, 1, bytes.Count(content, nl)+1)
	yamlOnly := false
	var wide []uint64 // bit l: line l holds a byte >= 0x80
	markWide := func(l int, line []byte) {
		for len(wide) <= l/64 {
			wide = append(wide, 0)
		}
		wide[l/64] |= 1 << (l % 64)
		for i, b := range line {
			if (b == 0xC2 || b == 0xE2) && !yamlOnly {
				yamlOnly = yamlBreakLen(line[i:]) > 0
			}
		}
	}
	if bytes.IndexByte(content, '\r') < 0 {
		// lines end at "\n" only: find them with IndexByte, and test each
		// line for non-ASCII bytes a word at a time
		for start := 0; ; {
			end := len(content)
			if i := bytes.IndexByte(content[start:], '\n'); i >= 0 {
				end = start + i
			}
			if !isASCII(content[start:end]) {
				markWide(len(lines)-1, content[start:end])
			}
			if end == len(content) {
				break
			}
			start = end + 1
			lines = append(lines, start)
		}
	} else {
		for i, b := range content {
			switch b {
			case '\n':
				lines = append(lines, i+1)
			case '\r':
				if i+1 == len(content) || content[i+1] != '\n' {
					lines = append(lines, i+1)
				}
			default:
				if b >= 0x80 {
					l := len(lines) - 1
					for len(wide) <= l/64 {
						wide = append(wide, 0)
					}
					wide[l/64] |= 1 << (l % 64)
					if b == 0xC2 || b == 0xE2 {
						yamlOnly = yamlOnly || yamlBreakLen(content[i:]) > 0
					}
				}
			}
		}
	}
	f := &data{content: content, lines: lines, wide: wide}
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

var nl = []byte{'\n'}

// isASCII reports whether b holds no byte >= 0x80, eight bytes at a time.
func isASCII(b []byte) bool {
	for len(b) >= 8 {
		if binary.LittleEndian.Uint64(b)&0x8080808080808080 != 0 {
			return false
		}
		b = b[8:]
	}
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
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
func (f *data) lineCount() int { return len(f.lines) }

// LineStart is the byte offset where line (zero-based) starts, clamped.
func (f *data) lineStart(line int) int {
	if line < 0 {
		return 0
	}
	if line >= len(f.lines) {
		return len(f.content)
	}
	return f.lines[line]
}

// LineEnd is the byte offset of the end of line's text, before "\r\n" or "\n".
func (f *data) lineEnd(line int) int {
	if line < 0 {
		line = 0
	}
	if line >= len(f.lines)-1 {
		return len(f.content)
	}
	end := f.lines[line+1] - 1 // at '\n' or a lone '\r'
	if f.content[end] == '\n' && end > f.lines[line] && f.content[end-1] == '\r' {
		end--
	}
	return end
}

// Line returns line's text without its line break.
func (f *data) line(line int) []byte {
	return f.content[f.lineStart(line):f.lineEnd(line)]
}

// LineOf is the zero-based line holding byte offset off (clamped).
func (f *data) lineOf(off int) int {
	if off <= 0 {
		return 0
	}
	if off > len(f.content) {
		off = len(f.content)
	}
	return sort.Search(len(f.lines), func(i int) bool { return f.lines[i] > off }) - 1
}

// Position converts a byte offset to a line and UTF-16 column. An offset in
// the middle of a UTF-8 sequence counts as the start of that rune.
func (f *data) position(off int) Pos {
	if off < 0 {
		off = 0
	}
	if off > len(f.content) {
		off = len(f.content)
	}
	line := f.lineOf(off)
	if f.ascii(line) {
		return Pos{Line: line, Col: off - f.lines[line]}
	}
	col := 0
	// Decode the runes as Offset does, from the content itself: a rune that
	// would run past off holds off; an invalid byte is one column.
	for i := f.lines[line]; i < off; {
		r, size := utf8.DecodeRune(f.content[i:])
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
func (f *data) offset(p Pos) int {
	if p.Line < 0 {
		return 0
	}
	if p.Line >= len(f.lines) {
		return len(f.content)
	}
	start, end := f.lines[p.Line], f.lineEnd(p.Line)
	if f.ascii(p.Line) {
		if p.Col < 0 {
			return start
		}
		return min(start+p.Col, end)
	}
	col := 0
	off := start
	for off < end && col < p.Col {
		r, size := utf8.DecodeRune(f.content[off:end])
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
func (f *data) yamlOffset(base, line, col int) int {
	starts := f.lines
	if f.ylines != nil {
		starts = f.ylines
	}
	if base < 0 {
		base = 0
	}
	if base > len(f.content) {
		base = len(f.content)
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
		return len(f.content)
	default:
		off = starts[l]
	}
	c := f.content
	if l := f.lineOf(off); f.ylines == nil && f.ascii(l) {
		if col < 1 {
			return off
		}
		return min(off+col-1, max(off, f.lineEnd(l)))
	}
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
