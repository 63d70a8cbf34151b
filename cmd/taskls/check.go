package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
)

// runCheck runs every check over the given folders, prints the diagnostics
// in the chosen format and, with --fix, applies the preferred fixes first.
func runCheck(args []string, stdout, stderr io.Writer) int {
	if os.Getenv("GOGC") == "" {
		// a run of a second or so that keeps all it parses: collecting
		// garbage four times less often saves about a quarter of it
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	format := fs.String("format", "text", "output `format`: text, json or sarif")
	sevName := fs.String("severity", "error", "exit 1 when a diagnostic at this `severity` or worse exists: error, warning, info or hint")
	fix := fs.Bool("fix", false, "apply each diagnostic's preferred fix, then report what remains")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: taskls check [--format text|json|sarif] [--severity error|warning|info|hint] [--fix] [PATH...]")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return 2
	}
	write, ok := writers[*format]
	if !ok {
		fmt.Fprintf(stderr, "taskls check: unknown format %q (want text, json or sarif)\n", *format)
		return 2
	}
	threshold, ok := parseSeverity(*sevName)
	if !ok {
		fmt.Fprintf(stderr, "taskls check: unknown severity %q (want error, warning, info or hint)\n", *sevName)
		return 2
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			fmt.Fprintf(stderr, "taskls check: %s is not a folder\n", p)
			return 2
		}
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "taskls check: %v\n", err)
		return 2
	}

	snap := workspace.Load(paths)
	items := collect(locator{cwd: cwd, snap: snap}, check.Run(snap, nil))
	failed := false
	if *fix {
		// The fix report goes where it cannot corrupt a json or sarif document.
		log := stdout
		if *format != "text" {
			log = stderr
		}
		diags := make([]check.Diagnostic, len(items))
		for i, it := range items {
			diags[i] = it.diag
		}
		rep := applyFixes(diags, snapshotReader(snap))
		printFixReport(log, locator{cwd: cwd, snap: snap}, rep)
		failed = rep.failed
		if len(rep.written) > 0 {
			snap = workspace.Load(paths)
			items = collect(locator{cwd: cwd, snap: snap}, check.Run(snap, nil))
		}
	}
	if err := write(stdout, locator{cwd: cwd, snap: snap}, items); err != nil {
		fmt.Fprintf(stderr, "taskls check: %v\n", err)
		return 2
	}
	if failed || reaches(items, threshold) {
		return 1
	}
	return 0
}

// parseInterleaved parses flags that may come before, between or after the
// paths (`taskls check examples --format json`); "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var paths []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return paths, nil
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(paths, rest...), nil
		}
		paths = append(paths, rest[0])
		args = rest[1:]
	}
}

// parseSeverity reads a severity name.
func parseSeverity(s string) (check.Severity, bool) {
	for _, sev := range []check.Severity{check.Error, check.Warning, check.Info, check.Hint} {
		if s == sev.String() {
			return sev, true
		}
	}
	return 0, false
}

// reaches reports whether any diagnostic is at threshold or worse (a lower
// number is more severe).
func reaches(items []item, threshold check.Severity) bool {
	for _, it := range items {
		if it.diag.Severity != 0 && it.diag.Severity <= threshold {
			return true
		}
	}
	return false
}

// snapshotReader gives the content each diagnostic was computed against:
// the snapshot's copy of the file. Files the snapshot lists without reading
// them (too large, binary, outside the task formats) are not offered, so no
// fix edits them.
func snapshotReader(s *workspace.Snapshot) contentReader {
	return func(path string) ([]byte, bool) {
		d := s.Doc(path)
		if d == nil || d.Kind == workspace.KindOther || d.Skipped() != "" || d.Text == nil {
			return nil, false
		}
		return d.Text.Bytes(), true
	}
}

// printFixReport prints one line per preferred fix: what was applied and
// what was not, and why, each at its diagnostic's position.
func printFixReport(w io.Writer, loc locator, rep fixReport) {
	for _, r := range rep.results {
		r0 := loc.rangeOf(r.diag.Path, r.diag.Span)
		where := fmt.Sprintf("%s:%d:%d", loc.name(r.diag.Path), r0.Start.Line, r0.Start.Column)
		if r.applied {
			fmt.Fprintf(w, "fixed %s: %s\n", where, r.fix.Title)
		} else {
			fmt.Fprintf(w, "not fixed %s: %s: %s\n", where, r.fix.Title, r.reason)
		}
	}
}
