package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// taskls schema prints the schemas of analysis/schema's golden files
// (go test ./analysis/schema -update rewrites those).
func TestSchema(t *testing.T) {
	for _, name := range []string{"task", "manifest"} {
		want, err := os.ReadFile(filepath.Join("..", "..", "analysis", "schema", "testdata", name+".schema.json"))
		if err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		if code := run([]string{"schema", name}, nil, &out, &errb); code != 0 || out.String() != string(want) || errb.Len() > 0 {
			t.Errorf("taskls schema %s: exit %d, stderr %q, output equals the golden file: %v", name, code, errb.String(), out.String() == string(want))
		}
	}
	for _, args := range [][]string{{"schema"}, {"schema", "nope"}, {"schema", "task", "manifest"}, {"schema", "--format", "json"}} {
		var out, errb bytes.Buffer
		if code := run(args, nil, &out, &errb); code != 2 || out.Len() > 0 || !strings.Contains(errb.String(), "usage: taskls schema task|manifest") {
			t.Errorf("taskls %s: exit %d, stdout %q, stderr %q; want 2 and the usage on stderr", strings.Join(args, " "), code, out.String(), errb.String())
		}
	}
	var out, errb bytes.Buffer
	if code := run([]string{"schema", "--help"}, nil, &out, &errb); code != 0 || !strings.HasPrefix(out.String(), "usage: taskls schema") {
		t.Errorf("taskls schema --help: exit %d, stdout %q", code, out.String())
	}
	out.Reset()
	if run([]string{"help"}, nil, &out, &errb); !strings.Contains(out.String(), "taskls schema task|manifest") {
		t.Errorf("taskls help does not list schema:\n%s", out.String())
	}
}
