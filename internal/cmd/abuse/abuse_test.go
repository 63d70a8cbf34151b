package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// TestAbuse runs the tool's core for about five seconds on a 50-task
// workspace against a freshly built server, so that CI keeps the tool (and
// the server) working. TASKLS_ABUSE_SEED picks another seed.
func TestAbuse(t *testing.T) {
	goCmd := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goCmd); err != nil {
		if goCmd, err = exec.LookPath("go"); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatal("no go command to build the server with (CI=true: a missing tool fails)")
			}
			t.Skip("no go command to build the server with")
		}
	}
	bin := filepath.Join(t.TempDir(), "taskls")
	build := exec.Command(goCmd, "build", "-o", bin, "github.com/taskls/taskls/cmd/taskls")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	seed := int64(7)
	if s := os.Getenv("TASKLS_ABUSE_SEED"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			t.Fatal(err)
		}
		seed = n
	}
	var out bytes.Buffer
	sum, err := Run(context.Background(), Config{Bin: bin, Seed: seed, Tasks: 50, Duration: 5 * time.Second,
		CheckEvery: 2 * time.Second, RSSWait: 2 * time.Second, Out: &out})
	if err != nil {
		t.Fatal(err)
	}
	printSummary(&out, sum)
	t.Log(out.String())
	if sum.Failed() {
		t.Fatalf("%d failures (seed %d); the workspace, ops.log and server.log are in %s", len(sum.Failures), seed, sum.Dir)
	}
	if sum.Steps < 50 || len(sum.Checkpoints) < 2 || sum.Ops["change"] == 0 || sum.Results == 0 {
		t.Fatalf("the run did too little: %d steps, %d comparisons, %d changes, %d results", sum.Steps, len(sum.Checkpoints), sum.Ops["change"], sum.Results)
	}
	if sum.ExitCode != 0 {
		t.Fatalf("exit code %d", sum.ExitCode)
	}
}
