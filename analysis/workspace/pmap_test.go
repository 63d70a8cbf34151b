package workspace

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"testing"
)

// TestMapCopies checks that a Map and the copies derived from it never see
// each other's writes, against plain maps doing the same.
func TestMapCopies(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	type pair struct {
		m    *Map[int]
		want map[string]int
	}
	versions := []pair{{newMap[int](), map[string]int{}}}
	for step := 0; step < 3000; step++ {
		from := versions[rng.IntN(len(versions))]
		next := pair{from.m.clone(), maps.Clone(from.want)}
		for range 1 + rng.IntN(5) {
			k := fmt.Sprintf("k%d", rng.IntN(700))
			if rng.IntN(3) == 0 {
				next.m.del(k)
				delete(next.want, k)
			} else {
				v := rng.Int()
				next.m.set(k, v)
				next.want[k] = v
			}
		}
		versions = append(versions, next)
	}
	for i, v := range versions {
		if v.m.Len() != len(v.want) {
			t.Fatalf("version %d: Len %d, want %d", i, v.m.Len(), len(v.want))
		}
		got := map[string]int{}
		for k, x := range v.m.All() {
			got[k] = x
		}
		if !maps.Equal(got, v.want) {
			t.Fatalf("version %d: holds %v, want %v", i, got, v.want)
		}
		for k, x := range v.want {
			if y, ok := v.m.Get(k); !ok || y != x || v.m.At(k) != x || !v.m.Has(k) {
				t.Fatalf("version %d: Get(%q) = %d, %v; want %d", i, k, y, ok, x)
			}
		}
		if v.m.Has("absent") || v.m.At("absent") != 0 {
			t.Fatalf("version %d holds a key never set", i)
		}
	}
	var nilMap *Map[int]
	if nilMap.Len() != 0 || nilMap.Has("x") {
		t.Fatal("a nil Map is not empty")
	}
	for range nilMap.All() {
		t.Fatal("a nil Map yields")
	}
}
