package workspace

import (
	"hash/maphash"
	"iter"
)

// Map is a map from strings that is cheap to derive a changed copy from:
// its keys are spread over shards, a copy shares every shard with its
// original, and the first write to a shard copies that shard alone. An
// edit to one file of a 10,000-file workspace then copies a few dozen
// entries, not 10,000, for each of the root's indexes.
//
// A Map is written only while the snapshot that holds it is being built
// (set, del); after that it is read-only and safe for concurrent readers.
// The zero Map and a nil *Map are empty.
type Map[V any] struct {
	shards [mapShards]map[string]V
	owned  [mapShards / 64]uint64 // shards this Map made, free to write
	n      int
}

const mapShards = 256

var mapSeed = maphash.MakeSeed()

func shardOf(k string) int { return int(maphash.String(mapSeed, k) % mapShards) }

// newMap returns an empty Map.
func newMap[V any]() *Map[V] { return &Map[V]{} }

// clone returns a copy of m that shares m's shards until it writes them.
func (m *Map[V]) clone() *Map[V] {
	c := &Map[V]{}
	if m != nil {
		c.shards, c.n = m.shards, m.n
	}
	return c
}

// Get returns the value of k and whether k is there.
func (m *Map[V]) Get(k string) (V, bool) {
	if m == nil {
		var zero V
		return zero, false
	}
	v, ok := m.shards[shardOf(k)][k]
	return v, ok
}

// At returns the value of k, or the zero value.
func (m *Map[V]) At(k string) V {
	v, _ := m.Get(k)
	return v
}

// Has reports whether k is there.
func (m *Map[V]) Has(k string) bool {
	_, ok := m.Get(k)
	return ok
}

// Len is the number of keys.
func (m *Map[V]) Len() int {
	if m == nil {
		return 0
	}
	return m.n
}

// All yields every key and value, in no particular order.
func (m *Map[V]) All() iter.Seq2[string, V] {
	return func(yield func(string, V) bool) {
		if m == nil {
			return
		}
		for _, sh := range m.shards {
			for k, v := range sh {
				if !yield(k, v) {
					return
				}
			}
		}
	}
}

// Keys yields every key, in no particular order.
func (m *Map[V]) Keys() iter.Seq[string] {
	return func(yield func(string) bool) {
		for k := range m.All() {
			if !yield(k) {
				return
			}
		}
	}
}

// shard returns shard i ready to be written.
func (m *Map[V]) shard(i int) map[string]V {
	if m.owned[i/64]&(1<<(i%64)) == 0 {
		sh := make(map[string]V, len(m.shards[i])+1)
		for k, v := range m.shards[i] {
			sh[k] = v
		}
		m.shards[i] = sh
		m.owned[i/64] |= 1 << (i % 64)
	}
	return m.shards[i]
}

func (m *Map[V]) set(k string, v V) {
	sh := m.shard(shardOf(k))
	if _, ok := sh[k]; !ok {
		m.n++
	}
	sh[k] = v
}

func (m *Map[V]) del(k string) {
	i := shardOf(k)
	if _, ok := m.shards[i][k]; !ok {
		return
	}
	delete(m.shard(i), k)
	m.n--
}
