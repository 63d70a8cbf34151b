package check

import (
	"fmt"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// StatusValue reports a status, in a task file or a manifest entry, that
// means none of pending, in_progress, completed, blocked (after
// normalising case, dashes and synonyms such as `done` or `todo`).
var StatusValue = register(&Check{
	Name:     "status-value",
	Title:    "a status that is not a known status",
	Severity: Error,
	Run: func(p *Pass) {
		r := p.Root
		for _, d := range p.docs() {
			if d.IsTask() && d.Task.HasStatus && d.Task.StatusNorm() == "" {
				p.Report(d, d.Task.StatusSpan(), fmt.Sprintf("unknown status %q (want one of %s)", d.Task.Status(), strings.Join(model.AllStatuses, ", ")))
			}
		}
		if m := r.Manifest; m != nil && m.Manifest != nil && p.wants(m) {
			for _, e := range m.Manifest.Entries() {
				if _, ok := model.NormStatus(e.Status().Value); e.Status().Present && !ok {
					p.Report(m, e.Status().Inner(), fmt.Sprintf("unknown status %q (want one of %s)", e.Status().Value, strings.Join(model.AllStatuses, ", ")))
				}
			}
		}
	},
})

// PriorityValue reports a priority that is not P0-P4 or 0-4 (a note after
// it, as in `P1 (Critical Path)` or `P1-MVP`, is fine).
var PriorityValue = register(&Check{
	Name:     "priority-value",
	Title:    "a priority that is not a known priority",
	Severity: Error,
	Run: func(p *Pass) {
		r := p.Root
		for _, d := range p.docs() {
			if d.IsTask() && d.Task.HasPriority && !d.Task.PriorityKnown {
				p.Report(d, d.Task.PrioritySpan(), fmt.Sprintf("unknown priority %q (want P0-P4 or 0-4)", d.Task.Priority()))
			}
		}
		if m := r.Manifest; m != nil && m.Manifest != nil && p.wants(m) {
			for _, e := range m.Manifest.Entries() {
				if _, ok := model.NormPriority(e.Priority().Value); e.Priority().Present && !ok {
					p.Report(m, e.Priority().Inner(), fmt.Sprintf("unknown priority %q (want P0-P4 or 0-4)", e.Priority().Value))
				}
			}
		}
	},
})

// MissingField reports a task file without an id, a title or a status.
var MissingField = register(&Check{
	Name:     "missing-field",
	Title:    "a task file without id, title or status",
	Severity: Error,
	Run: func(p *Pass) {
		for _, d := range p.docs() {
			if !d.IsTask() || hasProblem(d) {
				continue
			}
			t := d.Task
			var missing []string
			if t.IDFromName {
				missing = append(missing, "id")
			}
			if !t.HasTitle {
				missing = append(missing, "title")
			}
			if !t.HasStatus {
				missing = append(missing, "status")
			}
			if len(missing) == 0 {
				continue
			}
			span := t.IDSpan()
			if t.IDFromName || span.Len() == 0 {
				span = lineSpanOf(d, t.MetaSpan().Start)
			}
			p.Report(d, span, fmt.Sprintf("%s has no %s", t.ID(), strings.Join(missing, ", ")))
		}
	},
})

// hasProblem reports whether the file's metadata did not parse (then its
// fields are only partly known and the syntax error says enough).
func hasProblem(d *workspace.Doc) bool { return len(d.Task.Problems()) > 0 }

// DoneWithOpenCriteria reports a completed task with unchecked acceptance
// criteria. Checking them all is not offered as a fix: only a person knows
// whether they are met.
var DoneWithOpenCriteria = register(&Check{
	Name:     "done-with-open-criteria",
	Title:    "a completed task with unchecked acceptance criteria",
	Severity: Warning,
	Run: func(p *Pass) {
		for _, d := range p.docs() {
			if !d.IsTask() || d.Task.StatusNorm() != model.StatusCompleted {
				continue
			}
			checked, open, _ := d.Task.CriteriaCounts()
			boxes := checked + open
			if open > 0 {
				p.Report(d, d.Task.StatusSpan(), fmt.Sprintf("%s is completed but %d of %d acceptance criteria are unchecked", d.Task.ID(), open, boxes))
			}
		}
	},
})

// DoneBeforeDeps reports a task that is completed or in progress while one
// of its dependencies is not completed; the diagnostic is on the dependency.
var DoneBeforeDeps = register(&Check{
	Name:     "done-before-deps",
	Title:    "a task started or done before its dependencies",
	Severity: Warning,
	Run: func(p *Pass) {
		r := p.Root
		for _, id := range p.ids() {
			d := r.Task(id)
			if d == nil {
				continue
			}
			st := d.Task.StatusNorm()
			if st != model.StatusCompleted && st != model.StatusInProgress {
				continue
			}
			for _, dep := range d.Task.Deps() {
				ds := statusOf(r, dep.ID)
				if dep.ID == id || ds == "" || ds == model.StatusCompleted {
					continue
				}
				p.Report(d, dep.Span, fmt.Sprintf("%s is %s but its dependency %s is %s", id, st, dep.ID, ds))
			}
		}
	},
})

// BlockedMismatch reports a task whose blocked_by list names tasks while
// its status is not blocked, or whose status is blocked while its
// blocked_by list is empty.
var BlockedMismatch = register(&Check{
	Name:     "blocked-mismatch",
	Title:    "blocked_by and a blocked status that disagree",
	Severity: Info,
	Run: func(p *Pass) {
		for _, d := range p.docs() {
			if !d.IsTask() || !d.Task.HasStatus || d.Task.StatusNorm() == "" {
				continue
			}
			l := listOf(d.Task, model.KindBlockedBy)
			if l == nil {
				continue
			}
			blocked := d.Task.StatusNorm() == model.StatusBlocked
			var open []string
			for _, it := range l.Items {
				if statusOf(p.Root, it.ID) != model.StatusCompleted {
					open = append(open, it.ID)
				}
			}
			switch {
			case len(open) > 0 && !blocked && d.Task.StatusNorm() != model.StatusCompleted:
				p.Report(d, d.Task.StatusSpan(), fmt.Sprintf("%s is %s but blocked by %s", d.Task.ID(), d.Task.StatusNorm(), strings.Join(open, ", ")))
			case len(l.Items) == 0 && blocked:
				p.Report(d, d.Task.StatusSpan(), d.Task.ID()+" is blocked but its blocked_by list is empty")
			}
		}
	},
})

func lineSpanOf(d *workspace.Doc, off int) text.Span {
	l := d.Text.LineOf(off)
	return text.Span{Start: d.Text.LineStart(l), End: d.Text.LineEnd(l)}
}
