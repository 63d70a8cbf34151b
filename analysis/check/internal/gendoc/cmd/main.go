// Command gendoc regenerates analysis/check/docs_gen.go (go generate).
package main

import (
	"fmt"
	"os"

	"github.com/taskls/taskls/analysis/check/internal/gendoc"
)

func main() {
	if err := gendoc.Write("."); err != nil {
		fmt.Fprintln(os.Stderr, "gendoc:", err)
		os.Exit(1)
	}
}
