package lsp

import (
	"io/fs"
	"os"
	"path/filepath"

	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// applyEdit applies one incremental change to content. Positions past the
// end of a line are clamped to the line's end, past the last line to the end
// of the content; a reversed range is put in order.
func applyEdit(content []byte, ch protocol.TextDocumentContentChangeEvent) []byte {
	f := text.New(content)
	a, b := toOffset(f, ch.Range.Start), toOffset(f, ch.Range.End)
	if b < a {
		a, b = b, a
	}
	out := make([]byte, 0, len(content)-(b-a)+len(ch.Text))
	out = append(out, content[:a]...)
	out = append(out, ch.Text...)
	return append(out, content[b:]...)
}

// walkFiles reads every regular file under dir that is not open.
func walkFiles(dir string, open map[string]bool) []workspace.Change {
	var out []workspace.Change
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.Type().IsRegular() && !open[p] {
			if b, err := os.ReadFile(p); err == nil {
				out = append(out, workspace.Change{Path: p, Content: b, Version: -1})
			}
		}
		return nil
	})
	return out
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
