package features

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"

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
		for _, e := range d.Manifest.Entries() {
			out = append(out, Symbol{Name: e.ID(), Detail: e.Title().Value, Kind: SymEntry, Span: e.Span(), Select: e.IDSpan()})
		}
		return out
	}
	return nil
}

func taskSymbols(d *workspace.Doc) []Symbol {
	t := d.Full()
	end := len(d.Text.Bytes())
	root := Symbol{Name: t.ID(), Detail: t.Title(), Kind: SymTask, Span: text.Span{Start: 0, End: end}, Select: t.IDSpan()}
	if t.IDFromName {
		root.Select = text.Span{}
	}
	for _, f := range t.Fields() {
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
	for _, sec := range t.Sections() {
		if sec.Level() > 2 {
			continue
		}
		ext := sec.Extent()
		sym := Symbol{Name: sec.Title(), Kind: SymSection, Span: ext, Select: sec.Span()}
		in := func(sp text.Span) bool { return sp.Start >= ext.Start && sp.End <= ext.End }
		for _, c := range t.Criteria() {
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
		for _, sc := range t.Scenarios() {
			if in(sc.Span) {
				sym.Children = append(sym.Children, Symbol{Name: sc.Name, Kind: SymScenario, Span: sc.Span, Select: sc.Span})
			}
		}
		for _, rk := range t.Risks() {
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
	// Start and End are Location.Span as line and UTF-16 column, kept
	// with the root's search index: a task file's content is not kept in
	// memory, and reading it again for each answer would be slow.
	Start, End text.Pos
	Root       *workspace.Root
}

// WorkspaceSymbols finds tasks by ID or title: ID prefix first, then whole
// words of the title, then fuzzy (the query's letters in order); completed
// tasks after the others; at most limit results.
func WorkspaceSymbols(s *workspace.Snapshot, query string, limit int) []WorkspaceSymbol {
	forget(s)
	m := newMatcher(strings.ToLower(strings.TrimSpace(query)))
	idx := make([]*searchIndex, len(s.Roots))
	total := 0
	for ri, r := range s.Roots {
		idx[ri] = indexOf(r)
		total += len(idx[ri].ids)
	}
	// Score every task once, keeping the scores (-1: no match) and how
	// many tasks have each, so that only the hits that can make the limit
	// are collected and sorted.
	bp := scoreBufs.Get().(*[]int32)
	defer scoreBufs.Put(bp)
	scores := slices.Grow((*bp)[:0], total)[:total]
	*bp = scores
	var counts [scoreCounts]int32 // tasks by score, under scoreCounts
	var more map[int]int          // and the others
	matched, at := 0, 0
	for _, x := range idx {
		for i := range x.ids {
			scores[at] = -1
			if w := x.row(i); w.doc != nil {
				if score, ok := m.match(w.lowID, w.lowTitle, w.letters); ok {
					if w.done {
						score += 1000
					}
					scores[at] = int32(score)
					if score < scoreCounts {
						counts[score]++
					} else {
						if more == nil {
							more = map[int]int{}
						}
						more[score]++
					}
					matched++
				}
			}
			at++
		}
	}
	// Ranked by score, then ID, then root. With more hits than the limit,
	// only those under the limit's score make it, and of those at it, the
	// first few of each root (a root's hits come in ID order).
	cut, room := math.MaxInt32, matched
	if limit > 0 && matched > limit {
		room = limit
		for sc := 0; sc < scoreCounts && cut == math.MaxInt32; sc++ {
			if int(counts[sc]) >= room {
				cut = sc
			} else {
				room -= int(counts[sc])
			}
		}
		if cut == math.MaxInt32 {
			keys := make([]int, 0, len(more))
			for sc := range more {
				keys = append(keys, sc)
			}
			sort.Ints(keys)
			for _, sc := range keys {
				if more[sc] >= room {
					cut = sc
					break
				}
				room -= more[sc]
			}
		}
	}
	type hit struct {
		score   int
		root, i int32
	}
	hits := make([]hit, 0, min(matched, max(limit, 0)+len(idx)*room))
	at = 0
	for ri, x := range idx {
		taken := 0
		for i := range x.ids {
			sc := int(scores[at])
			at++
			switch {
			case sc < 0 || sc > cut:
			case sc < cut:
				hits = append(hits, hit{sc, int32(ri), int32(i)})
			case taken < room:
				hits = append(hits, hit{sc, int32(ri), int32(i)})
				taken++
			}
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		a, b := hits[i], hits[j]
		if a.score != b.score {
			return a.score < b.score
		}
		if a.root == b.root {
			return a.i < b.i
		}
		if ia, ib := idx[a.root].ids[a.i], idx[b.root].ids[b.i]; ia != ib {
			return ia < ib
		}
		return a.root < b.root
	})
	if limit > 0 && len(hits) > limit {
		hits = hits[:limit]
	}
	var out []WorkspaceSymbol
	if len(hits) > 0 {
		out = make([]WorkspaceSymbol, 0, len(hits))
	}
	for _, h := range hits {
		x := idx[h.root]
		w := x.row(int(h.i))
		loc, _ := w.loc()
		start, end := x.positions(int(h.i))
		out = append(out, WorkspaceSymbol{ID: x.ids[h.i], Title: w.title, Status: w.status, Location: loc, Start: start, End: end, Root: s.Roots[h.root]})
	}
	return out
}

// scoreCounts bounds the scores WorkspaceSymbols counts in an array (the
// others, fuzzy matches with many letters skipped, in a map).
const scoreCounts = 2048

// scoreBufs holds WorkspaceSymbols' buffers of scores, one per task.
var scoreBufs = sync.Pool{New: func() any { return new([]int32) }}

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
		for _, f := range d.Full().Fields() {
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
		for m := range d.Task.Mentions().All() {
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
		for _, e := range d.Manifest.Entries() {
			if !e.File().Present {
				continue
			}
			target := r.Abs(workspace.CleanRel(e.File().Value))
			if r.Docs.At(target) != nil {
				out = append(out, Link{Span: e.FileInner(), Target: target})
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
	dependents := Dependents(r, t.ID())
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
	if t.StatusNorm() != model.StatusCompleted && done == len(deps) {
		parts = append(parts, "ready")
	}
	return []Lens{{Span: t.IDSpan(), Title: strings.Join(parts, " · "), ID: t.ID(), Refs: RefsOf(r, t.ID(), false)}}
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
	if e := r.Entry(id); e != nil && e.HasDependsOn() {
		return uniqueIDs(e.DependsOn().Items)
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
		lists = d.Task.Lists()
	case d.Kind == workspace.KindManifest && d.Manifest != nil:
		// a view only of the lists with items in the range
		mf := d.Manifest
		for li := range mf.NumLists() {
			if k := mf.ListKind(li); k == model.KindDeferred || k == model.KindPhase {
				continue
			}
			if sp := mf.ListSpan(li); sp.End < from || sp.Start > to {
				continue
			}
			lists = append(lists, mf.List(li))
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
	t := d.Full()
	var out []Fold
	if t.Style == taskfile.StyleFrontMatter && t.MetaSpan().Len() > 0 {
		out = append(out, Fold{Start: 0, End: t.MetaSpan().End, Kind: "imports"})
	}
	for _, sec := range t.Sections() {
		ext, start := sec.Extent(), sec.Span().Start
		end := ext.End
		for end > ext.Start && (d.Text.Bytes()[end-1] == '\n' || d.Text.Bytes()[end-1] == '\r' || d.Text.Bytes()[end-1] == ' ') {
			end--
		}
		if d.Text.LineOf(end) > d.Text.LineOf(start) {
			out = append(out, Fold{Start: start, End: end, Kind: "region"})
		}
	}
	return out
}

func fileExists(p string) bool {
	st, err := osStat(p)
	return err == nil && !st.IsDir()
}
