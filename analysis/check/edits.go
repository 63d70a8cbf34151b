package check

import (
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
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

// listsOf returns every ID list a doc holds.
func listsOf(d *workspace.Doc) []*model.List {
	switch {
	case d.IsTask():
		return d.Task.Lists()
	case d.Kind == workspace.KindManifest && d.Manifest != nil:
		return d.Manifest.Lists
	}
	return nil
}

// findItem locates a ref in the doc's lists.
func findItem(d *workspace.Doc, ref model.Ref) (*model.List, int) {
	for _, l := range listsOf(d) {
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
		for _, d := range p.docs() {
			if d.IsTask() && !listsRepeat(d.Task) {
				continue // (most task files: no lists to make)
			}
			for _, l := range listsOf(d) {
				seen := map[string]bool{}
				for i, it := range l.Items {
					if seen[it.ID] {
						dg := p.Report(d, it.Span, it.ID+" is listed twice in "+l.Key)
						dg.Fixes = []Fix{{Title: "Remove the second " + it.ID, Preferred: true, Edits: []Edit{removeItem(p, d, l, i)}}}
					}
					seen[it.ID] = true
				}
			}
		}
	},
})

// listsRepeat reports whether an ID list of a task file holds an ID twice.
func listsRepeat(t *taskfile.Task) bool {
	for i := range t.NumLists() {
		if t.ListLen(i) < 2 {
			continue
		}
		seen := map[string]bool{}
		for it := range t.ListItems(i) {
			if seen[it.ID] {
				return true
			}
			seen[it.ID] = true
		}
	}
	return false
}
