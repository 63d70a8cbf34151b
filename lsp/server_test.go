package lsp_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/internal/marker"
	"github.com/taskls/taskls/lsp"
	"github.com/taskls/taskls/lsp/lsptest"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// only returns initializationOptions that turn every check off but the
// named ones, so that a test sees only what it is about.
func only(names ...string) map[string]any {
	checks := map[string]any{}
	for _, c := range check.All() {
		checks[c.Name] = "off"
	}
	for _, n := range names {
		checks[n] = check.Lookup(n).Severity.String()
	}
	return map[string]any{"checks": checks}
}

// core is the checks of the core issue: syntax, IDs, cycles, files.
var core = []string{"yaml-syntax", "json-syntax", "unknown-id", "self-dependency", "duplicate-id", "cycle", "missing-file", "filename-id", "unreadable"}

// session starts a server over net.Pipe on dir and initializes it with
// the core checks only.
func session(t *testing.T, dir string, caps map[string]any, opts ...lsptest.Option) *lsptest.Client {
	return sessionWith(t, dir, caps, only(core...), opts...)
}

func sessionWith(t *testing.T, dir string, caps map[string]any, initOpts map[string]any, opts ...lsptest.Option) *lsptest.Client {
	t.Helper()
	srv := lsp.NewServer(nil, "test")
	t.Cleanup(srv.Close)
	c, _ := lsptest.Pipe(t, srv, opts...)
	if caps == nil {
		caps = map[string]any{}
	}
	var res map[string]any
	if err := c.Call("initialize", map[string]any{
		"processId":             nil,
		"rootUri":               uri(dir),
		"capabilities":          caps,
		"initializationOptions": initOpts,
		"workspaceFolders":      []map[string]any{{"uri": uri(dir), "name": filepath.Base(dir)}},
	}, &res); err != nil {
		t.Fatal(err)
	}
	if err := c.Notify("initialized", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	return c
}

func uri(path string) string { return "file://" + filepath.ToSlash(path) }

// pos converts a byte offset of content to an LSP position.
func pos(content []byte, off int) protocol.Position {
	p := text.New(content).Position(off)
	return protocol.Position{Line: uint32(p.Line), Character: uint32(p.Col)}
}

func rng(content []byte, start, end int) protocol.Range {
	return protocol.Range{Start: pos(content, start), End: pos(content, end)}
}

// TestMarkers runs the archives of testdata/ through the whole server:
//
//	//@diag(needle, code, "message")             a published diagnostic
//	//@hover(needle, golden)                     hover text == the archive's @golden file
//	//@def(needle, "file", "target needle")      definition locations, in order (repeat the pair)
//	//@complete(needle, "ID: title", ...)        exact completion labels and details, in order
//
// A needle may mark the exact place with guillemets: "T001, «»]" is the
// position between ", " and "]".
func TestMarkers(t *testing.T) {
	for _, path := range marker.Archives(t, "testdata") {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ts := marker.Load(t, path)
			c := sessionWith(t, ts.Dir, editCaps, only(checksOf(ts)...))
			checkDiagnostics(t, ts, c)
			for _, n := range ts.Notes {
				switch n.Name {
				case "hover":
					testHover(t, ts, c, n)
				case "def":
					testDef(t, ts, c, n)
				case "complete":
					testComplete(t, ts, c, n)
				case "refs":
					testRefs(t, ts, c, n)
				case "rename":
					testRename(t, ts, c, n)
				case "lens":
					testLens(t, ts, c, n)
				case "inlay":
					testInlay(t, ts, c, n)
				case "calls":
					testCalls(t, ts, c, n)
				case "symbols":
					testSymbols(t, ts, c, n)
				case "diag":
				default:
					t.Fatalf("%v: unknown annotation", n)
				}
			}
		})
	}
}

// checksOf reads the archive's "checks: a b c" comment line (the checks it
// is about); without one, the core checks.
func checksOf(ts *marker.Test) []string {
	for _, line := range strings.Split(ts.Comment, "\n") {
		if rest, ok := strings.CutPrefix(line, "checks:"); ok {
			return strings.Fields(rest)
		}
	}
	return core
}

func checkDiagnostics(t *testing.T, ts *marker.Test, c *lsptest.Client) {
	t.Helper()
	want := map[string][]marker.Note{}
	for _, n := range ts.Notes {
		if n.Name == "diag" {
			want[n.File] = append(want[n.File], n)
		}
	}
	names := make([]string, 0, len(ts.Files))
	for name := range ts.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	// files with expected diagnostics first: once they have arrived, the
	// worker has published its first complete round
	sort.SliceStable(names, func(i, j int) bool { return len(want[names[i]]) > len(want[names[j]]) })
	for _, name := range names {
		notes := want[name]
		u := uri(ts.Path(name))
		var got []protocol.Diagnostic
		if len(notes) > 0 {
			var err error
			got, err = c.WaitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return len(ds) == len(notes) })
			if err != nil {
				t.Errorf("%s: %v; last published: %s", name, err, dump(c.Diagnostics(u)))
				continue
			}
		} else {
			got = c.Diagnostics(u)
		}
		claimed := make([]bool, len(got))
		for _, n := range notes {
			start, end := ts.Find(t, n.File, n.Line, n.Args[0].Str)
			r := rng(ts.Files[name], start, end)
			ok := false
			for i, d := range got {
				code := ""
				if d.Code != nil {
					code = fmt.Sprint(d.Code.Value)
				}
				if !claimed[i] && d.Range == r && n.Args[1].Matches(code) && n.Args[2].Matches(d.Message) &&
					d.Source != nil && *d.Source == "taskls" {
					claimed[i], ok = true, true
					break
				}
			}
			if !ok {
				t.Errorf("%v: not published; got %s", n, dump(got))
			}
		}
		for i, d := range got {
			if !claimed[i] {
				t.Errorf("%s: unexpected diagnostic %s", name, dump([]protocol.Diagnostic{d}))
			}
		}
	}
}

func dump(ds []protocol.Diagnostic) string {
	b, _ := json.Marshal(ds)
	return string(b)
}

func position(t *testing.T, ts *marker.Test, n marker.Note) (string, protocol.Position) {
	start, _ := ts.Find(t, n.File, n.Line, n.Args[0].Str)
	return uri(ts.Path(n.File)), pos(ts.Files[n.File], start)
}

func testHover(t *testing.T, ts *marker.Test, c *lsptest.Client, n marker.Note) {
	u, p := position(t, ts, n)
	var h *protocol.Hover
	if err := c.Call("textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": u}, "position": p}, &h); err != nil {
		t.Fatalf("%v: %v", n, err)
	}
	want, ok := ts.Golden[n.Args[1].Ident]
	if !ok {
		t.Fatalf("%v: no golden file @%s", n, n.Args[1].Ident)
	}
	if h == nil {
		t.Errorf("%v: no hover", n)
		return
	}
	mc, _ := json.Marshal(h.Contents)
	var content protocol.MarkupContent
	json.Unmarshal(mc, &content)
	if content.Kind != protocol.MarkupKindMarkdown || content.Value != want {
		t.Errorf("%v: hover (%s):\n%s\nwant:\n%s", n, content.Kind, content.Value, want)
	}
	start, end := ts.Find(t, n.File, n.Line, n.Args[0].Str)
	if h.Range == nil || *h.Range != rng(ts.Files[n.File], start, end) {
		t.Errorf("%v: hover range %v, want the needle's", n, h.Range)
	}
}

func testDef(t *testing.T, ts *marker.Test, c *lsptest.Client, n marker.Note) {
	u, p := position(t, ts, n)
	var locs []protocol.Location
	if err := c.Call("textDocument/definition", map[string]any{"textDocument": map[string]any{"uri": u}, "position": p}, &locs); err != nil {
		t.Fatalf("%v: %v", n, err)
	}
	var want []protocol.Location
	for i := 1; i+1 < len(n.Args); i += 2 {
		file := n.Args[i].Str
		start, end := ts.FindAnywhere(t, file, n.Args[i+1].Str)
		want = append(want, protocol.Location{URI: uri(ts.Path(file)), Range: rng(ts.Files[file], start, end)})
	}
	if fmt.Sprint(locs) != fmt.Sprint(want) {
		t.Errorf("%v: definition\n got %v\nwant %v", n, locs, want)
	}
}

func testComplete(t *testing.T, ts *marker.Test, c *lsptest.Client, n marker.Note) {
	u, p := position(t, ts, n)
	var list protocol.CompletionList
	if err := c.Call("textDocument/completion", map[string]any{"textDocument": map[string]any{"uri": u}, "position": p}, &list); err != nil {
		t.Fatalf("%v: %v", n, err)
	}
	var got, want []string
	for _, it := range list.Items {
		s := it.Label
		if it.Detail != nil {
			s += ": " + *it.Detail
		}
		got = append(got, s)
	}
	for _, a := range n.Args[1:] {
		want = append(want, a.Str)
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%v: completion\n got %q\nwant %q", n, got, want)
	}
}

// posParams is a TextDocumentPositionParams for a needle.
func posParams(t *testing.T, ts *marker.Test, n marker.Note) map[string]any {
	u, p := position(t, ts, n)
	return map[string]any{"textDocument": map[string]any{"uri": u}, "position": p}
}

// where renders a location as "file:line:col" (1-based, UTF-16 columns).
func where(ts *marker.Test, uri string, r protocol.Range) string {
	name := ts.NameOf(strings.TrimPrefix(uri, "file://"))
	return fmt.Sprintf("%s:%d:%d", name, r.Start.Line+1, r.Start.Character+1)
}

// //@refs(needle, "file", "needle in file", ...): references with the
// declaration, in order.
func testRefs(t *testing.T, ts *marker.Test, c *lsptest.Client, n marker.Note) {
	p := posParams(t, ts, n)
	p["context"] = map[string]any{"includeDeclaration": true}
	var locs []protocol.Location
	if err := c.Call("textDocument/references", p, &locs); err != nil {
		t.Fatalf("%v: %v", n, err)
	}
	var got, want []string
	for _, l := range locs {
		got = append(got, where(ts, l.URI, l.Range))
	}
	for i := 1; i+1 < len(n.Args); i += 2 {
		start, end := ts.FindAnywhere(t, n.Args[i].Str, n.Args[i+1].Str)
		r := rng(ts.Files[n.Args[i].Str], start, end)
		want = append(want, where(ts, uri(ts.Path(n.Args[i].Str)), r))
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%v: references\n got %v\nwant %v", n, got, want)
	}
}

// //@rename(needle, "NEW", golden): the WorkspaceEdit, one line per change.
func testRename(t *testing.T, ts *marker.Test, c *lsptest.Client, n marker.Note) {
	p := posParams(t, ts, n)
	var prep map[string]any
	if err := c.Call("textDocument/prepareRename", p, &prep); err != nil {
		t.Fatalf("%v: prepareRename: %v", n, err)
	}
	p["newName"] = n.Args[1].Str
	var raw json.RawMessage
	err := c.Call("textDocument/rename", p, &raw)
	var b strings.Builder
	if err != nil {
		fmt.Fprintf(&b, "error: %v\n", err)
	} else {
		var we struct {
			DocumentChanges []json.RawMessage `json:"documentChanges"`
		}
		json.Unmarshal(raw, &we)
		for _, dc := range we.DocumentChanges {
			var de docEdit
			var rn struct{ Kind, OldURI, NewURI string }
			json.Unmarshal(dc, &rn)
			if rn.Kind == "rename" {
				fmt.Fprintf(&b, "rename %s -> %s\n", ts.NameOf(strings.TrimPrefix(rn.OldURI, "file://")), ts.NameOf(strings.TrimPrefix(rn.NewURI, "file://")))
				continue
			}
			json.Unmarshal(dc, &de)
			for _, e := range de.Edits {
				fmt.Fprintf(&b, "%s %q\n", where(ts, de.TextDocument.URI, e.Range), e.NewText)
			}
		}
	}
	want := ts.Golden[n.Args[2].Ident]
	if b.String() != want {
		t.Errorf("%v: rename:\n%s\nwant:\n%s", n, b.String(), want)
	}
}

// //@lens(needle, "title"): the code lens over the file's task id.
func testLens(t *testing.T, ts *marker.Test, c *lsptest.Client, n marker.Note) {
	var lenses []protocol.CodeLens
	if err := c.Call("textDocument/codeLens", map[string]any{"textDocument": map[string]any{"uri": uri(ts.Path(n.File))}}, &lenses); err != nil {
		t.Fatalf("%v: %v", n, err)
	}
	start, end := ts.Find(t, n.File, n.Line, n.Args[0].Str)
	if len(lenses) != 1 || lenses[0].Command == nil || lenses[0].Command.Title != n.Args[1].Str ||
		lenses[0].Range != rng(ts.Files[n.File], start, end) || lenses[0].Command.Command != "editor.action.showReferences" {
		b, _ := json.Marshal(lenses)
		t.Errorf("%v: code lenses %s", n, b)
	}
}

// //@inlay(needle, "label"): an inlay hint right after the needle.
func testInlay(t *testing.T, ts *marker.Test, c *lsptest.Client, n marker.Note) {
	var hints []struct {
		Position protocol.Position `json:"position"`
		Label    string            `json:"label"`
	}
	whole := protocol.Range{End: protocol.Position{Line: 100000}}
	if err := c.Call("textDocument/inlayHint", map[string]any{"textDocument": map[string]any{"uri": uri(ts.Path(n.File))}, "range": whole}, &hints); err != nil {
		t.Fatalf("%v: %v", n, err)
	}
	_, end := ts.Find(t, n.File, n.Line, n.Args[0].Str)
	at := pos(ts.Files[n.File], end)
	for _, h := range hints {
		if h.Position == at {
			if h.Label != n.Args[1].Str {
				t.Errorf("%v: hint %q", n, h.Label)
			}
			return
		}
	}
	t.Errorf("%v: no hint at %v among %+v", n, at, hints)
}

// //@calls(needle, in|out, "T001", ...): the dependency hierarchy.
func testCalls(t *testing.T, ts *marker.Test, c *lsptest.Client, n marker.Note) {
	var items []json.RawMessage
	if err := c.Call("textDocument/prepareCallHierarchy", posParams(t, ts, n), &items); err != nil || len(items) != 1 {
		t.Fatalf("%v: prepare: %v %s", n, err, items)
	}
	var got []string
	if n.Args[1].Ident == "in" {
		var calls []struct {
			From struct{ Name string } `json:"from"`
		}
		c.Call("callHierarchy/incomingCalls", map[string]any{"item": items[0]}, &calls)
		for _, x := range calls {
			got = append(got, x.From.Name)
		}
	} else {
		var calls []struct {
			To struct{ Name string } `json:"to"`
		}
		c.Call("callHierarchy/outgoingCalls", map[string]any{"item": items[0]}, &calls)
		for _, x := range calls {
			got = append(got, x.To.Name)
		}
	}
	var want []string
	for _, a := range n.Args[2:] {
		want = append(want, a.Str)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("%v: %s calls %v, want %v", n, n.Args[1].Ident, got, want)
	}
}

// //@symbols(golden): the file's outline, indented.
func testSymbols(t *testing.T, ts *marker.Test, c *lsptest.Client, n marker.Note) {
	var syms []protocol.DocumentSymbol
	if err := c.Call("textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": uri(ts.Path(n.File))}}, &syms); err != nil {
		t.Fatalf("%v: %v", n, err)
	}
	var b strings.Builder
	var walk func(list []protocol.DocumentSymbol, depth int)
	walk = func(list []protocol.DocumentSymbol, depth int) {
		for _, s := range list {
			fmt.Fprintf(&b, "%s%s (%d)", strings.Repeat("  ", depth), s.Name, s.Kind)
			if s.Detail != nil && *s.Detail != "" {
				fmt.Fprintf(&b, " %s", *s.Detail)
			}
			b.WriteString("\n")
			walk(s.Children, depth+1)
		}
	}
	walk(syms, 0)
	if want := ts.Golden[n.Args[0].Ident]; b.String() != want {
		t.Errorf("%v: symbols:\n%s\nwant:\n%s", n, b.String(), want)
	}
}
