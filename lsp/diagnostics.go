package lsp

import (
	"encoding/json"
	"sync"

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

	sent map[string]string // uri -> the JSON last published (worker only)
}

func newPublisher(s *Server) *publisher {
	return &publisher{s: s, signal: make(chan struct{}, 1), done: make(chan struct{}), stopped: make(chan struct{}), sent: map[string]string{}}
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
	for {
		select {
		case <-p.done:
			return
		case <-p.signal:
		}
		snap := p.s.current()
		diags := check.Run(snap, p.s.config())
		if p.s.current().Seq != snap.Seq {
			// a newer snapshot is waiting: its results replace these
			p.kick()
			continue
		}
		p.publish(snap, diags)
	}
}

// publish sends the diagnostics of every file whose diagnostics changed,
// and clears those of files that are gone.
func (p *publisher) publish(snap *workspace.Snapshot, diags map[string][]check.Diagnostic) {
	notify := p.s.notify
	if notify == nil {
		return
	}
	seen := map[string]bool{}
	for _, d := range snap.AllDocs() {
		if d.Kind == workspace.KindOther || d.Kind == workspace.KindNote {
			continue
		}
		uri := pathToURI(d.Path)
		seen[uri] = true
		list := make([]protocol.Diagnostic, 0, len(diags[d.Path]))
		for _, dg := range diags[d.Path] {
			list = append(list, toDiagnostic(snap, d, dg))
		}
		params := protocol.PublishDiagnosticsParams{URI: uri, Diagnostics: list}
		if d.Version >= 0 {
			v := protocol.UInteger(d.Version)
			params.Version = &v
		}
		key, _ := json.Marshal(list)
		if prev, ok := p.sent[uri]; ok && prev == string(key) {
			continue
		}
		if _, ok := p.sent[uri]; !ok && len(list) == 0 {
			p.sent[uri] = string(key)
			continue // nothing to say about a clean file never reported
		}
		p.sent[uri] = string(key)
		select {
		case <-p.done:
			return
		default:
		}
		notify("textDocument/publishDiagnostics", params)
	}
	for uri, prev := range p.sent {
		if seen[uri] {
			continue
		}
		delete(p.sent, uri)
		if prev != "[]" {
			notify("textDocument/publishDiagnostics", protocol.PublishDiagnosticsParams{URI: uri, Diagnostics: []protocol.Diagnostic{}})
		}
	}
}
