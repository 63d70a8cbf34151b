package check

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// Sections reports a task spec below the bar these workspaces' own README
// sets: a required section missing, fewer acceptance criteria, test
// scenarios or risks than the minimums (8, 6 and 4 by default, and the
// ten sections the generators write; all configurable), and a scenario
// without its Given, When or Then. Every way of writing criteria, scenarios
// and risks counts; lines inside code fences never do.
var Sections = register(&Check{
	Name:     "sections",
	Title:    "a task spec missing sections, criteria, scenarios or risks",
	Severity: Info,
	Run: func(p *Pass) {
		var wantKeys []string
		for _, w := range p.Config.sections() {
			wantKeys = append(wantKeys, sectionKey(w))
		}
		// thousands of files share a dozen titles: each is keyed once
		keys := map[string]string{}
		keyOf := func(title string) string {
			k, ok := keys[title]
			if !ok {
				k = sectionKey(title)
				keys[title] = k
			}
			return k
		}
		// have[i]: the task has the section wantKeys[i] (buffers reused from
		// task to task: thousands of them)
		have := make([]bool, len(wantKeys))
		var keyBuf []string
		mark := func(key string) {
			for i, w := range wantKeys {
				if w == key {
					have[i] = true
				}
			}
		}
		for _, d := range p.docs() {
			if !d.IsTask() || d.Area() == "completed" {
				continue
			}
			t := d.Task
			clear(have)
			secKeys := slices.Grow(keyBuf[:0], t.NumSections())[:t.NumSections()] // of the sections of level 1 and 2
			keyBuf = secKeys
			for i, s := range t.Sections() {
				secKeys[i] = ""
				if s.Level() <= 2 {
					secKeys[i] = keyOf(s.Title())
					mark(secKeys[i])
				}
			}
			if (t.Style == taskfile.StylePureYAML || t.Style == taskfile.StyleHeadings) && listIndex(t, model.KindDependency) >= 0 {
				mark("dependencies") // a field that is the section
			}
			var missing []string
			for i, want := range p.Config.sections() {
				if !have[i] {
					missing = append(missing, want)
				}
			}
			at := t.IDSpan()
			if t.IDFromName {
				at = lineSpanOf(d, 0)
			}
			if len(missing) > 0 {
				p.Report(d, at, fmt.Sprintf("%s lacks section%s %s", t.ID(), pluralS(len(missing)), strings.Join(missing, ", ")))
			}
			sectionAt := func(kind string) (spanOK bool, sp [2]int) {
				key := sectionKey(kind)
				for i, s := range t.Sections() {
					if s.Level() <= 2 && secKeys[i] == key {
						sp := s.Span()
						return true, [2]int{sp.Start, sp.End}
					}
				}
				return false, sp
			}
			countIn := func(kind string, n, min int, one, many string) {
				ok, sp := sectionAt(kind)
				if !ok || n >= min {
					return
				}
				what := many
				if n == 1 {
					what = one
				}
				p.Report(d, spanOf(sp), fmt.Sprintf("%d %s, fewer than %d", n, what, min))
			}
			countIn("Acceptance Criteria", t.NumCriteria(), p.Config.minCriteria(), "acceptance criterion", "acceptance criteria")
			countIn("Test Scenarios", t.NumScenarios(), p.Config.minScenarios(), "test scenario", "test scenarios")
			countIn("Risks & Mitigations", t.NumRisks(), p.Config.minRisks(), "risk", "risks")
			// (a light task keeps the scenarios this reports on)
			for _, s := range t.Scenarios() {
				var lack []string
				if !s.Given {
					lack = append(lack, "Given")
				}
				if !s.When {
					lack = append(lack, "When")
				}
				if !s.Then {
					lack = append(lack, "Then")
				}
				if len(lack) > 0 && len(lack) < 3 {
					p.Report(d, s.Span, fmt.Sprintf("scenario %q has no %s", s.Name, strings.Join(lack, ", ")))
				}
			}
		}
	},
})

func pluralS(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// sectionKey compares section titles loosely: "Risks & Mitigations",
// "Risks and Mitigations" and "Risks" are one section.
func sectionKey(title string) string {
	t := strings.ToLower(title)
	t = strings.TrimLeft(t, "0123456789. ")
	switch {
	case strings.Contains(t, "acceptance"):
		return "acceptance"
	case strings.Contains(t, "scenario") || strings.Contains(t, "test case"):
		return "scenarios"
	case strings.Contains(t, "risk"):
		return "risks"
	case strings.Contains(t, "business"):
		return "business"
	case strings.Contains(t, "technical") || strings.Contains(t, "implementation"):
		return "technical"
	case strings.Contains(t, "design decision"):
		return "design"
	case strings.Contains(t, "progress"):
		return "progress"
	case strings.Contains(t, "checklist"):
		return "checklist"
	case strings.HasPrefix(t, "dependenc"):
		return "dependencies"
	case strings.Contains(t, "description") || t == "overview" || t == "summary":
		return "description"
	}
	return t
}

// DeadRef reports a `context_refs` / `docs_refs` path (anchor and trailing
// note removed) that exists neither under `.tasks/` nor under the
// repository root. Entries that are prose, not paths, are left alone; so
// are repository paths when the repository around `.tasks/` is not there
// (a `.tasks/` folder copied on its own).
var DeadRef = register(&Check{
	Name:     "dead-ref",
	Title:    "a context_refs or docs_refs path that does not exist",
	Severity: Warning,
	Run: func(p *Pass) {
		r := p.Root
		repo := filepath.Dir(r.Dir)
		repoThere := repoPresent(repo, r.Dir)
		statCache := map[string]bool{}
		prefix := r.Dir + string(filepath.Separator)
		exists := func(path string) bool {
			if strings.HasPrefix(path, prefix) {
				if r.Docs.At(path) != nil {
					return true
				}
			}
			if v, ok := statCache[path]; ok {
				return v
			}
			v := exists(path)
			statCache[path] = v
			return v
		}
		// the verdict on an entry, by the folder of the file and the
		// entry as written: task files repeat the same few entries, and
		// the path and the places to look are made once for each
		type seenRef struct{ dir, value string }
		type verdict struct {
			path string // "" when the entry is prose, not a path
			dead bool
		}
		verdicts := map[seenRef]verdict{}
		for _, d := range p.docs() {
			if !d.IsTask() {
				continue
			}
			for _, ref := range d.Task.DocRefs() {
				key := seenRef{filepath.Dir(d.Path), ref.Value()}
				v, seen := verdicts[key]
				if !seen {
					if path, ok := refPath(key.value); ok {
						v = verdict{path, !exists(filepath.Join(r.Dir, path)) && !exists(filepath.Join(key.dir, path)) &&
							!exists(filepath.Join(repo, path)) && repoThere}
					}
					verdicts[key] = v
				}
				if !v.dead {
					continue
				}
				path := v.path
				p.Report(d, ref.Span(), fmt.Sprintf("%s: %s does not exist under .tasks/ or the repository", ref.Key(), path))
			}
		}
	},
})

var noteRe = regexp.MustCompile(`\s*\(.*\)\s*$`)

// refPath extracts the path of a ref entry, or reports that it is prose.
func refPath(v string) (string, bool) {
	if strings.IndexByte(v, '(') >= 0 { // the note needs one: most entries skip the expression
		v = noteRe.ReplaceAllString(v, "")
	}
	v = strings.TrimSpace(v)
	if i := strings.IndexByte(v, '#'); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	if v == "" || strings.Contains(v, "://") {
		return "", false
	}
	if strings.ContainsAny(v, " \t") {
		return "", false // prose: "PRD Section 16"
	}
	if !strings.Contains(v, "/") && filepath.Ext(v) == "" {
		return "", false
	}
	return filepath.FromSlash(v), true
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// repoPresent reports whether the folder around `.tasks/` holds anything
// else (a repository), so that repository paths can be judged.
func repoPresent(repo, tasks string) bool {
	ents, err := os.ReadDir(repo)
	if err != nil {
		return false
	}
	for _, e := range ents {
		if filepath.Join(repo, e.Name()) != tasks {
			return true
		}
	}
	return false
}

// CriticalPath reports a critical path whose order contradicts the
// dependencies: a task listed before one it depends on (directly or
// through others). Unknown IDs in it are the unknown-id check's.
var CriticalPath = register(&Check{
	ManifestOnly: true,
	Name:         "critical-path",
	Title:        "a critical path ordered against the dependencies",
	Severity:     Warning,
	Run: func(p *Pass) {
		r := p.Root
		m := r.Manifest
		if m == nil || m.Manifest == nil {
			return
		}
		// depth: the longest chain of dependencies below a task (cycles cut)
		depths := map[string]int{}
		var depth func(id string) int
		depth = func(id string) int {
			if d, ok := depths[id]; ok {
				return d
			}
			depths[id] = 0 // cycle guard
			best := 0
			deps, _ := p.deps(id)
			for _, x := range deps {
				if d := depth(x) + 1; d > best {
					best = d
				}
			}
			depths[id] = best
			return best
		}
		// what a path item depends on, directly or through others
		reach := func(a string) map[string]bool {
			seen := map[string]bool{}
			stack := []string{a}
			for len(stack) > 0 {
				x := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				deps, _ := p.deps(x)
				for _, d := range deps {
					if !seen[d] {
						seen[d] = true
						stack = append(stack, d)
					}
				}
			}
			return seen
		}
		for li := range m.Manifest.NumLists() {
			if m.Manifest.ListKind(li) != model.KindCriticalPath {
				continue
			}
			l := m.Manifest.List(li)
			for i, a := range l.Items {
				// a can depend on b only if it lies deeper in the graph:
				// walk only then (a consistent path never walks)
				var ra map[string]bool
				for _, b := range l.Items[i+1:] {
					if depth(a.ID) <= depth(b.ID) {
						continue
					}
					if ra == nil {
						ra = reach(a.ID)
					}
					if ra[b.ID] {
						p.Report(m, a.Span, fmt.Sprintf("%s comes before %s in %s but depends on it", a.ID, b.ID, l.Key))
						break
					}
				}
			}
		}
	},
})

// UpdatesRef reports a file in updates/ that is not valid JSON or names a
// task that does not exist.
var UpdatesRef = register(&Check{
	Name:     "updates-ref",
	Title:    "an updates/ file naming an unknown task or not valid JSON",
	Severity: Warning,
	Run: func(p *Pass) {
		for _, d := range p.docs() {
			if d.Kind != workspace.KindUpdate || d.Skipped() != "" {
				continue
			}
			if jerr := d.JSONErr(); jerr != nil {
				off := jerr.Offset
				p.Report(d, lineSpanOf(d, off), "invalid JSON: "+jerr.Msg)
				continue
			}
			for _, ref := range d.Refs {
				if !p.Root.Known(ref.ID) {
					p.Report(d, ref.Span, "unknown task ID "+ref.ID)
				}
			}
		}
	},
})

// MetricsDrift reports a metrics.json completion history entry naming an
// unknown task, or a task it calls completed that is not.
var MetricsDrift = register(&Check{
	Name:     "metrics-drift",
	Title:    "metrics.json history that disagrees with the tasks",
	Severity: Info,
	Run: func(p *Pass) {
		r := p.Root
		for _, d := range p.docs() {
			if d.Kind != workspace.KindMetrics {
				continue
			}
			for _, ref := range d.Refs {
				switch st := statusOf(r, ref.ID); {
				case !r.Known(ref.ID):
					p.Report(d, ref.Span, "metrics.json names unknown task "+ref.ID)
				case st != "" && st != model.StatusCompleted:
					p.Report(d, ref.Span, fmt.Sprintf("metrics.json records %s as completed, but it is %s", ref.ID, st))
				}
			}
		}
	},
})

var budgetRe = regexp.MustCompile("([A-Za-z0-9_./-]+\\.md)`?[^\\n]*?~\\s*([0-9][0-9,]*)\\s*tokens")

// ContextBudget reports a context/ file larger than the token budget the
// workspace's README states for it (`project.md ~300 tokens`), estimated
// as the generators do: about four characters a token.
var ContextBudget = register(&Check{
	Name:     "context-budget",
	Title:    "a context/ file over its token budget",
	Severity: Hint,
	Run: func(p *Pass) {
		r := p.Root
		b, err := os.ReadFile(filepath.Join(r.Dir, "README.md"))
		if err != nil {
			return
		}
		budgets := map[string]int{}
		for _, m := range budgetRe.FindAllStringSubmatch(string(b), -1) {
			name := filepath.Base(m[1])
			n, err := strconv.Atoi(strings.ReplaceAll(m[2], ",", ""))
			if err != nil {
				continue
			}
			if _, ok := budgets[name]; !ok {
				budgets[name] = n
			}
		}
		for _, d := range p.docs() {
			if !strings.HasPrefix(d.Rel, "context/") {
				continue
			}
			budget, ok := budgets[filepath.Base(d.Rel)]
			if !ok {
				continue
			}
			st, err := os.Stat(d.Path)
			if err != nil {
				continue
			}
			tokens := int(st.Size()+3) / 4
			if tokens*10 > budget*11 { // ~: ten percent of slack
				p.Report(d, spanAt(0), fmt.Sprintf("%s is about %d tokens, over the README's budget of ~%d", d.Rel, tokens, budget))
			}
		}
	},
})

func spanOf(sp [2]int) text.Span { return text.Span{Start: sp[0], End: sp[1]} }
