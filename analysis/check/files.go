package check

import (
	"path/filepath"
	"strings"

	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/workspace"
)

// DuplicateID reports a task ID defined by two task files, unless one is in
// tasks/ and the other in completed/ (a task moved when done; the drift
// checks compare such copies), and a task ID listed by two manifest entries.
// Related information links the other definitions.
var DuplicateID = register(&Check{
	Name:     "duplicate-id",
	Title:    "two tasks with the same ID",
	Severity: Error,
	Run: func(p *Pass) {
		r := p.Root
		for _, id := range p.ids() {
			defs := r.Defs.At(id)
			if len(defs) < 2 {
				continue
			}
			byArea := map[string][]workspace.Def{}
			for _, d := range defs {
				area := d.Doc.Area()
				if area != "tasks" && area != "completed" {
					area = "" // anywhere else clashes with everything
				}
				byArea[area] = append(byArea[area], d)
			}
			for _, d := range defs {
				area := d.Doc.Area()
				if area != "tasks" && area != "completed" {
					area = ""
				}
				var clash []workspace.Def
				for _, o := range defs {
					if o.Doc == d.Doc {
						continue
					}
					oa := o.Doc.Area()
					if oa != "tasks" && oa != "completed" {
						oa = ""
					}
					if area == "" || oa == "" || oa == area {
						clash = append(clash, o)
					}
				}
				if len(clash) == 0 {
					continue
				}
				var rel []Related
				names := make([]string, 0, len(clash))
				for _, o := range clash {
					rel = append(rel, Related{Path: o.Doc.Path, Span: o.Span, Message: "also defines " + id})
					names = append(names, o.Doc.Rel)
				}
				p.Report(d.Doc, d.Span, "task ID "+id+" is also defined in "+strings.Join(names, ", "), rel...)
			}
		}
		if m := r.Manifest; m != nil && m.Manifest != nil && p.wants(m) {
			for _, id := range r.IDs {
				es := r.Entries[id]
				for i, e := range es {
					if len(es) < 2 {
						break
					}
					var rel []Related
					for j, o := range es {
						if j != i {
							rel = append(rel, Related{Path: m.Path, Span: o.Entry.IDSpan(), Message: "other entry for " + id})
						}
					}
					p.Report(m, e.Entry.IDSpan(), "task ID "+id+" has more than one manifest entry", rel...)
				}
			}
		}
	},
})

// MissingFile reports a manifest entry whose `file` names no file of the
// `.tasks/` folder. When a file of the same task exists elsewhere (moved to
// completed/, renamed), the message says where.
var MissingFile = register(&Check{
	ManifestOnly: true,
	Name:         "missing-file",
	Title:        "a manifest entry whose file does not exist",
	Severity:     Warning,
	Run: func(p *Pass) {
		r := p.Root
		m := r.Manifest
		if m == nil || m.Manifest == nil {
			return
		}
		for _, e := range m.Manifest.Entries() {
			if !e.File().Present || strings.TrimSpace(e.File().Value) == "" {
				continue
			}
			if r.Exists(workspace.CleanRel(e.File().Value)) {
				continue
			}
			msg := "file " + e.File().Value + " does not exist"
			var rel []Related
			d := r.Task(e.ID())
			if d != nil {
				msg += " (task " + e.ID() + " is in " + d.Rel + ")"
				rel = append(rel, Related{Path: d.Path, Span: r.Defs.At(e.ID())[0].Span, Message: "task " + e.ID() + " is defined here"})
			}
			dg := p.Report(m, e.FileInner(), msg, rel...)
			if d != nil {
				dg.Fixes = []Fix{{Title: "Point the manifest at " + d.Rel, Preferred: true,
					Edits: []Edit{{Path: m.Path, Span: e.FileInner(), NewText: d.Rel}}}}
			} else if rel := workspace.CleanRel(e.File().Value); rel != ".." && !strings.HasPrefix(rel, "../") && !filepath.IsAbs(rel) {
				// a file that would leave .tasks/ gets no fix: a click must
				// not create files elsewhere on the machine
				dg.Fixes = []Fix{{Title: "Create " + rel + " from the workspace's task template",
					Edits: []Edit{{Path: r.Abs(rel), Create: true, NewText: taskTemplate(r, e)}}}}
			}
		}
	},
})

// FilenameID reports a task file whose name starts with another ID than the
// one its metadata declares (T012-x.md saying `id: T021`). An id that is a
// lookalike of the name's ID (`id: Ｔ012`) is left to lookalike-id.
var FilenameID = register(&Check{
	Name:     "filename-id",
	Title:    "a file name whose ID differs from the task's id",
	Severity: Warning,
	Run: func(p *Pass) {
		lookalikes := lookalikeOn(p)
		for _, d := range p.docs() {
			if !d.IsTask() || d.Task.IDFromName || d.Task.NameID() == "" || d.Task.NameID() == d.Task.ID() {
				continue
			}
			if ascii, _, ok := foldID(d.Task.ID()); ok && lookalikes && ascii == d.Task.NameID() {
				continue // a lookalike of the name's ID: lookalike-id says so, with its fix
			}
			p.Report(d, d.Task.IDSpan(), "file name starts with "+d.Task.NameID()+" but the task's id is "+d.Task.ID())
		}
	},
})

// taskTemplate writes a new task file for a manifest entry: front matter
// from the entry, then the sections the workspace's fullest task file has
// (the generators' ten when there is none).
func taskTemplate(r *workspace.Root, e *manifest.Entry) string {
	var best []string
	for _, id := range r.IDs {
		d := r.Task(id)
		if d == nil {
			continue
		}
		var secs []string
		for _, s := range d.Task.Sections() {
			if s.Level() == 2 {
				secs = append(secs, s.Title())
			}
		}
		if len(secs) > len(best) {
			best = secs
		}
	}
	if len(best) == 0 {
		best = DefaultSections
	}
	var b strings.Builder
	b.WriteString("---\nid: " + e.ID() + "\n")
	b.WriteString("title: " + yamlScalar(e.Title().Value) + "\n")
	status := "pending"
	if s, ok := model.NormStatus(e.Status().Value); ok {
		status = s
	}
	b.WriteString("status: " + status + "\n")
	if e.Priority().Present {
		b.WriteString("priority: " + yamlScalar(e.Priority().Value) + "\n")
	}
	b.WriteString("dependencies: [" + strings.Join(ids(e.DependsOn()), ", ") + "]\n---\n")
	for _, s := range best {
		b.WriteString("\n## " + s + "\n\n")
		switch sectionKey(s) {
		case "acceptance":
			b.WriteString("- [ ] \n")
		case "scenarios":
			b.WriteString("### Scenario 1: \nGiven: \nWhen: \nThen: \n")
		case "risks":
			b.WriteString("### Risk 1: \n")
		default:
			b.WriteString("TODO\n")
		}
	}
	return b.String()
}
