package taskfile

import (
	"iter"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// A task file's lists of task IDs (dependencies, blocked_by, blocks) are
// packed into the record's words (see rec): a model.List takes 80 bytes,
// each of its items 40 and its ID string 8 more; here the keys and the
// item IDs are in the record's string, a list takes two words and an item
// one, and none has a pointer the garbage collector scans. A list's first
// word is its span and where its key is in the string, its second the
// number of its items, its kind and its style; an item's word is its span
// and where its ID is.

// packLists adds lists to the record being made: its words to w, its
// strings to str.
func packLists(w []rec, str []byte, lists []*model.List) ([]rec, []byte) {
	for _, l := range lists {
		k0 := len(str)
		str = append(str, l.Key...)
		w = append(w, rec{off32(l.Span.Start), off32(l.Span.End), uint32(k0), uint32(len(str))},
			rec{uint32(len(l.Items)), uint32(l.Kind), uint32(l.Style), 0})
	}
	for _, l := range lists {
		for _, it := range l.Items {
			i0 := len(str)
			str = append(str, it.ID...)
			w = append(w, rec{off32(it.Span.Start), off32(it.Span.End), uint32(i0), uint32(len(str))})
		}
	}
	return w, str
}

// listWords are the two words of each list, then a word for each item.
func (t *Task) listWords() (lists, items []rec) {
	w := t.words[t.n[nSections] : t.n[nSections]+2*t.n[nLists]+t.n[nItems]]
	return w[:2*t.n[nLists]], w[2*t.n[nLists]:]
}

// listRef is the item w of a list of kind k, as a reference.
func (t *Task) listRef(w rec, k model.RefKind) model.Ref {
	return model.Ref{ID: t.str[w.c:w.d], Span: text.Span{Start: int(w.a), End: int(w.b)}, Kind: k}
}

// list makes list i, whose items are items.
func (t *Task) list(i int, items []rec) *model.List {
	lists, _ := t.listWords()
	h, m := lists[2*i], lists[2*i+1]
	ml := &model.List{Key: t.str[h.c:h.d], Span: text.Span{Start: int(h.a), End: int(h.b)}, Kind: model.RefKind(m.b), Style: byte(m.c)}
	if m.a > 0 {
		ml.Items = make([]model.Ref, m.a)
		for j := range ml.Items {
			ml.Items[j] = t.listRef(items[j], ml.Kind)
		}
	}
	return ml
}

// Lists returns the task's lists of task IDs (dependencies/depends_on,
// blocked_by, blocks), in the order of the file. The task keeps them
// packed: each call makes new lists, which the caller may keep or change.
// Work over every task file reads ListRefs, which makes nothing.
func (t *Task) Lists() []*model.List {
	n := t.NumLists()
	if n == 0 {
		return nil
	}
	lists, items := t.listWords()
	out := make([]*model.List, n)
	for i := range out {
		out[i] = t.list(i, items)
		items = items[lists[2*i+1].a:]
	}
	return out
}

// List returns list i of Lists, made anew.
func (t *Task) List(i int) *model.List {
	lists, items := t.listWords()
	for j := range i {
		items = items[lists[2*j+1].a:]
	}
	return t.list(i, items)
}

// NumLists is the number of lists of task IDs.
func (t *Task) NumLists() int { return int(t.n[nLists]) }

// ListSpan is the span of list i, and its kind.
func (t *Task) ListSpan(i int) (text.Span, model.RefKind) {
	lists, _ := t.listWords()
	h := lists[2*i]
	return text.Span{Start: int(h.a), End: int(h.b)}, model.RefKind(lists[2*i+1].b)
}

// ListRefs yields the items of every list of task IDs, list after list,
// each of the kind of its list.
func (t *Task) ListRefs() iter.Seq[model.Ref] {
	return func(yield func(model.Ref) bool) {
		lists, items := t.listWords()
		for i := 1; i < len(lists); i += 2 {
			k := model.RefKind(lists[i].b)
			for _, w := range items[:lists[i].a] {
				if !yield(t.listRef(w, k)) {
					return
				}
			}
			items = items[lists[i].a:]
		}
	}
}

// NumListRefs is the number of items of the lists of task IDs.
func (t *Task) NumListRefs() int { return int(t.n[nItems]) }

// ListRef is item i of the lists of task IDs, counted as ListRefs yields them.
func (t *Task) ListRef(i int) model.Ref {
	lists, items := t.listWords()
	w := items[i] // (out of range: a panic, as a slice's)
	for j := 1; j < len(lists); j += 2 {
		if i < int(lists[j].a) {
			return t.listRef(w, model.RefKind(lists[j].b))
		}
		i -= int(lists[j].a)
	}
	panic("unreachable")
}
