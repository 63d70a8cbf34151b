package features

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// SymbolKind says what a document symbol is.
type SymbolKind uint8

const (
	SymTask SymbolKind = iota
	SymField
	SymSection
	SymCriterion
	SymScenario
	SymRisk
	SymEntry
)

// Symbol is one node of a document's outline.
type Symbol struct {
	Name     string
	Detail   string
	Kind     SymbolKind
	Span     text.Span // the whole extent
	Select   text.Span // what to highlight
	Children []Symbol
}

// DocumentSymbols is the outline of a task file (the task; its metadata
// fields; sections with their criteria, scenarios and risks) or of
// manifest.json (its entries).
func DocumentSymbols(s *workspace.Snapshot, path string) []Symbol {
	d := s.Doc(path)
	if d == nil {
		return nil
	}
	switch {
	case d.IsTask():
		return taskSymbols(d)
	case d.Kind == workspace.KindManifest && d.Manifest != nil:
		var out []Symbol
		for _, e := range d.Manifest.Entries {
			out = append(out, Symbol{Name: e.ID, Detail: e.Title.Value, Kind: SymEntry, Span: e.Span, Select: e.IDSpan})
		}
		return out
	}
	return nil
}

func taskSymbols(d *workspace.Doc) []Symbol {
	t := d.Task
	end := len(d.Text.Bytes())
	root := Symbol{Name: t.ID, Detail: t.Title, Kind: SymTask, Span: text.Span{Start: 0, End: end}, Select: t.IDSpan}
	if t.IDFromName {
		root.Select = text.Span{}
	}
	for _, f := range t.Fields {
		sp := text.Span{Start: f.KeySpan.Start, End: maxInt(f.ValueSpan.End, f.KeySpan.End)}
		detail := f.Value
		if f.Seq {
			var items []string
			for _, it := range f.Items {
				items = append(items, it.Value)
			}
			detail = strings.Join(items, ", ")
		}
		root.Children = append(root.Children, Symbol{Name: f.Key, Detail: detail, Kind: SymField, Span: sp, Select: f.KeySpan})
	}
	for _, sec := range t.Sections {
		if sec.Level > 2 {
			continue
		}
		sym := Symbol{Name: sec.Title, Kind: SymSection, Span: sec.Extent, Select: sec.Span}
		in := func(sp text.Span) bool { return sp.Start >= sec.Extent.Start && sp.End <= sec.Extent.End }
		for _, c := range t.Criteria {
			if in(c.Span) {
				box := "[ ] "
				switch c.State {
				case taskfile.Checked:
					box = "[x] "
				case taskfile.NoBox:
					box = ""
				}
				sym.Children = append(sym.Children, Symbol{Name: box + c.Text, Kind: SymCriterion, Span: c.Span, Select: c.Span})
			}
		}
		for _, sc := range t.Scenarios {
			if in(sc.Span) {
				sym.Children = append(sym.Children, Symbol{Name: sc.Name, Kind: SymScenario, Span: sc.Span, Select: sc.Span})
			}
		}
		for _, rk := range t.Risks {
			if in(rk.Span) {
				sym.Children = append(sym.Children, Symbol{Name: rk.Name, Kind: SymRisk, Span: rk.Span, Select: rk.Span})
			}
		}
		root.Children = append(root.Children, sym)
	}
	return []Symbol{root}
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// WorkspaceSymbol is a task found by a workspace symbol query.
type WorkspaceSymbol struct {
	ID, Title, Status string
	Location          Location
	Root              *workspace.Root
}

// WorkspaceSymbols finds tasks by ID or title: ID prefix first, then whole
// words of the title, then fuzzy (the query's letters in order); completed
// tasks after the others; at most limit results.
func WorkspaceSymbols(s *workspace.Snapshot, query string, limit int) []WorkspaceSymbol {
	q := strings.ToLower(strings.TrimSpace(query))
	type scored struct {
		sym   WorkspaceSymbol
		score int
	}
	var all []scored
	for _, r := range s.Roots {
		for _, id := range r.IDs {
			title, status, _ := summary(r, id)
			score, ok := match(q, strings.ToLower(id), strings.ToLower(title))
			if !ok {
				continue
			}
			if status == model.StatusCompleted {
				score += 1000
			}
			locs := Defs(r, id)
			if len(locs) == 0 {
				continue
			}
			all = append(all, scored{WorkspaceSymbol{ID: id, Title: title, Status: status, Location: locs[0], Root: r}, score})
		}
	}
	sort.SliceStable(all, func(i, j int) bool {
		if all[i].score != all[j].score {
			return all[i].score < all[j].score
		}
		return all[i].sym.ID < all[j].sym.ID
	})
	var out []WorkspaceSymbol
	for i, a := range all {
		if limit > 0 && i == limit {
			break
		}
		out = append(out, a.sym)
	}
	return out
}

// match scores a query against an ID and a title (lower is better).
func match(q, id, title string) (int, bool) {
	switch {
	case q == "":
		return 50, true
	case id == q:
		return 0, true
	case strings.HasPrefix(id, q):
		return 1, true
	case strings.HasPrefix(title, q):
		return 2, true
	case strings.Contains(title, " "+q):
		return 3, true
	case strings.Contains(title, q) || strings.Contains(id, q):
		return 4, true
	}
	// fuzzy: the query's letters in order in ID + title
	hay := id + " " + title
	i := 0
	gaps := 0
	for _, c := range hay {
		if i < len(q) && c == rune(q[i]) {
			i++
		} else if i > 0 && i < len(q) {
			gaps++
		}
	}
	if i == len(q) {
		return 10 + gaps, true
	}
	return 0, false
}

// Link is a document link.
type Link struct {
	Span   text.Span
	Target string // absolute path
}

// DocumentLinks links context_refs/docs_refs paths that exist, manifest
// `file` values, and task IDs in body prose to their task files.
func DocumentLinks(s *workspace.Snapshot, path string) []Link {
	r := s.RootOf(path)
	d := s.Doc(path)
	if r == nil || d == nil {
		return nil
	}
	var out []Link
	switch d.Kind {
	case workspace.KindTask:
		if d.Task == nil {
			return nil
		}
		for _, f := range d.Task.Fields {
			k := strings.ToLower(f.Key)
			if k != "context_refs" && k != "docs_refs" {
				continue
			}
			for _, it := range f.Items {
				p := strings.TrimSpace(it.Value)
				if i := strings.IndexAny(p, "# ("); i >= 0 {
					p = p[:i]
				}
				if p == "" {
					continue
				}
				for _, base := range []string{r.Dir, filepath.Dir(r.Dir), filepath.Dir(d.Path)} {
					target := filepath.Join(base, filepath.FromSlash(p))
					if fileExists(target) {
						out = append(out, Link{Span: text.Span{Start: it.ValueSpan.Start, End: it.ValueSpan.Start + len(p)}, Target: target})
						break
					}
				}
			}
		}
		for _, m := range d.Task.Mentions {
			if !r.IsIDForm(m.ID) {
				continue
			}
			if t := r.Task(m.ID); t != nil && t.Path != d.Path {
				out = append(out, Link{Span: m.Span, Target: t.Path})
			}
		}
	case workspace.KindManifest:
		if d.Manifest == nil {
			return nil
		}
		for _, e := range d.Manifest.Entries {
			if !e.File.Present {
				continue
			}
			target := r.Abs(workspace.CleanRel(e.File.Value))
			if r.Docs[target] != nil {
				out = append(out, Link{Span: e.FileInner, Target: target})
			}
		}
	}
	return out
}

// Lens is a code lens over a task's id.
type Lens struct {
	Span  text.Span
	Title string
	ID    string
	Refs  []Location
}

// CodeLenses shows, over a task's id, how it sits in the graph:
// `blocks N · depends on M (k done) · criteria 7/10 · ready`.
func CodeLenses(s *workspace.Snapshot, path string) []Lens {
	r := s.RootOf(path)
	d := s.Doc(path)
	if r == nil || !d.IsTask() || d.Task.IDFromName {
		return nil
	}
	t := d.Task
	dependents := Dependents(r, t.ID)
	deps := uniqueIDs(t.Deps())
	done := 0
	for _, dep := range deps {
		if statusOfID(r, dep) == model.StatusCompleted {
			done++
		}
	}
	parts := []string{fmt.Sprintf("blocks %d", len(dependents)), fmt.Sprintf("depends on %d (%d done)", len(deps), done)}
	if cd, ct := t.CriteriaDone(); ct > 0 {
		parts = append(parts, fmt.Sprintf("criteria %d/%d", cd, ct))
	}
	if t.StatusNorm != model.StatusCompleted && done == len(deps) {
		parts = append(parts, "ready")
	}
	return []Lens{{Span: t.IDSpan, Title: strings.Join(parts, " · "), ID: t.ID, Refs: RefsOf(r, t.ID, false)}}
}

func uniqueIDs(refs []model.Ref) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range refs {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r.ID)
		}
	}
	return out
}

// DepsOf returns what a task depends on: its file's dependency lists, or
// its manifest entry's when it has no file.
func DepsOf(r *workspace.Root, id string) []string {
	if d := r.Task(id); d != nil {
		return uniqueIDs(d.Task.Deps())
	}
	if e := r.Entry(id); e != nil && e.DependsOn != nil {
		return uniqueIDs(e.DependsOn.Items)
	}
	return nil
}

// Dependents returns the tasks that depend on id, sorted.
func Dependents(r *workspace.Root, id string) []string {
	var out []string
	for _, other := range r.IDs {
		for _, dep := range DepsOf(r, other) {
			if dep == id {
				out = append(out, other)
				break
			}
		}
	}
	return out
}

func statusOfID(r *workspace.Root, id string) string {
	_, st, _ := summary(r, id)
	return st
}

// InlayHint is a label shown after a dependency ID.
type InlayHint struct {
	Offset int
	Label  string
}

// InlayHints labels each ID in the dependency lists between from and to
// with its task's status (and title when short).
func InlayHints(s *workspace.Snapshot, path string, from, to int) []InlayHint {
	r := s.RootOf(path)
	d := s.Doc(path)
	if r == nil || d == nil {
		return nil
	}
	var lists []*model.List
	switch {
	case d.Kind == workspace.KindTask && d.Task != nil:
		lists = d.Task.Lists
	case d.Kind == workspace.KindManifest && d.Manifest != nil:
		for _, l := range d.Manifest.Lists {
			if l.Kind != model.KindDeferred && l.Kind != model.KindPhase {
				lists = append(lists, l)
			}
		}
	}
	var out []InlayHint
	for _, l := range lists {
		for _, it := range l.Items {
			if it.Span.End < from || it.Span.Start > to {
				continue
			}
			title, status, _ := summary(r, it.ID)
			if !r.Known(it.ID) {
				continue
			}
			label := status
			if len([]rune(title)) > 0 && len([]rune(title)) <= 24 {
				label += " · " + title
			}
			end := it.Span.End
			if end < len(d.Text.Bytes()) && d.Text.Bytes()[end] == '"' {
				end++
			}
			out = append(out, InlayHint{Offset: end, Label: label})
		}
	}
	return out
}

// Fold is a foldable range.
type Fold struct {
	Start, End int // byte offsets of the first and last folded line
	Kind       string
}

// FoldingRanges folds the front matter, each section and each scenario.
func FoldingRanges(s *workspace.Snapshot, path string) []Fold {
	d := s.Doc(path)
	if d == nil || d.Kind != workspace.KindTask || d.Task == nil {
		return nil
	}
	t := d.Task
	var out []Fold
	if t.Style == taskfile.StyleFrontMatter && t.MetaSpan.Len() > 0 {
		out = append(out, Fold{Start: 0, End: t.MetaSpan.End, Kind: "imports"})
	}
	for _, sec := range t.Sections {
		end := sec.Extent.End
		for end > sec.Extent.Start && (d.Text.Bytes()[end-1] == '\n' || d.Text.Bytes()[end-1] == '\r' || d.Text.Bytes()[end-1] == ' ') {
			end--
		}
		if d.Text.LineOf(end) > d.Text.LineOf(sec.Span.Start) {
			out = append(out, Fold{Start: sec.Span.Start, End: end, Kind: "region"})
		}
	}
	return out
}

func fileExists(p string) bool {
	st, err := osStat(p)
	return err == nil && !st.IsDir()
}
