package features

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// MaxCompletions caps the items of one completion answer; past it the answer
// is marked incomplete so that the editor asks again as the user types.
// At 10k task IDs, 200 items cost the server twice the CPU of 100 (mostly
// JSON encoding) and tripled the p95 latency, for items past the first
// screens that one more character typed brings up anyway.
const MaxCompletions = 100

// ItemKind says what a completion item is.
type ItemKind uint8

const (
	ItemTaskID ItemKind = iota
	ItemValue
)

// Item is one completion candidate.
type Item struct {
	Label   string
	Detail  string
	Doc     string // Markdown
	Kind    ItemKind
	Edit    text.Span // what accepting the item replaces
	NewText string
	Filter  string
	Sort    string
}

// Completions is the answer to a completion request.
type Completions struct {
	Items      []Item
	Incomplete bool
}

var (
	depKeyRe    = `(dependencies|depends_on|depends-on|blocked_by|blocked-by|blocks|deps|prerequisites)`
	flowLineRe  = regexp.MustCompile(`^\s*(?:-\s+)?` + depKeyRe + `\s*:\s*\[([^\]]*)$`)
	scalarKeyRe = regexp.MustCompile(`^\s*` + depKeyRe + `\s*:\s*([^\[\]]*)$`)
	keyLineRe   = regexp.MustCompile(`^\s*` + depKeyRe + `\s*:\s*(#.*)?$`)
	anyKeyRe    = regexp.MustCompile(`^\s*[A-Za-z_][\w -]*:`)
	blockItemRe = regexp.MustCompile(`^(\s*)-\s*["']?([A-Za-z0-9_-]*)$`)
	headDepRe   = regexp.MustCompile(`(?i)^#{2,3}\s+(depends on|dependencies|blocked by|blocks)\s*:(.*)$`)
	statusRe    = regexp.MustCompile(`(?i)^(\s*status\s*:\s*|#{2,3}\s+status\s*:\s*)["']?([\w-]*)$`)
	priorityRe  = regexp.MustCompile(`(?i)^(\s*priority\s*:\s*|#{2,3}\s+priority\s*:\s*)["']?([\w-]*)$`)
	idWordRe    = regexp.MustCompile(`[A-Z]{1,4}-?[0-9]+`)
	jsonIDRe    = regexp.MustCompile(`"id"\s*:\s*"([^"]*)"`)
)

// Complete offers what can be typed at off: task IDs inside a dependency
// list (front matter flow and block lists, heading fields, manifest.json
// string arrays), and status and priority values.
func Complete(s *workspace.Snapshot, path string, off int) Completions {
	forget(s)
	r := s.RootOf(path)
	if r == nil {
		return Completions{}
	}
	d := r.Docs.At(path)
	if d == nil || off < 0 || off > len(d.Text.Bytes()) {
		return Completions{}
	}
	switch d.Kind {
	case workspace.KindTask:
		return completeTask(r, d, off)
	case workspace.KindManifest:
		return completeJSON(r, d, off)
	}
	return Completions{}
}

// wordBefore returns the start of the ID-like word ending at off.
func wordBefore(c []byte, off int) int {
	i := off
	for i > 0 {
		ch := c[i-1]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' {
			i--
			continue
		}
		break
	}
	for i < off && c[i] == '-' {
		i++ // a list dash or a separator, not part of an ID
	}
	return i
}

func completeTask(r *workspace.Root, d *workspace.Doc, off int) Completions {
	f := d.Text
	c := f.Bytes()
	line := f.LineOf(off)
	ls := f.LineStart(line)
	before := string(c[ls:off])
	inMeta := d.Task != nil && (d.Task.MetaSpan().Contains(off) || d.Task.Style == 0 || off < d.Task.BodyStart())
	self := ""
	if d.Task != nil {
		self = d.Task.ID()
	}
	ws := wordBefore(c, off)
	partial := string(c[ws:off])
	edit := text.Span{Start: ws, End: wordEnd(c, off)}

	if m := statusRe.FindStringSubmatch(before); m != nil && (inMeta || strings.HasPrefix(strings.TrimSpace(before), "#")) {
		return values(model.AllStatuses, partial, edit)
	}
	if m := priorityRe.FindStringSubmatch(before); m != nil && (inMeta || strings.HasPrefix(strings.TrimSpace(before), "#")) {
		return values(priorityValues(r), partial, edit)
	}
	var listText string
	switch {
	case headDepRe.MatchString(before):
		listText = headDepRe.FindStringSubmatch(string(f.Line(line)))[2]
	case !inMeta:
		return Completions{}
	case flowLineRe.MatchString(before):
		listText = string(f.Line(line))
	case scalarKeyRe.MatchString(before) && !strings.Contains(before, "#"):
		listText = string(f.Line(line))
	default:
		m := blockItemRe.FindStringSubmatch(before)
		if m == nil {
			return Completions{}
		}
		// walk up over the list's items to its key
		found := false
		var items []string
		items = append(items, string(f.Line(line)))
	up:
		for l := line - 1; l >= 0 && l >= line-500; l-- {
			t := string(f.Line(l))
			tr := strings.TrimSpace(t)
			switch {
			case tr == "" || strings.HasPrefix(tr, "#"):
				continue
			case strings.HasPrefix(tr, "- ") || tr == "-":
				items = append(items, t)
				continue
			case keyLineRe.MatchString(t):
				found = true
			}
			break up
		}
		if !found {
			return Completions{}
		}
		// and down over the items after it
		for l := line + 1; l < f.LineCount(); l++ {
			t := strings.TrimSpace(string(f.Line(l)))
			if !strings.HasPrefix(t, "- ") {
				break
			}
			items = append(items, t)
		}
		listText = strings.Join(items, "\n")
	}
	have := map[string]bool{}
	for _, id := range idWordRe.FindAllString(listText, -1) {
		have[id] = true
	}
	delete(have, partial)
	open := ""
	if ws > 0 && c[ws-1] == '-' {
		open = " " // "-T001" would not be a list item
	}
	return taskIDs(r, self, have, partial, edit, open, "")
}

// wordEnd extends the replaced range over the rest of an ID-like word right
// of the cursor, so that accepting replaces the whole partial ID.
func wordEnd(c []byte, off int) int {
	i := off
	for i < len(c) {
		ch := c[i]
		if ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_' {
			i++
			continue
		}
		break
	}
	return i
}

func values(vals []string, partial string, edit text.Span) Completions {
	var out Completions
	for i, v := range vals {
		if partial != "" && !strings.HasPrefix(strings.ToLower(v), strings.ToLower(partial)) {
			continue
		}
		out.Items = append(out.Items, Item{Label: v, Kind: ItemValue, Edit: edit, NewText: v, Filter: v, Sort: fmt.Sprintf("%02d", i)})
	}
	return out
}

// priorityValues offers priorities in the form most of the workspace's task
// files use: P0..P4 or 0..4.
func priorityValues(r *workspace.Root) []string {
	digits, prefixed := 0, 0
	for _, defs := range r.Defs.All() {
		p := defs[0].Doc.Task.Priority()
		if p == "" {
			continue
		}
		if p[0] >= '0' && p[0] <= '9' {
			digits++
		} else {
			prefixed++
		}
	}
	if digits > prefixed {
		return []string{"0", "1", "2", "3", "4"}
	}
	return []string{"P0", "P1", "P2", "P3", "P4"}
}

// completeJSON completes IDs inside a string array of manifest.json that
// holds task IDs, inside the quotes or between items.
func completeJSON(r *workspace.Root, d *workspace.Doc, off int) Completions {
	c := d.Text.Bytes()
	// Walk back to the array's `[`: only ID strings, commas and blanks may
	// lie between it and the cursor.
	i := off - 1
	quotes := 0
	for ; i >= 0; i-- {
		ch := c[i]
		if ch == '[' {
			break
		}
		if ch == '"' {
			quotes++
			continue
		}
		if ch == ',' || ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '-' || ch == '_' ||
			ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' {
			continue
		}
		return Completions{}
	}
	if i < 0 {
		return Completions{}
	}
	// the key before the array
	k := i - 1
	for k >= 0 && (c[k] == ' ' || c[k] == '\t' || c[k] == '\n' || c[k] == '\r') {
		k--
	}
	if k < 0 || c[k] != ':' {
		return Completions{}
	}
	k--
	for k >= 0 && (c[k] == ' ' || c[k] == '\t' || c[k] == '\n' || c[k] == '\r') {
		k--
	}
	if k < 1 || c[k] != '"' {
		return Completions{}
	}
	ks := k - 1
	for ks >= 0 && c[ks] != '"' {
		ks--
	}
	if ks < 0 {
		return Completions{}
	}
	key := strings.ToLower(string(c[ks+1 : k]))
	switch {
	case key == "depends_on" || key == "dependencies" || key == "blocks" || key == "blocked_by" || key == "tasks" ||
		strings.HasPrefix(key, "critical_path"):
	default:
		return Completions{}
	}
	// the array's items, to leave out IDs already there
	end := off
	for end < len(c) && c[end] != ']' && c[end] != '{' && c[end] != '}' && c[end] != '[' {
		end++
	}
	have := map[string]bool{}
	for _, id := range idWordRe.FindAllString(string(c[i:end]), -1) {
		have[id] = true
	}
	ws := wordBefore(c, off)
	partial := string(c[ws:off])
	delete(have, partial)
	self := ""
	if key != "tasks" && !strings.HasPrefix(key, "critical_path") {
		if ms := jsonIDRe.FindAllSubmatch(c[:i], -1); len(ms) > 0 {
			self = string(ms[len(ms)-1][1])
		}
	}
	edit := text.Span{Start: ws, End: wordEnd(c, off)}
	if quotes%2 == 1 {
		// inside a string: replace the partial ID, keep the quotes
		return taskIDs(r, self, have, partial, edit, "", "")
	}
	// between items: insert a quoted string, after a comma when it follows
	// another item
	open := `"`
	p := ws - 1
	for p >= 0 && (c[p] == ' ' || c[p] == '\t' || c[p] == '\n' || c[p] == '\r') {
		p--
	}
	if p >= 0 && c[p] == '"' {
		open = `, "`
	}
	return taskIDs(r, self, have, partial, edit, open, `"`)
}

// taskIDs lists the known IDs matching partial (by ID prefix, or by title
// words), minus self and the IDs already in the list: those with the ID
// prefix first, then (for 3 characters or more) those whose title holds
// partial, each in ID order; at most MaxCompletions, marked incomplete when
// there are more.
func taskIDs(r *workspace.Root, self string, have map[string]bool, partial string, edit text.Span, open, close string) Completions {
	var out Completions
	// add adds an item, or reports false when the answer is full: it is
	// then incomplete, as there is one more candidate.
	add := func(id, filter, sortText string) bool {
		if len(out.Items) == MaxCompletions {
			out.Incomplete = true
			return false
		}
		title, _, doc := summary(r, id)
		out.Items = append(out.Items, Item{Label: id, Detail: title, Doc: doc, Kind: ItemTaskID, Edit: edit, NewText: open + id + close, Filter: filter, Sort: sortText})
		return true
	}
	// the IDs with the prefix are a run of the sorted IDs
	ids := r.IDs
	up := strings.ToUpper(partial)
	lo := sort.SearchStrings(ids, up)
	hi := lo
	for ; hi < len(ids) && strings.HasPrefix(ids[hi], up); hi++ {
		if id := ids[hi]; id != self && !have[id] && !add(id, id, "0"+id) {
			return out
		}
	}
	if len(partial) < 3 {
		return out
	}
	x := indexOf(r)
	low := strings.ToLower(partial)
	for i := 0; i < len(x.ids); i++ {
		if i == lo {
			if i = hi; i == len(x.ids) {
				break // past the prefix run, done above
			}
		}
		id := x.ids[i]
		if id != self && !have[id] && strings.Contains(x.row(i).lowTitle, low) && !add(id, partial+" "+id, "1"+id) {
			return out
		}
	}
	return out
}

// summary returns a task's title, its status and the item documentation:
// status, priority and criteria progress.
// Summary returns a task's title, status and a one-line description.
func Summary(r *workspace.Root, id string) (title, status, doc string) { return summary(r, id) }

func summary(r *workspace.Root, id string) (title, status, doc string) {
	// the parts joined by " · ", built in one buffer (this runs for every
	// completion item, inlay hint and graph node)
	var buf [128]byte
	b := buf[:0]
	part := func(s ...string) {
		if len(b) > 0 {
			b = append(b, " · "...)
		}
		for _, x := range s {
			b = append(b, x...)
		}
	}
	if d := r.Task(id); d != nil {
		t := d.Task
		title = t.Title()
		status = t.StatusNorm()
		if status == "" {
			status = t.Status()
		}
		if status != "" {
			part("status: ", status)
		}
		if t.PriorityKnown {
			part("priority: ", model.PriorityLabel(t.PriorityNorm()))
		}
		if done, total := t.CriteriaDone(); total > 0 {
			part("criteria: ", strconv.Itoa(done), "/", strconv.Itoa(total), " done")
		}
	} else if e := r.Entry(id); e != nil {
		title = e.Title().Value
		status = norm(e.Status().Value)
		if status != "" {
			part("status: ", status)
		}
		if p, ok := model.NormPriority(e.Priority().Value); ok {
			part("priority: ", model.PriorityLabel(p))
		}
		part("no task file")
	} else {
		status = "deferred"
		part("deferred (no task file)")
	}
	return title, status, string(b)
}
