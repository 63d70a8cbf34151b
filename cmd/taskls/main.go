// Command taskls is a language server and a linter for `.tasks/` workspaces.
//
//	taskls [serve]                 speak LSP over stdin/stdout
//	taskls check [flags] [PATH...] print every diagnostic (text, json or sarif)
//	taskls checks [--format F]     list every check
//	taskls version                 print the version
//
// Exit codes: 0 fine, 1 diagnostics at the --severity threshold found (check)
// or the client exited without shutdown (serve), 2 usage error.
package main

import (
	"fmt"
	"io"
	"os"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(args, stderr)
	case "check":
		return runCheck(args, stdout, stderr)
	case "checks":
		return runChecks(args, stdout, stderr)
	case "graph":
		return runGraph(args, stdout, stderr)
	case "next":
		return runNext(args, stdout, stderr)
	case "schema":
		return runSchema(args, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "taskls", version)
		return 0
	case "help", "-h", "--help", "-help":
		usage(stdout)
		return 0
	}
	fmt.Fprintf(stderr, "taskls: unknown command %q\n", cmd)
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  taskls [serve]                 run the language server over stdin/stdout
  taskls check [flags] [PATH...] report every problem of the .tasks/ folders under PATH (default .)
  taskls checks [--format F]     list every check: text, markdown or json
  taskls graph [--format dot|mermaid|json] [--critical] [PATH...]
                                 print the dependency graph, status as style
  taskls next [--json] [PATH...] list the tasks ready to work on, by priority
                                 and by how much work each unblocks
  taskls schema task|manifest    print the JSON Schema (draft-07) of task
                                 metadata or of manifest.json
  taskls version                 print the version

check flags:
  --format text|json|sarif             output format (default text:
                                       path:line:col: severity: message [check])
  --severity error|warning|info|hint   exit 1 when a diagnostic at this severity
                                       or worse exists (default error)
  --fix                                apply each diagnostic's preferred fix,
                                       print "fixed path:line:col: title" per
                                       fix (to stderr with json and sarif),
                                       then report what remains

check exits 1 when a diagnostic at the --severity threshold or worse is
found (or a fix could not be written), 0 otherwise, 2 on usage errors.
Lines and columns are 1-based; columns count UTF-16 code units.
`)
}
