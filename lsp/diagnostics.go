package lsp

import (
	"encoding/json"
	"hash/maphash"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// publisher computes diagnostics for the newest snapshot in one goroutine
// and publishes, per file, only what changed, with the document's version.
type publisher struct {
	s       *Server
	signal  chan struct{}
	done    chan struct{}
	stopped chan struct{}
	once    sync.Once
	started bool
	mu      sync.Mutex

	// The files whose last publish was not empty (worker only): path ->
	// the JSON last published, and what it was made from.
	sent map[string]sentJSON
	raw  map[string]sentFindings

	// published is the Seq of the newest snapshot whose diagnostics have all
	// been published (tests wait for it to reach the current snapshot).
	published atomic.Uint64

	reopenMu sync.Mutex
	reopened map[string]bool // uris just opened: publish even when unchanged

	touchMu sync.Mutex
	touched map[string]bool // files an edit affected, for the quick first pass
}

// reopen makes the next publish of uri happen even when its diagnostics did
// not change: clients that keep the diagnostics of open documents only
// (ALE, Eglot) dropped what was published before the document was opened.
func (p *publisher) reopen(uri string) {
	p.reopenMu.Lock()
	if p.reopened == nil {
		p.reopened = map[string]bool{}
	}
	p.reopened[uri] = true
	p.reopenMu.Unlock()
}

// closed forgets a reopen not yet published: a document closed before the
// publisher got to it has nothing to force. Without this, a document that
// is never published (a file outside every .tasks folder, or one taskls does
// not read) stayed in reopened for the rest of the session, one entry per
// such file ever opened.
func (p *publisher) closed(uri string) {
	p.reopenMu.Lock()
	delete(p.reopened, uri)
	p.reopenMu.Unlock()
}

// touch records files whose diagnostics an edit may have changed: they are
// published first, from a quick pass over them alone.
func (p *publisher) touch(paths []string) {
	p.touchMu.Lock()
	if p.touched == nil {
		p.touched = map[string]bool{}
	}
	for _, x := range paths {
		p.touched[x] = true
	}
	p.touchMu.Unlock()
}

func (p *publisher) takeTouched() []string {
	p.touchMu.Lock()
	defer p.touchMu.Unlock()
	out := make([]string, 0, len(p.touched))
	for x := range p.touched {
		out = append(out, x)
	}
	p.touched = nil
	return out
}

func newPublisher(s *Server) *publisher {
	return &publisher{s: s, signal: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{}), sent: map[string]sentJSON{}}
}

func (p *publisher) start() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.started {
		return
	}
	p.started = true
	go p.loop()
}

// kick asks for diagnostics of the newest snapshot.
func (p *publisher) kick() {
	select {
	case p.signal <- struct{}{}:
	default:
	}
}

func (p *publisher) stop() {
	p.once.Do(func() {
		close(p.done)
		p.mu.Lock()
		started := p.started
		p.mu.Unlock()
		if started {
			<-p.stopped
		}
	})
}

func (p *publisher) loop() {
	defer close(p.stopped)
	var idle <-chan time.Time
	for {
		select {
		case <-p.done:
			return
		case <-idle:
			// nothing to check for a while: give back to the system what the
			// last rounds (and the index) left behind, so that an editor left
			// open does not sit on the peak of a check run
			idle = nil
			debug.FreeOSMemory()
			continue
		case <-p.signal:
		}
		p.round()
		idle = time.After(idleFree)
	}
}

// idleFree is how long the publisher waits with nothing to do before it
// returns freed memory to the system.
const idleFree = 3 * time.Second

// round computes and publishes the diagnostics of the newest snapshot. A
// panic in a check is logged and the round abandoned: the server keeps
// serving, and the next change tries again.
func (p *publisher) round() {
	defer func() {
		if r := recover(); r != nil {
			p.s.logf("panic while checking the workspace: %v\n%s", r, debug.Stack())
		}
	}()
	{
		snap := p.s.current()
		cfg := p.s.config()
		if touched := p.takeTouched(); len(touched) > 0 && len(touched) <= maxQuick {
			// first the files the edit touched, from a pass over them alone
			only := map[string]bool{}
			for _, x := range touched {
				only[x] = true
			}
			p.publishSome(snap, check.RunFiles(snap, cfg, touched), only)
		}
		// a newer snapshot waiting makes this run useless: drop it as soon
		// as one comes (typing never waits for a whole-workspace run)
		newer := func() bool { return p.s.current().Seq != snap.Seq }
		diags, done := check.RunUntil(snap, cfg, newer)
		if !done || newer() {
			p.kick()
			return
		}
		p.publish(snap, diags)
		p.published.Store(snap.Seq)
	}
}

// maxQuick bounds the files of a quick first pass (a git checkout touching
// thousands of files goes straight to the full pass).
const maxQuick = 200

// publishSome sends the diagnostics of the given files only.
func (p *publisher) publishSome(snap *workspace.Snapshot, diags map[string][]check.Diagnostic, only map[string]bool) {
	notify := p.s.notify
	if notify == nil {
		return
	}
	for path := range only {
		d := snap.Doc(path)
		if d == nil || d.Kind == workspace.KindOther {
			continue
		}
		p.send(snap, d, diags[path], notify)
	}
}

// send publishes one file's diagnostics if they differ from the last sent.
// Only files with something published are remembered: a clean file never
// reported, or cleared since, costs nothing between rounds (thousands of
// them in a large workspace).
func (p *publisher) send(snap *workspace.Snapshot, d *workspace.Doc, ds []check.Diagnostic, notify func(string, any)) {
	force := false
	p.reopenMu.Lock()
	if len(p.reopened) > 0 {
		uri := pathToURI(d.Path)
		force = p.reopened[uri]
		delete(p.reopened, uri)
	}
	p.reopenMu.Unlock()
	prevSent, wasSent := p.sent[d.Path]
	if len(ds) == 0 {
		// a clean file: cleared if something was said (or it was just
		// reopened), and forgotten
		if wasSent || force {
			delete(p.sent, d.Path)
			delete(p.raw, d.Path)
			p.clear(d, notify)
		}
		return
	}
	// the same doc with the same findings (related docs unchanged too)
	// publishes the same: skip converting positions, which for a file read
	// from disk means reading it again
	rel := relatedDocs(snap, ds)
	if prev, ok := p.raw[d.Path]; ok && !force && prev.doc == d && sameFindings(prev.diags, ds) && slices.Equal(prev.rel, rel) {
		return
	}
	list := make([]protocol.Diagnostic, 0, len(ds))
	for _, dg := range ds {
		list = append(list, toDiagnostic(snap, d, dg))
	}
	params := protocol.PublishDiagnosticsParams{URI: pathToURI(d.Path), Diagnostics: list}
	if d.Version >= 0 {
		v := protocol.UInteger(d.Version)
		params.Version = &v
	}
	key, _ := json.Marshal(list)
	sum := sentJSON{sum: maphash.Bytes(sentSeed, key)}
	if p.raw == nil {
		p.raw = map[string]sentFindings{}
	}
	p.raw[d.Path] = sentFindings{doc: d, diags: ds, rel: rel}
	p.sent[d.Path] = sum
	if wasSent && prevSent == sum && !force {
		return
	}
	notify("textDocument/publishDiagnostics", params)
}

// clear publishes an empty list for a file whose diagnostics were sent.
func (p *publisher) clear(d *workspace.Doc, notify func(string, any)) {
	params := protocol.PublishDiagnosticsParams{URI: pathToURI(d.Path), Diagnostics: []protocol.Diagnostic{}}
	if d.Version >= 0 {
		v := protocol.UInteger(d.Version)
		params.Version = &v
	}
	notify("textDocument/publishDiagnostics", params)
}

// sentJSON stands for the JSON of a publish: its hash (thousands of files'
// diagnostics are not kept twice).
type sentJSON struct {
	sum uint64
}

var sentSeed = maphash.MakeSeed()

// sentFindings is what the last publish of a file was made from.
type sentFindings struct {
	doc   *workspace.Doc
	diags []check.Diagnostic
	rel   []*workspace.Doc // the docs related information points into
}

func relatedDocs(snap *workspace.Snapshot, ds []check.Diagnostic) []*workspace.Doc {
	var out []*workspace.Doc
	for _, dg := range ds {
		for _, r := range dg.Related {
			out = append(out, snap.Doc(r.Path))
		}
	}
	return out
}

// sameFindings compares what publishing shows of two lists of findings.
func sameFindings(a, b []check.Diagnostic) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if x.Span != y.Span || x.Severity != y.Severity || x.Check != y.Check || x.Message != y.Message || len(x.Related) != len(y.Related) {
			return false
		}
		for j := range x.Related {
			if x.Related[j].Path != y.Related[j].Path || x.Related[j].Span != y.Related[j].Span || x.Related[j].Message != y.Related[j].Message {
				return false
			}
		}
	}
	return true
}

// publish sends the diagnostics of every file whose diagnostics changed,
// and clears those of files that are gone.
func (p *publisher) publish(snap *workspace.Snapshot, diags map[string][]check.Diagnostic) {
	notify := p.s.notify
	if notify == nil {
		return
	}
	for _, d := range snap.AllDocs() {
		// notes too: context-budget reports on context/ files (a clean file
		// never reported costs nothing, see send)
		if d.Kind == workspace.KindOther {
			continue
		}
		select {
		case <-p.done:
			return
		default:
		}
		p.send(snap, d, diags[d.Path], notify)
	}
	// files gone from the workspace (or no longer read) lose what was sent
	for path := range p.sent {
		if d := snap.Doc(path); d != nil && d.Kind != workspace.KindOther {
			continue
		}
		delete(p.sent, path)
		delete(p.raw, path)
		notify("textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{URI: pathToURI(path), Diagnostics: []protocol.Diagnostic{}})
	}
}
