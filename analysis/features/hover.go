package features

import (
	"fmt"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// MaxHoverCriteria is how many acceptance criteria a hover shows.
const MaxHoverCriteria = 10

// Hover describes the task whose ID is at off, in Markdown.
func Hover(s *workspace.Snapshot, path string, off int) (string, text.Span, bool) {
	oc, ok := At(s, path, off)
	if !ok {
		return "", text.Span{}, false
	}
	return Describe(oc.Root, oc.ID), oc.Span, true
}

// Describe is the Markdown description of a task: title, status, priority,
// file, dependencies with their statuses, and the acceptance criteria.
func Describe(r *workspace.Root, id string) string {
	var b strings.Builder
	d := r.Task(id)
	e := r.Entry(id)
	title := ""
	switch {
	case d != nil && d.Task.Title() != "":
		title = d.Task.Title()
	case e != nil && e.Title().Value != "":
		title = e.Title().Value
	}
	if title != "" {
		fmt.Fprintf(&b, "### %s · %s\n\n", id, title)
	} else {
		fmt.Fprintf(&b, "### %s\n\n", id)
	}
	if d == nil && e == nil {
		if _, ok := r.Deferred[id]; ok {
			b.WriteString("Deferred: listed in the manifest's deferred tasks, with no task file and no manifest entry yet.\n")
		} else {
			b.WriteString("Unknown task: no task file, manifest entry or deferred list names it.\n")
		}
		return b.String()
	}
	var parts []string
	status, prio := "", ""
	if d != nil {
		status, prio = statusOf(d.Task.Status(), d.Task.StatusNorm()), prioOf(d.Task.Priority(), d.Task.PriorityKnown, d.Task.PriorityNorm())
	} else {
		status = statusOf(e.Status().Value, norm(e.Status().Value))
		p, ok := model.NormPriority(e.Priority().Value)
		prio = prioOf(e.Priority().Value, ok, p)
	}
	if status != "" {
		parts = append(parts, "**Status:** "+status)
	}
	if prio != "" {
		parts = append(parts, "**Priority:** "+prio)
	}
	if d != nil {
		parts = append(parts, "**File:** `"+d.Rel+"`")
	}
	if len(parts) > 0 {
		b.WriteString(strings.Join(parts, " · ") + "\n\n")
	}
	switch {
	case d == nil:
		if e.File().Value != "" {
			fmt.Fprintf(&b, "Known only from manifest.json: its file `%s` does not exist.\n\n", e.File().Value)
		} else {
			b.WriteString("Known only from manifest.json: it has no task file.\n\n")
		}
	case e == nil && r.Manifest != nil:
		b.WriteString("Not listed in manifest.json.\n\n")
	}
	if d != nil && e != nil && e.Status().Present {
		if ms := norm(e.Status().Value); ms != "" && ms != d.Task.StatusNorm() && d.Task.StatusNorm() != "" {
			fmt.Fprintf(&b, "manifest.json says `%s`.\n\n", e.Status().Value)
		}
	}
	if _, ok := r.Deferred[id]; ok {
		b.WriteString("Deferred in manifest.json.\n\n")
	}
	var deps []model.Ref
	if d != nil {
		deps = d.Task.Deps()
	} else if e.HasDependsOn() {
		deps = e.DependsOn().Items
	}
	if len(deps) > 0 {
		items := make([]string, 0, len(deps))
		for _, dep := range deps {
			items = append(items, dep.ID+" ("+shortStatus(r, dep.ID)+")")
		}
		b.WriteString("**Depends on:** " + strings.Join(items, ", ") + "\n\n")
	}
	if d != nil && d.Task.NumCriteria() > 0 {
		done, total := d.Task.CriteriaDone()
		fmt.Fprintf(&b, "**Acceptance criteria:** %d/%d done\n\n", done, total)
		for i, c := range d.Full().Criteria() {
			if i == MaxHoverCriteria {
				fmt.Fprintf(&b, "\n… and %d more\n", total-MaxHoverCriteria)
				break
			}
			box := "- [ ] "
			switch c.State {
			case taskfile.Checked:
				box = "- [x] "
			case taskfile.NoBox:
				box = "- "
			}
			b.WriteString(box + c.Text + "\n")
		}
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}

func norm(s string) string {
	n, _ := model.NormStatus(s)
	return n
}

// statusOf shows the normalised status, and the written one when it differs.
func statusOf(raw, n string) string {
	switch {
	case raw == "":
		return ""
	case n == "":
		return raw + " (not a known status)"
	case n != raw:
		return n + " (written `" + raw + "`)"
	}
	return n
}

func prioOf(raw string, ok bool, p int) string {
	switch {
	case raw == "":
		return ""
	case !ok:
		return raw + " (not a known priority)"
	}
	return model.PriorityLabel(p)
}

// shortStatus is a task's status for lists: normalised, "deferred",
// "no file" or "unknown".
func shortStatus(r *workspace.Root, id string) string {
	if d := r.Task(id); d != nil {
		if d.Task.StatusNorm() != "" {
			return d.Task.StatusNorm()
		}
		if d.Task.Status() != "" {
			return d.Task.Status()
		}
		return "no status"
	}
	if e := r.Entry(id); e != nil {
		if n := norm(e.Status().Value); n != "" {
			return n + ", no file"
		}
		return "no file"
	}
	if _, ok := r.Deferred[id]; ok {
		return "deferred"
	}
	return "unknown"
}
