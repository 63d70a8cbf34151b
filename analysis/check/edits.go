package check

import (
	"iter"
	"slices"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// removeItem returns the edit that removes item i of a list, with its
// separator: ", T002" in flow and JSON lists and comma lists, the whole
// line of a block list item. It reads d's text, held for the rest of the
// run (Pass.hold: manifest.json is read once however many items a run
// removes from it).
func removeItem(p *Pass, d *workspace.Doc, l *model.List, i int) Edit {
	p.hold(d)
	c := d.Text.Bytes()
	it := l.Items[i].Span
	if l.Style == '-' {
		line := d.Text.LineOf(it.Start)
		start := d.Text.LineStart(line)
		end := d.Text.LineStart(line + 1)
		if line+1 >= d.Text.LineCount() {
			end = len(c)
		}
		return Edit{Path: d.Path, Span: text.Span{Start: start, End: end}}
	}
	// widen over the quotes of a JSON string
	s, e := it.Start, it.End
	if s > 0 && e < len(c) && c[s-1] == '"' && c[e] == '"' {
		s, e = s-1, e+1
	}
	if i+1 < len(l.Items) {
		// up to the next item (its quote included)
		next := l.Items[i+1].Span.Start
		if next > 0 && c[next-1] == '"' {
			next--
		}
		return Edit{Path: d.Path, Span: text.Span{Start: s, End: next}}
	}
	if i > 0 {
		// from the end of the previous item
		prev := l.Items[i-1].Span.End
		if prev < len(c) && c[prev] == '"' {
			prev++
		}
		return Edit{Path: d.Path, Span: text.Span{Start: prev, End: e}}
	}
	return Edit{Path: d.Path, Span: text.Span{Start: s, End: e}}
}

// listsOf yields every ID list a doc holds (of a manifest, a new view of
// each).
func listsOf(d *workspace.Doc) iter.Seq[*model.List] {
	return func(yield func(*model.List) bool) {
		switch {
		case d.IsTask():
			for _, l := range d.Task.Lists() {
				if !yield(l) {
					return
				}
			}
		case d.Kind == workspace.KindManifest && d.Manifest != nil:
			for _, l := range d.Manifest.Lists() {
				if !yield(l) {
					return
				}
			}
		}
	}
}

// findItem locates a ref in the doc's lists.
func findItem(d *workspace.Doc, ref model.Ref) (*model.List, int) {
	if mf := d.Manifest; d.Kind == workspace.KindManifest && mf != nil {
		// a manifest's lists are made only when they hold the ref's
		// place (tens of thousands of lists in a large one)
		for li := range mf.NumLists() {
			if sp := mf.ListSpan(li); sp.Start > ref.Span.Start || sp.End < ref.Span.End {
				continue
			}
			for i, it := range mf.ListItems(li) {
				if it.Span == ref.Span {
					return mf.List(li), i
				}
			}
		}
		return nil, -1
	}
	for l := range listsOf(d) {
		for i, it := range l.Items {
			if it.Span == ref.Span {
				return l, i
			}
		}
	}
	return nil, -1
}

// DuplicateEntry reports a task ID written twice in one list.
var DuplicateEntry = register(&Check{
	Name:     "duplicate-entry",
	Title:    "a task ID listed twice in one list",
	Severity: Warning,
	Run: func(p *Pass) {
		report := func(d *workspace.Doc, l *model.List) {
			seen := map[string]bool{}
			for i, it := range l.Items {
				if seen[it.ID] {
					dg := p.Report(d, it.Span, it.ID+" is listed twice in "+l.Key)
					dg.Fixes = []Fix{{Title: "Remove the second " + it.ID, Preferred: true, Edits: []Edit{removeItem(p, d, l, i)}}}
				}
				seen[it.ID] = true
			}
		}
		var items []model.Ref
		for _, d := range p.docs() {
			if d.Kind == workspace.KindManifest && d.Manifest != nil {
				// a view only of the lists with a duplicate
				for li := range d.Manifest.NumLists() {
					items = d.Manifest.AppendListItems(items[:0], li)
					if hasDuplicate(items) {
						report(d, d.Manifest.List(li))
					}
				}
				continue
			}
			if d.IsTask() {
				// as of the manifest: a list made only when it has a duplicate
				for li := range d.Task.NumLists() {
					items = slices.AppendSeq(items[:0], d.Task.ListItems(li))
					if hasDuplicate(items) {
						report(d, d.Task.List(li))
					}
				}
			}
		}
	},
})

// hasDuplicate reports whether items name an ID twice.
func hasDuplicate(items []model.Ref) bool {
	if len(items) <= 16 {
		for i, it := range items {
			for _, x := range items[:i] {
				if x.ID == it.ID {
					return true
				}
			}
		}
		return false
	}
	seen := make(map[string]bool, len(items))
	for _, it := range items {
		if seen[it.ID] {
			return true
		}
		seen[it.ID] = true
	}
	return false
}
