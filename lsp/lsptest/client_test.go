package lsptest_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/taskls/taskls/lsp"
	"github.com/taskls/taskls/lsp/lsptest"
)

// server is a Dispatcher: initialize succeeds, other methods are looked up
// in the map.
type server map[string]func(*glsp.Context) (any, error)

func (s server) Dispatch(ctx *glsp.Context) (any, error) {
	if fn := s[ctx.Method]; fn != nil {
		return fn(ctx)
	}
	if ctx.Method == "initialize" {
		return map[string]any{"capabilities": map[string]any{}}, nil
	}
	return nil, lsp.ErrUnhandled
}

func start(t *testing.T, s server, opts ...lsptest.Option) *lsptest.Client {
	t.Helper()
	c, _ := lsptest.Pipe(t, s, opts...)
	if err := c.Call("initialize", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestNotificationsAndWaitFor(t *testing.T) {
	c := start(t, server{
		"test/emit": func(ctx *glsp.Context) (any, error) {
			var n int
			json.Unmarshal(ctx.Params, &n)
			for i := range n {
				ctx.Notify("test/note", i)
			}
			ctx.Notify("window/logMessage", map[string]any{"type": 3, "message": "hi"})
			return nil, nil
		},
		"test/later": func(ctx *glsp.Context) (any, error) {
			go func() {
				time.Sleep(50 * time.Millisecond)
				ctx.Notify("test/note", 100)
			}()
			return nil, nil
		},
	})
	if err := c.Call("test/emit", 3, nil); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(c.Notifications("test/note")); got != "[[48] [49] [50]]" {
		t.Fatalf("notifications %s", got)
	}
	if got := c.Notifications("nothing"); got != nil {
		t.Fatalf("notifications %s", got)
	}
	// Already received: the first match in arrival order.
	got, err := c.WaitFor("test/note", func(p json.RawMessage) bool { return string(p) != "0" }, time.Second)
	if err != nil || string(got) != "1" {
		t.Fatalf("WaitFor: %s, %v", got, err)
	}
	got, err = c.WaitFor("window/logMessage", nil, time.Second)
	if err != nil || string(got) != `{"message":"hi","type":3}` {
		t.Fatalf("WaitFor: %s, %v", got, err)
	}
	// Not yet received.
	if err := c.Notify("test/later", nil); err != nil {
		t.Fatal(err)
	}
	got, err = c.WaitFor("test/note", func(p json.RawMessage) bool { return string(p) == "100" }, 10*time.Second)
	if err != nil || string(got) != "100" {
		t.Fatalf("WaitFor: %s, %v", got, err)
	}
	// Never received.
	_, err = c.WaitFor("test/note", func(p json.RawMessage) bool { return string(p) == "7" }, 50*time.Millisecond)
	if err == nil || err.Error() != "lsptest: no matching test/note notification within 50ms (4 received)" {
		t.Fatalf("WaitFor: %v", err)
	}
	// The connection ends: fail at once.
	c.Close()
	start := time.Now()
	_, err = c.WaitFor("test/none", nil, 10*time.Second)
	if err == nil || !strings.Contains(err.Error(), "connection ended") || time.Since(start) > 5*time.Second {
		t.Fatalf("WaitFor after Close: %v", err)
	}
}

func publish(ctx *glsp.Context, uri string, diags ...map[string]any) {
	if diags == nil {
		diags = []map[string]any{}
	}
	ctx.Notify("textDocument/publishDiagnostics", map[string]any{"uri": uri, "diagnostics": diags})
}

func diag(line int, code any, msg string) map[string]any {
	d := map[string]any{
		"range":   map[string]any{"start": map[string]any{"line": line, "character": 0}, "end": map[string]any{"line": line, "character": 1}},
		"message": msg,
	}
	if code != nil {
		d["code"] = code
	}
	return d
}

func TestDiagnostics(t *testing.T) {
	const a, b = "file:///w/.tasks/a.md", "file:///w/.tasks/b.md"
	c := start(t, server{
		"test/publish": func(ctx *glsp.Context) (any, error) {
			publish(ctx, a, diag(1, "E1", "first"))
			publish(ctx, b, diag(2, 42, "numbered"), diag(3, nil, "no code"))
			publish(ctx, a, diag(4, "E2", "second"), diag(5, "E3", "third"))
			return nil, nil
		},
		"test/clear": func(ctx *glsp.Context) (any, error) {
			go func() {
				time.Sleep(50 * time.Millisecond)
				publish(ctx, a)
			}()
			return nil, nil
		},
	}, lsptest.WithTimeout(300*time.Millisecond))

	if d := c.Diagnostics(a); d != nil {
		t.Fatalf("before any publish: %v", d)
	}
	if err := c.Call("test/publish", nil, nil); err != nil {
		t.Fatal(err)
	}
	d := c.Diagnostics(a)
	if len(d) != 2 || d[0].Message != "second" || d[1].Message != "third" || d[0].Range.Start.Line != 4 {
		t.Fatalf("diagnostics of a: %+v", d)
	}
	if d[0].Code == nil || d[0].Code.Value != "E2" {
		t.Fatalf("string code lost: %+v", d[0].Code)
	}
	d = c.Diagnostics(b)
	if len(d) != 2 || d[0].Code == nil || d[0].Code.Value != protocol.Integer(42) || d[1].Code != nil {
		t.Fatalf("diagnostics of b: %+v", d)
	}
	if d := c.Diagnostics("file:///elsewhere"); d != nil {
		t.Fatalf("unknown uri: %v", d)
	}

	// Already true.
	d, err := c.WaitDiagnostics(a, func(d []protocol.Diagnostic) bool { return len(d) == 2 })
	if err != nil || len(d) != 2 {
		t.Fatalf("WaitDiagnostics: %v, %v", d, err)
	}
	// Becomes true.
	if err := c.Call("test/clear", nil, nil); err != nil {
		t.Fatal(err)
	}
	d, err = c.WaitDiagnostics(a, func(d []protocol.Diagnostic) bool { return len(d) == 0 })
	if err != nil || d == nil || len(d) != 0 {
		t.Fatalf("WaitDiagnostics: %#v, %v", d, err)
	}
	// Never true: the error shows the last diagnostics.
	_, err = c.WaitDiagnostics(b, func(d []protocol.Diagnostic) bool { return len(d) == 5 })
	if err == nil || !strings.HasPrefix(err.Error(), "lsptest: diagnostics of file:///w/.tasks/b.md not as expected within 300ms; last: [{") ||
		!strings.Contains(err.Error(), `"message":"numbered"`) {
		t.Fatalf("WaitDiagnostics: %v", err)
	}
	// Never published: a nil predicate still needs a publish.
	_, err = c.WaitDiagnostics("file:///never", nil)
	if err == nil || err.Error() != "lsptest: diagnostics of file:///never not as expected within 300ms; last: none published" {
		t.Fatalf("WaitDiagnostics: %v", err)
	}
}

func TestServerRequests(t *testing.T) {
	type answer struct {
		Result json.RawMessage `json:"result"`
		Err    string          `json:"err"`
	}
	ask := func(ctx *glsp.Context, method string, params any) {
		// glsp's Call has no error result: errors leave res empty (sent as
		// null) and are logged.
		var res json.RawMessage
		ctx.Call(method, params, &res)
		ctx.Notify("test/answer", answer{Result: res})
	}
	c := start(t, server{
		"test/ask": func(ctx *glsp.Context) (any, error) {
			go func() {
				ask(ctx, "client/registerCapability", map[string]any{"registrations": []any{}})
				ask(ctx, "client/unregisterCapability", map[string]any{"unregisterations": []any{}})
				ask(ctx, "window/workDoneProgress/create", map[string]any{"token": "t"})
				ask(ctx, "workspace/configuration", map[string]any{"items": []any{map[string]any{}, map[string]any{}, map[string]any{}}})
				ask(ctx, "custom/ok", []int{1, 2})
				ask(ctx, "custom/rpcError", nil)
				ask(ctx, "custom/plainError", nil)
				ask(ctx, "unknown/method", nil)
				ctx.Notify("test/done", nil)
			}()
			return nil, nil
		},
	},
		lsptest.WithRequestHandler("custom/ok", func(p json.RawMessage) (any, error) {
			return map[string]any{"got": p}, nil
		}),
		lsptest.WithRequestHandler("custom/rpcError", func(json.RawMessage) (any, error) {
			return nil, lsp.ErrRequestFailed("refused")
		}),
		lsptest.WithRequestHandler("custom/plainError", func(json.RawMessage) (any, error) {
			return nil, errors.New("plain")
		}),
	)
	if err := c.Call("test/ask", nil, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.WaitFor("test/done", nil, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, a := range c.Notifications("test/answer") {
		var ans answer
		json.Unmarshal(a, &ans)
		got = append(got, string(ans.Result))
	}
	want := []string{"null", "null", "null", "[null,null,null]", `{"got":[1,2]}`, "null", "null", "null"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("answers %q, want %q", got, want)
	}
	if r := c.ServerRequests("workspace/configuration"); len(r) != 1 || string(r[0]) != `{"items":[{},{},{}]}` {
		t.Fatalf("recorded %s", r)
	}
	if r := c.ServerRequests("unknown/method"); len(r) != 1 || string(r[0]) != "null" {
		t.Fatalf("recorded %s", r)
	}
	log := c.ServerLog()
	for _, want := range []string{
		"lsp: call custom/rpcError: jsonrpc2: code -32803 message: refused",
		"lsp: call custom/plainError: jsonrpc2: code -32603 message: plain",
		"lsp: call unknown/method: jsonrpc2: code -32601 message: method not found: unknown/method",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("server log lacks %q:\n%s", want, log)
		}
	}
}

func TestTimeouts(t *testing.T) {
	release := make(chan struct{})
	c, _ := lsptest.Pipe(t, server{
		"test/hang": func(*glsp.Context) (any, error) {
			<-release
			return nil, nil
		},
	}, lsptest.WithTimeout(100*time.Millisecond))
	t.Cleanup(func() { close(release) }) // runs before Pipe's cleanup
	if err := c.Call("initialize", map[string]any{}, nil); err != nil {
		t.Fatal(err)
	}
	err := c.Call("test/hang", nil, nil)
	if err == nil || err.Error() != "lsptest: test/hang: no answer within 100ms" {
		t.Fatalf("Call: %v", err)
	}
	// The server's read loop is stuck, so writes stall on the pipe sooner or
	// later; Notify must give up too.
	big := strings.Repeat("x", 1<<16)
	var nerr error
	for range 10 {
		if nerr = c.Notify("test/big", big); nerr != nil {
			break
		}
	}
	if nerr == nil || nerr.Error() != "lsptest: test/big: no answer within 100ms" {
		t.Fatalf("Notify: %v", nerr)
	}
}

func TestCallReturnsRPCError(t *testing.T) {
	c := start(t, server{})
	err := c.Call("test/missing", nil, nil)
	var rpcErr *jsonrpc2.Error
	if !errors.As(err, &rpcErr) || rpcErr.Code != -32601 || rpcErr.Message != "method not found: test/missing" {
		t.Fatalf("Call: %v", err)
	}
}
