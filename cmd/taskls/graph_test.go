package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// graph and next on the example workspace, against golden files
// (go test ./cmd/taskls -run TestGolden -update rewrites them; read the
// diff before committing it).
func TestGolden(t *testing.T) {
	inRoot(t)
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"next.txt", []string{"next", "examples"}},
		{"next.json", []string{"next", "--json", "examples"}},
		{"graph.dot", []string{"graph", "examples"}},
		{"graph-critical.mmd", []string{"graph", "--format", "mermaid", "--critical", "examples"}},
		{"graph.json", []string{"graph", "--format", "json", "--critical", "examples"}},
	} {
		var out, errb bytes.Buffer
		if code := run(tc.args, nil, &out, &errb); code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errb.String())
		}
		path := filepath.Join("cmd", "taskls", "testdata", tc.golden)
		if *update {
			os.WriteFile(path, out.Bytes(), 0o644)
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if out.String() != string(want) {
			t.Errorf("taskls %v:\n%s\nwant (%s):\n%s", tc.args, out.String(), path, want)
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"graph", "--format", "svg", "examples"}, nil, &out, &errb); code != 2 {
		t.Errorf("an unknown format: exit %d", code)
	}
}
