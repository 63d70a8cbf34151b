package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
)

// writeTree writes files (slash-separated paths relative to root).
func writeTree(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// onlyChecks is a taskls.yaml that turns off every check but keep (and
// config, which reports mistakes in the file itself), so that the exact
// outputs below do not change as checks are added.
func onlyChecks(keep ...string) string {
	on := map[string]bool{"config": true}
	for _, k := range keep {
		on[k] = true
	}
	var b strings.Builder
	b.WriteString("checks:\n")
	for _, c := range check.All() {
		if !on[c.Name] {
			b.WriteString("  " + c.Name + ": off\n")
		}
	}
	return b.String()
}

// runIn runs taskls with args in dir and returns its exit code and output.
func runIn(t *testing.T, dir string, args ...string) (int, string, string) {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	code := run(args, nil, &out, &errb)
	return code, out.String(), errb.String()
}

// The example workspace of the tests below: a cycle (T001 <-> T002), an
// unknown ID written after an emoji (so UTF-16 and byte columns differ) and
// a manifest entry whose file is missing.
const wsManifest = `{
  "tasks": [
    {"id": "T001", "title": "A", "file": "tasks/T001-a.md", "depends_on": ["T002"]},
    {"id": "T002", "title": "B", "note": "😀", "file": "tasks/T002-b.md", "depends_on": ["T001", "T099"]},
    {"id": "T003", "title": "C", "file": "tasks/T003-gone.md"}
  ]
}
`

func exampleWorkspace(t *testing.T, keep ...string) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		".tasks/taskls.yaml":      onlyChecks(keep...),
		".tasks/manifest.json":    wsManifest,
		".tasks/tasks/T001-a.md":  "---\nid: T001\ntitle: A\nstatus: pending\ndependencies: [T002]\n---\n",
		".tasks/tasks/T002-b.md":  "---\nid: T002\ntitle: B\nstatus: pending\ndependencies: [T001, T099]\n---\n",
		"notes/unrelated.txt":     "not part of any .tasks folder\n",
		".tasks/context/notes.md": "# Notes\n",
	})
	return dir
}
