package taskfile

import (
	"iter"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// idLists holds a task file's lists of task IDs (dependencies, blocked_by,
// blocks) packed: the index keeps them for every task file, and a
// model.List takes 80 bytes, each of its items 40 and its ID string 8
// more. Here the keys and the item IDs are one string, a list takes 20
// bytes and an item 12, and neither has a pointer the garbage collector
// scans. Offsets past 4 GiB, which no file taskls reads reaches, are cut
// there (off32).
type idLists struct {
	s     string // each list's key, then its items' IDs, list after list
	lists []idList
	items []idItem
}

type idList struct {
	start, end uint32 // the list's span
	keyEnd     uint32 // the key is s[keyEnd-len:keyEnd]: from the end of the previous list's last ID (or 0)
	n          uint32 // its items: the n after the previous lists'
	kind       model.RefKind
	style      byte
}

type idItem struct {
	start, end uint32 // the item's span
	idEnd      uint32 // its ID is s from the end of the previous string (key or ID) to here
}

// packLists packs lists, in slices and a string of their exact sizes.
func packLists(lists []*model.List) idLists {
	if len(lists) == 0 {
		return idLists{}
	}
	size, n := 0, 0
	for _, l := range lists {
		size += len(l.Key)
		n += len(l.Items)
		for _, it := range l.Items {
			size += len(it.ID)
		}
	}
	buf := make([]byte, 0, size)
	p := idLists{lists: make([]idList, len(lists))}
	if n > 0 {
		p.items = make([]idItem, 0, n)
	}
	for i, l := range lists {
		buf = append(buf, l.Key...)
		p.lists[i] = idList{start: off32(l.Span.Start), end: off32(l.Span.End), keyEnd: uint32(len(buf)), n: uint32(len(l.Items)), kind: l.Kind, style: l.Style}
		for _, it := range l.Items {
			buf = append(buf, it.ID...)
			p.items = append(p.items, idItem{start: off32(it.Span.Start), end: off32(it.Span.End), idEnd: uint32(len(buf))})
		}
	}
	p.s = string(buf)
	return p
}

// strStart is where the string that ends at item i starts: the end of the
// key of its list when it is the list's first item, else of the item before.
func (p *idLists) strStart(list, first, i int) uint32 {
	if i == first {
		return p.lists[list].keyEnd
	}
	return p.items[i-1].idEnd
}

// listsAll yields each list with the index of its first item.
func (p *idLists) listsAll(yield func(list, first int) bool) {
	first := 0
	for i := range p.lists {
		if !yield(i, first) {
			return
		}
		first += int(p.lists[i].n)
	}
}

// ref is item i of list (whose first item is first), as a reference.
func (p *idLists) ref(list, first, i int) model.Ref {
	it := p.items[i]
	return model.Ref{ID: p.s[p.strStart(list, first, i):it.idEnd], Span: text.Span{Start: int(it.start), End: int(it.end)}, Kind: p.lists[list].kind}
}

// key is the key of list i, whose first item is first.
func (p *idLists) key(i, first int) string {
	start := uint32(0)
	if i > 0 {
		start = p.lists[i-1].keyEnd // the list before has no items
		if p.lists[i-1].n > 0 {
			start = p.items[first-1].idEnd // its last item
		}
	}
	return p.s[start:p.lists[i].keyEnd]
}

// Lists returns the task's lists of task IDs (dependencies/depends_on,
// blocked_by, blocks), in the order of the file. The task keeps them
// packed: each call makes new lists, which the caller may keep or change.
// Work over every task file reads ListRefs, which makes nothing.
func (t *Task) Lists() []*model.List {
	p := &t.lists
	if len(p.lists) == 0 {
		return nil
	}
	out := make([]*model.List, 0, len(p.lists))
	for i, first := range p.listsAll {
		out = append(out, p.list(i, first))
	}
	return out
}

// List returns list i of Lists, made anew.
func (t *Task) List(i int) *model.List {
	p := &t.lists
	first := 0
	for j := range i {
		first += int(p.lists[j].n)
	}
	return p.list(i, first)
}

// list makes list i, whose first item is first.
func (p *idLists) list(i, first int) *model.List {
	l := p.lists[i]
	ml := &model.List{Key: p.key(i, first), Span: text.Span{Start: int(l.start), End: int(l.end)}, Kind: l.kind, Style: l.style}
	if l.n > 0 {
		ml.Items = make([]model.Ref, l.n)
		for j := range ml.Items {
			ml.Items[j] = p.ref(i, first, first+j)
		}
	}
	return ml
}

// NumLists is the number of lists of task IDs.
func (t *Task) NumLists() int { return len(t.lists.lists) }

// ListSpan is the span of list i, and its kind.
func (t *Task) ListSpan(i int) (text.Span, model.RefKind) {
	l := t.lists.lists[i]
	return text.Span{Start: int(l.start), End: int(l.end)}, l.kind
}

// ListRefs yields the items of every list of task IDs, list after list,
// each of the kind of its list.
func (t *Task) ListRefs() iter.Seq[model.Ref] {
	return func(yield func(model.Ref) bool) {
		p := &t.lists
		for i, first := range p.listsAll {
			for j := first; j < first+int(p.lists[i].n); j++ {
				if !yield(p.ref(i, first, j)) {
					return
				}
			}
		}
	}
}

// NumListRefs is the number of items of the lists of task IDs.
func (t *Task) NumListRefs() int { return len(t.lists.items) }

// ListRef is item i of the lists of task IDs, counted as ListRefs yields them.
func (t *Task) ListRef(i int) model.Ref {
	p := &t.lists
	first := 0
	for l := range p.lists {
		n := int(p.lists[l].n)
		if i < first+n {
			return p.ref(l, first, i)
		}
		first += n
	}
	panic("taskfile: list item out of range")
}
