package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

func TestCheckText(t *testing.T) {
	dir := exampleWorkspace(t, "unknown-id", "cycle", "missing-file")
	want := `.tasks/manifest.json:3:77: error: dependency cycle: T001 -> T002 -> T001 [cycle]
.tasks/manifest.json:4:91: error: dependency cycle: T002 -> T001 -> T002 [cycle]
.tasks/manifest.json:4:99: error: unknown task ID T099 [unknown-id]
.tasks/manifest.json:5:43: warning: file tasks/T003-gone.md does not exist [missing-file]
.tasks/tasks/T001-a.md:5:16: error: dependency cycle: T001 -> T002 -> T001 [cycle]
.tasks/tasks/T002-b.md:5:16: error: dependency cycle: T002 -> T001 -> T002 [cycle]
.tasks/tasks/T002-b.md:5:22: error: unknown task ID T099 [unknown-id]
`
	for _, args := range [][]string{
		{"check"},
		{"check", "."},
		{"check", "--format", "text", "."},
		{"check", ".", "--format=text"}, // flags after the path
		{"check", "--", "."},
	} {
		code, out, errs := runIn(t, dir, args...)
		if code != 1 || out != want || errs != "" {
			t.Errorf("taskls %s: exit %d, stderr %q, output:\n%s\nwant exit 1 and:\n%s", strings.Join(args, " "), code, errs, out, want)
		}
	}
	// From the parent folder the paths carry the folder's name.
	code, out, _ := runIn(t, filepath.Dir(dir), "check", filepath.Base(dir))
	if first := strings.SplitN(out, "\n", 2)[0]; code != 1 || first != filepath.Base(dir)+"/.tasks/manifest.json:3:77: error: dependency cycle: T001 -> T002 -> T001 [cycle]" {
		t.Errorf("check from the parent: exit %d, first line %q", code, first)
	}
}

func TestCheckJSON(t *testing.T) {
	dir := exampleWorkspace(t, "unknown-id")
	want := `{
  "version": 1,
  "positionEncoding": "utf-16",
  "diagnostics": [
    {
      "path": ".tasks/manifest.json",
      "range": {
        "start": {
          "line": 4,
          "column": 99
        },
        "end": {
          "line": 4,
          "column": 103
        }
      },
      "severity": "error",
      "check": "unknown-id",
      "message": "unknown task ID T099",
      "related": [],
      "fixes": []
    },
    {
      "path": ".tasks/tasks/T002-b.md",
      "range": {
        "start": {
          "line": 5,
          "column": 22
        },
        "end": {
          "line": 5,
          "column": 26
        }
      },
      "severity": "error",
      "check": "unknown-id",
      "message": "unknown task ID T099",
      "related": [],
      "fixes": []
    }
  ]
}
`
	code, out, errs := runIn(t, dir, "check", "--format", "json")
	if code != 1 || out != want || errs != "" {
		t.Errorf("check --format json: exit %d, stderr %q, output:\n%s\nwant exit 1 and:\n%s", code, errs, out, want)
	}

	// Nothing to report is still one document, with an empty list.
	clean := exampleWorkspace(t, "self-dependency")
	code, out, _ = runIn(t, clean, "check", "--format", "json")
	if wantEmpty := "{\n  \"version\": 1,\n  \"positionEncoding\": \"utf-16\",\n  \"diagnostics\": []\n}\n"; code != 0 || out != wantEmpty {
		t.Errorf("clean workspace: exit %d, output:\n%s\nwant exit 0 and:\n%s", code, out, wantEmpty)
	}
}

// fakeDiagnostics builds diagnostics by hand over the example workspace:
// related information in another file and fixes, one of which creates a
// file. Real checks carry few fixes, and their wording changes.
func fakeDiagnostics(t *testing.T, dir string) (*workspace.Snapshot, map[string][]check.Diagnostic) {
	t.Helper()
	snap := workspace.Load([]string{dir})
	manifest := filepath.Join(dir, ".tasks", "manifest.json")
	t2 := filepath.Join(dir, ".tasks", "tasks", "T002-b.md")
	created := filepath.Join(dir, ".tasks", "tasks", "T099-new.md")
	doc := snap.Doc(manifest)
	if doc == nil {
		t.Fatal("the manifest is not in the snapshot")
	}
	m := string(doc.Text.Bytes())
	at := func(s, needle string) text.Span {
		i := strings.Index(s, needle)
		if i < 0 {
			t.Fatalf("no %q", needle)
		}
		return text.Span{Start: i, End: i + len(needle)}
	}
	t2content, _ := os.ReadFile(t2)
	return snap, map[string][]check.Diagnostic{
		manifest: {{
			Path: manifest, Span: at(m, "T099"), Severity: check.Error, Check: "unknown-id",
			Message: "unknown task ID T099",
			Related: []check.Related{{Path: t2, Span: at(string(t2content), "T099"), Message: "also named here"}},
			Fixes: []check.Fix{
				{Title: "Remove T099", Preferred: true, Edits: []check.Edit{
					{Path: manifest, Span: at(m, `, "T099"`), NewText: ""},
					{Path: t2, Span: at(string(t2content), ", T099"), NewText: ""},
				}},
				{Title: "Create T099", Edits: []check.Edit{{Path: created, NewText: "---\nid: T099\n---\n"}}},
			},
		}},
		t2: {{Path: t2, Span: text.Span{Start: 0, End: 3}, Severity: check.Hint, Check: "made-up", Message: "a check not in check.All()"}},
	}
}

func TestJSONRelatedAndFixes(t *testing.T) {
	dir := exampleWorkspace(t)
	t.Chdir(dir)
	snap, diags := fakeDiagnostics(t, dir)
	loc := locator{cwd: dir, snap: snap}
	var out bytes.Buffer
	if err := writeJSON(&out, loc, collect(loc, diags)); err != nil {
		t.Fatal(err)
	}
	want := `{
  "version": 1,
  "positionEncoding": "utf-16",
  "diagnostics": [
    {
      "path": ".tasks/manifest.json",
      "range": {
        "start": {
          "line": 4,
          "column": 99
        },
        "end": {
          "line": 4,
          "column": 103
        }
      },
      "severity": "error",
      "check": "unknown-id",
      "message": "unknown task ID T099",
      "related": [
        {
          "path": ".tasks/tasks/T002-b.md",
          "range": {
            "start": {
              "line": 5,
              "column": 22
            },
            "end": {
              "line": 5,
              "column": 26
            }
          },
          "message": "also named here"
        }
      ],
      "fixes": [
        {
          "title": "Remove T099",
          "preferred": true,
          "edits": [
            {
              "path": ".tasks/manifest.json",
              "range": {
                "start": {
                  "line": 4,
                  "column": 96
                },
                "end": {
                  "line": 4,
                  "column": 104
                }
              },
              "newText": ""
            },
            {
              "path": ".tasks/tasks/T002-b.md",
              "range": {
                "start": {
                  "line": 5,
                  "column": 20
                },
                "end": {
                  "line": 5,
                  "column": 26
                }
              },
              "newText": ""
            }
          ]
        },
        {
          "title": "Create T099",
          "preferred": false,
          "edits": [
            {
              "path": ".tasks/tasks/T099-new.md",
              "range": {
                "start": {
                  "line": 1,
                  "column": 1
                },
                "end": {
                  "line": 1,
                  "column": 1
                }
              },
              "newText": "---\nid: T099\n---\n"
            }
          ]
        }
      ]
    },
    {
      "path": ".tasks/tasks/T002-b.md",
      "range": {
        "start": {
          "line": 1,
          "column": 1
        },
        "end": {
          "line": 1,
          "column": 4
        }
      },
      "severity": "hint",
      "check": "made-up",
      "message": "a check not in check.All()",
      "related": [],
      "fixes": []
    }
  ]
}
`
	if out.String() != want {
		t.Errorf("json output:\n%s\nwant:\n%s", out.String(), want)
	}
}

// Diagnostics come out sorted by printed path, then line and column (not
// byte offset, not the map's order).
func TestCollectOrder(t *testing.T) {
	dir := exampleWorkspace(t)
	snap := workspace.Load([]string{dir})
	m := filepath.Join(dir, ".tasks", "manifest.json")
	t1 := filepath.Join(dir, ".tasks", "tasks", "T001-a.md")
	d := func(path string, start int, name string) check.Diagnostic {
		return check.Diagnostic{Path: path, Span: text.Span{Start: start, End: start}, Severity: check.Warning, Check: name, Message: name}
	}
	items := collect(locator{cwd: dir, snap: snap}, map[string][]check.Diagnostic{
		t1: {d(t1, 10, "c"), d(t1, 0, "b")},
		m:  {d(m, 20, "z"), d(m, 20, "a"), d(m, 5, "y")},
	})
	var got []string
	for _, it := range items {
		got = append(got, it.name+":"+it.diag.Check)
	}
	want := ".tasks/manifest.json:y .tasks/manifest.json:a .tasks/manifest.json:z .tasks/tasks/T001-a.md:b .tasks/tasks/T001-a.md:c"
	if strings.Join(got, " ") != want {
		t.Errorf("order: %s\nwant:  %s", strings.Join(got, " "), want)
	}
}

func TestSeverityExitCodes(t *testing.T) {
	errs := exampleWorkspace(t, "unknown-id", "missing-file") // errors and a warning
	warns := exampleWorkspace(t, "missing-file")              // one warning
	clean := exampleWorkspace(t, "self-dependency")           // nothing
	for _, tc := range []struct {
		dir  string
		args []string
		code int
	}{
		{errs, nil, 1},
		{errs, []string{"--severity", "error"}, 1},
		{errs, []string{"--severity=hint"}, 1},
		{warns, nil, 0},
		{warns, []string{"--severity", "error"}, 0},
		{warns, []string{"--severity", "warning"}, 1},
		{warns, []string{"--severity", "info"}, 1},
		{warns, []string{"--severity", "hint", "--format", "json"}, 1},
		{warns, []string{"--format", "sarif"}, 0},
		{clean, []string{"--severity", "hint"}, 0},
		{clean, []string{"--severity", "fatal"}, 2},
		{clean, []string{"--severity", "off"}, 2},
		{clean, []string{"--format", "xml"}, 2},
		{clean, []string{"--format"}, 2},
		{clean, []string{"--fix=maybe"}, 2},
		{clean, []string{"nope"}, 2},
		{clean, []string{"notes/unrelated.txt"}, 2},
		{clean, []string{".", "-x"}, 2},
	} {
		args := append([]string{"check"}, tc.args...)
		code, out, stderr := runIn(t, tc.dir, args...)
		if code != tc.code {
			t.Errorf("%s: taskls %s: exit %d, want %d (stderr %q)", filepath.Base(tc.dir), strings.Join(args, " "), code, tc.code, stderr)
		}
		if tc.code == 2 && (out != "" || stderr == "") {
			t.Errorf("taskls %s: a usage error prints only to stderr; stdout %q, stderr %q", strings.Join(args, " "), out, stderr)
		}
	}
	// The threshold changes the exit code, never what is listed.
	_, all, _ := runIn(t, errs, "check")
	_, withHint, _ := runIn(t, errs, "check", "--severity", "hint")
	if all != withHint || strings.Count(all, "\n") != 3 {
		t.Errorf("--severity changed the output:\n%s\nvs\n%s", all, withHint)
	}
}

func TestReaches(t *testing.T) {
	items := func(sevs ...check.Severity) []item {
		var out []item
		for _, s := range sevs {
			out = append(out, item{diag: check.Diagnostic{Severity: s}})
		}
		return out
	}
	for _, tc := range []struct {
		items     []item
		threshold check.Severity
		want      bool
	}{
		{items(), check.Hint, false},
		{items(check.Hint), check.Hint, true},
		{items(check.Hint), check.Info, false},
		{items(check.Info, check.Hint), check.Info, true},
		{items(check.Warning), check.Error, false},
		{items(check.Warning), check.Warning, true},
		{items(check.Error), check.Error, true},
		{items(check.Error), check.Hint, true},
	} {
		if got := reaches(tc.items, tc.threshold); got != tc.want {
			t.Errorf("reaches(%v, %s) = %v", tc.items, tc.threshold, got)
		}
	}
}

// The checks command lists check.All() in each format.
func TestChecksCommand(t *testing.T) {
	all := check.All()
	var out, errb bytes.Buffer
	if code := run([]string{"checks"}, nil, &out, &errb); code != 0 {
		t.Fatalf("checks: exit %d, %s", code, errb.String())
	}
	for _, c := range all {
		if !strings.Contains(out.String(), c.Name+" ("+c.Severity.String()+"): "+c.Title+"\n") {
			t.Errorf("checks text lacks %s", c.Name)
		}
	}

	out.Reset()
	if code := run([]string{"checks", "--format", "json"}, nil, &out, &errb); code != 0 {
		t.Fatalf("checks --format json: exit %d", code)
	}
	var doc struct {
		Version int
		Checks  []jsonCheck
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Checks) != len(all) {
		t.Fatalf("checks json: version %d, %d checks, want 1, %d", doc.Version, len(doc.Checks), len(all))
	}
	for i, c := range all {
		if got := doc.Checks[i]; got != (jsonCheck{c.Name, c.Severity.String(), c.Title, c.Doc}) {
			t.Errorf("checks json #%d: %+v", i, got)
		}
	}

	out.Reset()
	if code := run([]string{"checks", "--format=markdown"}, nil, &out, &errb); code != 0 {
		t.Fatalf("checks --format markdown: exit %d", code)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(all)+2 || lines[0] != "| check | default severity | what it reports |" || lines[1] != "| --- | --- | --- |" {
		t.Fatalf("markdown table:\n%s", out.String())
	}
	for i, c := range all {
		if !strings.HasPrefix(lines[i+2], "| `"+c.Name+"` | "+c.Severity.String()+" | ") || strings.Count(lines[i+2], " | ") != 2 {
			t.Errorf("markdown row %d: %q", i, lines[i+2])
		}
	}

	for _, args := range [][]string{{"checks", "--format", "html"}, {"checks", "extra"}, {"checks", "-nope"}} {
		out.Reset()
		if code := run(args, nil, &out, &errb); code != 2 || out.Len() != 0 {
			t.Errorf("taskls %s: exit %d, stdout %q; want 2 and nothing", strings.Join(args, " "), code, out.String())
		}
	}
}

func TestMarkdownCell(t *testing.T) {
	c := &check.Check{Name: "x", Title: "t", Severity: check.Warning, Doc: "A doc\nover  two lines | with a pipe.\n\nAnd a paragraph."}
	var out bytes.Buffer
	writeChecksMarkdown(&out, []*check.Check{c, {Name: "y", Title: "only a title", Severity: check.Hint}})
	want := "| check | default severity | what it reports |\n| --- | --- | --- |\n" +
		"| `x` | warning | A doc over two lines \\| with a pipe. And a paragraph. |\n" +
		"| `y` | hint | only a title |\n"
	if out.String() != want {
		t.Errorf("markdown:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestCamelCase(t *testing.T) {
	for in, want := range map[string]string{"unknown-id": "UnknownId", "cycle": "Cycle", "done-with-open-criteria": "DoneWithOpenCriteria", "a_b": "AB"} {
		if got := camelCase(in); got != want {
			t.Errorf("camelCase(%q) = %q, want %q", in, got, want)
		}
	}
}
