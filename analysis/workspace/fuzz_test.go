package workspace_test

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/taskls/taskls/internal/marker"
)

// fuzzName turns an archive's file name into a path relative to `.tasks/`,
// or "" when it cannot be one (absolute, escaping, control characters).
func fuzzName(name string) string {
	if name == "" || len(name) > 80 || strings.HasPrefix(name, "/") || path.Clean(name) != name ||
		name == "." || name == ".." || strings.HasPrefix(name, "../") || strings.Count(name, "/") > 3 {
		return ""
	}
	for _, r := range name {
		if r < ' ' || r == 0x7f || r == '\\' || r == ':' || r == utf8.RuneError {
			return ""
		}
	}
	return name
}

// writeTree writes files (relative to dir/.tasks) in sorted order and
// returns those that could be written; a name that collides with a folder
// (or a folder with a file) is dropped, as it could not exist on disk.
func writeTree(t testing.TB, dir string, files map[string][]byte) map[string][]byte {
	t.Helper()
	root := filepath.Join(dir, ".tasks")
	if err := os.MkdirAll(root, 0o755); err != nil {
		t.Fatal(err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	out := map[string][]byte{}
	for _, n := range names {
		p := filepath.Join(root, filepath.FromSlash(n))
		if os.MkdirAll(filepath.Dir(p), 0o755) != nil || os.WriteFile(p, files[n], 0o644) != nil {
			continue
		}
		out[n] = files[n]
	}
	return out
}

// checkSpans states that every span of every doc of the snapshot lies
// inside its doc's text, on rune boundaries, and that IDs are where they
// say they are.
func checkSpans(t testing.TB, s *workspace.Snapshot) {
	t.Helper()
	for _, r := range s.Roots {
		for p, d := range r.Docs.All() {
			if d.Path != p || d.Text == nil {
				t.Fatalf("doc %s: path %s, text %v", p, d.Path, d.Text)
			}
			c := d.Text.Bytes()
			valid := func(what string, sp text.Span) {
				t.Helper()
				if sp.Start < 0 || sp.End < sp.Start || sp.End > len(c) {
					t.Fatalf("%s: %s %+v outside its %d bytes", d.Rel, what, sp, len(c))
				}
				for _, o := range []int{sp.Start, sp.End} {
					if o < len(c) && !utf8.RuneStart(c[o]) && startOfRune(c, o) != o {
						t.Fatalf("%s: %s %+v splits a rune", d.Rel, what, sp)
					}
				}
			}
			idAt := func(what string, ref model.Ref) {
				t.Helper()
				valid(what, ref.Span)
				if ref.Kind == model.KindMention && string(c[ref.Span.Start:ref.Span.End]) != ref.ID {
					t.Fatalf("%s: %s %q at %+v holds %q", d.Rel, what, ref.ID, ref.Span, c[ref.Span.Start:ref.Span.End])
				}
			}
			if tk := d.Task; tk != nil {
				valid("IDSpan", tk.IDSpan())
				// (an id written as a plain scalar over several lines is
				// folded: the span holds its words, the ID joins them)
				if held := string(c[tk.IDSpan().Start:tk.IDSpan().End]); tk.ID() != "" && !tk.IDFromName && held != tk.ID() &&
					!(strings.ContainsAny(held, "\r\n") && strings.Join(strings.Fields(held), " ") == strings.Join(strings.Fields(tk.ID()), " ")) {
					t.Fatalf("%s: IDSpan holds %q, ID %q", d.Rel, c[tk.IDSpan().Start:tk.IDSpan().End], tk.ID())
				}
				valid("MetaSpan", tk.MetaSpan())
				for _, ref := range tk.Refs() {
					idAt("task ref", ref)
				}
				for _, pr := range tk.Problems() {
					valid("problem", pr.Span)
				}
			}
			if m := d.Manifest; m != nil {
				if m.Err != nil && (m.Err.Offset < 0 || m.Err.Offset > len(c)) {
					t.Fatalf("%s: error offset %d of %d", d.Rel, m.Err.Offset, len(c))
				}
				for _, ref := range m.Refs() {
					idAt("manifest ref", ref)
				}
				for _, l := range m.Lists() {
					valid("manifest list", l.Span)
				}
				for _, e := range m.Entries() {
					valid("entry", e.Span())
					valid("entry id", e.IDSpan())
				}
			}
			for _, ref := range d.Refs {
				idAt("doc ref", ref)
			}
		}
		for id, defs := range r.Defs.All() {
			for _, df := range defs {
				if df.Doc.Task == nil || df.Doc.Task.ID() != id {
					t.Fatalf("def of %s in %s", id, df.Doc.Rel)
				}
				if df.Span.End > len(df.Doc.Text.Bytes()) || df.Span.Start > df.Span.End {
					t.Fatalf("def of %s at %+v in %s", id, df.Span, df.Doc.Rel)
				}
			}
		}
		for id, n := range r.RefIDs() {
			locs := r.RefsAt(id)
			if len(locs) != n {
				t.Fatalf("%d references to %s, %d counted", len(locs), id, n)
			}
			for _, l := range locs {
				if l.Ref.ID != id || r.Docs.At(l.Doc.Path) != l.Doc {
					t.Fatalf("ref to %s: %+v in %s (not a doc of the root)", id, l.Ref, l.Doc.Rel)
				}
			}
		}
	}
}

func startOfRune(c []byte, o int) int {
	for i := 0; i < len(c); {
		_, n := utf8.DecodeRune(c[i:])
		if i+n > o {
			return i
		}
		i += n
	}
	return len(c)
}

// summary renders what a snapshot knows, with paths relative to base, so
// that two snapshots of the same files compare equal. With noStale, IDs
// and references are left out (see FuzzSnapshot).
func summary(s *workspace.Snapshot, base string, noStale bool) string {
	var lines []string
	rel := func(p string) string {
		r, err := filepath.Rel(base, p)
		if err != nil {
			return p
		}
		return filepath.ToSlash(r)
	}
	for _, r := range s.Roots {
		lines = append(lines, "root "+rel(r.Dir))
		for _, d := range r.Docs.All() {
			lines = append(lines, fmt.Sprintf("doc %s kind=%d skipped=%q len=%d", rel(d.Path), d.Kind, d.Skipped(), len(d.Text.Bytes())))
		}
		for id, defs := range r.Defs.All() {
			for i, df := range defs {
				lines = append(lines, fmt.Sprintf("def %s #%d %s %v", id, i, rel(df.Doc.Path), df.Span))
			}
		}
		for id, es := range r.Entries {
			for _, e := range es {
				lines = append(lines, fmt.Sprintf("entry %s %s %v", id, rel(e.Doc.Path), e.Entry.IDSpan()))
			}
		}
		for id, ref := range r.Deferred {
			lines = append(lines, fmt.Sprintf("deferred %s %v", id, ref.Span))
		}
		if noStale {
			continue
		}
		lines = append(lines, "ids "+strings.Join(r.IDs, " "))
		for id := range r.RefIDs() {
			for i, l := range r.RefsAt(id) {
				lines = append(lines, fmt.Sprintf("ref %s #%d %s %s %v", id, i, rel(l.Doc.Path), l.Ref.Kind, l.Ref.Span))
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// diffLines shows the lines only one of two summaries has.
func diffLines(a, b string) string {
	in := func(s string) map[string]bool {
		m := map[string]bool{}
		for _, l := range strings.Split(s, "\n") {
			m[l] = true
		}
		return m
	}
	ma, mb := in(a), in(b)
	var out []string
	for l := range ma {
		if !mb[l] {
			out = append(out, "- "+l)
		}
	}
	for l := range mb {
		if !ma[l] {
			out = append(out, "+ "+l)
		}
	}
	sort.Strings(out)
	return strings.Join(out, "\n")
}

// hasStale reports whether a root keeps the IDs of a manifest that no
// longer parses: only an incremental snapshot can, so IDs and references
// may then rightly differ from a cold load's.
func hasStale(s *workspace.Snapshot) bool {
	for _, r := range s.Roots {
		if len(r.Stale) > 0 {
			return true
		}
	}
	return false
}

// FuzzSnapshot writes a fuzzed set of files (a txtar archive, names
// relative to `.tasks/`) to a temporary folder and loads it: every span of
// every doc must be valid. Then one fuzzed edit is applied both ways, with
// Apply and on disk followed by a cold Load, and the two snapshots must
// know the same docs, IDs, definitions, entries and references.
//
// op chooses the edit: op%6 is 0 (file k gets the edit as content), 1 (file
// k is deleted), 2 (a new file gets the edit), 3 (file k becomes a folder
// holding one task file with the edit), 4 (the folder holding file k becomes
// a file with the edit) or 5 (file k changes twice in one batch: to the edit
// and back, or back and to the edit), where k = op/6 modulo the files.
func FuzzSnapshot(f *testing.F) {
	f.Fuzz(func(t *testing.T, archive []byte, edit []byte, op byte) {
		if len(archive) > 1<<17 || len(edit) > 1<<16 {
			return
		}
		_, files := marker.ParseTxtar(archive)
		want := map[string][]byte{}
		for _, fl := range files {
			if n := fuzzName(fl.Name); n != "" && len(want) < 24 {
				want[n] = fl.Data
			}
		}
		dir := t.TempDir()
		have := writeTree(t, dir, want)
		before := workspace.Load([]string{dir})
		checkSpans(t, before)

		names := make([]string, 0, len(have))
		for n := range have {
			names = append(names, n)
		}
		sort.Strings(names)
		root := filepath.Join(dir, ".tasks")
		abs := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }
		kind := int(op % 6)
		if len(names) == 0 {
			kind = 2
		}
		k := int(op / 6)
		if kind == 4 && !strings.Contains(names[k%len(names)], "/") {
			kind = 0 // a file at the root: no folder of its own
		}
		var changes []workspace.Change
		switch kind {
		case 0:
			n := names[k%len(names)]
			if err := os.WriteFile(abs(n), edit, 0o644); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.Change{Path: abs(n), Content: edit, Version: -1})
		case 1:
			n := names[k%len(names)]
			if err := os.Remove(abs(n)); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.Change{Path: abs(n), Deleted: true})
		case 2:
			n := []string{"tasks/T900-new.md", "tasks/T901-new.yaml", "completed/T902-new.md", "manifest.json", "updates/new.json", "context/new.md"}[k%6]
			if _, ok := have[n]; ok {
				n = "tasks/T903-fresh.md"
			}
			if _, ok := have[n]; ok {
				return
			}
			p := abs(n)
			if os.MkdirAll(filepath.Dir(p), 0o755) != nil || os.WriteFile(p, edit, 0o644) != nil {
				return // a file where the folder would be
			}
			changes = append(changes, workspace.Change{Path: p, Content: edit, Version: -1})
		case 3:
			n := names[k%len(names)]
			inner := filepath.Join(abs(n), "T904-inner.md")
			if err := os.Remove(abs(n)); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(abs(n), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(inner, edit, 0o644); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.Change{Path: abs(n), Deleted: true}, workspace.Change{Path: inner, Content: edit, Version: -1})
		case 4:
			folder := path.Dir(names[k%len(names)])
			if err := os.RemoveAll(abs(folder)); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(abs(folder), edit, 0o644); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.Change{Path: abs(folder), Deleted: true}, workspace.Change{Path: abs(folder), Content: edit, Version: -1})
		case 5:
			n := names[k%len(names)]
			first, last := have[n], edit
			if k%2 == 1 {
				first, last = edit, have[n]
			}
			if err := os.WriteFile(abs(n), last, 0o644); err != nil {
				t.Fatal(err)
			}
			changes = append(changes, workspace.Change{Path: abs(n), Content: first, Version: -1}, workspace.Change{Path: abs(n), Content: last, Version: -1})
		}
		applied := before.Apply(changes)
		checkSpans(t, applied)
		cold := workspace.Load([]string{dir})
		checkSpans(t, cold)
		stale := hasStale(applied)
		if a, c := summary(applied, dir, stale), summary(cold, dir, stale); a != c {
			t.Fatalf("Apply(%d changes, op %d) differs from a cold Load:\n%s", len(changes), op, diffLines(c, a))
		}
	})
}
