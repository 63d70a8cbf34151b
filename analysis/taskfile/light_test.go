package taskfile

import (
	"math"
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
		for _, r := range tk.DocRefs {
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
// ListRefs, ListRef and List agree with Lists.
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
	tk := &Task{lists: packLists(in)}
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
	}
	if (&Task{}).Lists() != nil || (&Task{lists: packLists(nil)}).NumLists() != 0 {
		t.Errorf("a task without lists has some")
	}
}
