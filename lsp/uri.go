package lsp

import (
	"net/url"
	"path/filepath"
	"strings"
)

// uriToPath turns a file:// URI into a clean absolute path; "" for other
// schemes.
func uriToPath(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return ""
	}
	p := u.Path
	if p == "" {
		return ""
	}
	return filepath.Clean(filepath.FromSlash(p))
}

// pathToURI turns an absolute path into a file:// URI.
func pathToURI(path string) string {
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(path)}
	s := u.String()
	if !strings.HasPrefix(s, "file:///") {
		s = strings.Replace(s, "file:", "file://", 1)
	}
	return s
}
