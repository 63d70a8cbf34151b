package lsp

import (
	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// toRange converts a byte span of f to an LSP range (UTF-16 columns).
func toRange(f *text.File, s text.Span) protocol.Range {
	a, b := f.Position(s.Start), f.Position(s.End)
	return protocol.Range{
		Start: protocol.Position{Line: uint32(a.Line), Character: uint32(a.Col)},
		End:   protocol.Position{Line: uint32(b.Line), Character: uint32(b.Col)},
	}
}

// toOffset converts an LSP position to a byte offset of f, clamping
// positions past the end of a line or of the file.
func toOffset(f *text.File, p protocol.Position) int {
	return f.Offset(text.Pos{Line: int(p.Line), Col: int(p.Character)})
}

var severities = map[check.Severity]protocol.DiagnosticSeverity{
	check.Error:   protocol.DiagnosticSeverityError,
	check.Warning: protocol.DiagnosticSeverityWarning,
	check.Info:    protocol.DiagnosticSeverityInformation,
	check.Hint:    protocol.DiagnosticSeverityHint,
}

// toDiagnostic converts an analysis diagnostic of doc d.
func toDiagnostic(snap *workspace.Snapshot, d *workspace.Doc, dg check.Diagnostic) protocol.Diagnostic {
	sev := severities[dg.Severity]
	source := "taskls"
	out := protocol.Diagnostic{
		Range:    toRange(d.Text, dg.Span),
		Severity: &sev,
		Code:     &protocol.IntegerOrString{Value: dg.Check},
		Source:   &source,
		Message:  dg.Message,
	}
	for _, r := range dg.Related {
		od := snap.Doc(r.Path)
		if od == nil {
			continue
		}
		out.RelatedInformation = append(out.RelatedInformation, protocol.DiagnosticRelatedInformation{
			Location: protocol.Location{URI: pathToURI(r.Path), Range: toRange(od.Text, r.Span)},
			Message:  r.Message,
		})
	}
	return out
}
