package workspace

import (
	"encoding/binary"
	"iter"
	"math/bits"
	"slices"
	"strings"

	"github.com/taskls/taskls/analysis/model"
)

// The reference index keeps, for each task ID, where its references lie
// rather than the references themselves, and keeps them in a string of
// varints (refList): about 2 or 3 bytes a reference, where a refLoc is 8
// and a Loc 48, and no pointer the collector scans. The reference is read
// back from the doc's parse when asked (Refs, RefsAt).

// refLoc is one reference: the doc that makes it, by its number in the
// root's refDocs, and its place in the doc's references as refAt counts
// them.
type refLoc struct {
	doc uint32
	i   uint32
}

// refList is the references of one ID, in order: for each, the change of
// its doc's number from the reference before, then the change of its
// place in the doc (from 0 when the doc changed), both as zigzag varints.
type refList string

func zigzag(v int64) uint64 { return uint64(v<<1) ^ uint64(v>>63) }

func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

// refEncoder writes a refList.
type refEncoder struct {
	b    []byte
	prev refLoc
}

func (e *refEncoder) add(l refLoc) {
	dd := int64(l.doc) - int64(e.prev.doc)
	di := int64(l.i)
	if dd == 0 {
		di -= int64(e.prev.i)
	}
	e.b = binary.AppendUvarint(e.b, zigzag(dd))
	e.b = binary.AppendUvarint(e.b, zigzag(di))
	e.prev = l
}

// refListSize is the length of ls as a refList.
func refListSize(ls []refLoc) int {
	n := 0
	prev := refLoc{}
	for _, l := range ls {
		dd := int64(l.doc) - int64(prev.doc)
		di := int64(l.i)
		if dd == 0 {
			di -= int64(prev.i)
		}
		n += uvarintLen(zigzag(dd)) + uvarintLen(zigzag(di))
		prev = l
	}
	return n
}

func uvarintLen(u uint64) int { return max(1, (bits.Len64(u)+6)/7) }

func encodeRefs(ls []refLoc) refList {
	if len(ls) == 0 {
		return ""
	}
	e := refEncoder{b: make([]byte, 0, refListSize(ls))}
	for _, l := range ls {
		e.add(l)
	}
	return refList(e.b)
}

// all yields the references in order.
func (s refList) all(yield func(refLoc) bool) {
	var prev refLoc
	for i := 0; i < len(s); {
		dd, n := uvarint(s, i)
		i += n
		di, n := uvarint(s, i)
		i += n
		l := refLoc{doc: uint32(int64(prev.doc) + unzigzag(dd))}
		if l.doc == prev.doc {
			l.i = uint32(int64(prev.i) + unzigzag(di))
		} else {
			l.i = uint32(unzigzag(di))
		}
		if !yield(l) {
			return
		}
		prev = l
	}
}

// uvarint reads the varint at s[i:] and its length.
func uvarint(s refList, i int) (uint64, int) {
	var v uint64
	for k := 0; i+k < len(s); k++ {
		b := s[i+k]
		v |= uint64(b&0x7f) << (7 * k)
		if b < 0x80 {
			return v, k + 1
		}
	}
	return v, len(s) - i
}

// len is the number of references: each is two varints, and each varint
// ends at its one byte below 0x80.
func (s refList) len() int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < 0x80 {
			n++
		}
	}
	return n / 2
}

// decode is the references as a slice.
func (s refList) decode() []refLoc {
	if s == "" {
		return nil
	}
	out := make([]refLoc, 0, s.len())
	for l := range s.all {
		out = append(out, l)
	}
	return out
}

// Loc is one reference in one doc.
type Loc struct {
	Doc *Doc
	Ref model.Ref
}

// RefsAt returns every reference to id (definitions are not references),
// by path, then in the order of each file.
func (r *Root) RefsAt(id string) []Loc {
	ls := r.refsTo.At(id)
	if len(ls) == 0 {
		return nil
	}
	out := make([]Loc, 0, ls.len())
	for l := range ls.all {
		d := r.refDocs.at(l.doc)
		out = append(out, Loc{Doc: d, Ref: refAt(d, int(l.i))})
	}
	return out
}

// Refs yields every reference to id as RefsAt lists them, without making
// the list.
func (r *Root) Refs(id string) iter.Seq[Loc] {
	return func(yield func(Loc) bool) {
		for l := range r.refsTo.At(id).all {
			d := r.refDocs.at(l.doc)
			if !yield(Loc{Doc: d, Ref: refAt(d, int(l.i))}) {
				return
			}
		}
	}
}

// RefIDs yields every ID the root's files refer to, known or not, with its
// number of references, in no particular order.
func (r *Root) RefIDs() iter.Seq2[string, int] {
	return func(yield func(string, int) bool) {
		for id, ls := range r.refsTo.All() {
			if !yield(id, ls.len()) {
				return
			}
		}
	}
}

// refAt is reference i of a doc, counted as eachDocRef counts them: a task
// file's list items, list after list, then its body mentions; the
// manifest's Refs; the Refs of other files. Mentions and Refs that
// eachDocRef leaves out are counted too.
func refAt(d *Doc, i int) model.Ref {
	switch d.Kind {
	case KindTask:
		if n := d.Task.NumListRefs(); i >= n {
			return d.Task.Mentions().At(i - n)
		}
		return d.Task.ListRef(i)
	case KindManifest:
		return d.Manifest.Ref(i)
	}
	return d.Refs[i]
}

// indexRefs builds the reference index of a root whose docs are paths
// (sorted): each ID's references in path order, and the docs they are in,
// numbered in the same order.
func (r *Root) indexRefs(paths []string) {
	docs := &docTable{}
	lists := make(map[string][]refLoc, len(paths))
	for _, p := range paths {
		d := r.Docs.At(p)
		k := uint32(docs.n)
		n := 0
		r.eachDocRef(d, func(i int, ref model.Ref) {
			lists[ref.ID] = append(lists[ref.ID], refLoc{k, uint32(i)})
			n++
		})
		if n > 0 {
			docs.add(d)
		}
	}
	// one string holds every list, without the room appends left
	size := 0
	for _, ls := range lists {
		size += refListSize(ls)
	}
	var all strings.Builder
	all.Grow(size)
	ids := make([]string, 0, len(lists))
	ends := make([]int, 0, len(lists))
	e := refEncoder{}
	for id, ls := range lists {
		e.b, e.prev = e.b[:0], refLoc{}
		for _, l := range ls {
			e.add(l)
		}
		all.Write(e.b)
		ids = append(ids, id)
		ends = append(ends, all.Len())
	}
	str := all.String()
	r.refsTo = newMap[refList]()
	a := 0
	for k, id := range ids {
		r.refsTo.set(id, refList(str[a:ends[k]]))
		a = ends[k]
	}
	docs.freeze()
	r.refDocs = docs
}

// reindexRefs derives the reference index from old's for a few changed
// paths: their references leave and come back in path order, every other
// list is shared. A changed file keeps its number in the doc table; the
// table shares every chunk it does not write.
func (r *Root) reindexRefs(old *Root, paths []string) {
	refs := old.refsTo.clone()
	docs := old.refDocs.clone()
	paths = slices.Sorted(slices.Values(paths))
	for _, p := range paths {
		od, d := old.Docs.At(p), r.Docs.At(p)
		var ids []string
		seen := map[string]bool{}
		nOld := 0
		if od != nil {
			old.eachDocRef(od, func(_ int, ref model.Ref) {
				if !seen[ref.ID] {
					seen[ref.ID] = true
					ids = append(ids, ref.ID)
				}
				nOld++
			})
		}
		// the file's number: the old version's, or the next one
		k, had := uint32(docs.n), false
		if nOld > 0 {
			for l := range refs.At(ids[0]).all {
				if docs.at(l.doc).Path == p {
					k, had = l.doc, true
					break
				}
			}
		}
		var add map[string][]refLoc
		if d != nil {
			r.eachDocRef(d, func(i int, ref model.Ref) {
				if !seen[ref.ID] {
					seen[ref.ID] = true
					ids = append(ids, ref.ID)
				}
				if add == nil {
					add = map[string][]refLoc{}
				}
				add[ref.ID] = append(add[ref.ID], refLoc{k, uint32(i)})
			})
		}
		for _, id := range ids {
			cur := refs.At(id).decode()
			list := make([]refLoc, 0, len(cur)+len(add[id]))
			at := -1 // where the file's references go
			for _, l := range cur {
				switch path := docs.at(l.doc).Path; {
				case path < p:
					list = append(list, l)
				case path > p:
					if at < 0 {
						at = len(list)
					}
					list = append(list, l)
				}
			}
			if at < 0 {
				at = len(list)
			}
			list = slices.Insert(list, at, add[id]...)
			if len(list) == 0 {
				refs.del(id)
			} else {
				refs.set(id, encodeRefs(list))
			}
		}
		switch {
		case len(add) > 0 && had:
			docs.set(k, d)
		case len(add) > 0:
			docs.add(d)
		case had:
			docs.set(k, nil) // nothing names it any more
		}
	}
	docs.freeze()
	r.refsTo, r.refDocs = refs, docs
}

// docTable numbers the docs the reference index names. It is cut in
// chunks: a root derived from another copies the list of chunks and the
// chunks it writes, not the whole table.
type docTable struct {
	chunks [][]*Doc
	n      int
	owned  []bool // while a root is built: the chunks it made, free to write
}

const docChunk = 1024

func (t *docTable) at(k uint32) *Doc { return t.chunks[k/docChunk][k%docChunk] }

// clone returns a copy of t to write, sharing t's chunks until it writes
// them.
func (t *docTable) clone() *docTable {
	if t == nil {
		return &docTable{}
	}
	return &docTable{chunks: slices.Clone(t.chunks), n: t.n, owned: make([]bool, len(t.chunks))}
}

// freeze ends the writes: the table is read-only from then on.
func (t *docTable) freeze() { t.owned = nil }

// own makes chunk c t's own, free to write.
func (t *docTable) own(c int) {
	if !t.owned[c] {
		t.chunks[c] = slices.Clone(t.chunks[c])
		t.owned[c] = true
	}
}

// add numbers d, after every doc numbered so far.
func (t *docTable) add(d *Doc) {
	c := t.n / docChunk
	if c == len(t.chunks) {
		t.chunks = append(t.chunks, nil) // grown as docs come: a small root keeps a small table
		t.owned = append(t.owned, true)
	} else {
		t.own(c)
	}
	t.chunks[c] = append(t.chunks[c], d)
	t.n++
}

// set gives number k to d.
func (t *docTable) set(k uint32, d *Doc) {
	c := int(k / docChunk)
	t.own(c)
	t.chunks[c][k%docChunk] = d
}
