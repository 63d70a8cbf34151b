// Package manifest reads a `.tasks/manifest.json`: its task entries and every
// list of task IDs in it (dependencies, blocks, the dependency graph, critical
// paths, phase and deferred lists), each with the exact span of every ID.
//
// The document is read with a jsonpos.Decoder, never as a whole tree: what is
// kept is extracted on the way and the rest is only checked for syntax, so a
// manifest of tens of thousands of entries costs little more memory than what
// is kept.
//
// What is kept is compact (see store.go): every string once in one table,
// refs, lists and entries as small records of offsets and table indexes.
// Refs and lists hold no pointers (the collector does not scan them); an
// entry holds one, to its manifest. The methods make model.Ref values (no
// allocation) and model.List views when asked: a new one each time (List,
// Entry.DependsOn), or in the caller's storage (ListInto), or only the
// items (AppendListItems, ListItems).
package manifest

import (
	"iter"
	"strings"

	"github.com/taskls/taskls/analysis/jsonpos"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// Field is one scalar member of an entry.
type Field struct {
	Value   string    // decoded string, or the literal text of a number or bool
	Span    text.Span // the value token, quotes included
	Present bool      // false when absent or null
	String  bool      // the value is a JSON string (Span starts and ends with its quotes)
}

// Inner is the span of the field's value inside its quotes, or the whole
// token when it is not a string.
func (f Field) Inner() text.Span {
	if f.String {
		return inner(f.Span)
	}
	return f.Span
}

// Entry is one task of the manifest's `tasks`. Its values are made by its
// methods from the manifest's tables: an entry is a small record.
type Entry struct {
	m          *Manifest
	ref        uint32 // the ref of its ID (KindEntryID)
	start, end uint32 // the whole entry object
	fields     [nFields]field
	lists      [3]uint32 // depends_on, blocks, blocked_by: list index + 1, 0 when absent
}

// the fields of an entry, in Entry.fields
const (
	fTitle = iota
	fStatus
	fPriority
	fFile
	nFields
)

// ID is the entry's task ID (the key of an object map without ids).
func (e *Entry) ID() string { return e.m.refID(int(e.ref)) }

// IDSpan is inside the quotes of the id (of the key, for an object map
// without ids).
func (e *Entry) IDSpan() text.Span { return e.m.refSpan(int(e.ref)) }

// Span is the whole entry object.
func (e *Entry) Span() text.Span { return text.Span{Start: int(e.start), End: int(e.end)} }

// Title is `title`, else `name`.
func (e *Entry) Title() Field { return e.m.field(e.fields[fTitle]) }

// Status is `status`.
func (e *Entry) Status() Field { return e.m.field(e.fields[fStatus]) }

// Priority is `priority`.
func (e *Entry) Priority() Field { return e.m.field(e.fields[fPriority]) }

// File is `file`, else `path` or `file_path`.
func (e *Entry) File() Field { return e.m.field(e.fields[fFile]) }

// FileInner is inside the quotes of File.
func (e *Entry) FileInner() text.Span { return e.File().Inner() }

// EntryList names one of an entry's lists.
type EntryList int

const (
	DependsOnList EntryList = iota // `depends_on` or `dependencies`, the first written
	BlocksList                     // `blocks`
	BlockedByList                  // `blocked_by`
)

// DependsOn is `depends_on` or `dependencies`, the first written; nil when
// absent. Each call makes a new view.
func (e *Entry) DependsOn() *model.List { return e.List(DependsOnList) }

// Blocks is `blocks`, nil when absent. Each call makes a new view.
func (e *Entry) Blocks() *model.List { return e.List(BlocksList) }

// BlockedBy is `blocked_by`, nil when absent. Each call makes a new view.
func (e *Entry) BlockedBy() *model.List { return e.List(BlockedByList) }

// HasDependsOn reports whether DependsOn is not nil, without making it.
func (e *Entry) HasDependsOn() bool { return e.lists[DependsOnList] != 0 }

// List is a new view of the entry's list k, nil when absent.
func (e *Entry) List(k EntryList) *model.List {
	if e.lists[k] == 0 {
		return nil
	}
	return e.m.List(int(e.lists[k] - 1))
}

// ListLen is the number of items of the entry's list k (0 when absent),
// without making it.
func (e *Entry) ListLen(k EntryList) int {
	if e.lists[k] == 0 {
		return 0
	}
	return e.m.ListLen(int(e.lists[k] - 1))
}

// AppendListItems appends the items of the entry's list k (none when
// absent) to dst.
func (e *Entry) AppendListItems(dst []model.Ref, k EntryList) []model.Ref {
	if e.lists[k] == 0 {
		return dst
	}
	return e.m.AppendListItems(dst, int(e.lists[k]-1))
}

// ListInto sets *l to a view of the entry's list k (see Manifest.ListInto)
// and reports true, or reports false when the entry has no such list.
func (e *Entry) ListInto(l *model.List, k EntryList) bool {
	if e.lists[k] == 0 {
		return false
	}
	e.m.ListInto(l, int(e.lists[k]-1))
	return true
}

// ListItems yields the items of the entry's list k (none when absent),
// without making it.
func (e *Entry) ListItems(k EntryList) iter.Seq2[int, model.Ref] {
	if e.lists[k] == 0 {
		return func(func(int, model.Ref) bool) {}
	}
	return e.m.ListItems(int(e.lists[k] - 1))
}

// Manifest is what taskls needs of a manifest.json.
type Manifest struct {
	// Stats is the top-level "stats" object (the first, if repeated), or nil.
	Stats *jsonpos.Value
	// Err is set when the document is not JSON; then nothing else is.
	Err *jsonpos.SyntaxError

	// What a fix appending an entry needs of the text, learnt while
	// parsing (the workspace does not keep the text of a manifest read from
	// disk): the blanks before the last entry on its line ("" when other
	// text comes first); when the entries are an object map, where the last
	// entry's key starts (its opening quote; -1 otherwise) and the blanks
	// before that key on its line.
	LastIndent    string
	LastKey       int
	LastKeyIndent string

	store
}

// NumRefs is the number of task-ID occurrences.
func (m *Manifest) NumRefs() int { return len(m.refs) }

// Ref is occurrence i of a task ID: entry ids (KindEntryID), list items,
// dependency_graph keys, numbered in source order.
func (m *Manifest) Ref(i int) model.Ref {
	return model.Ref{ID: m.refID(i), Span: m.refSpan(i), Kind: model.RefKind(m.refs[i].w & kindMask)}
}

// Refs yields every task-ID occurrence in source order, with its number.
func (m *Manifest) Refs() iter.Seq2[int, model.Ref] {
	return func(yield func(int, model.Ref) bool) {
		for i := range m.refs {
			if !yield(i, m.Ref(i)) {
				return
			}
		}
	}
}

// RefKind is the kind of ref i, without making the ref.
func (m *Manifest) RefKind(i int) model.RefKind { return model.RefKind(m.refs[i].w & kindMask) }

// RefAt returns the first ref whose span contains off (its end included).
func (m *Manifest) RefAt(off int) (model.Ref, bool) {
	// refs are in order and do not overlap, so their ends are in order
	// too: find the first that does not end before off
	lo, hi := 0, len(m.refs)
	for lo < hi {
		h := (lo + hi) / 2
		if m.refSpan(h).End < off {
			lo = h + 1
		} else {
			hi = h
		}
	}
	for i := lo; i < len(m.refs) && int(m.refs[i].start) <= off; i++ {
		if r := m.Ref(i); r.Span.Contains(off) {
			return r, true
		}
	}
	return model.Ref{}, false
}

// NumEntries is the number of task entries.
func (m *Manifest) NumEntries() int { return len(m.entries) }

// Entry is entry i, in source order.
func (m *Manifest) Entry(i int) *Entry { return &m.entries[i] }

// Entries yields every entry in source order, with its number.
func (m *Manifest) Entries() iter.Seq2[int, *Entry] {
	return func(yield func(int, *Entry) bool) {
		for i := range m.entries {
			if !yield(i, &m.entries[i]) {
				return
			}
		}
	}
}

// NumLists is the number of lists of task IDs, the entries' own included.
func (m *Manifest) NumLists() int { return len(m.lists) }

// List is a new view of list i (lists are numbered in source order); its
// items are the refs it holds, its Style '['.
func (m *Manifest) List(i int) *model.List {
	l := &model.List{}
	if n := m.ListLen(i); n > 0 {
		l.Items = make([]model.Ref, 0, n)
	}
	m.ListInto(l, i)
	return l
}

// Lists yields a new view of every list in source order, with its number.
func (m *Manifest) Lists() iter.Seq2[int, *model.List] {
	return func(yield func(int, *model.List) bool) {
		for i := range m.lists {
			if !yield(i, m.List(i)) {
				return
			}
		}
	}
}

// ListKind is the kind of the items of list i.
func (m *Manifest) ListKind(i int) model.RefKind { return model.RefKind(m.lists[i].w & kindMask) }

// ListSpan is the span of list i, from its opening bracket to past its
// closing one.
func (m *Manifest) ListSpan(i int) text.Span {
	return text.Span{Start: int(m.lists[i].start), End: int(m.lists[i].end)}
}

// ListOwner is the dependency_graph node list i belongs to (see
// model.List.Owner).
func (m *Manifest) ListOwner(i int) string {
	if o := m.lists[i].owner; o != 0 {
		return m.str(o - 1)
	}
	return ""
}

// ListLen is the number of items of list i.
func (m *Manifest) ListLen(i int) int {
	lo, hi, x := m.listRefs(i)
	if x != nil {
		return len(x)
	}
	return hi - lo
}

// AppendListItems appends the items of list i to dst, in order.
func (m *Manifest) AppendListItems(dst []model.Ref, i int) []model.Ref {
	lo, hi, x := m.listRefs(i)
	if x != nil {
		for _, r := range x {
			dst = append(dst, m.Ref(int(r)))
		}
		return dst
	}
	for k := lo; k < hi; k++ {
		dst = append(dst, m.Ref(k))
	}
	return dst
}

// ListInto sets *l to a view of list i as List makes it, its Items in the
// storage of l.Items (empty rather than nil when l had storage): no
// allocation once the storage is large enough, for a caller that is done
// with the view before it reuses l.
func (m *Manifest) ListInto(l *model.List, i int) {
	x := m.lists[i]
	items := m.AppendListItems(l.Items[:0], i)
	*l = model.List{Key: m.str(x.w >> idxShift), Span: text.Span{Start: int(x.start), End: int(x.end)},
		Items: items, Owner: m.ListOwner(i), Kind: model.RefKind(x.w & kindMask), Style: '['}
}

// ListItems yields the items of list i in order, with their place in it.
func (m *Manifest) ListItems(i int) iter.Seq2[int, model.Ref] {
	return func(yield func(int, model.Ref) bool) {
		lo, hi, x := m.listRefs(i)
		if x != nil {
			for k, r := range x {
				if !yield(k, m.Ref(int(r))) {
					return
				}
			}
			return
		}
		for k := lo; k < hi; k++ {
			if !yield(k-lo, m.Ref(k)) {
				return
			}
		}
	}
}

// ListTail is the offset right after the closing quote of the last item
// of l, a list of the manifest that has items: where an item appended
// after it goes.
func (m *Manifest) ListTail(l *model.List) int {
	last := l.Items[len(l.Items)-1].Span
	if o, ok := m.odd(last.Start); ok {
		return int(o.tail)
	}
	return last.End + 1
}

// indentBefore is the blanks between the start of off's line and off, or
// "" when something else comes first.
func indentBefore(data []byte, off int) string {
	ls := off
	for ls > 0 && data[ls-1] != '\n' && data[ls-1] != '\r' {
		ls--
	}
	if strings.TrimSpace(string(data[ls:off])) != "" {
		return ""
	}
	return string(data[ls:off])
}

// Deferred returns the set of IDs that appear in deferred lists.
func (m *Manifest) Deferred() map[string]bool {
	out := map[string]bool{}
	for i := range m.refs {
		if m.RefKind(i) == model.KindDeferred {
			out[m.refID(i)] = true
		}
	}
	return out
}
