// Package lsp is the taskls language server. This file is its connection
// layer: LSP base-protocol framing, the initialize/shutdown/exit lifecycle,
// requests answered off the read loop and their cancellation
// ($/cancelRequest), back-pressure on a client that does not read, panic
// recovery and error codes. The server proper is a Dispatcher (and a
// Preparer).
//
// Messages are read one at a time by a single read loop. Notifications are
// handled on it, in order. A request is handled on it too unless the
// Dispatcher is a Preparer: then only Prepare runs on the read loop, and
// the work it returns runs in its own goroutine, where $/cancelRequest can
// reach it; answers may then go out in another order than the requests came
// in, as JSON-RPC allows. At most MaxInFlight requests are being handled at
// once: with that many unanswered (because they are slow, or because the
// client does not read what is written to it and writes block), the read
// loop stops reading until one is answered, so a client that never reads
// makes the server wait, never grow.
package lsp

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"reflect"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"
)

// Dispatcher is what the server implements. Dispatch is called on the read
// loop, one message at a time, in the order the client sent them, so
// notifications such as textDocument/didChange are applied in order and a
// request sees the effect of every notification sent before it. A request
// handled by Dispatch holds up the read loop until it returns; a Dispatcher
// that is also a Preparer has requests handled off the read loop instead
// (see Preparer).
//
// ctx.Method is the method, ctx.Params the raw JSON params (the JSON literal
// null when the message has none). ctx.Notify and ctx.Call send to the client;
// they are bound to the connection, not to the message, so they may be kept
// and used from any goroutine for as long as the connection lives. Errors from
// them are logged (glsp's function types have no error result); use
// (*Conn).Notify and (*Conn).Call to see them.
//
// ctx.Call must never be invoked on the read loop itself, that is from inside
// Dispatch or Prepare: the answer can only be read by the loop that is
// waiting for it. Run server->client requests (workspace/configuration,
// client/registerCapability, ...) in their own goroutine, for instance with
// (*Conn).Go. A Call made on the read loop fails at once with
// ErrCallOnReadLoop (and is logged) instead of hanging. Nor should the work
// a Preparer returns wait for a Call: with MaxInFlight of them waiting, the
// read loop, which alone reads the answers, would wait for a free slot.
//
// For a request, the result is sent to the client (nil is sent as the JSON
// result null). For a notification it is ignored. Errors: ErrUnhandled (or an
// error wrapping it) means "not mine" and becomes -32601 "method not found:
// <method>" for a request; it is ignored silently for a notification whose
// method starts with "$/" and logged for any other notification. An error
// that is or wraps a *jsonrpc2.Error is sent unchanged (code, message and
// data). Any other error becomes -32603 with err.Error() as message.
// Notification errors are logged.
//
// initialize, shutdown and exit reach Dispatch; the lifecycle rules (see
// Serve) are enforced before it is called.
type Dispatcher interface {
	Dispatch(ctx *glsp.Context) (result any, err error)
}

// Preparer is an optional interface of a Dispatcher, for requests that
// should not hold up the read loop: slow ones, ones that wait for something,
// and any that the client may want to cancel.
//
// Prepare is called on the read loop, in order with the notifications, for
// every request but initialize and shutdown (which always go to Dispatch),
// once the lifecycle rules allow it. It takes what the request needs from
// the state the notifications before it have built (a snapshot, say) and
// returns run, which the connection then calls in a goroutine of its own;
// the read loop goes on reading meanwhile. ctx is as for Dispatch, and stays
// valid while run runs.
//
// run's context is cancelled when the client cancels the request with
// $/cancelRequest and when the connection ends; run should give up early
// then (returning ctx.Err() or anything else: its answer is not sent). A
// request cancelled before it is answered gets -32800 RequestCancelled at
// once, even if run has not returned yet, and never another answer; run's
// result and error are otherwise sent as Dispatch's are (an error that is
// or wraps context.Canceled as -32800). A cancellation for a request that
// is not running (answered, unknown) does nothing.
//
// An error from Prepare answers the request at once without calling run
// (ErrUnhandled gives -32601, as from Dispatch). When Prepare returns a nil
// run and no error, the request goes to Dispatch, on the read loop, as if
// there were no Preparer. Panics in Prepare and in run are recovered and
// answered -32603, as in Dispatch.
//
// The goroutine running run holds one of MaxInFlight slots until run
// returns, even when the request was answered as cancelled: a run that
// ignores its context keeps its slot.
type Preparer interface {
	Prepare(ctx *glsp.Context) (run func(context.Context) (any, error), err error)
}

// MaxInFlight is how many requests are handled at once at most (see the
// package comment). The read loop waits for a free slot before it reads on.
const MaxInFlight = 64

// ErrUnhandled is returned by a Dispatcher for a method it does not implement.
var ErrUnhandled = errors.New("lsp: method not handled")

// ErrCallOnReadLoop is returned by (*Conn).Call, and logged by glsp.Context's
// Call, when a server->client request is made from inside Dispatch or
// Prepare, where waiting for the answer would deadlock the connection.
var ErrCallOnReadLoop = errors.New("lsp: server->client request made on the read loop (it would deadlock); make it from another goroutine")

// Error codes of JSON-RPC and LSP.
const (
	CodeParseError           = -32700
	CodeInvalidRequest       = -32600
	CodeMethodNotFound       = -32601
	CodeInvalidParams        = -32602
	CodeInternalError        = -32603
	CodeServerNotInitialized = -32002
	CodeRequestFailed        = -32803 // LSP 3.17
	CodeContentModified      = -32801
	CodeRequestCancelled     = -32800
)

// Errorf builds a *jsonrpc2.Error with the given code; it is sent to the
// client unchanged when a Dispatcher returns it.
func Errorf(code int64, format string, args ...any) *jsonrpc2.Error {
	return &jsonrpc2.Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrMethodNotFound is -32601 "method not found: <method>".
func ErrMethodNotFound(method string) *jsonrpc2.Error {
	return Errorf(CodeMethodNotFound, "method not found: %s", method)
}

// ErrNotInitialized is -32002 "server not initialized: <method>".
func ErrNotInitialized(method string) *jsonrpc2.Error {
	return Errorf(CodeServerNotInitialized, "server not initialized: %s", method)
}

// ErrInvalidParams is -32602 with a formatted message.
func ErrInvalidParams(format string, args ...any) *jsonrpc2.Error {
	return Errorf(CodeInvalidParams, format, args...)
}

// ErrInvalidRequest is -32600 with a formatted message.
func ErrInvalidRequest(format string, args ...any) *jsonrpc2.Error {
	return Errorf(CodeInvalidRequest, format, args...)
}

// ErrInternal is -32603 with a formatted message.
func ErrInternal(format string, args ...any) *jsonrpc2.Error {
	return Errorf(CodeInternalError, format, args...)
}

// ErrRequestCancelled is -32800 with a formatted message.
func ErrRequestCancelled(format string, args ...any) *jsonrpc2.Error {
	return Errorf(CodeRequestCancelled, format, args...)
}

// ErrRequestFailed is -32803 (a valid request that could not be carried out)
// with a formatted message.
func ErrRequestFailed(format string, args ...any) *jsonrpc2.Error {
	return Errorf(CodeRequestFailed, format, args...)
}

// Lifecycle states.
const (
	connWaiting  = iota // waiting for initialize
	connRunning         // initialize answered successfully
	connShutdown        // shutdown received
)

// goroutineWait bounds how long Run waits for goroutines started with Go.
var goroutineWait = time.Second

// Conn is one client connection. Create it with NewConn and start it with
// Run, or use Serve for both.
type Conn struct {
	stream io.ReadWriteCloser
	d      Dispatcher
	log    *log.Logger

	ctx    context.Context // cancelled when the connection ends
	cancel context.CancelFunc

	ready   chan struct{} // closed once rpc is set
	rpc     *jsonrpc2.Conn
	started atomic.Bool
	loopID  atomic.Uint64 // goroutine running the read loop

	notify glsp.NotifyFunc
	call   glsp.CallFunc

	// mu is held while a message is handled; the fields below it are only
	// touched with mu held.
	mu       sync.Mutex
	state    int
	exited   bool // exit received
	stopped  bool // no more messages are dispatched
	exitCode int

	goMu     sync.Mutex
	goClosed bool
	goWG     sync.WaitGroup

	// slots holds a token for every request being handled (MaxInFlight).
	slots chan struct{}

	flightMu sync.Mutex
	flights  map[jsonrpc2.ID]*flight // requests running off the read loop
}

// flight is a request running off the read loop.
type flight struct {
	cancel    context.CancelFunc
	byClient  atomic.Bool // cancelled with $/cancelRequest
	answered  atomic.Bool // its one answer has been claimed
	cancelled chan struct{}
}

// NewConn prepares a connection serving d over stream (LSP base protocol:
// Content-Length framed JSON-RPC). Diagnostics go to logw (nil discards
// them); nothing but protocol messages is written to stream.
func NewConn(stream io.ReadWriteCloser, d Dispatcher, logw io.Writer) *Conn {
	if logw == nil {
		logw = io.Discard
	}
	c := &Conn{
		stream:  stream,
		d:       d,
		log:     log.New(logw, "", log.LstdFlags),
		ready:   make(chan struct{}),
		slots:   make(chan struct{}, MaxInFlight),
		flights: map[jsonrpc2.ID]*flight{},
	}
	c.ctx, c.cancel = context.WithCancel(context.Background())
	c.notify = func(method string, params any) {
		if err := c.Notify(method, params); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
			c.log.Printf("lsp: notify %s: %v", method, err)
		}
	}
	c.call = func(method string, params, result any) {
		if err := c.Call(c.ctx, method, params, result); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
			c.log.Printf("lsp: call %s: %v", method, err)
		}
	}
	return c
}

// Serve serves d over stream until the client sends exit, the stream ends
// or ctx is cancelled, and returns the process exit code: 0 if shutdown was
// received, 1 otherwise. It is NewConn(stream, d, logw).Run(ctx).
//
// Lifecycle: before initialize, every request but initialize gets -32002 and
// every notification but exit is dropped; a second initialize gets -32600; a
// failed initialize (error or panic) can be retried. After shutdown every
// request gets -32600 and notifications other than exit are dropped. exit
// ends Serve after Dispatch has seen it; requests still running are then
// cancelled and left unanswered. $/cancelRequest is consumed here, never
// dispatched: it cancels the request with that id if it is running off the
// read loop (see Preparer), which is answered -32800; for any other id
// (answered, unknown, handled on the read loop and so answered already) it
// does nothing.
//
// A panic in Dispatch, Prepare or the work Prepare returns is recovered: a
// request gets -32603 "panic in <method>: <value>", a notification's panic
// is logged, and serving goes on.
//
// Garbage on the stream (a bad header, a body that is not a JSON-RPC message)
// makes the connection unusable: it is logged and Serve returns 1.
func Serve(ctx context.Context, stream io.ReadWriteCloser, d Dispatcher, logw io.Writer) (exitCode int) {
	return NewConn(stream, d, logw).Run(ctx)
}

// Run serves the connection; see Serve. It may be called once. When it
// returns, Dispatch and Prepare are no longer called, Context is done (so
// the contexts of running requests are cancelled) and goroutines started
// with Go and requests running off the read loop have returned (Run waits
// for them for a short while only).
func (c *Conn) Run(ctx context.Context) (exitCode int) {
	if !c.started.CompareAndSwap(false, true) {
		panic("lsp: Conn.Run called twice")
	}
	stop := context.AfterFunc(ctx, c.cancel)
	defer stop()

	stream := &readStream{ObjectStream: jsonrpc2.NewBufferedStream(c.stream, frameCodec{})}
	c.rpc = jsonrpc2.NewConn(c.ctx, stream, rpcHandler{c}, jsonrpc2.SetLogger(rpcLogger{c.log}))
	close(c.ready)

	<-c.rpc.DisconnectNotify()
	readErr := stream.err() // set before the disconnect, if it caused it

	// Wait for a message being handled, and dispatch nothing after it (the
	// buffered reader may still hold messages read before the close).
	c.mu.Lock()
	c.stopped = true
	switch {
	case c.exited:
		exitCode = c.exitCode
	case c.state == connShutdown:
		exitCode = 0
	default:
		exitCode = 1
	}
	switch {
	case c.exited || ctx.Err() != nil:
	case readErr != nil && readErr != io.EOF:
		c.log.Printf("lsp: cannot read from the client: %v", readErr)
	case c.state != connShutdown:
		c.log.Printf("lsp: connection closed without shutdown")
	}
	c.mu.Unlock()

	c.cancel()
	c.waitGoroutines()
	return exitCode
}

// Context is done when the connection has ended (or the context given to Run
// is cancelled). Long-lived goroutines of the server should stop then.
func (c *Conn) Context() context.Context { return c.ctx }

// Notify sends a notification to the client. It may be called from any
// goroutine, including the read loop. After the connection has ended it
// returns jsonrpc2.ErrClosed.
func (c *Conn) Notify(method string, params any) error {
	select {
	case <-c.ready:
	default:
		return errors.New("lsp: connection not running")
	}
	return c.rpc.Notify(c.ctx, method, params)
}

// Call sends a request to the client and waits for its answer, which is
// decoded into result (if not nil). It must not be called on the read loop
// (from inside Dispatch or Prepare): it then returns ErrCallOnReadLoop at
// once. An error answer from the client is returned as a *jsonrpc2.Error;
// when the connection ends, jsonrpc2.ErrClosed.
func (c *Conn) Call(ctx context.Context, method string, params, result any) error {
	select {
	case <-c.ready:
	default:
		return errors.New("lsp: connection not running")
	}
	if id := c.loopID.Load(); id != 0 && id == goroutineID() {
		c.log.Printf("lsp: call %s: %v", method, ErrCallOnReadLoop)
		return ErrCallOnReadLoop
	}
	return c.rpc.Call(ctx, method, params, result)
}

// Go runs fn in a new goroutine. A panic in fn is logged instead of killing
// the process. Run waits (briefly) for these goroutines before it returns, so
// fn should return once Context is done. After the connection has ended Go
// does nothing.
func (c *Conn) Go(fn func()) {
	c.spawn(func() {
		defer func() {
			if r := recover(); r != nil {
				c.log.Printf("lsp: panic in goroutine: %v\n%s", r, debug.Stack())
			}
		}()
		fn()
	})
}

// spawn runs fn in a goroutine that Run waits for; after the connection has
// ended it does nothing and returns false.
func (c *Conn) spawn(fn func()) bool {
	c.goMu.Lock()
	if c.goClosed {
		c.goMu.Unlock()
		return false
	}
	c.goWG.Add(1)
	c.goMu.Unlock()
	go func() {
		defer c.goWG.Done()
		fn()
	}()
	return true
}

func (c *Conn) waitGoroutines() {
	c.goMu.Lock()
	c.goClosed = true
	c.goMu.Unlock()
	done := make(chan struct{})
	go func() {
		c.goWG.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(goroutineWait):
		c.log.Printf("lsp: goroutines still running %v after the connection ended", goroutineWait)
	}
}

// rpcHandler adapts Conn to jsonrpc2.Handler. jsonrpc2 calls it on its read loop
// and reads nothing else until it returns.
type rpcHandler struct{ c *Conn }

func (h rpcHandler) Handle(_ context.Context, rpc *jsonrpc2.Conn, req *jsonrpc2.Request) {
	c := h.c
	<-c.ready
	if c.loopID.Load() == 0 { // jsonrpc2 reads on one goroutine throughout
		c.loopID.Store(goroutineID())
	}
	if !req.Notif {
		// Every request takes a slot, given back once it is answered: with
		// MaxInFlight requests unanswered, nothing more is read (and so no
		// goroutine started, no answer kept) until one of them is.
		select {
		case c.slots <- struct{}{}:
		case <-rpc.DisconnectNotify():
			return
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.stopped:
		if !req.Notif {
			c.release()
		}
	case req.Notif:
		c.handleNotification(rpc, req)
	default:
		if !c.handleRequest(rpc, req) {
			c.release()
		}
	}
}

// release gives back the slot of a request that has been answered.
func (c *Conn) release() { <-c.slots }

// handleRequest answers req, or starts the goroutine that will and returns
// true; the goroutine then gives the request's slot back.
func (c *Conn) handleRequest(rpc *jsonrpc2.Conn, req *jsonrpc2.Request) (async bool) {
	method := req.Method
	var (
		result any
		err    error
	)
	switch {
	case c.state == connWaiting && method != "initialize":
		err = ErrNotInitialized(method)
	case c.state == connWaiting:
		result, err, _ = c.dispatch(req)
		if err == nil {
			c.state = connRunning
		}
	case method == "initialize":
		err = ErrInvalidRequest("server already initialized")
	case c.state == connShutdown:
		err = ErrInvalidRequest("server is shutting down: %s", method)
	case method == "shutdown":
		c.state = connShutdown
		result, err, _ = c.dispatch(req)
		if errors.Is(err, ErrUnhandled) {
			result, err = nil, nil
		}
	default:
		p, ok := c.d.(Preparer)
		if !ok {
			result, err, _ = c.dispatch(req)
			break
		}
		run, perr := c.prepare(p, req)
		switch {
		case perr != nil:
			err = perr
		case run != nil:
			return c.start(rpc, req, run) // false: the connection has ended, no one to answer
		default:
			result, err, _ = c.dispatch(req)
		}
	}
	c.reply(rpc, req, result, err)
	return false
}

func (c *Conn) handleNotification(rpc *jsonrpc2.Conn, req *jsonrpc2.Request) {
	method := req.Method
	switch {
	case method == "exit":
		if _, err, panicked := c.dispatch(req); err != nil && !panicked && !errors.Is(err, ErrUnhandled) {
			c.log.Printf("lsp: notification exit: %v", err)
		}
		c.exited = true
		c.stopped = true
		c.exitCode = 1
		if c.state == connShutdown {
			c.exitCode = 0
		}
		rpc.Close()
	case method == "$/cancelRequest":
		c.cancelRequest(req)
	case c.state == connWaiting:
		c.log.Printf("lsp: dropped notification %s received before initialize", method)
	case c.state == connShutdown:
		c.log.Printf("lsp: dropped notification %s received after shutdown", method)
	default:
		_, err, panicked := c.dispatch(req)
		var rpcErr *jsonrpc2.Error
		switch {
		case err == nil || panicked:
		case errors.Is(err, ErrUnhandled) || errors.As(err, &rpcErr) && rpcErr != nil && rpcErr.Code == CodeMethodNotFound:
			if !strings.HasPrefix(method, "$/") {
				c.log.Printf("lsp: unhandled notification %s", method)
			}
		default:
			c.log.Printf("lsp: notification %s: %v", method, err)
		}
	}
}

// glspContext is the context of one message for the Dispatcher.
func (c *Conn) glspContext(req *jsonrpc2.Request) *glsp.Context {
	ctx := &glsp.Context{
		Method: req.Method,
		Params: json.RawMessage("null"),
		Notify: c.notify,
		Call:   c.call,
	}
	if req.Params != nil {
		ctx.Params = *req.Params
	}
	return ctx
}

// recovered turns a panic into an error (and logs it with its stack).
func (c *Conn) recovered(method string, r any) error {
	c.log.Printf("lsp: panic in %s: %v\n%s", method, r, debug.Stack())
	return ErrInternal("panic in %s: %v", method, r)
}

// dispatch calls the Dispatcher, turning a panic into an error.
func (c *Conn) dispatch(req *jsonrpc2.Request) (result any, err error, panicked bool) {
	defer func() {
		if r := recover(); r != nil {
			result, err, panicked = nil, c.recovered(req.Method, r), true
		}
	}()
	result, err = c.d.Dispatch(c.glspContext(req))
	return result, err, false
}

// prepare calls the Preparer, turning a panic into an error.
func (c *Conn) prepare(p Preparer, req *jsonrpc2.Request) (run func(context.Context) (any, error), err error) {
	defer func() {
		if r := recover(); r != nil {
			run, err = nil, c.recovered(req.Method, r)
		}
	}()
	return p.Prepare(c.glspContext(req))
}

// start runs a prepared request in its own goroutine, which answers it and
// gives its slot back. It returns false, having started nothing, once the
// connection has ended.
func (c *Conn) start(rpc *jsonrpc2.Conn, req *jsonrpc2.Request, run func(context.Context) (any, error)) bool {
	ctx, cancel := context.WithCancel(c.ctx)
	f := &flight{cancel: cancel, cancelled: make(chan struct{})}
	c.flightMu.Lock()
	if _, dup := c.flights[req.ID]; !dup { // an id used twice at once: a cancellation reaches the first
		c.flights[req.ID] = f
	}
	c.flightMu.Unlock()
	started := c.spawn(func() {
		defer c.release()
		defer cancel()
		// A cancellation answers at once, whether run heeds it or not; the
		// goroutine that does it is waited for, so that a client cancelling
		// what it never reads cannot pile them up.
		stop := context.AfterFunc(ctx, func() {
			defer close(f.cancelled)
			if f.byClient.Load() && f.answered.CompareAndSwap(false, true) {
				c.reply(rpc, req, nil, ErrRequestCancelled("request cancelled: %s", req.Method))
			}
		})
		result, err := c.run(ctx, req, run)
		c.forget(req.ID, f)
		if !stop() {
			<-f.cancelled
		}
		if !f.answered.CompareAndSwap(false, true) {
			return
		}
		if f.byClient.Load() || errors.Is(err, context.Canceled) {
			result, err = nil, ErrRequestCancelled("request cancelled: %s", req.Method)
		}
		c.reply(rpc, req, result, err)
	})
	if !started {
		c.forget(req.ID, f)
		cancel()
	}
	return started
}

// run calls the work of a prepared request, turning a panic into an error.
func (c *Conn) run(ctx context.Context, req *jsonrpc2.Request, run func(context.Context) (any, error)) (result any, err error) {
	defer func() {
		if r := recover(); r != nil {
			result, err = nil, c.recovered(req.Method, r)
		}
	}()
	return run(ctx)
}

// forget drops f from the running requests.
func (c *Conn) forget(id jsonrpc2.ID, f *flight) {
	c.flightMu.Lock()
	if c.flights[id] == f {
		delete(c.flights, id)
	}
	c.flightMu.Unlock()
}

// cancelRequest handles $/cancelRequest: the request with that id, if it is
// running, is cancelled (and answered -32800, see start). Anything else,
// including params that name no id, is ignored.
func (c *Conn) cancelRequest(req *jsonrpc2.Request) {
	if req.Params == nil {
		return
	}
	var p struct {
		ID *jsonrpc2.ID `json:"id"`
	}
	// an id of another sign or a fraction is carried as a string (see
	// carryOddID)
	if oddIDCandidate(*req.Params) {
		q := carryOddID(*req.Params)
		var s struct {
			ID string `json:"id"`
		}
		if json.Unmarshal(q, &s) == nil {
			p.ID = &jsonrpc2.ID{Str: s.ID, IsString: true}
		}
	}
	if p.ID == nil && (json.Unmarshal(*req.Params, &p) != nil || p.ID == nil) {
		return
	}
	c.flightMu.Lock()
	f := c.flights[*p.ID]
	c.flightMu.Unlock()
	if f != nil {
		f.byClient.Store(true)
		f.cancel()
	}
}

// reply answers req with result or err (see Dispatcher for the mapping).
func (c *Conn) reply(rpc *jsonrpc2.Conn, req *jsonrpc2.Request, result any, err error) {
	resp := &jsonrpc2.Response{ID: req.ID}
	var rpcErr *jsonrpc2.Error
	switch {
	case err == nil:
	case errors.Is(err, ErrUnhandled):
		resp.Error = ErrMethodNotFound(req.Method)
	case errors.As(err, &rpcErr):
		resp.Error = rpcErr // a nil *jsonrpc2.Error counts as success
	default:
		resp.Error = ErrInternal("%s", err.Error())
	}
	if resp.Error == nil {
		// Encode here rather than in jsonrpc2, which sends nothing at all
		// when encoding fails and leaves the client waiting.
		b, merr := json.Marshal(result) // nil gives null
		if merr != nil {
			c.log.Printf("lsp: cannot encode result of %s: %v", req.Method, merr)
			resp.Error = ErrInternal("cannot encode result of %s: %v", req.Method, merr)
		} else {
			raw := json.RawMessage(b)
			resp.Result = &raw
		}
	}
	if err := rpc.SendResponse(c.ctx, resp); err != nil && !errors.Is(err, jsonrpc2.ErrClosed) {
		c.log.Printf("lsp: reply to %s: %v", req.Method, err)
	}
}

// readStream remembers the error that ended reading. jsonrpc2 logs it only
// after signalling the disconnect, that is possibly after Run has returned;
// Run logs it instead (see rpcLogger).
type readStream struct {
	jsonrpc2.ObjectStream
	mu      sync.Mutex
	readErr error
}

func (s *readStream) ReadObject(v any) error {
	err := s.ObjectStream.ReadObject(v)
	for {
		var bad *badFrame
		if !errors.As(err, &bad) {
			break
		}
		// a whole frame whose body is not a message: answer it as JSON-RPC
		// says (id null) and read on, the framing is intact
		resp := map[string]any{"jsonrpc": "2.0", "id": nil, "error": map[string]any{"code": CodeParseError, "message": "parse error: " + bad.err.Error()}}
		if json.Valid(bad.body) {
			resp["error"] = map[string]any{"code": CodeInvalidRequest, "message": "invalid request: " + bad.err.Error()}
		}
		// a client gone meanwhile shows on the next read
		_ = s.ObjectStream.WriteObject(resp)
		reflect.ValueOf(v).Elem().SetZero()
		err = s.ObjectStream.ReadObject(v)
	}
	if err != nil {
		s.mu.Lock()
		if s.readErr == nil {
			s.readErr = err
		}
		s.mu.Unlock()
	}
	return err
}

func (s *readStream) err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.readErr
}

// frameCodec reads base-protocol frames: header lines ending in CRLF, a
// Content-Length, a blank line, then the body, read whole before it is
// decoded. A body that is not a JSON-RPC message (invalid JSON, a JSON value
// of another shape) is a badFrame, which readStream answers without ending
// the session; broken framing still ends it, as nothing tells where the next
// message starts. Writing is jsonrpc2's.
type frameCodec struct{ jsonrpc2.VSCodeObjectCodec }

// maxHeaderLine bounds a header line: a peer that never sends a CR must not
// make the server buffer without end.
const maxHeaderLine = 4096

type badFrame struct {
	body []byte
	err  error
}

func (b *badFrame) Error() string { return b.err.Error() }

func (frameCodec) ReadObject(r *bufio.Reader, v any) error {
	length := int64(-1)
	for {
		var line []byte
		for {
			c, err := r.ReadByte()
			if err != nil {
				return err
			}
			if c == '\r' {
				break
			}
			if len(line) == maxHeaderLine {
				return fmt.Errorf("lsp: a header line is longer than %d bytes", maxHeaderLine)
			}
			line = append(line, c)
		}
		if c, err := r.ReadByte(); err != nil {
			return err
		} else if c != '\n' {
			return errors.New(`jsonrpc2: line endings must be \r\n`)
		}
		if len(line) == 0 {
			break
		}
		if v, ok := strings.CutPrefix(string(line), "Content-Length: "); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(v), 10, 32)
			if err != nil {
				return err
			}
			length = int64(n)
		}
	}
	if length <= 0 {
		return errors.New("jsonrpc2: no Content-Length header found")
	}
	// grown as the bytes come, not allocated from what the header claims
	body, err := io.ReadAll(io.LimitReader(r, length))
	if err != nil {
		return err
	}
	if int64(len(body)) < length {
		return io.ErrUnexpectedEOF
	}
	body = carryOddID(body)
	if err := json.Unmarshal(body, v); err != nil {
		return &badFrame{body: body, err: err}
	}
	return nil
}

// Request ids of JSON-RPC are strings or numbers of any sign; jsonrpc2 reads
// numbers as int64 and keeps them as uint64, so an id like -7 would be
// answered under another id (and 1.5 or 2^64-1 refused), and the client
// would wait for its answer for ever. Such an id
// is carried through the server as a string, oddIDPrefix then the number as
// written, and written back as that number (WriteObject).
const oddIDPrefix = "\x00taskls-id:"

// carryOddID returns body with a numeric top-level "id" that is not a
// non-negative integer turned into an oddIDPrefix string (see above); any
// other body as it is. Finding none costs one search of the body.
func carryOddID(body []byte) []byte {
	if !oddIDCandidate(body) {
		return body
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	raw := bytes.TrimSpace(m["id"])
	if len(raw) == 0 || raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return body // a string, null or nothing
	}
	if n, err := strconv.ParseInt(string(raw), 10, 64); err == nil && n >= 0 && raw[0] != '-' {
		return body // jsonrpc2 keeps it as it is (it reads ids as int64)
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err != nil {
		return body // not a number: jsonrpc2 refuses it
	}
	m["id"], _ = json.Marshal(oddIDPrefix + string(raw))
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// oddIDCandidate reports whether some "id" member of body (the key cannot
// occur inside a JSON string, where quotes are escaped) has a number value
// that is negative, not an integer or maybe past int64: only then is body
// parsed again.
func oddIDCandidate(body []byte) bool {
	for rest := body; ; {
		i := bytes.Index(rest, []byte(`"id"`))
		if i < 0 {
			return false
		}
		rest = rest[i+4:]
		j := 0
		for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\n' || rest[j] == '\r') {
			j++
		}
		if j == len(rest) || rest[j] != ':' {
			continue
		}
		j++
		for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\n' || rest[j] == '\r') {
			j++
		}
		if j < len(rest) && rest[j] == '-' {
			return true
		}
		k := j
		for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
			j++
		}
		if j-k > 18 || j < len(rest) && (rest[j] == '.' || rest[j] == 'e' || rest[j] == 'E') {
			return true // past int64, or not an integer
		}
	}
}

// oddIDJSON is how json.Marshal writes oddIDPrefix inside a string.
var oddIDJSON = func() []byte {
	b, _ := json.Marshal(oddIDPrefix)
	return b[:len(b)-1] // without the closing quote
}()

// WriteObject writes obj as a frame, with the ids carryOddID changed back
// to the numbers the client sent.
func (frameCodec) WriteObject(w io.Writer, obj any) error {
	data, err := json.Marshal(obj)
	if err != nil {
		return err
	}
	for {
		i := bytes.Index(data, oddIDJSON)
		if i < 0 {
			break
		}
		j := bytes.IndexByte(data[i+len(oddIDJSON):], '"')
		if j < 0 {
			break
		}
		num := data[i+len(oddIDJSON) : i+len(oddIDJSON)+j]
		data = append(append(data[:i:i], num...), data[i+len(oddIDJSON)+j+1:]...)
	}
	if _, err := fmt.Fprintf(w, "Content-Length: %d\r\n\r\n", len(data)); err != nil {
		return err
	}
	_, err = w.Write(data)
	return err
}

// rpcLogger is jsonrpc2's logger: everything but the protocol error that
// closed the connection, which Run logs itself.
type rpcLogger struct{ l *log.Logger }

func (r rpcLogger) Printf(format string, args ...any) {
	if strings.HasPrefix(format, "jsonrpc2: protocol error") {
		return
	}
	r.l.Printf(format, args...)
}

// goroutineID returns the current goroutine's id, parsed from the first line
// of its stack trace ("goroutine 42 [running]:"). It is used only to refuse
// server->client requests made on the read loop.
func goroutineID() uint64 {
	var buf [64]byte
	s := string(buf[:runtime.Stack(buf[:], false)])
	s = strings.TrimPrefix(s, "goroutine ")
	if i := strings.IndexByte(s, ' '); i > 0 {
		if id, err := strconv.ParseUint(s[:i], 10, 64); err == nil {
			return id
		}
	}
	return 0
}

// StdioStream returns the process's stdin and stdout as one stream for
// Serve. It takes stdout over: afterwards os.Stdout is os.Stderr, so a stray
// fmt.Print cannot corrupt the protocol. Call it once, early in main, after
// anything meant for stdout (--version, ...) has been printed. Closing the
// stream closes stdin and the original stdout.
func StdioStream() io.ReadWriteCloser {
	s := stdio{in: os.Stdin, out: os.Stdout}
	os.Stdout = os.Stderr
	return s
}

type stdio struct{ in, out *os.File }

func (s stdio) Read(p []byte) (int, error)  { return s.in.Read(p) }
func (s stdio) Write(p []byte) (int, error) { return s.out.Write(p) }
func (s stdio) Close() error                { return errors.Join(s.in.Close(), s.out.Close()) }
