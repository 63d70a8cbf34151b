// Command taskls is a language server and a linter for `.tasks/` workspaces.
//
//	taskls [serve]           speak LSP over stdin/stdout
//	taskls check [PATH...]   print every diagnostic; exit 1 on errors
//	taskls version           print the version
//
// Exit codes: 0 fine, 1 error diagnostics found (check) or the client exited
// without shutdown (serve), 2 usage error.
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
  taskls [serve]           run the language server over stdin/stdout
  taskls check [PATH...]   report every problem of the .tasks/ folders under PATH (default .)
  taskls version           print the version

check prints path:line:col: severity: message [check] and exits 1 when
any error is found, 0 otherwise, 2 on usage errors.
`)
}
