// Package gen writes synthetic `.tasks/` workspaces that look like the ones
// found in the wild (see FORMAT.md): every metadata style in a fixed
// proportion, loosely written values, full task bodies of about 6 KB, a
// random dependency DAG and a manifest that agrees with the files. On request
// it injects known faults and lists the exact diagnostics taskls must print
// for them, so that tests can measure recall and precision and benchmarks
// can run at any size. The same options always give the same bytes.
package gen

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Options says what to generate.
type Options struct {
	Tasks  int   // number of tasks, one file each in tasks/ (1 or more)
	Seed   int64 // the same seed gives the same tree
	Faults bool  // inject faults (needs MinFaultTasks tasks) and write faults.json
}

// MinFaultTasks is the smallest workspace faults can be injected into.
const MinFaultTasks = 40

// Fault is one diagnostic taskls must report for an injected fault.
type Fault struct {
	Check   string `json:"check"`   // the check's code ("unknown-id", ...)
	File    string `json:"file"`    // the file it is reported in, relative to the output folder
	ID      string `json:"id"`      // the task that file defines
	Message string `json:"message"` // the exact message
}

// Style names, as taskfile.Style.String() spells them.
const (
	StyleFrontMatter   = "front matter"
	StyleMetadataBlock = "metadata block"
	StyleHeadings      = "heading fields"
	StyleYAMLDocument  = "YAML document"
)

// Task describes one generated task.
type Task struct {
	ID       string
	Title    string
	File     string   // the file the manifest names, relative to the output folder
	Style    string   // one of the Style constants
	Status   string   // normalised: pending, in_progress, completed, blocked
	Deps     []string // dependencies as the manifest lists them
	FileDeps []string // the task file's dependency list as written (with injected faults)
	Copy     string   // a stale but identical copy left in tasks/ of a task moved to completed/, or ""
}

// Result says what was written.
type Result struct {
	Dir      string   // the `.tasks` folder
	Digits   int      // digits of every task number
	Tasks    []Task   // in ID order
	Deferred []string // IDs the manifest defers; no file defines them
	Faults   []Fault  // with Options.Faults: every diagnostic taskls must print, and nothing else
	Files    int      // files written
	Bytes    int64    // bytes written
}

type style uint8

const (
	fmMD style = iota
	fmYAML
	metaBlock
	headings
	pureYAML
)

// styleCycle fixes the proportion of the styles: 70% front matter (half
// named .md, half .yaml), 10% `## Metadata` blocks, 10% heading fields and
// 10% pure YAML documents.
var styleCycle = [20]style{
	fmMD, fmYAML, fmMD, fmYAML, metaBlock, fmMD, fmYAML, headings, fmMD, fmYAML,
	pureYAML, fmMD, fmYAML, fmMD, metaBlock, fmYAML, fmMD, headings, fmYAML, pureYAML,
}

type faultKind uint8

const (
	noFault faultKind = iota
	fUnknown
	fSelf
	fDup
	fCycleA // depends on its partner B, which depends on it
	fCycleB
)

type task struct {
	n       int
	id      string
	verb    string
	object  string
	title   string
	slug    string
	style   style
	deps    []int
	rdeps   []int // tasks depending on this one (manifest blocks)
	status  string
	prio    int // 1..4
	phase   int
	copy    bool
	fault   faultKind
	partner int    // the other task of a cycle
	inject  string // an ID added to the file's dependency list
	at      int    // where it goes in the list
	tags    []string
	agent   string
	tokens  int
	created time.Time
	file    string // manifest file, relative to .tasks
	name    string // base name
}

type gen struct {
	rng      *rand.Rand
	opts     Options
	digits   int
	tasks    []*task
	deferred []string
	faults   []Fault
	files    int
	bytes    int64
	buf      bytes.Buffer
}

var epoch = time.Date(2025, 11, 16, 12, 0, 0, 0, time.UTC)

// Write generates a workspace under dir: dir/.tasks/ (manifest.json,
// metrics.json, tasks/, completed/, updates/, context/) and, with faults,
// dir/faults.json. dir/.tasks must not exist yet.
func Write(dir string, opts Options) (*Result, error) {
	if opts.Tasks < 1 {
		return nil, errors.New("gen: Tasks must be at least 1")
	}
	if opts.Faults && opts.Tasks < MinFaultTasks {
		return nil, fmt.Errorf("gen: faults need at least %d tasks", MinFaultTasks)
	}
	root := filepath.Join(dir, ".tasks")
	if _, err := os.Stat(root); err == nil {
		return nil, fmt.Errorf("gen: %s already exists", root)
	}
	g := &gen{opts: opts, rng: rand.New(rand.NewPCG(uint64(opts.Seed), 0x7a5c15e7))}
	g.plan()
	if err := g.write(dir); err != nil {
		return nil, err
	}
	res := &Result{Dir: root, Digits: g.digits, Deferred: g.deferred, Faults: g.faults, Files: g.files, Bytes: g.bytes}
	for _, t := range g.tasks {
		tk := Task{ID: t.id, Title: t.title, File: ".tasks/" + t.file, Style: styleName(t.style), Status: t.status,
			Deps: g.idsOf(t.deps), FileDeps: g.fileDeps(t)}
		if t.copy {
			tk.Copy = ".tasks/tasks/" + t.name
		}
		res.Tasks = append(res.Tasks, tk)
	}
	return res, nil
}

func styleName(s style) string {
	switch s {
	case metaBlock:
		return StyleMetadataBlock
	case headings:
		return StyleHeadings
	case pureYAML:
		return StyleYAMLDocument
	}
	return StyleFrontMatter
}

func (g *gen) id(n int) string {
	s := strconv.Itoa(n + 1)
	return "T" + strings.Repeat("0", g.digits-len(s)) + s
}

func (g *gen) idsOf(ns []int) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = g.tasks[n].id
	}
	return out
}

// fileDeps is the task file's dependency list: the manifest's, plus the
// injected ID.
func (g *gen) fileDeps(t *task) []string {
	out := g.idsOf(t.deps)
	if t.inject != "" {
		out = append(out[:t.at], append([]string{t.inject}, out[t.at:]...)...)
	}
	return out
}

// plan decides everything about every task before anything is written.
func (g *gen) plan() {
	n := g.opts.Tasks
	// Deferred IDs follow the last task; all IDs share one digit count.
	g.digits = max(3, len(strconv.Itoa(n+3)))
	g.tasks = make([]*task, n)
	for i := range g.tasks {
		g.tasks[i] = &task{n: i, partner: -1}
		g.tasks[i].id = g.id(i)
	}
	for i := 1; i <= 3; i++ {
		g.deferred = append(g.deferred, g.id(n-1+i))
	}
	if g.opts.Faults {
		g.planFaults()
	}
	styleOff := g.rng.IntN(len(styleCycle))
	for i, t := range g.tasks {
		t.style = styleCycle[(i+styleOff)%len(styleCycle)]
		g.planDeps(t)
		g.planText(t)
	}
	for _, t := range g.tasks {
		for _, d := range t.deps {
			g.tasks[d].rdeps = append(g.tasks[d].rdeps, t.n)
		}
	}
	for _, t := range g.tasks {
		g.planStatus(t)
	}
	for _, t := range g.tasks {
		t.name = t.id + "-" + t.slug + ".md"
		if t.style == fmYAML || t.style == pureYAML {
			t.name = t.id + "-" + t.slug + ".yaml"
		}
		t.file = "tasks/" + t.name
		if t.status == "completed" && t.fault != fDup {
			// Finished tasks move to completed/; a third leave an
			// identical copy behind in tasks/. A duplicated ID stays in
			// tasks/ beside its draft: tasks/ and completed/ do not clash.
			t.file = "completed/" + t.name
			t.copy = g.rng.IntN(3) == 0 && t.fault == noFault // a copy would repeat the fault
		}
	}
	if g.opts.Faults {
		g.placeFaults()
	}
}

// planFaults picks the tasks that carry faults, each task at most one:
// about one in a hundred of each kind, at least four.
func (g *gen) planFaults() {
	n := len(g.tasks)
	k := max(4, n/100)
	perm := g.rng.Perm(n)
	used := make([]bool, n)
	next := func(min int) int {
		for _, i := range perm {
			if !used[i] && i >= min {
				used[i] = true
				return i
			}
		}
		panic("gen: out of tasks for faults")
	}
	for range k {
		// B depends on A alone, so that the only cycle through either is
		// A -> B -> A (every other edge points at an earlier task).
		b := next(1)
		a := -1
		for try := 0; try < 64 && a < 0; try++ {
			if c := g.rng.IntN(b); !used[c] {
				a = c
			}
		}
		for c := b - 1; a < 0 && c >= 0; c-- {
			if !used[c] {
				a = c
			}
		}
		if a < 0 {
			used[b] = false
			a, b = next(0), next(1)
			if a > b {
				a, b = b, a
			}
		}
		used[a] = true
		ta, tb := g.tasks[a], g.tasks[b]
		ta.fault, ta.partner = fCycleA, b
		tb.fault, tb.partner = fCycleB, a
	}
	for _, f := range []faultKind{fUnknown, fSelf, fDup} {
		for range k {
			g.tasks[next(0)].fault = f
		}
	}
}

func (g *gen) planDeps(t *task) {
	i := t.n
	if t.fault == fCycleB {
		t.deps = []int{t.partner}
		return
	}
	nd := min(g.rng.IntN(5), i)
	for len(t.deps) < nd {
		var j int
		if g.rng.IntN(3) > 0 {
			j = i - 1 - g.rng.IntN(min(i, 40))
		} else {
			j = g.rng.IntN(i)
		}
		if !containsInt(t.deps, j) {
			t.deps = append(t.deps, j)
		}
	}
	sort.Ints(t.deps)
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (g *gen) planText(t *task) {
	t.verb = pick(g.rng, verbs)
	t.object = pick(g.rng, objects)
	t.title = t.verb + " " + t.object
	if g.rng.IntN(3) == 0 {
		t.title += " " + pick(g.rng, qualifiers)
	}
	switch g.rng.IntN(10) {
	case 0:
		t.title = pick(g.rng, emoji) + " " + t.title
	case 1:
		t.title += " " + pick(g.rng, emoji)
	}
	t.slug = slug(t.verb + " " + t.object)
	t.prio = 1 + g.rng.IntN(4)
	t.phase = t.n * len(phases) / len(g.tasks)
	nt := 2 + g.rng.IntN(3)
	for len(t.tags) < nt {
		tag := pick(g.rng, tags)
		if !containsStr(t.tags, tag) {
			t.tags = append(t.tags, tag)
		}
	}
	t.tags = append(t.tags, fmt.Sprintf("phase%d", t.phase+1))
	t.agent = pick(g.rng, agents)
	t.tokens = 2000 + 500*g.rng.IntN(20)
	t.created = epoch.Add(time.Duration(t.n) * 7 * time.Minute)
}

func containsStr(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// planStatus runs in ID order: a task is completed or in progress only when
// every dependency is completed, blocked only when one is not. The first
// 40% are completed (one unfinished early task would hold back nearly all
// later ones: dependencies point mostly at recent tasks).
func (g *gen) planStatus(t *task) {
	done := true
	for _, d := range t.deps {
		if g.tasks[d].status != "completed" {
			done = false
		}
	}
	pos := float64(t.n) / float64(len(g.tasks))
	r := g.rng.IntN(20)
	switch {
	case done && pos < 0.4:
		t.status = "completed"
	case done && pos < 0.6 && r < 6:
		t.status = "in_progress"
	case !done && r < 2:
		t.status = "blocked"
	default:
		t.status = "pending"
	}
	switch t.fault {
	case fSelf:
		// Kept out of in_progress: done-before-deps (analysis/check/content.go)
		// then also reports the self-reference, "T007 is in_progress but its
		// dependency T007 is in_progress", which repeats self-dependency.
		if t.status == "in_progress" {
			t.status = "pending"
		}
	case fCycleA:
		// A also depends on B, which can be completed only after A
		if t.status == "in_progress" {
			t.status = "pending"
		}
	case fCycleB:
		t.status = "pending"
		if g.tasks[t.partner].status == "completed" {
			t.status = "completed"
		}
	}
}

// placeFaults chooses the injected list items and records the diagnostics.
func (g *gen) placeFaults() {
	for _, t := range g.tasks {
		rel := ".tasks/" + t.file
		switch t.fault {
		case fUnknown:
			// Two more digits than any real ID and a larger number: no
			// known ID is one edit away or the same number, so no
			// did-you-mean.
			lim := 1
			for range g.digits + 1 {
				lim *= 10
			}
			s := strconv.Itoa(g.rng.IntN(lim))
			t.inject = "T9" + strings.Repeat("0", g.digits+1-len(s)) + s
			g.faults = append(g.faults, Fault{"unknown-id", rel, t.id, "unknown task ID " + t.inject})
		case fSelf:
			t.inject = t.id
			g.faults = append(g.faults, Fault{"self-dependency", rel, t.id, t.id + " depends on itself"})
		case fCycleA:
			b := g.tasks[t.partner]
			t.inject = b.id
			g.faults = append(g.faults,
				Fault{"cycle", rel, t.id, "dependency cycle: " + t.id + " -> " + b.id + " -> " + t.id},
				Fault{"cycle", ".tasks/" + b.file, b.id, "dependency cycle: " + b.id + " -> " + t.id + " -> " + b.id})
		case fDup:
			other := "tasks/" + t.id + "-draft-" + t.slug + ".md"
			g.faults = append(g.faults,
				Fault{"duplicate-id", rel, t.id, "task ID " + t.id + " is also defined in " + other},
				Fault{"duplicate-id", ".tasks/" + other, t.id, "task ID " + t.id + " is also defined in " + t.file})
		}
		if t.inject != "" {
			t.at = g.rng.IntN(len(t.deps) + 1)
		}
	}
}

// ---- writing ----

func (g *gen) put(path string, b []byte) error {
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return err
	}
	g.files++
	g.bytes += int64(len(b))
	return nil
}

func (g *gen) write(dir string) error {
	root := filepath.Join(dir, ".tasks")
	for _, sub := range []string{"tasks", "completed", "updates", "context/test-scenarios"} {
		if err := os.MkdirAll(filepath.Join(root, filepath.FromSlash(sub)), 0o755); err != nil {
			return err
		}
	}
	for _, c := range contextFiles {
		if err := g.put(filepath.Join(root, filepath.FromSlash(c.name)), []byte(c.text)); err != nil {
			return err
		}
	}
	for _, t := range g.tasks {
		b := g.render(t)
		if err := g.put(filepath.Join(root, filepath.FromSlash(t.file)), b); err != nil {
			return err
		}
		if t.copy {
			if err := g.put(filepath.Join(root, "tasks", t.name), b); err != nil {
				return err
			}
		}
		if t.fault == fDup {
			if err := g.put(filepath.Join(root, "tasks", t.id+"-draft-"+t.slug+".md"), g.renderDraft(t)); err != nil {
				return err
			}
		}
	}
	if err := g.writeUpdates(root); err != nil {
		return err
	}
	m, err := g.manifest()
	if err != nil {
		return err
	}
	if err := g.put(filepath.Join(root, "manifest.json"), m); err != nil {
		return err
	}
	mt, err := g.metrics()
	if err != nil {
		return err
	}
	if err := g.put(filepath.Join(root, "metrics.json"), mt); err != nil {
		return err
	}
	if g.opts.Faults {
		fb, err := marshal(g.faults)
		if err != nil {
			return err
		}
		if err := g.put(filepath.Join(dir, "faults.json"), fb); err != nil {
			return err
		}
	}
	return nil
}

func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ---- the manifest ----

type manifestEntry struct {
	ID              string    `json:"id"`
	Title           string    `json:"title"`
	File            string    `json:"file"`
	Status          string    `json:"status"`
	Priority        string    `json:"priority"`
	Phase           string    `json:"phase"`
	DependsOn       *[]string `json:"depends_on,omitempty"`
	Blocks          *[]string `json:"blocks,omitempty"`
	Tags            []string  `json:"tags"`
	EstimatedHours  float64   `json:"estimated_hours"`
	EstimatedTokens int       `json:"estimated_tokens"`
	CreatedAt       string    `json:"created_at"`
	StartedAt       string    `json:"started_at,omitempty"`
	CompletedAt     string    `json:"completed_at,omitempty"`
	CompletedBy     string    `json:"completed_by,omitempty"`
}

type graphNode struct {
	DependsOn []string `json:"depends_on"`
	Blocks    []string `json:"blocks"`
}

type phaseList struct {
	Name  string   `json:"name"`
	Tasks []string `json:"tasks"`
	Hours string   `json:"hours"`
}

type category struct {
	Reason string   `json:"reason"`
	Tasks  []string `json:"tasks"`
}

type manifestDoc struct {
	Project struct {
		Name        string `json:"name"`
		Description string `json:"description"`
		Version     string `json:"version"`
	} `json:"project"`
	MVP struct {
		TotalTasks  int         `json:"total_tasks"`
		Description string      `json:"description"`
		Phases      []phaseList `json:"phases"`
	} `json:"mvp"`
	Tasks           []manifestEntry      `json:"tasks"`
	DependencyGraph map[string]graphNode `json:"dependency_graph"`
	CriticalPath    []string             `json:"critical_path"`
	DeferredTasks   struct {
		Description string              `json:"description"`
		Categories  map[string]category `json:"categories"`
	} `json:"deferred_tasks"`
	Stats map[string]int `json:"stats"`
}

func (g *gen) manifestPriority(t *task) string {
	if t.phase == 0 {
		return fmt.Sprintf("P%d-MVP", t.prio)
	}
	return fmt.Sprintf("P%d", t.prio)
}

func (g *gen) manifest() ([]byte, error) {
	var m manifestDoc
	m.Project.Name = "Synthetic workspace"
	m.Project.Description = fmt.Sprintf("%d generated tasks (seed %d)", len(g.tasks), g.opts.Seed)
	m.Project.Version = "1.0.0"
	m.MVP.Description = "Every task of the plan, by phase"
	m.MVP.TotalTasks = len(g.tasks)
	m.DependencyGraph = make(map[string]graphNode, len(g.tasks))
	stats := map[string]int{"total_tasks": len(g.tasks), "completed": 0, "in_progress": 0, "pending": 0, "blocked": 0, "deferred": len(g.deferred)}
	for p := range phases {
		m.MVP.Phases = append(m.MVP.Phases, phaseList{Name: phases[p], Tasks: []string{}, Hours: fmt.Sprintf("%d-%d", 6+p, 9+2*p)})
	}
	for _, t := range g.tasks {
		deps, blocks := g.idsOf(t.deps), g.idsOf(t.rdeps)
		e := manifestEntry{ID: t.id, Title: t.title, File: t.file, Status: t.status, Priority: g.manifestPriority(t),
			Phase: fmt.Sprintf("phase-%d", t.phase+1), Tags: t.tags,
			EstimatedHours: float64(t.tokens) / 2000, EstimatedTokens: t.tokens, CreatedAt: stamp(t.created)}
		// A fault task's entry leaves its dependencies out: listing the
		// injected item would put the fault in the manifest too, leaving it
		// out would make the entry disagree with the file (manifest-drift,
		// graph-drift, blocks-inverse). Entries without them are common.
		if t.fault == noFault {
			e.DependsOn, e.Blocks = &deps, &blocks
			m.DependencyGraph[t.id] = graphNode{DependsOn: deps, Blocks: blocks}
		}
		if t.status == "in_progress" || t.status == "completed" {
			e.StartedAt = stamp(t.created.Add(26 * time.Hour))
		}
		if t.status == "completed" {
			e.CompletedAt = stamp(t.created.Add(30 * time.Hour))
			e.CompletedBy = t.agent
		}
		m.Tasks = append(m.Tasks, e)
		m.MVP.Phases[t.phase].Tasks = append(m.MVP.Phases[t.phase].Tasks, t.id)
		stats[t.status]++
	}
	m.CriticalPath = g.criticalPath()
	m.DeferredTasks.Description = "Tasks planned but not written yet"
	m.DeferredTasks.Categories = map[string]category{
		"post_mvp": {Reason: "Out of scope for the first release", Tasks: g.deferred},
	}
	m.Stats = stats
	return marshal(&m)
}

// criticalPath is a longest dependency chain, first task first, through
// tasks without faults (a cycle's injected edge would make the path
// contradict the dependencies).
func (g *gen) criticalPath() []string {
	n := len(g.tasks)
	length := make([]int, n)
	prev := make([]int, n)
	best := 0
	for i, t := range g.tasks {
		length[i], prev[i] = 1, -1
		if t.fault != noFault {
			length[i] = 0
			continue
		}
		for _, d := range t.deps {
			if g.tasks[d].fault == noFault && length[d]+1 > length[i] {
				length[i], prev[i] = length[d]+1, d
			}
		}
		if length[i] > length[best] {
			best = i
		}
	}
	var path []string
	for i := best; i >= 0; i = prev[i] {
		path = append(path, g.tasks[i].id)
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

func stamp(t time.Time) string { return t.Format("2006-01-02T15:04:05Z") }

type historyItem struct {
	TaskID       string `json:"task_id"`
	CompletedAt  string `json:"completed_at"`
	ActualTokens int    `json:"actual_tokens"`
	Agent        string `json:"agent"`
}

func (g *gen) metrics() ([]byte, error) {
	var m struct {
		TotalCompleted int           `json:"total_completed"`
		History        []historyItem `json:"task_completion_history"`
	}
	m.History = []historyItem{}
	for _, t := range g.tasks {
		if t.status == "completed" {
			m.TotalCompleted++
			m.History = append(m.History, historyItem{t.id, stamp(t.created.Add(30 * time.Hour)), t.tokens + 1000*(t.n%5), t.agent})
		}
	}
	return marshal(&m)
}

// writeUpdates writes one status-change record for about one task in ten
// that has started.
func (g *gen) writeUpdates(root string) error {
	for _, t := range g.tasks {
		if t.status == "pending" || t.n%10 != 3 {
			continue
		}
		at := t.created.Add(30 * time.Hour)
		u := map[string]any{"agent": t.agent, "action": "status_change", "task_id": t.id,
			"new_status": t.status, "timestamp": stamp(at)}
		b, err := marshal(u)
		if err != nil {
			return err
		}
		name := at.Format("2006-01-02T15-04-05Z") + "-" + t.id + ".json"
		if err := g.put(filepath.Join(root, "updates", name), b); err != nil {
			return err
		}
	}
	return nil
}

// ---- task files ----

// written spellings of the statuses, for task files
var statusSpellings = map[string][]string{
	"pending":     {"pending", "pending", "Pending", "todo"},
	"in_progress": {"in_progress", "in_progress", "In Progress", "in-progress"},
	"completed":   {"completed", "completed", "Completed", "complete"},
	"blocked":     {"blocked", "blocked", "Blocked", "blocked"},
}

func (g *gen) statusWritten(t *task, heading bool) string {
	if heading {
		return statusSpellings[t.status][2]
	}
	return pick(g.rng, statusSpellings[t.status])
}

func (g *gen) priorityWritten(t *task, heading bool) string {
	p := strconv.Itoa(t.prio)
	r := g.rng.IntN(4)
	switch {
	case heading && r < 2:
		return "P" + p + " (" + prioNotes[t.prio-1] + ")"
	case heading:
		return "P" + p
	case r == 0:
		return p
	case r == 1:
		return `"P` + p + ` (` + prioNotes[t.prio-1] + `)"`
	}
	return "P" + p
}

// quote writes s as a YAML double-quoted scalar (s holds no `"` or `\`).
func quote(s string) string { return `"` + s + `"` }

func (g *gen) yamlTitle(t *task) string {
	if g.rng.IntN(3) == 0 || !isASCII(t.title) {
		return quote(t.title)
	}
	return t.title
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// depList writes a YAML list of IDs in flow or block style.
func (g *gen) depList(b *bytes.Buffer, key string, ids []string, flow bool) {
	if flow || len(ids) == 0 {
		b.WriteString(key + ": [" + strings.Join(ids, ", ") + "]\n")
		return
	}
	b.WriteString(key + ":\n")
	for _, id := range ids {
		b.WriteString("  - " + id + "\n")
	}
}

// blockedBy lists the unfinished dependencies of a blocked task (never for
// fault tasks: a cycle's B must have A as its only edge).
func (g *gen) blockedBy(t *task) []string {
	var out []string
	if t.status != "blocked" {
		return out
	}
	for _, d := range t.deps {
		if g.tasks[d].status != "completed" {
			out = append(out, g.tasks[d].id)
		}
	}
	return out
}

// meta writes the metadata keys shared by front matter, metadata blocks and
// YAML documents.
func (g *gen) meta(b *bytes.Buffer, t *task, deps []string) {
	fmt.Fprintf(b, "id: %s\ntitle: %s\nstatus: %s\npriority: %s\n", t.id, g.yamlTitle(t), g.statusWritten(t, false), g.priorityWritten(t, false))
	fmt.Fprintf(b, "agent: %s\n", t.agent)
	if t.n%17 == 5 {
		fmt.Fprintf(b, "enhancement_id: %s-%02d\n", strings.ToUpper(t.tags[0][:2]), 1+t.n%40)
	}
	key := "dependencies"
	if t.n%10 == 7 {
		key = "depends_on"
	}
	g.depList(b, key, deps, g.rng.IntN(2) == 0)
	g.depList(b, "blocked_by", g.blockedBy(t), true)
	b.WriteString("tags: [" + strings.Join(t.tags, ", ") + "]\n")
	b.WriteString("context_refs:\n  - context/project.md\n  - context/architecture.md\n")
	if t.n%3 == 0 {
		b.WriteString("  - context/acceptance-templates.md\n")
	}
	b.WriteString("docs_refs:\n  - context/architecture.md#data-flow\n")
	if t.n%4 == 1 {
		b.WriteString("  - PRD Section 16\n")
	}
	if t.n%2 == 0 {
		fmt.Fprintf(b, "est_tokens: %d\ncreated: %s\nupdated: %s\n", t.tokens, stamp(t.created), stamp(t.created.Add(3*time.Hour)))
	} else {
		fmt.Fprintf(b, "estimated_tokens: %d\ncreated_at: %s\nupdated_at: %s\n", t.tokens, stamp(t.created), stamp(t.created.Add(3*time.Hour)))
	}
	if t.status == "completed" {
		fmt.Fprintf(b, "completed_at: %s\nactual_tokens: %d\nquality_score: %d\n", stamp(t.created.Add(30*time.Hour)), t.tokens+1000*(t.n%5), 80+t.n%20)
	} else {
		b.WriteString("actual_tokens: null\n")
	}
}

func (g *gen) render(t *task) []byte {
	b := &g.buf
	b.Reset()
	deps := g.fileDeps(t)
	switch t.style {
	case fmMD, fmYAML:
		b.WriteString("---\n")
		g.meta(b, t, deps)
		b.WriteString("---\n\n")
		g.body(b, t)
	case metaBlock:
		fmt.Fprintf(b, "# Task %s: %s\n\n## Metadata\n\n```yaml\n", t.id, t.title)
		g.meta(b, t, deps)
		b.WriteString("```\n\n")
		g.body(b, t)
	case headings:
		fmt.Fprintf(b, "# %s: %s\n\n", t.id, t.title)
		fmt.Fprintf(b, "## Priority: %s\n", g.priorityWritten(t, true))
		fmt.Fprintf(b, "## Status: %s\n", g.statusWritten(t, true))
		items := make([]string, len(deps))
		for i, id := range deps {
			items[i] = id
			if n, ok := g.index(id); ok && n != t.n && g.rng.IntN(2) == 0 {
				items[i] += " (" + g.tasks[n].object + ")"
			}
		}
		if len(items) == 0 {
			items = []string{"None"}
		}
		fmt.Fprintf(b, "## Depends On: %s\n\n", strings.Join(items, ", "))
		fmt.Fprintf(b, "**Agent:** %s · **Tags:** %s · **Estimate:** %d tokens\n\n", t.agent, strings.Join(t.tags, ", "), t.tokens)
		g.body(b, t)
	case pureYAML:
		g.meta(b, t, deps)
		g.yamlBody(b, t)
	}
	return bytes.Clone(b.Bytes())
}

// renderDraft is the second file of a duplicated ID: an older draft of the
// task, not listed in the manifest.
func (g *gen) renderDraft(t *task) []byte {
	b := &g.buf
	b.Reset()
	fmt.Fprintf(b, "---\nid: %s\ntitle: %s\nstatus: pending\npriority: P%d\n", t.id, quote(t.title+" (draft)"), t.prio)
	g.depList(b, "dependencies", g.idsOf(t.deps), true)
	b.WriteString("created: " + stamp(t.created.Add(-48*time.Hour)) + "\n---\n\n")
	g.body(b, t)
	return bytes.Clone(b.Bytes())
}

// index returns the task number of a real task ID.
func (g *gen) index(id string) (int, bool) {
	if len(id) != g.digits+1 || id[0] != 'T' {
		return 0, false
	}
	n, err := strconv.Atoi(id[1:])
	if err != nil || n < 1 || n > len(g.tasks) {
		return 0, false
	}
	return n - 1, true
}

// other returns a random task that is not t.
func (g *gen) other(t *task) *task {
	if len(g.tasks) == 1 {
		return t
	}
	j := g.rng.IntN(len(g.tasks) - 1)
	if j >= t.n {
		j++
	}
	return g.tasks[j]
}

// fill replaces the placeholders of a template: {o} the task's object, {c}
// and {d} two random components.
func (g *gen) fill(t *task, tmpl string) string {
	if strings.Contains(tmpl, "{o}") {
		tmpl = strings.ReplaceAll(tmpl, "{o}", t.object)
	}
	if strings.Contains(tmpl, "{c}") {
		tmpl = strings.ReplaceAll(tmpl, "{c}", pick(g.rng, components))
	}
	if strings.Contains(tmpl, "{d}") {
		tmpl = strings.ReplaceAll(tmpl, "{d}", pick(g.rng, components))
	}
	return tmpl
}

func (g *gen) sentence(t *task) string { return g.fill(t, pick(g.rng, sentences)) }

// picks returns n distinct entries of s (n <= len(s)) in random order.
func (g *gen) picks(s []string, n int) []string {
	out := make([]string, n)
	for i, j := range g.rng.Perm(len(s))[:n] {
		out[i] = s[j]
	}
	return out
}

func (g *gen) paragraph(t *task, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = g.sentence(t)
	}
	return strings.Join(parts, " ")
}

// criterionState says whether criterion i of n is checked.
func criterionDone(t *task, i, n int) bool {
	switch t.status {
	case "completed":
		return true
	case "in_progress":
		return i < n/2
	}
	return false
}

// body writes the Markdown sections every task spec has.
func (g *gen) body(b *bytes.Buffer, t *task) {
	b.WriteString("## Description\n\n")
	b.WriteString(g.paragraph(t, 3))
	b.WriteString("\n\n")
	b.WriteString(g.paragraph(t, 2))
	if len(t.deps) > 0 {
		d := g.tasks[t.deps[len(t.deps)-1]]
		fmt.Fprintf(b, " It builds on %s, which provides the %s.", d.id, d.object)
	}
	b.WriteString("\n\n**Integration Points:**\n")
	for range 3 {
		fmt.Fprintf(b, "- %s %s\n", pick(g.rng, integrations), pick(g.rng, components))
	}
	o := g.other(t)
	fmt.Fprintf(b, "- Shares the %s with %s's %s\n", pick(g.rng, components), o.id, o.object)

	b.WriteString("\n## Business Context\n\n")
	fmt.Fprintf(b, "**User Story:** As a %s, I want to %s the %s, so that %s.\n\n", pick(g.rng, roles), strings.ToLower(t.verb), t.object, pick(g.rng, benefits))
	b.WriteString("**Why This Matters:**\n")
	b.WriteString(g.paragraph(t, 2))
	b.WriteString("\n\n**What It Unblocks:**\n")
	if len(t.rdeps) == 0 {
		b.WriteString("- Nothing yet: no planned task depends on this one\n")
	}
	for i, r := range t.rdeps {
		if i == 3 {
			fmt.Fprintf(b, "- and %d more tasks\n", len(t.rdeps)-3)
			break
		}
		fmt.Fprintf(b, "- %s: %s\n", g.tasks[r].id, g.tasks[r].title)
	}
	fmt.Fprintf(b, "\n**Priority Justification:**\nP%d (%s) - %s\n", t.prio, prioNotes[t.prio-1], g.sentence(t))

	b.WriteString("\n## Acceptance Criteria\n\n")
	nc := 8 + g.rng.IntN(5)
	mark := "-"
	if g.rng.IntN(5) == 0 {
		mark = "*"
	}
	crit := g.picks(criteria, nc)
	for i := range nc {
		box := " "
		if criterionDone(t, i, nc) {
			box = "x"
			if g.rng.IntN(4) == 0 {
				box = "X"
			}
		}
		c := g.fill(t, crit[i])
		if box != " " && g.rng.IntN(6) == 0 {
			c += " ✅"
		}
		if mark == "*" && i%2 == 1 {
			fmt.Fprintf(b, "%d. [%s] %s\n", i+1, box, c)
		} else {
			fmt.Fprintf(b, "%s [%s] %s\n", mark, box, c)
		}
	}

	b.WriteString("\n## Test Scenarios\n\n")
	bold := g.rng.IntN(4) == 0
	for i, name := range g.picks(scenarioNames, 6) {
		if bold {
			fmt.Fprintf(b, "**Test Case %d: %s**\n", i+1, name)
		} else {
			fmt.Fprintf(b, "### Scenario %d: %s\n", i+1, name)
		}
		fmt.Fprintf(b, "- Given: %s\n", g.fill(t, pick(g.rng, givens)))
		fmt.Fprintf(b, "- When: %s\n", g.fill(t, pick(g.rng, whens)))
		fmt.Fprintf(b, "- Then: %s\n\n", g.fill(t, pick(g.rng, thens)))
	}

	b.WriteString("## Technical Implementation\n\n")
	b.WriteString(g.paragraph(t, 2))
	b.WriteString("\n\n```python\n# " + strings.ToLower(t.verb) + " the " + t.object + "\n")
	fn := strings.ReplaceAll(slug(t.object), "-", "_")
	fmt.Fprintf(b, "def %s(config, *, retries=3):\n    # keep the %s stable across restarts\n    state = load_state(config)\n    for attempt in range(retries):\n        if state.ready():\n            return state.apply()\n    raise RuntimeError(\"%s did not settle\")\n```\n\n", fn, pick(g.rng, components), t.object)
	b.WriteString(g.paragraph(t, 2))
	b.WriteString("\n")

	if t.n%5 == 2 {
		b.WriteString("\n---\n")
	}
	b.WriteString("\n## Dependencies\n\n")
	if len(t.deps) == 0 {
		b.WriteString("None: this task can start immediately.\n")
	}
	for _, d := range t.deps {
		dt := g.tasks[d]
		if g.rng.IntN(2) == 0 {
			fmt.Fprintf(b, "- [%s] %s (%s)\n", dt.id, dt.title, dt.status)
		} else {
			fmt.Fprintf(b, "- Depends on %s for the %s → %s\n", dt.id, dt.object, pick(g.rng, components))
		}
	}

	b.WriteString("\n## Design Decisions\n\n")
	for range 3 {
		fmt.Fprintf(b, "- **%s:** %s\n", pick(g.rng, decisions), g.sentence(t))
	}

	b.WriteString("\n## Risks & Mitigations\n\n")
	if g.rng.IntN(4) == 0 {
		b.WriteString("| Risk | Impact | Mitigation |\n|------|--------|------------|\n")
		for _, r := range g.picks(risks, 4) {
			fmt.Fprintf(b, "| %s | %s | %s |\n", g.fill(t, r), pick(g.rng, impacts), pick(g.rng, mitigations))
		}
	} else {
		for i, r := range g.picks(risks, 4) {
			fmt.Fprintf(b, "### Risk %d: %s\n**Impact:** %s. **Mitigation:** %s\n\n", i+1, g.fill(t, r), pick(g.rng, impacts), pick(g.rng, mitigations))
		}
	}

	b.WriteString("\n## Progress Log\n\n")
	fmt.Fprintf(b, "- %s: task created by task-manager\n", t.created.Format("2006-01-02 15:04"))
	if t.status != "pending" {
		fmt.Fprintf(b, "- %s: started by %s\n", t.created.Add(26*time.Hour).Format("2006-01-02 15:04"), t.agent)
	}
	if t.status == "blocked" {
		b.WriteString("- waiting on unfinished dependencies\n")
	}
	if t.status == "completed" {
		fmt.Fprintf(b, "- %s: completed, all criteria verified ✅\n", t.created.Add(30*time.Hour).Format("2006-01-02 15:04"))
	}

	b.WriteString("\n## Completion Checklist\n\n")
	for i, c := range checklist {
		box := " "
		if criterionDone(t, i, len(checklist)) {
			box = "x"
		}
		fmt.Fprintf(b, "- [%s] %s\n", box, c)
	}
}

// yamlBody writes the sections of a pure YAML task document as keys.
func (g *gen) yamlBody(b *bytes.Buffer, t *task) {
	block := func(key, text string) {
		b.WriteString(key + ": |\n")
		for _, line := range strings.Split(text, "\n") {
			if line == "" {
				b.WriteString("\n")
			} else {
				b.WriteString("  " + line + "\n")
			}
		}
	}
	block("description", g.paragraph(t, 3)+"\n\n"+g.paragraph(t, 2))
	block("business_context", fmt.Sprintf("As a %s, I want to %s the %s, so that %s.\n\n%s",
		pick(g.rng, roles), strings.ToLower(t.verb), t.object, pick(g.rng, benefits), g.paragraph(t, 2)))
	b.WriteString("acceptance_criteria:\n")
	nc := 8 + g.rng.IntN(5)
	for i, c := range g.picks(criteria, nc) {
		c = g.fill(t, c)
		fmt.Fprintf(b, "  - text: %s\n    done: %t\n", quote(c), criterionDone(t, i, nc))
	}
	b.WriteString("test_scenarios:\n")
	for _, name := range g.picks(scenarioNames, 6) {
		fmt.Fprintf(b, "  - name: %s\n", quote(name))
		fmt.Fprintf(b, "    given: %s\n", quote(g.fill(t, pick(g.rng, givens))))
		fmt.Fprintf(b, "    when: %s\n", quote(g.fill(t, pick(g.rng, whens))))
		fmt.Fprintf(b, "    then: %s\n", quote(g.fill(t, pick(g.rng, thens))))
	}
	block("technical_implementation", g.paragraph(t, 2)+"\n\n"+g.paragraph(t, 2))
	b.WriteString("dependency_notes:\n")
	for _, d := range t.deps {
		fmt.Fprintf(b, "  - %s\n", quote(g.tasks[d].id+" provides the "+g.tasks[d].object))
	}
	if len(t.deps) == 0 {
		b.WriteString("  - \"none: this task can start immediately\"\n")
	}
	b.WriteString("design_decisions:\n")
	for range 3 {
		fmt.Fprintf(b, "  - %s\n", quote(pick(g.rng, decisions)+": "+g.sentence(t)))
	}
	b.WriteString("risks:\n")
	for _, r := range g.picks(risks, 4) {
		fmt.Fprintf(b, "  - risk: %s\n    impact: %s\n    mitigation: %s\n", quote(g.fill(t, r)), pick(g.rng, impacts), quote(pick(g.rng, mitigations)))
	}
	b.WriteString("progress_log:\n")
	fmt.Fprintf(b, "  - %s\n", quote(t.created.Format("2006-01-02 15:04")+" task created by task-manager"))
	if t.status == "completed" {
		fmt.Fprintf(b, "  - %s\n", quote(t.created.Add(30*time.Hour).Format("2006-01-02 15:04")+" completed ✅"))
	}
	b.WriteString("completion_checklist:\n")
	for i, c := range checklist {
		fmt.Fprintf(b, "  - text: %s\n    done: %t\n", quote(c), criterionDone(t, i, len(checklist)))
	}
}

func pick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

// slug turns words into a file-name slug.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	out := b.String()
	if len(out) > 48 {
		out = strings.TrimRight(out[:48], "-")
	}
	return out
}

// ---- vocabulary ----
//
// No entry holds a `"` or a `\` (they go into YAML double-quoted scalars), a
// `|` (Markdown tables), a comma or parentheses in objects (heading-field
// notes), or a capital T followed by digits (it would read as a task ID).

var phases = []string{"Foundations", "Core Features", "Hardening", "Integrations", "Polish"}

var prioNotes = []string{"Critical Path", "Important", "Normal", "Nice to have"}

var agents = []string{"backend", "frontend", "infrastructure", "ml-engineer", "qa", "docs", "data-engineer", "security"}

var tags = []string{"api", "training", "mlops", "reproducibility", "infrastructure", "testing", "docs", "performance",
	"security", "ux", "data", "refactor", "observability", "export", "config", "critical"}

var emoji = []string{"🚀", "✅", "🔒", "📊", "⚡", "🧪", "🛠️", "📦"}

var verbs = []string{"Add", "Implement", "Refactor", "Migrate", "Harden", "Document", "Instrument", "Optimize",
	"Extract", "Validate", "Introduce", "Replace", "Cache", "Stream", "Batch", "Parallelize", "Audit", "Simplify"}

var objects = []string{
	"learning rate warmup scheduler", "checkpoint resume logic", "dataset sharding", "metrics exporter",
	"config loader", "token bucket rate limiter", "session store", "artifact uploader", "retry policy",
	"schema migrations", "feature flags", "audit log writer", "search index", "notification fan-out",
	"billing webhook handler", "model card generator", "CLI progress bar", "gradient clipping",
	"mixed precision training", "evaluation harness", "requirements file", "environment snapshot",
	"experiment tracker", "hyperparameter sweep", "early stopping callback", "data validation layer",
	"tokenizer cache", "export to ONNX", "dashboard charts", "alerting rules", "secret rotation",
	"upload queue", "thumbnail worker", "permission model", "onboarding checklist", "pagination helpers",
}

var qualifiers = []string{"for Colab sessions", "with exponential backoff", "behind a feature flag",
	"for large workspaces", "in the training loop", "across restarts", "for offline use", "on the hot path"}

var components = []string{"training loop", "checkpoint manager", "dataset loader", "metrics pipeline",
	"config system", "artifact store", "session manager", "notebook runtime", "export service", "command line",
	"web dashboard", "job scheduler", "auth middleware", "billing service", "search backend", "notification service",
	"storage layer", "CI pipeline", "logging setup", "cache layer"}

var sentences = []string{
	"The {c} currently reaches into the {o} directly, which couples two parts that change for different reasons.",
	"This task gives the {o} one clear owner so that the {c} and the {d} stop duplicating the same logic.",
	"Today every change to the {o} needs a manual check of the {c}, and that check is skipped under time pressure.",
	"Users reported that the {c} stalls for several seconds whenever the {o} is cold, especially on shared runners.",
	"We keep the public interface of the {d} unchanged; only the internals of the {o} move.",
	"The new {o} must work the same way in a fresh session and after a restart of the {c}.",
	"Measurements on the reference workload show that the {c} spends most of its time waiting for the {o}.",
	"A small adapter between the {c} and the {d} keeps the migration incremental and easy to roll back.",
	"Errors from the {o} are logged with enough context to reproduce them without attaching a debugger.",
	"The design follows the conventions already used by the {d}, so reviewers will find nothing surprising.",
	"Configuration for the {o} lives next to the rest of the {c} settings and is validated at startup.",
	"Once this lands, the {d} can drop its private workaround for the {o}.",
	"The {o} is covered by unit tests and by one end-to-end run through the {c}.",
	"Nothing in the {c} should need to know whether the {o} is enabled or not.",
	"Rolling this out behind a flag lets us compare the old and the new {o} on real traffic before switching over.",
	"The previous attempt at the {o} failed because the {c} was not ready for concurrent callers.",
	"Documentation for the {o} explains the defaults, the limits and how to recover when the {d} is unavailable.",
	"We expect the {o} to cut the time spent in the {c} by roughly a third on large inputs.",
	"Edge cases such as empty inputs, very large inputs and interrupted runs of the {c} are handled explicitly.",
	"The {o} reports progress so that people watching the {d} know what is happening → and why.",
}

var integrations = []string{"Called from the", "Configured through the", "Reports to the", "Reads its input from the", "Replaces a helper in the"}

var roles = []string{"ML practitioner", "platform engineer", "data scientist", "support engineer", "release manager",
	"new contributor", "team lead", "on-call engineer"}

var benefits = []string{"I can reproduce last month's results", "failures are caught before they reach users",
	"I stop losing work when a session restarts", "reviews take minutes instead of hours",
	"the numbers on the dashboard can be trusted", "new team members can get started on their first day"}

var criteria = []string{
	"The {o} is enabled by default and can be turned off in the {c} settings",
	"Unit tests cover the {o} with at least 90% line coverage",
	"The {o} survives a restart of the {c} without losing state",
	"Errors raised by the {o} name the failing input and a way to fix it",
	"The {c} documentation describes the {o} with one worked example",
	"Running the {o} twice with the same input gives identical output",
	"The {o} adds less than 50 ms to a cold start of the {c}",
	"Metrics for the {o} appear in the {c} within one minute",
	"The {o} handles an empty input without raising",
	"Old configuration files still load after the {o} change",
	"A dry-run mode shows what the {o} would change in the {c}",
	"`make check` passes with the {o} enabled",
	"The {o} logs one line per run at info level → details at debug level",
	"Rollback to the previous {o} takes a single configuration change",
}

var scenarioNames = []string{"Happy path", "Empty input", "Restart in the middle of a run", "Invalid configuration",
	"Concurrent callers", "Large input", "Dependency unavailable", "Upgrade from the previous version", "Dry run", "Permission denied"}

var givens = []string{"a fresh workspace with the {o} enabled", "the {c} is already running",
	"a configuration file without any {o} settings", "an input ten times larger than usual",
	"the {c} returns errors for every request", "two callers that use the {o} at the same time"}

var whens = []string{"the {o} runs to completion", "the {c} is restarted halfway through",
	"the user starts the {o} from the command line", "the {o} receives an invalid value",
	"the scheduled job triggers the {o}", "the {c} asks the {o} for its status"}

var thens = []string{"the result matches the reference output byte for byte", "no state is lost and the run resumes",
	"a clear error names the bad value and the {c} stays healthy", "the {o} finishes within the time budget",
	"the metrics show exactly one run of the {o}", "the {c} receives a complete and valid result"}

var decisions = []string{"Keep it synchronous", "One owner", "Fail loudly", "No new dependency", "Config over code", "Incremental rollout"}

var risks = []string{"The {o} slows down large runs", "Old configurations break with the {o}",
	"The {o} hides errors from callers", "Concurrent use corrupts the {o} state",
	"The {o} is hard to debug in production", "Rollout of the {o} stalls halfway"}

var impacts = []string{"High", "Medium", "Low"}

var mitigations = []string{"benchmark before and after, and keep a flag to turn it off",
	"load every known configuration in a test", "propagate errors and log them once at the boundary",
	"guard the state with one lock and test with the race detector", "add structured logs and a debug switch",
	"roll out per project and keep the old path for one release"}

var checklist = []string{"Code reviewed and merged", "Tests pass in CI", "Documentation updated",
	"Manifest and task file updated", "Demo recorded for the team", "Follow-up tasks filed"}

var contextFiles = []struct{ name, text string }{
	{"context/project.md", "# Project\n\nA synthetic project written by taskls's workspace generator.\n\n## Goals\n\nShip the plan in five phases.\n"},
	{"context/architecture.md", "# Architecture\n\n## Components\n\nTraining loop, storage layer, dashboard.\n\n## Data Flow\n\nInputs flow from the dataset loader through the training loop to the artifact store.\n"},
	{"context/acceptance-templates.md", "# Acceptance templates\n\n- [ ] The feature works in a fresh session\n- [ ] Tests cover the new code\n"},
	{"context/test-scenarios/restarts.md", "# Restart scenarios\n\nGiven a running job, when the session restarts, then the job resumes.\n"},
}
