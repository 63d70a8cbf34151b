package workspace

import (
	"iter"
	"slices"

	"github.com/taskls/taskls/analysis/model"
)

// The reference index keeps, for each task ID, where its references lie
// rather than the references themselves: a refLoc is 8 bytes and holds no
// pointer (the collector never scans the lists), where a Loc is 48. The
// reference is read back from the doc's parse when asked (Refs, RefsAt).

// refLoc is one reference: the doc that makes it, by its number in the
// root's refDocs, and its place in the doc's references as refAt counts
// them.
type refLoc struct {
	doc uint32
	i   uint32
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
	out := make([]Loc, len(ls))
	for k, l := range ls {
		d := r.refDocs.at(l.doc)
		out[k] = Loc{Doc: d, Ref: refAt(d, int(l.i))}
	}
	return out
}

// Refs yields every reference to id as RefsAt lists them, without making
// the list.
func (r *Root) Refs(id string) iter.Seq[Loc] {
	return func(yield func(Loc) bool) {
		for _, l := range r.refsTo.At(id) {
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
			if !yield(id, len(ls)) {
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
		for _, l := range d.Task.Lists {
			if i < len(l.Items) {
				return l.Items[i]
			}
			i -= len(l.Items)
		}
		return d.Task.Mentions.At(i)
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
	total := 0
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
			total += n
		}
	}
	// one array holds every list, without the room appends left
	all := make([]refLoc, 0, total)
	r.refsTo = newMap[[]refLoc]()
	for id, ls := range lists {
		a := len(all)
		all = append(all, ls...)
		r.refsTo.set(id, all[a:len(all):len(all)])
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
			for _, l := range refs.At(ids[0]) {
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
			cur := refs.At(id)
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
				refs.set(id, list)
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
