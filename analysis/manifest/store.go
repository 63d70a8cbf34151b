package manifest

import (
	"slices"

	"github.com/taskls/taskls/analysis/text"
)

// store is what a Manifest keeps, compact: a 10,000-task manifest has about
// 100,000 refs and 38,000 lists. Offsets are uint32 (Parse refuses input of
// maxSize or more), strings are indexes into one table, and ends that
// follow from a start and a string's length are not stored: the rare ones
// that do not (escapes, blanks trimmed off an ID, arrays as field values)
// are in small side tables keyed by the start, searched by halves.
type store struct {
	strs string   // every distinct string kept (IDs, keys, field values), end to end
	offs []uint32 // string i is strs[offs[i]:offs[i+1]]

	refs []ref    // in source order
	rodd []oddRef // by start: the refs whose end or tail does not follow
	// pages[p] is the number of the first ref that starts at or after
	// p<<pageBits (and len(pages) is past the last ref's page): a search
	// by offset halves one page's refs, not all of them
	pages []uint32

	lists  []list  // in source order (of their starts)
	xlists []xlist // by start: lists whose items are not every ref inside them
	xrefs  []uint32

	entries []Entry
	fodd    []oddEnd // by start: the fields whose end does not follow
}

// maxSize bounds the input Parse reads: offsets fit in uint32, and string
// indexes in idxBits bits (each string of the table takes at least 4 bytes
// of input: `"a",`).
const maxSize = 1 << (idxBits + 2)

// pageBits sizes the pages of store.pages: 4 KiB, about 55 refs of a
// manifest written by json.dump(indent=2), 4 bytes of index each.
const pageBits = 12

const (
	idxBits  = 32 - idxShift
	idxShift = 5
	kindMask = 1<<4 - 1 // a model.RefKind (16 kinds)
	oddBit   = 1 << 4
)

// ref is a task-ID occurrence: w is the ID's string index<<idxShift |
// oddBit (see rodd) | kind. Its span ends len(ID) after start unless odd.
type ref struct{ start, w uint32 }

// oddRef is a ref's end, and for a list item the offset past its closing
// quote (ListTail), when the one is not start+len(ID) or the other end+1.
type oddRef struct{ start, end, tail uint32 }

// list is a list of task IDs: w is its key's string index<<idxShift |
// oddBit (its items are listed in xlists) | the kind of its items; owner is
// the string index + 1 of its dependency_graph node, 0 for none. Its items
// are the refs inside its span unless odd (a nested list or an object in
// it holds refs of its own, or it is the strings of an array of entries).
type list struct{ start, end, owner, w uint32 }

// xlist gives the items of an odd list: xrefs[off:off+n], ref numbers.
type xlist struct{ start, off, n uint32 }

// field is an entry's field: w is its value's string index<<3 | tag<<1 |
// odd (its end is in fodd). The end of a string follows from its value's
// length when it has no escapes, of a number or bool always.
type field struct{ start, w uint32 }

const (
	tagAbsent = iota
	tagNull
	tagString
	tagOther // number, bool, array or object
)

// oddEnd is the end of a field token that does not follow from its value.
type oddEnd struct{ start, end uint32 }

// str is string i of the table.
func (s *store) str(i uint32) string { return s.strs[s.offs[i]:s.offs[i+1]] }

func (s *store) strLen(i uint32) int { return int(s.offs[i+1] - s.offs[i]) }

func (s *store) refID(i int) string { return s.str(s.refs[i].w >> idxShift) }

func (s *store) refSpan(i int) text.Span {
	r := s.refs[i]
	if r.w&oddBit != 0 {
		if o, ok := s.odd(int(r.start)); ok {
			return text.Span{Start: int(r.start), End: int(o.end)}
		}
	}
	return text.Span{Start: int(r.start), End: int(r.start) + s.strLen(r.w>>idxShift)}
}

// odd finds the odd ref at start.
func (s *store) odd(start int) (oddRef, bool) {
	i, ok := slices.BinarySearchFunc(s.rodd, start, func(o oddRef, off int) int { return int(o.start) - off })
	if !ok {
		return oddRef{}, false
	}
	return s.rodd[i], true
}

// listRefs gives the items of list i: the refs numbered lo to hi, or those
// numbered in x when x is not nil.
func (s *store) listRefs(i int) (lo, hi int, x []uint32) {
	l := s.lists[i]
	if l.w&oddBit != 0 {
		if k, ok := slices.BinarySearchFunc(s.xlists, l.start, func(x xlist, off uint32) int { return cmpU32(x.start, off) }); ok {
			xl := s.xlists[k]
			return 0, 0, s.xrefs[xl.off : xl.off+xl.n : xl.off+xl.n]
		}
	}
	lo = s.firstRef(l.start)
	// lists are short (two items, most of them): walk to the end
	hi = lo
	for hi < len(s.refs) && s.refs[hi].start < l.end {
		hi++
	}
	return lo, hi, nil
}

// firstRef is the number of the first ref that starts at or after off.
func (s *store) firstRef(off uint32) int {
	p := int(off >> pageBits)
	if p >= len(s.pages) {
		return len(s.refs)
	}
	lo, hi := int(s.pages[p]), len(s.refs)
	if p+1 < len(s.pages) {
		hi = int(s.pages[p+1])
	}
	k, _ := slices.BinarySearchFunc(s.refs[lo:hi], off, func(r ref, off uint32) int { return cmpU32(r.start, off) })
	return lo + k
}

// paginate sets s.pages from s.refs.
func (s *store) paginate() {
	if len(s.refs) == 0 {
		return
	}
	s.pages = make([]uint32, int(s.refs[len(s.refs)-1].start>>pageBits)+1)
	p := 0
	for i, r := range s.refs {
		for ; p <= int(r.start>>pageBits); p++ {
			s.pages[p] = uint32(i)
		}
	}
}

func cmpU32(a, b uint32) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// field makes an entry's field.
func (s *store) field(f field) Field {
	tag := f.w >> 1 & 3
	if tag == tagAbsent {
		return Field{}
	}
	start := int(f.start)
	if tag == tagNull {
		return Field{Span: text.Span{Start: start, End: s.fieldEnd(f, start+len("null"))}}
	}
	v := s.str(f.w >> 3)
	if tag == tagString {
		return Field{Value: v, Span: text.Span{Start: start, End: s.fieldEnd(f, start+len(v)+2)}, Present: true, String: true}
	}
	return Field{Value: v, Span: text.Span{Start: start, End: s.fieldEnd(f, start+len(v))}, Present: true}
}

// fieldEnd is the end of f's token: end unless f is odd.
func (s *store) fieldEnd(f field, end int) int {
	if f.w&1 == 0 {
		return end
	}
	i, ok := slices.BinarySearchFunc(s.fodd, f.start, func(o oddEnd, off uint32) int { return cmpU32(o.start, off) })
	if !ok {
		return end
	}
	return int(s.fodd[i].end)
}
