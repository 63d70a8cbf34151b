package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// op is one kind of operation and its weight in the mix.
type op struct {
	name   string
	weight int
	fn     func(a *abuser)
}

var opTable = []op{
	{"open", 7, (*abuser).opOpen},
	{"change", 30, (*abuser).opChange},
	{"close", 4, (*abuser).opClose},
	{"disk-create", 3, (*abuser).opDiskCreate},
	{"disk-delete", 2, (*abuser).opDiskDelete},
	{"disk-rename", 2, (*abuser).opDiskRename},
	{"disk-modify", 4, (*abuser).opDiskModify},
	{"disk-under-open", 1, (*abuser).opDiskUnderOpen},
	{"folder", 1, (*abuser).opFolder},
	{"manifest-rewrite", 2, (*abuser).opManifest},
	{"config", 1, (*abuser).opConfig},
	{"request", 22, func(a *abuser) { a.opRequest(false) }},
	{"request-out-of-range", 4, func(a *abuser) { a.opRequest(true) }},
	{"unknown-method", 2, (*abuser).opUnknown},
	{"bad-params", 3, (*abuser).opBadParams},
	{"cancel", 4, (*abuser).opCancel},
	{"odd-frame", 2, (*abuser).opOddFrame},
	{"invalid-json-frame", 1, (*abuser).opGarbageFrame},
	{"pause", 2, (*abuser).opPause},
	{"apply-rename", 2, (*abuser).opApplyRename},
	{"apply-code-action", 2, (*abuser).opApplyCodeAction},
	{"new-task", 1, (*abuser).opNewTask},
}

// oneStep does one random operation.
func (a *abuser) oneStep() {
	a.drainApply()
	// at most 16 requests in flight: the tool must not outrun the server forever
	t := time.Now()
	for deadline := time.Now().Add(30 * time.Second); a.c.inFlight() >= 16 && time.Now().Before(deadline); {
		a.c.waitChange(50 * time.Millisecond)
	}
	a.opTime["(waiting for answers)"] += time.Since(t)
	total := 0
	for _, o := range opTable {
		if o.name == "invalid-json-frame" && !a.garbage {
			continue
		}
		total += o.weight
	}
	n := a.rng.IntN(total)
	for _, o := range opTable {
		if o.name == "invalid-json-frame" && !a.garbage {
			continue
		}
		if n < o.weight {
			t := time.Now()
			o.fn(a)
			a.opTime[o.name] += time.Since(t)
			return
		}
		n -= o.weight
	}
}

func pick[T any](a *abuser, list []T) T { return list[a.rng.IntN(len(list))] }

func (a *abuser) chance(p float64) bool { return a.rng.Float64() < p }

var (
	idRe       = regexp.MustCompile(`T\d{2,6}`)
	fileIDRe   = regexp.MustCompile(`^T\d+`)
	flowListRe = regexp.MustCompile(`(dependencies|depends_on|blocked_by|blocks)["']?[ \t]*:[ \t]*\[`)
	blockKeyRe = regexp.MustCompile(`(?m)^[ \t]*(dependencies|depends_on|blocked_by|blocks)[ \t]*:[ \t]*$`)
	headListRe = regexp.MustCompile(`(?m)^#+[ \t]*(Depends On|Dependencies|Blocked By)[ \t]*:.*$`)
)

// ownID is the ID a file's name starts with, or "".
func ownID(rel string) string { return fileIDRe.FindString(path.Base(rel)) }

// isTaskFile reports whether rel is in tasks/ or completed/.
func isTaskFile(rel string) bool {
	return strings.HasPrefix(rel, "tasks/") || strings.HasPrefix(rel, "completed/")
}

// lookalike replaces one character of id by a character that looks like it
// or is a digit of another script.
func (a *abuser) lookalike(id string) string {
	rs := []rune(id)
	if len(rs) == 0 {
		return id
	}
	i := a.rng.IntN(len(rs))
	if rs[i] == 'T' {
		rs[i] = pick(a, []rune{'Т', 'Τ', 'Ｔ'})
	} else if rs[i] >= '0' && rs[i] <= '9' {
		base := pick(a, []rune{0x0660, 0x06F0, 0x0966, 0x09E6, 0xFF10, 0x1D7CE})
		rs[i] = base + rs[i] - '0'
	} else {
		rs[0] = 'Т'
	}
	return string(rs)
}

// someID is a known ID, an unknown one, the file's own, a lookalike or
// something ID-ish.
func (a *abuser) someID(own string) string {
	switch n := a.rng.IntN(100); {
	case n < 55:
		return pick(a, a.ids)
	case n < 72:
		return fmt.Sprintf("T%0*d", a.digits, 900+a.rng.IntN(99))
	case n < 78 && own != "":
		return own
	case n < 88:
		return a.lookalike(pick(a, a.ids))
	case n < 94:
		return pick(a, []string{"T1", "T0001", "t001", "T-01", "MM-01", "T", "T00", "TT001", "T001a"})
	default:
		id := pick(a, a.ids)
		return "T0" + id[1:]
	}
}

// snippet is a random piece of text to insert.
func (a *abuser) snippet(own string) string {
	id := a.someID(own)
	return pick(a, []string{
		id, ", " + id, "\n- " + id, "\n  - " + id, "[" + id + "]", `"` + id + `", `,
		"\ndependencies: [" + id + "]\n", "\nblocked_by: [" + id + "]\n", "\nblocks:\n  - " + id + "\n",
		"status: completed\n", "status: Done\n", "status: weird\n", "priority: P9\n", "priority: P1 (Critical Path)\n",
		"id: " + id + "\n", "title: a: b\n", "---\n", "\n## Depends On: " + id + "\n", "# " + id + ": A title\n",
		"## Status: Completed\n", "## Metadata\n```yaml\nid: " + id + "\n```\n", "\n- [ ] a criterion\n", "\n- [x] done\n",
		"✅", "😀", "→", "\t", "\r", "\r\n", "\n", "\x00", `"`, "'", "[", "]", "{", "}", ":", ": ", "#", "&a ", "*a", "!!str ",
		"|\n  block\n", ">-\n  folded\n", "<<: *a\n", "%YAML 1.2\n", "\u2028", "\u0085", "\ufeff", "\u200b", "e\u0301",
		"Т002", "T0١3", "Ｔ００１", "Τ001", "T00３", "\U0001D7CE",
		"depends on " + id + ". ", "[" + id + "] Fix it", "../context/project.md", "context_refs:\n  - context/nope.md\n",
	})
}

// edit picks a random replacement of content [from, to) by ins. raw allows
// bytes that are not UTF-8 (for files written to disk).
func (a *abuser) edit(rel string, content []byte, raw bool) (desc string, from, to int, ins []byte) {
	own := ownID(rel)
	isJSON := strings.HasSuffix(rel, ".json")
	n := len(content)
	at := func() int { return boundary(content, a.rng.IntN(n+1)) }
	if n > 1<<20 && a.longestLine(content) >= 8<<10 {
		// keep documents from growing without bound: drop the longest line
		st := lineStarts(content)
		best, bl := 0, -1
		for i := range st {
			e := n
			if i+1 < len(st) {
				e = st[i+1]
			}
			if e-st[i] > bl {
				best, bl = i, e-st[i]
			}
		}
		e := n
		if best+1 < len(st) {
			e = st[best+1]
		}
		return fmt.Sprintf("delete the longest line (%d bytes)", bl), st[best], e, nil
	}
	switch k := a.rng.IntN(100); {
	case k < 25:
		s := a.snippet(own)
		p := at()
		return fmt.Sprintf("insert %q at %d", s, p), p, p, []byte(s)
	case k < 40:
		p := at()
		l := 1 + a.rng.IntN(40)
		if a.chance(0.1) {
			l = 1 + a.rng.IntN(4000)
		}
		e := boundary(content, min(n, p+l))
		if e < p {
			e = p
		}
		return fmt.Sprintf("delete [%d,%d)", p, e), p, e, nil
	case k < 55:
		locs := idRe.FindAllIndex(content, -1)
		if len(locs) == 0 {
			break
		}
		loc := pick(a, locs)
		id := a.someID(own)
		return fmt.Sprintf("replace %s at %d by %s", content[loc[0]:loc[1]], loc[0], id), loc[0], loc[1], []byte(id)
	case k < 67:
		id := a.someID(own)
		if p, s, ok := a.listInsert(content, id, isJSON); ok {
			return fmt.Sprintf("add %s to a list at %d", id, p), p, p, []byte(s)
		}
	case k < 72:
		// a cycle: depend on a task that depends on this one
		if own == "" {
			break
		}
		var deps []string
		for _, f := range a.listFiles() {
			if !isTaskFile(f) || f == rel || ownID(f) == "" {
				continue
			}
			if b := a.contentOf(f); b != nil && strings.Contains(string(b), own) {
				deps = append(deps, ownID(f))
			}
		}
		if len(deps) == 0 {
			break
		}
		id := pick(a, deps)
		if p, s, ok := a.listInsert(content, id, isJSON); ok {
			return fmt.Sprintf("add %s (which names %s) to a list at %d: a cycle", id, own, p), p, p, []byte(s)
		}
	case k < 77:
		g := make([]byte, 1+a.rng.IntN(64))
		for i := range g {
			g[i] = byte(a.rng.IntN(256))
		}
		if !raw {
			g = sanitize(g)
		}
		p := at()
		return fmt.Sprintf("insert %d garbage bytes at %d", len(g), p), p, p, g
	case k < 78:
		p := at()
		l := 64<<10 + a.rng.IntN(448<<10)
		if a.chance(0.05) {
			l = 1500 << 10
		}
		// Lines dense with IDs stay at 16 KB: positions on a line cost
		// O(column) in the server, so 300 KB of IDs take minutes (reported).
		dense := 16<<10 + a.rng.IntN(16<<10)
		var s string
		switch a.rng.IntN(4) {
		case 0:
			s = "\ntitle: " + strings.Repeat("x", l) + "\n"
		case 1:
			s = "\n" + strings.Repeat(pick(a, a.ids)+" ", dense/5) + "\n"
		case 2:
			ids := make([]string, dense/6)
			for i := range ids {
				ids[i] = a.ids[i%len(a.ids)]
			}
			s = "\ndependencies: [" + strings.Join(ids, ", ") + "]\n"
		default:
			s = strings.Repeat("😀", l/4)
		}
		return fmt.Sprintf("insert a line of %d bytes at %d", len(s), p), p, p, []byte(s)
	case k < 85:
		return a.breakSyntax(content, isJSON)
	}
	p := at()
	s := a.snippet(own)
	return fmt.Sprintf("insert %q at %d", s, p), p, p, []byte(s)
}

// longestLine is the length of content's longest line.
func (a *abuser) longestLine(content []byte) int {
	best, start := 0, 0
	for i, c := range content {
		if c == '\n' {
			best = max(best, i-start)
			start = i + 1
		}
	}
	return max(best, len(content)-start)
}

// listInsert finds a place in a dependency list to add id.
func (a *abuser) listInsert(content []byte, id string, isJSON bool) (int, string, bool) {
	type place struct {
		at int
		s  string
	}
	var places []place
	q := id
	if isJSON {
		q = strconv.Quote(id)
	}
	for _, m := range flowListRe.FindAllIndex(content, -1) {
		e := m[1]
		rest := strings.TrimLeft(string(content[e:min(len(content), e+64)]), " \t")
		if strings.HasPrefix(rest, "]") {
			places = append(places, place{e, q})
		} else {
			places = append(places, place{e, q + ", "})
		}
	}
	if !isJSON {
		for _, m := range blockKeyRe.FindAllIndex(content, -1) {
			places = append(places, place{m[1], "\n  - " + id})
		}
		for _, m := range headListRe.FindAllIndex(content, -1) {
			places = append(places, place{m[1], ", " + id})
		}
	}
	if len(places) == 0 {
		return 0, "", false
	}
	p := pick(a, places)
	return p.at, p.s, true
}

// breakSyntax breaks front matter, YAML or JSON.
func (a *abuser) breakSyntax(content []byte, isJSON bool) (string, int, int, []byte) {
	s := string(content)
	if isJSON {
		switch a.rng.IntN(3) {
		case 0:
			if i := strings.LastIndexByte(s, '}'); i >= 0 {
				return "delete the last }", i, i + 1, nil
			}
		case 1:
			if i := strings.Index(s, ","); i >= 0 {
				return "delete the first comma", i, i + 1, nil
			}
		}
		i := boundary(content, a.rng.IntN(len(content)+1))
		return "insert @", i, i, []byte("@")
	}
	if strings.HasPrefix(s, "---") {
		nl := strings.IndexByte(s, '\n')
		switch a.rng.IntN(4) {
		case 0:
			if nl >= 0 {
				if i := strings.Index(s[nl:], "\n---"); i >= 0 {
					st := nl + i + 1
					e := st + 3
					if e < len(s) && s[e] == '\n' {
						e++
					}
					return "delete the closing ---", st, e, nil
				}
			}
		case 1:
			if nl >= 0 {
				return "a colon in a title", nl + 1, nl + 1, []byte("title: broken: yes\n")
			}
		case 2:
			if nl >= 0 {
				return "a tab-indented line", nl + 1, nl + 1, []byte("\tbad: [\n")
			}
		default:
			return "delete the opening ---", 0, 3, nil
		}
	}
	if a.chance(0.5) {
		return "an unclosed front matter", 0, 0, []byte("---\nid: [\n")
	}
	return "a tab at the start", 0, 0, []byte("\tbad: [\n")
}

// contentOf is a file as the server sees it: the open buffer, else the disk.
func (a *abuser) contentOf(rel string) []byte {
	if b := a.open[rel]; b != nil {
		return b.content
	}
	c, err := os.ReadFile(a.abs(rel))
	if err != nil {
		return nil
	}
	return c
}

func languageID(rel string) string {
	switch strings.ToLower(filepath.Ext(rel)) {
	case ".md":
		return "markdown"
	case ".yaml", ".yml":
		return "yaml"
	case ".json":
		return "json"
	}
	return "plaintext"
}

func (a *abuser) closedFiles() []string {
	var out []string
	for _, f := range a.listFiles() {
		if a.open[f] == nil {
			out = append(out, f)
		}
	}
	return out
}

func (a *abuser) openRels() []string {
	var out []string
	for rel := range a.open {
		out = append(out, rel)
	}
	slices.Sort(out)
	return out
}

// didOpen opens rel with content in the server and in the client.
func (a *abuser) didOpen(rel string, content []byte, version int32) {
	content = sanitize(content)
	a.open[rel] = &buffer{content: content, version: version}
	a.c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{
		"uri": a.uri(rel), "languageId": languageID(rel), "version": version, "text": string(content)}})
}

func (a *abuser) opOpen() {
	if len(a.open) >= 12 {
		a.opChange()
		return
	}
	closed := a.closedFiles()
	switch {
	case a.chance(0.04):
		// a new file that exists only in the editor
		a.created++
		id := fmt.Sprintf("T%0*d", a.digits, 5000+a.created)
		rel := fmt.Sprintf("tasks/%s-unsaved-%d.md", id, a.created)
		a.ids = append(a.ids, id)
		a.didOpen(rel, []byte(fmt.Sprintf("---\nid: %s\ntitle: Unsaved\nstatus: pending\ndependencies: [%s]\n---\n", id, a.someID(id))), 1)
		a.record("open", rel+" (not on disk)")
		return
	case a.chance(0.02):
		// a file of the workspace folder outside .tasks
		rel := fmt.Sprintf("../outside-%d.md", a.rng.IntN(3))
		if a.open[rel] == nil {
			a.didOpen(rel, []byte("---\nid: T001\ndependencies: [T002]\n---\n"), 1)
			a.record("open", rel+" (outside .tasks)")
			return
		}
	case a.chance(0.02) && len(a.open) > 0:
		// opened twice, as a confused client does
		rel := pick(a, a.openRels())
		b := a.open[rel]
		a.didOpen(rel, b.content, b.version+1)
		a.record("open", rel+" again, while open")
		return
	}
	if len(closed) == 0 {
		return
	}
	var rel string
	var tasks []string
	for _, f := range closed {
		if isTaskFile(f) {
			tasks = append(tasks, f)
		}
	}
	switch {
	case a.chance(0.8) && len(tasks) > 0:
		rel = pick(a, tasks)
	case a.chance(0.5) && a.open["manifest.json"] == nil && slices.Contains(closed, "manifest.json"):
		rel = "manifest.json"
	default:
		rel = pick(a, closed)
	}
	b, err := os.ReadFile(a.abs(rel))
	if err != nil || len(b) > 4<<20 {
		return
	}
	v := int32(1)
	if a.chance(0.2) {
		v = int32(a.rng.IntN(1000))
	}
	a.didOpen(rel, b, v)
	a.record("open", fmt.Sprintf("%s v%d", rel, v))
}

func (a *abuser) opChange() {
	if len(a.open) == 0 {
		a.opOpen()
		return
	}
	rel := pick(a, a.openRels())
	buf := a.open[rel]
	old := buf.content
	var changes []map[string]any
	var descs []string
	switch k := a.rng.IntN(100); {
	case k < 5:
		// revert to the disk
		disk, err := os.ReadFile(a.abs(rel))
		if err != nil || len(disk) > 4<<20 {
			disk = nil
		}
		buf.content = sanitize(disk)
		changes = append(changes, map[string]any{"text": string(buf.content)})
		descs = append(descs, "replace all by the disk content")
	case k < 7:
		// line ends
		le := pick(a, []string{"\r\n", "\r", "\n"})
		s := strings.ReplaceAll(strings.ReplaceAll(string(old), "\r\n", "\n"), "\r", "\n")
		buf.content = []byte(strings.ReplaceAll(s, "\n", le))
		changes = append(changes, map[string]any{"text": string(buf.content)})
		descs = append(descs, fmt.Sprintf("line ends to %q", le))
	case k < 8:
		other := pick(a, a.listFiles())
		c := a.contentOf(other)
		if len(c) > 4<<20 {
			c = nil
		}
		buf.content = sanitize(append([]byte(nil), c...))
		changes = append(changes, map[string]any{"text": string(buf.content)})
		descs = append(descs, "replace all by the content of "+other)
	default:
		n := 1
		if a.chance(0.15) {
			n = 2 + a.rng.IntN(3)
		}
		for range n {
			desc, from, to, ins := a.edit(rel, buf.content, false)
			ins = sanitize(ins)
			r := rangeOf(buf.content, from, to)
			removed := utf16Len(buf.content[from:to])
			next := make([]byte, 0, len(buf.content)-(to-from)+len(ins))
			next = append(append(append(next, buf.content[:from]...), ins...), buf.content[to:]...)
			buf.content = next
			ch := map[string]any{"range": r, "text": string(ins)}
			if a.chance(0.3) {
				// rangeLength is deprecated; clients still send it
				ch["rangeLength"] = removed
			}
			changes = append(changes, ch)
			descs = append(descs, fmt.Sprintf("%s (%d:%d-%d:%d)", desc, r.Start.Line, r.Start.Character, r.End.Line, r.End.Character))
		}
	}
	switch k := a.rng.IntN(100); {
	case k < 3:
		buf.version += int32(5 + a.rng.IntN(100))
	case k < 4:
	case k < 5:
		buf.version -= 2
	default:
		buf.version++
	}
	a.c.notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": a.uri(rel), "version": buf.version},
		"contentChanges": changes,
	})
	a.record("change", fmt.Sprintf("%s v%d: %s", rel, buf.version, strings.Join(descs, "; ")))
}

func utf16Len(b []byte) int {
	n := 0
	for _, r := range string(b) {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func (a *abuser) opClose() {
	if len(a.open) == 0 || a.chance(0.03) {
		// a close of a document that is not open
		rel := pick(a, a.listFiles())
		if a.open[rel] == nil {
			a.c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": a.uri(rel)}})
			a.record("close", rel+" (not open)")
		}
		return
	}
	rel := pick(a, a.openRels())
	if a.chance(0.5) {
		a.saveAndClose(rel)
		return
	}
	delete(a.open, rel)
	a.c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": a.uri(rel)}})
	a.record("close", rel+" without saving")
}

// fileEvent is one entry of workspace/didChangeWatchedFiles.
type fileEvent struct {
	rel string
	typ int // 1 created, 2 changed, 3 deleted
}

func change(rel string, typ int) fileEvent { return fileEvent{rel, typ} }

func (a *abuser) watched(evs ...fileEvent) {
	var changes []map[string]any
	for _, e := range evs {
		changes = append(changes, map[string]any{"uri": a.uri(e.rel), "type": e.typ})
	}
	a.c.notify("workspace/didChangeWatchedFiles", map[string]any{"changes": changes})
}

func (a *abuser) writeDisk(rel string, content []byte) {
	p := a.abs(rel)
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, content, 0o644); err != nil {
		a.fail("writing %s: %v", rel, err)
	}
	a.files = nil
}

// newTaskContent is a small task file in one of the styles, sometimes odd.
func (a *abuser) newTaskContent(id string) []byte {
	deps := []string{a.someID(id), a.someID(id)}
	switch a.rng.IntN(10) {
	case 0:
		return nil // empty
	case 1:
		g := make([]byte, 200)
		for i := range g {
			g[i] = byte(a.rng.IntN(256))
		}
		return g
	case 2:
		return []byte(fmt.Sprintf("# Task %s: Headings\n\n## Metadata\n\n```yaml\nid: %s\ntitle: Meta\nstatus: pending\ndependencies: [%s]\n```\n", id, id, strings.Join(deps, ", ")))
	case 3:
		return []byte(fmt.Sprintf("# %s: Heading fields\n\n## Status: Pending\n## Priority: P2\n## Depends On: %s\n", id, strings.Join(deps, ", ")))
	case 4:
		return []byte(fmt.Sprintf("id: %s\ntitle: Pure YAML\nstatus: pending\ndependencies:\n  - %s\n  - %s\nacceptance_criteria:\n  - one\n", id, deps[0], deps[1]))
	}
	return []byte(fmt.Sprintf("---\nid: %s\ntitle: New %d\nstatus: %s\npriority: P%d\ndependencies: [%s]\n---\n\n## Description\n\nDepends on %s.\n",
		id, a.created, pick(a, []string{"pending", "completed", "in_progress", "blocked", "Done"}), a.rng.IntN(5), strings.Join(deps, ", "), deps[0]))
}

// crowded reports whether the workspace has grown by a quarter: then
// files are deleted instead of created, so that the end is comparable with
// the start (memory included).
func (a *abuser) crowded() bool { return len(a.listFiles()) > a.initialFiles*5/4 }

// deleteCreated deletes a file the run created (else any task file).
func (a *abuser) deleteCreated() {
	var cands []string
	for _, f := range a.listFiles() {
		if isTaskFile(f) && (strings.Contains(f, "-created-") || strings.Contains(f, "-batch-") || strings.Contains(f, "-new-task") || strings.Contains(f, "-renamed-")) {
			cands = append(cands, f)
		}
	}
	if len(cands) == 0 {
		a.opDiskDelete()
		return
	}
	rel := pick(a, cands)
	if os.Remove(a.abs(rel)) != nil {
		return
	}
	a.files = nil
	a.watched(change(rel, 3))
	a.record("disk-delete", rel+" (the workspace is crowded)")
}

func (a *abuser) opDiskCreate() {
	if a.crowded() {
		a.deleteCreated()
		return
	}
	a.created++
	id := fmt.Sprintf("T%0*d", a.digits, 6000+a.created)
	switch a.rng.IntN(10) {
	case 0:
		id = pick(a, a.ids) // a duplicate
	case 1:
		id = a.lookalike(id)
	}
	dir := pick(a, []string{"tasks", "tasks", "tasks", "completed"})
	ext := pick(a, []string{".md", ".md", ".yaml", ".yml"})
	rel := fmt.Sprintf("%s/%s-created-%d%s", dir, id, a.created, ext)
	if a.chance(0.05) {
		rel = fmt.Sprintf("updates/2026-01-01T00-00-%02dZ-%s.json", a.created%60, id)
		a.writeDisk(rel, []byte(fmt.Sprintf(`{"agent":"x","action":"status","task_id":%q,"new_status":"completed"}`, a.someID(""))))
	} else {
		a.writeDisk(rel, a.newTaskContent(id))
	}
	a.ids = append(a.ids, id)
	evs := []fileEvent{change(rel, 1)}
	if a.chance(0.1) {
		evs = append(evs, change(rel, 2)) // created and changed in one batch
	}
	a.watched(evs...)
	a.record("disk-create", rel)
}

func (a *abuser) opDiskDelete() {
	files := a.listFiles()
	if len(files) < 10 {
		return
	}
	rel := pick(a, files)
	if rel == "manifest.json" && a.chance(0.8) {
		return
	}
	if err := os.Remove(a.abs(rel)); err != nil {
		return
	}
	a.files = nil
	a.watched(change(rel, 3))
	open := ""
	if a.open[rel] != nil {
		open = " (open: the buffer stays)"
	}
	a.record("disk-delete", rel+open)
}

func (a *abuser) opDiskRename() {
	var cand []string
	for _, f := range a.closedFiles() {
		if isTaskFile(f) {
			cand = append(cand, f)
		}
	}
	if len(cand) == 0 {
		return
	}
	rel := pick(a, cand)
	base := path.Base(rel)
	var to string
	switch {
	case a.chance(0.3):
		a.created++
		id := fmt.Sprintf("T%0*d", a.digits, 6000+a.created)
		a.ids = append(a.ids, id)
		to = path.Dir(rel) + "/" + id + "-renamed-" + strings.TrimPrefix(base, ownID(base))
	case strings.HasPrefix(rel, "tasks/"):
		to = "completed/" + base
	default:
		to = "tasks/" + base
	}
	if a.open[to] != nil {
		return
	}
	os.MkdirAll(filepath.Dir(a.abs(to)), 0o755)
	if err := os.Rename(a.abs(rel), a.abs(to)); err != nil {
		return
	}
	a.files = nil
	a.watched(change(rel, 3), change(to, 1))
	a.record("disk-rename", rel+" -> "+to)
}

func (a *abuser) opDiskModify() {
	closed := a.closedFiles()
	if len(closed) == 0 {
		return
	}
	rel := pick(a, closed)
	b, err := os.ReadFile(a.abs(rel))
	if err != nil || len(b) > 4<<20 {
		return
	}
	desc, from, to, ins := a.edit(rel, b, true)
	next := append(append(append([]byte(nil), b[:from]...), ins...), b[to:]...)
	a.writeDisk(rel, next)
	a.watched(change(rel, 2))
	a.record("disk-modify", rel+": "+desc)
}

func (a *abuser) opDiskUnderOpen() {
	if len(a.open) == 0 {
		return
	}
	rel := pick(a, a.openRels())
	a.writeDisk(rel, []byte("---\nid: T999\n---\nchanged on disk under an open buffer\n"))
	a.watched(change(rel, 2))
	a.record("disk-under-open", rel)
}

func (a *abuser) opFolder() {
	switch a.rng.IntN(3) {
	case 0:
		// a folder of new tasks, reported as one event for the folder
		if a.crowded() {
			a.deleteCreated()
			return
		}
		a.created++
		dir := fmt.Sprintf("tasks/batch-%d", a.created)
		n := 1 + a.rng.IntN(3)
		for i := range n {
			a.created++
			id := fmt.Sprintf("T%0*d", a.digits, 6000+a.created)
			a.ids = append(a.ids, id)
			a.writeDisk(fmt.Sprintf("%s/%s-batch-%d.md", dir, id, i), a.newTaskContent(id))
		}
		a.watched(change(dir, 1))
		a.record("folder", fmt.Sprintf("create %s with %d files", dir, n))
	case 1:
		// a folder deleted, as one event
		var dirs []string
		seen := map[string]bool{}
		for _, f := range a.listFiles() {
			d := path.Dir(f)
			if d != "." && d != "tasks" && d != "completed" && !seen[d] {
				seen[d] = true
				dirs = append(dirs, d)
			}
		}
		if len(dirs) == 0 {
			return
		}
		d := pick(a, dirs)
		os.RemoveAll(a.abs(d))
		a.files = nil
		a.watched(change(d, 3))
		a.record("folder", "delete "+d)
	default:
		d := pick(a, []string{"tasks", "completed", "context", "."})
		a.watched(change(d, 2))
		a.record("folder", "changed event for "+d)
	}
}

func (a *abuser) opManifest() {
	const rel = "manifest.json"
	cur := a.contentOf(rel)
	var doc map[string]any
	var next []byte
	var desc string
	if cur == nil || json.Unmarshal(cur, &doc) != nil || a.chance(0.1) {
		next, desc = a.good, "restore the last manifest that parsed"
	} else {
		tasks, _ := doc["tasks"].([]any)
		entry := func() map[string]any {
			if len(tasks) == 0 {
				return nil
			}
			e, _ := pick(a, tasks).(map[string]any)
			return e
		}
		switch a.rng.IntN(9) {
		case 0:
			if len(tasks) > 0 {
				i := a.rng.IntN(len(tasks))
				doc["tasks"] = append(tasks[:i:i], tasks[i+1:]...)
				desc = "drop an entry"
			}
		case 1:
			var cands []string
			for _, f := range a.listFiles() {
				if isTaskFile(f) && ownID(f) != "" {
					cands = append(cands, f)
				}
			}
			if len(cands) > 0 {
				f := pick(a, cands)
				doc["tasks"] = append(tasks, map[string]any{"id": ownID(f), "title": "Added", "file": f, "status": "pending",
					"priority": "P2-MVP", "depends_on": []string{a.someID("")}, "blocks": []string{}})
				desc = "add an entry for " + f
			}
		case 2:
			if e := entry(); e != nil {
				e["status"] = pick(a, []string{"completed", "pending", "in_progress", "blocked", "bogus", "Complete"})
				desc = fmt.Sprintf("status of %v", e["id"])
			}
		case 3:
			if e := entry(); e != nil {
				e["depends_on"] = []string{a.someID(""), a.someID("")}
				desc = fmt.Sprintf("depends_on of %v", e["id"])
			}
		case 4:
			if e := entry(); e != nil {
				e["file"] = pick(a, []string{"tasks/nope.md", "completed/" + path.Base(fmt.Sprint(e["file"])), "", "../../etc/passwd"})
				desc = fmt.Sprintf("file of %v", e["id"])
			}
		case 5:
			if len(tasks) > 0 {
				doc["tasks"] = append(tasks, pick(a, tasks))
				desc = "duplicate an entry"
			}
		case 6:
			doc["critical_path"] = []string{a.someID(""), a.someID(""), a.someID("")}
			desc = "critical_path"
		case 7:
			doc["stats"] = map[string]any{"total_tasks": a.rng.IntN(1000), "completed": a.rng.IntN(100)}
			desc = "stats"
		}
		if desc == "" {
			desc = "reformat"
		}
		var err error
		switch a.rng.IntN(4) {
		case 0:
			next, err = json.Marshal(doc)
		case 1:
			next, err = json.MarshalIndent(doc, "", "\t")
		default:
			next, err = json.MarshalIndent(doc, "", "  ")
		}
		if err != nil {
			return
		}
		if a.chance(0.15) {
			next = next[:a.rng.IntN(len(next))]
			desc += ", truncated"
		}
	}
	if b := a.open[rel]; b != nil {
		b.content = sanitize(next)
		b.version++
		a.c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": a.uri(rel), "version": b.version},
			"contentChanges": []any{map[string]any{"text": string(b.content)}},
		})
		desc += " (in the open buffer)"
	} else {
		a.writeDisk(rel, next)
		a.watched(change(rel, 2))
	}
	if manifestParses(next) {
		a.good = next
	}
	a.record("manifest-rewrite", desc)
}

func (a *abuser) opConfig() {
	const rel = "taskls.yaml"
	contents := []string{
		"checks:\n  sections: off\n",
		"checks:\n  unknown-id: warning\n  stats-drift: error\n",
		"checks:\n  cycle: off\n  sections: hint\nsections:\n  min_criteria: 2\n",
		"checks: [\n",
		"checks:\n  no-such-check: error\n",
		"sections:\n  required: [Description]\n  min_risks: 0\n",
		"checks:\n  lookalike-id: warning\n",
		"",
	}
	if a.open[rel] != nil {
		return
	}
	if a.chance(0.2) {
		if os.Remove(a.abs(rel)) == nil {
			a.files = nil
			a.watched(change(rel, 3))
			a.record("config", "delete taskls.yaml")
		}
		return
	}
	s := pick(a, contents)
	a.writeDisk(rel, []byte(s))
	a.watched(change(rel, 1))
	a.record("config", fmt.Sprintf("taskls.yaml = %q", s))
}

// docForRequest picks a document to ask about: usually an open one.
func (a *abuser) docForRequest() (string, []byte) {
	if len(a.open) > 0 && a.chance(0.7) {
		rel := pick(a, a.openRels())
		return rel, a.open[rel].content
	}
	files := a.listFiles()
	if len(files) == 0 {
		return "manifest.json", nil
	}
	rel := pick(a, files)
	b, _ := os.ReadFile(a.abs(rel))
	if len(b) > 4<<20 {
		b = nil
	}
	return rel, sanitize(b)
}

// somePos is a position on an ID (usually) or anywhere.
func (a *abuser) somePos(content []byte) lspPos {
	st := lineStarts(content)
	if locs := idRe.FindAllIndex(content, -1); len(locs) > 0 && a.chance(0.6) {
		l := pick(a, locs)
		return posAt(content, st, boundary(content, l[0]+a.rng.IntN(l[1]-l[0]+1)))
	}
	return posAt(content, st, boundary(content, a.rng.IntN(len(content)+1)))
}

// outOfRange is a position past the end of a line or of the document.
func (a *abuser) outOfRange(content []byte) lspPos {
	lines := len(lineStarts(content))
	switch a.rng.IntN(5) {
	case 0:
		return lspPos{lines + a.rng.IntN(5), 0}
	case 1:
		return lspPos{a.rng.IntN(lines), 10000 + a.rng.IntN(100000)}
	case 2:
		return lspPos{2147483647, 2147483647}
	case 3:
		return lspPos{4294967295, 4294967295}
	}
	return lspPos{lines - 1, 1 << 20}
}

var requestMethods = []string{
	"textDocument/hover", "textDocument/definition", "textDocument/references", "textDocument/completion",
	"textDocument/documentSymbol", "workspace/symbol", "textDocument/codeAction", "textDocument/prepareRename",
	"textDocument/rename", "textDocument/inlayHint", "textDocument/codeLens", "textDocument/documentLink",
	"textDocument/foldingRange", "textDocument/prepareCallHierarchy", "workspace/executeCommand",
}

// requestParams builds the params of method at pos of uri.
func (a *abuser) requestParams(method, uri string, content []byte, p lspPos) (any, expect) {
	td := map[string]any{"uri": uri}
	tdp := map[string]any{"textDocument": td, "position": p}
	end := posAt(content, lineStarts(content), len(content))
	switch method {
	case "textDocument/references":
		tdp["context"] = map[string]any{"includeDeclaration": a.chance(0.5)}
	case "textDocument/completion":
		if a.chance(0.5) {
			tdp["context"] = map[string]any{"triggerKind": 2, "triggerCharacter": pick(a, []string{"[", ",", "\"", " ", "-"})}
		} else {
			tdp["context"] = map[string]any{"triggerKind": 1}
		}
	case "textDocument/documentSymbol", "textDocument/codeLens", "textDocument/documentLink", "textDocument/foldingRange":
		return map[string]any{"textDocument": td}, expectValid
	case "workspace/symbol":
		return map[string]any{"query": pick(a, []string{"", "T", "T0", a.someID(""), "zzz", "Т0", "😀"})}, expectValid
	case "textDocument/codeAction":
		r := lspRange{Start: p, End: p}
		if a.chance(0.3) {
			r = lspRange{End: end}
		}
		ctx := map[string]any{"diagnostics": []any{}}
		if a.chance(0.5) {
			ctx["only"] = []string{pick(a, []string{"quickfix", "source", "source.fixAll.taskls", "source.taskls.syncManifest", "source.taskls.newTask", "refactor"})}
		}
		return map[string]any{"textDocument": td, "range": r, "context": ctx}, expectValid
	case "textDocument/rename":
		tdp["newName"] = pick(a, []string{a.someID(""), "", "x y", "T001\n", fmt.Sprintf("T%0*d", a.digits, 7000+a.rng.IntN(999))})
	case "textDocument/inlayHint":
		r := lspRange{End: end}
		if a.chance(0.3) {
			r = lspRange{Start: p, End: p}
		}
		return map[string]any{"textDocument": td, "range": r}, expectValid
	case "workspace/executeCommand":
		switch a.rng.IntN(4) {
		case 0:
			return map[string]any{"command": "taskls.next", "arguments": []any{map[string]any{"uri": uri}}}, expectValid
		case 1:
			return map[string]any{"command": "taskls.graph", "arguments": []any{map[string]any{"uri": uri, "format": pick(a, []string{"dot", "mermaid", "json"}), "critical": a.chance(0.5)}}}, expectValid
		case 2:
			return map[string]any{"command": "taskls.graph", "arguments": []any{map[string]any{"format": "bogus"}}}, expectBadParams
		default:
			return map[string]any{"command": "taskls.nope", "arguments": []any{}}, expectBadParams
		}
	}
	return tdp, expectValid
}

// resultChecker checks that every URI in a result names a file of the
// workspace folder.
func (a *abuser) resultChecker(raw json.RawMessage) string {
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return "the result is not JSON"
	}
	prefix := fileURI(a.root) + "/"
	var walk func(v any) string
	walk = func(v any) string {
		switch x := v.(type) {
		case map[string]any:
			for _, k := range sortedKeys(x) {
				if k == "uri" || k == "targetUri" || k == "oldUri" || k == "newUri" {
					if s, ok := x[k].(string); ok && !strings.HasPrefix(s, prefix) {
						return fmt.Sprintf("%s %q is not in the workspace folder", k, s)
					}
				}
				if k == "changes" {
					if m, ok := x[k].(map[string]any); ok {
						for u := range m {
							if !strings.HasPrefix(u, prefix) {
								return fmt.Sprintf("changes names %q, not in the workspace folder", u)
							}
						}
					}
				}
				if m := walk(x[k]); m != "" {
					return m
				}
			}
		case []any:
			for _, e := range x {
				if m := walk(e); m != "" {
					return m
				}
			}
		}
		return ""
	}
	return walk(v)
}

func (a *abuser) opRequest(outOfRange bool) {
	rel, content := a.docForRequest()
	uri := a.uri(rel)
	if a.chance(0.03) {
		uri = pick(a, []string{"file:///nonexistent/.tasks/tasks/T001-x.md", "untitled:Untitled-1", fileURI(a.root) + "/.tasks", fileURI(a.tasks) + "/tasks/%54001.md"})
	}
	p := a.somePos(content)
	if outOfRange {
		p = a.outOfRange(content)
	}
	method := pick(a, requestMethods)
	params, ex := a.requestParams(method, uri, content, p)
	if _, err := a.c.start(method, params, ex, "", a.resultChecker); err != nil {
		return
	}
	kind := "request"
	if outOfRange {
		kind = "request-out-of-range"
	}
	a.record(kind, fmt.Sprintf("%s %s %d:%d", method, rel, p.Line, p.Character))
}

func (a *abuser) opUnknown() {
	m := pick(a, []string{"textDocument/semanticTokens/full", "taskls/unknown", "foo", "", "$/unknownRequest", "workspace/willRenameFiles", "textDocument/formatting", "TEXTDOCUMENT/HOVER"})
	if a.chance(0.4) {
		a.c.notify(pick(a, []string{"foo/bar", "$/unknown", "textDocument/didFoo", "", "window/logMessage"}), map[string]any{"x": 1})
		a.record("unknown-method", "a notification")
		return
	}
	a.c.start(m, map[string]any{"textDocument": map[string]any{"uri": a.uri("manifest.json")}}, expectUnknown, "", nil)
	a.record("unknown-method", fmt.Sprintf("request %q", m))
}

func (a *abuser) opBadParams() {
	uri := a.uri(pick(a, a.listFiles()))
	bad := []any{
		"string", 42, []any{1, 2}, true,
		map[string]any{"textDocument": 5},
		map[string]any{"textDocument": map[string]any{"uri": 7}, "position": map[string]any{"line": 0, "character": 0}},
		map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": -1, "character": 0}},
		map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": "0", "character": 0}},
		map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 1e20, "character": 0}},
		map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 4294967296, "character": 0}},
		map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 1.5, "character": 0}},
		map[string]any{"textDocument": map[string]any{"uri": uri}, "range": "all"},
		map[string]any{"query": 5},
		map[string]any{"textDocument": map[string]any{"uri": "%%%"}},
		map[string]any{"textDocument": map[string]any{"uri": "file://host/share/x.md"}},
		map[string]any{"textDocument": map[string]any{"uri": "file:///"}},
		map[string]any{"textDocument": map[string]any{"uri": uri}, "position": map[string]any{"line": 0, "character": 0}, "newName": 5},
		map[string]any{"textDocument": map[string]any{"uri": uri}, "context": map[string]any{"only": "quickfix"}},
		map[string]any{"command": 5},
		map[string]any{"command": "taskls.graph", "arguments": "x"},
		map[string]any{"command": "taskls.graph", "arguments": []any{"x"}},
		map[string]any{},
		nil,
	}
	p := pick(a, bad)
	if a.chance(0.25) {
		// notifications with params that do not decode: dropped, never half applied
		m := pick(a, []string{"textDocument/didOpen", "textDocument/didChange", "textDocument/didClose", "textDocument/didSave",
			"workspace/didChangeWatchedFiles", "workspace/didChangeConfiguration", "$/cancelRequest", "$/setTrace"})
		p = pick(a, []any{"string", 42, []any{1}, map[string]any{"textDocument": 5, "changes": "x", "contentChanges": 7, "id": []any{}}})
		a.c.notify(m, p)
		a.record("bad-params", fmt.Sprintf("notification %s %v", m, p))
		return
	}
	method := pick(a, append(requestMethods, "callHierarchy/incomingCalls", "callHierarchy/outgoingCalls"))
	a.c.start(method, p, expectBadParams, "", nil)
	b, _ := json.Marshal(p)
	a.record("bad-params", fmt.Sprintf("%s %.120s", method, b))
}

func (a *abuser) opCancel() {
	switch k := a.rng.IntN(10); {
	case k < 7:
		rel, content := a.docForRequest()
		method := pick(a, []string{"workspace/symbol", "textDocument/references", "textDocument/codeAction", "textDocument/codeLens", "textDocument/hover"})
		params, ex := a.requestParams(method, a.uri(rel), content, a.somePos(content))
		cl, err := a.c.start(method, params, ex, "", a.resultChecker)
		if err != nil {
			return
		}
		a.c.cancel(cl)
		a.record("cancel", fmt.Sprintf("%s (id %s) cancelled at once", method, cl.id))
	case k < 9:
		if o := a.c.oldest(); o != nil {
			a.c.cancel(o)
			a.record("cancel", fmt.Sprintf("%s (id %s), in flight", o.method, o.id))
		}
	default:
		a.c.notify("$/cancelRequest", map[string]any{"id": pick(a, []any{999999999, "nope", -1, 0})})
		a.record("cancel", "an id that is not in flight")
	}
}

func (a *abuser) opOddFrame() {
	switch a.rng.IntN(10) {
	case 8:
		// JSON-RPC allows any number as an id: it comes back as sent
		id := "-" + a.c.newID()
		a.c.startRaw("abuse/unknown", expectUnknown, id)
		a.c.writeFrame([]byte(`{"jsonrpc":"2.0","id":`+id+`,"method":"abuse/unknown"}`), "")
		a.record("odd-frame", "a negative id "+id)
	case 9:
		id := a.c.newID() + ".5"
		a.c.startRaw("workspace/symbol", expectValid, id)
		a.c.writeFrame([]byte(`{"jsonrpc":"2.0","id":`+id+`,"method":"workspace/symbol","params":{"query":"T"}}`), "")
		a.record("odd-frame", "a fractional id "+id)
	case 0:
		id := strconv.Quote(fmt.Sprintf("abuse-%d", a.step))
		a.c.start("workspace/symbol", map[string]any{"query": "T0"}, expectValid, id, a.resultChecker)
		a.record("odd-frame", "a string id "+id)
	case 1:
		id := a.c.newID()
		a.c.startRaw("workspace/symbol", expectValid, id)
		a.c.writeFrame([]byte(`{"jsonrpc":"2.0","id":`+id+`,"method":"workspace/symbol","params":{"query":"T"},"extra":{"x":[1,2]},"meta":null}`), "")
		a.record("odd-frame", "extra members")
	case 2:
		id := a.c.newID()
		a.c.startRaw("workspace/symbol", expectValid, id)
		a.c.writeFrame([]byte(`{"jsonrpc":"2.0","id":`+id+`,"method":"workspace/symbol","params":{"query":""}}`), "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n")
		a.record("odd-frame", "a Content-Type header")
	case 3:
		id := a.c.newID()
		a.c.startRaw("workspace/symbol", expectValid, id)
		a.c.writeFrame([]byte(" \n\t{\"jsonrpc\":\"2.0\",\"id\":"+id+",\"method\":\"workspace\\/symbol\",\"params\":{\"query\":\"\\u0054\"}}\n"), "")
		a.record("odd-frame", "white space around the body, escapes in strings")
	case 4:
		a.c.writeFrame([]byte(`{"jsonrpc":"2.0","id":987654321,"result":{"x":1}}`), "")
		a.record("odd-frame", "a response to a request the server never sent")
	case 5:
		a.c.writeFrame([]byte(`{"jsonrpc":"2.0","id":987654322,"error":{"code":-32601,"message":"no"}}`), "")
		a.record("odd-frame", "an error response to a request the server never sent")
	case 6:
		id := a.c.newID()
		a.c.startRaw("workspace/symbol", expectValid, id)
		a.c.writeFrame([]byte(`{"jsonrpc":"2.0","id":`+id+`,"method":"foo","method":"workspace/symbol","params":{"query":"T"}}`), "")
		a.record("odd-frame", "a duplicate member (the last counts)")
	default:
		a.c.writeFrame([]byte(`{"jsonrpc":"2.0","method":"textDocument/didSave","params":[1,2]}`), "")
		a.record("odd-frame", "a notification with array params")
	}
}

func (a *abuser) opGarbageFrame() {
	body := pick(a, []string{`{`, `{"jsonrpc":"2.0","id":`, `not json`, "\xff\xfe", `{"a":1}`, `[]`, `"str"`})
	a.c.writeFrame([]byte(body), "")
	a.record("invalid-json-frame", fmt.Sprintf("%q", body))
}

func (a *abuser) opPause() {
	d := time.Duration(a.rng.IntN(50)) * time.Millisecond
	time.Sleep(d)
	a.record("pause", d.String())
}

// syncRequest sends a request and waits for its answer.
func (a *abuser) syncRequest(method string, params any) (json.RawMessage, *rpcError, bool) {
	cl, err := a.c.start(method, params, expectValid, "", a.resultChecker)
	if err != nil {
		return nil, nil, false
	}
	res, rerr, err := a.c.wait(cl, 60*time.Second)
	if err != nil {
		a.fail("%v", err)
		return nil, nil, false
	}
	return res, rerr, true
}

func (a *abuser) opApplyRename() {
	rel, content := a.docForRequest()
	locs := idRe.FindAllIndex(content, -1)
	if len(locs) == 0 {
		return
	}
	l := pick(a, locs)
	p := posAt(content, lineStarts(content), l[0]+1)
	tdp := map[string]any{"textDocument": map[string]any{"uri": a.uri(rel)}, "position": p}
	res, rerr, ok := a.syncRequest("textDocument/prepareRename", tdp)
	if !ok || rerr != nil || string(res) == "null" {
		a.record("apply-rename", fmt.Sprintf("%s %d:%d: nothing to rename", rel, p.Line, p.Character))
		return
	}
	var newName string
	switch k := a.rng.IntN(10); {
	case k < 6:
		a.created++
		newName = fmt.Sprintf("T%0*d", a.digits, 7000+a.created)
		a.ids = append(a.ids, newName)
	case k < 8:
		newName = pick(a, a.ids)
	default:
		newName = a.lookalike(pick(a, a.ids))
	}
	tdp["newName"] = newName
	res, rerr, ok = a.syncRequest("textDocument/rename", tdp)
	if !ok || rerr != nil || string(res) == "null" {
		a.record("apply-rename", fmt.Sprintf("%s %d:%d to %s: refused (%v)", rel, p.Line, p.Character, newName, rerr))
		return
	}
	applied, reason := a.applyWorkspaceEdit(res)
	a.record("apply-rename", fmt.Sprintf("%s %d:%d to %s: applied %v %s", rel, p.Line, p.Character, newName, applied, reason))
}

func (a *abuser) opApplyCodeAction() {
	rel, content := a.docForRequest()
	end := posAt(content, lineStarts(content), len(content))
	r := lspRange{End: end}
	if a.chance(0.5) {
		p := a.somePos(content)
		r = lspRange{Start: p, End: p}
	}
	ctx := map[string]any{"diagnostics": []any{}}
	if a.chance(0.5) {
		ctx["only"] = []string{pick(a, []string{"quickfix", "source.fixAll.taskls", "source.taskls.syncManifest"})}
	}
	res, rerr, ok := a.syncRequest("textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": a.uri(rel)}, "range": r, "context": ctx})
	if !ok || rerr != nil {
		return
	}
	var actions []struct {
		Title   string          `json:"title"`
		Edit    json.RawMessage `json:"edit"`
		Command json.RawMessage `json:"command"`
	}
	json.Unmarshal(res, &actions)
	var withEdit []int
	for i, ac := range actions {
		if len(ac.Edit) > 0 && string(ac.Edit) != "null" {
			withEdit = append(withEdit, i)
		}
	}
	if len(withEdit) == 0 {
		a.record("apply-code-action", fmt.Sprintf("%s: %d actions, none with an edit", rel, len(actions)))
		return
	}
	ac := actions[pick(a, withEdit)]
	applied, reason := a.applyWorkspaceEdit(ac.Edit)
	a.record("apply-code-action", fmt.Sprintf("%s: %q applied %v %s", rel, ac.Title, applied, reason))
}

func (a *abuser) opNewTask() {
	rel := "manifest.json"
	if a.chance(0.3) {
		rel = pick(a, a.listFiles())
	}
	title := pick(a, []string{"New task", "A: colon", "😀 emoji", "", strings.Repeat("long ", 50), "Т002 lookalike"})
	res, rerr, ok := a.syncRequest("workspace/executeCommand", map[string]any{"command": "taskls.newTask", "arguments": []any{map[string]any{"uri": a.uri(rel), "title": title}}})
	if !ok || rerr != nil {
		a.record("new-task", fmt.Sprintf("refused: %v", rerr))
		return
	}
	var r struct {
		ID string `json:"id"`
	}
	json.Unmarshal(res, &r)
	if r.ID != "" {
		a.ids = append(a.ids, r.ID)
	}
	// the server sends workspace/applyEdit from its own goroutine
	select {
	case req := <-a.applyQ:
		applied, reason := a.applyEditRequest(req.params)
		req.done <- applyResult{applied, reason}
		a.record("new-task", fmt.Sprintf("%s %q: applied %v %s", r.ID, title, applied, reason))
	case <-time.After(10 * time.Second):
		a.fail("taskls.newTask answered %s but sent no workspace/applyEdit within 10 s", res)
	}
}

// drainApply applies workspace/applyEdit requests that came in meanwhile.
func (a *abuser) drainApply() {
	for {
		select {
		case req := <-a.applyQ:
			applied, reason := a.applyEditRequest(req.params)
			req.done <- applyResult{applied, reason}
			a.record("apply-edit", fmt.Sprintf("a workspace/applyEdit the server sent: applied %v %s", applied, reason))
		default:
			return
		}
	}
}

func (a *abuser) applyEditRequest(params json.RawMessage) (bool, string) {
	var p struct {
		Edit json.RawMessage `json:"edit"`
	}
	if err := json.Unmarshal(params, &p); err != nil || len(p.Edit) == 0 {
		a.fail("workspace/applyEdit with params %.200s", params)
		return false, "bad params"
	}
	return a.applyWorkspaceEdit(p.Edit)
}

type textEdit struct {
	Range   lspRange `json:"range"`
	NewText string   `json:"newText"`
}

// relOf is a path relative to .tasks ("" when it is outside).
func (a *abuser) relOf(uri string) string {
	p := uriPath(uri)
	rel, err := filepath.Rel(a.tasks, p)
	if p == "" || err != nil || strings.HasPrefix(rel, "..") {
		return ""
	}
	return filepath.ToSlash(rel)
}

// applyWorkspaceEdit applies a WorkspaceEdit as an editor does: to open
// buffers through didChange, to other files on disk with a file event.
func (a *abuser) applyWorkspaceEdit(raw json.RawMessage) (bool, string) {
	var we struct {
		Changes         map[string][]textEdit `json:"changes"`
		DocumentChanges []json.RawMessage     `json:"documentChanges"`
	}
	if err := json.Unmarshal(raw, &we); err != nil {
		a.fail("a WorkspaceEdit that does not decode: %v: %.200s", err, raw)
		return false, "does not decode"
	}
	for _, u := range sortedKeys(we.Changes) {
		if ok, why := a.applyTextEdits(u, nil, we.Changes[u]); !ok {
			return false, why
		}
	}
	for _, dc := range we.DocumentChanges {
		var c struct {
			Kind         string `json:"kind"`
			URI          string `json:"uri"`
			OldURI       string `json:"oldUri"`
			NewURI       string `json:"newUri"`
			TextDocument struct {
				URI     string `json:"uri"`
				Version *int32 `json:"version"`
			} `json:"textDocument"`
			Edits   []textEdit `json:"edits"`
			Options struct {
				Overwrite      bool `json:"overwrite"`
				IgnoreIfExists bool `json:"ignoreIfExists"`
			} `json:"options"`
		}
		if err := json.Unmarshal(dc, &c); err != nil {
			a.fail("a documentChanges entry that does not decode: %v: %.200s", err, dc)
			return false, "does not decode"
		}
		switch c.Kind {
		case "create":
			rel := a.relOf(c.URI)
			if rel == "" {
				a.fail("create of %s, outside .tasks", c.URI)
				return false, "outside"
			}
			if _, err := os.Stat(a.abs(rel)); err == nil {
				if c.Options.IgnoreIfExists || !c.Options.Overwrite {
					continue
				}
			}
			if a.open[rel] != nil {
				return false, "create over an open document"
			}
			a.writeDisk(rel, nil)
			a.watched(change(rel, 1))
		case "rename":
			from, to := a.relOf(c.OldURI), a.relOf(c.NewURI)
			if from == "" || to == "" {
				a.fail("rename %s -> %s, outside .tasks", c.OldURI, c.NewURI)
				return false, "outside"
			}
			if _, err := os.Stat(a.abs(to)); err == nil && !c.Options.Overwrite {
				return false, "rename over an existing file"
			}
			if a.open[to] != nil {
				return false, "rename over an open document"
			}
			os.MkdirAll(filepath.Dir(a.abs(to)), 0o755)
			if err := os.Rename(a.abs(from), a.abs(to)); err != nil && a.open[from] == nil {
				return false, "rename: " + err.Error()
			}
			a.files = nil
			a.watched(change(from, 3), change(to, 1))
			if b := a.open[from]; b != nil {
				// the editor moves the buffer: close the old name, open the new
				delete(a.open, from)
				a.c.notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": a.uri(from)}})
				a.didOpen(to, b.content, 1)
			}
		case "delete":
			rel := a.relOf(c.URI)
			if rel == "" {
				return false, "outside"
			}
			os.RemoveAll(a.abs(rel))
			a.files = nil
			a.watched(change(rel, 3))
		default:
			if ok, why := a.applyTextEdits(c.TextDocument.URI, c.TextDocument.Version, c.Edits); !ok {
				return false, why
			}
		}
	}
	return true, ""
}

// offsetAt converts an LSP position of b to a byte offset, clamping as the
// server does.
func offsetAt(b []byte, starts []int, p lspPos) int {
	if p.Line >= len(starts) {
		return len(b)
	}
	s, e := starts[p.Line], len(b)
	if p.Line+1 < len(starts) {
		e = starts[p.Line+1]
		if e > s && b[e-1] == '\n' {
			e--
		}
		if e > s && b[e-1] == '\r' {
			e--
		}
	}
	col, i := 0, s
	for i < e && col < p.Character {
		r, n := utf8.DecodeRune(b[i:])
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if col+w > p.Character {
			break
		}
		col += w
		i += n
	}
	return i
}

// applyTextEdits applies the edits of one document (all relative to its
// content before them, non-overlapping, as LSP requires).
func (a *abuser) applyTextEdits(uri string, version *int32, edits []textEdit) (bool, string) {
	rel := a.relOf(uri)
	if rel == "" {
		a.fail("an edit of %s, outside .tasks", uri)
		return false, "outside"
	}
	buf := a.open[rel]
	var content []byte
	switch {
	case buf != nil:
		if version != nil && *version != buf.version {
			a.fail("an edit of %s for version %d, while the buffer the server was told of is at version %d", rel, *version, buf.version)
			return false, "version mismatch"
		}
		content = buf.content
	default:
		if version != nil {
			a.fail("an edit of %s names version %d, but the document is not open", rel, *version)
			return false, "not open"
		}
		b, err := os.ReadFile(a.abs(rel))
		if err != nil && !os.IsNotExist(err) {
			return false, err.Error()
		}
		if !utf8.Valid(b) {
			return false, "the file on disk is not UTF-8"
		}
		content = b
	}
	st := lineStarts(content)
	type span struct{ from, to int }
	spans := make([]span, len(edits))
	for i, e := range edits {
		spans[i] = span{offsetAt(content, st, e.Range.Start), offsetAt(content, st, e.Range.End)}
		if spans[i].to < spans[i].from {
			a.fail("an edit of %s with its end before its start: %v", rel, e.Range)
			return false, "reversed range"
		}
	}
	order := make([]int, len(edits))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(x, y int) int { return spans[x].from - spans[y].from })
	for k := 1; k < len(order); k++ {
		if spans[order[k]].from < spans[order[k-1]].to {
			a.fail("overlapping edits of %s: %v and %v", rel, edits[order[k-1]].Range, edits[order[k]].Range)
			return false, "overlapping edits"
		}
	}
	// apply from the last to the first: earlier positions stay valid, and
	// insertions at one place keep their order
	var changes []any
	cur := content
	for k := len(order) - 1; k >= 0; k-- {
		e := edits[order[k]]
		sp := spans[order[k]]
		next := append(append(append([]byte(nil), cur[:sp.from]...), e.NewText...), cur[sp.to:]...)
		changes = append(changes, map[string]any{"range": rangeOf(cur, sp.from, sp.to), "text": e.NewText})
		cur = next
	}
	if buf != nil {
		buf.content = sanitize(cur)
		buf.version++
		a.c.notify("textDocument/didChange", map[string]any{
			"textDocument":   map[string]any{"uri": a.uri(rel), "version": buf.version},
			"contentChanges": changes,
		})
		return true, ""
	}
	_, statErr := os.Stat(a.abs(rel))
	a.writeDisk(rel, cur)
	typ := 2
	if statErr != nil {
		typ = 1
	}
	a.watched(change(rel, typ))
	return true, ""
}
