package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// inRoot runs fn with the repository root as the working folder.
func inRoot(t *testing.T) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(filepath.Join("..", "..")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
}

// The README shows the output of its first command; it must stay true.
func TestReadmeCheckOutput(t *testing.T) {
	inRoot(t)
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start = "$ go run ./cmd/taskls check examples\n"
	i := bytes.Index(readme, []byte(start))
	j := bytes.Index(readme[i+1:], []byte("exit status 1\n"))
	if i < 0 || j < 0 {
		t.Fatal("README lacks the output block of `go run ./cmd/taskls check examples`")
	}
	want := string(readme[i+len(start) : i+1+j])
	var out, errb bytes.Buffer
	code := run([]string{"check", "examples"}, nil, &out, &errb)
	if code != 1 || out.String() != want {
		t.Errorf("check examples: exit %d, output:\n%s\nREADME shows (exit 1):\n%s\nstderr: %s", code, out.String(), want, errb.String())
	}
}

func TestExitCodes(t *testing.T) {
	clean := t.TempDir()
	os.MkdirAll(filepath.Join(clean, ".tasks", "tasks"), 0o755)
	os.WriteFile(filepath.Join(clean, ".tasks", "tasks", "T001-a.md"), []byte("---\nid: T001\ntitle: A\nstatus: pending\n---\n"), 0o644)
	os.WriteFile(filepath.Join(clean, ".tasks", "taskls.yaml"), []byte("checks:\n  sections: off\n"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"version"}, 0, "taskls " + version + "\n"},
		{[]string{"check", clean}, 0, ""},
		{[]string{"check", t.TempDir()}, 0, ""}, // no .tasks/: nothing to say
		{[]string{"check", filepath.Join(clean, "nope")}, 2, ""},
		{[]string{"check", "-nope"}, 2, ""},
		{[]string{"frobnicate"}, 2, ""},
	} {
		var out, errb bytes.Buffer
		code := run(tc.args, nil, &out, &errb)
		if code != tc.code || out.String() != tc.out {
			t.Errorf("taskls %s: exit %d, stdout %q (stderr %q); want %d, %q", strings.Join(tc.args, " "), code, out.String(), errb.String(), tc.code, tc.out)
		}
	}
}

// analysis/ knows nothing of the protocol, and nothing in the binary
// reaches the network or runs processes.
func TestImports(t *testing.T) {
	inRoot(t)
	list := func(pkgs ...string) string {
		out, err := exec.Command("go", append([]string{"list", "-deps"}, pkgs...)...).Output()
		if err != nil {
			t.Fatalf("go list: %v", err)
		}
		return string(out)
	}
	deps := strings.Fields(list("./analysis/..."))
	for _, d := range deps {
		if strings.Contains(d, "glsp") || strings.Contains(d, "jsonrpc2") || strings.HasPrefix(d, "github.com/taskls/taskls/lsp") {
			t.Errorf("analysis depends on %s", d)
		}
	}
	for _, d := range strings.Fields(list("./cmd/taskls")) {
		switch d {
		case "net/http", "os/exec", "net/rpc":
			t.Errorf("the taskls binary depends on %s", d)
		}
	}
}
