package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/taskls/taskls/analysis/features"
	"github.com/taskls/taskls/analysis/workspace"
)

// loadOne reads the .tasks/ folders under the paths for graph and next.
func loadOne(fs *flag.FlagSet, stderr io.Writer) (*workspace.Snapshot, bool) {
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"."}
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "taskls %s: %s is not a folder\n", fs.Name(), p)
			return nil, false
		}
	}
	return workspace.Load(paths), true
}

// runGraph prints the dependency graph of every .tasks/ folder.
func runGraph(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("graph", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "dot", "dot, mermaid or json")
	critical := fs.Bool("critical", false, "highlight the critical path (longest by estimate, else by count)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	snap, ok := loadOne(fs, stderr)
	if !ok {
		return 2
	}
	for _, r := range snap.Roots {
		out, err := features.Graph(r, *format, *critical)
		if err != nil {
			fmt.Fprintln(stderr, "taskls graph:", err)
			return 2
		}
		fmt.Fprint(stdout, out)
	}
	return 0
}

// runNext prints the actionable tasks.
func runNext(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("next", flag.ContinueOnError)
	fs.SetOutput(stderr)
	asJSON := fs.Bool("json", false, "print JSON")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	snap, ok := loadOne(fs, stderr)
	if !ok {
		return 2
	}
	var all []features.NextTask
	for _, r := range snap.Roots {
		all = append(all, features.Next(r)...)
	}
	if *asJSON {
		if all == nil {
			all = []features.NextTask{}
		}
		b, _ := json.MarshalIndent(all, "", "  ")
		fmt.Fprintln(stdout, string(b))
		return 0
	}
	fmt.Fprint(stdout, features.FormatNext(all))
	return 0
}
