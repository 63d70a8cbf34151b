package lsp

import (
	"testing"

	protocol "github.com/tliron/glsp/protocol_3_16"
)

// Incremental changes: positions past the end of a line are clamped to the
// line's end (not sent to 0), past the last line to the end of the text, and
// columns count UTF-16 units.
func TestApplyEdit(t *testing.T) {
	r := func(l1, c1, l2, c2 uint32) *protocol.Range {
		return &protocol.Range{Start: protocol.Position{Line: l1, Character: c1}, End: protocol.Position{Line: l2, Character: c2}}
	}
	for _, tc := range []struct {
		name, in string
		rng      *protocol.Range
		text     string
		want     string
	}{
		{"insert", "ab\ncd\n", r(1, 1, 1, 1), "X", "ab\ncXd\n"},
		{"past the end of a line", "ab\ncd\n", r(0, 99, 0, 99), "X", "abX\ncd\n"},
		{"past the last line", "ab\ncd", r(9, 0, 9, 5), "X", "ab\ncdX"},
		{"replace across lines", "ab\ncd\nef", r(0, 1, 2, 1), "-", "a-f"},
		{"reversed range", "abcd", r(0, 3, 0, 1), "", "ad"},
		{"after an astral emoji", "🚀x\n", r(0, 2, 0, 3), "y", "🚀y\n"},
		{"inside a surrogate pair", "🚀x\n", r(0, 1, 0, 1), "y", "y🚀x\n"},
		{"CRLF line end", "ab\r\ncd\r\n", r(0, 5, 0, 5), "X", "abX\r\ncd\r\n"},
	} {
		got := string(applyEdit([]byte(tc.in), protocol.TextDocumentContentChangeEvent{Range: tc.rng, Text: tc.text}))
		if got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
}
