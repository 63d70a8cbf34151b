// Package text holds a file's content with a line index, and converts between
// byte offsets (what analysis speaks) and line/UTF-16-column positions (what
// the protocol speaks) and yaml.v3's 1-based line/rune-column positions.
package text

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/maphash"
	"math"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"weak"
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
// line. A File made by New keeps its content; one made by Detach keeps none
// of it and reads it again when asked (see Detach), so that a workspace of
// thousands of files holds none of their bytes.
//
// A detached file is one record of 80 bytes: where its content comes from,
// its length and hash, and the positions it answers without reading.
type File struct {
	res *data // the content, or nil for a detached file

	w     weak.Pointer[data] // the content a detached file last read, guarded by its lock (see lock)
	src   Source             // a detached file's origin, or nil
	ext   *extra             // a detached file's line index and further kept positions, or nil
	sum   uint64             // maphash of a detached file's content
	hints [2]hint            // positions known without reading (see Detach): the first nhint
	size  uint32             // a detached file's length
	flags atomic.Uint32      // nhint (the two low bits), stale
}

const (
	nhintMask  = 3
	staleFlag  = 4
	fileLocksN = 64
)

// fileLocks guard the detached files' reads, picked by the content's hash:
// a mutex in each File would make it 88 bytes, 96 with the allocator's
// rounding.
var fileLocks [fileLocksN]sync.Mutex

func (f *File) lock() *sync.Mutex { return &fileLocks[f.sum%fileLocksN] }

func (f *File) nhint() int { return int(f.flags.Load() & nhintMask) }

// Source gives a detached file's content again (see DetachFrom). It is
// called with one of the locks that guard detached files held: it must not
// ask a detached File for its content.
type Source interface {
	ReadContent() ([]byte, error)
}

// readFunc is a function as a Source.
type readFunc func() ([]byte, error)

func (r readFunc) ReadContent() ([]byte, error) { return r() }

// extra is what few detached files keep besides the record: the line index
// of one detached by DetachIndexed, the positions past the first two kept.
type extra struct {
	idx   *index
	hints []hint
}

// index is what a file detached by DetachIndexed keeps to answer lines and
// positions without its content: where each line starts, which lines hold
// a non-ASCII byte (a column there is counted from the content) and which
// end in "\r\n". The starts are kept as the length of each line, a byte
// (255: see long), and the start of every 64th line: a little over a byte
// a line, against the line's bytes.
type index struct {
	n     int      // number of lines
	marks []uint32 // the start of line 64k
	lens  []uint8  // the length of line l (its break included), but for the last line; 255: in long
	long  []uint32 // line, length: the lines of 255 bytes or more, by line
	wide  []uint64
	crlf  []uint64
}

const markEvery = 64

func newIndex(lines []uint32) *index {
	x := &index{n: len(lines), marks: make([]uint32, 0, (len(lines)+markEvery-1)/markEvery), lens: make([]uint8, len(lines)-1)}
	for l, start := range lines {
		if l%markEvery == 0 {
			x.marks = append(x.marks, uint32(start))
		}
		if l+1 < len(lines) {
			n := int(lines[l+1] - start)
			if n >= 255 {
				x.lens[l] = 255
				x.long = append(x.long, uint32(l), uint32(n))
			} else {
				x.lens[l] = uint8(n)
			}
		}
	}
	x.long = slices.Clip(x.long)
	return x
}

// length is the length of line l (l+1 < n), its break included.
func (x *index) length(l int) int {
	if n := x.lens[l]; n < 255 {
		return int(n)
	}
	i := sort.Search(len(x.long)/2, func(i int) bool { return int(x.long[2*i]) >= l })
	return int(x.long[2*i+1])
}

// start is where line l (0 <= l < n) starts.
func (x *index) start(l int) int {
	s := int(x.marks[l/markEvery])
	for k := l &^ (markEvery - 1); k < l; k++ {
		s += x.length(k)
	}
	return s
}

func bit(set []uint64, i int) bool { return i/64 < len(set) && set[i/64]&(1<<(i%64)) != 0 }

func (x *index) lineStart(line, size int) int {
	if line < 0 {
		return 0
	}
	if line >= x.n {
		return size
	}
	return x.start(line)
}

func (x *index) lineEnd(line, size int) int {
	line = max(line, 0)
	if line >= x.n-1 {
		return size
	}
	end := x.start(line) + x.length(line) - 1
	if bit(x.crlf, line) {
		end--
	}
	return end
}

func (x *index) lineOf(off, size int) int {
	if off <= 0 {
		return 0
	}
	off = min(off, size)
	k := sort.Search(len(x.marks), func(i int) bool { return int(x.marks[i]) > off }) - 1
	l, s := k*markEvery, int(x.marks[k])
	for l+1 < x.n {
		next := s + x.length(l)
		if next > off {
			break
		}
		l, s = l+1, next
	}
	return l
}

// hint is the position of one offset of a detached file.
type hint struct{ off, line, col int32 }

// data is content with its line index.
type data struct {
	content []byte
	// lines are where each line starts: 32 bits (workspace reads files up
	// to 256 MiB, and no LSP client sends a buffer of 4 GiB; 8 bytes a line
	// made the index of a 36 MiB manifest.json, read back during a check
	// run, about 13 MB)
	lines []uint32
	// ylines are the starts of the lines yaml.v3 counts, when the content
	// holds a break only YAML knows (NEL, U+2028, U+2029); nil otherwise,
	// as the lines are then the same.
	ylines []uint32
	// wide marks the lines holding a non-ASCII byte: on the others a
	// column is a byte count, found without walking the line (a line of
	// hundreds of kilobytes would make each position cost that much).
	wide []uint64
}

func (f *data) ascii(line int) bool {
	return line/64 >= len(f.wide) || f.wide[line/64]&(1<<(line%64)) == 0
}

// New indexes content.
func New(content []byte) *File { return &File{res: newData(content)} }

var seed = maphash.MakeSeed()

// Detach returns a File with the content of f that keeps only its length
// and a hash of it: read gives the content again when it is asked for (a
// task file from disk: microseconds to read again, and nothing held between
// uses). The content read is kept only while in use: the garbage collector
// drops it after.
//
// When read fails or gives other bytes than f's (the file changed or went
// away on disk, and the snapshot holding f has not seen it yet), the file is
// stale from then on: its content is what read gave, cut or padded with
// spaces to f's length (nothing but spaces when read failed), so that the
// spans of what was parsed from f stay inside it; positions and text there
// may be wrong, and fixes must not be computed from it (see Stale).
//
// The positions of the offsets in keep are computed now and answered
// without reading the file again: where the task's ID is, which workspace
// symbols and definitions point at in thousands of files.
func (f *File) Detach(read func() ([]byte, error), keep ...int) *File {
	var src Source
	if read != nil {
		src = readFunc(read)
	}
	return f.DetachFrom(src, keep...)
}

// DetachFrom is Detach reading the content again from src: a value the
// caller has anyway (the workspace's document, which knows its path) costs
// nothing more, where a function made for each file costs its closure.
func (f *File) DetachFrom(src Source, keep ...int) *File {
	c := f.Bytes()
	if len(c) == 0 {
		return &File{} // nothing to keep
	}
	if len(c) > math.MaxUint32 {
		return f // too large for the record: it stays resident
	}
	g := &File{src: src, sum: maphash.Bytes(seed, c), size: uint32(len(c))}
	var more []hint
	for _, off := range keep {
		if p := f.Position(off); off >= 0 && off <= len(c) && off <= math.MaxInt32 && p.Line <= math.MaxInt32 && p.Col <= math.MaxInt32 {
			h := hint{int32(off), int32(p.Line), int32(p.Col)}
			if n := g.nhint(); n < len(g.hints) {
				g.hints[n] = h
				g.flags.Store(uint32(n + 1))
			} else {
				more = append(more, h)
			}
		}
	}
	if more != nil {
		slices.SortStableFunc(more, func(a, b hint) int { return int(a.off) - int(b.off) })
		g.ext = &extra{hints: slices.Clip(more)}
	}
	return g
}

// DetachIndexed is Detach keeping also the file's line index (a little
// over a byte a line): line numbers, and positions on lines of ASCII text,
// are answered without reading the file again. For one large file whose
// positions are asked often and whose text seldom (manifest.json: tens of
// megabytes at 50,000 tasks, pointed into by references and diagnostics).
func (f *File) DetachIndexed(read func() ([]byte, error)) *File {
	var src Source
	if read != nil {
		src = readFunc(read)
	}
	return f.DetachIndexedFrom(src)
}

// DetachIndexedFrom is DetachIndexed reading the content again from src.
// The positions of the offsets in keep that lie on lines holding a
// non-ASCII byte (which the index does not answer) are computed now and
// answered without reading the file again, as Detach keeps them: where
// the references of the file are, say.
func (f *File) DetachIndexedFrom(src Source, keep ...int) *File {
	d := f.d()
	if len(d.content) == 0 || len(d.content) > math.MaxUint32 {
		return f.DetachFrom(src, keep...)
	}
	var wideKeep []int
	for _, off := range keep {
		if off >= 0 && off <= len(d.content) && !d.ascii(d.lineOf(off)) {
			wideKeep = append(wideKeep, off)
		}
	}
	x := newIndex(d.lines)
	x.wide = slices.Clone(d.wide)
	for l := 0; l+1 < len(d.lines); l++ {
		if end := int(d.lines[l+1]) - 1; d.content[end] == '\n' && end > int(d.lines[l]) && d.content[end-1] == '\r' {
			for len(x.crlf) <= l/64 {
				x.crlf = append(x.crlf, 0)
			}
			x.crlf[l/64] |= 1 << (l % 64)
		}
	}
	x.crlf = slices.Clip(x.crlf)
	g := f.DetachFrom(src, wideKeep...)
	if g.res == nil && g.size > 0 {
		if g.ext == nil {
			g.ext = &extra{}
		}
		g.ext.idx = x
	}
	return g
}

// idx is the line index of a file detached by DetachIndexed, else nil.
func (f *File) idx() *index {
	if f.res == nil && f.ext != nil {
		return f.ext.idx
	}
	return nil
}

// Hold returns a value that keeps a detached file's content (read now, if
// it is not in use already) in memory for as long as the caller keeps the
// value: for work that asks for the content many times, so that it is not
// read again after each garbage collection.
func (f *File) Hold() any { return f.d() }

// IsDetached reports whether the file reads its content again when asked.
func (f *File) IsDetached() bool { return f.res == nil && f.size > 0 }

// Stale reports whether a detached file's content, read again, was not what
// it had been: what it answers since is approximate.
func (f *File) Stale() bool { return f.flags.Load()&staleFlag != 0 }

// Same reports whether content is f's content, without reading a detached
// file again (its length and hash are compared).
func (f *File) Same(content []byte) bool {
	if f.IsDetached() {
		return int(f.size) == len(content) && maphash.Bytes(seed, content) == f.sum
	}
	return bytes.Equal(f.d().content, content)
}

func (f *File) d() *data {
	if f.res != nil {
		return f.res
	}
	mu := f.lock()
	mu.Lock()
	defer mu.Unlock()
	if x := f.w.Value(); x != nil {
		return x
	}
	if f.size == 0 {
		x := newData(nil) // the zero File: empty
		f.res = x
		return x
	}
	var c []byte
	err := errNoSource
	if f.src != nil {
		c, err = f.src.ReadContent()
	}
	size := int(f.size)
	if err != nil || len(c) != size || maphash.Bytes(seed, c) != f.sum {
		f.flags.Or(staleFlag)
		if err != nil {
			c = nil
		}
		if len(c) > size {
			c = c[:size]
		}
		for len(c) < size {
			c = append(c, ' ')
		}
	}
	x := newData(c)
	f.w = weak.Make(x)
	return x
}

var errNoSource = errors.New("text: a detached file without a source")

// Bytes is the content. It must not be modified.
func (f *File) Bytes() []byte { return f.d().content }

// Len is the content's length in bytes (known without reading a detached
// file again).
func (f *File) Len() int {
	if f.res == nil {
		return int(f.size)
	}
	return len(f.res.content)
}

// LineCount is the number of lines (a trailing newline opens an empty last line).
func (f *File) LineCount() int {
	if x := f.idx(); x != nil {
		return x.n
	}
	return f.d().lineCount()
}

// LineStart is the byte offset where line (zero-based) starts, clamped.
func (f *File) LineStart(line int) int {
	if x := f.idx(); x != nil {
		return x.lineStart(line, int(f.size))
	}
	return f.d().lineStart(line)
}

// LineEnd is the byte offset of the end of line's text, before "\r\n" or "\n".
func (f *File) LineEnd(line int) int {
	if x := f.idx(); x != nil {
		return x.lineEnd(line, int(f.size))
	}
	return f.d().lineEnd(line)
}

// Line returns line's text without its line break.
func (f *File) Line(line int) []byte { return f.d().line(line) }

// LineOf is the zero-based line holding byte offset off (clamped).
func (f *File) LineOf(off int) int {
	if x := f.idx(); x != nil {
		return x.lineOf(off, int(f.size))
	}
	return f.d().lineOf(off)
}

// Position converts a byte offset to a line and UTF-16 column. An offset in
// the middle of a UTF-8 sequence counts as the start of that rune.
func (f *File) Position(off int) Pos {
	if f.res == nil {
		for _, h := range f.hints[:f.nhint()] {
			if int(h.off) == off {
				return Pos{Line: int(h.line), Col: int(h.col)}
			}
		}
		if e := f.ext; e != nil {
			if i, ok := slices.BinarySearchFunc(e.hints, off, func(h hint, off int) int { return int(h.off) - off }); ok {
				h := e.hints[i]
				return Pos{Line: int(h.line), Col: int(h.col)}
			}
			if x := e.idx; x != nil {
				size := int(f.size)
				off = min(max(off, 0), size)
				if line := x.lineOf(off, size); !bit(x.wide, line) {
					return Pos{Line: line, Col: off - x.start(line)}
				}
			}
		}
	}
	return f.d().position(off)
}

// Offset converts a line and UTF-16 column to a byte offset. A column past
// the end of the line is clamped to the line's end; a line past the end of the
// file is clamped to the end of the file; a column inside a surrogate pair
// lands before the rune.
func (f *File) Offset(p Pos) int {
	if x := f.idx(); x != nil {
		switch {
		case p.Line < 0:
			return 0
		case p.Line >= x.n:
			return int(f.size)
		case !bit(x.wide, p.Line):
			start := x.start(p.Line)
			if p.Col < 0 {
				return start
			}
			return min(start+p.Col, x.lineEnd(p.Line, int(f.size)))
		}
	}
	return f.d().offset(p)
}

// YAMLOffset converts yaml.v3's 1-based line and 1-based rune column, counted
// from base (the offset where the YAML text starts), to a byte offset in the
// file. Lines are counted as yaml.v3 counts them, which also breaks lines at
// NEL, U+2028 and U+2029. A byte order mark at base is not counted, as
// yaml.v3 does not count it. Lines and columns past the end are clamped.
func (f *File) YAMLOffset(base, line, col int) int { return f.d().yamlOffset(base, line, col) }

// newData indexes content. Lines end at "\n", "\r\n" or a lone "\r", the line
// ends of LSP, CommonMark and YAML alike; the break is never part of a column
// count that matters.
func newData(content []byte) *data {
	lines := make([]uint32, 1, bytes.Count(content, nl)+1)
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
			lines = append(lines, uint32(start))
		}
	} else {
		for i, b := range content {
			switch b {
			case '\n':
				lines = append(lines, uint32(i+1))
			case '\r':
				if i+1 == len(content) || content[i+1] != '\n' {
					lines = append(lines, uint32(i+1))
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
		f.ylines = []uint32{0}
		for i := 0; i < len(content); i++ {
			switch c := content[i]; {
			case c == '\r' && i+1 < len(content) && content[i+1] == '\n':
				i++
				f.ylines = append(f.ylines, uint32(i+1))
			case c == '\n' || c == '\r':
				f.ylines = append(f.ylines, uint32(i+1))
			default:
				if n := yamlBreakLen(content[i:]); n > 0 {
					i += n - 1
					f.ylines = append(f.ylines, uint32(i+1))
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
	return int(f.lines[line])
}

// LineEnd is the byte offset of the end of line's text, before "\r\n" or "\n".
func (f *data) lineEnd(line int) int {
	if line < 0 {
		line = 0
	}
	if line >= len(f.lines)-1 {
		return len(f.content)
	}
	end := int(f.lines[line+1]) - 1 // at '\n' or a lone '\r'
	if f.content[end] == '\n' && end > int(f.lines[line]) && f.content[end-1] == '\r' {
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
	return sort.Search(len(f.lines), func(i int) bool { return int(f.lines[i]) > off }) - 1
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
		return Pos{Line: line, Col: off - int(f.lines[line])}
	}
	col := 0
	// Decode the runes as Offset does, from the content itself: a rune that
	// would run past off holds off; an invalid byte is one column.
	for i := int(f.lines[line]); i < off; {
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
	start, end := int(f.lines[p.Line]), f.lineEnd(p.Line)
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
	first := sort.Search(len(starts), func(i int) bool { return int(starts[i]) > base }) - 1
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
		off = int(starts[l])
	}
	c := f.content
	if l == first && bytes.HasPrefix(c[base:], bom) {
		off += len(bom) // yaml.v3 skips a byte order mark that starts its input, uncounted
	}
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

var bom = []byte("\xef\xbb\xbf")

func utf16Len(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}
