package main

import (
	"context"
	"io"

	"github.com/taskls/taskls/lsp"
)

func serve(args []string, stderr io.Writer) int {
	return lsp.Run(context.Background(), lsp.StdioStream(), stderr, version)
}
