package check_test

import (
	"os"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/check/internal/gendoc"
)

// docs_gen.go is generated from the checks' doc comments; it must be up to
// date, and every check must be documented.
func TestDocsGenerated(t *testing.T) {
	docs, err := gendoc.Docs(".")
	if err != nil {
		t.Fatal(err)
	}
	want, err := gendoc.Source(docs)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile("docs_gen.go")
	if string(got) != string(want) {
		t.Errorf("docs_gen.go is stale: run `go generate ./analysis/check`")
	}
	for _, c := range check.All() {
		if c.Doc == "" || c.Title == "" {
			t.Errorf("check %s has no doc or no title", c.Name)
		}
	}
}
