// Package check holds taskls's checks: small named units, each with a stable
// code, a one-line title, a default severity and its documentation, run over
// one snapshot of the workspace.
package check

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/analysis/model"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// Severity of a diagnostic. The numbering matches common editor protocols.
type Severity uint8

const (
	Error   Severity = 1
	Warning Severity = 2
	Info    Severity = 3
	Hint    Severity = 4
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	case Info:
		return "info"
	case Hint:
		return "hint"
	}
	return "off"
}

// Related points at another place that explains a diagnostic.
type Related struct {
	Path    string
	Span    text.Span
	Message string
}

// Edit replaces Span of the file at Path with NewText. With Create, the
// file does not exist yet: it is created with NewText, and never
// overwritten if it appears meanwhile.
type Edit struct {
	Path    string
	Span    text.Span
	NewText string
	Create  bool
}

// Fix is a named set of edits that resolves a diagnostic.
type Fix struct {
	Title     string
	Edits     []Edit
	Preferred bool
}

// Diagnostic is one problem found in one file.
type Diagnostic struct {
	Path     string
	Span     text.Span
	Severity Severity
	Check    string
	Message  string
	Related  []Related
	Fixes    []Fix
}

// Check is one kind of problem.
type Check struct {
	Name     string   // stable code, e.g. "unknown-id"
	Title    string   // one line
	Doc      string   // what it reports and why
	Severity Severity // default
	Run      func(p *Pass)
	// ManifestOnly: the check reports on manifest.json alone, so a run for
	// other files skips it.
	ManifestOnly bool
}

// Pass is one check's run over one root.
type Pass struct {
	Snap   *workspace.Snapshot
	Root   *workspace.Root
	Check  *Check
	Config *Config
	sev    Severity
	out    *[]Diagnostic
	facts  *facts // shared by the checks of one root in one run
}

// facts are graph facts several checks need, computed once per root.
type facts struct {
	mu    sync.Mutex
	deps  map[string]depsFact // what each known task depends on (depsOf), filled on demand
	waits map[string][]string // deps and blocked_by: what each task waits for
	docs  []*workspace.Doc    // the root's docs in path order (only those asked for, see only)

	// only, when not nil, is the set of files a quick run reports on
	// (RunFiles): checks then look at the tasks those files define and their
	// neighbours, not at the whole graph.
	only      map[string]bool
	narrow    bool // only is set and does not hold manifest.json: a focused run
	focusOnce sync.Once
	focus     []string // see (*Pass).ids

	denseOnce sync.Once
	dense     *dense // runs that are not narrow: the graph facts of every task

	graphOnce sync.Once
	graph     []graphEntry // the manifest's dependency_graph (graphEntries)

	heldMu sync.Mutex
	held   map[*workspace.Doc]any // content kept for the run (see hold)
}

// hold keeps the content of d, a file detached from its content
// (manifest.json above all: megabytes), in memory until the run ends:
// fixes that read it for each finding read the file once, not again after
// each garbage collection (text.File.Hold).
func (p *Pass) hold(d *workspace.Doc) {
	if p.facts == nil || d == nil || d.Text == nil || !d.Text.IsDetached() {
		return
	}
	p.facts.heldMu.Lock()
	defer p.facts.heldMu.Unlock()
	if _, ok := p.facts.held[d]; ok {
		return
	}
	if p.facts.held == nil {
		p.facts.held = map[*workspace.Doc]any{}
	}
	p.facts.held[d] = d.Text.Hold()
}

// dense returns the graph facts of every task, built at the first call,
// in a run that is not narrow; nil in a narrow one (which looks at a few
// tasks: facts are made for those it asks about).
func (p *Pass) dense() *dense {
	if p.facts == nil || p.facts.narrow {
		return nil
	}
	p.facts.denseOnce.Do(func() { p.facts.dense = buildDense(p.Root) })
	return p.facts.dense
}

type depsFact struct {
	deps  []string
	known bool
}

// deps is depsOf, cached for the run.
func (p *Pass) deps(id string) ([]string, bool) {
	if d := p.dense(); d != nil {
		if i, ok := d.at[id]; ok {
			return d.depsOf(i), d.isKnown(i)
		}
		return depsOf(p.Root, id)
	}
	p.facts.mu.Lock()
	if f, ok := p.facts.deps[id]; ok {
		p.facts.mu.Unlock()
		return f.deps, f.known
	}
	p.facts.mu.Unlock()
	d, ok := depsOf(p.Root, id)
	p.facts.mu.Lock()
	if p.facts.deps == nil {
		p.facts.deps = map[string]depsFact{}
	}
	p.facts.deps[id] = depsFact{d, ok}
	p.facts.mu.Unlock()
	return d, ok
}

// wants reports whether the run reports on doc (a quick run reports on the
// files asked for only): checks skip work whose findings would be dropped.
func (p *Pass) wants(doc *workspace.Doc) bool {
	return p.facts == nil || p.facts.only == nil || doc != nil && p.facts.only[doc.Path]
}

// ids returns the task IDs a check that goes task by task must look at, in
// order: every known ID in a full run; in a quick run, the IDs defined by
// the files asked for (what such checks report lands on the defining
// files). With manifest.json among the files, every ID (the manifest's
// checks are whole-manifest anyway).
func (p *Pass) ids() []string {
	if p.facts == nil || !p.facts.narrow {
		return p.Root.IDs
	}
	p.facts.focusOnce.Do(func() {
		r := p.Root
		seen := map[string]bool{}
		for _, d := range p.facts.docs {
			if d.Kind != workspace.KindTask || d.Task == nil || d.Task.ID() == "" || seen[d.Task.ID()] {
				continue
			}
			if r.Defs.Has(d.Task.ID()) {
				seen[d.Task.ID()] = true
				p.facts.focus = append(p.facts.focus, d.Task.ID())
			}
		}
		sort.Strings(p.facts.focus)
	})
	return p.facts.focus
}

// dependents returns the tasks that wait for id (depend on it or are
// blocked by it), in ID order.
func (p *Pass) dependents(id string) []string {
	if d := p.dense(); d != nil {
		if i, ok := d.at[id]; ok {
			return d.dependents.get(i)
		}
		return d.other[id]
	}
	// a quick run: the candidates are the tasks whose files or manifest
	// entries name id
	r := p.Root
	cand := map[string]bool{}
	for l := range r.Refs(id) {
		if l.Doc.IsTask() {
			cand[l.Doc.Task.ID()] = true
		}
	}
	if m := r.Manifest; m != nil && m.Manifest != nil {
		var items []model.Ref
		for _, e := range m.Manifest.Entries() {
			for _, k := range [...]manifest.EntryList{manifest.DependsOnList, manifest.BlockedByList} {
				items = e.AppendListItems(items[:0], k)
				for _, it := range items {
					if it.ID == id {
						cand[e.ID()] = true
					}
				}
			}
		}
	}
	var out []string
	for x := range cand {
		if known := r.Defs.Has(x); !known {
			if _, known = r.Entries[x]; !known {
				continue
			}
		}
		ws, _ := p.waits(x)
		for _, w := range ws {
			if w == id {
				out = append(out, x) // as often as the full run counts it
			}
		}
	}
	sort.Strings(out)
	return out
}

// Report records a diagnostic at span of doc with the check's severity.
func (p *Pass) Report(doc *workspace.Doc, span text.Span, msg string, related ...Related) *Diagnostic {
	return p.ReportSev(p.sev, doc, span, msg, related...)
}

// ReportSev records a diagnostic with an explicit severity (checks whose
// findings differ in weight, like unknown IDs in lists and in prose).
func (p *Pass) ReportSev(sev Severity, doc *workspace.Doc, span text.Span, msg string, related ...Related) *Diagnostic {
	if sev == 0 {
		return &Diagnostic{}
	}
	*p.out = append(*p.out, Diagnostic{Path: doc.Path, Span: span, Severity: sev, Check: p.Check.Name, Message: msg, Related: related})
	return &(*p.out)[len(*p.out)-1]
}

var registry []*Check

func register(c *Check) *Check {
	registry = append(registry, c)
	return c
}

// Lookup returns the check with that name, or nil.
func Lookup(name string) *Check {
	for _, c := range registry {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// All returns every check, sorted by name.
func All() []*Check {
	out := append([]*Check(nil), registry...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Config adjusts checks: a severity per check name (0 turns a check off)
// and the thresholds of the sections check. The zero Config is the default.
type Config struct {
	Severity map[string]Severity

	MinCriteria  *int     // acceptance criteria a task needs (nil: 8)
	MinScenarios *int     // test scenarios (nil: 6)
	MinRisks     *int     // risks (nil: 4)
	Sections     []string // required sections (default: the generators' ten)
}

// Defaults of the sections check: the minimums these workspaces' own
// README sets, and the sections their generators write.
var (
	DefaultMinCriteria  = 8
	DefaultMinScenarios = 6
	DefaultMinRisks     = 4
	DefaultSections     = []string{"Description", "Business Context", "Acceptance Criteria", "Test Scenarios",
		"Technical Implementation", "Dependencies", "Design Decisions", "Risks & Mitigations", "Progress Log",
		"Completion Checklist"}
)

func (c *Config) minCriteria() int {
	if c != nil && c.MinCriteria != nil {
		return *c.MinCriteria
	}
	return DefaultMinCriteria
}

func (c *Config) minScenarios() int {
	if c != nil && c.MinScenarios != nil {
		return *c.MinScenarios
	}
	return DefaultMinScenarios
}

func (c *Config) minRisks() int {
	if c != nil && c.MinRisks != nil {
		return *c.MinRisks
	}
	return DefaultMinRisks
}

func (c *Config) sections() []string {
	if c != nil && c.Sections != nil {
		return c.Sections
	}
	return DefaultSections
}

// Run runs every check over every root of the snapshot and returns the
// diagnostics of each file, sorted by position. Checks run in parallel;
// each reports into its own list, so the result does not depend on timing.
func Run(s *workspace.Snapshot, cfg *Config) map[string][]Diagnostic {
	out, _ := run(s, cfg, nil, nil)
	return out
}

// RunUntil is Run that gives up as soon as stop reports true (it is asked
// between checks), returning false: the server drops a full run once a
// newer snapshot waits.
func RunUntil(s *workspace.Snapshot, cfg *Config, stop func() bool) (map[string][]Diagnostic, bool) {
	return run(s, cfg, nil, stop)
}

// RunFiles gives the diagnostics of a few files only, quickly: checks that
// go file by file look at those files alone, the graph-wide ones run whole
// and keep what they say about those files. The result for each of the
// files equals Run's.
func RunFiles(s *workspace.Snapshot, cfg *Config, paths []string) map[string][]Diagnostic {
	only := map[string]bool{}
	for _, p := range paths {
		only[p] = true
	}
	out, _ := run(s, cfg, only, nil)
	for p := range out {
		if !only[p] {
			delete(out, p)
		}
	}
	return out
}

func run(s *workspace.Snapshot, cfg *Config, only map[string]bool, stop func() bool) (map[string][]Diagnostic, bool) {
	type job struct {
		pass *Pass
		out  []Diagnostic
	}
	var jobs []*job
	for _, r := range s.Roots {
		_, fileCfg, _ := rootConfig(r)
		rc := Merge(fileCfg, cfg)
		var docs []*workspace.Doc
		if only == nil {
			docs = sortedDocs(r)
		} else {
			for p := range only {
				if d := r.Docs.At(p); d != nil {
					docs = append(docs, d)
				}
			}
			sort.Slice(docs, func(i, j int) bool { return docs[i].Path < docs[j].Path })
		}
		shared := &facts{docs: docs, only: only, narrow: only != nil && (r.Manifest == nil || !only[r.Manifest.Path])}
		for _, c := range All() {
			sev := c.Severity
			if rc != nil {
				if v, ok := rc.Severity[c.Name]; ok {
					sev = v
				}
			}
			if sev == 0 {
				continue
			}
			if c.ManifestOnly && only != nil && (r.Manifest == nil || !only[r.Manifest.Path]) {
				continue
			}
			j := &job{}
			j.pass = &Pass{Snap: s, Root: r, Check: c, Config: rc, sev: sev, out: &j.out, facts: shared}
			jobs = append(jobs, j)
		}
	}
	workers := runtime.GOMAXPROCS(0)
	var next atomic.Int64
	var stopped atomic.Bool
	var panicked atomic.Pointer[checkPanic]
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				// a check that panics must not take the process down from a
				// goroutine no caller can recover: hand the panic over
				if r := recover(); r != nil {
					panicked.CompareAndSwap(nil, &checkPanic{r, debug.Stack()})
					stopped.Store(true)
				}
			}()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(jobs) || stopped.Load() {
					return
				}
				if stop != nil && stop() {
					stopped.Store(true)
					return
				}
				jobs[i].pass.Check.Run(jobs[i].pass)
			}
		}()
	}
	wg.Wait()
	if p := panicked.Load(); p != nil {
		panic(fmt.Sprintf("%v\n%s", p.value, p.stack))
	}
	if stopped.Load() {
		return nil, false
	}
	out := map[string][]Diagnostic{}
	for _, j := range jobs {
		for _, d := range j.out {
			d.Fixes = freshFixes(s, d.Fixes)
			out[d.Path] = append(out[d.Path], d)
		}
	}
	for _, ds := range out {
		sort.SliceStable(ds, func(i, j int) bool {
			if ds[i].Span.Start != ds[j].Span.Start {
				return ds[i].Span.Start < ds[j].Span.Start
			}
			if ds[i].Check != ds[j].Check {
				return ds[i].Check < ds[j].Check
			}
			return ds[i].Message < ds[j].Message
		})
	}
	return out, true
}

// freshFixes drops the fixes with an edit in a file whose content was read
// again from disk and was no longer what the snapshot parsed
// (text.File.Stale): their spans would cut other text. The change on disk
// reaches a newer snapshot, whose run offers them again.
func freshFixes(s *workspace.Snapshot, fixes []Fix) []Fix {
	var kept []Fix
	for i, f := range fixes {
		stale := false
		for _, e := range f.Edits {
			if d := s.Doc(e.Path); d != nil && d.Text != nil && d.Text.Stale() {
				stale = true
				break
			}
		}
		switch {
		case stale && kept == nil:
			kept = append(make([]Fix, 0, len(fixes)-1), fixes[:i]...)
		case !stale && kept != nil:
			kept = append(kept, f)
		}
	}
	if kept == nil {
		return fixes
	}
	return kept
}

// checkPanic is a panic in a check, with the stack where it happened.
type checkPanic struct {
	value any
	stack []byte
}

func sortedDocs(r *workspace.Root) []*workspace.Doc {
	out := make([]*workspace.Doc, 0, r.Docs.Len())
	for _, d := range r.Docs.All() {
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// docs returns the root's docs in path order, sorted once per run.
func (p *Pass) docs() []*workspace.Doc {
	if p.facts != nil && p.facts.docs != nil {
		return p.facts.docs
	}
	return sortedDocs(p.Root)
}

// waits is what a task waits for: its dependencies and its blocked_by list
// (either makes it the inverse of a `blocks`), cached for the run.
func (p *Pass) waits(id string) ([]string, bool) {
	if d := p.dense(); d != nil {
		if i, ok := d.at[id]; ok {
			return d.waitsOf(i), d.isKnown(i)
		}
		return depsOf(p.Root, id) // not known: no blocked_by either
	}
	deps, ok := p.deps(id)
	p.facts.mu.Lock()
	defer p.facts.mu.Unlock()
	if p.facts.waits == nil {
		p.facts.waits = map[string][]string{}
	}
	if w, ok2 := p.facts.waits[id]; ok2 {
		return w, ok
	}
	w := deps
	if extra := appendBlockedBy(nil, p.Root, id); len(extra) > 0 {
		w = append(append([]string(nil), deps...), extra...)
	}
	p.facts.waits[id] = w
	return w, ok
}
