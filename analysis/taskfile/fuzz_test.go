package taskfile

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/taskls/taskls/analysis/text"
	"gopkg.in/yaml.v3"
)

// namedSpan is one span of a parse result, with where it came from.
type namedSpan struct {
	what string
	sp   text.Span
}

// spansOf lists every span a parse result holds.
func spansOf(t *Task) []namedSpan {
	var out []namedSpan
	add := func(what string, sp text.Span) { out = append(out, namedSpan{what, sp}) }
	add("IDSpan", t.IDSpan())
	add("TitleSpan", t.TitleSpan())
	add("StatusSpan", t.StatusSpan())
	add("PrioritySpan", t.PrioritySpan())
	add("MetaSpan", t.MetaSpan())
	add("BodyStart", text.Span{Start: t.BodyStart(), End: t.BodyStart()})
	for i, fd := range t.Fields() {
		add(fmt.Sprintf("Fields[%d %q].KeySpan", i, fd.Key), fd.KeySpan)
		add(fmt.Sprintf("Fields[%d %q].ValueSpan", i, fd.Key), fd.ValueSpan)
		for j, it := range fd.Items {
			add(fmt.Sprintf("Fields[%d %q].Items[%d]", i, fd.Key, j), it.ValueSpan)
		}
	}
	for i, r := range t.DocRefs() {
		add(fmt.Sprintf("DocRefs[%d %q]", i, r.Value()), r.Span())
	}
	for i, l := range t.Lists() {
		add(fmt.Sprintf("Lists[%d %q]", i, l.Key), l.Span)
		for j, r := range l.Items {
			add(fmt.Sprintf("Lists[%d %q].Items[%d %q]", i, l.Key, j, r.ID), r.Span)
		}
	}
	for i, s := range t.Sections() {
		add(fmt.Sprintf("Sections[%d].Span", i), s.Span())
		add(fmt.Sprintf("Sections[%d].Extent", i), s.Extent())
	}
	for i, c := range t.Criteria() {
		add(fmt.Sprintf("Criteria[%d]", i), c.Span)
	}
	for i, s := range t.Scenarios() {
		add(fmt.Sprintf("Scenarios[%d]", i), s.Span)
	}
	for i, r := range t.Risks() {
		add(fmt.Sprintf("Risks[%d]", i), r.Span)
	}
	for i := range t.Mentions().Len() {
		m := t.Mentions().At(i)
		add(fmt.Sprintf("Mentions[%d %q]", i, m.ID), m.Span)
	}
	for i, p := range t.Problems() {
		add(fmt.Sprintf("Problems[%d %q]", i, p.Message), p.Span)
	}
	return out
}

// checkTask states what must hold for any parse of any input: every span is
// ordered, inside the file and on rune boundaries; the ID's span holds the
// ID as written; mentions hold their IDs.
func checkTask(t *testing.T, content []byte, tk *Task) {
	t.Helper()
	isB := map[int]bool{len(content): true}
	for i := 0; i < len(content); {
		isB[i] = true
		_, n := utf8.DecodeRune(content[i:])
		i += n
	}
	for _, ns := range spansOf(tk) {
		if ns.sp.Start < 0 || ns.sp.End < ns.sp.Start || ns.sp.End > len(content) {
			t.Fatalf("%s = %+v: not inside the %d bytes of the file", ns.what, ns.sp, len(content))
		}
		if !isB[ns.sp.Start] || !isB[ns.sp.End] {
			t.Fatalf("%s = %+v (%q) does not start and end on rune boundaries", ns.what, ns.sp, content[ns.sp.Start:ns.sp.End])
		}
	}
	if tk.ID() != "" && !tk.IDFromName {
		if got := string(content[tk.IDSpan().Start:tk.IDSpan().End]); got != tk.ID() && !writtenAs(content, tk.IDSpan(), tk.ID()) {
			t.Fatalf("IDSpan %+v holds %q, ID is %q", tk.IDSpan(), got, tk.ID())
		}
	}
	if tk.IDFromName && tk.ID() != tk.NameID() {
		t.Fatalf("ID %q from the name, NameID %q", tk.ID(), tk.NameID())
	}
	for m := range tk.Mentions().All() {
		if got := string(content[m.Span.Start:m.Span.End]); got != m.ID {
			t.Fatalf("mention %q at %+v holds %q", m.ID, m.Span, got)
		}
	}
	for _, l := range tk.Lists() {
		for _, r := range l.Items {
			if r.ID == "" {
				t.Fatalf("list %q has an empty ID at %+v", l.Key, r.Span)
			}
		}
	}
}

// writtenAs reports whether the text at sp is a way of writing value: a
// quoted YAML scalar's body whose value (trimmed) is value, or a block or
// folded scalar whose words are value's.
func writtenAs(content []byte, sp text.Span, value string) bool {
	w := string(content[sp.Start:sp.End])
	if sp.Start > 0 && sp.End < len(content) && (content[sp.Start-1] == '"' || content[sp.Start-1] == '\'') && content[sp.End] == content[sp.Start-1] {
		q := string(content[sp.Start-1])
		var v string
		if yaml.Unmarshal([]byte("v: "+q+w+q), &struct{ V *string }{&v}) == nil && strings.TrimSpace(v) == value {
			return true
		}
	}
	return strings.ContainsAny(w, "\r\n") && strings.Join(strings.Fields(w), "") == strings.Join(strings.Fields(value), "")
}

// FuzzParse parses any content under any file name: no panic, every span
// valid (see checkTask), the same result twice, ParseLight equal to the
// light copy of the whole parse, and the light task answering as the
// whole parse does (see lightDiff).
func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, name string, content []byte) {
		tk := Parse(name, text.New(content))
		checkTask(t, content, tk)
		again := Parse(name, text.New(append([]byte(nil), content...)))
		if !reflect.DeepEqual(tk, again) {
			t.Fatalf("two parses differ:\n%+v\n%+v", tk, again)
		}
		if l, want := ParseLight(name, text.New(content)), tk.Light(); !reflect.DeepEqual(l, want) {
			t.Fatalf("ParseLight differs from Parse(...).Light():\n%+v\n%+v", l, want)
		}
		if d := lightDiff(tk, tk.Light()); d != "" {
			t.Fatalf("the light task differs from the whole parse: %s", d)
		}
	})
}
