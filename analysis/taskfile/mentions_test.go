package taskfile

import (
	"testing"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// Mentions keep their IDs exactly, packed or not, with their spans.
func TestMentionList(t *testing.T) {
	ids := []string{"T1", "T001", "TASK-0042", "ZZZZ-99999999999", "A0", "AB-1", "T000000000000", "T123456789012", "X-", "t1", ""}
	var refs []model.Ref
	for i, id := range ids {
		refs = append(refs, model.Ref{ID: id, Span: text.Span{Start: 10 * i, End: 10*i + len(id)}, Kind: model.KindMention})
	}
	l := newMentionList(refs)
	if l.Len() != len(ids) || len(l.odd) != 5 {
		t.Fatalf("Len %d, %d IDs kept as strings (%q), want %d and 5", l.Len(), len(l.odd), l.odd, len(ids))
	}
	for i, want := range refs {
		if got := l.At(i); got != want || l.Span(i) != want.Span {
			t.Errorf("At(%d) = %+v, want %+v", i, got, want)
		}
	}
	var all []model.Ref
	for m := range l.All() {
		all = append(all, m)
	}
	if len(all) != len(refs) || all[2] != refs[2] {
		t.Errorf("All = %+v", all)
	}
	if (MentionList{}).Len() != 0 {
		t.Error("the zero list must be empty")
	}
}

// FuzzPackID: every ID packID takes comes back the same.
func FuzzPackID(f *testing.F) {
	for _, s := range []string{"T1", "TASK-0042", "ZZZZ-99999999999", "T000000000000", "AB-", "a1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		code, ok := packID(id)
		// exactly the IDs of the task-ID shape with at most 11 digits pack
		if p, d := model.SplitID(id); ok != (p != "" && d != "" && len(d) <= maxDigits) {
			t.Fatalf("packID(%q) ok=%v; prefix %q digits %q", id, ok, p, d)
		}
		if ok {
			if code&packed == 0 {
				t.Fatalf("packID(%q) = %x without the packed bit", id, code)
			}
			if back := unpackID(code); back != id {
				t.Fatalf("unpackID(packID(%q)) = %q", id, back)
			}
			if n := packedLen(code); n != len(id) {
				t.Fatalf("packedLen(packID(%q)) = %d", id, n)
			}
		}
	})
}

// A mention list keeps each mention's end when one does not end after its
// ID (the body scan makes none such; a list must still give back what it
// was made from).
func TestMentionListWide(t *testing.T) {
	refs := []model.Ref{
		{ID: "T1", Span: text.Span{Start: 3, End: 5}, Kind: model.KindMention},
		{ID: "T123456789012", Span: text.Span{Start: 9, End: 30}, Kind: model.KindMention},
		{ID: "AB-7", Span: text.Span{Start: 40, End: 44}, Kind: model.KindMention},
	}
	for _, in := range [][]model.Ref{refs, refs[:1], refs[2:]} {
		l := newMentionList(in)
		if l.Len() != len(in) {
			t.Fatalf("Len %d, want %d", l.Len(), len(in))
		}
		for i, want := range in {
			if got := l.At(i); got != want || l.Span(i) != want.Span {
				t.Errorf("At(%d) = %+v, want %+v (wide %v)", i, got, want, l.wide)
			}
		}
	}
	if !newMentionList(refs).wide || newMentionList(refs[:1]).wide {
		t.Errorf("wide: %v for a mention that does not end after its ID, %v for one that does", newMentionList(refs).wide, newMentionList(refs[:1]).wide)
	}
}
