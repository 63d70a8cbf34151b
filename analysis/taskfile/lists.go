package taskfile

import (
	"iter"
	"unique"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// A task file's lists of task IDs (dependencies, blocked_by, blocks) are
// packed among the record's words (see Task.words): a model.List takes
// 80 bytes, each of its items 40 and its ID string 8 more; here a list
// takes five numbers, its key numbered as section titles are (the keys
// of lists are a few words: see ListKeys), and an item three, its ID in
// the record's string, and none is a pointer the garbage collector scans.

// packLists adds lists to the record being made: their numbers to w,
// their items' IDs to str.
func packLists(w []uint32, str []byte, lists []*model.List) ([]uint32, []byte) {
	for _, l := range lists {
		w = append(w, off32(l.Span.Start), off32(l.Span.End), internID(unique.Make(l.Key)), uint32(len(l.Items)), uint32(l.Kind)|uint32(l.Style)<<8)
	}
	for _, l := range lists {
		for _, it := range l.Items {
			str = append(str, it.ID...)
			w = append(w, off32(it.Span.Start), off32(it.Span.End), uint32(len(str)))
		}
	}
	return w, str
}

// listCursor walks the lists and their items in order.
type listCursor struct {
	t            *Task
	lists, items []uint32
	idStart      uint32 // where the next item's ID starts in str
}

func (t *Task) listCursor() listCursor {
	return listCursor{t: t, lists: t.region(nLists), items: t.region(nItems), idStart: uint32(t.end(len(t.ends) - 1))}
}

// next steps to the next list: its words and its key, or ok false.
func (c *listCursor) next() (h []uint32, key string, ok bool) {
	if len(c.lists) == 0 {
		return nil, "", false
	}
	h, c.lists = c.lists[:listWords], c.lists[listWords:]
	return h, internedHandle(h[2]).Value(), true
}

// item steps to the next item, of a list of kind k.
func (c *listCursor) item(k model.RefKind) model.Ref {
	w := c.items[:itemWords]
	c.items = c.items[itemWords:]
	r := model.Ref{ID: c.t.str[c.idStart:w[2]], Span: text.Span{Start: int(w[0]), End: int(w[1])}, Kind: k}
	c.idStart = w[2]
	return r
}

// skip steps over n items.
func (c *listCursor) skip(n int) {
	if n > 0 {
		c.idStart = c.items[n*itemWords-1]
		c.items = c.items[n*itemWords:]
	}
}

// list makes the list whose words are h, reading its items.
func (c *listCursor) list(h []uint32, key string) *model.List {
	ml := &model.List{Key: key, Span: text.Span{Start: int(h[0]), End: int(h[1])}, Kind: model.RefKind(h[4] & 0xff), Style: byte(h[4] >> 8)}
	if h[3] > 0 {
		ml.Items = make([]model.Ref, h[3])
		for j := range ml.Items {
			ml.Items[j] = c.item(ml.Kind)
		}
	}
	return ml
}

// Lists returns the task's lists of task IDs (dependencies/depends_on,
// blocked_by, blocks), in the order of the file. The task keeps them
// packed: each call makes new lists, which the caller may keep or change.
// Work over every task file reads ListRefs, which makes nothing.
func (t *Task) Lists() []*model.List {
	if t.n[nLists] == 0 {
		return nil
	}
	out := make([]*model.List, 0, t.n[nLists])
	c := t.listCursor()
	for h, key, ok := c.next(); ok; h, key, ok = c.next() {
		out = append(out, c.list(h, key))
	}
	return out
}

// List returns list i of Lists, made anew.
func (t *Task) List(i int) *model.List {
	c := t.listCursor()
	for {
		h, key, ok := c.next()
		if !ok {
			panic("taskfile: list index out of range")
		}
		if i == 0 {
			return c.list(h, key)
		}
		c.skip(int(h[3]))
		i--
	}
}

// NumLists is the number of lists of task IDs.
func (t *Task) NumLists() int { return int(t.n[nLists]) }

// ListSpan is the span of list i, and its kind.
func (t *Task) ListSpan(i int) (text.Span, model.RefKind) {
	h := t.region(nLists)[i*listWords : (i+1)*listWords]
	return text.Span{Start: int(h[0]), End: int(h[1])}, model.RefKind(h[4] & 0xff)
}

// ListRefs yields the items of every list of task IDs, list after list,
// each of the kind of its list.
func (t *Task) ListRefs() iter.Seq[model.Ref] {
	return func(yield func(model.Ref) bool) {
		c := t.listCursor()
		for h, _, ok := c.next(); ok; h, _, ok = c.next() {
			for range h[3] {
				if !yield(c.item(model.RefKind(h[4] & 0xff))) {
					return
				}
			}
		}
	}
}

// ListLen is the number of items of list i.
func (t *Task) ListLen(i int) int { return int(t.region(nLists)[i*listWords+3]) }

// ListItems yields the items of list i, as List(i) holds them, without
// making the list.
func (t *Task) ListItems(i int) iter.Seq[model.Ref] {
	return func(yield func(model.Ref) bool) {
		c := t.listCursor()
		for j := 0; ; j++ {
			h, _, ok := c.next()
			if !ok {
				panic("taskfile: list index out of range")
			}
			if j < i {
				c.skip(int(h[3]))
				continue
			}
			for range h[3] {
				if !yield(c.item(model.RefKind(h[4] & 0xff))) {
					return
				}
			}
			return
		}
	}
}

// NumListRefs is the number of items of the lists of task IDs.
func (t *Task) NumListRefs() int { return int(t.n[nItems]) }

// ListRef is item i of the lists of task IDs, counted as ListRefs yields them.
func (t *Task) ListRef(i int) model.Ref {
	if i < 0 || i >= t.NumListRefs() {
		panic("taskfile: list item index out of range")
	}
	c := t.listCursor()
	for h, _, ok := c.next(); ok; h, _, ok = c.next() {
		if n := int(h[3]); i >= n {
			c.skip(n)
			i -= n
			continue
		}
		c.skip(i)
		return c.item(model.RefKind(h[4] & 0xff))
	}
	panic("unreachable")
}
