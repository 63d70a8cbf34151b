package lsp_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/tliron/glsp"

	"github.com/taskls/taskls/lsp"
	"github.com/taskls/taskls/lsp/lsptest"
)

// rawFrame is one message from the server, as the client reads it.
type rawFrame struct {
	ID     *json.RawMessage `json:"id"`
	Method string           `json:"method"`
	Result json.RawMessage  `json:"result"`
	Error  *jsonrpc2.Error  `json:"error"`
	raw    string
}

// rawClient writes frames of its own making to the server and records
// every frame the server sends, so that tests choose request ids, cancel
// them and see every answer, in the order it came.
type rawClient struct {
	t       *testing.T
	w       io.Writer
	mu      sync.Mutex
	frames  []rawFrame
	changed chan struct{}
	ended   bool
}

func newRawClient(t *testing.T, rw io.ReadWriter) *rawClient {
	c := &rawClient{t: t, w: rw, changed: make(chan struct{})}
	go func() {
		r := bufio.NewReader(rw)
		for {
			var raw json.RawMessage
			err := (jsonrpc2.VSCodeObjectCodec{}).ReadObject(r, &raw)
			c.mu.Lock()
			if err != nil {
				c.ended = true
			} else {
				f := rawFrame{raw: string(raw)}
				if err := json.Unmarshal(raw, &f); err != nil {
					t.Errorf("bad frame %s: %v", raw, err)
				}
				c.frames = append(c.frames, f)
			}
			close(c.changed)
			c.changed = make(chan struct{})
			c.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return c
}

// send writes one message; a failure is reported with Errorf, so that
// send may be used from any goroutine.
func (c *rawClient) send(msg map[string]any) {
	c.t.Helper()
	if _, err := c.w.Write(frameOf(msg)); err != nil {
		c.t.Errorf("writing %v: %v", msg, err)
	}
}

// frameOf is msg, a JSON-RPC 2.0 message, framed.
func frameOf(msg map[string]any) []byte {
	msg["jsonrpc"] = "2.0"
	b, err := json.Marshal(msg)
	if err != nil {
		panic(err)
	}
	return []byte(fmt.Sprintf("Content-Length: %d\r\n\r\n%s", len(b), b))
}

func (c *rawClient) request(id any, method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"id": id, "method": method, "params": params})
}

func (c *rawClient) notify(method string, params any) {
	c.t.Helper()
	c.send(map[string]any{"method": method, "params": params})
}

func (c *rawClient) cancel(id any) {
	c.t.Helper()
	c.notify("$/cancelRequest", map[string]any{"id": id})
}

// answers returns every answer to id (its JSON, as in `3` or `"x"`) so far.
func (c *rawClient) answers(id string) []rawFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []rawFrame
	for _, f := range c.frames {
		if f.ID != nil && f.Method == "" && string(*f.ID) == id {
			out = append(out, f)
		}
	}
	return out
}

// answer waits for the answer to id.
func (c *rawClient) answer(id string) rawFrame {
	c.t.Helper()
	timeout := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		changed, ended := c.changed, c.ended
		c.mu.Unlock()
		if a := c.answers(id); len(a) > 0 {
			return a[0]
		}
		if ended {
			c.t.Fatalf("the connection ended before an answer to %s", id)
		}
		select {
		case <-changed:
		case <-timeout:
			c.t.Fatalf("no answer to %s", id)
		}
	}
}

// waitClosed waits for ch to be closed, failing with msg after a while.
func waitClosed(t *testing.T, ch <-chan struct{}, msg string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(10 * time.Second):
		t.Fatal(msg)
	}
}

// wantCancelled states that f is the answer -32800 RequestCancelled.
func wantCancelled(t *testing.T, f rawFrame) {
	t.Helper()
	if f.Error == nil || f.Error.Code != lsp.CodeRequestCancelled || f.Result != nil {
		t.Fatalf("got %s, want error -32800 RequestCancelled", f.raw)
	}
}

// asyncFake is a Dispatcher and Preparer: requests run off the read loop
// through prepare (method -> Prepare), or through the connFake's Dispatch
// when prepare has no entry.
type asyncFake struct {
	*connFake
	prepare map[string]func(*glsp.Context) (func(context.Context) (any, error), error)
}

func (f *asyncFake) Prepare(ctx *glsp.Context) (func(context.Context) (any, error), error) {
	if p := f.prepare[ctx.Method]; p != nil {
		return p(ctx)
	}
	return nil, nil
}

func rawInit(t *testing.T, c *rawClient) {
	t.Helper()
	c.request(1, "initialize", map[string]any{"capabilities": map[string]any{}})
	if a := c.answer("1"); a.Error != nil {
		t.Fatalf("initialize: %s", a.raw)
	}
	c.notify("initialized", map[string]any{})
}

// A request running off the read loop is cancelled with $/cancelRequest
// and answered -32800 at once, whether its work heeds the cancellation or
// not, and never answered a second time; meanwhile other requests are
// answered. Cancelling an answered, unknown or already cancelled id does
// nothing.
func TestCancelPreparedRequest(t *testing.T) {
	stubbornDone := make(chan struct{})
	letGo := make(chan struct{})
	heeded := make(chan struct{})
	f := &asyncFake{connFake: newConnFake(nil), prepare: map[string]func(*glsp.Context) (func(context.Context) (any, error), error){
		"test/wait": func(*glsp.Context) (func(context.Context) (any, error), error) {
			return func(ctx context.Context) (any, error) {
				<-ctx.Done()
				close(heeded)
				return "too late", nil // not sent: the request was cancelled
			}, nil
		},
		"test/stubborn": func(*glsp.Context) (func(context.Context) (any, error), error) {
			return func(context.Context) (any, error) {
				defer close(stubbornDone)
				<-letGo // ignores its context
				return "too late", nil
			}, nil
		},
		"test/echo": func(ctx *glsp.Context) (func(context.Context) (any, error), error) {
			p := ctx.Params
			return func(context.Context) (any, error) { return p, nil }, nil
		},
	}}
	client, log, _ := connRawServer(t, f)
	c := newRawClient(t, client)
	rawInit(t, c)

	c.request(2, "test/wait", nil)
	c.request("s", "test/stubborn", nil)
	c.request(3, "test/echo", "meanwhile")
	if a := c.answer("3"); string(a.Result) != `"meanwhile"` {
		t.Fatalf("echo: %s", a.raw)
	}
	c.cancel(2)
	wantCancelled(t, c.answer("2"))
	waitClosed(t, heeded, "the work of a cancelled request was not cancelled")
	c.cancel("s")
	wantCancelled(t, c.answer(`"s"`)) // while its work still runs
	close(letGo)
	waitClosed(t, stubbornDone, "the stubborn work did not return")
	// cancelling again, an answered id, ids never used: nothing happens
	for _, id := range []any{2, "s", 3, 99, "nope"} {
		c.cancel(id)
	}
	c.notify("$/cancelRequest", map[string]any{"id": nil})
	c.notify("$/cancelRequest", "garbage")
	c.notify("$/cancelRequest", nil)
	for i := 4; i < 8; i++ {
		c.request(i, "test/echo", i)
		if a := c.answer(fmt.Sprint(i)); string(a.Result) != fmt.Sprint(i) {
			t.Fatalf("echo %d: %s", i, a.raw)
		}
	}
	for _, id := range []string{"2", `"s"`, "3"} {
		if a := c.answers(id); len(a) != 1 {
			t.Errorf("%d answers to %s: %v", len(a), id, a)
		}
	}
	if l := log.String(); l != "" {
		t.Errorf("server logged:\n%s", l)
	}
}

// Prepare's errors and panics, and the work's, are answered like
// Dispatch's; a nil run sends the request to Dispatch.
func TestPreparedErrors(t *testing.T) {
	f := &asyncFake{connFake: newConnFake(nil), prepare: map[string]func(*glsp.Context) (func(context.Context) (any, error), error){
		"test/prepPanic": func(*glsp.Context) (func(context.Context) (any, error), error) { panic("prep boom") },
		"test/runPanic": func(*glsp.Context) (func(context.Context) (any, error), error) {
			return func(context.Context) (any, error) { panic("run boom") }, nil
		},
		"test/prepErr": func(*glsp.Context) (func(context.Context) (any, error), error) {
			return nil, lsp.ErrInvalidParams("bad params")
		},
		"test/notMine": func(*glsp.Context) (func(context.Context) (any, error), error) {
			return nil, lsp.ErrUnhandled
		},
		"test/runErr": func(*glsp.Context) (func(context.Context) (any, error), error) {
			return func(context.Context) (any, error) { return nil, lsp.ErrRequestFailed("no") }, nil
		},
		"test/ownCancel": func(*glsp.Context) (func(context.Context) (any, error), error) {
			return func(context.Context) (any, error) { return nil, context.Canceled }, nil
		},
	}}
	c, _ := lsptest.Pipe(t, f)
	connInit(t, c)
	wantConnError(t, c.Call("test/prepPanic", nil, nil), lsp.CodeInternalError, "panic in test/prepPanic: prep boom")
	wantConnError(t, c.Call("test/runPanic", nil, nil), lsp.CodeInternalError, "panic in test/runPanic: run boom")
	wantConnError(t, c.Call("test/prepErr", nil, nil), lsp.CodeInvalidParams, "bad params")
	wantConnError(t, c.Call("test/notMine", nil, nil), lsp.CodeMethodNotFound, "method not found: test/notMine")
	wantConnError(t, c.Call("test/runErr", nil, nil), lsp.CodeRequestFailed, "no")
	wantConnError(t, c.Call("test/ownCancel", nil, nil), lsp.CodeRequestCancelled, "request cancelled: test/ownCancel")
	connEcho(t, c, "through Dispatch") // no prepare entry: nil run
	want := []string{"initialize", "initialized", "test/echo"}
	if got := f.methods(); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("dispatched %v, want %v", got, want)
	}
	log := c.ServerLog()
	for _, w := range []string{"lsp: panic in test/prepPanic: prep boom", "lsp: panic in test/runPanic: run boom"} {
		if !strings.Contains(log, w) {
			t.Errorf("log lacks %q:\n%s", w, log)
		}
	}
}

// Each request is prepared after every notification sent before it, even
// though the answers come back in another order.
func TestPreparedAfterNotifications(t *testing.T) {
	var changes atomic.Int64
	f := &asyncFake{connFake: newConnFake(map[string]func(*glsp.Context) (any, error){
		"textDocument/didChange": func(*glsp.Context) (any, error) { changes.Add(1); return nil, nil },
	}), prepare: map[string]func(*glsp.Context) (func(context.Context) (any, error), error){
		"test/count": func(ctx *glsp.Context) (func(context.Context) (any, error), error) {
			n := changes.Load() // on the read loop
			var delay int
			json.Unmarshal(ctx.Params, &delay)
			return func(context.Context) (any, error) {
				time.Sleep(time.Duration(delay) * time.Millisecond) // later requests overtake
				return n, nil
			}, nil
		},
	}}
	client, _, _ := connRawServer(t, f)
	c := newRawClient(t, client)
	rawInit(t, c)
	const n = 40
	for i := 1; i <= n; i++ {
		c.notify("textDocument/didChange", map[string]any{"version": i})
		c.request(100+i, "test/count", (n-i)%7)
	}
	var order []int
	for i := 1; i <= n; i++ {
		if a := c.answer(fmt.Sprint(100 + i)); string(a.Result) != fmt.Sprint(i) {
			t.Fatalf("request %d saw %s changes, want %d", i, a.Result, i)
		}
	}
	c.mu.Lock()
	for _, fr := range c.frames {
		var id int
		if fr.ID != nil && json.Unmarshal(*fr.ID, &id) == nil && id > 100 {
			order = append(order, id-100)
		}
	}
	c.mu.Unlock()
	t.Logf("answered in the order %v", order)
}

// With MaxInFlight requests unanswered, the read loop reads nothing more:
// no more work starts, however many requests the client writes; once they
// are answered, every request still is.
func TestInFlightBounded(t *testing.T) {
	var running, most atomic.Int64
	release := make(chan struct{})
	f := &asyncFake{connFake: newConnFake(nil), prepare: map[string]func(*glsp.Context) (func(context.Context) (any, error), error){
		"test/slow": func(*glsp.Context) (func(context.Context) (any, error), error) {
			return func(context.Context) (any, error) {
				n := running.Add(1)
				defer running.Add(-1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				<-release
				return "ok", nil
			}, nil
		},
	}}
	client, _, _ := connRawServer(t, f)
	c := newRawClient(t, client)
	rawInit(t, c)
	const total = lsp.MaxInFlight * 3
	var written atomic.Int64
	go func() {
		for i := 0; i < total; i++ {
			c.request(1000+i, "test/slow", nil)
			written.Add(1)
		}
	}()
	deadline := time.Now().Add(10 * time.Second)
	for running.Load() < lsp.MaxInFlight && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // time for more to start, were the bound broken
	if r, w := running.Load(), written.Load(); r != lsp.MaxInFlight || w >= total {
		t.Fatalf("%d requests running, %d of %d written; want %d running and the client held up", r, w, total, lsp.MaxInFlight)
	}
	close(release)
	for i := 0; i < total; i++ {
		if a := c.answer(fmt.Sprint(1000 + i)); string(a.Result) != `"ok"` {
			t.Fatalf("request %d: %s", i, a.raw)
		}
	}
	if m := most.Load(); m > lsp.MaxInFlight {
		t.Fatalf("%d requests ran at once, want at most %d", m, lsp.MaxInFlight)
	}
}

// cancelFiles: two tasks with distinct titles and no link between them,
// and a note-like task that names one of them.
var cancelFiles = map[string]string{
	".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: Alpha\nstatus: pending\n---\n",
	".tasks/tasks/T002-b.md": "---\nid: T002\ntitle: Beta\nstatus: pending\n---\n",
	".tasks/tasks/T003-c.md": "---\nid: T003\ntitle: Gamma\nstatus: pending\n---\nSee T001\n",
}

// cancelServer starts the real server on cancelFiles over a net.Pipe with
// a raw client; the first index is held until release is called.
func cancelServer(t *testing.T) (c *rawClient, dir string, release func(), log *connLog) {
	t.Helper()
	dir = t.TempDir()
	write(t, dir, cancelFiles)
	srv := lsp.NewServer(nil, "test")
	release = lsp.HoldIndex(srv)
	t.Cleanup(srv.Close)
	t.Cleanup(release)
	client, log, _ := connRawServer(t, srv)
	c = newRawClient(t, client)
	c.request(1, "initialize", map[string]any{"rootUri": uri(dir), "capabilities": map[string]any{}, "initializationOptions": only(core...)})
	if a := c.answer("1"); a.Error != nil {
		t.Fatalf("initialize: %s", a.raw)
	}
	c.notify("initialized", map[string]any{})
	return c, dir, release, log
}

// hoverText is the Markdown of a hover answer ("" for null).
func hoverText(t *testing.T, f rawFrame) string {
	t.Helper()
	if f.Error != nil {
		t.Fatalf("hover: %s", f.raw)
	}
	var h *struct {
		Contents struct{ Value string } `json:"contents"`
	}
	if err := json.Unmarshal(f.Result, &h); err != nil {
		t.Fatalf("hover: %s: %v", f.raw, err)
	}
	if h == nil {
		return ""
	}
	return h.Contents.Value
}

// A request made while the first index is being read waits for it off the
// read loop: it can be cancelled (-32800) while the index is held, the
// read loop goes on applying edits and answering what needs no index, and
// a request made after an edit, once the index is in, sees that edit.
func TestCancelWhileIndexing(t *testing.T) {
	c, dir, release, log := cancelServer(t)
	cURI := uri(filepath.Join(dir, ".tasks/tasks/T003-c.md"))
	at := map[string]any{"textDocument": map[string]any{"uri": cURI}, "position": map[string]any{"line": 5, "character": 5}}

	c.request(2, "textDocument/hover", at)
	c.request(3, "workspace/symbol", map[string]any{"query": ""})
	c.cancel(2)
	wantCancelled(t, c.answer("2"))
	c.cancel(3)
	wantCancelled(t, c.answer("3"))
	// the read loop is free: edits are applied, unknown methods answered
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": cURI, "languageId": "markdown", "version": 1,
		"text": "---\nid: T003\ntitle: Gamma\nstatus: pending\n---\nSee T002\n"}})
	c.request(4, "textDocument/hover", at)
	c.request(5, "taskls/nonsense", nil)
	if a := c.answer("5"); a.Error == nil || a.Error.Code != lsp.CodeMethodNotFound {
		t.Fatalf("unknown method while indexing: %s", a.raw)
	}
	c.request(6, "textDocument/hover", at)
	c.cancel(6)
	wantCancelled(t, c.answer("6"))
	time.Sleep(50 * time.Millisecond)
	if a := c.answers("4"); len(a) != 0 {
		t.Fatalf("answered before the index is in: %s", a[0].raw)
	}
	release()
	if h := hoverText(t, c.answer("4")); !strings.Contains(h, "Beta") || strings.Contains(h, "Alpha") {
		t.Fatalf("hover after the edit describes:\n%s\nwant T002 · Beta", h)
	}
	// cancelling what has been answered: nothing
	for _, id := range []int{2, 3, 4, 6} {
		c.cancel(id)
	}
	c.request(7, "textDocument/hover", at)
	if h := hoverText(t, c.answer("7")); !strings.Contains(h, "Beta") {
		t.Fatalf("hover: %s", h)
	}
	for _, id := range []string{"2", "3", "4", "6", "7"} {
		if a := c.answers(id); len(a) != 1 {
			t.Errorf("%d answers to %s", len(a), id)
		}
	}
	if strings.Contains(log.String(), "panic") {
		t.Errorf("log:\n%s", log.String())
	}
}

// Each request sees exactly the buffer the edits before it made, not an
// older one nor a newer one, though it runs off the read loop while later
// edits are applied: 60 edits, each followed at once by a hover on the ID
// it wrote (T001 and T002 in turn), nothing waited for.
func TestRequestSeesItsEdits(t *testing.T) {
	c, dir, release, _ := cancelServer(t)
	release()
	// the index is in (before it, a request sees the snapshot it makes,
	// with every edit made so far)
	c.request(2, "workspace/symbol", map[string]any{"query": ""})
	c.answer("2")
	cURI := uri(filepath.Join(dir, ".tasks/tasks/T003-c.md"))
	c.notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": cURI, "languageId": "markdown", "version": 1, "text": cancelFiles[".tasks/tasks/T003-c.md"]}})
	const n = 60
	for i := 0; i < n; i++ {
		c.notify("textDocument/didChange", map[string]any{
			"textDocument": map[string]any{"uri": cURI, "version": 2 + i},
			"contentChanges": []map[string]any{{
				"range": map[string]any{"start": map[string]any{"line": 5, "character": 4}, "end": map[string]any{"line": 5, "character": 8}},
				"text":  fmt.Sprintf("T00%d", 1+i%2),
			}},
		})
		c.request(100+i, "textDocument/hover", map[string]any{"textDocument": map[string]any{"uri": cURI}, "position": map[string]any{"line": 5, "character": 5}})
	}
	for i := 0; i < n; i++ {
		want, not := "Alpha", "Beta"
		if i%2 == 1 {
			want, not = not, want
		}
		if h := hoverText(t, c.answer(fmt.Sprint(100+i))); !strings.Contains(h, want) || strings.Contains(h, not) {
			t.Fatalf("hover %d describes:\n%s\nwant %s", i, h, want)
		}
	}
}

// pipeStream is the server's end of two OS pipes, as stdio is.
type pipeStream struct {
	r *os.File
	w *os.File
}

func (p pipeStream) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p pipeStream) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p pipeStream) Close() error                { p.r.Close(); return p.w.Close() }

// memNow is the heap in use and the number of goroutines, after a
// collection.
func memNow() (heap uint64, goroutines int) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse, runtime.NumGoroutine()
}

// heldUp waits until n stops growing (the writer is blocked, or done) and
// returns it.
func heldUp(n *atomic.Int64) int64 {
	last, still := int64(-1), 0
	for still < 10 {
		time.Sleep(20 * time.Millisecond)
		if w := n.Load(); w == last {
			still++
		} else {
			last, still = w, 0
		}
	}
	return last
}

// A client that writes and never reads, over OS pipes as stdio: the
// server's writes block once the pipe is full. Edits are still read and
// applied as they come, and pile nothing up (300 edits of 16 KiB, 4.8 MiB
// in all, and edits that change diagnostics, whose publisher waits on the
// full pipe). Requests stop being read once MaxInFlight are unanswered, so
// the client's writes block in turn: of 3,000 requests, a few hundred are
// read. The server's goroutines and heap stay flat. When the client reads
// at last, every request is answered, once, a request after the edits sees
// the last one, and the publisher catches up.
func TestClientThatNeverReads(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, cancelFiles)
	toServer, fromClient, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromServer, toClient, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	srv := lsp.NewServer(nil, "test")
	t.Cleanup(srv.Close)
	code := make(chan int, 1)
	go func() { code <- lsp.Serve(context.Background(), pipeStream{toServer, toClient}, srv, io.Discard) }()
	t.Cleanup(func() {
		fromClient.Close()
		fromServer.Close()
		connWaitExit(t, code)
	})
	send := func(msg map[string]any) error {
		_, err := fromClient.Write(frameOf(msg))
		return err
	}
	r := bufio.NewReader(fromServer)
	readUntil := func(id string) rawFrame {
		t.Helper()
		for {
			var f rawFrame
			if err := (jsonrpc2.VSCodeObjectCodec{}).ReadObject(r, &f); err != nil {
				t.Fatalf("reading the answer to %s: %v", id, err)
			}
			if f.ID != nil && f.Method == "" && string(*f.ID) == id {
				return f
			}
		}
	}

	// initialize, and wait for the index through an answered request
	dURI := uri(filepath.Join(dir, ".tasks/tasks/T004-d.md"))
	title := strings.Repeat("Long title ", 100)
	send(map[string]any{"id": 1, "method": "initialize", "params": map[string]any{"rootUri": uri(dir), "capabilities": map[string]any{}}})
	send(map[string]any{"method": "initialized", "params": map[string]any{}})
	send(map[string]any{"method": "textDocument/didOpen", "params": map[string]any{"textDocument": map[string]any{
		"uri": dURI, "languageId": "markdown", "version": 1, "text": "---\nid: T004\ntitle: " + title + "\n---\n"}}})
	send(map[string]any{"id": 2, "method": "workspace/symbol", "params": map[string]any{"query": ""}})
	readUntil("2")
	heap0, g0 := memNow()
	t0 := time.Now()
	hover := func(id any, line int) map[string]any {
		return map[string]any{"id": id, "method": "textDocument/hover", "params": map[string]any{
			"textDocument": map[string]any{"uri": dURI}, "position": map[string]any{"line": line, "character": 5}}}
	}

	// answers that fill the pipe (60 of over 1 KiB): from now on the
	// server's writes block, the diagnostics publisher's too
	const fill = 60
	for i := 0; i < fill; i++ {
		send(hover(5000+i, 1))
	}

	// edits, never reading: all are read
	var written atomic.Int64
	const edits = 300
	big := strings.Repeat("x", 16<<10)
	done := make(chan error, 1)
	oURI := uri(filepath.Join(dir, ".tasks/blob.bin"))
	send(map[string]any{"method": "textDocument/didOpen", "params": map[string]any{"textDocument": map[string]any{
		"uri": oURI, "languageId": "plaintext", "version": 1, "text": ""}}})
	go func() {
		for v := 2; v < 2+edits; v++ {
			// a big buffer, and every 10 edits a change of diagnostics
			err := send(map[string]any{"method": "textDocument/didChange", "params": map[string]any{
				"textDocument":   map[string]any{"uri": oURI, "version": v},
				"contentChanges": []map[string]any{{"text": fmt.Sprintf("%d %s", v, big)}},
			}})
			if err == nil && (v%10 == 0 || v == 1+edits) {
				err = send(map[string]any{"method": "textDocument/didChange", "params": map[string]any{
					"textDocument":   map[string]any{"uri": dURI, "version": v},
					"contentChanges": []map[string]any{{"text": fmt.Sprintf("---\nid: T004\ntitle: %s\n---\nSee T%03d\n", title, v)}},
				}})
			}
			if err != nil {
				done <- err
				return
			}
			written.Add(1)
		}
		done <- nil
	}()
	for last, still := int64(-1), 0; ; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
		case <-time.After(time.Second):
			if w := written.Load(); w != last {
				last, still = w, 0
			} else if still++; still == 5 {
				t.Fatalf("edits held up after %d of %d: the server stopped reading notifications", w, edits)
			}
			continue
		}
		break
	}
	heap1, g1 := memNow()
	if lsp.Published(srv) {
		t.Errorf("the diagnostics of the last edit were published though the pipe is full")
	}
	t.Logf("edits: %v", time.Since(t0))
	t0 = time.Now()

	// requests, never reading: the client is held up
	const requests = 3000
	written.Store(0)
	go func() {
		for i := 0; i < requests; i++ {
			if err := send(hover(10+i, 1)); err != nil {
				done <- err
				return
			}
			written.Add(1)
		}
		done <- nil
	}()
	n := heldUp(&written)
	heap2, g2 := memNow()
	t.Logf("requests: %v", time.Since(t0))
	t0 = time.Now()
	t.Logf("after %d edits: heap %d -> %d KiB, goroutines %d -> %d", edits, heap0>>10, heap1>>10, g0, g1)
	t.Logf("held up after %d of %d requests: heap %d KiB, goroutines %d", n, requests, heap2>>10, g2)
	if n >= requests {
		t.Errorf("all %d requests were read though the client reads nothing", requests)
	}
	if g1 > g0+fill+5 { // the fill's answers that wait to be written, no more
		t.Errorf("edits: goroutines grew from %d to %d", g0, g1)
	}
	if g2 > g0+lsp.MaxInFlight+10 {
		t.Errorf("requests: goroutines grew from %d to %d, want at most %d more", g0, g2, lsp.MaxInFlight+10)
	}
	// kept, the edits alone would be 4.8 MiB
	for _, h := range []uint64{heap1, heap2} {
		if h > heap0+3<<20 {
			t.Errorf("heap in use grew from %d to %d KiB", heap0>>10, h>>10)
		}
	}

	// read at last: every request is answered, once
	seen := map[string]int{}
	for len(seen) < fill+requests {
		var f rawFrame
		if err := (jsonrpc2.VSCodeObjectCodec{}).ReadObject(r, &f); err != nil {
			t.Fatalf("after %d answers: %v", len(seen), err)
		}
		if f.ID == nil || f.Method != "" {
			continue // diagnostics
		}
		seen[string(*f.ID)]++
		if f.Error != nil || !strings.Contains(string(f.Result), "Long title") {
			t.Fatalf("answer %s: %.300s", *f.ID, f.raw)
		}
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	t.Logf("answers: %v", time.Since(t0))
	for _, id := range seen {
		if id != 1 {
			t.Fatalf("answered more than once: %v", seen)
		}
	}
	// the last edit is the one in force
	send(hover("last", 4))
	if h := hoverText(t, readUntil(`"last"`)); !strings.Contains(h, fmt.Sprintf("T%03d", 1+edits)) {
		t.Errorf("hover on the last edit: %s", h)
	}
	// and the publisher catches up
	go io.Copy(io.Discard, r)
	for deadline := time.Now().Add(30 * time.Second); !lsp.Published(srv); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the diagnostics of the last edit were not published within 30s of reading")
		}
	}
}

// TestCancelOddID: a request whose id jsonrpc2 cannot keep as a number
// (negative, a fraction) is cancelled by that id, and answered under it.
func TestCancelOddID(t *testing.T) {
	f := &asyncFake{connFake: newConnFake(nil), prepare: map[string]func(*glsp.Context) (func(context.Context) (any, error), error){
		"test/wait": func(*glsp.Context) (func(context.Context) (any, error), error) {
			return func(ctx context.Context) (any, error) {
				<-ctx.Done()
				return "too late", nil
			}, nil
		},
	}}
	client, _, _ := connRawServer(t, f)
	c := newRawClient(t, client)
	rawInit(t, c)
	for _, id := range []any{-7, 2.5} {
		c.request(id, "test/wait", nil)
		c.cancel(id)
		wantCancelled(t, c.answer(fmt.Sprint(id)))
	}
}
