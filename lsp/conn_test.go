package lsp_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"

	"github.com/taskls/taskls/lsp"
	"github.com/taskls/taskls/lsp/lsptest"
)

// connFake is a Dispatcher that records what it is given. initialize, shutdown,
// exit and initialized succeed, test/echo answers its params, handlers
// override any method, everything else is unhandled.
type connFake struct {
	mu       sync.Mutex
	seen     []string
	params   []json.RawMessage
	handlers map[string]func(*glsp.Context) (any, error)
}

func newConnFake(handlers map[string]func(*glsp.Context) (any, error)) *connFake {
	return &connFake{handlers: handlers}
}

func (f *connFake) Dispatch(ctx *glsp.Context) (any, error) {
	f.mu.Lock()
	f.seen = append(f.seen, ctx.Method)
	f.params = append(f.params, ctx.Params)
	fn := f.handlers[ctx.Method]
	f.mu.Unlock()
	if fn != nil {
		return fn(ctx)
	}
	switch ctx.Method {
	case "initialize":
		return map[string]any{"capabilities": map[string]any{}}, nil
	case "initialized", "shutdown", "exit":
		return nil, nil
	case "test/echo":
		return ctx.Params, nil
	}
	return nil, lsp.ErrUnhandled
}

func (f *connFake) methods() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.seen...)
}

func (f *connFake) paramsOf(method string) []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for i, m := range f.seen {
		if m == method {
			out = append(out, string(f.params[i]))
		}
	}
	return out
}

func wantConnError(t *testing.T, err error, code int64, message string) {
	t.Helper()
	var rpcErr *jsonrpc2.Error
	if !errors.As(err, &rpcErr) {
		t.Fatalf("got error %v (%T), want *jsonrpc2.Error %d %q", err, err, code, message)
	}
	if rpcErr.Code != code || rpcErr.Message != message {
		t.Fatalf("got error %d %q, want %d %q", rpcErr.Code, rpcErr.Message, code, message)
	}
}

func connInit(t *testing.T, c *lsptest.Client) {
	t.Helper()
	var res map[string]any
	if err := c.Call("initialize", map[string]any{"capabilities": map[string]any{}}, &res); err != nil {
		t.Fatalf("initialize: %v", err)
	}
	if err := c.Notify("initialized", map[string]any{}); err != nil {
		t.Fatalf("initialized: %v", err)
	}
}

func connEcho(t *testing.T, c *lsptest.Client, v string) {
	t.Helper()
	var got string
	if err := c.Call("test/echo", v, &got); err != nil {
		t.Fatalf("test/echo: %v", err)
	}
	if got != v {
		t.Fatalf("test/echo answered %q, want %q", got, v)
	}
}

func connWaitExit(t *testing.T, code <-chan int) int {
	t.Helper()
	select {
	case n := <-code:
		return n
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return")
		return -1
	}
}

func TestBeforeInitialize(t *testing.T) {
	f := newConnFake(nil)
	c, _ := lsptest.Pipe(t, f)

	err := c.Call("textDocument/hover", map[string]any{}, nil)
	wantConnError(t, err, lsp.CodeServerNotInitialized, "server not initialized: textDocument/hover")
	err = c.Call("shutdown", nil, nil)
	wantConnError(t, err, -32002, "server not initialized: shutdown")
	if err := c.Notify("textDocument/didOpen", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Notify("$/cancelRequest", map[string]any{"id": 1}); err != nil {
		t.Fatal(err)
	}
	connInit(t, c)
	connEcho(t, c, "hello")

	want := []string{"initialize", "initialized", "test/echo"}
	if got := f.methods(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("dispatched %v, want %v", got, want)
	}
	if log := c.ServerLog(); !strings.Contains(log, "lsp: dropped notification textDocument/didOpen received before initialize") {
		t.Fatalf("server log does not mention the dropped notification:\n%s", log)
	}
}

func TestInitializeTwice(t *testing.T) {
	f := newConnFake(nil)
	c, _ := lsptest.Pipe(t, f)
	connInit(t, c)
	err := c.Call("initialize", map[string]any{}, nil)
	wantConnError(t, err, lsp.CodeInvalidRequest, "server already initialized")
	if n := len(f.paramsOf("initialize")); n != 1 {
		t.Fatalf("initialize dispatched %d times, want 1", n)
	}
}

func TestFailedInitializeCanBeRetried(t *testing.T) {
	failures := 1
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"initialize": func(*glsp.Context) (any, error) {
			if failures > 0 {
				failures--
				return nil, lsp.ErrInvalidParams("no root")
			}
			return map[string]any{"capabilities": map[string]any{}}, nil
		},
	})
	c, _ := lsptest.Pipe(t, f)
	err := c.Call("initialize", map[string]any{}, nil)
	wantConnError(t, err, lsp.CodeInvalidParams, "no root")
	err = c.Call("test/echo", "x", nil)
	wantConnError(t, err, -32002, "server not initialized: test/echo")
	connInit(t, c)
	connEcho(t, c, "x")
}

func TestShutdownThenExit(t *testing.T) {
	f := newConnFake(nil)
	c, code := lsptest.Pipe(t, f)
	connInit(t, c)

	var res json.RawMessage
	if err := c.Call("shutdown", nil, &res); err != nil {
		t.Fatal(err)
	}
	if string(res) != "null" {
		t.Fatalf("shutdown answered %s, want null", res)
	}
	err := c.Call("textDocument/hover", map[string]any{}, nil)
	wantConnError(t, err, lsp.CodeInvalidRequest, "server is shutting down: textDocument/hover")
	err = c.Call("shutdown", nil, nil)
	wantConnError(t, err, -32600, "server is shutting down: shutdown")
	err = c.Call("initialize", map[string]any{}, nil)
	wantConnError(t, err, -32600, "server already initialized")
	if err := c.Notify("textDocument/didClose", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	if err := c.Notify("exit", nil); err != nil {
		t.Fatal(err)
	}
	if n := connWaitExit(t, code); n != 0 {
		t.Fatalf("exit code %d, want 0", n)
	}
	want := []string{"initialize", "initialized", "shutdown", "exit"}
	if got := f.methods(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("dispatched %v, want %v", got, want)
	}
	// Params absent from the message reach the dispatcher as null.
	if got := f.paramsOf("shutdown"); len(got) != 1 || got[0] != "null" {
		t.Fatalf("shutdown params %q, want [null]", got)
	}
}

func TestShutdownUnhandledByDispatcher(t *testing.T) {
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"shutdown": func(*glsp.Context) (any, error) { return nil, lsp.ErrUnhandled },
	})
	c, code := lsptest.Pipe(t, f)
	connInit(t, c)
	if err := c.Call("shutdown", nil, nil); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if err := c.Notify("exit", nil); err != nil {
		t.Fatal(err)
	}
	if n := connWaitExit(t, code); n != 0 {
		t.Fatalf("exit code %d, want 0", n)
	}
}

func TestExitWithoutShutdown(t *testing.T) {
	f := newConnFake(nil)
	c, code := lsptest.Pipe(t, f)
	connInit(t, c)
	if err := c.Notify("exit", nil); err != nil {
		t.Fatal(err)
	}
	if n := connWaitExit(t, code); n != 1 {
		t.Fatalf("exit code %d, want 1", n)
	}
	if got := f.methods(); got[len(got)-1] != "exit" {
		t.Fatalf("exit not dispatched: %v", got)
	}
}

func TestExitBeforeInitialize(t *testing.T) {
	f := newConnFake(nil)
	c, code := lsptest.Pipe(t, f)
	if err := c.Notify("exit", nil); err != nil {
		t.Fatal(err)
	}
	if n := connWaitExit(t, code); n != 1 {
		t.Fatalf("exit code %d, want 1", n)
	}
	if got := f.methods(); fmt.Sprint(got) != "[exit]" {
		t.Fatalf("dispatched %v, want [exit]", got)
	}
}

func TestNothingDispatchedAfterExit(t *testing.T) {
	// exit and a request in one write: the request is already buffered when
	// exit closes the connection, and must not reach the dispatcher.
	f := newConnFake(nil)
	client, server := net.Pipe()
	code := make(chan int, 1)
	go func() { code <- lsp.Serve(context.Background(), server, f, io.Discard) }()
	var buf bytes.Buffer
	for _, m := range []string{
		`{"jsonrpc":"2.0","method":"exit"}`,
		`{"jsonrpc":"2.0","id":1,"method":"test/echo","params":"x"}`,
	} {
		fmt.Fprintf(&buf, "Content-Length: %d\r\n\r\n%s", len(m), m)
	}
	go func() { client.Write(buf.Bytes()) }()
	go io.Copy(io.Discard, client)
	if n := connWaitExit(t, code); n != 1 {
		t.Fatalf("exit code %d, want 1", n)
	}
	client.Close()
	if got := f.methods(); fmt.Sprint(got) != "[exit]" {
		t.Fatalf("dispatched %v, want [exit]", got)
	}
}

func TestStreamClosed(t *testing.T) {
	for _, shutdown := range []bool{false, true} {
		t.Run(fmt.Sprint("shutdown=", shutdown), func(t *testing.T) {
			c, code := lsptest.Pipe(t, newConnFake(nil))
			connInit(t, c)
			want := 1
			if shutdown {
				if err := c.Call("shutdown", nil, nil); err != nil {
					t.Fatal(err)
				}
				want = 0
			}
			c.Close()
			if n := connWaitExit(t, code); n != want {
				t.Fatalf("exit code %d, want %d", n, want)
			}
		})
	}
}

func TestContextCancelled(t *testing.T) {
	client, server := net.Pipe()
	defer client.Close()
	ctx, cancel := context.WithCancel(context.Background())
	code := make(chan int, 1)
	go func() { code <- lsp.Serve(ctx, server, newConnFake(nil), io.Discard) }()
	cancel()
	if n := connWaitExit(t, code); n != 1 {
		t.Fatalf("exit code %d, want 1", n)
	}
}

func TestPanicInRequest(t *testing.T) {
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"test/panic": func(*glsp.Context) (any, error) { panic("boom") },
	})
	c, _ := lsptest.Pipe(t, f)
	connInit(t, c)
	err := c.Call("test/panic", nil, nil)
	wantConnError(t, err, lsp.CodeInternalError, "panic in test/panic: boom")
	connEcho(t, c, "still alive")
	if log := c.ServerLog(); !strings.Contains(log, "lsp: panic in test/panic: boom") || !strings.Contains(log, "goroutine") {
		t.Fatalf("server log lacks the panic and its stack:\n%s", log)
	}
}

func TestPanicInInitialize(t *testing.T) {
	panicked := false
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"initialize": func(*glsp.Context) (any, error) {
			if !panicked {
				panicked = true
				panic(errors.New("bad root"))
			}
			return map[string]any{}, nil
		},
	})
	c, _ := lsptest.Pipe(t, f)
	err := c.Call("initialize", map[string]any{}, nil)
	wantConnError(t, err, -32603, "panic in initialize: bad root")
	connInit(t, c)
	connEcho(t, c, "ok")
}

func TestPanicInNotification(t *testing.T) {
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"textDocument/didChange": func(*glsp.Context) (any, error) { panic("kaboom") },
	})
	c, _ := lsptest.Pipe(t, f)
	connInit(t, c)
	if err := c.Notify("textDocument/didChange", map[string]any{}); err != nil {
		t.Fatal(err)
	}
	connEcho(t, c, "still alive")
	if log := c.ServerLog(); !strings.Contains(log, "lsp: panic in textDocument/didChange: kaboom") {
		t.Fatalf("server log lacks the panic:\n%s", log)
	}
}

func TestErrors(t *testing.T) {
	data := json.RawMessage(`{"retry":false}`)
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"test/params": func(*glsp.Context) (any, error) {
			return nil, &jsonrpc2.Error{Code: lsp.CodeInvalidParams, Message: "bad position", Data: &data}
		},
		"test/wrapped": func(*glsp.Context) (any, error) {
			return nil, fmt.Errorf("context: %w", lsp.ErrRequestFailed("not a task"))
		},
		"test/plain": func(*glsp.Context) (any, error) { return nil, errors.New("disk on fire") },
		"test/own404": func(*glsp.Context) (any, error) {
			return nil, lsp.Errorf(lsp.CodeMethodNotFound, "custom text")
		},
		"test/wrappedUnhandled": func(*glsp.Context) (any, error) {
			return nil, fmt.Errorf("not mine: %w", lsp.ErrUnhandled)
		},
		"test/nilRPCError": func(*glsp.Context) (any, error) {
			var e *jsonrpc2.Error
			return "fine", e
		},
		"test/cancelled": func(*glsp.Context) (any, error) { return nil, lsp.ErrRequestCancelled("cancelled") },
		"test/notifErr":  func(*glsp.Context) (any, error) { return nil, errors.New("notification failed") },
	})
	c, _ := lsptest.Pipe(t, f)
	connInit(t, c)

	err := c.Call("test/params", nil, nil)
	wantConnError(t, err, -32602, "bad position")
	var rpcErr *jsonrpc2.Error
	errors.As(err, &rpcErr)
	if rpcErr.Data == nil || string(*rpcErr.Data) != `{"retry":false}` {
		t.Fatalf("error data not passed through: %v", rpcErr.Data)
	}
	wantConnError(t, c.Call("test/wrapped", nil, nil), lsp.CodeRequestFailed, "not a task")
	wantConnError(t, c.Call("test/plain", nil, nil), -32603, "disk on fire")
	wantConnError(t, c.Call("test/unknown", nil, nil), lsp.CodeMethodNotFound, "method not found: test/unknown")
	wantConnError(t, c.Call("test/wrappedUnhandled", nil, nil), -32601, "method not found: test/wrappedUnhandled")
	wantConnError(t, c.Call("test/own404", nil, nil), -32601, "custom text")
	wantConnError(t, c.Call("test/cancelled", nil, nil), lsp.CodeRequestCancelled, "cancelled")
	var s string
	if err := c.Call("test/nilRPCError", nil, &s); err != nil || s != "fine" {
		t.Fatalf("typed nil *jsonrpc2.Error: got %q, %v", s, err)
	}

	// Unhandled notifications: "$/" ones silently, others logged.
	for _, m := range []string{"$/setTrace", "$/progress", "test/unknownNotification", "test/notifErr", "test/own404"} {
		if err := c.Notify(m, map[string]any{}); err != nil {
			t.Fatal(err)
		}
	}
	connEcho(t, c, "sync")
	log := c.ServerLog()
	if strings.Contains(log, "$/") {
		t.Errorf("$/ notifications were logged:\n%s", log)
	}
	for _, want := range []string{
		"lsp: unhandled notification test/unknownNotification",
		"lsp: notification test/notifErr: notification failed",
		"lsp: unhandled notification test/own404",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("server log lacks %q:\n%s", want, log)
		}
	}
}

func TestCancelRequest(t *testing.T) {
	f := newConnFake(nil)
	c, _ := lsptest.Pipe(t, f)
	connInit(t, c)
	connEcho(t, c, "a")
	for _, id := range []any{2, "abc", 999} {
		if err := c.Notify("$/cancelRequest", map[string]any{"id": id}); err != nil {
			t.Fatal(err)
		}
	}
	connEcho(t, c, "b")
	for _, m := range f.methods() {
		if m == "$/cancelRequest" {
			t.Fatal("$/cancelRequest reached the dispatcher")
		}
	}
	if log := c.ServerLog(); log != "" {
		t.Fatalf("server logged:\n%s", log)
	}
}

func TestNotificationsInOrder(t *testing.T) {
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"textDocument/didChange": func(*glsp.Context) (any, error) {
			time.Sleep(time.Millisecond) // an out-of-order dispatcher would show it
			return nil, nil
		},
	})
	c, _ := lsptest.Pipe(t, f)
	connInit(t, c)
	const n = 50
	for i := range n {
		if err := c.Notify("textDocument/didChange", map[string]any{"version": i}); err != nil {
			t.Fatal(err)
		}
	}
	connEcho(t, c, "done")
	got := f.paramsOf("textDocument/didChange")
	if len(got) != n {
		t.Fatalf("%d didChange dispatched before the request, want %d", len(got), n)
	}
	for i, p := range got {
		if want := fmt.Sprintf(`{"version":%d}`, i); p != want {
			t.Fatalf("didChange #%d has params %s, want %s", i, p, want)
		}
	}
}

func TestServerToClientFromGoroutine(t *testing.T) {
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"initialized": func(ctx *glsp.Context) (any, error) {
			go func() {
				var res []string
				ctx.Call("workspace/configuration", map[string]any{
					"items": []map[string]any{{"section": "taskls"}, {"section": "other"}},
				}, &res)
				ctx.Notify("test/answer", res)
			}()
			return nil, nil
		},
	})
	c, _ := lsptest.Pipe(t, f, lsptest.WithRequestHandler("workspace/configuration",
		func(params json.RawMessage) (any, error) { return []string{"one", "two"}, nil }))
	connInit(t, c)
	got, err := c.WaitFor("test/answer", nil, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != `["one","two"]` {
		t.Fatalf("server got %s from the client, want [\"one\",\"two\"]", got)
	}
	reqs := c.ServerRequests("workspace/configuration")
	if len(reqs) != 1 || string(reqs[0]) != `{"items":[{"section":"taskls"},{"section":"other"}]}` {
		t.Fatalf("client recorded %s", reqs)
	}
}

func TestCallOnReadLoopFailsFast(t *testing.T) {
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"test/bad": func(ctx *glsp.Context) (any, error) {
			var res any = "untouched"
			ctx.Call("client/registerCapability", map[string]any{"registrations": []any{}}, &res)
			return res, nil
		},
	})
	c, _ := lsptest.Pipe(t, f)
	connInit(t, c)
	var res string
	if err := c.Call("test/bad", nil, &res); err != nil {
		t.Fatal(err)
	}
	if res != "untouched" {
		t.Fatalf("result %q", res)
	}
	if log := c.ServerLog(); !strings.Contains(log, "lsp: call client/registerCapability: "+lsp.ErrCallOnReadLoop.Error()) {
		t.Fatalf("server log lacks the read-loop warning:\n%s", log)
	}
	if n := len(c.ServerRequests("client/registerCapability")); n != 0 {
		t.Fatalf("request was sent %d times", n)
	}
}

// connLog is a bytes.Buffer safe for concurrent use.
type connLog struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *connLog) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *connLog) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// connDispatcher serves with NewConn/Run so that handlers can use the Conn.
type connDispatcher struct {
	conn     *lsp.Conn
	connFake *connFake
}

func (d *connDispatcher) Dispatch(ctx *glsp.Context) (any, error) { return d.connFake.Dispatch(ctx) }

func TestConnGoCallNotify(t *testing.T) {
	d := &connDispatcher{}
	d.connFake = newConnFake(map[string]func(*glsp.Context) (any, error){
		"test/register": func(*glsp.Context) (any, error) {
			d.conn.Go(func() {
				err := d.conn.Call(d.conn.Context(), "client/registerCapability", map[string]any{"registrations": []any{}}, nil)
				d.conn.Notify("test/registered", fmt.Sprint(err))
				err = d.conn.Call(d.conn.Context(), "test/refused", nil, nil)
				d.conn.Notify("test/refused", err.Error())
			})
			return nil, nil
		},
		"test/goPanic": func(*glsp.Context) (any, error) {
			d.conn.Go(func() { panic("worker died") })
			return nil, nil
		},
	})
	client, server := net.Pipe()
	var log connLog
	d.conn = lsp.NewConn(server, d, &log)
	code := make(chan int, 1)
	go func() { code <- d.conn.Run(context.Background()) }()
	c := lsptest.New(t, client)
	connInit(t, c)
	if err := c.Call("test/register", nil, nil); err != nil {
		t.Fatal(err)
	}
	got, err := c.WaitFor("test/registered", nil, 10*time.Second)
	if err != nil || string(got) != `"\u003cnil\u003e"` {
		t.Fatalf("registered: %s, %v", got, err)
	}
	got, err = c.WaitFor("test/refused", nil, 10*time.Second)
	if err != nil || string(got) != `"jsonrpc2: code -32601 message: method not found: test/refused"` {
		t.Fatalf("refused: %s, %v", got, err)
	}
	if err := c.Call("test/goPanic", nil, nil); err != nil {
		t.Fatal(err)
	}
	connEcho(t, c, "alive")
	c.Close()
	if n := connWaitExit(t, code); n != 1 {
		t.Fatalf("exit code %d", n)
	}
	if !strings.Contains(log.String(), "lsp: panic in goroutine: worker died") {
		t.Fatalf("log lacks the goroutine panic:\n%s", log.String())
	}
	select {
	case <-d.conn.Context().Done():
	default:
		t.Fatal("Context not done after Run returned")
	}
	if err := d.conn.Notify("x", nil); !errors.Is(err, jsonrpc2.ErrClosed) {
		t.Fatalf("Notify after the end: %v, want ErrClosed", err)
	}
}

// connRawServer runs Serve on a net.Pipe and gives the raw client end.
func connRawServer(t *testing.T, d lsp.Dispatcher) (net.Conn, *connLog, <-chan int) {
	t.Helper()
	client, server := net.Pipe()
	log := &connLog{}
	code := make(chan int, 1)
	go func() { code <- lsp.Serve(context.Background(), server, d, log) }()
	t.Cleanup(func() { client.Close() })
	return client, log, code
}

func connWriteFrame(t *testing.T, w io.Writer, body string) {
	t.Helper()
	if _, err := fmt.Fprintf(w, "Content-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		t.Fatal(err)
	}
}

func connReadFrame(t *testing.T, r *bufio.Reader) string {
	t.Helper()
	var raw json.RawMessage
	if err := (jsonrpc2.VSCodeObjectCodec{}).ReadObject(r, &raw); err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

func TestResultsOnTheWire(t *testing.T) {
	f := newConnFake(map[string]func(*glsp.Context) (any, error){
		"test/nil":      func(*glsp.Context) (any, error) { return nil, nil },
		"test/typedNil": func(*glsp.Context) (any, error) { return (*struct{ A int })(nil), nil },
		"test/nilSlice": func(*glsp.Context) (any, error) { return []int(nil), nil },
		"test/nan":      func(*glsp.Context) (any, error) { return math.NaN(), nil },
	})
	client, _, _ := connRawServer(t, f)
	r := bufio.NewReader(client)

	connWriteFrame(t, client, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
	if got, want := connReadFrame(t, r), `{"id":1,"result":{"capabilities":{}},"jsonrpc":"2.0"}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	for i, tc := range []struct{ method, want string }{
		{"test/nil", `"result":null`},
		{"test/typedNil", `"result":null`},
		{"test/nilSlice", `"result":null`},
		{"test/nan", `"error":{"code":-32603,"message":"cannot encode result of test/nan: json: unsupported value: NaN"}`},
	} {
		id := i + 2
		connWriteFrame(t, client, fmt.Sprintf(`{"jsonrpc":"2.0","id":%d,"method":%q}`, id, tc.method))
		want := fmt.Sprintf(`{"id":%d,%s,"jsonrpc":"2.0"}`, id, tc.want)
		if got := connReadFrame(t, r); got != want {
			t.Fatalf("%s: got %s, want %s", tc.method, got, want)
		}
	}
	// String ids are answered with the same string.
	connWriteFrame(t, client, `{"jsonrpc":"2.0","id":"x7","method":"test/nil"}`)
	if got, want := connReadFrame(t, r), `{"id":"x7","result":null,"jsonrpc":"2.0"}`; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestGarbage(t *testing.T) {
	for _, tc := range []struct {
		name, input, log string
		hangup           bool // the server waits for more input: close the stream
	}{
		{"no header", "hello there\r\n\r\n", "lsp: cannot read from the client: jsonrpc2: no Content-Length header found", false},
		{"bad length", "Content-Length: lots\r\n\r\n{}", `lsp: cannot read from the client: strconv.ParseUint: parsing "lots": invalid syntax`, false},
		{"bad line end", "Content-Length: 2\rX\r\n{}", `lsp: cannot read from the client: jsonrpc2: line endings must be \r\n`, false},
		// jsonrpc2 reads header lines up to '\r': without one it waits.
		{"bare newlines", "Content-Length: 2\n\n{}", "lsp: connection closed without shutdown", true},
		{"endless header line", strings.Repeat("x", 5000), "lsp: cannot read from the client: lsp: a header line is longer than 4096 bytes", false},
		{"binary", "\x00\xff\xfe\r\n\x01\r\n\r\n", "lsp: cannot read from the client: jsonrpc2: no Content-Length header found", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newConnFake(nil)
			client, log, code := connRawServer(t, f)
			go func() {
				client.Write([]byte(tc.input))
				if tc.hangup {
					client.Close()
				}
			}()
			go io.Copy(io.Discard, client)
			if n := connWaitExit(t, code); n != 1 {
				t.Fatalf("exit code %d, want 1", n)
			}
			if !strings.Contains(log.String(), tc.log) || tc.hangup == strings.Contains(log.String(), "cannot read from the client") {
				t.Fatalf("log lacks %q:\n%s", tc.log, log.String())
			}
			if got := f.methods(); len(got) != 0 {
				t.Fatalf("dispatched %v", got)
			}
		})
	}
}

// A whole frame whose body is not a message is answered as JSON-RPC says
// (-32700 for invalid JSON, -32600 for JSON of another shape, id null) and
// the session goes on: the framing tells where the next message starts.
func TestBadFrames(t *testing.T) {
	f := newConnFake(nil)
	client, _, code := connRawServer(t, f)
	r := bufio.NewReader(client)
	for _, tc := range []struct{ body, want string }{
		{"hello", `{"error":{"code":-32700,"message":"parse error: invalid character 'h' looking for beginning of value"},"id":null,"jsonrpc":"2.0"}`},
		{`{"jsonrpc":"2.0","id":1,"method":`, `{"error":{"code":-32700,"message":"parse error: unexpected end of JSON input"},"id":null,"jsonrpc":"2.0"}`},
		{"{}", `{"error":{"code":-32600,"message":"invalid request: jsonrpc2: unable to determine message type (request or response)"},"id":null,"jsonrpc":"2.0"}`},
		{"[1, 2]", `{"error":{"code":-32600,"message":"invalid request: json: cannot unmarshal number into Go value of type jsonrpc2.msg"},"id":null,"jsonrpc":"2.0"}`},
	} {
		connWriteFrame(t, client, tc.body)
		if got := connReadFrame(t, r); got != tc.want {
			t.Fatalf("%q: got %s, want %s", tc.body, got, tc.want)
		}
	}
	// and the session goes on
	connWriteFrame(t, client, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
	if got := connReadFrame(t, r); !strings.Contains(got, `"id":1`) || strings.Contains(got, `"error"`) {
		t.Fatalf("initialize after bad frames: %s", got)
	}
	connWriteFrame(t, client, `{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
	connReadFrame(t, r)
	connWriteFrame(t, client, `{"jsonrpc":"2.0","method":"exit"}`)
	if n := connWaitExit(t, code); n != 0 {
		t.Fatalf("exit code %d, want 0", n)
	}
}

func TestGarbageAfterValidMessages(t *testing.T) {
	f := newConnFake(nil)
	client, _, code := connRawServer(t, f)
	r := bufio.NewReader(client)
	connWriteFrame(t, client, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
	connReadFrame(t, r)
	connWriteFrame(t, client, `{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
	connReadFrame(t, r)
	go func() { client.Write([]byte("Content-Length: x\r\n\r\n]")) }()
	// The stream breaks after shutdown: the session ended cleanly.
	if n := connWaitExit(t, code); n != 0 {
		t.Fatalf("exit code %d, want 0", n)
	}
}

// TestOddIDs: request ids that are numbers jsonrpc2 cannot keep (negative,
// fractions, exponents) are answered under the id as sent, and can be
// cancelled; other ids are untouched.
func TestOddIDs(t *testing.T) {
	f := newConnFake(nil)
	client, _, code := connRawServer(t, f)
	r := bufio.NewReader(client)
	connWriteFrame(t, client, `{"jsonrpc":"2.0","id":1,"method":"initialize","params":{}}`)
	connReadFrame(t, r)
	for _, id := range []string{"-7", "1.5", "2e3", "-0", `"x-1"`, "18446744073709551615"} {
		connWriteFrame(t, client, `{"jsonrpc":"2.0","id": `+id+`,"method":"unknown/odd","params":{"id":-3}}`)
		got := connReadFrame(t, r)
		var resp struct {
			ID json.RawMessage `json:"id"`
		}
		if err := json.Unmarshal([]byte(got), &resp); err != nil || string(resp.ID) != id {
			t.Errorf("id %s: answered %s", id, got)
		}
	}
	connWriteFrame(t, client, `{"jsonrpc":"2.0","id":2,"method":"shutdown"}`)
	connReadFrame(t, r)
	connWriteFrame(t, client, `{"jsonrpc":"2.0","method":"exit"}`)
	if n := connWaitExit(t, code); n != 0 {
		t.Fatalf("exit code %d, want 0", n)
	}
}
