package check

import (
	"fmt"
	"strings"

	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// ManifestDrift reports a manifest entry whose status, title, priority or
// dependency list differs from its task file (the file the manifest points
// at, else tasks/ before completed/). Values are compared normalised
// (`P1` = `1` = `P1-MVP`, `Completed` = `complete`); list order does not
// matter. The diagnostic is on the manifest's value; related information
// points at the task file's. Two fixes: copy the file's value into the
// manifest (preferred: the files are where people and agents write), or the
// manifest's value into the file.
var ManifestDrift = register(&Check{
	ManifestOnly: true,
	Name:         "manifest-drift",
	Title:        "a manifest entry that disagrees with its task file",
	Severity:     Warning,
	Run: func(p *Pass) {
		r := p.Root
		m := r.Manifest
		if m == nil || m.Manifest == nil {
			return
		}
		var dl model.List // the depends_on of each entry in turn
		for _, e := range m.Manifest.Entries() {
			d := r.Task(e.ID())
			if d == nil || len(r.Entries[e.ID()]) > 1 {
				continue
			}
			driftStatus(p, m, e, d)
			driftTitle(p, m, e, d)
			driftPriority(p, m, e, d)
			driftDeps(p, m, e, d, &dl)
		}
	},
})

func driftStatus(p *Pass, m *workspace.Doc, e *manifest.Entry, d *workspace.Doc) {
	t := d.Task
	if !e.Status().Present || !t.HasStatus || t.StatusNorm() == "" {
		return
	}
	ms, ok := model.NormStatus(e.Status().Value)
	if !ok || ms == t.StatusNorm() {
		return
	}
	sp := e.Status().Inner()
	dg := p.Report(m, sp, fmt.Sprintf("status differs: manifest.json says %s, %s says %s", e.Status().Value, d.Rel, t.Status()),
		Related{Path: d.Path, Span: t.StatusSpan(), Message: "the task file says " + t.Status()})
	dg.Fixes = []Fix{
		{Title: "Set the manifest's status of " + e.ID() + " to " + t.StatusNorm(), Preferred: true,
			Edits: []Edit{{Path: m.Path, Span: e.Status().Span, NewText: jsonString(t.StatusNorm())}}},
		{Title: "Set the status in " + d.Rel + " to " + ms,
			Edits: []Edit{{Path: d.Path, Span: t.StatusSpan(), NewText: ms}}},
	}
}

func driftTitle(p *Pass, m *workspace.Doc, e *manifest.Entry, d *workspace.Doc) {
	t := d.Task
	if !e.Title().Present || !t.HasTitle || strings.TrimSpace(e.Title().Value) == t.Title() {
		return
	}
	sp := e.Title().Inner()
	dg := p.Report(m, sp, fmt.Sprintf("title differs: manifest.json says %q, %s says %q", e.Title().Value, d.Rel, t.Title()),
		Related{Path: d.Path, Span: t.TitleSpan(), Message: "the task file's title"})
	fileEdit := Edit{Path: d.Path, Span: t.TitleSpan(), NewText: strings.TrimSpace(e.Title().Value)}
	if t.Style != taskfile.StyleHeadings { // a YAML scalar, replaced with its quotes
		fileEdit = Edit{Path: d.Path, Span: yamlValueSpan(d, t.TitleSpan()), NewText: yamlScalar(strings.TrimSpace(e.Title().Value))}
	}
	dg.Fixes = []Fix{
		{Title: "Set the manifest's title of " + e.ID() + " from " + d.Rel, Preferred: true,
			Edits: []Edit{{Path: m.Path, Span: e.Title().Span, NewText: jsonString(t.Title())}}},
		{Title: "Set the title in " + d.Rel + " from the manifest", Edits: []Edit{fileEdit}},
	}
}

// yamlValueSpan widens a YAML scalar's inner span over its quotes.
func yamlValueSpan(d *workspace.Doc, s text.Span) text.Span {
	c := d.Text.Bytes()
	if s.Start > 0 && s.End < len(c) && (c[s.Start-1] == '"' || c[s.Start-1] == '\'') && c[s.End] == c[s.Start-1] {
		return text.Span{Start: s.Start - 1, End: s.End + 1}
	}
	return s
}

func driftPriority(p *Pass, m *workspace.Doc, e *manifest.Entry, d *workspace.Doc) {
	t := d.Task
	if !e.Priority().Present || !t.HasPriority || !t.PriorityKnown {
		return
	}
	mp, ok := model.NormPriority(e.Priority().Value)
	if !ok || mp == t.PriorityNorm() {
		return
	}
	dg := p.Report(m, e.Priority().Inner(),
		fmt.Sprintf("priority differs: manifest.json says %s, %s says %s", e.Priority().Value, d.Rel, t.Priority()),
		Related{Path: d.Path, Span: t.PrioritySpan(), Message: "the task file says " + t.Priority()})
	dg.Fixes = []Fix{
		{Title: "Set the manifest's priority of " + e.ID() + " from " + d.Rel, Preferred: true,
			Edits: []Edit{{Path: m.Path, Span: e.Priority().Span, NewText: respell(e.Priority().Value, e.Priority().String, t.PriorityNorm())}}},
		{Title: "Set the priority in " + d.Rel + " from the manifest",
			Edits: []Edit{{Path: d.Path, Span: t.PrioritySpan(), NewText: respell(t.Priority(), false, mp)}}},
	}
}

// respell writes priority p in the form old was written in: "P1-MVP" ->
// "P2-MVP", "1" -> "2", "P1" -> "P2"; quoted for JSON strings.
func respell(old string, quote bool, p int) string {
	digit := string(rune('0' + p))
	out := digit
	for i := 0; i < len(old); i++ {
		if old[i] >= '0' && old[i] <= '9' {
			out = old[:i] + digit + old[i+1:]
			break
		}
	}
	if quote {
		return jsonString(out)
	}
	return out
}

// driftDeps compares the dependencies; dl is storage for the entry's
// depends_on.
func driftDeps(p *Pass, m *workspace.Doc, e *manifest.Entry, d *workspace.Doc, dl *model.List) {
	if !e.HasDependsOn() || listIndex(d.Task, model.KindDependency) < 0 {
		return // one side does not say: nothing to compare
	}
	e.ListInto(dl, manifest.DependsOnList)
	fd := fileDeps(d.Task)
	md := ids(dl)
	onlyM, onlyF := diff(md, fd)
	if len(onlyM) == 0 && len(onlyF) == 0 {
		return
	}
	var parts []string
	if len(onlyM) > 0 {
		parts = append(parts, "only manifest.json lists "+strings.Join(onlyM, ", "))
	}
	if len(onlyF) > 0 {
		parts = append(parts, "only "+d.Rel+" lists "+strings.Join(onlyF, ", "))
	}
	var rel []Related
	if l := depList(d.Task); l != nil {
		rel = append(rel, Related{Path: d.Path, Span: l.Span, Message: "the task file's dependencies"})
	}
	dg := p.Report(m, dl.Span, "dependencies differ: "+strings.Join(parts, "; "), rel...)
	dg.Fixes = []Fix{{Title: "Set the manifest's depends_on of " + e.ID() + " from " + d.Rel, Preferred: true,
		Edits: []Edit{{Path: m.Path, Span: dl.Span, NewText: jsonIDList(fd)}}}}
	if f, ok := setFileDeps(d, md); ok {
		dg.Fixes = append(dg.Fixes, Fix{Title: "Set the dependencies in " + d.Rel + " from the manifest", Edits: []Edit{f}})
	}
}

// setFileDeps rewrites a task file's dependency list as list, in the
// list's own style.
func setFileDeps(d *workspace.Doc, list []string) (Edit, bool) {
	l := depList(d.Task)
	if l == nil {
		return Edit{}, false
	}
	switch l.Style {
	case '[':
		return Edit{Path: d.Path, Span: l.Span, NewText: "[" + strings.Join(list, ", ") + "]"}, true
	case ',':
		return Edit{Path: d.Path, Span: l.Span, NewText: strings.Join(list, ", ")}, true
	}
	// a block list: keep the first item's indentation
	if l.Span.Len() == 0 {
		return Edit{Path: d.Path, Span: l.Span, NewText: " [" + strings.Join(list, ", ") + "]"}, true
	}
	c := d.Text.Bytes()
	ls := d.Text.LineStart(d.Text.LineOf(l.Span.Start))
	indent := string(c[ls:l.Span.Start])
	if len(list) == 0 {
		// `key:` then nothing: an empty flow list on the key's line
		keyEnd := ls - 1
		for keyEnd > 0 && (c[keyEnd-1] == ' ' || c[keyEnd-1] == '\r') {
			keyEnd--
		}
		return Edit{Path: d.Path, Span: text.Span{Start: keyEnd, End: l.Span.End}, NewText: " []"}, true
	}
	items := make([]string, len(list))
	for i, x := range list {
		items[i] = "- " + x
	}
	return Edit{Path: d.Path, Span: l.Span, NewText: strings.Join(items, "\n"+indent)}, true
}
