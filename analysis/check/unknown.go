package check

import (
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/workspace"
)

// UnknownID reports a task ID that names no task: in a dependency,
// blocked_by or blocks list of a task file, or in any task list of
// manifest.json. A task is known when a file defines it, when the manifest
// lists it (even if its file is missing), or when a deferred list of the
// manifest declares it. When exactly one known ID is one edit away, or the
// same number with other zero padding, the message suggests it. An unknown
// ID mentioned in body prose is only a hint, and only when it has the
// workspace's own ID form.
var UnknownID = register(&Check{
	Name:     "unknown-id",
	Title:    "a reference to a task that does not exist",
	Severity: Error,
	Run: func(p *Pass) {
		r := p.Root
		lookalikes := lookalikeOn(p) // those are lookalike-id's
		for _, d := range p.docs() {
			if d.Kind != workspace.KindTask && d.Kind != workspace.KindManifest {
				continue
			}
			for _, ref := range r.DocRefs(d) {
				if r.Known(ref.ID) || lookalikes && isLookalike(ref.ID) {
					continue
				}
				msg := "unknown task ID " + ref.ID
				owner := ""
				if d.IsTask() {
					owner = d.Task.ID
				}
				s := Suggest(r, ref.ID, owner)
				if s != "" {
					msg += " (did you mean " + s + "?)"
				}
				var dg *Diagnostic
				if ref.Kind == model.KindMention {
					dg = p.ReportSev(Hint, d, ref.Span, msg)
				} else {
					dg = p.Report(d, ref.Span, msg)
				}
				if s != "" {
					// a guess: offered, never applied unattended
					dg.Fixes = []Fix{{Title: "Replace " + ref.ID + " with " + s,
						Edits: []Edit{{Path: d.Path, Span: ref.Span, NewText: s}}}}
				}
			}
		}
	},
})

// Suggest returns the one known ID that id most likely meant: the same
// number with other zero padding, else the only ID one edit away; "" when
// there is no such ID or more than one.
func Suggest(r *workspace.Root, id, owner string) string {
	pre, dig := model.SplitID(id)
	if pre != "" {
		n := strings.TrimLeft(dig, "0")
		for _, k := range r.IDs {
			kp, kd := model.SplitID(k)
			if strings.EqualFold(kp, pre) && strings.TrimLeft(kd, "0") == n && k != id && k != owner {
				return k
			}
		}
	}
	found := ""
	for _, k := range r.IDs {
		if k != owner && oneEdit(id, k) {
			if found != "" {
				return ""
			}
			found = k
		}
	}
	return found
}

// oneEdit reports whether a becomes b by one insertion, deletion,
// substitution or swap of two neighbouring characters.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		diff := -1
		for i := 0; i < la; i++ {
			if a[i] != b[i] {
				if diff >= 0 {
					// a swap of neighbours
					return i == diff+1 && a[diff] == b[i] && a[i] == b[diff] && a[i+1:] == b[i+1:]
				}
				diff = i
			}
		}
		return true
	case la == lb+1:
		return dropOne(a, b)
	case lb == la+1:
		return dropOne(b, a)
	}
	return false
}

// dropOne reports whether removing one byte of long gives short.
func dropOne(long, short string) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return long[i+1:] == short[i:]
}
