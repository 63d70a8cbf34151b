package workspace

import "testing"

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
