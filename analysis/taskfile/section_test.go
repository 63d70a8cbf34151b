package taskfile

import (
	"math"
	"testing"
	"unique"

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
	if (Section{}).Title() != "" {
		t.Errorf("the zero Section has a title")
	}
}
