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
