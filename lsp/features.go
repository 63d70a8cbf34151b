package lsp

import (
	"encoding/json"

	"github.com/sourcegraph/jsonrpc2"
	"github.com/taskls/taskls/analysis/features"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

func (s *Server) hover(ctx *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	snap := s.snapshot(ctx)
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	if d == nil {
		return nil, nil
	}
	md, span, ok := features.Hover(snap, path, toOffset(d.Text, p.Position))
	if !ok {
		return nil, nil
	}
	r := toRange(d.Text, span)
	return &protocol.Hover{Contents: protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: md}, Range: &r}, nil
}

func (s *Server) definition(ctx *glsp.Context, p *protocol.DefinitionParams) ([]protocol.Location, error) {
	snap := s.snapshot(ctx)
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	if d == nil {
		return nil, nil
	}
	locs := features.Definition(snap, path, toOffset(d.Text, p.Position))
	if len(locs) == 0 {
		return nil, nil
	}
	out := make([]protocol.Location, 0, len(locs))
	for _, l := range locs {
		td := snap.Doc(l.Path)
		if td == nil {
			continue
		}
		out = append(out, protocol.Location{URI: pathToURI(l.Path), Range: toRange(td.Text, l.Span)})
	}
	return out, nil
}

func (s *Server) completion(ctx *glsp.Context, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	snap := s.snapshot(ctx)
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	if d == nil {
		return nil, nil
	}
	res := features.Complete(snap, path, toOffset(d.Text, p.Position))
	if err := s.cancelled(ctx); err != nil {
		return nil, err
	}
	out := &protocol.CompletionList{IsIncomplete: res.Incomplete, Items: make([]protocol.CompletionItem, 0, len(res.Items))}
	var (
		edit    text.Span
		editRng protocol.Range
	)
	for i, it := range res.Items {
		kind := protocol.CompletionItemKindReference
		if it.Kind == features.ItemValue {
			kind = protocol.CompletionItemKindEnumMember
		}
		if i == 0 || it.Edit != edit { // the items share one range, as a rule
			edit, editRng = it.Edit, toRange(d.Text, it.Edit)
		}
		ci := protocol.CompletionItem{
			Label:    it.Label,
			Kind:     &kind,
			SortText: strPtr(it.Sort),
			TextEdit: protocol.TextEdit{Range: editRng, NewText: it.NewText},
		}
		if it.Filter != it.Label {
			ci.FilterText = strPtr(it.Filter) // left out, the label filters (a tenth of the answer's bytes)
		}
		if it.Detail != "" {
			ci.Detail = strPtr(it.Detail)
		}
		switch {
		case it.Doc == "":
		case i < inlineDocs || it.Kind != features.ItemTaskID:
			ci.Documentation = protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: it.Doc}
		case len(snap.Roots) > 1:
			if r := snap.RootOf(path); r != nil {
				ci.Data = resolveData{Root: r.Dir} // which root's task completionResolve describes
			}
		}
		out.Items = append(out.Items, ci)
	}
	return out, nil
}

// inlineDocs is how many task ID completion items carry their
// documentation (status, priority, criteria); the others get it from
// completionItem/resolve when the client shows them. A client that does not
// resolve still has it on the items first in its list, and an answer of
// features.MaxCompletions items, most of which nobody looks at, is a third
// smaller.
const inlineDocs = 20

// resolveData is the data of a task ID completion item without its
// documentation, when the workspace has more than one `.tasks` folder.
type resolveData struct {
	Root string `json:"root"`
}

// completionResolve adds its documentation to a task ID completion item
// that came without it. The item is kept as the client sent it, every
// other property included.
func (s *Server) completionResolve(ctx *glsp.Context, p *map[string]json.RawMessage) (map[string]json.RawMessage, error) {
	item := *p
	if item == nil {
		return nil, &jsonrpc2.Error{Code: jsonrpc2.CodeInvalidParams, Message: "completionItem/resolve wants a completion item"}
	}
	var label string
	var kind protocol.CompletionItemKind
	var data resolveData
	if _, ok := item["documentation"]; ok ||
		json.Unmarshal(item["label"], &label) != nil || json.Unmarshal(item["kind"], &kind) != nil ||
		kind != protocol.CompletionItemKindReference {
		return item, nil
	}
	snap := s.snapshot(ctx)
	var r *workspace.Root
	if raw, ok := item["data"]; ok && json.Unmarshal(raw, &data) == nil && data.Root != "" {
		for _, x := range snap.Roots {
			if x.Dir == data.Root {
				r = x
			}
		}
	} else if len(snap.Roots) == 1 {
		r = snap.Roots[0]
	}
	if r == nil || !r.Known(label) {
		return item, nil
	}
	if _, _, doc := features.Summary(r, label); doc != "" {
		b, err := json.Marshal(protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: doc})
		if err != nil {
			return nil, err
		}
		item["documentation"] = b
	}
	return item, nil
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
