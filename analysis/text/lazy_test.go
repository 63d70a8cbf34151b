package text

import (
	"runtime"
	"sync"
	"testing"
)

// A lazy file answers exactly as the file it was made from, reads its
// content again only when asked, and does not keep it after use.
func TestLazy(t *testing.T) {
	content := []byte("---\nid: T001\ntitle: Café ☕ 𝄞\n---\r\n# Body\nlast")
	orig := New(content)
	loads := 0
	var mu sync.Mutex
	lz := orig.Lazy(func() ([]byte, error) {
		mu.Lock()
		loads++
		mu.Unlock()
		return append([]byte(nil), content...), nil
	})
	if !lz.IsLazy() || orig.IsLazy() {
		t.Fatal("IsLazy: want the lazy file lazy and the original not")
	}
	if lz.Len() != len(content) || loads != 0 {
		t.Fatalf("Len = %d after %d loads, want %d without reading", lz.Len(), loads, len(content))
	}
	for off := 0; off <= len(content); off++ {
		if a, b := lz.Position(off), orig.Position(off); a != b {
			t.Fatalf("Position(%d) = %v, want %v", off, a, b)
		}
		if a, b := lz.LineOf(off), orig.LineOf(off); a != b {
			t.Fatalf("LineOf(%d) = %v, want %v", off, a, b)
		}
	}
	for l := 0; l < orig.LineCount(); l++ {
		if lz.LineEnd(l) != orig.LineEnd(l) || string(lz.Line(l)) != string(orig.Line(l)) {
			t.Fatalf("line %d differs", l)
		}
	}
	if lz.Offset(Pos{2, 9}) != orig.Offset(Pos{2, 9}) || lz.YAMLOffset(4, 2, 3) != orig.YAMLOffset(4, 2, 3) {
		t.Fatal("Offset or YAMLOffset differ")
	}
	if loads == 0 {
		t.Fatal("the content was never read")
	}
	// once nothing uses it, the content goes and is read again
	before := loads
	for i := 0; i < 5 && loads == before; i++ {
		runtime.GC()
		_ = lz.Bytes()
	}
	if loads == before {
		t.Fatalf("the content was kept after use (%d loads)", loads)
	}
}

// A lazy file whose content cannot be read any more (deleted) answers as an
// empty file: positions clamp, nothing panics.
func TestLazyGone(t *testing.T) {
	lz := New([]byte("a\nb\nc")).Lazy(func() ([]byte, error) { return nil, errGone{} })
	if lz.Len() != 5 {
		t.Fatalf("Len = %d, want the size it had", lz.Len())
	}
	if p := lz.Position(4); p != (Pos{}) {
		t.Fatalf("Position(4) = %v, want 0:0", p)
	}
	if lz.Offset(Pos{2, 1}) != 0 || len(lz.Bytes()) != 0 || lz.LineEnd(3) != 0 {
		t.Fatal("a gone file must read as empty")
	}
}

type errGone struct{}

func (errGone) Error() string { return "gone" }
