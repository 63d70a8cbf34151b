package manifest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/model"
)

// packedCases are inputs whose refs, lists and entries TestPacked checks
// against what the parser gave before it kept them compact (the expected
// dumps were written by that parser).
var packedCases = []struct{ name, src string }{
	{"escapes", `{"tasks": [{"id": "T\u00301", "title": "a \"q\" \u2014 b", "file": "tasks/T\u00301.md", "status": "done\n", "priority": "P1",
  "depends_on": ["T\u0030002", "T3\u0020"]}], "critical_path": ["T\u0030002", " T3 ", "T4\t", "\t"]}`},
	{"blanks", `{"tasks": [{"id": "  T001  ", "title": "  spaced  ", "depends_on": [" T002", "T003  ", "   ", "T004"]}, {"id": " ", "title": "no id"}]}`},
	{"object map", `{"tasks": {"T001": {"title": "A"}, "x": {"id": "T9"}, "x y": {"name": "n"}, "T\u00302": {"status": null},
  "T3": {"id": "T33", "blocks": ["T1"]}, "count": 3, "T4": "str", "": {"title": "empty key"}, " T5 ": {"depends_on": ["T1"]}}}`},
	{"nested lists", `{"mvp_tasks": [["T1"], "T2", ["T3", ["T4"]], {"depends_on": ["T5"]}, "T6"],
  "tasks": [{"id": "T1", "blocks": [["T2"], "T3"], "depends_on": [[], ["T7", {"blocks": ["T8"]}]]}]}`},
	{"dependency graph", `{"dependency_graph": {"T1": {"depends_on": ["T2"], "blocks": [], "meta": {"blocks": ["T9"]}},
  "T2": ["T1", "x", ["T3"]], "summary": {"depends_on": ["T1"]}, "T3": {"dependency_graph": {"T4": {"blocks": ["T5"]}}, "depends_on": ["T6"]},
  "T\u00305": {"depends_on": ["T1", "T1"]}, "T6": "T7", "T7": {"blocked_by": ["T1"]}}}`},
	{"critical paths", `{"critical_path": {"mvp": ["T1", "T2"], "deep": {"x": [["T3"]], "y": "T4"}}, "critical_path_len": 3,
  "critical_paths": [["T5"], "T6", {"x": ["T7"]}], "Critical_Path_B": ["T8"]}`},
	{"not ID-shaped", `{"tasks": [{"id": "T1", "depends_on": ["not an id", "x", 7, null, "T2", "", "Т001"], "blocked_by": ["y", true]}],
  "phases": {"p": {"tasks": ["Write docs", "T3", "t4", "T-5"]}}, "blocks": ["z"]}`},
	{"strings among entries", `{"tasks": ["T0", {"id": "T1", "depends_on": ["T2"]}, "T3", {"id": "T4"}, ["T5"], "later", {"title": "no id"}]}`},
	{"only strings in tasks", `{"tasks": ["T0", "T1", " T2 "]}`},
	{"deferred", `{"deferred_tasks": {"total": 2, "c": {"tasks": ["T1", "idea"]}}, "later": {"Deferred": ["T2"], "x": {"deferred_list": ["T3"]}},
  "tasks": [{"id": "T1"}], "stats": {"deferred_tasks": ["T9"]}}`},
	{"stats and odd fields", `{"stats": {"total": 2, "blocked_tasks": ["T4"]}, "tasks": [{"id": "T1", "file": ["a"], "title": {"x": 1},
  "priority": true, "status": 12.5}, {"id": "T2", "file": null, "title": null, "priority": -1e3, "status": false}], "stats": {"x": 1}}`},
	{"field precedence", `{"tasks": [{"id": "T1", "name": "N", "title": "T", "path": "p", "file": "f", "file_path": "fp"},
  {"id": "T2", "title": "T", "name": "N", "file": "f", "path": "p"}, {"task_id": "T3", "id": "T4", "name": "only", "file_path": "fp", "path": "p"}]}`},
	{"repeated lists", `{"tasks": [{"id": "T1", "depends_on": ["T2"], "dependencies": ["T3"], "Depends_On": ["T4"], "blocks": "T5", "blocks": ["T6"], "BLOCKED_BY": ["T7"]}]}`},
	{"bom and bare array", "\ufeff[{\"id\": \"T1\", \"depends_on\": [\"T2\"]}, \"T3\", {\"id\": \"T4\"}]"},
	{"layout array", "{\"tasks\": [\n    {\"id\": \"T1\", \"blocks\": [\"T2\", \"T3 \"]},\n\t\t{\"id\": \"T2\", \"blocks\": [\"T\\u0031\"]}\n]}"},
	{"layout map", "{\"tasks\": {\n  \"T1\": {\"title\": \"a\"},\n  \"T2\":\n      {\"title\": \"b\"}}}"},
	{"syntax error", `{"tasks": [{"id": "T1", "depends_on": ["T2"]} {"id": "T3"}]}`},
	{"not an object", `"T001"`},
	{"invalid utf-8", "{\"tasks\": [{\"id\": \"T1\xff\", \"title\": \"bad \xfe title\", \"depends_on\": [\"T2\xff\", \"T3\"]}], \"critical_path\": [\"\xffT4\"]}"},
	{"long strings", `{"tasks": [{"id": "T` + strings.Repeat("1", 70000) + `", "title": "` + strings.Repeat("long ", 20000) + `",
  "depends_on": ["` + strings.Repeat("x", 66000) + `", "T2"], "file": "` + strings.Repeat("\u00e9", 40000) + `",
  "status": "` + strings.Repeat(`\u00e9`, 30000) + `"}],
  "critical_path": ["  ` + strings.Repeat("Y", 70000) + `  "]}`},
	{"long keys", `{"tasks": {"T` + strings.Repeat("2", 70000) + `": {"depends_on": ["T1"]}, "` + strings.Repeat("k", 70000) + `": {"title": "x"}},
  "critical_path": {"` + strings.Repeat("p", 70000) + `": ["T1"]}, "dependency_graph": {"T` + strings.Repeat("3", 70000) + `": ["T1"]}}`},
	{"generated", string(generate(12))},
}

// dump writes down everything a Manifest answers, long strings shortened.
func dump(m *Manifest) string {
	var b strings.Builder
	short := func(s string) string {
		if len(s) > 40 {
			return fmt.Sprintf("%s…(%d bytes)", s[:20], len(s))
		}
		return s
	}
	if m.Err != nil {
		fmt.Fprintf(&b, "error %d %s\n", m.Err.Offset, m.Err.Msg)
	}
	for _, r := range m.Refs() {
		fmt.Fprintf(&b, "ref %s %q %v\n", r.Kind, short(r.ID), r.Span)
	}
	for _, l := range m.Lists() {
		fmt.Fprintf(&b, "list %q %s owner=%q style=%c %v:", short(l.Key), l.Kind, short(l.Owner), l.Style, l.Span)
		for _, it := range l.Items {
			fmt.Fprintf(&b, " %s:%q@%v", it.Kind, short(it.ID), it.Span)
		}
		if len(l.Items) > 0 {
			fmt.Fprintf(&b, " tail=%d", m.ListTail(l))
		}
		b.WriteString("\n")
	}
	field := func(name string, f Field) {
		fmt.Fprintf(&b, "  %s %q %v present=%v string=%v inner=%v\n", name, short(f.Value), f.Span, f.Present, f.String, f.Inner())
	}
	list := func(name string, l *model.List) {
		if l == nil {
			fmt.Fprintf(&b, "  %s none\n", name)
			return
		}
		fmt.Fprintf(&b, "  %s %q %v %d items\n", name, short(l.Key), l.Span, len(l.Items))
	}
	for _, e := range m.Entries() {
		fmt.Fprintf(&b, "entry %q %v %v\n", short(e.ID()), e.IDSpan(), e.Span())
		field("title", e.Title())
		field("status", e.Status())
		field("priority", e.Priority())
		field("file", e.File())
		fmt.Fprintf(&b, "  file inner %v\n", e.FileInner())
		list("depends_on", e.DependsOn())
		list("blocks", e.Blocks())
		list("blocked_by", e.BlockedBy())
	}
	var deferred []string
	for id := range m.Deferred() {
		deferred = append(deferred, id)
	}
	slices.Sort(deferred)
	fmt.Fprintf(&b, "deferred %v\n", deferred)
	if m.Stats != nil {
		fmt.Fprintf(&b, "stats %v\n", m.Stats.Span)
	}
	fmt.Fprintf(&b, "layout %q %d %q\n", m.LastIndent, m.LastKey, m.LastKeyIndent)
	return b.String()
}

// TestPacked: on inputs that take the rare paths of the compact store
// (escapes, trimmed blanks, invalid UTF-8 and array values, whose ends do
// not follow from their text; lists holding other lists or objects, and
// the strings of an array of entries, which name their items; reserved
// key slots left empty; strings too long for anything but uint32), the
// manifest answers what the parser answered when it kept model.Ref,
// model.List and a struct of strings for each entry:
// testdata/packed/<name>.txt was written by that parser.
func TestPacked(t *testing.T) {
	var oddRefs, oddFields, namedItems bool
	for _, c := range packedCases {
		m := Parse([]byte(c.src))
		oddRefs = oddRefs || len(m.rodd) > 0
		oddFields = oddFields || len(m.fodd) > 0
		namedItems = namedItems || len(m.xlists) > 0
		t.Run(c.name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join("testdata", "packed", strings.ReplaceAll(c.name, " ", "-")+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			if got := dump(Parse([]byte(c.src))); got != string(want) {
				t.Errorf("got:\n%s\nwant:\n%s", got, want)
			}
		})
	}
	if !oddRefs || !oddFields || !namedItems {
		t.Errorf("the cases miss a rare path: odd refs %v, odd fields %v, lists naming their items %v", oddRefs, oddFields, namedItems)
	}
}

// TestAccessors: the ways to read a list, a ref or an entry's list without
// making a view give what the views and the iterators give.
func TestAccessors(t *testing.T) {
	cases := append(slices.Clip(packedCases), struct{ name, src string }{"generated 3000", string(generate(3000))})
	for _, c := range cases {
		m := Parse([]byte(c.src))
		refs := allRefs(m)
		if m.NumRefs() != len(refs) {
			t.Fatalf("%s: NumRefs %d, %d refs", c.name, m.NumRefs(), len(refs))
		}
		for i, r := range refs {
			if m.Ref(i) != r || m.RefKind(i) != r.Kind {
				t.Errorf("%s: Ref(%d) %+v, RefKind %s; want %+v", c.name, i, m.Ref(i), m.RefKind(i), r)
			}
		}
		// RefAt is the first ref that contains the offset
		if len(c.src) < 5000 {
			for off := 0; off <= len(c.src); off++ {
				want, wantOK := model.Ref{}, false
				for _, r := range refs {
					if r.Span.Contains(off) {
						want, wantOK = r, true
						break
					}
				}
				if got, ok := m.RefAt(off); got != want || ok != wantOK {
					t.Errorf("%s: RefAt(%d) = %+v %v, want %+v %v", c.name, off, got, ok, want, wantOK)
				}
			}
		}
		var scratch model.List
		var items []model.Ref
		for i, l := range m.Lists() {
			m.ListInto(&scratch, i)
			items = m.AppendListItems(items[:0], i)
			if scratch.Key != l.Key || scratch.Span != l.Span || scratch.Owner != l.Owner || scratch.Kind != l.Kind ||
				scratch.Style != l.Style || !slices.Equal(scratch.Items, l.Items) || !slices.Equal(items, l.Items) {
				t.Errorf("%s: list %d: ListInto %+v, AppendListItems %v; List %+v", c.name, i, scratch, items, l)
			}
			// a list that does not name its items holds every ref inside it
			if _, _, named := m.listRefs(i); named == nil {
				var inside []model.Ref
				for _, r := range refs {
					if r.Span.Start >= l.Span.Start && r.Span.Start < l.Span.End {
						inside = append(inside, r)
					}
				}
				if !slices.Equal(inside, l.Items) {
					t.Errorf("%s: list %d %v: items %v, refs inside %v", c.name, i, l.Span, l.Items, inside)
				}
			}
			if m.ListLen(i) != len(l.Items) || m.ListKind(i) != l.Kind || m.ListSpan(i) != l.Span || m.ListOwner(i) != l.Owner {
				t.Errorf("%s: list %d: ListLen %d, ListKind %s, ListSpan %v, ListOwner %q; List %+v",
					c.name, i, m.ListLen(i), m.ListKind(i), m.ListSpan(i), m.ListOwner(i), l)
			}
			var iterated []model.Ref
			for k, it := range m.ListItems(i) {
				if k != len(iterated) {
					t.Errorf("%s: list %d: ListItems numbers item %d as %d", c.name, i, len(iterated), k)
				}
				iterated = append(iterated, it)
			}
			if !slices.Equal(iterated, l.Items) {
				t.Errorf("%s: list %d: ListItems %v, List %v", c.name, i, iterated, l.Items)
			}
		}
		for _, e := range m.Entries() {
			for k, l := range []*model.List{e.DependsOn(), e.Blocks(), e.BlockedBy()} {
				k := EntryList(k)
				ok := e.ListInto(&scratch, k)
				items = e.AppendListItems(items[:0], k)
				if ok != (l != nil) || (k == DependsOnList) && e.HasDependsOn() != (l != nil) {
					t.Errorf("%s: entry %s list %d: ListInto %v, HasDependsOn %v; view %+v", c.name, e.ID(), k, ok, e.HasDependsOn(), l)
					continue
				}
				if l == nil {
					if len(items) != 0 || e.ListLen(k) != 0 || e.List(k) != nil {
						t.Errorf("%s: entry %s list %d: items of none", c.name, e.ID(), k)
					}
					continue
				}
				if scratch.Span != l.Span || !slices.Equal(scratch.Items, l.Items) || !slices.Equal(items, l.Items) || e.ListLen(k) != len(l.Items) {
					t.Errorf("%s: entry %s list %d: ListInto %+v, AppendListItems %v, ListLen %d; view %+v", c.name, e.ID(), k, scratch, items, e.ListLen(k), l)
				}
			}
		}
	}
}

// A ref's kind is packed in 4 bits (kindMask): model.RefKind must not grow
// past 16 kinds unnoticed. (String names only the kinds there are.)
func TestKindsFit(t *testing.T) {
	if k := model.RefKind(kindMask + 1); k.String() != "reference" {
		t.Fatalf("RefKind %d is %q: widen kindMask and the fields packed after it", k, k)
	}
}
