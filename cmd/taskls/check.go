package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
)

// check runs every check over the given folders and prints the diagnostics.
func runCheck(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "taskls check: %s is not a folder\n", p)
			return 2
		}
	}
	snap := workspace.Load(paths)
	diags := check.Run(snap, nil)
	cwd, _ := os.Getwd()
	files := make([]string, 0, len(diags))
	for p := range diags {
		files = append(files, p)
	}
	sort.Strings(files)
	code := 0
	for _, p := range files {
		d := snap.Doc(p)
		name := p
		if rel, err := filepath.Rel(cwd, p); err == nil {
			name = rel
		}
		for _, dg := range diags[p] {
			line, col := 1, 1
			if d != nil {
				pos := d.Text.Position(dg.Span.Start)
				line, col = pos.Line+1, pos.Col+1
			}
			fmt.Fprintf(stdout, "%s:%d:%d: %s: %s [%s]\n", name, line, col, dg.Severity, dg.Message, dg.Check)
			if dg.Severity == check.Error {
				code = 1
			}
		}
	}
	return code
}
