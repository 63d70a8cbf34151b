package main

import (
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"unicode/utf8"
)

// lspPos is an LSP position: a zero-based line and a zero-based column in
// UTF-16 code units.
type lspPos struct {
	Line      int `json:"line"`
	Character int `json:"character"`
}

type lspRange struct {
	Start lspPos `json:"start"`
	End   lspPos `json:"end"`
}

// lineStarts returns the offset where each line starts. Lines end at "\n",
// "\r\n" or a lone "\r", as LSP says. This is the tool's own count, kept
// independent of the server's.
func lineStarts(b []byte) []int {
	starts := []int{0}
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '\n':
			starts = append(starts, i+1)
		case '\r':
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			starts = append(starts, i+1)
		}
	}
	return starts
}

// posAt converts offset off (a rune boundary) of b to an LSP position.
func posAt(b []byte, starts []int, off int) lspPos {
	line := sort.Search(len(starts), func(i int) bool { return starts[i] > off }) - 1
	col := 0
	for i := starts[line]; i < off; {
		r, n := utf8.DecodeRune(b[i:])
		if r >= 0x10000 {
			col += 2
		} else {
			col++
		}
		i += n
	}
	return lspPos{Line: line, Character: col}
}

// rangeOf converts [a, b) of content.
func rangeOf(content []byte, a, b int) lspRange {
	st := lineStarts(content)
	return lspRange{Start: posAt(content, st, a), End: posAt(content, st, b)}
}

// boundary moves off back to a place an editor's cursor can be: a rune
// start, not between "\r" and "\n".
func boundary(b []byte, off int) int {
	if off > len(b) {
		off = len(b)
	}
	for off > 0 && off < len(b) && !utf8.RuneStart(b[off]) {
		off--
	}
	if off > 0 && off < len(b) && b[off-1] == '\r' && b[off] == '\n' {
		off--
	}
	return off
}

// sanitize replaces every byte that is not part of valid UTF-8 by U+FFFD,
// as encoding/json does (one replacement per byte) and as an editor does
// when it shows a file that is not UTF-8.
func sanitize(b []byte) []byte {
	if utf8.Valid(b) {
		return b
	}
	out := make([]byte, 0, len(b)+16)
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			out = append(out, "\uFFFD"...)
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// fileURI turns an absolute path into a file:// URI the way editors (and
// the server) write them.
func fileURI(path string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	s := u.String()
	if !strings.HasPrefix(s, "file:///") {
		s = strings.Replace(s, "file:", "file://", 1)
	}
	return s
}

// uriPath is the path of a file:// URI, or "".
func uriPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return ""
	}
	return filepath.Clean(filepath.FromSlash(u.Path))
}
