package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Error codes of JSON-RPC and LSP the tool knows by name.
const (
	codeParseError       = -32700
	codeInvalidRequest   = -32600
	codeMethodNotFound   = -32601
	codeInvalidParams    = -32602
	codeInternalError    = -32603
	codeNotInitialized   = -32002
	codeRequestCancelled = -32800
	codeContentModified  = -32801
	codeRequestFailed    = -32803
)

var codeNames = map[int]string{
	codeParseError:       "parse error",
	codeInvalidRequest:   "invalid request",
	codeMethodNotFound:   "method not found",
	codeInvalidParams:    "invalid params",
	codeInternalError:    "internal error",
	codeNotInitialized:   "not initialized",
	codeRequestCancelled: "request cancelled",
	codeContentModified:  "content modified",
	codeRequestFailed:    "request failed",
}

// rpcError is a JSON-RPC error object.
type rpcError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

func (e *rpcError) Error() string { return fmt.Sprintf("%d %s", e.Code, e.Message) }

// expect says which answers a request may get.
type expect uint8

const (
	expectValid     expect = iota // a well-formed request: a result, or -32800/-32801/-32803
	expectUnknown                 // an unknown method: -32601 only
	expectBadParams               // wrongly typed params: -32602, or a result when they happen to decode
)

// call is a request in flight.
type call struct {
	id      string // the id as JSON
	method  string
	expect  expect
	sent    time.Time
	done    chan struct{}
	result  json.RawMessage
	err     *rpcError
	cancel  bool // a $/cancelRequest was sent for it
	checker func(json.RawMessage) string
}

// published is the last publishDiagnostics of one URI.
type published struct {
	raw     json.RawMessage
	version *int
	at      time.Time
}

// client speaks LSP to the server over its stdin and stdout. Answers may
// come in any order; every request must get exactly one.
type client struct {
	w   io.Writer
	wmu sync.Mutex

	mu          sync.Mutex
	nextID      int64
	pending     map[string]*call
	diags       map[string]*published
	lastPublish time.Time
	publishes   int
	progressEnd bool
	changed     chan struct{} // closed and replaced when something arrives
	readErr     error
	dead        chan struct{} // closed when reading has ended
	violations  []string      // protocol violations seen by the reader
	codes       map[int]int
	results     int
	cancelled   int // requests that were cancelled and got -32800
	serverReqs  map[string]int
	notifs      map[string]int
	logMessages []string
	answer      func(method string, params json.RawMessage) (any, *rpcError)
}

func newClient(w io.Writer) *client {
	return &client{
		w:          w,
		pending:    map[string]*call{},
		diags:      map[string]*published{},
		changed:    make(chan struct{}),
		dead:       make(chan struct{}),
		codes:      map[int]int{},
		serverReqs: map[string]int{},
		notifs:     map[string]int{},
	}
}

func (c *client) broadcastLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *client) violation(format string, args ...any) {
	c.mu.Lock()
	c.violations = append(c.violations, fmt.Sprintf(format, args...))
	c.broadcastLocked()
	c.mu.Unlock()
}

// takeViolations returns the violations seen since the last call.
func (c *client) takeViolations() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := c.violations
	c.violations = nil
	return v
}

// writeFrame sends one frame with the given body, as is.
func (c *client) writeFrame(body []byte, extraHeader string) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	var b bytes.Buffer
	fmt.Fprintf(&b, "Content-Length: %d\r\n%s\r\n", len(body), extraHeader)
	b.Write(body)
	_, err := c.w.Write(b.Bytes())
	return err
}

func (c *client) send(msg any) error {
	body, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	return c.writeFrame(body, "")
}

// notify sends a notification.
func (c *client) notify(method string, params any) error {
	m := map[string]any{"jsonrpc": "2.0", "method": method}
	if params != nil {
		m["params"] = params
	}
	return c.send(m)
}

// start sends a request and returns its call; the answer is checked when
// it arrives. id, when not "", is the JSON of the id to use.
func (c *client) start(method string, params any, ex expect, id string, checker func(json.RawMessage) string) (*call, error) {
	c.mu.Lock()
	if id == "" {
		c.nextID++
		id = strconv.FormatInt(c.nextID, 10)
	}
	cl := &call{id: id, method: method, expect: ex, sent: time.Now(), done: make(chan struct{}), checker: checker}
	c.pending[id] = cl
	c.mu.Unlock()
	m := map[string]any{"jsonrpc": "2.0", "id": json.RawMessage(id), "method": method}
	if params != nil {
		m["params"] = params
	}
	if err := c.send(m); err != nil {
		return nil, err
	}
	return cl, nil
}

// startRaw registers a request whose frame the caller writes itself.
func (c *client) startRaw(method string, ex expect, id string) *call {
	c.mu.Lock()
	defer c.mu.Unlock()
	cl := &call{id: id, method: method, expect: ex, sent: time.Now(), done: make(chan struct{})}
	c.pending[id] = cl
	return cl
}

// newID reserves a numeric id.
func (c *client) newID() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.nextID++
	return strconv.FormatInt(c.nextID, 10)
}

// cancel sends $/cancelRequest for cl.
func (c *client) cancel(cl *call) error {
	c.mu.Lock()
	cl.cancel = true
	c.mu.Unlock()
	return c.notify("$/cancelRequest", map[string]any{"id": json.RawMessage(cl.id)})
}

// wait waits for cl's answer.
func (c *client) wait(cl *call, timeout time.Duration) (json.RawMessage, *rpcError, error) {
	select {
	case <-cl.done:
		return cl.result, cl.err, nil
	case <-c.dead:
		select {
		case <-cl.done: // answered just before the end
			return cl.result, cl.err, nil
		default:
		}
		return nil, nil, fmt.Errorf("%s (id %s): the connection ended before an answer", cl.method, cl.id)
	case <-time.After(timeout):
		return nil, nil, fmt.Errorf("%s (id %s): no answer within %v", cl.method, cl.id, timeout)
	}
}

// request sends a request and waits for its answer.
func (c *client) request(method string, params any, timeout time.Duration) (json.RawMessage, *rpcError, error) {
	cl, err := c.start(method, params, expectValid, "", nil)
	if err != nil {
		return nil, nil, err
	}
	return c.wait(cl, timeout)
}

// inFlight is the number of requests waiting for an answer.
func (c *client) inFlight() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// oldest returns the request waiting longest, or nil.
func (c *client) oldest() *call {
	c.mu.Lock()
	defer c.mu.Unlock()
	var o *call
	for _, cl := range c.pending {
		if o == nil || cl.sent.Before(o.sent) {
			o = cl
		}
	}
	return o
}

// waitIdle waits until no request is in flight.
func (c *client) waitIdle(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		c.mu.Lock()
		n, ch, rerr := len(c.pending), c.changed, c.readErr
		var ms []string
		for _, cl := range c.pending {
			ms = append(ms, cl.method+"#"+cl.id)
		}
		c.mu.Unlock()
		if n == 0 {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("connection ended with %d requests unanswered: %v", n, rerr)
		}
		left := time.Until(deadline)
		if left <= 0 {
			sort.Strings(ms)
			return fmt.Errorf("%d requests unanswered after %v: %s", n, timeout, strings.Join(ms, ", "))
		}
		select {
		case <-ch:
		case <-time.After(left):
		}
	}
}

// readLoop reads frames from r until it ends.
func (c *client) readLoop(r io.Reader) {
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		body, err := readFrame(br)
		if err != nil {
			c.mu.Lock()
			c.readErr = err
			c.broadcastLocked()
			c.mu.Unlock()
			close(c.dead)
			return
		}
		c.handle(body)
	}
}

// readFrame reads one Content-Length frame, strictly: the server must
// write exactly what the base protocol says.
func readFrame(br *bufio.Reader) ([]byte, error) {
	length := -1
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			if err == io.EOF && line == "" && length < 0 {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("reading a header: %w", err)
		}
		if !strings.HasSuffix(line, "\r\n") {
			return nil, fmt.Errorf("header line without CRLF: %q", line)
		}
		line = strings.TrimSuffix(line, "\r\n")
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("bad header line %q", line)
		}
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "content-length":
			n, err := strconv.Atoi(strings.TrimSpace(value))
			if err != nil || n < 0 {
				return nil, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		case "content-type":
		default:
			return nil, fmt.Errorf("unknown header %q", line)
		}
	}
	if length < 0 {
		return nil, errors.New("frame without Content-Length")
	}
	body := make([]byte, length)
	if _, err := io.ReadFull(br, body); err != nil {
		return nil, fmt.Errorf("reading a body of %d bytes: %w", length, err)
	}
	return body, nil
}

// handle processes one message from the server.
func (c *client) handle(body []byte) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(body, &fields); err != nil {
		c.violation("the server sent a body that is not a JSON object (%v): %.200q", err, body)
		return
	}
	if string(fields["jsonrpc"]) != `"2.0"` {
		c.violation("the server sent a message without \"jsonrpc\":\"2.0\": %.200s", body)
	}
	var method string
	if m, ok := fields["method"]; ok {
		if err := json.Unmarshal(m, &method); err != nil {
			c.violation("method is not a string: %.200s", body)
			return
		}
	}
	id, hasID := fields["id"]
	switch {
	case method != "" && hasID:
		c.serverRequest(method, id, fields["params"])
	case method != "":
		c.notification(method, fields["params"], body)
	case hasID:
		c.response(id, fields, body)
	default:
		c.violation("the server sent a message that is neither a request, a notification nor a response: %.200s", body)
	}
}

func (c *client) notification(method string, params json.RawMessage, body []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.notifs[method]++
	switch method {
	case "textDocument/publishDiagnostics":
		var p struct {
			URI         string            `json:"uri"`
			Version     *int              `json:"version"`
			Diagnostics []json.RawMessage `json:"diagnostics"`
		}
		if err := json.Unmarshal(params, &p); err != nil || p.URI == "" || p.Diagnostics == nil {
			c.violations = append(c.violations, fmt.Sprintf("bad publishDiagnostics: %.300s", body))
			break
		}
		for _, d := range p.Diagnostics {
			if msg := checkRanges(d); msg != "" {
				c.violations = append(c.violations, fmt.Sprintf("publishDiagnostics of %s: %s: %.300s", p.URI, msg, d))
			}
		}
		now := time.Now()
		c.diags[p.URI] = &published{raw: params, version: p.Version, at: now}
		c.lastPublish = now
		c.publishes++
	case "$/progress":
		var p struct {
			Value struct {
				Kind string `json:"kind"`
			} `json:"value"`
		}
		json.Unmarshal(params, &p)
		if p.Value.Kind == "end" {
			c.progressEnd = true
		}
	case "window/logMessage", "window/showMessage":
		var p struct {
			Type    int    `json:"type"`
			Message string `json:"message"`
		}
		json.Unmarshal(params, &p)
		if len(c.logMessages) < 200 {
			c.logMessages = append(c.logMessages, p.Message)
		}
	}
	c.broadcastLocked()
}

func (c *client) serverRequest(method string, id, params json.RawMessage) {
	c.mu.Lock()
	c.serverReqs[method]++
	answer := c.answer
	c.mu.Unlock()
	// answered from its own goroutine: the reader never writes
	go func() {
		var result any
		var rerr *rpcError
		if answer != nil {
			result, rerr = answer(method, params)
		} else {
			rerr = &rpcError{Code: codeMethodNotFound, Message: "method not found: " + method}
		}
		m := map[string]any{"jsonrpc": "2.0", "id": id}
		if rerr != nil {
			m["error"] = rerr
		} else {
			m["result"] = result
		}
		c.send(m)
	}()
}

func (c *client) response(id json.RawMessage, fields map[string]json.RawMessage, body []byte) {
	res, hasResult := fields["result"]
	rawErr, hasErr := fields["error"]
	key := string(id)
	c.mu.Lock()
	defer c.mu.Unlock()
	defer c.broadcastLocked()
	cl := c.pending[key]
	if cl == nil && key == "null" && hasErr {
		// the answer to a frame that held no message (invalid JSON, or JSON
		// of another shape): JSON-RPC answers it with id null
		var e struct{ Code int }
		if json.Unmarshal(rawErr, &e) == nil && (e.Code == -32700 || e.Code == -32600) {
			return
		}
	}
	if cl == nil {
		c.violations = append(c.violations, fmt.Sprintf("a response to id %s, which is not in flight: %.300s", key, body))
		return
	}
	delete(c.pending, key)
	defer close(cl.done)
	if hasResult == hasErr {
		c.violations = append(c.violations, fmt.Sprintf("%s (id %s): a response needs exactly one of result and error: %.300s", cl.method, key, body))
		return
	}
	if hasResult {
		c.results++
		cl.result = res
		if cl.expect == expectUnknown {
			c.violations = append(c.violations, fmt.Sprintf("%s (id %s), an unknown method, got a result: %.300s", cl.method, key, res))
		}
		if msg := checkRanges(res); msg != "" {
			c.violations = append(c.violations, fmt.Sprintf("%s (id %s): %s", cl.method, key, msg))
		}
		if cl.checker != nil {
			if msg := cl.checker(res); msg != "" {
				c.violations = append(c.violations, fmt.Sprintf("%s (id %s): %s", cl.method, key, msg))
			}
		}
		return
	}
	var e rpcError
	if err := json.Unmarshal(rawErr, &e); err != nil || e.Message == "" {
		c.violations = append(c.violations, fmt.Sprintf("%s (id %s): a malformed error object: %.300s", cl.method, key, rawErr))
		return
	}
	cl.err = &e
	c.codes[e.Code]++
	ok := false
	switch cl.expect {
	case expectValid:
		ok = e.Code == codeRequestCancelled && cl.cancel || e.Code == codeContentModified || e.Code == codeRequestFailed
	case expectUnknown:
		ok = e.Code == codeMethodNotFound || e.Code == codeRequestCancelled && cl.cancel
	case expectBadParams:
		ok = e.Code == codeInvalidParams || e.Code == codeRequestFailed || e.Code == codeRequestCancelled && cl.cancel
	}
	if e.Code == codeRequestCancelled && cl.cancel {
		c.cancelled++
	}
	if !ok {
		c.violations = append(c.violations, fmt.Sprintf("%s (id %s) got an unexpected error: %d %q", cl.method, key, e.Code, e.Message))
	}
}

// checkRanges walks v and reports the first LSP range in it that is not
// well-formed: negative or non-integral numbers, or an end before its start.
func checkRanges(raw json.RawMessage) string {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return "not JSON: " + err.Error()
	}
	return walkRanges(v)
}

func walkRanges(v any) string {
	switch x := v.(type) {
	case map[string]any:
		if s, ok := x["start"].(map[string]any); ok {
			if e, ok := x["end"].(map[string]any); ok {
				sl, sc, ok1 := pos(s)
				el, ec, ok2 := pos(e)
				if ok1 && ok2 {
					if sl > el || sl == el && sc > ec {
						return fmt.Sprintf("a range whose end %v:%v comes before its start %v:%v", el, ec, sl, sc)
					}
				} else if _, has := s["line"]; has {
					return fmt.Sprintf("a malformed range %v", x)
				}
			}
		}
		for _, k := range sortedKeys(x) {
			if m := walkRanges(x[k]); m != "" {
				return m
			}
		}
	case []any:
		for _, e := range x {
			if m := walkRanges(e); m != "" {
				return m
			}
		}
	}
	return ""
}

func pos(m map[string]any) (line, col float64, ok bool) {
	l, ok1 := m["line"].(float64)
	c, ok2 := m["character"].(float64)
	if !ok1 || !ok2 || l < 0 || c < 0 || l != float64(int64(l)) || c != float64(int64(c)) {
		return 0, 0, false
	}
	return l, c, true
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// waitChange waits until something arrives or d passes.
func (c *client) waitChange(d time.Duration) {
	c.mu.Lock()
	ch := c.changed
	c.mu.Unlock()
	select {
	case <-ch:
	case <-time.After(d):
	}
}
