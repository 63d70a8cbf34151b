package features

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// References lists every place that names the task at off: dependency
// lists, manifest lists, body mentions, updates/ and metrics files, notes;
// with includeDecl, its definitions and manifest entries too. Sorted by
// file and position.
func References(s *workspace.Snapshot, path string, off int, includeDecl bool) []Location {
	oc, ok := At(s, path, off)
	if !ok {
		return nil
	}
	return RefsOf(oc.Root, oc.ID, includeDecl)
}

// RefsOf lists the references of a task ID in a root.
func RefsOf(r *workspace.Root, id string, includeDecl bool) []Location {
	var out []Location
	if includeDecl {
		for _, d := range r.Defs.At(id) {
			if !d.Doc.Task.IDFromName {
				out = append(out, Location{Path: d.Doc.Path, Span: d.Span})
			}
		}
		for _, e := range r.Entries[id] {
			out = append(out, Location{Path: e.Doc.Path, Span: e.Entry.IDSpan()})
		}
	}
	for l := range r.Refs(id) {
		out = append(out, Location{Path: l.Doc.Path, Span: l.Ref.Span})
	}
	for _, e := range r.Entries[id] {
		if sp, ok := fileIDSpan(e.Doc, e.Entry.File().Value, e.Entry.FileInner(), id); ok {
			out = append(out, Location{Path: e.Doc.Path, Span: sp})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Path != out[j].Path {
			return out[i].Path < out[j].Path
		}
		return out[i].Span.Start < out[j].Span.Start
	})
	return out
}

// Edit replaces Span of Path with NewText.
type Edit struct {
	Path    string
	Span    text.Span
	NewText string
}

// FileRename renames a file.
type FileRename struct {
	Old, New string
}

// RenameResult is what a rename changes.
type RenameResult struct {
	Edits   []Edit
	Renames []FileRename
}

// PrepareRename returns the span of the task ID at off, or an error saying
// why nothing there can be renamed.
func PrepareRename(s *workspace.Snapshot, path string, off int) (text.Span, string, error) {
	oc, ok := At(s, path, off)
	if !ok || oc.File != "" {
		return text.Span{}, "", fmt.Errorf("there is no task ID here to rename")
	}
	if !oc.Root.Known(oc.ID) {
		return text.Span{}, "", fmt.Errorf("%s is not a task of this workspace", oc.ID)
	}
	return oc.Span, oc.ID, nil
}

// Rename renames the task at off to newID everywhere: its id, every
// reference, manifest entries and `file` values, and its file names (the
// ID prefix replaced, the slug kept). It refuses an ID already taken or not
// of the workspace's ID form.
func Rename(s *workspace.Snapshot, file string, off int, newID string) (RenameResult, error) {
	oc, ok := At(s, file, off)
	if !ok || oc.File != "" {
		return RenameResult{}, fmt.Errorf("there is no task ID here to rename")
	}
	r, old := oc.Root, oc.ID
	newID = strings.TrimSpace(newID)
	if newID == old {
		return RenameResult{}, nil
	}
	p, dg := model.SplitID(newID)
	if p == "" {
		return RenameResult{}, fmt.Errorf("%q is not a task ID (like %s)", newID, old)
	}
	if !r.IsIDForm(newID) {
		op, od := model.SplitID(old)
		return RenameResult{}, fmt.Errorf("%q does not have this workspace's ID form (%s followed by at least %d digits)", newID, op, len(od))
	}
	_ = dg
	if r.Known(newID) {
		return RenameResult{}, fmt.Errorf("%s is already a task of this workspace", newID)
	}
	var res RenameResult
	add := func(file string, sp text.Span) {
		res.Edits = append(res.Edits, Edit{Path: file, Span: sp, NewText: newID})
	}
	for _, d := range r.Defs.At(old) {
		if !d.Doc.Task.IDFromName {
			add(d.Doc.Path, d.Span)
		}
		base := path.Base(d.Doc.Rel)
		if d.Doc.Task.NameID() == old {
			nb := newID + strings.TrimPrefix(base, old)
			res.Renames = append(res.Renames, FileRename{Old: d.Doc.Path, New: r.Abs(path.Join(path.Dir(d.Doc.Rel), nb))})
		}
	}
	for _, e := range r.Entries[old] {
		add(e.Doc.Path, e.Entry.IDSpan())
		if sp, ok := fileIDSpan(e.Doc, e.Entry.File().Value, e.Entry.FileInner(), old); ok {
			add(e.Doc.Path, sp)
		}
	}
	for l := range r.Refs(old) {
		add(l.Doc.Path, l.Ref.Span)
	}
	sort.SliceStable(res.Edits, func(i, j int) bool {
		if res.Edits[i].Path != res.Edits[j].Path {
			return res.Edits[i].Path < res.Edits[j].Path
		}
		return res.Edits[i].Span.Start < res.Edits[j].Span.Start
	})
	// one edit per span
	out := res.Edits[:0]
	for i, e := range res.Edits {
		if i > 0 && e.Path == res.Edits[i-1].Path && e.Span == res.Edits[i-1].Span {
			continue
		}
		out = append(out, e)
	}
	res.Edits = out
	return res, nil
}

// fileIDSpan finds the ID at the start of the base name of a manifest
// `file` value ("tasks/T051-x.md"), when it is written plainly.
func fileIDSpan(d *workspace.Doc, v string, inner text.Span, id string) (text.Span, bool) {
	base := path.Base(v)
	if v == "" || !strings.HasPrefix(base, id) || (len(base) > len(id) && isIDChar(base[len(id)])) {
		return text.Span{}, false
	}
	start := inner.Start + strings.LastIndex(v, base)
	if inner.Len() != len(v) {
		// escapes: the text is not the value byte for byte; see whether the
		// ID is written plainly (this reads manifest.json, which is not kept)
		c := d.Text.Bytes()
		if start+len(id) > len(c) || string(c[start:start+len(id)]) != id {
			return text.Span{}, false
		}
	}
	// (no escape: the text is the value, and the value starts the base
	// name with the ID; known without reading the file)
	return text.Span{Start: start, End: start + len(id)}, true
}

func isIDChar(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'A' && b <= 'Z' || b >= 'a' && b <= 'z' || b == '_'
}
