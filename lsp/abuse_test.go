package lsp_test

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/taskls/taskls/lsp"
	"github.com/taskls/taskls/lsp/lsptest"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// abuseFiles is the workspace of the protocol abuse tests. T002's file ends
// with an ID and no line break, so that a position past the end of it lands
// on that ID; T001's ends with a line break, so that it lands on nothing.
var abuseFiles = map[string]string{
	".tasks/manifest.json":   syncManifest,
	".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: pending\n---\nFirst.\n",
	".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: B\nstatus: pending\ndependencies: [T001]\n---\nAfter T001",
}

// abuseSession starts the real server on a fresh copy of abuseFiles and
// waits for the index (requests wait for it). The server's own log is
// returned with the client.
func abuseSession(t *testing.T) (*lsptest.Client, string, *connLog) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, abuseFiles)
	slog := &connLog{}
	srv := lsp.NewServer(slog, "test")
	t.Cleanup(srv.Close)
	c, _ := lsptest.Pipe(t, srv)
	if err := c.Call("initialize", map[string]any{"rootUri": uri(dir), "capabilities": map[string]any{}, "initializationOptions": only(core...)}, nil); err != nil {
		t.Fatal(err)
	}
	c.Notify("initialized", map[string]any{})
	var syms []protocol.SymbolInformation
	if err := c.Call("workspace/symbol", map[string]any{"query": ""}, &syms); err != nil {
		t.Fatal(err)
	}
	return c, dir, slog
}

// rpcCode returns the JSON-RPC error code of err, or 0.
func rpcCode(err error) int64 {
	var e *jsonrpc2.Error
	if errors.As(err, &e) {
		return e.Code
	}
	return 0
}

// alive states that the server still answers a real request correctly.
func alive(t *testing.T, c *lsptest.Client, dir string) {
	t.Helper()
	var h *protocol.Hover
	err := c.Call("textDocument/hover", map[string]any{
		"textDocument": map[string]any{"uri": uri(filepath.Join(dir, ".tasks/tasks/T002-b.md"))},
		"position":     map[string]any{"line": 4, "character": 16},
	}, &h)
	if err != nil || h == nil || !strings.Contains(fmt.Sprint(h.Contents), "T001") {
		t.Fatalf("the server no longer serves: hover %+v, %v", h, err)
	}
}

// Requests before initialize get -32002 from the real server; notifications
// are dropped (a didOpen before initialize leaves no trace); initialize
// still works afterwards.
func TestAbuseBeforeInitialize(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, abuseFiles)
	srv := lsp.NewServer(nil, "test")
	t.Cleanup(srv.Close)
	c, _ := lsptest.Pipe(t, srv)
	bURI := uri(filepath.Join(dir, ".tasks/tasks/T002-b.md"))
	for _, m := range []string{"textDocument/hover", "textDocument/definition", "textDocument/completion", "workspace/symbol", "shutdown", "taskls/unknown"} {
		err := c.Call(m, map[string]any{"textDocument": map[string]any{"uri": bURI}, "position": map[string]any{"line": 0, "character": 0}}, nil)
		wantConnError(t, err, lsp.CodeServerNotInitialized, "server not initialized: "+m)
	}
	// a buffer opened before initialize is dropped: its (broken) content
	// must not show after the index
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": bURI, "languageId": "markdown", "version": 1, "text": "---\nid: T002\ntitle: [unclosed\n---\n"}})
	if err := c.Call("initialize", map[string]any{"rootUri": uri(dir), "capabilities": map[string]any{}, "initializationOptions": only(core...)}, nil); err != nil {
		t.Fatal(err)
	}
	c.Notify("initialized", map[string]any{})
	alive(t, c, dir)
	if err := settle(t, srv, c); err != nil {
		t.Fatal(err)
	}
	if d := c.Diagnostics(bURI); len(d) != 0 {
		t.Errorf("diagnostics of the dropped didOpen: %s", dump(d))
	}
	if !strings.Contains(c.ServerLog(), "dropped notification textDocument/didOpen received before initialize") {
		t.Errorf("the dropped notification is not logged:\n%s", c.ServerLog())
	}
}

// Unknown methods get -32601, unknown notifications are ignored (logged,
// except for $/ ones), and the server goes on serving.
func TestAbuseUnknownMethods(t *testing.T) {
	c, dir, _ := abuseSession(t)
	for _, m := range []string{"taskls/nonsense", "textDocument/semanticTokens/full", "", "$/unknownRequest", "initialize/again"} {
		wantConnError(t, c.Call(m, map[string]any{}, nil), lsp.CodeMethodNotFound, "method not found: "+m)
	}
	c.Notify("foo/bar", map[string]any{"x": 1})
	c.Notify("$/somethingNew", nil)
	alive(t, c, dir)
	log := c.ServerLog()
	if !strings.Contains(log, "unhandled notification foo/bar") || strings.Contains(log, "$/somethingNew") {
		t.Errorf("log:\n%s", log)
	}
	// a second initialize is not an unknown method but an invalid request
	wantConnError(t, c.Call("initialize", map[string]any{"capabilities": map[string]any{}}, nil), lsp.CodeInvalidRequest, "server already initialized")
}

// Parameters of the wrong type get -32602, and the server keeps serving;
// notifications with wrong parameters are logged and change nothing.
func TestAbuseWrongParams(t *testing.T) {
	c, dir, _ := abuseSession(t)
	bURI := uri(filepath.Join(dir, ".tasks/tasks/T002-b.md"))
	for _, tc := range []struct {
		method string
		params any
	}{
		{"textDocument/hover", map[string]any{"textDocument": 5, "position": map[string]any{"line": 0, "character": 0}}},
		{"textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": bURI}, "position": "here"}},
		{"textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": bURI}, "position": map[string]any{"line": -1, "character": 0}}},
		{"textDocument/definition", map[string]any{"textDocument": map[string]any{"uri": bURI}, "position": map[string]any{"line": 1.5, "character": 0}}},
		{"textDocument/completion", []any{1, 2, 3}},
		{"textDocument/references", "a string"},
		{"textDocument/rename", map[string]any{"textDocument": map[string]any{"uri": bURI}, "position": map[string]any{"line": 4, "character": 16}, "newName": 7}},
		{"textDocument/documentSymbol", map[string]any{"textDocument": map[string]any{"uri": []string{bURI}}}},
		{"workspace/symbol", map[string]any{"query": map[string]any{}}},
		{"workspace/executeCommand", map[string]any{"command": true}},
		{"textDocument/codeAction", map[string]any{"textDocument": map[string]any{"uri": bURI}, "range": 1, "context": map[string]any{}}},
	} {
		err := c.Call(tc.method, tc.params, nil)
		if rpcCode(err) != lsp.CodeInvalidParams || !strings.HasPrefix(err.Error(), "jsonrpc2: code -32602 message: invalid params for "+tc.method+": ") {
			t.Errorf("%s %v: got %v, want -32602 invalid params", tc.method, tc.params, err)
		}
	}
	// notifications: logged, ignored
	before := c.Diagnostics(bURI)
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": bURI, "version": 1, "text": 42}})
	c.Notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": bURI, "version": "two"}, "contentChanges": "x"})
	c.Notify("workspace/didChangeWatchedFiles", map[string]any{"changes": map[string]any{}})
	c.Notify("textDocument/didClose", 17)
	alive(t, c, dir)
	if after := c.Diagnostics(bURI); dump(after) != dump(before) {
		t.Errorf("diagnostics changed after malformed notifications: %s -> %s", dump(before), dump(after))
	}
	if n := strings.Count(c.ServerLog(), "invalid params for"); n != 4 {
		t.Errorf("%d malformed notifications logged, want 4:\n%s", n, c.ServerLog())
	}
}

// A didChange for a document that was never opened is ignored (there is no
// content to apply an edit to); one whose version goes backwards is applied,
// and its diagnostics carry the version they are for.
func TestAbuseDidChange(t *testing.T) {
	c, dir, slog := abuseSession(t)
	aURI := uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))
	bURI := uri(filepath.Join(dir, ".tasks/tasks/T002-b.md"))
	c.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": bURI, "version": 9},
		"contentChanges": []map[string]any{{"text": "---\nid: T002\ndependencies: [T777]\n---\n"}},
	})
	c.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": "file:///nowhere/.tasks/tasks/T1.md", "version": 1},
		"contentChanges": []map[string]any{{"range": map[string]any{"start": map[string]any{"line": 0, "character": 0}, "end": map[string]any{"line": 0, "character": 0}}, "text": "x"}},
	})
	alive(t, c, dir)
	if !strings.Contains(slog.String(), "didChange for "+bURI+", which is not open: ignored") {
		t.Errorf("not logged:\n%s", slog.String())
	}
	if d := c.Diagnostics(bURI); len(d) != 0 {
		t.Errorf("the never-opened document's edit was applied: %s", dump(d))
	}

	// versions going backwards: 5, then 3 (with an unknown ID), then 4
	open := abuseFiles[".tasks/tasks/T001-a.md"]
	c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": aURI, "languageId": "markdown", "version": 5, "text": open}})
	c.Notify("textDocument/didChange", map[string]any{
		"textDocument":   map[string]any{"uri": aURI, "version": 3},
		"contentChanges": []map[string]any{{"range": map[string]any{"start": map[string]any{"line": 5, "character": 0}, "end": map[string]any{"line": 5, "character": 0}}, "text": "See T778.\n"}},
	})
	got, err := c.WaitDiagnostics(aURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Message != "unknown task ID T778" {
		t.Errorf("after the backward version: %s", dump(got))
	}
	if v := lastVersion(t, c, aURI); v != 3 {
		t.Errorf("diagnostics published for version %d, want 3 (the content they are for)", v)
	}
	if !strings.Contains(slog.String(), "goes back from version 5 to 3") {
		t.Errorf("the backward version is not logged:\n%s", slog.String())
	}
	// a range past the end and reversed is clamped and ordered
	c.Notify("textDocument/didChange", map[string]any{
		"textDocument": map[string]any{"uri": aURI, "version": 4},
		"contentChanges": []map[string]any{{"range": map[string]any{"start": map[string]any{"line": 999, "character": 999}, "end": map[string]any{"line": 6, "character": 0}},
			"text": "Also T779.\n"}},
	})
	got, err = c.WaitDiagnostics(aURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 2 })
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(messages(got), "|") != "unknown task ID T778|unknown task ID T779" {
		t.Errorf("after an edit past the end: %s", dump(got))
	}
}

// lastVersion is the version of the last diagnostics published for uri.
func lastVersion(t *testing.T, c *lsptest.Client, u string) int {
	t.Helper()
	all := c.Notifications("textDocument/publishDiagnostics")
	for i := len(all) - 1; i >= 0; i-- {
		var p struct {
			URI     string `json:"uri"`
			Version *int   `json:"version"`
		}
		json.Unmarshal(all[i], &p)
		if p.URI == u {
			if p.Version == nil {
				return -1
			}
			return *p.Version
		}
	}
	return -2
}

// Positions past the end of a line or of the document are clamped: every
// position request gets a valid answer, never an error. Past the end of
// T002's file is right after its last word, T001, so the answers are about
// T001; past the end of T001's file is an empty last line, so there is
// nothing there (and rename, which needs an ID, says so with -32803).
func TestAbusePositionsPastTheEnd(t *testing.T) {
	c, dir, _ := abuseSession(t)
	aURI := uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))
	bURI := uri(filepath.Join(dir, ".tasks/tasks/T002-b.md"))
	// the ID at the end of T002's file: line 6, columns 6-10
	t001 := protocol.Range{Start: protocol.Position{Line: 6, Character: 6}, End: protocol.Position{Line: 6, Character: 10}}
	positions := []map[string]any{
		{"line": 6, "character": 1000},
		{"line": 1000000, "character": 0},
		{"line": 4294967295, "character": 4294967295},
	}
	for _, p := range positions {
		at := map[string]any{"textDocument": map[string]any{"uri": bURI}, "position": p}
		var h *protocol.Hover
		if err := c.Call("textDocument/hover", at, &h); err != nil || h == nil || h.Range == nil || *h.Range != t001 {
			t.Errorf("hover at %v: %+v, %v", p, h, err)
		}
		var defs []protocol.Location
		if err := c.Call("textDocument/definition", at, &defs); err != nil || len(defs) != 1 || defs[0].URI != aURI {
			t.Errorf("definition at %v: %+v, %v", p, defs, err)
		}
		var list protocol.CompletionList
		if err := c.Call("textDocument/completion", at, &list); err != nil {
			t.Errorf("completion at %v: %v", p, err)
		}
		var refs []protocol.Location
		withDecl := map[string]any{"textDocument": at["textDocument"], "position": p, "context": map[string]any{"includeDeclaration": true}}
		if err := c.Call("textDocument/references", withDecl, &refs); err != nil || len(refs) < 2 {
			t.Errorf("references at %v: %+v, %v", p, refs, err)
		}
		var prep map[string]any
		if err := c.Call("textDocument/prepareRename", at, &prep); err != nil || prep["placeholder"] != "T001" {
			t.Errorf("prepareRename at %v: %+v, %v", p, prep, err)
		}
		var edit protocol.WorkspaceEdit
		rn := map[string]any{"textDocument": at["textDocument"], "position": p, "newName": "T009"}
		if err := c.Call("textDocument/rename", rn, &edit); err != nil || len(edit.Changes) == 0 {
			t.Errorf("rename at %v: %+v, %v", p, edit, err)
		}
	}
	for _, p := range positions {
		at := map[string]any{"textDocument": map[string]any{"uri": aURI}, "position": p}
		var h *protocol.Hover
		if err := c.Call("textDocument/hover", at, &h); err != nil || h != nil {
			t.Errorf("hover at %v: %+v, %v", p, h, err)
		}
		var defs []protocol.Location
		if err := c.Call("textDocument/definition", at, &defs); err != nil || len(defs) != 0 {
			t.Errorf("definition at %v: %+v, %v", p, defs, err)
		}
		var list protocol.CompletionList
		if err := c.Call("textDocument/completion", at, &list); err != nil {
			t.Errorf("completion at %v: %v", p, err)
		}
		var refs []protocol.Location
		withDecl := map[string]any{"textDocument": at["textDocument"], "position": p, "context": map[string]any{"includeDeclaration": true}}
		if err := c.Call("textDocument/references", withDecl, &refs); err != nil || len(refs) != 0 {
			t.Errorf("references at %v: %+v, %v", p, refs, err)
		}
		wantConnError(t, c.Call("textDocument/prepareRename", at, nil), lsp.CodeRequestFailed, "there is no task ID here to rename")
		wantConnError(t, c.Call("textDocument/rename", map[string]any{"textDocument": at["textDocument"], "position": p, "newName": "T009"}, nil), lsp.CodeRequestFailed, "there is no task ID here to rename")
	}
	// a document the server does not know: nothing, no error
	unknown := map[string]any{"textDocument": map[string]any{"uri": "file:///nowhere/x.md"}, "position": positions[2]}
	var h *protocol.Hover
	if err := c.Call("textDocument/hover", unknown, &h); err != nil || h != nil {
		t.Errorf("hover on an unknown document: %+v, %v", h, err)
	}
	alive(t, c, dir)
}

// rawServer runs the real server over a net.Pipe and reads everything it
// sends in the background, so that its writes never block.
func rawServer(t *testing.T, dir string) (net.Conn, *connLog, <-chan int, <-chan string) {
	t.Helper()
	srv := lsp.NewServer(nil, "test")
	t.Cleanup(srv.Close)
	client, log, code := connRawServer(t, srv)
	frames := make(chan string, 100)
	go func() {
		r := bufio.NewReader(client)
		for {
			var raw json.RawMessage
			if err := (jsonrpc2.VSCodeObjectCodec{}).ReadObject(r, &raw); err != nil {
				close(frames)
				return
			}
			frames <- string(raw)
		}
	}()
	return client, log, code, frames
}

// waitFrame returns the first frame holding want.
func waitFrame(t *testing.T, frames <-chan string, want string) string {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case f, ok := <-frames:
			if !ok {
				t.Fatalf("the connection ended before a frame with %s", want)
			}
			if strings.Contains(f, want) {
				return f
			}
		case <-timeout:
			t.Fatalf("no frame with %s", want)
		}
	}
}

func initFrames(dir string) string {
	init := fmt.Sprintf(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"rootUri":%q,"capabilities":{}}}`, uri(dir))
	return fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(init), init) +
		"Content-Length: 52\r\n\r\n" + `{"jsonrpc":"2.0","method":"initialized","params":{}}`
}

// Garbage and wrong Content-Length headers, sent to the real server in the
// middle of a session: where the framing is broken the connection is
// unusable, so Serve logs why and returns 1, without a panic and without
// answering the garbage; a whole frame that is not a message is answered
// (id null) and the session ends only when the client goes.
func TestAbuseGarbageOnTheWire(t *testing.T) {
	hover := `{"jsonrpc":"2.0","id":2,"method":"textDocument/hover","params":{"textDocument":{"uri":"file:///x"},"position":{"line":0,"character":0}}}`
	for _, tc := range []struct {
		name, input, log string
		hangup           bool
		mayAnswer        bool // the frame holds a whole request: jsonrpc2 may answer it before the hang-up
	}{
		{"garbage bytes", "\x00\xff\xfe garbage\r\n\r\n", "jsonrpc2: no Content-Length header found", false, false},
		{"binary without line ends", strings.Repeat("\x00\x01\x02", 1000), "connection closed without shutdown", true, false},
		// the 20 bytes are answered -32700 (id null); the rest of the hover
		// is no header: the server waits for one until the client goes
		{"Content-Length too short", fmt.Sprintf("Content-Length: %d\r\n\r\n%s", 20, hover), "connection closed without shutdown", true, false},
		{"Content-Length not a number", "Content-Length: -5\r\n\r\n{}", `cannot read from the client: strconv.ParseUint: parsing "-5": invalid syntax`, false, false},
		{"Content-Length beyond 32 bits", "Content-Length: 99999999999\r\n\r\n{}", `cannot read from the client: strconv.ParseUint: parsing "99999999999": value out of range`, false, false},
		{"Content-Length too long, then the client goes", fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(hover)+500, hover), "cannot read from the client: unexpected EOF", true, false},
		{"a frame cut in the middle", fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(hover), hover[:30]), "cannot read from the client: unexpected EOF", true, false},
		// answered -32600 (id null, see TestBadFrames); the session goes on
		// until the client goes
		{"not JSON-RPC", "Content-Length: 12\r\n\r\n[1, 2, 3, 4]", "connection closed without shutdown", true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, abuseFiles)
			client, log, code, frames := rawServer(t, dir)
			if _, err := io.WriteString(client, initFrames(dir)); err != nil {
				t.Fatal(err)
			}
			waitFrame(t, frames, `"id":1`)
			go func() {
				io.WriteString(client, tc.input)
				if tc.hangup {
					client.Close()
				}
			}()
			if n := connWaitExit(t, code); n != 1 {
				t.Fatalf("exit code %d, want 1", n)
			}
			if !strings.Contains(log.String(), tc.log) {
				t.Fatalf("log lacks %q:\n%s", tc.log, log.String())
			}
			for f := range frames {
				if strings.Contains(f, `"id":2`) && !tc.mayAnswer {
					t.Errorf("the garbage was answered: %s", f)
				}
			}
		})
	}
}

// A client that disappears, while the server is busy publishing or with a
// request half sent, ends the session: Serve returns 1 and the server's
// goroutines stop.
func TestAbuseClientDisappears(t *testing.T) {
	t.Run("after requests", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, abuseFiles)
		srv := lsp.NewServer(nil, "test")
		t.Cleanup(srv.Close)
		c, code := lsptest.Pipe(t, srv)
		if err := c.Call("initialize", map[string]any{"rootUri": uri(dir), "capabilities": map[string]any{}}, nil); err != nil {
			t.Fatal(err)
		}
		c.Notify("initialized", map[string]any{})
		alive(t, c, dir)
		// edits that make the publisher busy, then the client is gone
		for v := 2; v < 20; v++ {
			c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri(filepath.Join(dir, fmt.Sprintf(".tasks/tasks/T1%02d-x.md", v))), "languageId": "markdown", "version": v, "text": fmt.Sprintf("---\nid: T1%02d\ndependencies: [T7%02d]\n---\n", v, v)}})
		}
		c.Close()
		if n := connWaitExit(t, code); n != 1 {
			t.Errorf("exit code %d, want 1", n)
		}
		srv.Close() // returns: the publisher has stopped
	})
	t.Run("in the middle of a frame", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, abuseFiles)
		client, log, code, frames := rawServer(t, dir)
		io.WriteString(client, initFrames(dir))
		waitFrame(t, frames, `"id":1`)
		io.WriteString(client, "Content-Length: 100\r\n\r\n{\"jsonrpc\":\"2.0\",\"id\":3,")
		client.Close()
		if n := connWaitExit(t, code); n != 1 {
			t.Errorf("exit code %d, want 1", n)
		}
		if !strings.Contains(log.String(), "cannot read from the client: unexpected EOF") {
			t.Errorf("log:\n%s", log.String())
		}
	})
	t.Run("after shutdown, without exit", func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir, abuseFiles)
		srv := lsp.NewServer(nil, "test")
		t.Cleanup(srv.Close)
		c, code := lsptest.Pipe(t, srv)
		if err := c.Call("initialize", map[string]any{"rootUri": uri(dir), "capabilities": map[string]any{}}, nil); err != nil {
			t.Fatal(err)
		}
		c.Notify("initialized", map[string]any{})
		if err := c.Call("shutdown", nil, nil); err != nil {
			t.Fatal(err)
		}
		wantConnError(t, c.Call("textDocument/hover", map[string]any{}, nil), lsp.CodeInvalidRequest, "server is shutting down: textDocument/hover")
		c.Close()
		if n := connWaitExit(t, code); n != 0 {
			t.Errorf("exit code %d, want 0 (shutdown was received)", n)
		}
	})
}
