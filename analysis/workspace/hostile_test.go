package workspace_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// healthy is a small workspace that every hostile file is dropped into: it
// must keep working whatever the hostile file does.
var healthy = map[string]string{
	"manifest.json": `{"tasks": [
  {"id": "T001", "title": "A", "status": "pending", "file": "tasks/T001-a.md", "depends_on": ["T002"]},
  {"id": "T002", "title": "B", "status": "pending", "file": "tasks/T002-b.md"}
]}
`,
	"tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\ndependencies: [T002]\n---\n",
	"tasks/T002-b.md": "---\nid: T002\ntitle: B\nstatus: pending\n---\n",
	"taskls.yaml":     "checks:\n  sections: off\n  not-in-manifest: off\n",
}

// loadHostile writes the healthy workspace plus files (names relative to
// .tasks/; a nil content is left out, to replace a healthy file), loads it
// and runs every check.
func loadHostile(t *testing.T, files map[string][]byte) (string, *workspace.Snapshot, map[string][]check.Diagnostic) {
	t.Helper()
	all := map[string][]byte{}
	for n, c := range healthy {
		all[n] = []byte(c)
	}
	for n, c := range files {
		if c == nil {
			delete(all, n)
		} else {
			all[n] = c
		}
	}
	dir := t.TempDir()
	if got := writeTree(t, dir, all); len(got) != len(all) {
		t.Fatalf("wrote %d of %d files", len(got), len(all))
	}
	s := workspace.Load([]string{dir})
	checkSpans(t, s)
	return filepath.Join(dir, ".tasks"), s, check.Run(s, nil)
}

// stillWorks states that the healthy part of the workspace is intact: both
// tasks are defined, T001's dependency on T002 is a reference, and nothing
// calls T001 or T002 unknown.
func stillWorks(t *testing.T, root string, s *workspace.Snapshot, diags map[string][]check.Diagnostic) {
	t.Helper()
	r := s.RootOf(filepath.Join(root, "manifest.json"))
	if r == nil {
		t.Fatal("no root")
	}
	for _, id := range []string{"T001", "T002"} {
		if len(r.Defs.At(id)) == 0 {
			t.Errorf("%s is not defined any more", id)
		}
	}
	found := false
	for _, l := range r.RefsAt("T002") {
		if l.Doc.Rel == "tasks/T001-a.md" {
			found = true
		}
	}
	if !found {
		t.Errorf("T001's dependency on T002 is not a reference")
	}
	for p, ds := range diags {
		for _, d := range ds {
			if d.Check == "unknown-id" && (strings.Contains(d.Message, "ID T001") || strings.Contains(d.Message, "ID T002")) {
				t.Errorf("%s: %s", p, d.Message)
			}
		}
	}
}

// diag is one diagnostic, rendered with the text its span covers.
type diag struct {
	check, msg, at string
	pos            text.Pos
}

func (d diag) String() string {
	at := d.at
	if len(at) > 40 {
		at = at[:40] + fmt.Sprintf("...(%d bytes)", len(d.at))
	}
	return fmt.Sprintf("%s %q at %q %d:%d", d.check, d.msg, at, d.pos.Line, d.pos.Col)
}

// posOf is the oracle for positions: the line and UTF-16 column of the
// first occurrence of needle in content, counted independently of package
// text ("\n" ends a line; a "\r" before it is not a column).
func posOf(t *testing.T, content, needle string) text.Pos {
	t.Helper()
	i := strings.Index(content, needle)
	if i < 0 {
		t.Fatalf("%q not in the content", needle)
	}
	before := content[:i]
	line := strings.Count(before, "\n")
	return text.Pos{Line: line, Col: len(utf16.Encode([]rune(before[strings.LastIndex(before, "\n")+1:])))}
}

// diagsIn renders the diagnostics of one file (relative to .tasks/).
func diagsIn(t *testing.T, root string, s *workspace.Snapshot, diags map[string][]check.Diagnostic, rel string) []diag {
	t.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	d := s.Doc(p)
	var out []diag
	for _, dg := range diags[p] {
		at := ""
		var pos text.Pos
		if d != nil {
			at = string(d.Text.Bytes()[dg.Span.Start:dg.Span.End])
			pos = d.Text.Position(dg.Span.Start)
		}
		out = append(out, diag{dg.Check, dg.Message, at, pos})
	}
	return out
}

// want1 states that a file has a diagnostic of check with exactly msg,
// covering exactly the text at ("*": any), and returns it.
func want1(t *testing.T, ds []diag, check, msg, at string) diag {
	t.Helper()
	for _, d := range ds {
		if d.check == check && d.msg == msg && (d.at == at || at == "*") {
			return d
		}
	}
	t.Errorf("no %s diagnostic %q at %q in %v", check, msg, at, ds)
	return diag{}
}

// wantPrefix is want1 for a message that starts with msg.
func wantPrefix(t *testing.T, ds []diag, check, msg, at string) {
	t.Helper()
	for _, d := range ds {
		if d.check == check && strings.HasPrefix(d.msg, msg) && d.at == at {
			return
		}
	}
	t.Errorf("no %s diagnostic %q... at %q in %v", check, msg, at, ds)
}

// The hostile files of issue 7, each dropped into a healthy workspace. Each
// gets a clear diagnostic or is read correctly, the rest of the workspace
// keeps working, and each case finishes quickly: there is no timing
// assertion, a hang shows as the test's timeout.
func TestHostileFiles(t *testing.T) {
	bomb := func(last string) string {
		var b strings.Builder
		b.WriteString("a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n")
		for c := 'b'; c <= 'i'; c++ {
			fmt.Fprintf(&b, "%c: &%c [", c, c)
			for k := 0; k < 9; k++ {
				if k > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, "*%c", c-1)
			}
			b.WriteString("]\n")
		}
		b.WriteString(last)
		return b.String()
	}

	t.Run("binary file", func(t *testing.T) {
		root, s, d := loadHostile(t, map[string][]byte{"tasks/T003-logo.md": []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")})
		stillWorks(t, root, s, d)
		ds := diagsIn(t, root, s, d, "tasks/T003-logo.md")
		want1(t, ds, "unreadable", "file holds binary data (NUL bytes); it was skipped", "")
		if len(ds) != 1 {
			t.Errorf("more than the unreadable diagnostic: %+v", ds)
		}
	})

	t.Run("NUL bytes", func(t *testing.T) {
		// in the first 8000 bytes: binary; further on: text, read
		late := "---\nid: T003\ntitle: late NUL\nstatus: pending\ndependencies: [T404]\n---\n" + strings.Repeat("prose ", 1500) + "\x00 T001\n"
		root, s, d := loadHostile(t, map[string][]byte{
			"tasks/T003-late.md":  []byte(late),
			"tasks/T004-early.md": []byte("---\nid: T004\x00\n---\n"),
			"updates/u.json":      []byte("{\"task_id\": \"T001\x00\"}"),
		})
		stillWorks(t, root, s, d)
		want1(t, diagsIn(t, root, s, d, "tasks/T004-early.md"), "unreadable", "file holds binary data (NUL bytes); it was skipped", "")
		want1(t, diagsIn(t, root, s, d, "tasks/T003-late.md"), "unknown-id", "unknown task ID T404", "T404")
		want1(t, diagsIn(t, root, s, d, "updates/u.json"), "unreadable", "file holds binary data (NUL bytes); it was skipped", "")
	})

	t.Run("invalid UTF-8", func(t *testing.T) {
		src := "---\nid: T003\ntitle: \xff\xfe bad\nstatus: pending\n---\n\xe2\x82T771 after a truncated sequence\n"
		root, s, d := loadHostile(t, map[string][]byte{"tasks/T003-bad.md": []byte(src)})
		stillWorks(t, root, s, d)
		ds := diagsIn(t, root, s, d, "tasks/T003-bad.md")
		// yaml.v3 stops at the first line; the fields are salvaged
		want1(t, ds, "yaml-syntax", "invalid YAML in front matter: invalid leading UTF-8 octet", "id: T003")
		// the mention after two invalid bytes is at UTF-16 column 2 (each
		// invalid byte is one U+FFFD)
		if m := want1(t, ds, "unknown-id", "unknown task ID T771", "T771"); m.pos != (text.Pos{Line: 5, Col: 2}) || m.pos != posOf(t, src, "T771") {
			t.Errorf("T771 at %+v, want line 5 column 2", m.pos)
		}
		if len(s.RootOf(root+"/x").Defs.At("T003")) != 1 {
			t.Error("T003 (salvaged from the broken front matter) is not defined")
		}
	})

	t.Run("BOM", func(t *testing.T) {
		src := "\ufeff---\nid: T003\ntitle: BOM\nstatus: pending\ndependencies: [T002, T771]\n---\n"
		root, s, d := loadHostile(t, map[string][]byte{"tasks/T003-bom.md": []byte(src), "manifest.json": []byte("\ufeff" + healthy["manifest.json"])})
		stillWorks(t, root, s, d)
		if m := want1(t, diagsIn(t, root, s, d, "tasks/T003-bom.md"), "unknown-id", "unknown task ID T771", "T771"); m.pos != (text.Pos{Line: 4, Col: 21}) {
			t.Errorf("T771 at %+v", m.pos)
		}
		def := s.RootOf(root + "/x").Defs.At("T003")
		if len(def) != 1 || string(def[0].Doc.Text.Bytes()[def[0].Span.Start:def[0].Span.End]) != "T003" {
			t.Errorf("T003's definition: %+v", def)
		}
	})

	t.Run("CRLF line ends", func(t *testing.T) {
		src := "---\r\nid: T003\r\ntitle: CRLF ✅\r\nstatus: pending\r\ndependencies:\r\n  - T002\r\n  - T771\r\nblocked_by: [T772]\r\n---\r\n\r\n🚀 See T773.\r\n"
		broken := "---\r\nid: T004\r\ntitle: x: y\r\n---\r\n"
		man := strings.ReplaceAll(healthy["manifest.json"], "\n", "\r\n")
		man = strings.Replace(man, `"depends_on": ["T002"]`, `"depends_on": ["T002", "T774"]`, 1)
		root, s, d := loadHostile(t, map[string][]byte{"tasks/T003-crlf.md": []byte(src), "tasks/T004-crlf.md": []byte(broken), "manifest.json": []byte(man)})
		stillWorks(t, root, s, d)
		ds := diagsIn(t, root, s, d, "tasks/T003-crlf.md")
		for _, id := range []string{"T771", "T772"} {
			if m := want1(t, ds, "unknown-id", "unknown task ID "+id, id); m.pos != posOf(t, src, id) {
				t.Errorf("%s at %+v, want %+v", id, m.pos, posOf(t, src, id))
			}
		}
		var sawProse bool
		for _, x := range ds {
			if x.at == "T773" && x.pos == posOf(t, src, "T773") {
				sawProse = true
			}
		}
		if !sawProse {
			t.Errorf("no diagnostic on the prose mention T773 at %+v: %v", posOf(t, src, "T773"), ds)
		}
		// a syntax error's span holds the line without its "\r"
		want1(t, diagsIn(t, root, s, d, "tasks/T004-crlf.md"), "yaml-syntax", "invalid YAML in front matter: mapping values are not allowed in this context", "title: x: y")
		if m := want1(t, diagsIn(t, root, s, d, "manifest.json"), "unknown-id", "unknown task ID T774", "T774"); m.pos != posOf(t, man, "T774") {
			t.Errorf("manifest T774 at %+v, want %+v", m.pos, posOf(t, man, "T774"))
		}
	})

	t.Run("front matter without its closing line", func(t *testing.T) {
		src := "---\nid: T003\ntitle: open\nstatus: pending\ndependencies: [T002, T771]\n\n## Description\nbody\n"
		root, s, d := loadHostile(t, map[string][]byte{"tasks/T003-open.md": []byte(src), "tasks/T004-open.yaml": []byte("---\nid: T004\ntitle: open yaml\n")})
		stillWorks(t, root, s, d)
		ds := diagsIn(t, root, s, d, "tasks/T003-open.md")
		want1(t, ds, "yaml-syntax", "front matter is not closed: add a line `---` after the metadata", "---")
		want1(t, ds, "unknown-id", "unknown task ID T771", "T771")
		// in a .yaml file, "---" opens a YAML document that needs no end
		want1(t, diagsIn(t, root, s, d, "tasks/T004-open.yaml"), "missing-field", "T004 has no status", "T004")
		r := s.RootOf(root + "/x")
		if len(r.Defs.At("T003")) != 1 || len(r.Defs.At("T004")) != 1 {
			t.Errorf("the open files' tasks are not defined: %v", r.IDs)
		}
	})

	t.Run("10000 nested YAML and JSON levels", func(t *testing.T) {
		const n = 10000
		root, s, d := loadHostile(t, map[string][]byte{
			"tasks/T003-flow.md":     []byte("---\nid: T003\ntitle: deep\nstatus: pending\nx: " + strings.Repeat("[", n) + strings.Repeat("]", n) + "\n---\n"),
			"tasks/T004-block.md":    []byte("---\nid: T004\ntitle: deep\nstatus: pending\nx: " + strings.Repeat("- ", n) + "a\n---\n"),
			"tasks/T005-open.yaml":   []byte("id: T005\ntitle: deep\nx: " + strings.Repeat("{a: ", n) + "\n"),
			"tasks/T006-map.yaml":    []byte("id: T006\ntitle: deep\nstatus: pending\nx: " + strings.Repeat("{a: ", n) + "b" + strings.Repeat("}", n) + "\n"),
			"updates/deep.json":      []byte(strings.Repeat(`{"a":`, n) + `"T001"` + strings.Repeat("}", n)),
			"context/deep.md":        []byte(strings.Repeat("> ", n) + "T001\n"),
			"completed/T007-list.md": []byte("---\nid: T007\n---\n" + strings.Repeat("  ", n) + "- T001\n"),
		})
		stillWorks(t, root, s, d)
		want1(t, diagsIn(t, root, s, d, "tasks/T004-block.md"), "yaml-syntax", "invalid YAML in front matter: block sequence entries are not allowed in this context", "x: "+strings.Repeat("- ", n-1)+"- a")
		want1(t, diagsIn(t, root, s, d, "updates/deep.json"), "updates-ref", "invalid JSON: exceeded maximum nesting depth of 512", "*")
		r := s.RootOf(root + "/x")
		for _, id := range []string{"T003", "T004", "T006", "T007"} {
			if len(r.Defs.At(id)) != 1 {
				t.Errorf("%s is not defined", id)
			}
		}
	})

	t.Run("deeply nested manifest", func(t *testing.T) {
		root, s, d := loadHostile(t, map[string][]byte{"manifest.json": []byte(`{"tasks": ` + strings.Repeat("[", 10000))})
		want1(t, diagsIn(t, root, s, d, "manifest.json"), "json-syntax", "invalid JSON: exceeded maximum nesting depth of 512", "[")
		if r := s.RootOf(root + "/x"); len(r.Defs.At("T001")) != 1 || len(r.Defs.At("T002")) != 1 {
			t.Error("the task files are not read while the manifest is broken")
		}
	})

	t.Run("YAML alias bomb", func(t *testing.T) {
		fm := "---\nid: T003\ntitle: lol\nstatus: pending\n" + bomb("dependencies: *i\nblocked_by: [*i, T002]\n") + "---\n"
		root, s, d := loadHostile(t, map[string][]byte{
			"tasks/T003-lol.md":   []byte(fm),
			"tasks/T004-lol.yaml": []byte("id: T004\ntitle: lol\nstatus: pending\n" + bomb("acceptance_criteria: *i\ntest_scenarios: [*i, *h]\nrisks: *i\n")),
			"taskls.yaml":         []byte(bomb("checks: *i\nsections: *i\n")),
		})
		stillWorks(t, root, s, d)
		r := s.RootOf(root + "/x")
		if len(r.Defs.At("T003")) != 1 || len(r.Defs.At("T004")) != 1 {
			t.Errorf("the bombs' tasks are not defined: %v", r.IDs)
		}
		// the aliases are not expanded: a list that is an alias holds no IDs
		// (9^9 of them, unexpanded, would be 387 million)
		if n := len(r.Docs.At(filepath.Join(root, "tasks/T003-lol.md")).Task.Deps()); n != 0 {
			t.Errorf("%d dependencies read through the alias", n)
		}
		if ds := diagsIn(t, root, s, d, "taskls.yaml"); len(ds) == 0 {
			t.Errorf("no config diagnostic for a taskls.yaml that is an alias bomb")
		}
	})

	t.Run("1 MB on one line", func(t *testing.T) {
		mentions := strings.Repeat("word T001 ", 100000) // 1,000,000 bytes, 100,000 mentions
		root, s, d := loadHostile(t, map[string][]byte{
			"tasks/T003-body.md":    []byte("---\nid: T003\ntitle: long body\nstatus: pending\n---\n" + mentions + "T771\n"),
			"tasks/T004-title.md":   []byte("---\nid: T004\ntitle: " + strings.Repeat("a", 1000000) + "\nstatus: pending\ndependencies: [T771]\n---\n"),
			"tasks/T005-huge-fm.md": []byte("---\nid: T005\ntitle: " + strings.Repeat("b", 1<<20) + "\nstatus: pending\ndependencies: [T002]\n---\n"),
			"context/line.md":       []byte(mentions),
			"manifest.json":         []byte(strings.Replace(strings.ReplaceAll(healthy["manifest.json"], "\n", ""), `"title": "A"`, `"title": "`+strings.Repeat("c", 1000000)+`"`, 1)),
		})
		stillWorks(t, root, s, d)
		if m := want1(t, diagsIn(t, root, s, d, "tasks/T003-body.md"), "unknown-id", "unknown task ID T771", "T771"); m.pos != (text.Pos{Line: 5, Col: 1000000}) {
			t.Errorf("T771 at %+v", m.pos)
		}
		if m := want1(t, diagsIn(t, root, s, d, "tasks/T004-title.md"), "unknown-id", "unknown task ID T771", "T771"); m.pos != (text.Pos{Line: 4, Col: 15}) {
			t.Errorf("T771 at %+v", m.pos)
		}
		// too large for the YAML parser: reported, and the fields salvaged
		want1(t, diagsIn(t, root, s, d, "tasks/T005-huge-fm.md"), "yaml-syntax", "the front matter is larger than 1 MiB and was not read", "id: T005")
		if r := s.RootOf(root + "/x"); len(r.Defs.At("T005")) != 1 {
			t.Error("T005 is not defined")
		}
		if r := s.RootOf(root + "/x"); len(r.RefsAt("T001")) < 200000 {
			t.Errorf("%d references to T001, want the 200,000 mentions", len(r.RefsAt("T001")))
		}
	})

	t.Run("empty files", func(t *testing.T) {
		root, s, d := loadHostile(t, map[string][]byte{
			"tasks/T003-empty.md":   {},
			"tasks/T004-empty.yaml": {},
			"updates/empty.json":    {},
			"metrics.json":          {},
			"context/empty.md":      {},
		})
		stillWorks(t, root, s, d)
		want1(t, diagsIn(t, root, s, d, "updates/empty.json"), "updates-ref", "invalid JSON: unexpected end of JSON input", "")
		r := s.RootOf(root + "/x")
		if len(r.Defs.At("T003")) != 0 || len(r.Defs.At("T004")) != 0 {
			t.Error("an empty file defines a task")
		}
		root2, s2, d2 := loadHostile(t, map[string][]byte{"manifest.json": {}, "taskls.yaml": {}})
		want1(t, diagsIn(t, root2, s2, d2, "manifest.json"), "json-syntax", "invalid JSON: unexpected end of JSON input", "")
		if r := s2.RootOf(root2 + "/x"); len(r.Defs.At("T001")) != 1 {
			t.Error("T001 is not defined next to an empty manifest")
		}
	})

	t.Run("lookalike digits and letters", func(t *testing.T) {
		root, s, d := loadHostile(t, map[string][]byte{
			// Arabic-Indic ١ (U+0661) and Cyrillic Т (U+0422)
			"tasks/T012-look.md": []byte("---\nid: T0١2\ntitle: lookalike\nstatus: pending\ndependencies: [Т001, T0١1, T001]\n---\n"),
			// the file name has the lookalike too
			"tasks/T0١3-look.md": []byte("---\nid: T0١3\ntitle: lookalike name\nstatus: pending\ndependencies: [T0١2, T001]\n---\n"),
		})
		stillWorks(t, root, s, d)
		ds := diagsIn(t, root, s, d, "tasks/T012-look.md")
		// one clear diagnostic per lookalike, naming the character (the
		// file name's T012 is what the id folds to: no filename-id besides)
		for _, dg := range ds {
			if dg.check == "filename-id" {
				t.Errorf("filename-id besides lookalike-id: %v", dg)
			}
		}
		want1(t, ds, "lookalike-id", `"T0١2" is not the task ID T012: it contains "١" (U+0661 ARABIC-INDIC DIGIT ONE)`, "T0١2")
		want1(t, ds, "lookalike-id", `"Т001" is not the task ID T001: it contains "Т" (U+0422 CYRILLIC CAPITAL LETTER TE)`, "Т001")
		want1(t, ds, "lookalike-id", `"T0١1" is not the task ID T011: it contains "١" (U+0661 ARABIC-INDIC DIGIT ONE)`, "T0١1")
		r := s.RootOf(root + "/x")
		if len(r.Defs.At("T0١2")) != 1 || len(r.Defs.At("T0١3")) != 1 || len(r.Defs.At("T012")) != 0 {
			t.Errorf("definitions: %v", r.IDs)
		}
		ds3 := diagsIn(t, root, s, d, "tasks/T0١3-look.md")
		want1(t, ds3, "lookalike-id", `the file name starts with "T0١3", which is not the task ID T013: it contains "١" (U+0661 ARABIC-INDIC DIGIT ONE)`, "*")
		want1(t, ds3, "lookalike-id", `"T0١3" is not the task ID T013: it contains "١" (U+0661 ARABIC-INDIC DIGIT ONE)`, "T0١3")
		want1(t, ds3, "lookalike-id", `"T0١2" is not the task ID T012: it contains "١" (U+0661 ARABIC-INDIC DIGIT ONE)`, "T0١2")
		for _, x := range append(ds, ds3...) {
			if x.check == "unknown-id" {
				t.Errorf("a lookalike reported twice: %+v", x)
			}
		}
	})

	t.Run("empty and odd names", func(t *testing.T) {
		root, s, d := loadHostile(t, map[string][]byte{
			"tasks/.md":                []byte("---\nid: T003\n---\n"),
			"tasks/T004 spaced.md":     []byte("---\nid: T004\ntitle: x\nstatus: pending\n---\n"),
			"tasks/T005-ü-名前.md":       []byte("---\nid: T005\ntitle: x\nstatus: pending\n---\n"),
			"tasks/T006-x.MD":          []byte("---\nid: T006\ntitle: x\nstatus: pending\n---\n"),
			"tasks/nested/deeper/x.md": []byte("---\nid: T007\ntitle: x\nstatus: pending\n---\n"),
		})
		stillWorks(t, root, s, d)
		r := s.RootOf(root + "/x")
		for _, id := range []string{"T003", "T004", "T005", "T006", "T007"} {
			if len(r.Defs.At(id)) != 1 {
				t.Errorf("%s is not defined: %v", id, r.IDs)
			}
		}
	})
}

// A file larger than MaxFileSize is skipped with its real size, without
// being read, and keeps no content: before, the message said "16 MiB" for
// any size and the skipped doc kept a 16 MiB buffer alive for as long as
// the snapshot lived (content[:0] of a zeroed buffer), per oversized file.
func TestFileLargerThanLimit(t *testing.T) {
	root, s, d := loadHostile(t, nil)
	p := filepath.Join(root, "tasks", "T003-huge.md")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("---\nid: T003\n---\n")
	if err := f.Truncate(40 << 20); err != nil { // sparse: nothing to write
		t.Fatal(err)
	}
	f.Close()
	big := filepath.Join(root, "tasks", "T004-just-over.md")
	if err := os.WriteFile(big, bytes.Repeat([]byte("x"), workspace.MaxFileSize+1), 0o644); err != nil {
		t.Fatal(err)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	s = workspace.Load([]string{filepath.Dir(root)})
	d = check.Run(s, nil)
	runtime.GC()
	runtime.ReadMemStats(&after)
	stillWorks(t, root, s, d)
	want1(t, diagsIn(t, root, s, d, "tasks/T003-huge.md"), "unreadable", "file is 40.0 MiB, larger than the 16 MiB taskls reads; it was skipped", "")
	want1(t, diagsIn(t, root, s, d, "tasks/T004-just-over.md"), "unreadable", "file is 16.1 MiB, larger than the 16 MiB taskls reads; it was skipped", "")
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 8<<20 {
		t.Errorf("the snapshot keeps %d MiB after loading two skipped files", grew>>20)
	}
	runtime.KeepAlive(s)

	// an open buffer that large (the editor's content, given to Apply)
	content := bytes.Repeat([]byte("y"), workspace.MaxFileSize+1)
	runtime.GC()
	runtime.ReadMemStats(&before)
	next := s.Apply([]workspace.Change{{Path: filepath.Join(root, "tasks", "T005-buffer.md"), Content: content, Version: 3}})
	content = nil
	runtime.GC()
	runtime.ReadMemStats(&after)
	doc := next.Doc(filepath.Join(root, "tasks", "T005-buffer.md"))
	if doc == nil || doc.Skipped() != "file is 16.1 MiB, larger than the 16 MiB taskls reads; it was skipped" || len(doc.Text.Bytes()) != 0 {
		t.Fatalf("the large buffer's doc: %+v", doc)
	}
	if grew := int64(after.HeapInuse) - int64(before.HeapInuse); grew > 8<<20 {
		t.Errorf("the snapshot keeps %d MiB of a skipped buffer", grew>>20)
	}
	runtime.KeepAlive(next)
}
