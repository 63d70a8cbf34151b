package text

import (
	"bytes"
	"testing"
)

// A compact file answers exactly as the file it was made from and keeps
// its content compressed, not as it is.
func TestCompact(t *testing.T) {
	content := []byte("---\nid: T001\ntitle: Café ☕ 𝄞\n---\r\n# Body\n" + string(bytes.Repeat([]byte("Some body text, much like the rest.\n"), 50)) + "last")
	orig := New(content)
	c := orig.Compact()
	if !c.IsCompact() || orig.IsCompact() {
		t.Fatal("IsCompact: want the compact file compact and the original not")
	}
	if c.res != nil || len(c.packed) >= len(content)/2 {
		t.Fatalf("compact file keeps %d bytes packed of %d (resident %v)", len(c.packed), len(content), c.res != nil)
	}
	if c.Len() != len(content) || !bytes.Equal(c.Bytes(), content) {
		t.Fatal("Len or Bytes differ from the original")
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
	if e := New(nil).Compact(); e.Len() != 0 || len(e.Bytes()) != 0 || e.Position(3) != (Pos{}) {
		t.Fatal("an empty compact file must read as empty")
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
