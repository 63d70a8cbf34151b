package features

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// searchIndex is what workspace symbols and completion by title look up
// for every task ID of a root, prepared once per root (see indexOf) so that
// a request only compares strings: the sorted IDs, their titles and
// statuses (as summary gives them), lowercase forms and the first
// definition (as Defs gives it).
//
// A root is immutable, so its index is kept with it (workspace.Root.Memo).
// An edit makes a new root, and the first request on it builds a new index
// from the last one built for that folder: a row whose task has the same
// preferred definition (the same Def, so the same doc) is the same, and the
// rows are kept in chunks that the two indexes share unless one of their
// rows changed. No file content is read, and no file is parsed.
type searchIndex struct {
	ids    []string // Root.IDs: sorted
	chunks []*chunk // row i is chunks[i/chunkSize].rows[i%chunkSize]
}

const chunkSize = 128

// chunk holds chunkSize rows (fewer in the last chunk), and their
// positions once asked for.
type chunk struct {
	rows [chunkSize]row
	pos  [chunkSize]atomic.Pointer[[2]text.Pos] // span as positions
}

// row is what the index knows of one task ID.
type row struct {
	def             *workspace.Def // &Root.Defs.At(id)[0], nil for a task without a file
	doc             *workspace.Doc // the doc of span, nil when Defs(r, id) is empty
	span            text.Span      // Defs(r, id)[0].Span
	title, status   string         // as summary gives them
	lowTitle, lowID string         // strings.ToLower of the title and the ID
	// letters has a bit for each ASCII byte of lowID + " " + lowTitle: a
	// query byte that is not there cannot match in any way (see matcher).
	letters [2]uint64
	done    bool // status is completed
}

func (x *searchIndex) row(i int) *row { return &x.chunks[i/chunkSize].rows[i%chunkSize] }

// loc is the row's Defs(r, id)[0]; ok is false when there is none.
func (w *row) loc() (Location, bool) {
	if w.doc == nil {
		return Location{}, false
	}
	return Location{Path: w.doc.Path, Span: w.span}, true
}

type searchIndexKey struct{}

// lastIndex holds the last index built for each root folder (Root.Dir):
// the next root of that folder starts from it. It is held strongly, as an
// edit's root is often the only one left by the time a request asks for
// its index; forget drops the folders a snapshot no longer has.
var lastIndex sync.Map // string -> *searchIndex

// indexOf returns the root's search index, building it on first use.
func indexOf(r *workspace.Root) *searchIndex {
	return r.Memo(searchIndexKey{}, func() any {
		var prev *searchIndex
		if v, ok := lastIndex.Load(r.Dir); ok {
			prev = v.(*searchIndex)
		}
		x := buildIndex(r, prev)
		lastIndex.Store(r.Dir, x)
		return x
	}).(*searchIndex)
}

// forget drops the last indexes of the folders s has no root for: what
// they hold (their tasks' docs) goes with them.
func forget(s *workspace.Snapshot) {
	lastIndex.Range(func(k, _ any) bool {
		for _, r := range s.Roots {
			if r.Dir == k.(string) {
				return true
			}
		}
		lastIndex.Delete(k)
		return true
	})
}

// buildIndex builds the index of r from prev (an index of an earlier root
// of the same folder, or nil): everything in a row derives from the ID's
// first Def alone (its doc and span), so a row whose Def is the one prev
// has, or has the same doc and span, is prev's row. With the same ID list
// (an edit that adds or removes no task), the chunks without a changed row
// are prev's; otherwise the rows are copied.
func buildIndex(r *workspace.Root, prev *searchIndex) *searchIndex {
	ids := r.IDs
	n := len(ids)
	x := &searchIndex{ids: ids, chunks: make([]*chunk, (n+chunkSize-1)/chunkSize)}
	sameIDs := prev != nil && len(prev.ids) == n && (n == 0 || &prev.ids[0] == &ids[0])
	if sameIDs {
		copy(x.chunks, prev.chunks)
	} else {
		for c := range x.chunks {
			x.chunks[c] = new(chunk)
		}
	}
	owned := make([]bool, len(x.chunks)) // chunks of x's own (all of them unless sameIDs)
	for c := range owned {
		owned[c] = !sameIDs
	}
	if sameIDs || n < 2*splitRows {
		x.fill(r, prev, 0, n, sameIDs, owned)
		return x
	}
	// every row is written: two goroutines, on rows of separate chunks (the
	// time goes into reading tasks and titles all over the heap)
	mid := n / 2 / chunkSize * chunkSize
	done := make(chan struct{})
	go func() {
		x.fill(r, prev, mid, n, false, owned)
		close(done)
	}()
	x.fill(r, prev, 0, mid, false, owned)
	<-done
	return x
}

// splitRows is how many rows buildIndex fills in one goroutine, at least
// (a variable for the tests).
var splitRows = 2048

// fill fills rows lo to hi of x (see buildIndex): with sameIDs, x has the
// chunks of prev, and owned says which are x's own already.
func (x *searchIndex) fill(r *workspace.Root, prev *searchIndex, lo, hi int, sameIDs bool, owned []bool) {
	ids := x.ids
	j := 0 // prev's row of ids[i] when !sameIDs
	if prev != nil && !sameIDs && lo < hi {
		j = sort.SearchStrings(prev.ids, ids[lo])
	}
	var fresh []int32 // the rows built here, not kept from prev
	if !sameIDs {
		fresh = make([]int32, 0, hi-lo)
	}
	for i := lo; i < hi; i++ {
		id := ids[i]
		// prev's row for id, if any
		var old *row
		k := i
		if prev != nil {
			if !sameIDs {
				for j < len(prev.ids) && prev.ids[j] < id {
					j++
				}
				k = j
			}
			if k < len(prev.ids) && (sameIDs || prev.ids[k] == id) {
				old = prev.row(k)
			}
		}
		// the same lookups, in the same order, as summary and Defs
		var w row
		if defs := r.Defs.At(id); len(defs) > 0 {
			if old != nil && old.def == &defs[0] {
				x.keep(i, prev, k, sameIDs)
				continue
			}
			if old != nil && old.def != nil && old.doc == defs[0].Doc && old.span == defs[0].Span {
				// the same definition in a Def list of its own (the root
				// was indexed anew): prev's row, but for def
				w = *old
				w.def = &defs[0]
				x.put(i, w, prev.chunks[k/chunkSize].pos[k%chunkSize].Load(), owned)
				continue
			}
			d := defs[0].Doc
			t := d.Task
			w.def = &defs[0]
			w.title = t.Title()
			w.status = t.StatusNorm()
			if w.status == "" {
				w.status = t.Status()
			}
			w.doc, w.span = d, defs[0].Span
		} else {
			if es := r.Entries[id]; len(es) > 0 {
				e := es[0].Entry
				w.title = e.Title().Value
				w.status = norm(e.Status().Value)
				w.doc, w.span = es[0].Doc, e.IDSpan()
			} else {
				w.status = "deferred"
				if ref, ok := r.Deferred[id]; ok && r.Manifest != nil {
					w.doc, w.span = r.Manifest, ref.Span
				}
			}
			if old != nil && old.def == nil && old.doc == w.doc && old.span == w.span && old.title == w.title && old.status == w.status {
				x.keep(i, prev, k, sameIDs)
				continue
			}
		}
		w.done = w.status == model.StatusCompleted
		x.put(i, w, nil, owned)
		fresh = append(fresh, int32(i))
	}
	// the new rows' lowercase forms, in one string
	size := 0
	for _, i := range fresh {
		size += len(ids[i]) + len(x.row(int(i)).title)
	}
	var sb strings.Builder
	sb.Grow(size + size/8) // lowercase can be longer than the original (İ, invalid UTF-8)
	var scratch []byte
	ends := make([]int32, 0, 2*len(fresh))
	for _, i := range fresh {
		w := x.row(int(i))
		scratch = appendLower(scratch[:0], ids[i], &w.letters)
		sb.Write(scratch)
		ends = append(ends, int32(sb.Len()))
		scratch = appendLower(scratch[:0], w.title, &w.letters)
		sb.Write(scratch)
		ends = append(ends, int32(sb.Len()))
		w.letters[0] |= 1 << ' ' // the space between them
	}
	all := sb.String()
	at := int32(0)
	for f, i := range fresh {
		w := x.row(int(i))
		w.lowID = all[at:ends[2*f]]
		w.lowTitle = all[ends[2*f]:ends[2*f+1]]
		at = ends[2*f+1]
	}
}

// put sets row i and its positions, in a chunk of x's own: a chunk x
// shares with prev is copied first.
func (x *searchIndex) put(i int, w row, pos *[2]text.Pos, owned []bool) {
	c := i / chunkSize
	if !owned[c] {
		nc := new(chunk)
		nc.rows = x.chunks[c].rows
		for q := range nc.pos {
			nc.pos[q].Store(x.chunks[c].pos[q].Load())
		}
		x.chunks[c], owned[c] = nc, true
	}
	x.chunks[c].rows[i%chunkSize] = w
	x.chunks[c].pos[i%chunkSize].Store(pos)
}

// keep makes row i of x row k of prev: it is there already when the
// chunks are shared, else it is copied with its positions.
func (x *searchIndex) keep(i int, prev *searchIndex, k int, shared bool) {
	if shared {
		return
	}
	c, pc := x.chunks[i/chunkSize], prev.chunks[k/chunkSize]
	c.rows[i%chunkSize] = pc.rows[k%chunkSize]
	c.pos[i%chunkSize].Store(pc.pos[k%chunkSize].Load())
}

// positions returns row i's span as line and UTF-16 column positions,
// computed once: that needs the file's content, which a doc read from disk
// reads again when it is not kept.
func (x *searchIndex) positions(i int) (start, end text.Pos) {
	c := x.chunks[i/chunkSize]
	if p := c.pos[i%chunkSize].Load(); p != nil {
		return p[0], p[1]
	}
	w := &c.rows[i%chunkSize]
	f := w.doc.Text
	p := &[2]text.Pos{f.Position(w.span.Start), f.Position(w.span.End)}
	c.pos[i%chunkSize].Store(p)
	return p[0], p[1]
}

// appendLower appends strings.ToLower(s) to buf, bytewise when s is ASCII,
// and sets in m the bits of the ASCII bytes it appended (see letters).
func appendLower(buf []byte, s string, m *[2]uint64) []byte {
	n := len(buf)
	buf = slices.Grow(buf, len(s))[:n+len(s)]
	dst := buf[n:]
	var bits [2]uint64
	for j := 0; j < len(s); j++ {
		c := s[j]
		if c >= utf8.RuneSelf {
			// as strings.ToLower does it: strings.Map(unicode.ToLower, s),
			// each rune (an invalid byte is U+FFFD) lowered and encoded
			buf = buf[:n]
			for _, r := range s {
				buf = utf8.AppendRune(buf, unicode.ToLower(r))
			}
			addLetters(m, buf[n:])
			return buf
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst[j] = c
		bits[c>>6&1] |= 1 << (c & 63)
	}
	m[0] |= bits[0]
	m[1] |= bits[1]
	return buf
}

func addLetters[S ~string | ~[]byte](m *[2]uint64, s S) {
	for j := 0; j < len(s); j++ {
		if c := s[j]; c < utf8.RuneSelf {
			m[c>>6] |= 1 << (c & 63)
		}
	}
}

// matcher scores task IDs and titles against one workspace symbol query,
// without allocating.
type matcher struct {
	q       string // lowercase, trimmed
	spaceQ  string // " " + q
	ascii   bool   // q is ASCII: letters can rule a candidate out
	letters [2]uint64
}

func newMatcher(q string) *matcher {
	m := &matcher{q: q, spaceQ: " " + q, ascii: true}
	for j := 0; j < len(q); j++ {
		if q[j] >= utf8.RuneSelf {
			m.ascii = false
		}
	}
	if m.ascii {
		addLetters(&m.letters, q)
	}
	return m
}

// match scores a query against an ID and a title, both lowercase (lower is
// better): 0 the ID, 1 an ID prefix, 2 a title prefix, 3 the start of a
// title word, 4 inside the title or the ID, 10 and more (10 + the letters
// skipped) the query's letters in order in the ID, a space and the title;
// 50 every task for an empty query.
func (m *matcher) match(id, title string, letters [2]uint64) (int, bool) {
	q := m.q
	switch {
	case q == "":
		return 50, true
	case m.ascii && (m.letters[0]&^letters[0] != 0 || m.letters[1]&^letters[1] != 0):
		// a byte of q is in neither: no case below can match
		return 0, false
	case id == q:
		return 0, true
	case strings.HasPrefix(id, q):
		return 1, true
	case strings.HasPrefix(title, q):
		return 2, true
	case strings.Contains(title, m.spaceQ):
		return 3, true
	case strings.Contains(title, q) || strings.Contains(id, q):
		return 4, true
	}
	// fuzzy: the query's letters in order in id + " " + title
	i, gaps := fuzzy(q, id, 0, 0)
	i, gaps = fuzzy(q, " ", i, gaps)
	i, gaps = fuzzy(q, title, i, gaps)
	if i == len(q) {
		return 10 + gaps, true
	}
	return 0, false
}

// fuzzy goes on matching q's bytes, from the i-th, against the runes of s
// in order, counting the runes skipped once the first has matched.
func fuzzy(q, s string, i, gaps int) (int, int) {
	for _, c := range s {
		if i < len(q) && c == rune(q[i]) {
			i++
		} else if i > 0 && i < len(q) {
			gaps++
		}
	}
	return i, gaps
}
