package taskfile

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unique"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// TestSectionOffsets checks that a section gives back the spans it was
// made with, and how it cuts what its 32-bit offsets cannot hold.
func TestSectionOffsets(t *testing.T) {
	title := unique.Make("Risks & Mitigations")
	for _, c := range []struct {
		span, extent         text.Span
		wantSpan, wantExtent text.Span
	}{
		{text.Span{Start: 10, End: 20}, text.Span{Start: 10, End: 300}, text.Span{Start: 10, End: 20}, text.Span{Start: 10, End: 300}},
		{text.Span{Start: 14, End: 20}, text.Span{Start: 10, End: 300}, text.Span{Start: 14, End: 20}, text.Span{Start: 10, End: 300}},
		{text.Span{Start: 16 << 20, End: 16<<20 + 9}, text.Span{Start: 16<<20 - math.MaxUint16, End: 17 << 20}, text.Span{Start: 16 << 20, End: 16<<20 + 9}, text.Span{Start: 16<<20 - math.MaxUint16, End: 17 << 20}},
		// a key more than 64 KiB into its line: the extent starts at it
		{text.Span{Start: 70000, End: 70004}, text.Span{Start: 0, End: 80000}, text.Span{Start: 70000, End: 70004}, text.Span{Start: 70000, End: 80000}},
		// past 4 GiB: cut to 4 GiB
		{text.Span{Start: 1 << 33, End: 1<<33 + 4}, text.Span{Start: 1 << 33, End: 1 << 34}, text.Span{Start: math.MaxUint32, End: math.MaxUint32}, text.Span{Start: math.MaxUint32, End: math.MaxUint32}},
	} {
		s := newSection(3, title, c.span, c.extent)
		if s.Span() != c.wantSpan || s.Extent() != c.wantExtent || s.Level() != 3 || s.Title() != "Risks & Mitigations" {
			t.Errorf("newSection(%+v, %+v) = span %+v extent %+v level %d title %q; want %+v %+v", c.span, c.extent, s.Span(), s.Extent(), s.Level(), s.Title(), c.wantSpan, c.wantExtent)
		}
	}
	if (Section{}).Title() != "" || (DocRef{}).Key() != "" || (DocRef{}).Value() != "" {
		t.Errorf("the zero Section or DocRef has a title, key or value")
	}
}

// TestDocRefsAndEstimate checks the document refs and the estimate a task
// keeps: the entries of the ref fields whatever the key's case, a scalar
// value as one entry, nothing for null; the estimate from the first
// estimate key that holds a positive number.
func TestDocRefsAndEstimate(t *testing.T) {
	src := "---\nid: T001\nContext_Refs: \"docs/a.md\"\ndocs_refs: [b.md, 'c d.md']\nrefs: ~\nagent: x\n" +
		"est_tokens: many\nestimated_hours: 3.5\nest_hours: 9\n---\n# T001\n"
	for _, tk := range []*Task{Parse("T001.md", text.New([]byte(src))), ParseLight("T001.md", text.New([]byte(src)))} {
		var got []string
		for _, r := range tk.DocRefs() {
			got = append(got, r.Key()+"="+r.Value()+"@"+src[r.Span().Start:r.Span().End])
		}
		if g := strings.Join(got, ", "); g != "Context_Refs=docs/a.md@docs/a.md, docs_refs=b.md@b.md, docs_refs=c d.md@c d.md" {
			t.Errorf("light %v: doc refs %s", tk.IsLight(), g)
		}
		if tk.Estimate() != 3.5 {
			t.Errorf("light %v: estimate %v, want 3.5", tk.IsLight(), tk.Estimate())
		}
	}
	for src, want := range map[string]float64{
		"---\nid: T001\nest_tokens: 0\nest_hours: -2\n---\n":       0,
		"---\nid: T001\nest_tokens: ' 800 '\n---\n":                800,
		"---\nid: T001\nEst_Tokens: 800\n---\n":                    0, // estimate keys are matched as written
		"---\nid: T001\nest_hours: 2\nestimated_tokens: 70\n---\n": 70,
	} {
		if got := ParseLight("T001.md", text.New([]byte(src))).Estimate(); got != want {
			t.Errorf("%q: estimate %v, want %v", src, got, want)
		}
	}
}

// TestPackLists checks that packed lists give back the lists they were
// made from, lists without items and empty keys included, and that
// ListRefs, ListRef, List, ListSpan, ListLen and ListItems agree with Lists.
func TestPackLists(t *testing.T) {
	sp := func(a, b int) text.Span { return text.Span{Start: a, End: b} }
	in := []*model.List{
		{Key: "depends_on", Span: sp(10, 30), Kind: model.KindDependency, Style: '[', Items: []model.Ref{
			{ID: "T001", Span: sp(11, 15), Kind: model.KindDependency}, {ID: "T-22", Span: sp(17, 21), Kind: model.KindDependency}}},
		{Key: "blocks", Span: sp(40, 41), Kind: model.KindBlocks, Style: '-'},
		{Key: "", Span: sp(50, 60), Kind: model.KindBlocks, Style: ','},
		{Key: "blocked_by", Span: sp(70, 90), Kind: model.KindBlockedBy, Style: '-', Items: []model.Ref{
			{ID: "", Span: sp(72, 80), Kind: model.KindBlockedBy}, {ID: "Т003", Span: sp(82, 90), Kind: model.KindBlockedBy}}},
	}
	tk := (&draft{ID: "T000", Title: "packed", lists: in}).task()
	if got := tk.Lists(); !reflect.DeepEqual(got, in) {
		t.Fatalf("Lists() = %+v, want %+v", got, in)
	}
	var all []model.Ref
	for _, l := range in {
		all = append(all, l.Items...)
	}
	if got := slices.Collect(tk.ListRefs()); !reflect.DeepEqual(got, all) || tk.NumListRefs() != len(all) {
		t.Errorf("ListRefs() = %+v (%d), want %+v", got, tk.NumListRefs(), all)
	}
	for i, r := range all {
		if got := tk.ListRef(i); got != r {
			t.Errorf("ListRef(%d) = %+v, want %+v", i, got, r)
		}
	}
	for i, l := range in {
		if got := tk.List(i); !reflect.DeepEqual(got, l) {
			t.Errorf("List(%d) = %+v, want %+v", i, got, l)
		}
		if sp, k := tk.ListSpan(i); sp != l.Span || k != l.Kind {
			t.Errorf("ListSpan(%d) = %v %v, want %v %v", i, sp, k, l.Span, l.Kind)
		}
		if got := slices.Collect(tk.ListItems(i)); tk.ListLen(i) != len(l.Items) || !reflect.DeepEqual(got, l.Items) && len(l.Items) > 0 {
			t.Errorf("ListItems(%d) = %+v (ListLen %d), want %+v", i, got, tk.ListLen(i), l.Items)
		}
	}
	if (&draft{}).task().Lists() != nil || (&draft{}).task().NumLists() != 0 || tk.ID() != "T000" || tk.Title() != "packed" {
		t.Errorf("a task without lists has some")
	}
}

// lightSources are task files in every metadata style (and a few that are
// not tasks), with what a light task keeps counts of: criteria of each
// state, scenarios with some steps missing, risks, problems.
var lightSources = map[string]string{
	"tasks/T001-front.md": "---\nid: T001\ntitle: \" Front \"\nstatus: In Progress\npriority: P1-MVP\ndependencies: [T002, 'T003', none]\n" +
		"blocked_by:\n  - T004 (first)\nblocks: T005, T006\ncontext_refs: [a.md]\nest_tokens: 900\n---\n# T001: Front\n\n" +
		"## Acceptance Criteria\n- [x] a\n- [ ] b\n1. c\n\n## Test Scenarios\n### S1\nGiven x\nWhen y\n### S2\nGiven x\nWhen y\nThen z\n" +
		"\n## Risks & Mitigations\n| Risk | Mitigation |\n|---|---|\n| r1 | m1 |\n\n### Deep heading\nSee T002 and T-77.\n",
	"tasks/T002-block.md": "# Task T002: Block\n\n## Metadata\n```yaml\nid: T002\nstatus: done\npriority: high\ndepends_on:\n  - T001\n```\n\n" +
		"## Risks\n- one\n- two\n## Test Scenarios\n**Scenario 1: x**\n- Given a\n",
	"tasks/T003-headings.md": "# T003: Headings\n\n## Status: Blocked\n## Priority: 2\n## Depends On: T001, T002\n\n## Description\nT004.\n",
	"tasks/T004-doc.yaml": "id: T004\ntitle: Doc\nstatus: pending\ndependencies: [T001]\nacceptance_criteria:\n  - \"[x] one\"\n  - two\n" +
		"test_scenarios:\n  - name: s\n    given: a\nrisks:\n  - r\nnotes: see T003\n",
	"tasks/T005-bad.md":    "---\nid: T005\ntitle: [unclosed\n---\n# body T001\n",
	"tasks/T006-open.md":   "---\nid: T006\nstatus: pending\n# Heading\ntext T001\n",
	"tasks/T007-none.md":   "# T007: Just a report\n\nMentions T001.\n",
	"tasks/notes.md":       "plain text, T001\n",
	"tasks/T008-name.md":   "---\ntitle: no id\nstatus: ✅ Completed\n---\n## Acceptance Criteria\n- [X] done\n",
	"tasks/T009-empty.md":  "",
	"tasks/T010-nulls.yml": "---\nid: 'T010'\ntitle: ~\nstatus:\npriority: null\ndependencies:\n---\n",
	// sections that do not pack (keys inside their line)
	"tasks/T011-flow.yaml": "{id: T011, title: Flow, notes: see T001, risks: [a]}\n",
	// strings of more than 64 KiB; an estimate a float32 does not hold
	"tasks/T013-long.md": "---\nid: T013\ntitle: " + strings.Repeat("long ", 14000) + "\nstatus: pending\nest_hours: 0.1\n" +
		"dependencies: [T001]\n---\n## Notes\nT001\n",
	// headings that keep their ends (closing #s, more blanks, a tab)
	"tasks/T012-heads.md": "---\nid: T012\n---\n# Title #\n## Acceptance  Criteria ##\n- [ ] a\n##\tRisks\n### deep\n#\n",
}

// TestLightAnswersAsFull checks that a light task (ParseLight, and Light
// of a full parse) answers each accessor it keeps exactly as the full
// parse does, on the sources above, the example workspace and the shared
// corpus.
func TestLightAnswersAsFull(t *testing.T) {
	files := map[string][]byte{}
	for name, src := range lightSources {
		files[name] = []byte(src)
	}
	for _, root := range []string{"../../examples", "../../../shared/corpora"} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(p, ".md") || strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
				if b, err := os.ReadFile(p); err == nil {
					files[p] = b
				}
			}
			return nil
		})
	}
	if len(files) < 40 {
		t.Fatalf("only %d files", len(files))
	}
	for name, b := range files {
		full := Parse(name, text.New(b))
		if name == "tasks/T013-long.md" && (full.wide&(longStrings|oddEstimate) != longStrings|oddEstimate || full.Estimate() != 0.1 || len(full.Title()) != 5*14000-1) {
			t.Errorf("%s: wide %b, estimate %v, title of %d bytes", name, full.wide, full.Estimate(), len(full.Title()))
		}
		// the record keeps the normalised status and priority as numbers
		if n, _ := model.NormStatus(full.Status()); full.HasStatus && n != full.StatusNorm() {
			t.Errorf("%s: status %q normalised %q, want %q", name, full.Status(), full.StatusNorm(), n)
		}
		if n, ok := model.NormPriority(full.Priority()); full.HasPriority && (n != full.PriorityNorm() || ok != full.PriorityKnown) {
			t.Errorf("%s: priority %q normalised %d %v, want %d %v", name, full.Priority(), full.PriorityNorm(), full.PriorityKnown, n, ok)
		}
		for _, l := range []*Task{ParseLight(name, text.New(b)), full.Light()} {
			if !l.IsLight() {
				t.Fatalf("%s: not light", name)
			}
			if d := lightDiff(full, l); d != "" {
				t.Errorf("%s: light differs from full: %s", name, d)
			}
			if l.Fields() != nil || l.Criteria() != nil || l.Risks() != nil {
				t.Errorf("%s: light task keeps fields, criteria or risks", name)
			}
		}
	}
}

// lightDiff says what a light task answers unlike the full parse, or "".
func lightDiff(full, l *Task) string {
	var diffs []string
	same := func(what string, a, b any) {
		if !reflect.DeepEqual(a, b) {
			diffs = append(diffs, fmt.Sprintf("%s: full %v, light %v", what, a, b))
		}
	}
	same("style", full.Style, l.Style)
	same("flags", []bool{full.IDFromName, full.HasTitle, full.HasStatus, full.HasPriority, full.PriorityKnown},
		[]bool{l.IDFromName, l.HasTitle, l.HasStatus, l.HasPriority, l.PriorityKnown})
	same("id", []any{full.ID(), full.IDSpan(), full.NameID()}, []any{l.ID(), l.IDSpan(), l.NameID()})
	same("title", []any{full.Title(), full.TitleSpan()}, []any{l.Title(), l.TitleSpan()})
	same("status", []any{full.Status(), full.StatusSpan(), full.StatusNorm()}, []any{l.Status(), l.StatusSpan(), l.StatusNorm()})
	same("priority", []any{full.Priority(), full.PrioritySpan(), full.PriorityNorm()}, []any{l.Priority(), l.PrioritySpan(), l.PriorityNorm()})
	same("meta", []any{full.MetaSpan(), full.BodyStart()}, []any{l.MetaSpan(), l.BodyStart()})
	same("lists", full.Lists(), l.Lists())
	same("list refs", slices.Collect(full.ListRefs()), slices.Collect(l.ListRefs()))
	same("deps", full.Deps(), l.Deps())
	same("refs", full.Refs(), l.Refs())
	same("mentions", slices.Collect(full.Mentions().All()), slices.Collect(l.Mentions().All()))
	same("doc refs", docRefList(full), docRefList(l))
	same("number of doc refs", full.NumDocRefs(), l.NumDocRefs())
	same("estimate", full.Estimate(), l.Estimate())
	same("problems", full.Problems(), l.Problems())
	fc, fu, fp := full.CriteriaCounts()
	lc, lu, lp := l.CriteriaCounts()
	same("criteria counts", []int{fc, fu, fp, full.NumCriteria()}, []int{lc, lu, lp, l.NumCriteria()})
	fd, ft := full.CriteriaDone()
	ld, lt := l.CriteriaDone()
	same("criteria done", []int{fd, ft}, []int{ld, lt})
	same("counts", []int{full.NumScenarios(), full.NumRisks()}, []int{l.NumScenarios(), l.NumRisks()})
	var secs []Section
	for _, s := range full.Sections() {
		if s.Level() <= 2 {
			secs = append(secs, s)
		}
	}
	var lsecs []Section
	for i, s := range l.Sections() {
		if s != l.Section(i) {
			diffs = append(diffs, fmt.Sprintf("section %d: %v, Section(%d) %v", i, s, i, l.Section(i)))
		}
		lsecs = append(lsecs, s)
	}
	same("sections", secs, lsecs)
	same("number of sections", len(secs), l.NumSections())
	var scen []Scenario
	for _, s := range full.Scenarios() {
		if n := btoi(s.Given) + btoi(s.When) + btoi(s.Then); n > 0 && n < 3 {
			scen = append(scen, s)
		}
	}
	same("incomplete scenarios", scen, l.Scenarios())
	return strings.Join(diffs, "; ")
}

// TestInternConcurrent numbers titles from several goroutines at once
// (run with -race): each gets one number, which gives it back.
func TestInternConcurrent(t *testing.T) {
	done := make(chan map[string]uint32)
	for g := range 4 {
		go func() {
			ids := map[string]uint32{}
			for i := range 200 {
				s := fmt.Sprintf("title %d", (i*7+g)%150)
				h := unique.Make(s)
				id := internID(h)
				if internedHandle(id) != h {
					t.Errorf("%q: number %d gives %q", s, id, internedHandle(id).Value())
				}
				ids[s] = id
			}
			done <- ids
		}()
	}
	all := map[string]uint32{}
	for range 4 {
		for s, id := range <-done {
			if prev, ok := all[s]; ok && prev != id {
				t.Errorf("%q numbered %d and %d", s, prev, id)
			}
			all[s] = id
		}
	}
}

// docRefList is what DocRefs yields, checked against DocRef(i).
func docRefList(tk *Task) []DocRef {
	var out []DocRef
	for i, r := range tk.DocRefs() {
		if r != tk.DocRef(i) {
			panic("DocRefs and DocRef differ")
		}
		out = append(out, r)
	}
	return out
}
