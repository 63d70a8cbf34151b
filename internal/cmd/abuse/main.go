// Command abuse drives the real taskls binary over stdio with a seeded,
// reproducible random mix of everything an editor (and a confused one) can
// send, and checks that the server keeps up:
//
//	go run ./internal/cmd/abuse [-duration 10m] [-seed N] [-tasks 300] [-bin path]
//
// It generates a workspace with internal/gen in a temporary folder, starts
// `taskls serve` as a child process and, after initialize, fires: didOpen and
// incremental didChange (insertions, deletions, garbage bytes sent as U+FFFD,
// huge lines, broken front matter and JSON, ID edits that make cycles,
// unknown and lookalike IDs), didClose, files created, deleted, renamed and
// changed on disk with workspace/didChangeWatchedFiles (folders too), the
// manifest and taskls.yaml rewritten, every request the server offers at
// random and out-of-range positions, renames and code actions applied as an
// editor applies them, unknown methods, wrongly typed params,
// $/cancelRequest of requests in flight, odd but valid frames, and invalid
// JSON frames when a probe shows the server survives them.
//
// Every -check-every it stops, saves and closes every open document, waits
// for the diagnostics to settle and compares the last published diagnostics
// of every file with `taskls check --format json` run cold on the same
// folder: any difference is a failure. It samples the server's RSS, and at
// the end the server must still answer, then shut down and exit with 0.
// A failure prints the seed, the step, both sides and a command that repeats
// the run operation for operation (-check-at).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strconv"
	"strings"
	"time"
)

var verboseTimes bool

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("abuse", flag.ContinueOnError)
	fs.SetOutput(stderr)
	duration := fs.Duration("duration", 10*time.Minute, "how long to fire operations")
	seed := fs.Int64("seed", 0, "random seed (0: a new one, printed)")
	tasks := fs.Int("tasks", 300, "tasks of the generated workspace")
	bin := fs.String("bin", "", "the taskls binary (default: go build this module's)")
	every := fs.Duration("check-every", 20*time.Second, "time between comparisons with a cold check")
	checkAt := fs.String("check-at", "", "compare after exactly these steps (comma-separated) and stop after the last; repeats a run")
	garbage := fs.String("garbage", "auto", "invalid JSON frames: auto (probe the server first), on or off")
	keep := fs.Bool("keep", false, "keep the temporary folder (always kept after a failure)")
	verbose := fs.Bool("v", false, "print every operation")
	fs.BoolVar(&verboseTimes, "times", false, "print the time spent in each kind of operation")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *seed == 0 {
		*seed = time.Now().UnixNano() % 1_000_000_000
	}
	var at []int
	if *checkAt != "" {
		for _, s := range strings.Split(*checkAt, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			if err != nil || n < 0 {
				fmt.Fprintf(stderr, "abuse: bad -check-at %q\n", *checkAt)
				return 2
			}
			at = append(at, n)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	sum, err := Run(ctx, Config{Bin: *bin, Seed: *seed, Tasks: *tasks, Duration: *duration, CheckEvery: *every,
		CheckAt: at, Garbage: *garbage, Keep: *keep, Out: stdout, Verbose: *verbose})
	if err != nil {
		fmt.Fprintf(stderr, "abuse: %v\n", err)
		return 2
	}
	printSummary(stdout, sum)
	if sum.Failed() {
		return 1
	}
	return 0
}

// printSummary prints what a run did.
func printSummary(w io.Writer, s *Summary) {
	fmt.Fprintf(w, "\nsummary (seed %d)\n", s.Seed)
	total := 0
	for _, n := range s.Ops {
		total += n
	}
	rate := 0.0
	if s.Duration > 0 {
		rate = float64(s.Steps) / s.Duration.Seconds()
	}
	fmt.Fprintf(w, "  duration %v, %d steps (%.0f/s), %d operations\n", s.Duration.Round(time.Second), s.Steps, rate, total)
	fmt.Fprintf(w, "  operations: %s\n", counts(s.Ops))
	if verboseTimes {
		var ts []string
		for _, k := range sortedKeys(s.OpTime) {
			ts = append(ts, fmt.Sprintf("%s %v", k, s.OpTime[k].Round(time.Millisecond)))
		}
		fmt.Fprintf(w, "  time per kind: %s\n", strings.Join(ts, ", "))
	}
	fmt.Fprintf(w, "  requests answered: %d (%d results, %d errors; %d cancelled with -32800)\n", s.Requests, s.Results, s.Requests-s.Results, s.Cancelled)
	var codes []string
	var keys []int
	for k := range s.Codes {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		codes = append(codes, fmt.Sprintf("%d %s: %d", k, codeNames[k], s.Codes[k]))
	}
	if len(codes) == 0 {
		codes = []string{"none"}
	}
	fmt.Fprintf(w, "  errors by code: %s\n", strings.Join(codes, ", "))
	fmt.Fprintf(w, "  from the server: %s; requests %s\n", counts(s.Notifs), counts(s.ServerReqs))
	fmt.Fprintf(w, "  invalid JSON frames: %s\n", s.Garbage)
	for _, n := range s.Notes {
		fmt.Fprintf(w, "  note: %s\n", n)
	}
	fmt.Fprintf(w, "  comparisons with taskls check: %d (%d files and %d diagnostics compared in all)\n", len(s.Checkpoints), s.Files, s.Diags)
	fmt.Fprintf(w, "  RSS: start %s, peak %s (VmHWM %s), end %s (limit %s)\n", mb(s.RSSStart), mb(s.RSSPeak), mb(s.HWM), mb(s.RSSEnd), mb(s.RSSStart*3/2+20<<20))
	if s.HeapStart >= 0 && s.HeapEnd >= 0 {
		fmt.Fprintf(w, "  live heap after the last GC (gctrace): start %s, end %s\n", mb(s.HeapStart), mb(s.HeapEnd))
	}
	fmt.Fprintf(w, "  exit code after shutdown/exit: %d\n", s.ExitCode)
	if s.Dir != "" {
		fmt.Fprintf(w, "  kept: %s (ops.log, server.log, ws/)\n", s.Dir)
	}
	if s.Failed() {
		fmt.Fprintf(w, "FAIL: %d distinct failures\n", len(s.Failures))
		for i, f := range s.Failures {
			if len(f) > 300 {
				f = f[:300] + "…"
			}
			fmt.Fprintf(w, "  - %s", f)
			if s.Repeats[i] > 0 {
				fmt.Fprintf(w, " (and %d more times)", s.Repeats[i])
			}
			fmt.Fprintln(w)
		}
	} else {
		fmt.Fprintln(w, "PASS")
	}
}

func counts(m map[string]int) string {
	keys := sortedKeys(m)
	sort.SliceStable(keys, func(i, j int) bool { return m[keys[i]] > m[keys[j]] })
	var out []string
	for _, k := range keys {
		out = append(out, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}
