package lsp

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

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

// walkFiles reads every regular file under dir that is not open, as the
// index reads them (bounded, links not followed, unreadable ones kept).
func walkFiles(dir string, open map[string]bool) []workspace.Change {
	var out []workspace.Change
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		if d.IsDir() && p != dir && (d.Name() == ".git" || d.Name() == "node_modules") {
			return filepath.SkipDir // the index skips them too
		}
		if d.Type().IsRegular() && !open[p] {
			out = append(out, workspace.ReadChange(p))
		}
		return nil
	})
	return out
}

// goneUnder lists the deletion of every doc of snap at dir or below it that
// is neither open nor among the files found there now: a folder event also
// tells of the files that left it, and of a file that became this folder.
func goneUnder(snap *workspace.Snapshot, dir string, found []workspace.Change, open map[string]bool) []workspace.Change {
	there := make(map[string]bool, len(found))
	for _, ch := range found {
		there[ch.Path] = true
	}
	var out []workspace.Change
	for _, r := range snap.Roots {
		for p := range r.Docs.All() {
			if (p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))) && !there[p] && !open[p] {
				out = append(out, workspace.Change{Path: p, Deleted: true})
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
