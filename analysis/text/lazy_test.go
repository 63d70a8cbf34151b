package text

import (
	"bytes"
	"os"
	"runtime"
	"strings"
	"testing"
	"unsafe"
)

// A detached file answers exactly as the file it was made from, keeps none
// of its content, and reads it again only while none is in use.
func TestDetach(t *testing.T) {
	content := []byte("---\nid: T001\ntitle: Café ☕ 𝄞\n---\r\n# Body\n" + string(bytes.Repeat([]byte("Some body text, much like the rest.\n"), 50)) + "last")
	orig := New(content)
	reads := 0
	c := orig.Detach(func() ([]byte, error) { reads++; return bytes.Clone(content), nil })
	if !c.IsDetached() || orig.IsDetached() {
		t.Fatal("IsDetached: want the detached file detached and the original not")
	}
	if c.res != nil || c.w.Value() != nil || reads != 0 {
		t.Fatalf("a detached file keeps its content (resident %v, read %d times)", c.res != nil, reads)
	}
	if c.Len() != len(content) || !c.Same(content) || c.Same(append(bytes.Clone(content), 'x')) || c.Same(bytes.ToUpper(content)) || reads != 0 {
		t.Fatalf("Len or Same read the file (%d reads) or answer wrong", reads)
	}
	if !bytes.Equal(c.Bytes(), content) {
		t.Fatal("Bytes differ from the original")
	}
	for off := 0; off <= len(content); off++ {
		if a, b := c.Position(off), orig.Position(off); a != b {
			t.Fatalf("Position(%d) = %v, want %v", off, a, b)
		}
		if a, b := c.LineOf(off), orig.LineOf(off); a != b {
			t.Fatalf("LineOf(%d) = %v, want %v", off, a, b)
		}
	}
	for l := 0; l <= orig.LineCount(); l++ {
		if c.LineEnd(l) != orig.LineEnd(l) || c.LineStart(l) != orig.LineStart(l) || string(c.Line(l)) != string(orig.Line(l)) {
			t.Fatalf("line %d differs", l)
		}
	}
	if c.Offset(Pos{2, 9}) != orig.Offset(Pos{2, 9}) || c.YAMLOffset(4, 2, 3) != orig.YAMLOffset(4, 2, 3) || c.LineCount() != orig.LineCount() {
		t.Fatal("Offset, YAMLOffset or LineCount differ")
	}
	if reads > 1 {
		t.Fatalf("read %d times while its content was in use", reads)
	}
	if c.Stale() {
		t.Fatal("stale, yet read as it was")
	}
	if e := New(nil).Detach(nil); e.Len() != 0 || e.Position(3) != (Pos{}) {
		t.Fatal("an empty detached file must read as empty")
	}
	if e := (&File{}); e.Len() != 0 || len(e.Bytes()) != 0 {
		t.Fatal("the zero File must read as empty")
	}
}

// A file detached with its line index answers lines and positions as the
// original, reading the content again only for a column on a line holding
// a non-ASCII byte, or for the text itself.
func TestDetachIndexed(t *testing.T) {
	content := []byte("{\r\n  \"tasks\": [\n    {\"id\": \"T001\", \"title\": \"Café ☕ 𝄞\"},\r\n    {\"id\": \"T002\"}\n  ]\r}\n")
	orig := New(content)
	sameIndexed(t, orig, content, []Pos{{2, 30}, {3, 5}})
	reads := 0
	c := orig.DetachIndexed(func() ([]byte, error) { reads++; return bytes.Clone(content), nil })
	t002 := bytes.Index(content, []byte("T002"))
	if p := c.Position(t002); p != (Pos{Line: 3, Col: 12}) || c.LineOf(t002) != 3 || c.Offset(p) != t002 || c.LineCount() != 7 || reads != 0 {
		t.Fatalf("on an ASCII line: Position %+v, %d reads; want 3:12 and none", p, reads)
	}
	if c.res != nil || c.w.Value() != nil {
		t.Fatal("a file detached with its index keeps its content")
	}
	cafe := bytes.Index(content, []byte("☕"))
	if p := c.Position(cafe); p != orig.Position(cafe) || reads != 1 {
		t.Fatalf("on a line with non-ASCII text: Position %+v after %d reads, want %+v after one", p, reads, orig.Position(cafe))
	}
	if !bytes.Equal(c.Bytes(), content) {
		t.Fatal("Bytes differ from the original")
	}
	if e := New(nil).DetachIndexed(nil); e.Len() != 0 || e.LineCount() != 1 || e.Position(3) != (Pos{}) {
		t.Fatal("an empty file detached with its index must read as empty")
	}
}

// A detached file whose content changed or went away is stale and keeps
// its length, so that spans of its parse stay inside it.
func TestDetachStale(t *testing.T) {
	content := []byte("id: T001\ntitle: A\n")
	for _, tc := range []struct {
		name string
		read func() ([]byte, error)
		want string
	}{
		{"longer", func() ([]byte, error) { return []byte("id: T002\ntitle: B\nstatus: done\n"), nil }, "id: T002\ntitle: B\n"},
		{"shorter", func() ([]byte, error) { return []byte("id: T9\n"), nil }, "id: T9\n           "},
		{"same length", func() ([]byte, error) { return []byte("id: T002\ntitle: A\n"), nil }, "id: T002\ntitle: A\n"},
		{"gone", func() ([]byte, error) { return nil, os.ErrNotExist }, "                  "},
	} {
		c := New(content).Detach(tc.read)
		if got := string(c.Bytes()); got != tc.want || !c.Stale() || c.Len() != len(content) {
			t.Errorf("%s: content %q (stale %v, length %d), want %q, stale, length %d", tc.name, got, c.Stale(), c.Len(), tc.want, len(content))
		}
	}
}

// On ASCII lines positions are computed without walking the line: they
// must equal the walk, for every offset, column and YAML position.
func TestASCIILinesEqualWalk(t *testing.T) {
	contents := []string{
		"id: T001\ntitle: plain\r\ndeps: [T002, T003]\rlone cr\n\nlast",
		"a\r\n\r\nb: é\nascii again\n",
		"no newline at all",
		"\n\n\n",
		"x: y\n  - item\ttab\r\n",
	}
	for _, c := range contents {
		f := New([]byte(c))
		walk := &data{content: f.res.content, lines: f.res.lines, ylines: f.res.ylines, wide: []uint64{^uint64(0)}} // every line "wide": always walks
		for off := -1; off <= len(c)+1; off++ {
			if a, b := f.Position(off), walk.position(off); a != b {
				t.Errorf("%q: Position(%d) = %v, walking %v", c, off, a, b)
			}
		}
		for l := -1; l <= f.LineCount(); l++ {
			for col := -1; col <= 30; col++ {
				if a, b := f.Offset(Pos{l, col}), walk.offset(Pos{l, col}); a != b {
					t.Errorf("%q: Offset(%d:%d) = %d, walking %d", c, l, col, a, b)
				}
				for base := 0; base <= len(c); base++ {
					if a, b := f.YAMLOffset(base, l+1, col), walk.yamlOffset(base, l+1, col); a != b {
						t.Errorf("%q: YAMLOffset(%d, %d, %d) = %d, walking %d", c, base, l+1, col, a, b)
					}
				}
			}
		}
	}
}

// yaml.v3 skips a byte order mark that starts its input without counting it
// in the first line's columns; one anywhere else is a character.
func TestYAMLOffsetBOM(t *testing.T) {
	f := New([]byte("---\n\ufeffid: 0\n\ufeffx: 1\n"))
	if got := f.YAMLOffset(4, 1, 5); got != 11 {
		t.Errorf("value after a BOM that starts the YAML text: offset %d, want 11", got)
	}
	if got := f.YAMLOffset(4, 2, 5); got != 19 {
		t.Errorf("a BOM starting a later line is counted: offset %d, want 19", got)
	}
	if got := f.YAMLOffset(0, 2, 6); got != 11 {
		t.Errorf("YAML text from offset 0, the BOM on its second line: offset %d, want 11", got)
	}
}

// The positions of the offsets a detached file keeps are answered without
// reading it, and stay those of what was parsed when the file changes.
func TestDetachKeepsPositions(t *testing.T) {
	content := []byte("---\nid: Т001 é\ntitle: x\n---\n")
	orig := New(content)
	reads := 0
	var now []byte = content
	c := orig.Detach(func() ([]byte, error) { reads++; return bytes.Clone(now), nil }, 8, 14, len(content))
	for _, off := range []int{8, 14, len(content)} {
		if got, want := c.Position(off), orig.Position(off); got != want || reads != 0 {
			t.Fatalf("Position(%d) = %v (%d reads), want %v without a read", off, got, reads, want)
		}
	}
	if got, want := c.Position(20), orig.Position(20); got != want || reads != 1 {
		t.Fatalf("Position(20) = %v (%d reads), want %v after one read", got, reads, want)
	}
	now = []byte("---\nid: X\n\n\n\ntitle: y\n---\n")
	d := orig.Detach(func() ([]byte, error) { return bytes.Clone(now), nil }, 14)
	if got, want := d.Position(14), orig.Position(14); got != want {
		t.Fatalf("a kept position after the file changed: %v, want %v", got, want)
	}
}

// Hold keeps a detached file's content through garbage collections until
// the value it returns is dropped; without it the content is read again.
func TestHold(t *testing.T) {
	content := []byte(`{"tasks": [{"id": "T001"}]}`)
	reads := 0
	c := New(content).DetachIndexed(func() ([]byte, error) { reads++; return bytes.Clone(content), nil })
	h := c.Hold()
	for range 3 {
		runtime.GC()
		if !bytes.Equal(c.Bytes(), content) {
			t.Fatal("Bytes differ from the original")
		}
	}
	if reads != 1 {
		t.Fatalf("read %d times while held, want once", reads)
	}
	runtime.KeepAlive(h)
	for range 3 {
		runtime.GC()
	}
	c.Bytes()
	if reads != 2 {
		t.Fatalf("read %d times, want a second read once nothing holds it", reads)
	}
}

// The line index a file detached by DetachIndexed keeps stores lengths, a
// byte a line, and the start of every 64th line: lines of 255 bytes and
// more, empty lines, "\r\n" and lone "\r" breaks, and files of many blocks
// answer as the original.
func TestDetachIndexedLongLines(t *testing.T) {
	var b bytes.Buffer
	for i := range 300 {
		switch i % 7 {
		case 0:
			b.WriteString(strings.Repeat("x", 250+i) + "\n") // 255 bytes and more from i = 5
		case 1:
			b.WriteString("\r\n")
		case 2:
			b.WriteString("  \"id\": \"T001\",\r")
		case 3:
			b.WriteString(strings.Repeat("é", i) + "\n")
		case 4:
			b.WriteString(strings.Repeat("y", 254) + "\n") // exactly 255 with its break
		default:
			b.WriteString("{\"a\": 1}\n")
		}
	}
	b.WriteString(strings.Repeat("z", 1000)) // a long last line without a break
	content := b.Bytes()
	orig := New(bytes.Clone(content))
	sameIndexed(t, orig, content, []Pos{{5, 3}, {64, 0}, {128, 300}, {299, 2}, {300, 999}})
	c := orig.DetachIndexed(func() ([]byte, error) { return bytes.Clone(content), nil })
	if x := c.idx(); x == nil || len(x.long) == 0 || len(x.marks) != (orig.LineCount()+63)/64 || len(x.lens) != orig.LineCount()-1 {
		t.Fatalf("index: %+v", x)
	}
}

// A file detached with more than two positions kept answers them all
// without reading it.
func TestDetachKeepsManyPositions(t *testing.T) {
	content := []byte("a\nbé\ncc\ndd\nee\n")
	orig := New(content)
	reads := 0
	keep := []int{0, 3, 5, 6, 9, 12, len(content)}
	c := orig.DetachFrom(readFunc(func() ([]byte, error) { reads++; return bytes.Clone(content), nil }), keep...)
	for _, off := range keep {
		if got, want := c.Position(off), orig.Position(off); got != want || reads != 0 {
			t.Fatalf("Position(%d) = %v (%d reads), want %v without a read", off, got, reads, want)
		}
	}
}

// A detached file is one record of 80 bytes (a size class of the
// allocator): tens of thousands of them stay in a workspace's index.
func TestDetachedRecordSize(t *testing.T) {
	if n := unsafe.Sizeof(File{}); n > 80 {
		t.Errorf("File is %d bytes, want at most 80", n)
	}
}

// A file detached with its index keeps the positions asked for on lines
// holding non-ASCII bytes (the index answers the others), and answers
// them without reading.
func TestDetachIndexedKeeps(t *testing.T) {
	content := []byte("{\n  \"a\": \"T001\",\n  \"é\": \"T002\", \"ü\": \"T003\"\n}\n")
	orig := New(content)
	reads := 0
	t1, t2, t3 := bytes.Index(content, []byte("T001")), bytes.Index(content, []byte("T002")), bytes.Index(content, []byte("T003"))
	c := orig.DetachIndexedFrom(readFunc(func() ([]byte, error) { reads++; return bytes.Clone(content), nil }), t3, t1, t2, t3+4, t2+4, -1, len(content)+5)
	if c.nhint() != 2 || c.ext == nil || len(c.ext.hints) != 2 {
		t.Fatalf("kept %d + %d positions, want the four on the non-ASCII line", c.nhint(), len(c.ext.hints))
	}
	for _, off := range []int{t1, t2, t3, t2 + 4, t3 + 4} {
		if got, want := c.Position(off), orig.Position(off); got != want || reads != 0 {
			t.Fatalf("Position(%d) = %v (%d reads), want %v without a read", off, got, reads, want)
		}
	}
}
