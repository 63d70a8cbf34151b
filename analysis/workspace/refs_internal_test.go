package workspace

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// A table derived from another numbers docs past chunk ends and renumbers
// some without the other, or a second table derived from the same one,
// seeing it.
func TestDocTableCopies(t *testing.T) {
	docs := make([]*Doc, 3*docChunk+10)
	for i := range docs {
		docs[i] = &Doc{Path: string(rune('a' + i%26))}
	}
	base := &docTable{}
	for _, d := range docs[:docChunk+5] {
		base.add(d)
	}
	base.freeze()
	a, b := base.clone(), base.clone()
	for _, d := range docs[docChunk+5:] {
		a.add(d)
	}
	b.add(docs[0])
	a.set(3, docs[7])
	b.set(docChunk+1, nil)
	a.freeze()
	b.freeze()
	for k := range base.n {
		if base.at(uint32(k)) != docs[k] {
			t.Fatalf("base: %d changed", k)
		}
	}
	for k := range a.n {
		want := docs[k]
		if k == 3 {
			want = docs[7]
		}
		if a.at(uint32(k)) != want {
			t.Fatalf("a: %d is not its doc", k)
		}
	}
	if a.n != len(docs) || b.n != docChunk+6 || b.at(docChunk+5) != docs[0] || b.at(docChunk+1) != nil || b.at(docChunk+2) != docs[docChunk+2] || b.at(3) != docs[3] {
		t.Fatalf("b: %d docs, %p %p", b.n, b.at(docChunk+5), b.at(docChunk+1))
	}
}

// A reference list reads back as written, with its length, whatever the
// numbers: docs out of order (a root derived from another numbers a new
// file last), places going back, numbers past a varint byte or two.
func TestRefListRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := range 500 {
		ls := make([]refLoc, rng.IntN(40))
		for k := range ls {
			switch rng.IntN(4) {
			case 0:
				ls[k] = refLoc{rng.Uint32(), rng.Uint32()}
			case 1:
				if k > 0 {
					ls[k] = refLoc{ls[k-1].doc, ls[k-1].i + uint32(rng.IntN(300))}
				}
			default:
				ls[k] = refLoc{uint32(rng.IntN(70000)), uint32(rng.IntN(200))}
			}
		}
		s := encodeRefs(ls)
		if got := s.decode(); !slices.Equal(got, ls) || s.len() != len(ls) || len(s) != refListSize(ls) {
			t.Fatalf("round %d: %v read back as %v (length %d, %d bytes of %d)", round, ls, got, s.len(), len(s), refListSize(ls))
		}
	}
}
