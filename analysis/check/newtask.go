package check

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// NextID is the first free ID after the highest of the root's main ID
// prefix, with the same zero padding.
func NextID(r *workspace.Root) string {
	count := map[string]int{}
	width := map[string]int{}
	max := map[string]int{}
	for _, id := range r.IDs {
		p, d := model.SplitID(id)
		if p == "" {
			continue
		}
		count[p]++
		if len(d) > width[p] {
			width[p] = len(d)
		}
		if n, err := strconv.Atoi(d); err == nil && n > max[p] {
			max[p] = n
		}
	}
	prefix := "T"
	for p, n := range count {
		if n > count[prefix] || (n == count[prefix] && p < prefix) {
			prefix = p
		}
	}
	w := width[prefix]
	if w == 0 {
		w = 3
	}
	for n := max[prefix] + 1; ; n++ {
		id := fmt.Sprintf("%s%0*d", prefix, w, n)
		if !r.Known(id) {
			return id
		}
	}
}

var slugRe = regexp.MustCompile(`[^a-z0-9]+`)

// slug turns a title into a file-name slug.
func slug(title string) string {
	s := strings.Trim(slugRe.ReplaceAllString(strings.ToLower(title), "-"), "-")
	if len(s) > 48 {
		s = strings.TrimRight(s[:48], "-")
	}
	if s == "" {
		s = "new-task"
	}
	return s
}

// NewTask returns the edits that add a task: a file `<ID>-<slug>` in
// tasks/ with the extension most task files use, front matter and every
// required section (placeholders for the minimum criteria, scenarios and
// risks), its manifest entry, and the stats counts. Nothing is overwritten.
func NewTask(r *workspace.Root, cfg *Config, title string) (string, []Edit) {
	id := NextID(r)
	if strings.TrimSpace(title) == "" {
		title = "New task"
	}
	exts := map[string]int{}
	for _, d := range r.Docs.All() {
		if d.IsTask() && d.Area() == "tasks" {
			exts[filepath.Ext(d.Path)]++
		}
	}
	ext := ".md"
	for e, n := range exts {
		if n > exts[ext] {
			ext = e
		}
	}
	rel := "tasks/" + id + "-" + slug(title) + ext
	var b strings.Builder
	b.WriteString("---\nid: " + id + "\ntitle: " + yamlScalar(title) + "\nstatus: pending\npriority: P2\ndependencies: []\n---\n")
	for _, sec := range cfg.sections() {
		b.WriteString("\n## " + sec + "\n\n")
		switch sectionKey(sec) {
		case "acceptance":
			for i := 0; i < cfg.minCriteria(); i++ {
				b.WriteString("- [ ] \n")
			}
		case "scenarios":
			for i := 1; i <= cfg.minScenarios(); i++ {
				fmt.Fprintf(&b, "### Scenario %d: \nGiven: \nWhen: \nThen: \n\n", i)
			}
		case "risks":
			for i := 1; i <= cfg.minRisks(); i++ {
				fmt.Fprintf(&b, "### Risk %d: \n- Mitigation: \n\n", i)
			}
		default:
			b.WriteString("TODO\n")
		}
	}
	edits := []Edit{{Path: r.Abs(rel), Create: true, NewText: b.String()}}
	if m := r.Manifest; m != nil && m.Manifest != nil && m.Manifest.Err == nil && m.Manifest.NumEntries() > 0 {
		last := m.Manifest.Entry(m.Manifest.NumEntries() - 1)
		fields := []string{`"id": ` + jsonString(id), `"title": ` + jsonString(title), `"file": ` + jsonString(rel), `"status": "pending"`}
		if last.Priority().Present {
			fields = append(fields, `"priority": `+respell(last.Priority().Value, last.Priority().String, 2))
		}
		if last.HasDependsOn() {
			fields = append(fields, `"`+last.DependsOn().Key+`": []`)
		}
		edits = append(edits, Edit{Path: m.Path, Span: text.Span{Start: last.Span().End, End: last.Span().End}, NewText: entryText(m.Manifest, id, fields)})
		if st := m.Manifest.Stats; st != nil {
			for _, mem := range st.Members {
				k := strings.TrimSuffix(strings.TrimPrefix(strings.ToLower(mem.Key), "total_"), "_tasks")
				if k != "tasks" && k != "total" && k != "" && k != "pending" {
					continue
				}
				if n, err := strconv.Atoi(mem.Value.Str); err == nil {
					edits = append(edits, Edit{Path: m.Path, Span: mem.Value.Span, NewText: strconv.Itoa(n + 1)})
				}
			}
		}
	}
	return id, edits
}
