// Package features answers the questions an editor asks about one place in
// one file — what task ID is here, where is it defined, what is it, what can
// be typed here — from one snapshot, in byte offsets.
package features

import (
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// Occurrence is a task ID (or a manifest `file` value) under the cursor.
type Occurrence struct {
	Root *workspace.Root
	Doc  *workspace.Doc
	ID   string
	Span text.Span
	Kind model.RefKind
	Decl bool   // the task file's own id
	File string // a manifest `file` value (root-relative), ID is its entry's ID
}

// At finds the task ID occurrence at byte offset off of the file at path.
func At(s *workspace.Snapshot, path string, off int) (Occurrence, bool) {
	r := s.RootOf(path)
	if r == nil {
		return Occurrence{}, false
	}
	d := r.Docs.At(path)
	if d == nil {
		return Occurrence{}, false
	}
	oc := Occurrence{Root: r, Doc: d}
	switch d.Kind {
	case workspace.KindTask:
		if d.Task == nil {
			break
		}
		t := d.Task
		if t.ID() != "" && !t.IDFromName && t.IDSpan().Contains(off) {
			oc.ID, oc.Span, oc.Decl = t.ID(), t.IDSpan(), true
			return oc, true
		}
		for it := range t.ListRefs() {
			if it.Span.Contains(off) {
				oc.ID, oc.Span, oc.Kind = it.ID, it.Span, it.Kind
				return oc, true
			}
		}
		// (the spans first: a mention's ID is made only for the one under
		// the cursor)
		for i := range t.Mentions().Len() {
			if !t.Mentions().Span(i).Contains(off) {
				continue
			}
			if m := t.Mentions().At(i); r.IsIDForm(m.ID) || r.Known(m.ID) {
				oc.ID, oc.Span, oc.Kind = m.ID, m.Span, m.Kind
				return oc, true
			}
		}
	case workspace.KindManifest:
		if d.Manifest == nil {
			break
		}
		for _, e := range d.Manifest.Entries() {
			if f := e.File(); f.Present && f.Inner().Contains(off) && off >= f.Inner().Start {
				oc.ID, oc.Span, oc.File, oc.Kind = e.ID(), f.Inner(), f.Value, model.KindEntryID
				return oc, true
			}
		}
		if ref, ok := d.Manifest.RefAt(off); ok {
			oc.ID, oc.Span, oc.Kind = ref.ID, ref.Span, ref.Kind
			return oc, true
		}
	case workspace.KindUpdate, workspace.KindMetrics, workspace.KindNote:
		if ref, ok := refAt(d.Refs, off); ok && (d.Kind != workspace.KindNote || r.IsIDForm(ref.ID)) {
			oc.ID, oc.Span, oc.Kind = ref.ID, ref.Span, ref.Kind
			return oc, true
		}
	}
	return Occurrence{}, false
}

// refAt finds the ref containing off in a list sorted by position.
func refAt(refs []model.Ref, off int) (model.Ref, bool) {
	lo, hi := 0, len(refs)
	for lo < hi {
		m := (lo + hi) / 2
		if refs[m].Span.End < off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	for i := lo; i < len(refs) && refs[i].Span.Start <= off; i++ {
		if refs[i].Span.Contains(off) {
			return refs[i], true
		}
	}
	return model.Ref{}, false
}

// Location is a span in a file.
type Location struct {
	Path string
	Span text.Span
}

// Definition returns where the task at off is defined: every task file that
// defines it (the one the manifest points at first); for a task known only
// from the manifest, its entry; for a deferred task, its deferred list
// entry. On a manifest `file` value, the file itself.
func Definition(s *workspace.Snapshot, path string, off int) []Location {
	oc, ok := At(s, path, off)
	if !ok {
		return nil
	}
	r := oc.Root
	if oc.File != "" {
		abs := r.Abs(workspace.CleanRel(oc.File))
		if d := r.Docs.At(abs); d != nil {
			return []Location{{Path: abs}}
		}
		// the file is missing: fall through to the task
	}
	return Defs(r, oc.ID)
}

// Defs lists where a task is defined.
func Defs(r *workspace.Root, id string) []Location {
	var out []Location
	for _, d := range r.Defs.At(id) {
		out = append(out, Location{Path: d.Doc.Path, Span: d.Span})
	}
	if len(out) > 0 {
		return out
	}
	for _, e := range r.Entries[id] {
		out = append(out, Location{Path: e.Doc.Path, Span: e.Entry.IDSpan()})
	}
	if len(out) > 0 {
		return out
	}
	if ref, ok := r.Deferred[id]; ok && r.Manifest != nil {
		out = append(out, Location{Path: r.Manifest.Path, Span: ref.Span})
	}
	return out
}
