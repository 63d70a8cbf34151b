package check

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/taskls/taskls/analysis/jsonpos"
	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// BlocksInverse reports a `blocks` list that is not the inverse of the
// dependencies: `A blocks B` (in A's task file, A's manifest entry or
// dependency_graph) while B does not depend on A; and B depending on A
// while A's `blocks` list (where A keeps one) does not name B.
var BlocksInverse = register(&Check{
	Name:     "blocks-inverse",
	Title:    "a blocks list that is not the inverse of the dependencies",
	Severity: Warning,
	Run: func(p *Pass) {
		r := p.Root
		check := func(doc *workspace.Doc, owner string, l *model.List, where string, fix func(missing []string) []Fix) {
			if l == nil {
				return
			}
			for _, it := range l.Items {
				deps, known := p.waits(it.ID)
				if !known || it.ID == owner || contains(deps, owner) {
					continue
				}
				p.Report(doc, it.Span, fmt.Sprintf("%s blocks %s, but %s does not depend on %s", owner, it.ID, it.ID, owner))
			}
			var missing []string
			for _, dep := range p.dependents(owner) {
				if dep != owner && !listHas(l, dep) {
					missing = append(missing, dep)
				}
			}
			if len(missing) > 0 {
				dg := p.Report(doc, l.Span, fmt.Sprintf("%s lacks %s, which depend%s on %s", where, strings.Join(missing, ", "), plural(missing), owner))
				if fix != nil {
					dg.Fixes = fix(missing)
				}
			}
		}
		for _, id := range p.ids() {
			if d := r.Task(id); d != nil && p.wants(d) {
				l := listOf(d.Task, model.KindBlocks)
				check(d, id, l, "the blocks list of "+id, func(missing []string) []Fix {
					return []Fix{{Title: "Add " + strings.Join(missing, ", ") + " to the blocks list of " + id, Preferred: true,
						Edits: []Edit{appendToList(d, l, missing, false)}}}
				})
			}
		}
		m := r.Manifest
		if m == nil || m.Manifest == nil || !p.wants(m) {
			return
		}
		// each list in turn is viewed in one model.List: check is done
		// with it (its fixes made) before the next
		var l model.List
		for _, e := range m.Manifest.Entries() {
			if len(r.Entries[e.ID()]) > 1 || !e.ListInto(&l, manifest.BlocksList) {
				continue
			}
			check(m, e.ID(), &l, "the manifest's blocks of "+e.ID(), func(missing []string) []Fix {
				return []Fix{{Title: "Add " + strings.Join(missing, ", ") + " to the manifest's blocks of " + e.ID(), Preferred: true,
					Edits: []Edit{appendToList(m, &l, missing, true)}}}
			})
		}
		for _, g := range p.graphEntries() {
			if g.blocks < 0 {
				continue
			}
			m.Manifest.ListInto(&l, g.blocks)
			check(m, g.id, &l, "dependency_graph's blocks of "+g.id, func(missing []string) []Fix {
				return []Fix{{Title: "Add " + strings.Join(missing, ", ") + " to dependency_graph's blocks of " + g.id, Preferred: true,
					Edits: []Edit{appendToList(m, &l, missing, true)}}}
			})
		}
	},
})

// listHas reports whether l names id.
func listHas(l *model.List, id string) bool {
	for _, it := range l.Items {
		if it.ID == id {
			return true
		}
	}
	return false
}

func plural(list []string) string {
	if len(list) == 1 {
		return "s"
	}
	return ""
}

// appendToList adds IDs at the end of a list, in its style.
func appendToList(d *workspace.Doc, l *model.List, add []string, jsonList bool) Edit {
	if jsonList || l.Style == '[' {
		q := append([]string(nil), add...)
		if jsonList {
			q = make([]string, len(add))
			for i, x := range add {
				q[i] = jsonString(x)
			}
		}
		end := l.Span.End - 1 // at ']'
		sep := ", "
		if len(l.Items) == 0 {
			sep = ""
			// an empty list with blanks inside: replace them
			return Edit{Path: d.Path, Span: l.Span, NewText: "[" + strings.Join(q, ", ") + "]"}
		}
		if jsonList && d.Manifest != nil {
			// after the last item's closing quote, known without the text
			return Edit{Path: d.Path, Span: spanAt(min(d.Manifest.ListTail(l), end)), NewText: sep + strings.Join(q, ", ")}
		}
		c := d.Text.Bytes()
		last := l.Items[len(l.Items)-1].Span.End
		if last < len(c) && (c[last] == '"' || c[last] == '\'') {
			// a quoted item: insert after its closing quote, quoted alike
			if !jsonList {
				for i, x := range add {
					q[i] = string(c[last]) + x + string(c[last])
				}
			}
			last++
		}
		if last > end {
			last = end
		}
		return Edit{Path: d.Path, Span: spanAt(last), NewText: sep + strings.Join(q, ", ")}
	}
	if l.Style == ',' {
		return Edit{Path: d.Path, Span: spanAt(l.Span.End), NewText: ", " + strings.Join(add, ", ")}
	}
	if len(l.Items) == 0 {
		return Edit{Path: d.Path, Span: l.Span, NewText: " [" + strings.Join(add, ", ") + "]"}
	}
	c := d.Text.Bytes()
	ls := d.Text.LineStart(d.Text.LineOf(l.Span.Start))
	indent := string(c[ls:l.Span.Start])
	var b strings.Builder
	for _, x := range add {
		b.WriteString("\n" + indent + "- " + x)
	}
	return Edit{Path: d.Path, Span: spanAt(l.Span.End), NewText: b.String()}
}

// graphEntry is one dependency_graph entry of the manifest.
type graphEntry struct {
	id        string
	key       model.Ref
	dependsOn int // the number of its list in the manifest, -1 for none
	blocks    int
}

// graphEntries is graphEntries of the root's manifest, made once per run
// (two checks read it).
func (p *Pass) graphEntries() []graphEntry {
	if p.facts == nil {
		return graphEntries(p.Root.Manifest)
	}
	p.facts.graphOnce.Do(func() { p.facts.graph = graphEntries(p.Root.Manifest) })
	return p.facts.graph
}

// graphEntries recovers the dependency_graph entries from the manifest's
// refs and lists (they are in source order).
func graphEntries(m *workspace.Doc) []graphEntry {
	if m == nil || m.Manifest == nil {
		return nil
	}
	n := 0
	for _, ref := range m.Manifest.Refs() {
		if ref.Kind == model.KindGraphKey {
			n++
		}
	}
	out := make([]graphEntry, 0, n)
	for _, ref := range m.Manifest.Refs() {
		if ref.Kind != model.KindGraphKey {
			continue
		}
		g := graphEntry{id: ref.ID, key: ref, dependsOn: -1, blocks: -1}
		out = append(out, g)
	}
	// attach each graph list to its node
	at := make(map[string]int, len(out))
	for i := range out {
		if _, ok := at[out[i].id]; !ok {
			at[out[i].id] = i
		}
	}
	mf := m.Manifest
	for li := range mf.NumLists() {
		kind := mf.ListKind(li)
		if kind != model.KindGraphDependsOn && kind != model.KindGraphBlocks {
			continue
		}
		owner := mf.ListOwner(li)
		k, ok := at[owner]
		if !ok || owner == "" {
			continue
		}
		if kind == model.KindGraphDependsOn && out[k].dependsOn < 0 {
			out[k].dependsOn = li
		} else if kind == model.KindGraphBlocks && out[k].blocks < 0 {
			out[k].blocks = li
		}
	}
	return out
}

// GraphDrift reports a dependency_graph entry whose depends_on differs from
// what the task's file (or, without a file, its manifest entry) says.
var GraphDrift = register(&Check{
	ManifestOnly: true,
	Name:         "graph-drift",
	Title:        "a dependency_graph entry that disagrees with the task files",
	Severity:     Warning,
	Run: func(p *Pass) {
		r := p.Root
		m := r.Manifest
		var l model.List // each entry's depends_on in turn
		for _, g := range p.graphEntries() {
			if g.dependsOn < 0 {
				continue
			}
			deps, known := p.deps(g.id)
			if !known {
				continue
			}
			src := "the task file"
			if d := r.Task(g.id); d != nil {
				src = d.Rel
			} else {
				src = "its manifest entry"
			}
			m.Manifest.ListInto(&l, g.dependsOn)
			onlyG, onlyF := diff(ids(&l), deps)
			if len(onlyG) == 0 && len(onlyF) == 0 {
				continue
			}
			var parts []string
			if len(onlyG) > 0 {
				parts = append(parts, "only dependency_graph lists "+strings.Join(onlyG, ", "))
			}
			if len(onlyF) > 0 {
				parts = append(parts, "only "+src+" lists "+strings.Join(onlyF, ", "))
			}
			dg := p.Report(m, l.Span, "dependency_graph of "+g.id+" differs: "+strings.Join(parts, "; "))
			dg.Fixes = []Fix{{Title: "Set dependency_graph's depends_on of " + g.id + " from " + src, Preferred: true,
				Edits: []Edit{{Path: m.Path, Span: l.Span, NewText: jsonIDList(deps)}}}}
		}
	},
})

// NotInManifest reports a task file whose task the manifest neither lists
// nor declares deferred.
var NotInManifest = register(&Check{
	Name:     "not-in-manifest",
	Title:    "a task file the manifest does not list",
	Severity: Warning,
	Run: func(p *Pass) {
		r := p.Root
		m := r.Manifest
		if m == nil || m.Manifest == nil || m.Manifest.Err != nil {
			return
		}
		for _, id := range p.ids() {
			defs := r.Defs.At(id)
			if len(defs) == 0 || len(r.Entries[id]) > 0 {
				continue
			}
			if _, ok := r.Deferred[id]; ok {
				continue
			}
			d := defs[0]
			dg := p.Report(d.Doc, d.Span, id+" is not listed in manifest.json")
			if f, ok := newEntryFix(r, d.Doc); ok {
				dg.Fixes = []Fix{f}
			}
		}
	},
})

// StaleCopy reports a task with a copy in tasks/ and one in completed/ that
// disagree on status or dependencies; it is reported on the copy the
// manifest does not point at.
var StaleCopy = register(&Check{
	Name:     "stale-copy",
	Title:    "copies of a task in tasks/ and completed/ that disagree",
	Severity: Warning,
	Run: func(p *Pass) {
		r := p.Root
		for _, id := range p.ids() {
			defs := r.Defs.At(id)
			if len(defs) != 2 || defs[0].Doc.Area() == defs[1].Doc.Area() {
				continue
			}
			// the copy in use: the one the manifest points at, else the one
			// in completed/ (a stale copy is left behind in tasks/)
			a, b := defs[0].Doc, defs[1].Doc
			ua, ub := defs[0].Span, defs[1].Span
			if e := r.Entry(id); (e == nil || (e.File().Value != a.Rel && e.File().Value != b.Rel)) && a.Area() != "completed" && b.Area() == "completed" {
				a, b, ua, ub = b, a, ub, ua
			}
			var parts []string
			if a.Task.StatusNorm() != b.Task.StatusNorm() {
				parts = append(parts, fmt.Sprintf("status %s here, %s there", b.Task.Status(), a.Task.Status()))
			}
			oa, ob := diff(fileDeps(a.Task), fileDeps(b.Task))
			if len(oa)+len(ob) > 0 {
				parts = append(parts, "different dependencies")
			}
			if len(parts) == 0 {
				continue
			}
			p.Report(b, ub, fmt.Sprintf("stale copy of %s: %s disagrees with %s (%s)", id, b.Rel, a.Rel, strings.Join(parts, "; ")),
				Related{Path: a.Path, Span: ua, Message: "the copy in use"})
		}
	},
})

// Misplaced reports a completed task still in tasks/ (only in workspaces
// that move finished tasks to a completed/ folder) and an unfinished task in
// completed/.
var Misplaced = register(&Check{
	Name:     "misplaced",
	Title:    "a task in the wrong folder for its status",
	Severity: Info,
	Run: func(p *Pass) {
		r := p.Root
		usesCompleted := false
		for _, d := range r.Docs.All() {
			if d.Area() == "completed" && d.IsTask() {
				usesCompleted = true // reports alone do not make the convention
				break
			}
		}
		for _, id := range p.ids() {
			defs := r.Defs.At(id)
			if len(defs) != 1 {
				continue // copies are the stale-copy check's business
			}
			d := defs[0].Doc
			st := d.Task.StatusNorm()
			switch {
			case d.Area() == "completed" && st != "" && st != model.StatusCompleted:
				p.Report(d, d.Task.StatusSpan(), fmt.Sprintf("%s is %s but its file is in completed/", id, st))
			case d.Area() == "tasks" && st == model.StatusCompleted && usesCompleted:
				p.Report(d, d.Task.StatusSpan(), id+" is completed but its file is still in tasks/")
			}
		}
	},
})

// StatsDrift reports `stats` counts of the manifest that do not match its
// task list: total_tasks / total, completed / total_completed, pending,
// in_progress, blocked (also with a _tasks suffix) and deferred.
var StatsDrift = register(&Check{
	ManifestOnly: true,
	Name:         "stats-drift",
	Title:        "manifest stats that do not match the task list",
	Severity:     Info,
	Run: func(p *Pass) {
		r := p.Root
		m := r.Manifest
		if m == nil || m.Manifest == nil || m.Manifest.Stats == nil {
			return
		}
		for _, ed := range statsEdits(r, false) {
			p.Report(m, ed.span, ed.msg).Fixes = []Fix{{Title: ed.title, Preferred: true,
				Edits: []Edit{{Path: m.Path, Span: ed.span, NewText: ed.text}}}}
		}
	},
})

type statsEdit struct {
	span             text.Span
	msg, title, text string
}

// statsEdits computes the stats counts that differ from the task list: as
// the manifest lists tasks now, or (synced) as it will once it is in line
// with the task files (file statuses, every task file listed).
func statsEdits(r *workspace.Root, synced bool) []statsEdit {
	m := r.Manifest
	if m == nil || m.Manifest == nil || m.Manifest.Stats == nil {
		return nil
	}
	count := map[string]int{}
	total := 0
	for _, e := range m.Manifest.Entries() {
		st, _ := model.NormStatus(e.Status().Value)
		if d := r.Task(e.ID()); synced && d != nil && d.Task.StatusNorm() != "" {
			st = d.Task.StatusNorm()
		}
		count[st]++
		total++
	}
	if synced {
		for _, id := range r.IDs {
			if len(r.Entries[id]) > 0 || len(r.Defs.At(id)) == 0 {
				continue
			}
			if _, ok := r.Deferred[id]; ok {
				continue
			}
			count[r.Defs.At(id)[0].Doc.Task.StatusNorm()]++
			total++
		}
	}
	{
		want := func(key string) (int, bool) {
			k := strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(key), "total_"), "_tasks")
			switch k {
			case "tasks", "total", "":
				return total, true
			case "completed", "complete", "done":
				return count[model.StatusCompleted], true
			case "pending":
				return count[model.StatusPending], true
			case "in_progress":
				return count[model.StatusInProgress], true
			case "blocked":
				return count[model.StatusBlocked], true
			case "deferred":
				return len(r.Deferred), true
			}
			return 0, false
		}
		var out []statsEdit
		for _, mem := range m.Manifest.Stats.Members {
			n, ok := want(mem.Key)
			if !ok || mem.Value.Kind != jsonpos.Number {
				continue
			}
			got, err := strconv.Atoi(mem.Value.Str)
			if err != nil || got == n {
				continue
			}
			out = append(out, statsEdit{span: mem.Value.Span, msg: fmt.Sprintf("stats.%s is %d but the task list gives %d", mem.Key, got, n),
				title: fmt.Sprintf("Set stats.%s to %d", mem.Key, n), text: strconv.Itoa(n)})
		}
		return out
	}
}

// SyncManifest returns the edits that bring a root's manifest.json in line
// with its task files: each entry's status, title, priority and
// dependencies, the blocks lists and dependency_graph, entries for task
// files it does not list, and the stats. diags are the root's diagnostics
// (check.Run's); their preferred manifest-side fixes are reused.
func SyncManifest(r *workspace.Root, diags map[string][]Diagnostic) []Edit {
	m := r.Manifest
	if m == nil || m.Manifest == nil || m.Manifest.Err != nil {
		return nil
	}
	var edits []Edit
	for _, ds := range diags {
		for _, dg := range ds {
			switch dg.Check {
			case "manifest-drift", "blocks-inverse", "graph-drift", "not-in-manifest":
			default:
				continue
			}
			for _, f := range dg.Fixes {
				if !f.Preferred {
					continue
				}
				for _, e := range f.Edits {
					if e.Path == m.Path {
						edits = append(edits, e)
					}
				}
			}
		}
	}
	for _, se := range statsEdits(r, true) {
		edits = append(edits, Edit{Path: m.Path, Span: se.span, NewText: se.text})
	}
	return edits
}

func spanAt(off int) text.Span { return text.Span{Start: off, End: off} }

// newEntryFix adds a manifest entry for a task file, with the fields the
// manifest's other entries have, after the last entry.
func newEntryFix(r *workspace.Root, d *workspace.Doc) (Fix, bool) {
	m := r.Manifest
	n := m.Manifest.NumEntries()
	if n == 0 {
		return Fix{}, false
	}
	last := m.Manifest.Entry(n - 1)
	t := d.Task
	has := func(f bool) bool { return f }
	var fields []string
	keyed := false
	if m.Manifest.LastKey >= 0 && last.IDSpan().Start < last.Span().Start {
		keyed = true // an object map whose entries carry no id of their own
	}
	if !keyed {
		fields = append(fields, `"id": `+jsonString(t.ID()))
	}
	if has(last.Title().Present) {
		fields = append(fields, `"title": `+jsonString(t.Title()))
	}
	if has(last.File().Present) {
		fields = append(fields, `"file": `+jsonString(d.Rel))
	}
	if has(last.Status().Present) && t.StatusNorm() != "" {
		fields = append(fields, `"status": `+jsonString(t.StatusNorm()))
	}
	if has(last.Priority().Present) && t.PriorityKnown {
		fields = append(fields, `"priority": `+respell(last.Priority().Value, last.Priority().String, t.PriorityNorm()))
	}
	if last.HasDependsOn() {
		fields = append(fields, `"`+last.DependsOn().Key+`": `+jsonIDList(fileDeps(t)))
	}
	return Fix{Title: "Add " + t.ID() + " to manifest.json", Preferred: true,
		Edits: []Edit{{Path: m.Path, Span: spanAt(last.Span().End), NewText: entryText(m.Manifest, t.ID(), fields)}}}, true
}

// entryText is the text that adds an entry of the given fields after the
// manifest's last entry, laid out as the parse found that one (the text
// itself is not kept): a new element of the tasks array, or a new member
// keyed by id when tasks is an object map.
func entryText(m *manifest.Manifest, id string, fields []string) string {
	if m.LastKey >= 0 {
		return ",\n" + m.LastKeyIndent + jsonString(id) + ": {" + strings.Join(fields, ", ") + "}"
	}
	return ",\n" + m.LastIndent + "{" + strings.Join(fields, ", ") + "}"
}
