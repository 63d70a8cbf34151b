package features

import (
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/taskls/taskls/internal/gen"
)

// The search index must not change a single answer: completion and
// workspace symbols are compared here with the code they replaced (kept
// below as refTaskIDs and refWorkspaceSymbols), on a generated workspace,
// the examples and a hand-written pair of roots with awkward titles.

// refTaskIDs is taskIDs as it was before the search index.
func refTaskIDs(r *workspace.Root, self string, have map[string]bool, partial string, edit text.Span, open, close string) Completions {
	var out Completions
	up := strings.ToUpper(partial)
	low := strings.ToLower(partial)
	var byTitle []Item
	for _, id := range r.IDs {
		if id == self || have[id] {
			continue
		}
		if partial == "" || strings.HasPrefix(id, up) {
			if len(out.Items) > MaxCompletions {
				continue
			}
			title, _, doc := summary(r, id)
			out.Items = append(out.Items, Item{Label: id, Detail: title, Doc: doc, Kind: ItemTaskID, Edit: edit, NewText: open + id + close, Filter: id, Sort: "0" + id})
			continue
		}
		if len(partial) < 3 || len(byTitle) > MaxCompletions {
			continue
		}
		if t := refTitleOf(r, id); strings.Contains(strings.ToLower(t), low) {
			title, _, doc := summary(r, id)
			byTitle = append(byTitle, Item{Label: id, Detail: title, Doc: doc, Kind: ItemTaskID, Edit: edit, NewText: open + id + close, Filter: partial + " " + id, Sort: "1" + id})
		}
	}
	out.Items = append(out.Items, byTitle...)
	sort.SliceStable(out.Items, func(i, j int) bool { return out.Items[i].Sort < out.Items[j].Sort })
	if len(out.Items) > MaxCompletions {
		out.Items = out.Items[:MaxCompletions]
		out.Incomplete = true
	}
	return out
}

func refTitleOf(r *workspace.Root, id string) string {
	if d := r.Task(id); d != nil {
		return d.Task.Title()
	}
	if e := r.Entry(id); e != nil {
		return e.Title().Value
	}
	return ""
}

// refWorkspaceSymbols is WorkspaceSymbols as it was before the search index.
func refWorkspaceSymbols(s *workspace.Snapshot, query string, limit int) []WorkspaceSymbol {
	q := strings.ToLower(strings.TrimSpace(query))
	type scored struct {
		sym   WorkspaceSymbol
		score int
	}
	var all []scored
	for _, r := range s.Roots {
		for _, id := range r.IDs {
			title, status, _ := summary(r, id)
			score, ok := refMatch(q, strings.ToLower(id), strings.ToLower(title))
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

func refMatch(q, id, title string) (int, bool) {
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

// write writes files (path relative to dir -> content).
func write(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func task(id, title, status, extra string) string {
	return fmt.Sprintf("---\nid: %s\ntitle: %q\nstatus: %s\n%s---\n\n## Description\nSee T001.\n", id, title, status, extra)
}

// awkward is two roots with non-ASCII titles (some whose lowercase is longer
// than they are), IDs in both roots, manifest entries without a file,
// deferred IDs, completed tasks and a stale copy in completed/.
func awkward(t testing.TB) *workspace.Snapshot {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"a/.tasks/manifest.json": `{"tasks": [
			{"id": "T001", "title": "Launch", "file": "tasks/T001-launch.md", "status": "completed", "priority": "P1-MVP", "depends_on": []},
			{"id": "T002", "title": "Render pages", "file": "tasks/T002-render.md", "status": "pending", "depends_on": ["T001"]},
			{"id": "T007", "title": "Gone AUTH", "file": "tasks/T007-gone.md", "status": "Completed", "priority": 2, "depends_on": []},
			{"id": "T008", "title": "Ünïcode entry", "file": "tasks/T008-x.md", "status": "pending", "depends_on": []}
		],
		"deferred_tasks": {"categories": {"later": {"tasks": ["T050", "T051"]}}}}`,
		"a/.tasks/tasks/T001-launch.md":      task("T001", "🚀 Launch the İstanbul auth", "completed", "priority: P1\n"),
		"a/.tasks/tasks/T002-render.md":      task("T002", "Render pages with Straße", "pending", "dependencies: [T001]\n"),
		"a/.tasks/tasks/T003-auth.md":        task("T003", "AUTH: login flow", "in_progress", "dependencies: [T002]\n"),
		"a/.tasks/tasks/T004-cache.md":       task("T004", "Cache the cache — ÉCOLE", "blocked", ""),
		"a/.tasks/completed/T004-cache.md":   task("T004", "Old cache copy", "completed", ""),
		"a/.tasks/tasks/T005-kelvin.md":      task("T005", "K temperature \u212a and \u0130 dotted", "pending", ""),
		"a/.tasks/tasks/T010-no-status.md":   "---\nid: T010\ntitle: Nothing else\n---\n\nbody\n",
		"a/.tasks/tasks/T011-bad-utf8.md":    "---\nid: T011\ntitle: bad \xff\xfe bytes auth\nstatus: pending\n---\n",
		"b/.tasks/tasks/T001-other.md":       task("T001", "Other root's first", "pending", ""),
		"b/.tasks/tasks/T002-other.md":       task("T002", "auth elsewhere", "completed", ""),
		"b/.tasks/tasks/AB-12-prefixed.md":   task("AB-12", "Prefixed ID", "pending", ""),
		"b/.tasks/tasks/t020-lowercase.md":   task("t020", "lowercase id", "pending", ""),
		"b/.tasks/completed/T003-done.yaml":  task("T003", "Done in b", "complete", ""),
		"b/.tasks/tasks/T004-heading.md":     "# T004: Heading style auth\n\n## Status: Pending\n## Depends On: T001\n",
		"b/.tasks/tasks/T005-empty-title.md": "---\nid: T005\nstatus: pending\n---\n",
		"b/.tasks/tasks/T012-solo.md":        task("T012", "Solo", "pending", ""),
		// fuzzy matches of "qz" that skip thousands of letters
		"b/.tasks/tasks/T030-long.md": task("T030", "q"+strings.Repeat("x", 2100)+"z", "pending", ""),
		"b/.tasks/tasks/T031-long.md": task("T031", "q"+strings.Repeat("x", 2100)+"z", "completed", ""),
		"b/.tasks/tasks/T032-long.md": task("T032", "q"+strings.Repeat("x", 3000)+"z", "pending", ""),
		"b/.tasks/tasks/T033-long.md": task("T033", "q"+strings.Repeat("x", 50)+"z", "pending", ""),
	})
	s := workspace.Load([]string{dir})
	if len(s.Roots) != 2 {
		t.Fatalf("roots: %d", len(s.Roots))
	}
	return s
}

// generated is a generated workspace of n tasks, faults included.
func generated(t testing.TB, n int) *workspace.Snapshot {
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Options{Tasks: n, Seed: 3, Faults: true}); err != nil {
		t.Fatal(err)
	}
	return workspace.Load([]string{dir})
}

func examples(t testing.TB) *workspace.Snapshot {
	dir, err := filepath.Abs(filepath.Join("..", "..", "examples"))
	if err != nil {
		t.Fatal(err)
	}
	return workspace.Load([]string{dir})
}

// queries returns workspace symbol queries and completion partials for a
// snapshot: fixed ones, words and pieces of its titles and IDs, and letters
// of titles taken in order (fuzzy).
func queries(s *workspace.Snapshot, rng *rand.Rand, n int) []string {
	qs := []string{"", " ", "  T0 ", "t", "T", "T0", "t0", "T00", "T05", "t0500", "T00001", "T001", "T0010", "T1",
		"auth", "AUTH", "Auth", "cach", "sch", "add model", "rtlmt", "🚀", "launch", "xqz", "a", "e", " ", "-",
		"ß", "ss", "strasse", "i̇", "istanbul", "İstanbul", "é", "École", "ünï", "k", "\u212a", "\xff", "ab-", "AB-1", "ab12", "t012 solo", "2 s", "t005 ", "5 k", "qz", "QZ", "q", "xz"}
	var titles, ids []string
	for _, r := range s.Roots {
		for _, id := range r.IDs {
			ids = append(ids, id)
			if t, _, _ := summary(r, id); t != "" {
				titles = append(titles, t)
			}
		}
	}
	if len(titles) == 0 || len(ids) == 0 {
		return qs
	}
	for range n {
		t := titles[rng.Intn(len(titles))]
		id := ids[rng.Intn(len(ids))]
		words := strings.Fields(t)
		w := words[rng.Intn(len(words))]
		switch rng.Intn(6) {
		case 0:
			qs = append(qs, w)
		case 1:
			qs = append(qs, w[:min(len(w), 2+rng.Intn(3))])
		case 2:
			qs = append(qs, id[:1+rng.Intn(len(id))])
		case 3:
			qs = append(qs, id[rng.Intn(len(id)):])
		case 4: // letters in order, some skipped
			var b []byte
			for i := 0; i < len(t); i++ {
				if t[i] < 0x80 && rng.Intn(3) == 0 {
					b = append(b, t[i])
				}
			}
			qs = append(qs, string(b))
		default:
			qs = append(qs, strings.ToUpper(w))
		}
	}
	return qs
}

// withoutPositions drops what the reference did not have.
func withoutPositions(ws []WorkspaceSymbol) []WorkspaceSymbol {
	out := make([]WorkspaceSymbol, len(ws))
	for i, w := range ws {
		w.Start, w.End = text.Pos{}, text.Pos{}
		out[i] = w
	}
	if ws == nil {
		return nil
	}
	return out
}

func checkSymbols(t *testing.T, name string, s *workspace.Snapshot, qs []string) {
	t.Helper()
	for _, q := range qs {
		all := refWorkspaceSymbols(s, q, 0)
		for _, limit := range []int{0, 1, 3, 7, 200} {
			got := WorkspaceSymbols(s, q, limit)
			want := all
			if limit > 0 && len(want) > limit {
				want = want[:limit]
			}
			if !reflect.DeepEqual(withoutPositions(got), want) {
				t.Fatalf("%s: WorkspaceSymbols(%q, %d):\n got %s\nwant %s", name, q, limit, symList(got), symList(want))
			}
			for _, w := range got {
				d := s.Doc(w.Location.Path)
				if d == nil {
					t.Fatalf("%s: %q: %s at %s: no such doc", name, q, w.ID, w.Location.Path)
				}
				if a, b := d.Text.Position(w.Location.Span.Start), d.Text.Position(w.Location.Span.End); w.Start != a || w.End != b {
					t.Fatalf("%s: %q: %s: positions %v-%v, want %v-%v", name, q, w.ID, w.Start, w.End, a, b)
				}
			}
		}
	}
}

func symList(ws []WorkspaceSymbol) string {
	var b strings.Builder
	for _, w := range ws {
		fmt.Fprintf(&b, "\n  %s %q %s %s", w.ID, w.Title, w.Status, w.Root.Dir)
	}
	return b.String()
}

func checkCompletions(t *testing.T, name string, s *workspace.Snapshot, qs []string, rng *rand.Rand) {
	t.Helper()
	for _, r := range s.Roots {
		for _, q := range qs {
			self, have := "", map[string]bool{}
			if len(r.IDs) > 0 && rng.Intn(2) == 0 {
				self = r.IDs[rng.Intn(len(r.IDs))]
				for range rng.Intn(4) {
					have[r.IDs[rng.Intn(len(r.IDs))]] = true
				}
			}
			edit := text.Span{Start: 3, End: 3 + len(q)}
			got := taskIDs(r, self, have, q, edit, `"`, `"`)
			want := refTaskIDs(r, self, have, q, edit, `"`, `"`)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("%s: completion of %q (self %q, have %v) in %s:\n got %d items, incomplete %v: %v\nwant %d items, incomplete %v: %v",
					name, q, self, have, r.Dir, len(got.Items), got.Incomplete, labels(got), len(want.Items), want.Incomplete, labels(want))
			}
		}
	}
}

func labels(c Completions) []string {
	var out []string
	for _, it := range c.Items {
		out = append(out, it.Label)
	}
	return out
}

func TestSearchSameAnswers(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	cases := []struct {
		name string
		snap *workspace.Snapshot
	}{
		{"awkward", awkward(t)},
		{"examples", examples(t)},
		{"generated", generated(t, 800)},
	}
	defer func(n int) { splitRows = n }(splitRows)
	splitRows = 64 // the generated workspace's index is built by two goroutines
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			qs := queries(c.snap, rng, 200)
			checkSymbols(t, c.name, c.snap, qs)
			checkCompletions(t, c.name, c.snap, qs, rng)
		})
	}
}

// TestSearchIndexAfterEdits checks that an index copied in part from the
// last one built (see buildIndex) is the index built from nothing, after
// edits of every kind: a title, a status, a task added, a file removed, a
// task's ID changed, the manifest rewritten.
func TestSearchIndexAfterEdits(t *testing.T) {
	t.Run("one goroutine", func(t *testing.T) { testSearchIndexAfterEdits(t) })
	t.Run("two goroutines", func(t *testing.T) {
		defer func(n int) { splitRows = n }(splitRows)
		splitRows = 16
		testSearchIndexAfterEdits(t)
	})
}

func testSearchIndexAfterEdits(t *testing.T) {
	s := generated(t, 300)
	r := s.Roots[0]
	rng := rand.New(rand.NewSource(2))
	var taskPaths []string
	for p, d := range r.Docs.All() {
		if d.IsTask() {
			taskPaths = append(taskPaths, p)
		}
	}
	sort.Strings(taskPaths)
	manifest := r.Manifest
	indexOf(r)
	for step := range 120 {
		p := taskPaths[rng.Intn(len(taskPaths))]
		if d := s.Doc(p); d == nil || !d.IsTask() {
			continue // removed earlier
		}
		var ch workspace.Change
		what := rng.Intn(7)
		switch what {
		case 0, 1: // a new title
			ch = workspace.Change{Path: p, Content: []byte(task(s.Doc(p).Task.ID(), fmt.Sprintf("Retitled %d Auth Ünï", step), "pending", "")), Version: int32(step + 1)}
		case 2: // completed
			ch = workspace.Change{Path: p, Content: []byte(task(s.Doc(p).Task.ID(), "Now done", "completed", "")), Version: int32(step + 1)}
		case 3: // a new task
			id := fmt.Sprintf("T9%04d", step)
			np := filepath.Join(r.Dir, "tasks", id+"-new.md")
			ch = workspace.Change{Path: np, Content: []byte(task(id, "New cache task", "pending", "")), Version: 1}
			taskPaths = append(taskPaths, np)
		case 4: // a file removed
			if len(taskPaths) < 50 {
				continue
			}
			ch = workspace.Change{Path: p, Deleted: true}
		case 5: // another ID
			ch = workspace.Change{Path: p, Content: []byte(task(fmt.Sprintf("T8%04d", step), "Renumbered", "pending", "")), Version: int32(step + 1)}
		case 6: // the manifest, the same or a little different (a full index)
			c := manifest.Text.Bytes()
			if rng.Intn(2) == 0 {
				c = []byte(strings.Replace(string(c), `"pending"`, `"completed"`, 1))
			}
			ch = workspace.Change{Path: manifest.Path, Content: c, Version: int32(step + 1)}
		}
		if ch.Path == "" {
			continue
		}
		s = s.Apply([]workspace.Change{ch})
		r = s.Roots[0]
		if rng.Intn(3) > 0 { // now and then, two roots in a row without an index
			got := indexOf(r)
			var prev *searchIndex // every row from nothing
			want := buildIndex(r, prev)
			if msg := sameIndex(got, want); msg != "" {
				t.Fatalf("step %d (edit %d of %s): %s", step, what, filepath.Base(ch.Path), msg)
			}
		}
	}
}

// sameIndex compares two indexes row by row, positions included.
func sameIndex(a, b *searchIndex) string {
	if !reflect.DeepEqual(a.ids, b.ids) {
		return "ids differ"
	}
	for i, id := range a.ids {
		ra, rb := *a.row(i), *b.row(i)
		if ra != rb {
			return fmt.Sprintf("row %d (%s):\n got %+v\nwant %+v", i, id, ra, rb)
		}
		if ra.doc != nil {
			s1, e1 := a.positions(i)
			s2, e2 := b.positions(i)
			if s1 != s2 || e1 != e2 {
				return fmt.Sprintf("row %d (%s): positions %v-%v, want %v-%v", i, id, s1, e1, s2, e2)
			}
		}
	}
	return ""
}

// refSummary is summary as it was before it built its text in one buffer.
func refSummary(r *workspace.Root, id string) (title, status, doc string) {
	var parts []string
	if d := r.Task(id); d != nil {
		t := d.Task
		title = t.Title()
		status = t.StatusNorm()
		if status == "" {
			status = t.Status()
		}
		if status != "" {
			parts = append(parts, "status: "+status)
		}
		if t.PriorityKnown {
			parts = append(parts, "priority: "+model.PriorityLabel(t.PriorityNorm()))
		}
		if done, total := t.CriteriaDone(); total > 0 {
			parts = append(parts, fmt.Sprintf("criteria: %d/%d done", done, total))
		}
	} else if e := r.Entry(id); e != nil {
		title = e.Title().Value
		status = norm(e.Status().Value)
		if status != "" {
			parts = append(parts, "status: "+status)
		}
		if p, ok := model.NormPriority(e.Priority().Value); ok {
			parts = append(parts, "priority: "+model.PriorityLabel(p))
		}
		parts = append(parts, "no task file")
	} else {
		status = "deferred"
		parts = append(parts, "deferred (no task file)")
	}
	return title, status, strings.Join(parts, " · ")
}

func TestSummarySameAsBefore(t *testing.T) {
	for _, s := range []*workspace.Snapshot{awkward(t), examples(t), generated(t, 300)} {
		for _, r := range s.Roots {
			for _, id := range append(r.IDs, "T999999", "") {
				t1, s1, d1 := summary(r, id)
				t2, s2, d2 := refSummary(r, id)
				if t1 != t2 || s1 != s2 || d1 != d2 {
					t.Errorf("summary(%s) = %q, %q, %q; want %q, %q, %q", id, t1, s1, d1, t2, s2, d2)
				}
			}
		}
	}
}

func TestLowerAsToLower(t *testing.T) {
	for _, s := range []string{"", "ABC xyz", "T00001", "Straße", "İstanbul", "\u212a", "bad \xff\xfe", "🚀 Launch", "ÉCOLE",
		"\ufffd Kept", "cut \xe2\x82", "\xe2\x82\xac€", "ǅ Dz", "ΣΑΣ", "ÀÉÎ õü", "\U0001F600x", "\x80", "A\u0300"} {
		var m, want [2]uint64
		got := string(appendLower([]byte("x"), s, &m))
		if got != "x"+strings.ToLower(s) {
			t.Errorf("appendLower(%q) = %q, want %q", s, got[1:], strings.ToLower(s))
		}
		addLetters(&want, strings.ToLower(s))
		if m != want {
			t.Errorf("appendLower(%q): letters %x, want %x", s, m, want)
		}
	}
}

func BenchmarkSearchIndexBuild(b *testing.B) {
	s := generated(b, 10000)
	r := s.Roots[0]
	b.ResetTimer()
	for b.Loop() {
		buildIndex(r, nil)
	}
}

// BenchmarkSearchIndexAfterEdit builds the index of a root one edit away
// from the root of the last index: the rows of every other task are copied.
func BenchmarkSearchIndexAfterEdit(b *testing.B) {
	s := generated(b, 10000)
	r := s.Roots[0]
	prev := buildIndex(r, nil)
	var p string
	for q, d := range r.Docs.All() {
		if d.IsTask() {
			p = q
			break
		}
	}
	s2 := s.Apply([]workspace.Change{{Path: p, Content: []byte(task(s.Doc(p).Task.ID(), "Edited", "pending", "")), Version: 1}})
	r2 := s2.Roots[0]
	b.ResetTimer()
	for b.Loop() {
		buildIndex(r2, prev)
	}
}

// BenchmarkSearchIndexAfterReindex builds the index of a root indexed anew
// (manifest.json was saved): every Def list is new, the docs are the same.
func BenchmarkSearchIndexAfterReindex(b *testing.B) {
	s := generated(b, 10000)
	r := s.Roots[0]
	prev := buildIndex(r, nil)
	s2 := s.Apply([]workspace.Change{{Path: r.Manifest.Path, Content: r.Manifest.Text.Bytes(), Version: 1}})
	r2 := s2.Roots[0]
	b.ResetTimer()
	for b.Loop() {
		buildIndex(r2, prev)
	}
}

// TestForgetGoneFolders checks that the last index of a folder the
// workspace no longer has is dropped, with the docs it holds.
func TestForgetGoneFolders(t *testing.T) {
	s := awkward(t)
	for _, r := range s.Roots {
		indexOf(r)
	}
	has := func(dir string) bool { _, ok := lastIndex.Load(dir); return ok }
	a, b := s.Roots[0].Dir, s.Roots[1].Dir
	forget(&workspace.Snapshot{Roots: s.Roots[:1]})
	if !has(a) || has(b) {
		t.Fatalf("after forgetting %s: %s kept %v, %s kept %v", b, a, has(a), b, has(b))
	}
	WorkspaceSymbols(&workspace.Snapshot{}, "", 0)
	if has(a) {
		t.Fatalf("%s kept with no root", a)
	}
}
