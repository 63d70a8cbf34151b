// Package lsp is taskls's protocol layer: it serves the analysis of the
// workspace to an editor over the Language Server Protocol.
package lsp

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Run serves one client over stream until it exits, and returns the exit code.
func Run(ctx context.Context, stream io.ReadWriteCloser, log io.Writer, version string) int {
	s := NewServer(log, version)
	defer s.Close()
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(indexGC)
		s.afterIndex = func() {
			debug.SetGCPercent(sessionGC)
			// a collection now: the last one counted the parse of the
			// files read just before it as live, and set the heap's goal
			// from that; the index's garbage pages go back to the system
			debug.FreeOSMemory()
		}
	}
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		defer acquireMemLimit()()
	}
	return Serve(ctx, stream, s, log)
}

// indexGC and sessionGC are the server process's GOGC while the first
// index is read and once it is in (unless GOGC is set). The heap is mostly
// the index, which lives as long as the session: collecting when the heap
// has grown by half of it, while indexing too, keeps the peak RSS of a
// 10k-task session at about 90 MB (GOGC 100 while indexing: 107 MB), with
// the same latencies and index time. 30 after the index gave about 83 MB,
// but requests that read files (references: each location in a file read
// again from disk) paid for it in assists to the more frequent
// collections: references p95 over 2 ms in two of eight 7-session runs at
// 10k, against at most 1.75 ms at 50 (node e2e/bench.mjs, 2026-11-29).
const (
	indexGC   = 50
	sessionGC = 50
)

// limitRatio and limitHeadroom set the process's soft memory limit from
// its live heap (see memLimit): the limit a little above the heap GOGC 50
// aims for, so that what it mostly bounds is the memory the heap holds
// beyond its objects.
const (
	limitRatio    = 1.5
	limitHeadroom = 8 << 20
	limitFloor    = 64 << 20
)

// Server holds the state of one session: the current snapshot, the open
// buffers, and the client's capabilities.
type Server struct {
	log     io.Writer
	version string

	mu       sync.Mutex
	snap     *workspace.Snapshot
	overlays map[string]*overlay // open buffers by path
	folders  []string

	notify glsp.NotifyFunc
	call   glsp.CallFunc

	cfg              *check.Config // the editor's settings (over each folder's taskls.yaml)
	watchedByClient  bool          // the client sends workspace/didChangeWatchedFiles for us
	workDoneProgress bool          // the client shows $/progress
	pullConfig       bool          // the client answers workspace/configuration
	ready            chan struct{} // closed when the first index is in
	indexing         bool          // the first index is being read
	lateDisk         []string      // disk events that came in meanwhile
	documentChanges  bool          // the client takes WorkspaceEdit.documentChanges

	// diagMu makes concurrent code actions compute the diagnostics of one
	// snapshot once; kept holds them (see diagnostics) while that snapshot
	// is the newest: every swap of the snapshot (apply, the first index, a
	// change of folders) and of the settings drops it (dropKept), so that
	// it never keeps an old snapshot (every file as it was) alive.
	diagMu    sync.Mutex
	kept      atomic.Pointer[keptDiagnostics]
	watcher   *watcher
	pub       *publisher
	closeOnce sync.Once

	pins sync.Map // *glsp.Context -> *pin: requests running off the read loop

	cfgMu     sync.Mutex
	cfgAsking bool // a workspace/configuration request waits for its answer
	cfgAgain  bool // ask once more when it comes

	// loadFirst reads the first index instead of workspace.Load (tests
	// hold the index with it).
	loadFirst func(folders []string) *workspace.Snapshot
	// afterIndex runs once the first index is in (Run sets the process's
	// garbage collection for the session with it).
	afterIndex func()
}

// overlay is an open buffer: its content wins over the file on disk.
type overlay struct {
	uri     string
	version int32
	content []byte
}

// NewServer returns a server with an empty snapshot.
func NewServer(log io.Writer, version string) *Server {
	if log == nil {
		log = io.Discard
	}
	s := &Server{log: log, version: version, snap: &workspace.Snapshot{}, overlays: map[string]*overlay{}}
	s.pub = newPublisher(s)
	return s
}

// Close stops the server's background work.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.pub.stop()
		s.mu.Lock()
		w := s.watcher
		s.watcher = nil
		s.mu.Unlock()
		if w != nil {
			w.close()
		}
	})
}

// setConfig replaces the editor's settings.
func (s *Server) setConfig(cfg *check.Config) {
	s.mu.Lock()
	s.cfg = cfg
	s.mu.Unlock()
	s.dropKept()
}

// config returns the editor's settings.
func (s *Server) config() *check.Config {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

// requestConfig asks a client that offers workspace/configuration for the
// `taskls` section, from its own goroutine (never on the read loop).
//
// One request is out at a time: a notification that comes while one waits
// for its answer only makes it ask once more afterwards, so a client that
// never answers (or never reads) costs one goroutine, not one per
// notification.
func (s *Server) requestConfig(call glsp.CallFunc) {
	if !s.pullConfig || call == nil {
		return
	}
	s.cfgMu.Lock()
	if s.cfgAsking {
		s.cfgAgain = true
		s.cfgMu.Unlock()
		return
	}
	s.cfgAsking = true
	s.cfgMu.Unlock()
	go func() {
		for {
			var res []json.RawMessage
			call("workspace/configuration", map[string]any{"items": []map[string]any{{"section": "taskls"}}}, &res)
			if len(res) > 0 && string(res[0]) != "null" {
				cfg, notes := parseSettings(res[0])
				for _, n := range notes {
					s.logf("%s", n)
				}
				if cfg != nil {
					s.setConfig(cfg)
					s.pub.kick()
				}
			}
			s.cfgMu.Lock()
			if !s.cfgAgain {
				s.cfgAsking = false
				s.cfgMu.Unlock()
				return
			}
			s.cfgAgain = false
			s.cfgMu.Unlock()
		}
	}()
}

func (s *Server) didChangeConfiguration(ctx *glsp.Context, p *struct {
	Settings json.RawMessage `json:"settings"`
}) (any, error) {
	if len(p.Settings) == 0 || string(p.Settings) == "null" || string(p.Settings) == "{}" {
		// the client says only that something changed: ask
		s.requestConfig(ctx.Call)
		return nil, nil
	}
	cfg, notes := parseSettings(p.Settings)
	for _, n := range notes {
		s.logf("%s", n)
	}
	if cfg != nil {
		s.setConfig(cfg)
		s.pub.kick()
	}
	return nil, nil
}

// current returns the newest snapshot.
func (s *Server) current() *workspace.Snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.snap
}

// apply swaps in the snapshot with changes applied and schedules diagnostics.
func (s *Server) apply(changes []workspace.Change) {
	if len(changes) == 0 {
		return
	}
	s.mu.Lock()
	old := s.snap
	s.snap = s.snap.Apply(changes)
	next := s.snap
	s.mu.Unlock()
	s.dropKept()
	if len(changes) <= maxQuick {
		s.pub.touch(affected(old, next, changes))
	}
	s.pub.kick()
}

// affected lists the files whose diagnostics a change may alter at once:
// the changed files, and every file that names a task they define (before
// or after the change). A change that leaves a file's content as it was
// (opening a file, closing an unmodified buffer) alters only that file's
// diagnostics: their version.
func affected(old, next *workspace.Snapshot, changes []workspace.Change) []string {
	seen := map[string]bool{}
	var out []string
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, ch := range changes {
		add(ch.Path)
		r := next.RootOf(ch.Path)
		if r == nil {
			continue
		}
		if od, nd := old.Doc(ch.Path), next.Doc(ch.Path); od != nil && nd != nil && od.Serial() != 0 && od.Serial() == nd.Serial() {
			continue // Apply found the same bytes and kept the parse
		}
		for _, d := range []*workspace.Doc{old.Doc(ch.Path), next.Doc(ch.Path)} {
			if !d.IsTask() {
				continue
			}
			for l := range r.Refs(d.Task.ID()) {
				// not manifest.json: its checks go over the whole manifest,
				// so it waits for the full pass (unless it was edited)
				if l.Doc.Kind != workspace.KindManifest {
					add(l.Doc.Path)
				}
			}
			for _, def := range r.Defs.At(d.Task.ID()) {
				add(def.Doc.Path)
			}
		}
	}
	return out
}

func (s *Server) logf(format string, args ...any) {
	fmt.Fprintf(s.log, "taskls: "+format+"\n", args...)
}

// handlers maps each method to its handler.
var handlers = map[string]func(s *Server, ctx *glsp.Context) (any, error){
	"initialize":                          params((*Server).initialize),
	"initialized":                         params((*Server).initialized),
	"shutdown":                            func(s *Server, _ *glsp.Context) (any, error) { return nil, s.shutdown() },
	"exit":                                func(s *Server, _ *glsp.Context) (any, error) { s.Close(); return nil, nil },
	"textDocument/didOpen":                params((*Server).didOpen),
	"textDocument/didChange":              params((*Server).didChange),
	"textDocument/didClose":               params((*Server).didClose),
	"textDocument/didSave":                func(*Server, *glsp.Context) (any, error) { return nil, nil },
	"textDocument/willSave":               func(*Server, *glsp.Context) (any, error) { return nil, nil },
	"workspace/didChangeWatchedFiles":     params((*Server).didChangeWatchedFiles),
	"workspace/didChangeWorkspaceFolders": params((*Server).didChangeWorkspaceFolders),
	"workspace/didChangeConfiguration":    params((*Server).didChangeConfiguration),
	"textDocument/hover":                  params((*Server).hover),
	"textDocument/definition":             params((*Server).definition),
	"textDocument/completion":             params((*Server).completion),
	"completionItem/resolve":              params((*Server).completionResolve),
	"textDocument/codeAction":             params((*Server).codeAction),
	"workspace/executeCommand":            params((*Server).executeCommand),
	"textDocument/references":             params((*Server).references),
	"textDocument/prepareRename":          params((*Server).prepareRename),
	"textDocument/rename":                 params((*Server).rename),
	"textDocument/documentSymbol":         params((*Server).documentSymbol),
	"workspace/symbol":                    params((*Server).workspaceSymbol),
	"textDocument/documentLink":           params((*Server).documentLink),
	"textDocument/codeLens":               params((*Server).codeLens),
	"textDocument/inlayHint":              params((*Server).inlayHint),
	"textDocument/foldingRange":           params((*Server).foldingRange),
	"textDocument/prepareCallHierarchy":   params((*Server).prepareCallHierarchy),
	"callHierarchy/incomingCalls":         params((*Server).incomingCalls),
	"callHierarchy/outgoingCalls":         params((*Server).outgoingCalls),
	"$/cancelRequest":                     func(*Server, *glsp.Context) (any, error) { return nil, nil },
	"$/setTrace":                          func(*Server, *glsp.Context) (any, error) { return nil, nil },
}

// params adapts a handler taking decoded parameters; parameters that do not
// decode are answered with InvalidParams.
func params[P any, R any](fn func(s *Server, ctx *glsp.Context, p *P) (R, error)) func(*Server, *glsp.Context) (any, error) {
	return func(s *Server, ctx *glsp.Context) (any, error) {
		var p P
		if len(ctx.Params) > 0 && string(ctx.Params) != "null" {
			if err := json.Unmarshal(ctx.Params, &p); err != nil {
				return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: "invalid params for " + ctx.Method + ": " + err.Error()}
			}
		}
		return fn(s, ctx, &p)
	}
}

// Dispatch handles one message; it runs on the connection's read loop. The
// connection sends it the notifications, initialize and shutdown; other
// requests go through Prepare. A request that needs the index waits for it
// here, holding up the read loop.
func (s *Server) Dispatch(ctx *glsp.Context) (any, error) {
	h, ok := handlers[ctx.Method]
	if !ok {
		return nil, ErrUnhandled
	}
	s.bind(ctx)
	if !noWait[ctx.Method] {
		s.waitReady()
	}
	return h(s, ctx)
}

// bind keeps the connection's Notify and Call for the server's own
// goroutines (the first message that carries them; on the read loop).
func (s *Server) bind(ctx *glsp.Context) {
	if s.notify == nil && ctx.Notify != nil {
		s.notify, s.call = ctx.Notify, ctx.Call
	}
}

// pin is what a request running off the read loop works on: the snapshot
// it was prepared with, and its cancellation.
type pin struct {
	ctx  context.Context
	snap *workspace.Snapshot
}

// Prepare implements Preparer: every request that needs the index runs off
// the read loop, so that it can be cancelled and the read loop goes on
// applying edits meanwhile.
//
// Prepare runs on the read loop, after every notification sent before the
// request has been applied, and takes the snapshot then: the handler works
// on exactly that snapshot (through snapshot), whatever edits come in while
// it runs. Before the first index is in there is no such snapshot yet: the
// request then waits for the index (cancellably, off the read loop) and
// works on the newest snapshot once it is in, which holds every edit sent
// before the request, and maybe later ones. Handlers that read s.current()
// directly (codeAction, executeCommand) work on the newest snapshot when
// they start, which is never older than the prepared one.
//
// The handler does not start once its request is cancelled, and the slow
// ones check s.cancelled between their phases.
func (s *Server) Prepare(ctx *glsp.Context) (func(context.Context) (any, error), error) {
	h, ok := handlers[ctx.Method]
	if !ok {
		return nil, ErrUnhandled
	}
	s.bind(ctx)
	if noWait[ctx.Method] || ctx.Method == "workspace/didChangeWorkspaceFolders" {
		// lifecycle, and notifications sent as requests by mistake (they
		// change the server's state): on the read loop, see Dispatch
		return nil, nil
	}
	var snap *workspace.Snapshot
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	if isClosed(ready) {
		// The index swaps its snapshot in before it closes ready: read the
		// snapshot after seeing ready closed, not before.
		snap = s.current()
	}
	return func(rctx context.Context) (any, error) {
		if snap == nil {
			select {
			case <-ready:
			case <-rctx.Done():
				return nil, rctx.Err()
			}
			snap = s.current()
		}
		if err := rctx.Err(); err != nil {
			return nil, err
		}
		s.pins.Store(ctx, &pin{ctx: rctx, snap: snap})
		defer s.pins.Delete(ctx)
		return h(s, ctx)
	}, nil
}

// isClosed reports whether ready is nil (no index to wait for) or closed.
func isClosed(ready chan struct{}) bool {
	if ready == nil {
		return true
	}
	select {
	case <-ready:
		return true
	default:
		return false
	}
}

// snapshot is the snapshot the handler of ctx's request works on: the one
// Prepare took for it, else (on the read loop) the newest.
func (s *Server) snapshot(ctx *glsp.Context) *workspace.Snapshot {
	if p, ok := s.pins.Load(ctx); ok {
		return p.(*pin).snap
	}
	return s.current()
}

// cancelled returns -32800 once the client has cancelled ctx's request (or
// the connection has ended), else nil. Slow handlers check it between their
// phases.
func (s *Server) cancelled(ctx *glsp.Context) error {
	if p, ok := s.pins.Load(ctx); ok && p.(*pin).ctx.Err() != nil {
		return ErrRequestCancelled("request cancelled: %s", ctx.Method)
	}
	return nil
}

func (s *Server) shutdown() error {
	s.pub.stop()
	s.mu.Lock()
	w := s.watcher
	s.watcher = nil
	s.mu.Unlock()
	if w != nil {
		w.close()
	}
	return nil
}

func (s *Server) initialize(ctx *glsp.Context, p *protocol.InitializeParams) (any, error) {
	var folders []string
	for _, f := range p.WorkspaceFolders {
		if path := uriToPath(f.URI); path != "" {
			folders = append(folders, path)
		}
	}
	if len(folders) == 0 && p.RootURI != nil {
		if path := uriToPath(*p.RootURI); path != "" {
			folders = append(folders, path)
		}
	}
	if len(folders) == 0 && p.RootPath != nil && *p.RootPath != "" {
		folders = append(folders, *p.RootPath)
	}
	s.folders = folders
	if p.InitializationOptions != nil {
		raw, _ := json.Marshal(p.InitializationOptions)
		cfg, notes := parseSettings(raw)
		for _, n := range notes {
			s.logf("%s", n)
		}
		s.setConfig(cfg)
	}
	if ws := p.Capabilities.Workspace; ws != nil && ws.Configuration != nil && *ws.Configuration {
		s.pullConfig = true
	}
	if w := p.Capabilities.Window; w != nil && w.WorkDoneProgress != nil && *w.WorkDoneProgress {
		s.workDoneProgress = true
	}
	if ws := p.Capabilities.Workspace; ws != nil && ws.WorkspaceEdit != nil && ws.WorkspaceEdit.DocumentChanges != nil && *ws.WorkspaceEdit.DocumentChanges {
		s.documentChanges = true
	}
	if ws := p.Capabilities.Workspace; ws != nil && ws.DidChangeWatchedFiles != nil &&
		ws.DidChangeWatchedFiles.DynamicRegistration != nil && *ws.DidChangeWatchedFiles.DynamicRegistration {
		s.watchedByClient = true
	}
	return initializeResult(s.version), nil
}

// initializeResult states the server's capabilities. It is written out in
// full rather than through glsp's 3.16 structs so that what the client reads
// is exactly what is here.
func initializeResult(version string) map[string]any {
	return map[string]any{
		"capabilities": map[string]any{
			"textDocumentSync": map[string]any{
				"openClose": true,
				"change":    2, // incremental
				"save":      map[string]any{"includeText": false},
			},
			"hoverProvider":      true,
			"definitionProvider": true,
			"completionProvider": map[string]any{
				"triggerCharacters": []string{"[", ",", "\"", " ", "-"},
				"resolveProvider":   true,
			},
			"referencesProvider":      true,
			"renameProvider":          map[string]any{"prepareProvider": true},
			"documentSymbolProvider":  true,
			"workspaceSymbolProvider": true,
			"documentLinkProvider":    map[string]any{"resolveProvider": false},
			"codeLensProvider":        map[string]any{"resolveProvider": false},
			"inlayHintProvider":       true,
			"foldingRangeProvider":    true,
			"callHierarchyProvider":   true,
			"executeCommandProvider":  map[string]any{"commands": commands},
			"codeActionProvider": map[string]any{
				"codeActionKinds": []string{"quickfix", kindFixAll, kindSyncManifest, kindNewTask},
			},
			"workspace": map[string]any{
				"workspaceFolders": map[string]any{"supported": true, "changeNotifications": true},
			},
		},
		"serverInfo": map[string]any{"name": "taskls", "version": version},
	}
}

func (s *Server) initialized(ctx *glsp.Context, _ *protocol.InitializedParams) (any, error) {
	// Watch before reading, so that nothing written during the read is missed.
	if s.watchedByClient {
		call := ctx.Call
		go func() {
			// a server->client request: never on the read loop
			var res any
			call("client/registerCapability", map[string]any{
				"registrations": []map[string]any{{
					"id":     "taskls-watch",
					"method": "workspace/didChangeWatchedFiles",
					"registerOptions": map[string]any{
						"watchers": []map[string]any{
							{"globPattern": "**/.tasks/**"},
							{"globPattern": "**/.tasks"},
						},
					},
				}},
			}, &res)
		}()
	} else {
		w, err := newWatcher(s, s.folders)
		if err != nil {
			s.logf("cannot watch the workspace for changes on disk: %v", err)
		} else {
			s.mu.Lock()
			s.watcher = w
			s.mu.Unlock()
		}
	}
	// Index in the background, with $/progress when the client shows it;
	// requests wait for the index (see Dispatch), edits meanwhile are kept
	// as overlays and applied on top of it.
	ready := make(chan struct{})
	s.mu.Lock()
	s.ready = ready
	s.indexing = true
	s.mu.Unlock()
	s.requestConfig(ctx.Call)
	// The progress token is created by the client; indexing does not wait
	// for that (the read loop may be busy): progress begins when the token
	// is there and ends with the index (at once if it is already in).
	var pmu sync.Mutex
	began, indexed, indexMsg := false, false, ""
	notify, folders := ctx.Notify, s.folders
	if s.workDoneProgress {
		call := ctx.Call
		go func() {
			var res any
			call("window/workDoneProgress/create", map[string]any{"token": progressToken}, &res)
			pmu.Lock()
			defer pmu.Unlock()
			began = true
			notify("$/progress", map[string]any{"token": progressToken, "value": map[string]any{"kind": "begin", "title": "Indexing .tasks folders", "cancellable": false}})
			if indexed {
				notify("$/progress", map[string]any{"token": progressToken, "value": map[string]any{"kind": "end", "message": indexMsg}})
			}
		}()
	}
	go func() {
		var closeReady sync.Once
		defer func() {
			// never leave requests waiting on an index that failed
			if r := recover(); r != nil {
				s.logf("panic while indexing: %v\n%s", r, debug.Stack())
				s.mu.Lock()
				s.indexing, s.lateDisk = false, nil
				s.mu.Unlock()
			}
			closeReady.Do(func() { close(ready) })
		}()
		start := time.Now()
		load := workspace.Load
		if s.loadFirst != nil {
			load = s.loadFirst
		}
		snap := load(folders)
		tasks := 0
		for _, r := range snap.Roots {
			tasks += r.Defs.Len()
		}
		s.mu.Lock()
		// open buffers win over the disk
		var changes []workspace.Change
		for path, o := range s.overlays {
			changes = append(changes, workspace.Change{Path: path, Content: o.content, Version: o.version})
		}
		snap.Seq = s.snap.Seq + 1
		s.snap = snap.Apply(changes)
		late := s.lateDisk
		s.lateDisk, s.indexing = nil, false
		s.mu.Unlock()
		s.dropKept()
		if len(late) > 0 {
			// files that changed on disk while the index was read
			s.diskChanged(late)
		}
		msg := fmt.Sprintf("indexed %d tasks in %d .tasks folder(s) in %d ms", tasks, len(snap.Roots), time.Since(start).Milliseconds())
		s.logf("%s", msg)
		pmu.Lock()
		indexed, indexMsg = true, msg
		if began {
			notify("$/progress", map[string]any{"token": progressToken, "value": map[string]any{"kind": "end", "message": msg}})
		}
		pmu.Unlock()
		// (the session's settings before any request sees the index)
		if s.afterIndex != nil {
			s.afterIndex()
		}
		closeReady.Do(func() { close(ready) })
		s.pub.start()
		s.pub.kick()
	}()
	return nil, nil
}

// progressToken names the indexing progress.
const progressToken = "taskls-index"

// waitReady blocks until the first index is in (requests need it). Only
// what Dispatch handles waits here, on the read loop; requests that Prepare
// handles wait off it, and can be cancelled meanwhile.
func (s *Server) waitReady() {
	s.mu.Lock()
	ready := s.ready
	s.mu.Unlock()
	if ready != nil {
		<-ready
	}
}

// noWait are the methods that do not need the index; Prepare leaves them
// to Dispatch.
var noWait = map[string]bool{
	"initialize": true, "initialized": true, "shutdown": true, "exit": true,
	"textDocument/didOpen": true, "textDocument/didChange": true, "textDocument/didClose": true,
	"textDocument/didSave": true, "textDocument/willSave": true, "$/cancelRequest": true, "$/setTrace": true,
	"workspace/didChangeWatchedFiles": true, "workspace/didChangeConfiguration": true,
}

func (s *Server) didOpen(_ *glsp.Context, p *protocol.DidOpenTextDocumentParams) (any, error) {
	path := uriToPath(p.TextDocument.URI)
	if path == "" {
		return nil, nil
	}
	content := []byte(p.TextDocument.Text)
	s.mu.Lock()
	s.overlays[path] = &overlay{uri: p.TextDocument.URI, version: p.TextDocument.Version, content: content}
	s.mu.Unlock()
	s.pub.reopen(pathToURI(path))
	s.apply([]workspace.Change{{Path: path, Content: content, Version: p.TextDocument.Version}})
	return nil, nil
}

func (s *Server) didChange(_ *glsp.Context, p *protocol.DidChangeTextDocumentParams) (any, error) {
	path := uriToPath(p.TextDocument.URI)
	s.mu.Lock()
	o := s.overlays[path]
	s.mu.Unlock()
	if o == nil {
		s.logf("didChange for %s, which is not open: ignored", p.TextDocument.URI)
		return nil, nil
	}
	content := o.content
	for _, ch := range p.ContentChanges {
		switch ch := ch.(type) {
		case protocol.TextDocumentContentChangeEventWhole:
			content = []byte(ch.Text)
		case protocol.TextDocumentContentChangeEvent:
			content = applyEdit(content, ch)
		}
	}
	if p.TextDocument.Version < o.version {
		s.logf("didChange for %s goes back from version %d to %d", p.TextDocument.URI, o.version, p.TextDocument.Version)
	}
	s.mu.Lock()
	s.overlays[path] = &overlay{uri: o.uri, version: p.TextDocument.Version, content: content}
	s.mu.Unlock()
	s.apply([]workspace.Change{{Path: path, Content: content, Version: p.TextDocument.Version}})
	return nil, nil
}

func (s *Server) didClose(_ *glsp.Context, p *protocol.DidCloseTextDocumentParams) (any, error) {
	path := uriToPath(p.TextDocument.URI)
	s.mu.Lock()
	delete(s.overlays, path)
	s.mu.Unlock()
	s.pub.closed(pathToURI(path))
	// the file on disk takes over again
	s.apply([]workspace.Change{diskChange(path)})
	return nil, nil
}

// diskChange reads path from disk as the index reads it: its content (at
// most workspace.MaxFileSize), its deletion when it is gone or is not a
// regular file (symbolic links are not followed), or an unreadable file.
func diskChange(path string) workspace.Change {
	return workspace.ReadChange(path)
}

func (s *Server) didChangeWatchedFiles(_ *glsp.Context, p *protocol.DidChangeWatchedFilesParams) (any, error) {
	var paths []string
	for _, ev := range p.Changes {
		if path := uriToPath(ev.URI); path != "" {
			paths = append(paths, path)
		}
	}
	s.diskChanged(paths)
	return nil, nil
}

// diskChanged re-reads paths (files or folders) from disk, leaving open
// buffers alone.
func (s *Server) diskChanged(paths []string) {
	var changes []workspace.Change
	s.mu.Lock()
	open := make(map[string]bool, len(s.overlays))
	for p := range s.overlays {
		open[p] = true
	}
	if s.indexing {
		// the first index is being read: read these again once it is in
		s.lateDisk = append(s.lateDisk, paths...)
	}
	s.mu.Unlock()
	for _, path := range paths {
		if open[path] {
			continue
		}
		st, err := os.Lstat(path)
		switch {
		case err != nil:
			changes = append(changes, workspace.Change{Path: path, Deleted: true})
		case st.IsDir():
			found := walkFiles(path, open)
			// what left first: deleting a path drops everything under it
			changes = append(changes, goneUnder(s.current(), path, found, open)...)
			changes = append(changes, found...)
		default:
			changes = append(changes, diskChange(path))
		}
	}
	s.apply(changes)
}

func (s *Server) didChangeWorkspaceFolders(_ *glsp.Context, p *protocol.DidChangeWorkspaceFoldersParams) (any, error) {
	removed := map[string]bool{}
	for _, f := range p.Event.Removed {
		removed[uriToPath(f.URI)] = true
	}
	var folders []string
	for _, f := range s.folders {
		if !removed[f] {
			folders = append(folders, f)
		}
	}
	for _, f := range p.Event.Added {
		if path := uriToPath(f.URI); path != "" {
			folders = append(folders, path)
		}
	}
	s.folders = folders
	snap := workspace.Load(folders)
	s.mu.Lock()
	var changes []workspace.Change
	for path, o := range s.overlays {
		changes = append(changes, workspace.Change{Path: path, Content: o.content, Version: o.version})
	}
	snap.Seq = s.snap.Seq + 1
	s.snap = snap.Apply(changes)
	w := s.watcher
	s.mu.Unlock()
	s.dropKept()
	if w != nil {
		w.reset(folders)
	}
	s.pub.kick()
	return nil, nil
}
