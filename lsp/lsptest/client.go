// Package lsptest is an in-process LSP client for tests of the taskls
// server: it speaks the base protocol over any stream (Pipe wires it to
// lsp.Serve over net.Pipe), records everything the server sends, and answers
// the server's requests.
package lsptest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	protocol "github.com/tliron/glsp/protocol_3_16"

	"github.com/taskls/taskls/lsp"
)

// DefaultTimeout bounds Call, Notify and WaitDiagnostics unless WithTimeout
// says otherwise.
const DefaultTimeout = 10 * time.Second

// message is one message received from the server.
type message struct {
	Method string
	Params json.RawMessage // the JSON literal null when there were none
}

// Option configures a Client.
type Option func(*Client)

// WithRequestHandler answers the server's requests for method with fn
// instead of the default. An error that is a *jsonrpc2.Error is sent as is;
// any other error is sent as -32603 with its text.
//
// Defaults: client/registerCapability, client/unregisterCapability and
// window/workDoneProgress/create answer null; workspace/configuration answers
// an array of as many nulls as items were asked for; anything else gets
// -32601 "method not found: <method>".
func WithRequestHandler(method string, fn func(params json.RawMessage) (any, error)) Option {
	return func(c *Client) { c.handlers[method] = fn }
}

// WithTimeout sets the timeout of Call, Notify and WaitDiagnostics.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) { c.timeout = d }
}

// Client is a test LSP client. Its methods may be called from any goroutine.
type Client struct {
	t        testing.TB
	rpc      *jsonrpc2.Conn
	timeout  time.Duration
	handlers map[string]func(json.RawMessage) (any, error)
	logw     *testLog // the client's own jsonrpc2 log
	server   *testLog // set by Pipe: the server's log

	mu       sync.Mutex
	notes    []message     // notifications, in arrival order
	requests []message     // server->client requests, in arrival order
	changed  chan struct{} // closed and replaced when something arrives
	closed   bool          // connection ended or Close called
	replies  sync.WaitGroup

	closeOnce sync.Once
}

// New connects a client over stream (Content-Length framing). The client is
// closed when the test ends.
func New(t testing.TB, stream io.ReadWriteCloser, opts ...Option) *Client {
	t.Helper()
	c := &Client{
		t:       t,
		timeout: DefaultTimeout,
		handlers: map[string]func(json.RawMessage) (any, error){
			"client/registerCapability":      answerNull,
			"client/unregisterCapability":    answerNull,
			"window/workDoneProgress/create": answerNull,
			"workspace/configuration":        answerConfiguration,
		},
		logw:    newTestLog(t, "lsptest client: "),
		changed: make(chan struct{}),
	}
	for _, opt := range opts {
		opt(c)
	}
	c.rpc = jsonrpc2.NewConn(context.Background(),
		jsonrpc2.NewBufferedStream(stream, jsonrpc2.VSCodeObjectCodec{}),
		clientHandler{c},
		jsonrpc2.SetLogger(log.New(c.logw, "", 0)))
	go func() {
		<-c.rpc.DisconnectNotify()
		c.mu.Lock()
		c.closed = true
		c.broadcastLocked()
		c.mu.Unlock()
	}()
	t.Cleanup(func() {
		c.Close()
		c.logw.stop()
	})
	return c
}

// Pipe runs lsp.Serve(d) on one end of a net.Pipe and a client on the other.
// The channel receives Serve's exit code when it returns. The server's log
// goes to t.Log and to ServerLog. When the test ends the client is closed and
// Serve must return within the client's timeout.
func Pipe(t testing.TB, d lsp.Dispatcher, opts ...Option) (*Client, <-chan int) {
	t.Helper()
	clientEnd, serverEnd := net.Pipe()
	serverLog := newTestLog(t, "server: ")
	code := make(chan int, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		code <- lsp.Serve(context.Background(), serverEnd, d, serverLog)
	}()
	c := New(t, clientEnd, opts...)
	c.server = serverLog
	t.Cleanup(func() {
		c.Close()
		select {
		case <-done:
		case <-time.After(c.timeout):
			t.Errorf("lsptest: Serve did not return within %v of the client closing", c.timeout)
		}
		serverLog.stop()
	})
	return c, code
}

// Call sends a request and decodes the answer into result (if not nil). An
// error answer is returned as a *jsonrpc2.Error. If no answer comes within
// the timeout, Call returns an error.
func (c *Client) Call(method string, params, result any) error {
	return c.withTimeout(method, func(ctx context.Context) error {
		return c.rpc.Call(ctx, method, params, result)
	})
}

// Notify sends a notification; it fails if it cannot be written within the
// timeout (net.Pipe writes wait for the server to read).
func (c *Client) Notify(method string, params any) error {
	return c.withTimeout(method, func(ctx context.Context) error {
		return c.rpc.Notify(ctx, method, params)
	})
}

// withTimeout runs f, giving up after the timeout. jsonrpc2 ignores the
// context while writing, so f runs in its own goroutine; it ends when the
// connection is closed.
func (c *Client) withTimeout(method string, f func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- f(ctx) }()
	select {
	case err := <-done:
		if errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("lsptest: %s: no answer within %v", method, c.timeout)
		}
		return err
	case <-ctx.Done():
		return fmt.Errorf("lsptest: %s: no answer within %v", method, c.timeout)
	}
}

// Notifications returns the params of every notification for method
// received so far, in arrival order.
func (c *Client) Notifications(method string) []json.RawMessage {
	return c.collect(&c.notes, method)
}

// ServerRequests returns the params of every request for method the server
// has sent so far, in arrival order.
func (c *Client) ServerRequests(method string) []json.RawMessage {
	return c.collect(&c.requests, method)
}

func (c *Client) collect(list *[]message, method string) []json.RawMessage {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []json.RawMessage
	for _, m := range *list {
		if m.Method == method {
			out = append(out, m.Params)
		}
	}
	return out
}

// WaitFor returns the params of the first notification for method, already
// received or arriving within timeout, for which pred (nil: any) is true.
// It fails at once when the connection has ended.
func (c *Client) WaitFor(method string, pred func(json.RawMessage) bool, timeout time.Duration) (json.RawMessage, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	seen := 0
	for {
		c.mu.Lock()
		notes, changed, closed := c.notes[seen:], c.changed, c.closed
		c.mu.Unlock()
		// The elements are never modified once appended, so they can be
		// read without the lock (and pred may call back into c).
		for _, m := range notes {
			if m.Method == method && (pred == nil || pred(m.Params)) {
				return m.Params, nil
			}
		}
		seen += len(notes)
		if closed {
			return nil, fmt.Errorf("lsptest: connection ended before a matching %s notification", method)
		}
		select {
		case <-changed:
		case <-timer.C:
			return nil, fmt.Errorf("lsptest: no matching %s notification within %v (%d received)", method, timeout, len(c.Notifications(method)))
		}
	}
}

const publishDiagnostics = "textDocument/publishDiagnostics"

// Diagnostics returns the diagnostics of the last publishDiagnostics for uri
// (empty, not nil, if that cleared them), or nil if none was received.
func (c *Client) Diagnostics(uri string) []protocol.Diagnostic {
	d, _ := c.lastDiagnostics(uri)
	return d
}

func (c *Client) lastDiagnostics(uri string) ([]protocol.Diagnostic, bool) {
	all := c.Notifications(publishDiagnostics)
	for i := len(all) - 1; i >= 0; i-- {
		p, err := decodePublish(all[i])
		if err != nil {
			c.t.Errorf("lsptest: bad %s params %s: %v", publishDiagnostics, all[i], err)
			continue
		}
		if p.URI == uri {
			if p.Diagnostics == nil {
				p.Diagnostics = []protocol.Diagnostic{}
			}
			return p.Diagnostics, true
		}
	}
	return nil, false
}

// WaitDiagnostics waits, up to the timeout, until diagnostics have been
// published for uri and the last ones satisfy pred (nil: any), and returns
// them.
func (c *Client) WaitDiagnostics(uri string, pred func([]protocol.Diagnostic) bool) ([]protocol.Diagnostic, error) {
	timer := time.NewTimer(c.timeout)
	defer timer.Stop()
	for {
		c.mu.Lock()
		changed, closed := c.changed, c.closed
		c.mu.Unlock()
		d, ok := c.lastDiagnostics(uri)
		if ok && (pred == nil || pred(d)) {
			return d, nil
		}
		last := "none published"
		if ok {
			b, _ := json.Marshal(d)
			last = string(b)
		}
		if closed {
			return d, fmt.Errorf("lsptest: connection ended while waiting for diagnostics of %s; last: %s", uri, last)
		}
		select {
		case <-changed:
		case <-timer.C:
			return d, fmt.Errorf("lsptest: diagnostics of %s not as expected within %v; last: %s", uri, c.timeout, last)
		}
	}
}

// ServerLog returns what the server logged so far (Pipe only; "" otherwise).
func (c *Client) ServerLog() string {
	if c.server == nil {
		return ""
	}
	return c.server.String()
}

// Close closes the connection and waits for the answers to server requests
// that are being sent. It may be called more than once.
func (c *Client) Close() {
	c.closeOnce.Do(func() {
		c.mu.Lock()
		c.closed = true
		c.broadcastLocked()
		c.mu.Unlock()
		c.rpc.Close()
		c.replies.Wait()
	})
}

func (c *Client) broadcastLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// clientHandler records what the server sends. It runs on the client's read
// loop and never writes there: answers go out from their own goroutine, so
// the two read loops cannot block each other on the synchronous net.Pipe.
type clientHandler struct{ c *Client }

func (h clientHandler) Handle(ctx context.Context, rpc *jsonrpc2.Conn, req *jsonrpc2.Request) {
	c := h.c
	m := message{Method: req.Method, Params: json.RawMessage("null")}
	if req.Params != nil {
		m.Params = append(json.RawMessage(nil), *req.Params...)
	}
	c.mu.Lock()
	if req.Notif {
		c.notes = append(c.notes, m)
	} else {
		c.requests = append(c.requests, m)
	}
	c.broadcastLocked()
	closed := c.closed
	if !req.Notif && !closed {
		c.replies.Add(1)
	}
	c.mu.Unlock()
	if req.Notif || closed {
		return
	}
	fn := c.handlers[req.Method]
	go func() {
		defer c.replies.Done()
		if fn == nil {
			rpc.ReplyWithError(ctx, req.ID, lsp.ErrMethodNotFound(req.Method))
			return
		}
		result, err := fn(m.Params)
		var rpcErr *jsonrpc2.Error
		switch {
		case err == nil:
			rpc.Reply(ctx, req.ID, result)
		case errors.As(err, &rpcErr):
			rpc.ReplyWithError(ctx, req.ID, rpcErr)
		default:
			rpc.ReplyWithError(ctx, req.ID, lsp.ErrInternal("%s", err.Error()))
		}
	}()
}

func answerNull(json.RawMessage) (any, error) { return nil, nil }

func answerConfiguration(params json.RawMessage) (any, error) {
	var p protocol.ConfigurationParams
	if err := json.Unmarshal(params, &p); err != nil {
		return nil, lsp.ErrInvalidParams("%v", err)
	}
	return make([]any, len(p.Items)), nil
}

// decodePublish decodes publishDiagnostics params. glsp's IntegerOrString
// has a value-receiver UnmarshalJSON, so Diagnostic.Code comes out empty;
// the codes are filled in here from the raw JSON.
func decodePublish(raw json.RawMessage) (*protocol.PublishDiagnosticsParams, error) {
	var p protocol.PublishDiagnosticsParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	var codes struct {
		Diagnostics []struct {
			Code json.RawMessage `json:"code"`
		} `json:"diagnostics"`
	}
	if err := json.Unmarshal(raw, &codes); err != nil {
		return nil, err
	}
	for i, d := range codes.Diagnostics {
		if i >= len(p.Diagnostics) || len(d.Code) == 0 || string(d.Code) == "null" {
			continue
		}
		var n protocol.Integer
		var s string
		switch {
		case json.Unmarshal(d.Code, &n) == nil:
			p.Diagnostics[i].Code = &protocol.IntegerOrString{Value: n}
		case json.Unmarshal(d.Code, &s) == nil:
			p.Diagnostics[i].Code = &protocol.IntegerOrString{Value: s}
		}
	}
	return &p, nil
}

// testLog forwards lines to t.Log until stop and keeps a copy.
type testLog struct {
	mu      sync.Mutex
	t       testing.TB
	prefix  string
	buf     bytes.Buffer
	stopped bool
}

func newTestLog(t testing.TB, prefix string) *testLog { return &testLog{t: t, prefix: prefix} }

func (w *testLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Write(p)
	if !w.stopped {
		w.t.Log(w.prefix + strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testLog) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// stop ends forwarding to t.Log, which must not be used after the test.
func (w *testLog) stop() {
	w.mu.Lock()
	w.stopped = true
	w.mu.Unlock()
}
