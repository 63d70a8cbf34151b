package lsp

import (
	"github.com/taskls/taskls/analysis/features"
	"github.com/tliron/glsp"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

func (s *Server) hover(_ *glsp.Context, p *protocol.HoverParams) (*protocol.Hover, error) {
	snap := s.current()
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

func (s *Server) definition(_ *glsp.Context, p *protocol.DefinitionParams) ([]protocol.Location, error) {
	snap := s.current()
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

func (s *Server) completion(_ *glsp.Context, p *protocol.CompletionParams) (*protocol.CompletionList, error) {
	snap := s.current()
	path := uriToPath(p.TextDocument.URI)
	d := snap.Doc(path)
	if d == nil {
		return nil, nil
	}
	res := features.Complete(snap, path, toOffset(d.Text, p.Position))
	out := &protocol.CompletionList{IsIncomplete: res.Incomplete, Items: make([]protocol.CompletionItem, 0, len(res.Items))}
	for _, it := range res.Items {
		kind := protocol.CompletionItemKindReference
		if it.Kind == features.ItemValue {
			kind = protocol.CompletionItemKindEnumMember
		}
		ci := protocol.CompletionItem{
			Label:      it.Label,
			Kind:       &kind,
			FilterText: strPtr(it.Filter),
			SortText:   strPtr(it.Sort),
			TextEdit:   protocol.TextEdit{Range: toRange(d.Text, it.Edit), NewText: it.NewText},
		}
		if it.Detail != "" {
			ci.Detail = strPtr(it.Detail)
		}
		if it.Doc != "" {
			ci.Documentation = protocol.MarkupContent{Kind: protocol.MarkupKindMarkdown, Value: it.Doc}
		}
		out.Items = append(out.Items, ci)
	}
	return out, nil
}

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
