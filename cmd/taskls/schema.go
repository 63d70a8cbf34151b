package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/taskls/taskls/analysis/schema"
)

// runSchema prints the JSON Schema of task metadata or of manifest.json.
func runSchema(args []string, stdout, stderr io.Writer) int {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "usage: taskls schema %s\n"+
			"  print the JSON Schema (draft-07) of a task file's YAML metadata (task)\n"+
			"  or of .tasks/manifest.json (manifest)\n", strings.Join(schema.Names, "|"))
	}
	if len(args) == 1 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			usage(stdout)
			return 0
		}
		if b, ok := schema.Get(args[0]); ok {
			if _, err := stdout.Write(b); err != nil {
				fmt.Fprintf(stderr, "taskls schema: %v\n", err)
				return 1
			}
			return 0
		}
		fmt.Fprintf(stderr, "taskls schema: unknown schema %q\n", args[0])
	}
	usage(stderr)
	return 2
}
