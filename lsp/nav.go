package lsp

import (
	"github.com/sourcegraph/jsonrpc2"
	"github.com/taskls/taskls/analysis/features"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// location converts an analysis location; ok is false when its file is gone.
func location(snap *workspace.Snapshot, l features.Location) (protocol.Location, bool) {
	d := snap.Doc(l.Path)
	if d == nil {
		return protocol.Location{}, false
	}
	return protocol.Location{URI: pathToURI(l.Path), Range: toRange(d.Text, l.Span)}, true
}

func locations(snap *workspace.Snapshot, ls []features.Location) []protocol.Location {
	out := []protocol.Location{}
	for _, l := range ls {
		if loc, ok := location(snap, l); ok {
			out = append(out, loc)
		}
	}
	return out
}

// docAt resolves a position to the snapshot, path, doc and offset.
func (s *Server) docAt(ctx *glsp.Context, p protocol.TextDocumentPositionParams) (*workspace.Snapshot, string, *workspace.Doc, int) {
	snap := s.snapshot(ctx)
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	if d == nil {
		return snap, path, nil, 0
	}
	return snap, path, d, toOffset(d.Text, p.Position)
}

func (s *Server) references(ctx *glsp.Context, p *protocol.ReferenceParams) ([]protocol.Location, error) {
	snap, path, d, off := s.docAt(ctx, p.TextDocumentPositionParams)
	if d == nil {
		return nil, nil
	}
	refs := features.References(snap, path, off, p.Context.IncludeDeclaration)
	if err := s.cancelled(ctx); err != nil {
		return nil, err
	}
	return locations(snap, refs), nil
}

func (s *Server) prepareRename(ctx *glsp.Context, p *protocol.PrepareRenameParams) (any, error) {
	snap, path, d, off := s.docAt(ctx, p.TextDocumentPositionParams)
	if d == nil {
		return nil, ErrRequestFailed("there is no task ID here to rename")
	}
	sp, id, err := features.PrepareRename(snap, path, off)
	if err != nil {
		return nil, ErrRequestFailed("%s", err.Error())
	}
	return map[string]any{"range": toRange(d.Text, sp), "placeholder": id}, nil
}

func (s *Server) rename(ctx *glsp.Context, p *protocol.RenameParams) (*protocol.WorkspaceEdit, error) {
	snap, path, d, off := s.docAt(ctx, p.TextDocumentPositionParams)
	if d == nil {
		return nil, ErrRequestFailed("there is no task ID here to rename")
	}
	res, err := features.Rename(snap, path, off, p.NewName)
	if err != nil {
		return nil, &jsonrpc2.Error{Code: CodeRequestFailed, Message: err.Error()}
	}
	if err := s.cancelled(ctx); err != nil {
		return nil, err
	}
	return s.renameEdit(snap, res), nil
}

// renameEdit turns a rename into a WorkspaceEdit: text edits first (on the
// old names), then the file renames (documentChanges only). Open documents
// are named with the version the edits were computed on, that of snap.
func (s *Server) renameEdit(snap *workspace.Snapshot, res features.RenameResult) *protocol.WorkspaceEdit {
	byPath := map[string][]protocol.TextEdit{}
	var order []string
	for _, e := range res.Edits {
		d := snap.Doc(e.Path)
		if d == nil {
			continue
		}
		if _, ok := byPath[e.Path]; !ok {
			order = append(order, e.Path)
		}
		byPath[e.Path] = append(byPath[e.Path], protocol.TextEdit{Range: toRange(d.Text, e.Span), NewText: e.NewText})
	}
	we := &protocol.WorkspaceEdit{}
	if !s.documentChanges {
		we.Changes = map[protocol.DocumentUri][]protocol.TextEdit{}
		for _, p := range order {
			we.Changes[pathToURI(p)] = byPath[p]
		}
		return we
	}
	var dc []any
	for _, p := range order {
		var version *protocol.Integer
		if d := snap.Doc(p); d != nil && d.Version >= 0 { // open: its buffer's version
			v := protocol.Integer(d.Version)
			version = &v
		}
		edits := make([]any, len(byPath[p]))
		for i, e := range byPath[p] {
			edits[i] = e
		}
		dc = append(dc, protocol.TextDocumentEdit{
			TextDocument: protocol.OptionalVersionedTextDocumentIdentifier{TextDocumentIdentifier: protocol.TextDocumentIdentifier{URI: pathToURI(p)}, Version: version},
			Edits:        edits,
		})
	}
	for _, rn := range res.Renames {
		dc = append(dc, map[string]any{"kind": "rename", "oldUri": pathToURI(rn.Old), "newUri": pathToURI(rn.New), "options": map[string]any{"overwrite": false, "ignoreIfExists": false}})
	}
	we.DocumentChanges = dc
	return we
}

var symbolKinds = map[features.SymbolKind]protocol.SymbolKind{
	features.SymTask:      protocol.SymbolKindClass,
	features.SymField:     protocol.SymbolKindProperty,
	features.SymSection:   protocol.SymbolKindNamespace,
	features.SymCriterion: protocol.SymbolKindBoolean,
	features.SymScenario:  protocol.SymbolKindEvent,
	features.SymRisk:      protocol.SymbolKindConstant,
	features.SymEntry:     protocol.SymbolKindObject,
}

func (s *Server) documentSymbol(ctx *glsp.Context, p *protocol.DocumentSymbolParams) ([]protocol.DocumentSymbol, error) {
	snap := s.snapshot(ctx)
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	out := []protocol.DocumentSymbol{}
	if d == nil {
		return out, nil
	}
	var conv func(sy features.Symbol) protocol.DocumentSymbol
	conv = func(sy features.Symbol) protocol.DocumentSymbol {
		name := sy.Name
		if name == "" {
			name = "(unnamed)"
		}
		ds := protocol.DocumentSymbol{Name: name, Kind: symbolKinds[sy.Kind], Range: toRange(d.Text, sy.Span), SelectionRange: toRange(d.Text, sy.Select)}
		if sy.Select.Start < sy.Span.Start || sy.Select.End > sy.Span.End {
			ds.SelectionRange = ds.Range
		}
		if sy.Detail != "" {
			det := sy.Detail
			ds.Detail = &det
		}
		for _, c := range sy.Children {
			ds.Children = append(ds.Children, conv(c))
		}
		return ds
	}
	for _, sy := range features.DocumentSymbols(snap, path) {
		out = append(out, conv(sy))
	}
	return out, nil
}

// maxWorkspaceSymbols caps a workspace/symbol answer (gopls and clangd cap
// theirs at 100 too): the best matches, and the client asks again as the
// query grows. At 10k tasks, 200 took half again the server's time of 100
// (the answer's JSON, and the positions of tasks not shown before) and
// nearly doubled the p95 latency.
const maxWorkspaceSymbols = 100

func (s *Server) workspaceSymbol(ctx *glsp.Context, p *protocol.WorkspaceSymbolParams) ([]protocol.SymbolInformation, error) {
	snap := s.snapshot(ctx)
	out := []protocol.SymbolInformation{}
	found := features.WorkspaceSymbols(snap, p.Query, maxWorkspaceSymbols)
	if err := s.cancelled(ctx); err != nil {
		return nil, err
	}
	for _, ws := range found {
		if snap.Doc(ws.Location.Path) == nil {
			continue // its file is gone
		}
		// the positions come with the answer: converting the span here
		// would read the task file again
		loc := protocol.Location{URI: pathToURI(ws.Location.Path), Range: protocol.Range{
			Start: protocol.Position{Line: uint32(ws.Start.Line), Character: uint32(ws.Start.Col)},
			End:   protocol.Position{Line: uint32(ws.End.Line), Character: uint32(ws.End.Col)},
		}}
		name := ws.ID
		if ws.Title != "" {
			name += " " + ws.Title
		}
		container := ws.Status
		out = append(out, protocol.SymbolInformation{Name: name, Kind: protocol.SymbolKindClass, Location: loc, ContainerName: &container})
	}
	return out, nil
}

func (s *Server) documentLink(ctx *glsp.Context, p *protocol.DocumentLinkParams) ([]protocol.DocumentLink, error) {
	snap := s.snapshot(ctx)
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	out := []protocol.DocumentLink{}
	if d == nil {
		return out, nil
	}
	for _, l := range features.DocumentLinks(snap, path) {
		target := pathToURI(l.Target)
		out = append(out, protocol.DocumentLink{Range: toRange(d.Text, l.Span), Target: &target})
	}
	return out, nil
}

func (s *Server) codeLens(ctx *glsp.Context, p *protocol.CodeLensParams) ([]protocol.CodeLens, error) {
	snap := s.snapshot(ctx)
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	out := []protocol.CodeLens{}
	if d == nil {
		return out, nil
	}
	for _, l := range features.CodeLenses(snap, path) {
		r := toRange(d.Text, l.Span)
		out = append(out, protocol.CodeLens{Range: r, Command: &protocol.Command{
			Title:     l.Title,
			Command:   "editor.action.showReferences",
			Arguments: []any{pathToURI(path), r.Start, locations(snap, l.Refs)},
		}})
	}
	return out, nil
}

// inlayHint answers the 3.17 textDocument/inlayHint, which glsp's 3.16
// types lack.
func (s *Server) inlayHint(ctx *glsp.Context, p *struct {
	TextDocument protocol.TextDocumentIdentifier `json:"textDocument"`
	Range        protocol.Range                  `json:"range"`
}) ([]map[string]any, error) {
	snap := s.snapshot(ctx)
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	out := []map[string]any{}
	if d == nil {
		return out, nil
	}
	from, to := toOffset(d.Text, p.Range.Start), toOffset(d.Text, p.Range.End)
	for _, h := range features.InlayHints(snap, path, from, to) {
		out = append(out, map[string]any{
			"position":    toRange(d.Text, text.Span{Start: h.Offset, End: h.Offset}).Start,
			"label":       h.Label,
			"kind":        1, // type-like: a fact about the value
			"paddingLeft": true,
		})
	}
	return out, nil
}

func (s *Server) foldingRange(ctx *glsp.Context, p *protocol.FoldingRangeParams) ([]protocol.FoldingRange, error) {
	snap := s.snapshot(ctx)
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	out := []protocol.FoldingRange{}
	if d == nil {
		return out, nil
	}
	for _, f := range features.FoldingRanges(snap, path) {
		kind := f.Kind
		out = append(out, protocol.FoldingRange{StartLine: protocol.UInteger(d.Text.LineOf(f.Start)), EndLine: protocol.UInteger(d.Text.LineOf(f.End)), Kind: &kind})
	}
	return out, nil
}

// callItem describes a task for the call hierarchy (a dependency tree).
func callItem(snap *workspace.Snapshot, r *workspace.Root, id string) (protocol.CallHierarchyItem, bool) {
	locs := features.Defs(r, id)
	if len(locs) == 0 {
		return protocol.CallHierarchyItem{}, false
	}
	loc, ok := location(snap, locs[0])
	if !ok {
		return protocol.CallHierarchyItem{}, false
	}
	title, _, _ := features.Summary(r, id)
	item := protocol.CallHierarchyItem{Name: id, Kind: protocol.SymbolKindClass, URI: loc.URI, Range: loc.Range, SelectionRange: loc.Range, Data: map[string]any{"id": id, "root": r.Dir}}
	if title != "" {
		item.Detail = &title
	}
	return item, true
}

func (s *Server) prepareCallHierarchy(ctx *glsp.Context, p *protocol.CallHierarchyPrepareParams) ([]protocol.CallHierarchyItem, error) {
	snap, path, d, off := s.docAt(ctx, p.TextDocumentPositionParams)
	if d == nil {
		return nil, nil
	}
	oc, ok := features.At(snap, path, off)
	if !ok {
		return nil, nil
	}
	item, ok := callItem(snap, oc.Root, oc.ID)
	if !ok {
		return nil, nil
	}
	return []protocol.CallHierarchyItem{item}, nil
}

// itemTask recovers the task of a call hierarchy item.
func itemTask(snap *workspace.Snapshot, item protocol.CallHierarchyItem) (*workspace.Root, string) {
	if m, ok := item.Data.(map[string]any); ok {
		id, _ := m["id"].(string)
		dir, _ := m["root"].(string)
		for _, r := range snap.Roots {
			if r.Dir == dir {
				return r, id
			}
		}
	}
	r := snap.RootOf(uriToPath(item.URI))
	return r, item.Name
}

func (s *Server) incomingCalls(ctx *glsp.Context, p *protocol.CallHierarchyIncomingCallsParams) ([]protocol.CallHierarchyIncomingCall, error) {
	snap := s.snapshot(ctx)
	r, id := itemTask(snap, p.Item)
	out := []protocol.CallHierarchyIncomingCall{}
	if r == nil {
		return out, nil
	}
	for _, dep := range features.Dependents(r, id) {
		item, ok := callItem(snap, r, dep)
		if !ok {
			continue
		}
		var ranges []protocol.Range
		if d := r.Task(dep); d != nil {
			for _, ref := range d.Task.Deps() {
				if ref.ID == id {
					ranges = append(ranges, toRange(d.Text, ref.Span))
				}
			}
		}
		out = append(out, protocol.CallHierarchyIncomingCall{From: item, FromRanges: ranges})
	}
	return out, nil
}

func (s *Server) outgoingCalls(ctx *glsp.Context, p *protocol.CallHierarchyOutgoingCallsParams) ([]protocol.CallHierarchyOutgoingCall, error) {
	snap := s.snapshot(ctx)
	r, id := itemTask(snap, p.Item)
	out := []protocol.CallHierarchyOutgoingCall{}
	if r == nil {
		return out, nil
	}
	d := r.Task(id)
	for _, dep := range features.DepsOf(r, id) {
		item, ok := callItem(snap, r, dep)
		if !ok {
			continue
		}
		var ranges []protocol.Range
		if d != nil {
			for _, ref := range d.Task.Deps() {
				if ref.ID == dep {
					ranges = append(ranges, toRange(d.Text, ref.Span))
				}
			}
		}
		out = append(out, protocol.CallHierarchyOutgoingCall{To: item, FromRanges: ranges})
	}
	return out, nil
}
