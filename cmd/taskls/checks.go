package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/taskls/taskls/analysis/check"
)

// runChecks lists every check: its code, default severity, title and doc.
func runChecks(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("checks", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text, markdown or json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: taskls checks [--format text|markdown|json]")
		fs.PrintDefaults()
	}
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "taskls checks: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var write func(io.Writer, []*check.Check) error
	switch *format {
	case "text":
		write = writeChecksText
	case "markdown":
		write = writeChecksMarkdown
	case "json":
		write = writeChecksJSON
	default:
		fmt.Fprintf(stderr, "taskls checks: unknown format %q (want text, markdown or json)\n", *format)
		return 2
	}
	if err := write(stdout, check.All()); err != nil {
		fmt.Fprintf(stderr, "taskls checks: %v\n", err)
		return 1
	}
	return 0
}

// writeChecksText prints "code (severity): title" and the doc indented
// below it, a blank line between checks.
func writeChecksText(w io.Writer, checks []*check.Check) error {
	var b strings.Builder
	for i, c := range checks {
		if i > 0 {
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s (%s): %s\n", c.Name, c.Severity, c.Title)
		if doc := strings.TrimSpace(c.Doc); doc != "" {
			for _, line := range strings.Split(doc, "\n") {
				if line = strings.TrimRight(line, " \t"); line == "" {
					b.WriteString("\n")
				} else {
					b.WriteString("    " + line + "\n")
				}
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeChecksMarkdown prints the table README.md shows: one row per check,
// its doc (or title while it has none) on one line.
func writeChecksMarkdown(w io.Writer, checks []*check.Check) error {
	var b strings.Builder
	b.WriteString("| check | default severity | what it reports |\n")
	b.WriteString("| --- | --- | --- |\n")
	for _, c := range checks {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", c.Name, c.Severity, cell(describe(c)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cell puts text on one line of a markdown table cell.
func cell(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "|", `\|`)
}

type jsonCheck struct {
	Check    string `json:"check"`
	Severity string `json:"severity"`
	Title    string `json:"title"`
	Doc      string `json:"doc"`
}

// writeChecksJSON prints {"version":1,"checks":[{check, severity, title, doc}]}.
func writeChecksJSON(w io.Writer, checks []*check.Check) error {
	out := struct {
		Version int         `json:"version"`
		Checks  []jsonCheck `json:"checks"`
	}{Version: 1, Checks: []jsonCheck{}}
	for _, c := range checks {
		out.Checks = append(out.Checks, jsonCheck{Check: c.Name, Severity: c.Severity.String(), Title: c.Title, Doc: c.Doc})
	}
	return encode(w, out)
}
