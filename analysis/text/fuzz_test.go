package text

import (
	"bytes"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// boundaries lists the offsets where a rune starts, the way utf8.DecodeRune
// splits content (an invalid byte is a rune of its own), and len(content).
func boundaries(c []byte) []int {
	var out []int
	for i := 0; i < len(c); {
		out = append(out, i)
		_, n := utf8.DecodeRune(c[i:])
		i += n
	}
	return append(out, len(c))
}

// insideCRLF reports whether off sits between the '\r' and the '\n' of a
// "\r\n" line break: a position that no column can name.
func insideCRLF(c []byte, off int) bool {
	return off > 0 && off < len(c) && c[off-1] == '\r' && c[off] == '\n'
}

// lineStarts is the oracle for line breaks: "\n", "\r\n" and a lone "\r"
// end a line, as in LSP.
func lineStarts(c []byte) []int {
	out := []int{0}
	for i := 0; i < len(c); i++ {
		if c[i] == '\r' && i+1 < len(c) && c[i+1] == '\n' {
			i++
		}
		if c[i] == '\n' || c[i] == '\r' {
			out = append(out, i+1)
		}
	}
	return out
}

// want16 is the oracle for Position: the line is the number of line starts
// up to off, the column the UTF-16 length of the line's text before off,
// decoded by the standard library (an invalid byte becomes U+FFFD, one
// unit).
func want16(starts []int, c []byte, off int) Pos {
	line := 0
	for line+1 < len(starts) && starts[line+1] <= off {
		line++
	}
	start := starts[line]
	if start > off { // between the '\r' and the '\n' of a CRLF: not a start
		start = off
	}
	return Pos{Line: line, Col: len(utf16.Encode([]rune(string(c[start:off]))))}
}

// FuzzPositions checks the conversions between byte offsets, LSP positions
// (UTF-16 columns) and yaml.v3 positions on any content, valid UTF-8 or not:
// every rune boundary round-trips, Position agrees with an independent
// UTF-16 count, an offset inside a rune maps to the rune's start, and Offset
// and YAMLOffset stay in range for every line and column, including ones
// past the end and negative ones.
func FuzzPositions(f *testing.F) {
	f.Fuzz(func(t *testing.T, content []byte, line, col int) {
		if len(content) > 1<<16 {
			return // the per-offset oracle is quadratic on one long line
		}
		fl := New(content)
		bs := boundaries(content)
		isB := make(map[int]bool, len(bs))
		for _, b := range bs {
			isB[b] = true
		}
		starts := lineStarts(content)
		if fl.LineCount() != len(starts) {
			t.Fatalf("LineCount %d, want %d", fl.LineCount(), len(starts))
		}
		var prev Pos
		for i, o := range bs {
			p := fl.Position(o)
			if w := want16(starts, content, o); p != w {
				t.Fatalf("Position(%d) = %+v, want %+v", o, p, w)
			}
			if i > 0 && (p.Line < prev.Line || p.Line == prev.Line && p.Col <= prev.Col) {
				t.Fatalf("Position(%d) = %+v does not come after %+v", o, p, prev)
			}
			prev = p
			back := fl.Offset(p)
			switch {
			case insideCRLF(content, o):
				if back != o-1 {
					t.Fatalf("Offset(Position(%d) inside CRLF = %+v) = %d, want the line's end %d", o, p, back, o-1)
				}
			case back != o:
				t.Fatalf("Offset(Position(%d) = %+v) = %d", o, p, back)
			}
			if lo := fl.LineOf(o); lo != p.Line {
				t.Fatalf("LineOf(%d) = %d, Position says line %d", o, lo, p.Line)
			}
		}
		// an offset inside a rune counts as the start of that rune
		for i := 0; i+1 < len(bs); i++ {
			for o := bs[i] + 1; o < bs[i+1]; o++ {
				if got, want := fl.Position(o), fl.Position(bs[i]); got != want {
					t.Fatalf("Position(%d) inside the rune at %d = %+v, want %+v", o, bs[i], got, want)
				}
			}
		}
		// out-of-range offsets are clamped
		if fl.Position(-1) != fl.Position(0) || fl.Position(len(content)+7) != fl.Position(len(content)) {
			t.Fatalf("Position does not clamp")
		}
		// lines: text without its break, and the breaks rebuild the content
		var rebuilt []byte
		for l := 0; l < fl.LineCount(); l++ {
			s, e := fl.LineStart(l), fl.LineEnd(l)
			if s < 0 || e < s || e > len(content) || bytes.ContainsAny(fl.Line(l), "\r\n") {
				t.Fatalf("line %d: [%d, %d) of %d", l, s, e, len(content))
			}
			if l+1 < fl.LineCount() {
				rebuilt = append(rebuilt, content[s:fl.LineStart(l+1)]...)
			} else {
				rebuilt = append(rebuilt, content[s:]...)
			}
		}
		if !bytes.Equal(rebuilt, content) {
			t.Fatalf("lines do not rebuild the content")
		}
		// Offset never leaves the file or its line, and lands on a boundary,
		// whatever line and column it is given
		for _, p := range []Pos{{line, col}, {line, -col}, {-line, col}, {line, 1 << 40}, {fl.LineCount(), 0}, {fl.LineCount() - 1, 1 << 30}, {line % (fl.LineCount() + 1), col}} {
			o := fl.Offset(p)
			if o < 0 || o > len(content) || !isB[o] {
				t.Fatalf("Offset(%+v) = %d (len %d, boundary %v)", p, o, len(content), isB[o])
			}
			if p.Line >= 0 && p.Line < fl.LineCount() && (o < fl.LineStart(p.Line) || o > fl.LineEnd(p.Line)) {
				t.Fatalf("Offset(%+v) = %d outside its line [%d, %d]", p, o, fl.LineStart(p.Line), fl.LineEnd(p.Line))
			}
			if p.Line >= 0 && p.Line < fl.LineCount() && p.Col >= 0 {
				// columns only move forward
				if o2 := fl.Offset(Pos{p.Line, p.Col + 1}); o2 < o {
					t.Fatalf("Offset(%+v) = %d but Offset of the next column = %d", p, o, o2)
				}
			}
		}
		// YAMLOffset from any line start, for any line and column
		k := 0
		if fl.LineCount() > 0 {
			k = ((line % fl.LineCount()) + fl.LineCount()) % fl.LineCount()
		}
		base := fl.LineStart(k)
		for _, lc := range [][2]int{{line, col}, {1, col}, {-line, -col}, {1 << 30, 1}, {1, 1 << 30}, {0, 0}} {
			o := fl.YAMLOffset(base, lc[0], lc[1])
			if o < 0 || o > len(content) || !isB[o] {
				t.Fatalf("YAMLOffset(%d, %d, %d) = %d (len %d)", base, lc[0], lc[1], o, len(content))
			}
		}
		// yaml's line 1 column 1 is the base itself, or past the byte order
		// mark that starts it (yaml.v3 does not count one there)
		want := base
		if bytes.HasPrefix(content[base:], []byte("\ufeff")) {
			want += 3
		}
		if o := fl.YAMLOffset(base, 1, 1); o != want {
			t.Fatalf("YAMLOffset(%d, 1, 1) = %d, want %d", base, o, want)
		}
		sameIndexed(t, fl, content, []Pos{{line, col}, {line, -col}, {-line, col}, {line % (fl.LineCount() + 1), col}})
	})
}

// sameIndexed checks that the file detached by DetachIndexed answers as fl,
// made by New from content, for every line and offset and for the given
// positions; on ASCII content without reading it again.
func sameIndexed(t *testing.T, fl *File, content []byte, ps []Pos) {
	t.Helper()
	reads := 0
	dx := New(bytes.Clone(content)).DetachIndexed(func() ([]byte, error) { reads++; return bytes.Clone(content), nil })
	if dx.LineCount() != fl.LineCount() {
		t.Fatalf("indexed LineCount %d, want %d", dx.LineCount(), fl.LineCount())
	}
	for l := -1; l <= fl.LineCount()+1; l++ {
		if dx.LineStart(l) != fl.LineStart(l) || dx.LineEnd(l) != fl.LineEnd(l) {
			t.Fatalf("indexed line %d: [%d, %d), want [%d, %d)", l, dx.LineStart(l), dx.LineEnd(l), fl.LineStart(l), fl.LineEnd(l))
		}
		for _, c := range []int{-1, 0, 1, 3, 1 << 30} {
			ps = append(ps, Pos{l, c})
		}
	}
	for o := -1; o <= len(content)+1; o++ {
		if dx.Position(o) != fl.Position(o) || dx.LineOf(o) != fl.LineOf(o) {
			t.Fatalf("indexed Position(%d) = %+v line %d, want %+v line %d", o, dx.Position(o), dx.LineOf(o), fl.Position(o), fl.LineOf(o))
		}
	}
	for _, p := range ps {
		if dx.Offset(p) != fl.Offset(p) {
			t.Fatalf("indexed Offset(%+v) = %d, want %d", p, dx.Offset(p), fl.Offset(p))
		}
	}
	if isASCII(content) && reads != 0 {
		t.Fatalf("an ASCII file detached with its index was read %d times for lines and positions", reads)
	}
}

// An offset right after a truncated UTF-8 sequence used to get the column
// of the sequence's start (the count stopped at the first incomplete rune),
// so a reference written after such bytes was reported at the wrong column.
func TestPositionAfterTruncatedSequence(t *testing.T) {
	c := []byte("\xe2\x82T404 \xf0\x9f\x9a x\n")
	fl := New(c)
	for _, tc := range []struct{ off, col int }{{0, 0}, {1, 1}, {2, 2}, {6, 6}, {7, 7}, {8, 8}, {9, 9}, {10, 10}, {11, 11}} {
		if got := fl.Position(tc.off); got != (Pos{0, tc.col}) {
			t.Errorf("Position(%d) = %+v, want column %d", tc.off, got, tc.col)
		}
		if back := fl.Offset(Pos{0, tc.col}); back != tc.off {
			t.Errorf("Offset(column %d) = %d, want %d", tc.col, back, tc.off)
		}
	}
	// inside a valid rune: the rune's start
	e := New([]byte("a🚀b"))
	for o, col := range []int{0, 1, 1, 1, 1, 3} {
		if got := e.Position(o); got.Col != col {
			t.Errorf("Position(%d) in %q = %+v, want column %d", o, "a🚀b", got, col)
		}
	}
}

// A lone "\r" ends a line, as LSP, CommonMark and YAML say; before, a file
// written with classic Mac line ends was one long line to taskls and many
// lines to the editor and to the YAML parser, so every position after the
// first break was wrong.
func TestLoneCR(t *testing.T) {
	fl := New([]byte("id: T001\rtitle: x\r\nT002\r"))
	if fl.LineCount() != 4 || string(fl.Line(0)) != "id: T001" || string(fl.Line(1)) != "title: x" || string(fl.Line(2)) != "T002" || string(fl.Line(3)) != "" {
		t.Fatalf("%d lines: %q %q %q", fl.LineCount(), fl.Line(0), fl.Line(1), fl.Line(2))
	}
	if p := fl.Position(19); p != (Pos{2, 0}) {
		t.Errorf("Position(19) = %+v, want line 2", p)
	}
	if o := fl.YAMLOffset(0, 2, 8); o != 16 {
		t.Errorf("YAMLOffset(0, 2, 8) = %d, want 16", o)
	}
}

// yaml.v3 also breaks lines at NEL, U+2028 and U+2029, which LSP does not:
// YAMLOffset counts lines as yaml.v3 does, so a title holding U+2028 no
// longer shifts every field after it onto the wrong line.
func TestYAMLOnlyBreaks(t *testing.T) {
	c := []byte("t: \"a\u2028b\u0085c\"\nid: T001\n")
	fl := New(c)
	if fl.LineCount() != 3 {
		t.Fatalf("LSP lines: %d, want 3", fl.LineCount())
	}
	// yaml.v3 puts id on line 4 (three breaks before it)
	if o := fl.YAMLOffset(0, 4, 5); string(c[o:o+4]) != "T001" {
		t.Errorf("YAMLOffset(0, 4, 5) = %d (%q)", o, c[o:])
	}
	// a column stops at a YAML-only break
	if o := fl.YAMLOffset(0, 1, 99); o != 5 {
		t.Errorf("YAMLOffset(0, 1, 99) = %d, want 5 (the U+2028)", o)
	}
	// a base in the middle of a line (after a BOM) is column 1 of line 1
	b := New([]byte("\ufeffid: T001\n\u2029x: y\n"))
	if o := b.YAMLOffset(3, 1, 5); o != 7 {
		t.Errorf("YAMLOffset(3, 1, 5) = %d, want 7", o)
	}
	if o := b.YAMLOffset(3, 3, 1); string(b.Bytes()[o:o+4]) != "x: y" {
		t.Errorf("YAMLOffset(3, 3, 1) = %d", o)
	}
}
