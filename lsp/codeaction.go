package lsp

import (
	"sort"
	"strings"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Code action kinds taskls offers besides quick fixes.
const (
	kindFixAll       = "source.fixAll.taskls"
	kindSyncManifest = "source.taskls.syncManifest"
	kindNewTask      = "source.taskls.newTask"
)

// keptDiagnostics is a full check of one snapshot with one configuration.
type keptDiagnostics struct {
	snap  *workspace.Snapshot
	cfg   *check.Config
	diags map[string][]check.Diagnostic
}

// diagnostics returns the diagnostics of the current snapshot, computed
// once per snapshot and configuration: the code actions an editor asks for
// one after another (at the cursor, on save, for the lightbulb) share one
// check run.
//
// The result is kept only while its snapshot is the newest (see dropKept).
// A snapshot holds every file of the workspace as it was; a result kept
// until the next code action kept that snapshot alive however much the
// workspace changed meanwhile (files deleted, long lines removed, an
// entire git checkout undone), next to the current one.
func (s *Server) diagnostics() (*workspace.Snapshot, map[string][]check.Diagnostic) {
	snap := s.current()
	cfg := s.config()
	if k := s.kept.Load(); k != nil && k.snap == snap && k.cfg == cfg {
		return snap, k.diags
	}
	s.diagMu.Lock()
	defer s.diagMu.Unlock()
	if k := s.kept.Load(); k != nil && k.snap == snap && k.cfg == cfg {
		return snap, k.diags // another code action computed it meanwhile
	}
	k := &keptDiagnostics{snap: snap, cfg: cfg, diags: check.Run(snap, cfg)}
	s.kept.Store(k)
	// an edit (or new settings) that came while check.Run ran has dropped
	// what was kept before this was stored: drop this one too
	s.dropKept()
	return snap, k.diags
}

// dropKept forgets the diagnostics kept for code actions unless they are
// those of the newest snapshot and settings. It is called after every swap
// of either (the result of an older snapshot is never asked for again).
func (s *Server) dropKept() {
	k := s.kept.Load()
	if k == nil {
		return
	}
	s.mu.Lock()
	stale := k.snap != s.snap || k.cfg != s.cfg
	s.mu.Unlock()
	if stale {
		s.kept.CompareAndSwap(k, nil)
	}
}

func (s *Server) codeAction(_ *glsp.Context, p *protocol.CodeActionParams) ([]protocol.CodeAction, error) {
	path := uriToPath(p.TextDocument.URI)
	snap, all := s.diagnostics()
	d := snap.Doc(path)
	if d == nil {
		return []protocol.CodeAction{}, nil
	}
	from, to := toOffset(d.Text, p.Range.Start), toOffset(d.Text, p.Range.End)
	want := func(kind string) bool {
		if len(p.Context.Only) == 0 {
			return true
		}
		for _, k := range p.Context.Only {
			if kind == string(k) || strings.HasPrefix(kind, string(k)+".") {
				return true
			}
		}
		return false
	}
	out := []protocol.CodeAction{}
	mine := all[path]
	if want("quickfix") {
		for _, dg := range mine {
			if dg.Span.End < from || dg.Span.Start > to || len(dg.Fixes) == 0 {
				continue
			}
			pd := toDiagnostic(snap, d, dg)
			for _, f := range dg.Fixes {
				kind := protocol.CodeActionKind("quickfix")
				pref := f.Preferred
				out = append(out, protocol.CodeAction{
					Title:       f.Title,
					Kind:        &kind,
					Diagnostics: []protocol.Diagnostic{pd},
					IsPreferred: &pref,
					Edit:        s.workspaceEdit(snap, f.Edits),
				})
			}
		}
	}
	if want(kindFixAll) {
		var edits []check.Edit
		for _, dg := range mine {
			if f := preferred(dg); f != nil {
				edits = append(edits, f.Edits...)
			}
		}
		if len(edits) > 0 {
			kind := protocol.CodeActionKind(kindFixAll)
			out = append(out, protocol.CodeAction{Title: "Fix all taskls problems with an obvious fix", Kind: &kind, Edit: s.workspaceEdit(snap, edits)})
		}
	}
	if want(kindSyncManifest) {
		if r := snap.RootOf(path); r != nil && r.Manifest != nil {
			edits := check.SyncManifest(r, all)
			if len(edits) > 0 {
				kind := protocol.CodeActionKind(kindSyncManifest)
				out = append(out, protocol.CodeAction{Title: "Bring manifest.json in line with the task files", Kind: &kind, Edit: s.workspaceEdit(snap, edits)})
			}
		}
	}
	if want(kindNewTask) && d.Kind == workspace.KindManifest {
		kind := protocol.CodeActionKind(kindNewTask)
		out = append(out, protocol.CodeAction{Title: "New task", Kind: &kind,
			Command: &protocol.Command{Title: "New task", Command: "taskls.newTask", Arguments: []any{map[string]any{"uri": p.TextDocument.URI}}}})
	}
	return out, nil
}

func preferred(dg check.Diagnostic) *check.Fix {
	for i := range dg.Fixes {
		if dg.Fixes[i].Preferred {
			return &dg.Fixes[i]
		}
	}
	return nil
}

// workspaceEdit turns analysis edits into one WorkspaceEdit: edits that
// overlap an earlier one are dropped, several insertions at one place keep
// their order, and open documents are named with their versions.
func (s *Server) workspaceEdit(snap *workspace.Snapshot, edits []check.Edit) *protocol.WorkspaceEdit {
	byPath := map[string][]check.Edit{}
	var paths []string
	for _, e := range edits {
		if _, ok := byPath[e.Path]; !ok {
			paths = append(paths, e.Path)
		}
		byPath[e.Path] = append(byPath[e.Path], e)
	}
	sort.Strings(paths)
	we := &protocol.WorkspaceEdit{}
	var docChanges []any
	for _, path := range paths {
		d := snap.Doc(path)
		if d == nil {
			// a file to create: only through documentChanges, never over an
			// existing file
			if !s.documentChanges {
				continue
			}
			for _, e := range byPath[path] {
				if !e.Create {
					continue
				}
				uri := pathToURI(path)
				docChanges = append(docChanges,
					map[string]any{"kind": "create", "uri": uri, "options": map[string]any{"ignoreIfExists": true}},
					protocol.TextDocumentEdit{
						TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}},
						Edits:        []any{protocol.TextEdit{NewText: e.NewText}},
					})
				break
			}
			continue
		}
		list := byPath[path]
		sort.SliceStable(list, func(i, j int) bool { return list[i].Span.Start < list[j].Span.Start })
		var kept []protocol.TextEdit
		end := -1
		for _, e := range list {
			if e.Span.Start < end {
				continue
			}
			kept = append(kept, protocol.TextEdit{Range: toRange(d.Text, e.Span), NewText: e.NewText})
			if e.Span.End > end {
				end = e.Span.End
			}
		}
		uri := pathToURI(path)
		if s.documentChanges {
			var version *protocol.Integer
			s.mu.Lock()
			if o := s.overlays[path]; o != nil {
				v := protocol.Integer(o.version)
				version = &v
			}
			s.mu.Unlock()
			edits := make([]any, len(kept))
			for i := range kept {
				edits[i] = kept[i]
			}
			docChanges = append(docChanges, protocol.TextDocumentEdit{
				TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: uri}, Version: version},
				Edits:        edits,
			})
		} else {
			if we.Changes == nil {
				we.Changes = map[protocol.DocumentUri][]protocol.TextEdit{}
			}
			we.Changes[uri] = kept
		}
	}
	if s.documentChanges {
		we.DocumentChanges = docChanges
	}
	return we
}
