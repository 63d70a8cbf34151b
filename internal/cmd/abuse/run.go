package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/internal/gen"
)

// Config says what to run.
type Config struct {
	Bin        string        // the taskls binary; "" builds one from this module
	Seed       int64         // the random seed (the same seed gives the same operations)
	Tasks      int           // tasks of the generated workspace
	Duration   time.Duration // how long to fire operations
	CheckEvery time.Duration // time between comparisons with a cold check
	// CheckAt, when set, replaces Duration and CheckEvery: compare after
	// exactly these steps and stop after the last (a failure prints them, so
	// that a run can be repeated operation for operation).
	CheckAt []int
	Garbage string // invalid JSON frames: "auto" (probe the server first), "on" or "off"
	// RSSWait bounds the wait at the end for the server's RSS to stop
	// shrinking (the Go runtime returns memory to the system gradually).
	RSSWait time.Duration
	Keep    bool      // keep the temporary folder (it is always kept after a failure)
	Out     io.Writer // progress and the summary
	Verbose bool      // print every operation
}

// Summary is what a run did.
type Summary struct {
	Seed        int64
	Steps       int
	Duration    time.Duration
	Ops         map[string]int
	OpTime      map[string]time.Duration // time spent in each kind of operation
	Requests    int                      // requests answered
	Results     int
	Codes       map[int]int // error answers by code
	Cancelled   int         // requests cancelled and answered -32800
	ServerReqs  map[string]int
	Notifs      map[string]int
	Checkpoints []int // steps at which diagnostics were compared
	Files       int   // files compared, over all checkpoints
	Diags       int   // diagnostics compared, over all checkpoints
	RSSStart    int64 // bytes
	RSSPeak     int64
	HWM         int64
	RSSEnd      int64
	HeapStart   int64 // live heap after the last GC before the start and end measures (GODEBUG=gctrace=1), or -1
	HeapEnd     int64
	ExitCode    int
	Garbage     string   // what the probe found
	Notes       []string // findings that do not fail the run
	Failures    []string
	Repeats     []int  // how many more times each failure was seen
	Dir         string // the temporary folder, when kept
}

// Failed reports whether anything went wrong.
func (s *Summary) Failed() bool { return len(s.Failures) > 0 }

// buffer is an open document as the client holds it.
type buffer struct {
	content []byte
	version int32
}

// abuser is one run.
type abuser struct {
	cfg      Config
	out      io.Writer
	rng      *rand.Rand
	tmp      string
	root     string // the workspace folder (holds .tasks)
	tasks    string // root/.tasks
	bin      string
	cmd      *exec.Cmd
	stdin    *os.File
	exited   chan struct{} // closed when the server process has exited
	exitCode int           // its exit code, once exited is closed
	c        *client

	ids          []string // IDs that exist (files, manifest, deferred)
	digits       int
	created      int
	open         map[string]*buffer // by path relative to .tasks
	files        []string           // files under .tasks, relative, sorted; nil when stale
	good         []byte             // the last manifest.json seen that parsed
	initialFiles int
	initial      map[string][]byte // the generated files, to put back at the end
	step         int
	start        time.Time
	ops          map[string]int
	opTime       map[string]time.Duration
	recent       []string
	oplog        *bufio.Writer
	oplogF       *os.File
	sum          *Summary
	seen         map[string]bool // differences already reported
	garbage      bool
	logPath      string
	rss          *rssSampler
	checkAt      map[int]bool
	applyQ       chan applyReq
	failIndex    map[string]int // failure key -> index in sum.Failures
}

// Run runs the tool once.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	if cfg.Tasks < 1 {
		cfg.Tasks = 1
	}
	if cfg.CheckEvery <= 0 {
		cfg.CheckEvery = 20 * time.Second
	}
	if cfg.RSSWait <= 0 {
		cfg.RSSWait = 30 * time.Second
	}
	a := &abuser{
		cfg: cfg, out: cfg.Out,
		rng:       rand.New(rand.NewPCG(uint64(cfg.Seed), 0xab05e)),
		open:      map[string]*buffer{},
		ops:       map[string]int{},
		opTime:    map[string]time.Duration{},
		seen:      map[string]bool{},
		checkAt:   map[int]bool{},
		applyQ:    make(chan applyReq, 4),
		sum:       &Summary{Seed: cfg.Seed},
		failIndex: map[string]int{},
	}
	for _, s := range cfg.CheckAt {
		a.checkAt[s] = true
	}
	var err error
	a.tmp, err = os.MkdirTemp("", "taskls-abuse-")
	if err != nil {
		return nil, err
	}
	err = a.run(ctx)
	if err != nil {
		a.fail("%v", err)
	}
	// what a run cut short did, too
	if a.c != nil && a.sum.Ops == nil {
		a.collect()
	}
	a.sum.Steps = a.step
	if a.sum.Duration == 0 && !a.start.IsZero() {
		a.sum.Duration = time.Since(a.start)
	}
	if a.rss != nil && a.sum.RSSPeak == 0 {
		a.sum.RSSPeak = a.rss.peakRSS()
	}
	if a.oplog != nil {
		a.oplog.Flush()
		a.oplogF.Close()
	}
	if a.cmd != nil {
		select {
		case <-a.exited:
		default:
			a.cmd.Process.Kill()
			<-a.exited
		}
	}
	if a.sum.Failed() || cfg.Keep {
		a.sum.Dir = a.tmp
	} else {
		os.RemoveAll(a.tmp)
	}
	return a.sum, nil
}

func (a *abuser) printf(format string, args ...any) {
	fmt.Fprintf(a.out, format, args...)
}

// fail records a failure with what is needed to repeat it.
// The same failure seen again is counted, not printed: request ids,
// goroutine numbers and addresses do not make it new.
func (a *abuser) fail(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	key := failNoise.ReplaceAllString(msg, "#")
	if i, ok := a.failIndex[key]; ok {
		a.sum.Repeats[i]++
		return
	}
	a.failIndex[key] = len(a.sum.Failures)
	a.sum.Failures = append(a.sum.Failures, fmt.Sprintf("seed %d, step %d: %s", a.cfg.Seed, a.step, msg))
	a.sum.Repeats = append(a.sum.Repeats, 0)
	if len(msg) > 1500 {
		msg = msg[:1500] + "…"
	}
	a.printf("FAIL seed %d, step %d: %s\n", a.cfg.Seed, a.step, msg)
	if len(a.recent) > 0 {
		a.printf("  last operations:\n    %s\n", strings.Join(a.recent, "\n    "))
	}
}

var failNoise = regexp.MustCompile(`\(id [^)]*\)|goroutine \d+|0x[0-9a-f]+|step \d+|\[:?\d+\]|length \d+|capacity \d+`)

func (a *abuser) run(ctx context.Context) error {
	a.bin = a.cfg.Bin
	if a.bin == "" {
		a.bin = filepath.Join(a.tmp, "taskls")
		a.printf("building taskls into %s\n", a.bin)
		cmd := exec.Command("go", "build", "-o", a.bin, "github.com/taskls/taskls/cmd/taskls")
		cmd.Stdout, cmd.Stderr = a.out, a.out
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("go build: %v", err)
		}
	}
	root := filepath.Join(a.tmp, "ws")
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	root, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	a.root, a.tasks = root, filepath.Join(root, ".tasks")
	res, err := gen.Write(root, gen.Options{Tasks: a.cfg.Tasks, Seed: a.cfg.Seed, Faults: a.cfg.Tasks >= gen.MinFaultTasks})
	if err != nil {
		return err
	}
	os.Remove(filepath.Join(root, "faults.json"))
	a.digits = res.Digits
	for _, t := range res.Tasks {
		a.ids = append(a.ids, t.ID)
	}
	a.ids = append(a.ids, res.Deferred...)
	a.good, _ = os.ReadFile(filepath.Join(a.tasks, "manifest.json"))
	a.initialFiles = len(a.listFiles())
	a.initial = map[string][]byte{}
	for _, f := range a.listFiles() {
		b, err := os.ReadFile(a.abs(f))
		if err != nil {
			return err
		}
		a.initial[f] = b
	}
	a.oplogF, err = os.Create(filepath.Join(a.tmp, "ops.log"))
	if err != nil {
		return err
	}
	a.oplog = bufio.NewWriter(a.oplogF)
	a.printf("taskls abuse: seed %d, %d tasks, workspace %s\n", a.cfg.Seed, a.cfg.Tasks, root)

	// a throw-away server first: negative ids, and whether invalid JSON in
	// a frame ends the session
	ok, detail, idProblem := probeGarbage(a.bin, a.tmp)
	if idProblem != "" {
		// LSP clients send positive ids: noted, not failed
		a.sum.Notes = append(a.sum.Notes, "negative ids: "+idProblem)
		a.printf("NOTE: %s\n", idProblem)
	}
	switch a.cfg.Garbage {
	case "on":
		a.garbage = true
		a.sum.Garbage = "on (forced); the probe says " + detail
	case "off":
		a.sum.Garbage = "off; the probe says " + detail
	default:
		a.garbage = ok
		a.sum.Garbage = detail
	}
	a.printf("invalid JSON in a frame: %s\n", a.sum.Garbage)

	if err := a.startServer(); err != nil {
		return err
	}
	if err := a.initialize(); err != nil {
		return err
	}
	a.rss = startRSS(a.cmd.Process.Pid)
	defer a.rss.stop()
	a.start = time.Now()
	if err := a.checkpoint(); err != nil {
		return err
	}
	a.provokeGC()
	a.sum.RSSStart = a.rss.now()
	a.sum.HeapStart = a.liveHeap()
	a.rss.resetPeak()

	deadline := a.start.Add(a.cfg.Duration)
	lastCheck := time.Now()
	lastStatus := time.Now()
	maxCheck := 0
	for _, s := range a.cfg.CheckAt {
		maxCheck = max(maxCheck, s)
	}
	for {
		if ctx.Err() != nil {
			break
		}
		if len(a.cfg.CheckAt) > 0 {
			if a.step >= maxCheck {
				break
			}
		} else if time.Now().After(deadline) {
			break
		}
		a.step++
		a.oneStep()
		if err := a.health(); err != nil {
			return err
		}
		if len(a.sum.Failures) > 20 {
			return errors.New("too many failures, stopping")
		}
		due := a.checkAt[a.step]
		if len(a.cfg.CheckAt) == 0 && time.Since(lastCheck) >= a.cfg.CheckEvery && time.Until(deadline) > a.cfg.CheckEvery/3 {
			due = true
		}
		if due {
			if err := a.checkpoint(); err != nil {
				return err
			}
			lastCheck = time.Now()
		}
		if time.Since(lastStatus) >= time.Minute {
			lastStatus = time.Now()
			a.printf("  %v: %d steps, %d checkpoints, RSS %s (peak %s)\n", time.Since(a.start).Round(time.Second), a.step,
				len(a.sum.Checkpoints), mb(a.rss.now()), mb(a.rss.peakRSS()))
		}
	}
	// the end: a last comparison, then the server must still answer and exit cleanly
	if a.sum.Checkpoints[len(a.sum.Checkpoints)-1] != a.step {
		if err := a.checkpoint(); err != nil {
			return err
		}
	}
	// memory is compared on the same files as at the start: put the
	// workspace back as it was generated (and compare once more)
	a.restore()
	if err := a.checkpoint(); err != nil {
		return err
	}
	// the runtime gives memory back to the system in the background, a
	// little at a time: measure once it stops shrinking (at most RSSWait)
	a.provokeGC()
	a.sum.RSSEnd = a.rss.now()
	wait := a.cfg.RSSWait
	for low, since, t := a.sum.RSSEnd, time.Now(), time.Now(); time.Since(t) < wait && time.Since(since) < wait/6; {
		time.Sleep(500 * time.Millisecond)
		if n := a.rss.now(); n < low-(256<<10) {
			low, since = n, time.Now()
		}
		a.sum.RSSEnd = min(a.sum.RSSEnd, a.rss.now())
	}
	a.sum.HeapEnd = a.liveHeap()
	a.sum.RSSPeak = a.rss.peakRSS()
	a.sum.HWM = a.rss.hwm()
	a.sum.Duration = time.Since(a.start)
	a.sum.Steps = a.step
	limit := a.sum.RSSStart*3/2 + 20<<20
	if a.sum.RSSEnd > limit {
		a.fail("RSS at the end %s is more than 1.5 x start (%s) + 20 MB = %s", mb(a.sum.RSSEnd), mb(a.sum.RSSStart), mb(limit))
	}
	res2, rerr, err := a.c.request("workspace/symbol", map[string]any{"query": "T"}, 30*time.Second)
	switch {
	case err != nil:
		return fmt.Errorf("the last request: %v", err)
	case rerr != nil:
		a.fail("the last request got an error: %v", rerr)
	case len(res2) == 0 || res2[0] != '[':
		a.fail("the last request (workspace/symbol) got %.100s, want a list", res2)
	}
	a.collect()
	if _, rerr, err := a.c.request("shutdown", nil, 30*time.Second); err != nil || rerr != nil {
		return fmt.Errorf("shutdown: %v %v", err, rerr)
	}
	a.c.notify("exit", nil)
	select {
	case <-a.exited:
		a.sum.ExitCode = a.exitCode
		if a.exitCode != 0 {
			a.fail("the server exited with code %d after shutdown and exit", a.exitCode)
		}
	case <-time.After(10 * time.Second):
		a.fail("the server did not exit within 10 s of exit")
		a.cmd.Process.Kill()
		<-a.exited
		a.sum.ExitCode = a.exitCode
	}
	a.stdin.Close()
	for _, v := range a.c.takeViolations() {
		a.fail("%s", v)
	}
	a.scanServerLog()
	return nil
}

// restore puts the workspace back as it was generated, with file events.
func (a *abuser) restore() {
	var evs []fileEvent
	for _, f := range a.listFiles() {
		if _, ok := a.initial[f]; !ok {
			os.Remove(a.abs(f))
			evs = append(evs, change(f, 3))
		}
	}
	for _, f := range sortedKeys(a.initial) {
		cur, err := os.ReadFile(a.abs(f))
		if err == nil && bytes.Equal(cur, a.initial[f]) {
			continue
		}
		a.writeDisk(f, a.initial[f])
		typ := 2
		if err != nil {
			typ = 1
		}
		evs = append(evs, change(f, typ))
	}
	a.files = nil
	// the folders the run made, now empty
	var dirs []string
	filepath.WalkDir(a.tasks, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && p != a.tasks {
			dirs = append(dirs, p)
		}
		return nil
	})
	for i := len(dirs) - 1; i >= 0; i-- {
		os.Remove(dirs[i]) // children first; fails unless empty
	}
	for len(evs) > 0 {
		n := min(len(evs), 100)
		a.watched(evs[:n]...)
		evs = evs[n:]
	}
	a.record("restore", "the workspace put back as it was generated")
}

// collect copies the client's counters into the summary.
func (a *abuser) collect() {
	c := a.c
	c.mu.Lock()
	defer c.mu.Unlock()
	a.sum.Ops = a.ops
	a.sum.OpTime = a.opTime
	a.sum.Results = c.results
	a.sum.Codes = map[int]int{}
	n := c.results
	for k, v := range c.codes {
		a.sum.Codes[k] = v
		n += v
	}
	a.sum.Requests = n
	a.sum.Cancelled = c.cancelled
	a.sum.ServerReqs = map[string]int{}
	for k, v := range c.serverReqs {
		a.sum.ServerReqs[k] = v
	}
	a.sum.Notifs = map[string]int{}
	for k, v := range c.notifs {
		a.sum.Notifs[k] = v
	}
}

// startServer starts `taskls serve` with pipes the tool owns (so that
// waiting for the process never closes what is still being read).
func (a *abuser) startServer() error {
	inR, inW, err := os.Pipe()
	if err != nil {
		return err
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		return err
	}
	a.logPath = filepath.Join(a.tmp, "server.log")
	logF, err := os.Create(a.logPath)
	if err != nil {
		return err
	}
	cmd := exec.Command(a.bin, "serve")
	cmd.Dir = a.root
	// the runtime's GC trace tells live heap from memory the runtime keeps
	cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, logF
	if err := cmd.Start(); err != nil {
		return err
	}
	inR.Close()
	outW.Close()
	logF.Close()
	a.cmd, a.stdin = cmd, inW
	a.exited = make(chan struct{})
	go func() {
		cmd.Wait()
		a.exitCode = cmd.ProcessState.ExitCode()
		close(a.exited)
	}()
	a.c = newClient(inW)
	a.c.answer = a.answer
	go a.c.readLoop(outR)
	return nil
}

// answer answers the server's requests as an editor does.
func (a *abuser) answer(method string, params json.RawMessage) (any, *rpcError) {
	switch method {
	case "client/registerCapability", "client/unregisterCapability", "window/workDoneProgress/create",
		"window/showMessageRequest", "window/showDocument":
		return nil, nil
	case "workspace/configuration":
		var p struct {
			Items []json.RawMessage `json:"items"`
		}
		json.Unmarshal(params, &p)
		return make([]any, len(p.Items)), nil
	case "workspace/workspaceFolders":
		return []any{map[string]any{"uri": fileURI(a.root), "name": "ws"}}, nil
	case "workspace/applyEdit":
		// applied by the operation loop, between two steps
		req := applyReq{params: params, done: make(chan applyResult, 1)}
		select {
		case a.applyQ <- req:
		case <-time.After(5 * time.Second):
			return map[string]any{"applied": false, "failureReason": "the client is busy"}, nil
		}
		select {
		case r := <-req.done:
			out := map[string]any{"applied": r.applied}
			if r.reason != "" {
				out["failureReason"] = r.reason
			}
			return out, nil
		case <-time.After(60 * time.Second):
			return map[string]any{"applied": false, "failureReason": "timed out"}, nil
		}
	}
	return nil, &rpcError{Code: codeMethodNotFound, Message: "method not found: " + method}
}

type applyReq struct {
	params json.RawMessage
	done   chan applyResult
}

type applyResult struct {
	applied bool
	reason  string
}

func (a *abuser) initialize() error {
	caps := map[string]any{
		"workspace": map[string]any{
			"applyEdit":              true,
			"workspaceEdit":          map[string]any{"documentChanges": true, "resourceOperations": []string{"create", "rename", "delete"}},
			"didChangeWatchedFiles":  map[string]any{"dynamicRegistration": true},
			"didChangeConfiguration": map[string]any{"dynamicRegistration": false},
			"configuration":          true,
			"workspaceFolders":       true,
			"symbol":                 map[string]any{},
			"executeCommand":         map[string]any{},
		},
		"textDocument": map[string]any{
			"synchronization":    map[string]any{"didSave": true, "willSave": true},
			"publishDiagnostics": map[string]any{"relatedInformation": true, "versionSupport": true},
			"hover":              map[string]any{"contentFormat": []string{"markdown", "plaintext"}},
			"completion":         map[string]any{"completionItem": map[string]any{"snippetSupport": false}},
			"rename":             map[string]any{"prepareSupport": true},
			"codeAction": map[string]any{"codeActionLiteralSupport": map[string]any{"codeActionKind": map[string]any{
				"valueSet": []string{"quickfix", "source", "source.fixAll"}}}},
		},
		"window":  map[string]any{"workDoneProgress": true},
		"general": map[string]any{"positionEncodings": []string{"utf-16"}},
	}
	params := map[string]any{
		"processId":        os.Getpid(),
		"clientInfo":       map[string]any{"name": "taskls-abuse"},
		"rootUri":          fileURI(a.root),
		"rootPath":         a.root,
		"workspaceFolders": []any{map[string]any{"uri": fileURI(a.root), "name": "ws"}},
		"capabilities":     caps,
	}
	res, rerr, err := a.c.request("initialize", params, 30*time.Second)
	if err != nil {
		return fmt.Errorf("initialize: %v", err)
	}
	if rerr != nil {
		return fmt.Errorf("initialize: %v", rerr)
	}
	var ir struct {
		Capabilities map[string]any `json:"capabilities"`
	}
	if err := json.Unmarshal(res, &ir); err != nil || ir.Capabilities == nil {
		return fmt.Errorf("initialize answered %.200s", res)
	}
	if err := a.c.notify("initialized", map[string]any{}); err != nil {
		return err
	}
	// the index is built in the background; $/progress ends when it is in
	deadline := time.Now().Add(2 * time.Minute)
	for {
		a.c.mu.Lock()
		done, rerr := a.c.progressEnd, a.c.readErr
		a.c.mu.Unlock()
		if done {
			return nil
		}
		if rerr != nil {
			return fmt.Errorf("the server went away while indexing: %v", rerr)
		}
		if time.Now().After(deadline) {
			return errors.New("no $/progress end within 2 minutes of initialized")
		}
		a.c.waitChange(100 * time.Millisecond)
	}
}

// health fails the run when the server died or broke the protocol.
func (a *abuser) health() error {
	for _, v := range a.c.takeViolations() {
		a.fail("protocol: %s", v)
	}
	a.c.mu.Lock()
	rerr := a.c.readErr
	a.c.mu.Unlock()
	if rerr != nil {
		select {
		case <-a.exited:
			return fmt.Errorf("the server is gone (exit code %d, read: %v); its log: %s", a.exitCode, rerr, a.logPath)
		case <-time.After(2 * time.Second):
			return fmt.Errorf("the server closed its output (%v); its log: %s", rerr, a.logPath)
		}
	}
	if o := a.c.oldest(); o != nil && time.Since(o.sent) > 60*time.Second {
		return fmt.Errorf("%s (id %s) unanswered for %v", o.method, o.id, time.Since(o.sent).Round(time.Second))
	}
	return nil
}

// scanServerLog fails on panics the server logged (recovered or not).
func (a *abuser) scanServerLog() {
	b, err := os.ReadFile(a.logPath)
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.Contains(line, "panic") || strings.Contains(line, "fatal error") || strings.Contains(line, "DATA RACE") {
			a.fail("the server logged: %s (log: %s)", line, a.logPath)
			return
		}
	}
}

// record notes an operation.
func (a *abuser) record(kind, desc string) {
	a.ops[kind]++
	line := fmt.Sprintf("%d %s: %s", a.step, kind, desc)
	if len(line) > 300 {
		line = line[:300] + "…"
	}
	a.recent = append(a.recent, line)
	if len(a.recent) > 30 {
		a.recent = a.recent[1:]
	}
	fmt.Fprintln(a.oplog, line)
	if a.cfg.Verbose {
		fmt.Fprintln(a.out, line)
	}
}

// listFiles lists the files under .tasks (relative, sorted).
func (a *abuser) listFiles() []string {
	if a.files != nil {
		return a.files
	}
	var out []string
	filepath.WalkDir(a.tasks, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(a.tasks, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	sort.Strings(out)
	if out == nil {
		out = []string{}
	}
	a.files = out
	return out
}

func (a *abuser) abs(rel string) string { return filepath.Join(a.tasks, filepath.FromSlash(rel)) }
func (a *abuser) uri(rel string) string { return fileURI(a.abs(rel)) }

// manifestParses reports whether content parses as taskls reads manifests.
func manifestParses(content []byte) bool { return manifest.Parse(content).Err == nil }

// probeGarbage finds out whether the server survives a frame whose body is
// not JSON, on a throw-away server.
func probeGarbage(bin, tmp string) (ok bool, detail, idProblem string) {
	dir, err := os.MkdirTemp(tmp, "probe-")
	if err != nil {
		return false, "probe failed: " + err.Error(), idProblem
	}
	os.MkdirAll(filepath.Join(dir, ".tasks", "tasks"), 0o755)
	cmd := exec.Command(bin, "serve")
	cmd.Dir = dir
	logBuf := &syncBuffer{}
	cmd.Stderr = logBuf
	in, err := cmd.StdinPipe()
	if err != nil {
		return false, "probe failed: " + err.Error(), idProblem
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return false, "probe failed: " + err.Error(), idProblem
	}
	if err := cmd.Start(); err != nil {
		return false, "probe failed: " + err.Error(), idProblem
	}
	c := newClient(in)
	c.answer = func(method string, params json.RawMessage) (any, *rpcError) { return nil, nil }
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); c.readLoop(out) }()
	defer func() {
		in.Close()
		cmd.Process.Kill()
		wg.Wait()
		cmd.Wait()
	}()
	if _, rerr, err := c.request("initialize", map[string]any{"rootUri": fileURI(dir), "capabilities": map[string]any{}}, 10*time.Second); err != nil || rerr != nil {
		return false, fmt.Sprintf("probe failed: initialize: %v %v", err, rerr), idProblem
	}
	c.notify("initialized", map[string]any{})
	// a negative id (LSP ids are integers of either sign, or strings) must
	// come back as it went
	neg := c.startRaw("workspace/symbol", expectValid, "-7")
	c.writeFrame([]byte(`{"jsonrpc":"2.0","id":-7,"method":"workspace/symbol","params":{"query":""}}`), "")
	if _, _, err := c.wait(neg, 5*time.Second); err != nil {
		idProblem = "a request with id -7 got no answer with id -7"
		for _, v := range c.takeViolations() {
			if strings.Contains(v, "not in flight") {
				idProblem += ": " + v
			}
		}
	}
	c.writeFrame([]byte(`{"jsonrpc":"2.0","id":777,"method":`), "")
	cl, err := c.start("workspace/symbol", map[string]any{"query": ""}, expectValid, "", nil)
	if err != nil {
		return false, "off: the server closed the connection (" + err.Error() + ")", idProblem
	}
	if _, rerr, err := c.wait(cl, 5*time.Second); err != nil || rerr != nil {
		c.mu.Lock()
		readErr := c.readErr
		c.mu.Unlock()
		why := "no answer after it"
		if readErr != nil {
			why = "the server closed the connection"
		}
		// the server logs why once it has stopped
		in.Close()
		done := make(chan struct{})
		go func() { wg.Wait(); cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(3 * time.Second):
		}
		log := ""
		for _, l := range strings.Split(logBuf.String(), "\n") {
			if strings.Contains(l, "lsp:") {
				log = l
				break
			}
		}
		return false, fmt.Sprintf("off: %s (server log: %s)", why, strings.TrimSpace(log)), idProblem
	}
	return true, "on: the server survives invalid JSON in a correct frame", idProblem
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// provokeGC makes the idle server collect garbage twice, so that the GC
// trace's live heap is that of the settled state: the server exposes no
// GC, but answering workspace/symbol allocates until one runs. At most 10 s.
func (a *abuser) provokeGC() {
	count := func() int {
		b, _ := os.ReadFile(a.logPath)
		return len(gcLine.FindAllIndex(b, -1))
	}
	n := count()
	for deadline := time.Now().Add(10 * time.Second); count() < n+2 && time.Now().Before(deadline); {
		for range 10 {
			a.c.start("workspace/symbol", map[string]any{"query": ""}, expectValid, "", nil)
		}
		if err := a.c.waitIdle(30 * time.Second); err != nil {
			return
		}
	}
}

var gcLine = regexp.MustCompile(`(\d+)->(\d+)->(\d+) MB`)

// liveHeap is the heap left by the server's last garbage collection, from
// the GC trace in its log, in bytes; -1 when there is none.
func (a *abuser) liveHeap() int64 {
	b, err := os.ReadFile(a.logPath)
	if err != nil {
		return -1
	}
	all := gcLine.FindAllSubmatch(b, -1)
	if len(all) == 0 {
		return -1
	}
	n, _ := strconv.ParseInt(string(all[len(all)-1][3]), 10, 64)
	return n << 20
}

func mb(n int64) string { return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB" }
