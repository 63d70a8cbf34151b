// Command taskls-gen writes a synthetic `.tasks/` workspace (see package
// internal/gen) for tests, benchmarks and demos:
//
//	go run ./internal/gen/cmd/taskls-gen -n 10000 -seed 1 -faults DIR
//
// It writes DIR/.tasks/ and, with -faults, DIR/faults.json listing every
// diagnostic `taskls check DIR` must print.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/taskls/taskls/internal/gen"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("taskls-gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("n", 1000, "number of tasks")
	seed := fs.Int64("seed", 1, "random seed (the same seed writes the same bytes)")
	faults := fs.Bool("faults", false, "inject faults and write DIR/faults.json")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: taskls-gen [-n N] [-seed S] [-faults] DIR")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	dir := fs.Arg(0)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintln(stderr, "taskls-gen:", err)
		return 1
	}
	res, err := gen.Write(dir, gen.Options{Tasks: *n, Seed: *seed, Faults: *faults})
	if err != nil {
		fmt.Fprintln(stderr, "taskls-gen:", err)
		return 1
	}
	fmt.Fprintf(stdout, "wrote %d tasks in %d files (%.1f MiB) to %s\n", len(res.Tasks), res.Files, float64(res.Bytes)/(1<<20), res.Dir)
	if *faults {
		fmt.Fprintf(stdout, "%d expected diagnostics listed in %s\n", len(res.Faults), filepath.Join(dir, "faults.json"))
	}
	return 0
}
