package lsp_test

import (
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/taskls/taskls/lsp"
	"github.com/taskls/taskls/lsp/lsptest"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// What the server keeps per file follows the files that exist and the
// documents that are open: after rounds of files created, opened, edited,
// asked for code actions, closed and deleted, nothing of them is left.
//
// Found by the abuse tool, whose live heap grew with the length of a run
// (6 MB at the start, 26 MB after 10 minutes, on the same files): the
// diagnostics kept for code actions held the snapshot of the last code
// action, every file as it was then, long after those files were deleted;
// and a document opened where nothing is published (outside .tasks/, or a
// file taskls does not read) stayed marked as reopened for good.
func TestPerFileStateFollowsFiles(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		".tasks/tasks/T001-a.md": "---\nid: T001\ndependencies: [T999]\n---\n",
		".tasks/tasks/T002-b.md": "---\nid: T002\ndependencies: [T001]\n---\n",
	})
	srv := lsp.NewServer(nil, "test")
	t.Cleanup(srv.Close)
	c, _ := lsptest.Pipe(t, srv)
	if err := c.Call("initialize", map[string]any{"rootUri": uri(dir), "capabilities": watchCaps, "initializationOptions": only(core...)}, nil); err != nil {
		t.Fatal(err)
	}
	c.Notify("initialized", map[string]any{})
	if err := settle(t, srv, c); err != nil {
		t.Fatal(err)
	}
	const rounds, files, opened = 3, 40, 20
	var gone []string
	for r := range rounds {
		var created []string
		var events []map[string]any
		for i := range files {
			rel := fmt.Sprintf(".tasks/tasks/T%d%02d-x.md", r+1, i)
			write(t, dir, map[string]string{rel: fmt.Sprintf("---\nid: T%d%02d\ndependencies: [T9%02d]\n---\n", r+1, i, i)})
			p := filepath.Join(dir, rel)
			created = append(created, p)
			events = append(events, map[string]any{"uri": uri(p), "type": 1})
		}
		watched(c, events...)
		// open some of them, and documents nothing is published for
		var open []string
		open = append(open, created[:opened]...)
		for i := range 5 {
			open = append(open, filepath.Join(dir, fmt.Sprintf("notes/r%d-%d.md", r, i)), filepath.Join(dir, fmt.Sprintf(".tasks/blob-%d-%d.bin", r, i)))
		}
		for _, p := range open {
			c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri(p), "languageId": "markdown", "version": 1, "text": "---\nid: T777\n---\n"}})
			c.Notify("textDocument/didChange", map[string]any{"textDocument": map[string]any{"uri": uri(p), "version": 2},
				"contentChanges": []map[string]any{{"text": "---\nid: T777\ndependencies: [T888]\n---\n" + strings.Repeat("a long line ", 2000) + "\n"}}})
		}
		if err := settle(t, srv, c); err != nil {
			t.Fatal(err)
		}
		// a code action computes (and keeps) the diagnostics of this snapshot
		codeActions(t, c, uri(created[0]), protocol.Range{})
		if kept, _ := lsp.KeptDocs(srv); !kept {
			t.Fatal("the diagnostics of a code action are not kept for the next one")
		}
		for _, p := range open {
			c.Notify("textDocument/didClose", map[string]any{"textDocument": map[string]any{"uri": uri(p)}})
		}
		events = events[:0]
		for _, p := range created {
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
			events = append(events, map[string]any{"uri": uri(p), "type": 3})
		}
		watched(c, events...)
		if err := settle(t, srv, c); err != nil {
			t.Fatal(err)
		}
		if _, stale := lsp.KeptDocs(srv); stale > 0 {
			t.Errorf("round %d: the diagnostics kept for code actions hold %d docs the workspace no longer has", r, stale)
		}
		gone = append(gone, created...)
	}
	for _, p := range gone {
		if ds := c.Diagnostics(uri(p)); len(ds) > 0 {
			t.Errorf("%s is deleted but keeps its diagnostics: %s", filepath.Base(p), dump(ds))
		}
	}
	srv.Close() // the publisher's maps are its own until it stops
	sizes, publishable := lsp.PerFile(srv)
	// the publisher remembers the files it last told about something, and
	// no others: not the clean ones, not the deleted ones
	reported := 0
	for _, p := range publishable {
		if len(c.Diagnostics(uri(p))) > 0 {
			reported++
		}
	}
	if reported == 0 || reported == len(publishable) {
		t.Fatalf("%d of the %d files to publish have diagnostics: the test wants some of each", reported, len(publishable))
	}
	want := map[string]int{"overlays": 0, "sent": reported, "raw": reported, "reopened": 0, "touched": 0}
	for k, n := range want {
		if sizes[k] != n {
			t.Errorf("%s holds %d files, want %d (the workspace has %d files to publish, %d with diagnostics; created and deleted %d, opened %d)", k, sizes[k], n, len(publishable), reported, len(gone), rounds*(opened+10))
		}
	}
}

// The server process reads the first index at GOGC 50 and keeps collecting
// at 50 after it (lsp.Run sets both): a session's peak RSS at 10k tasks went
// from 224 to 170 MB with 100 then 50, and to about 90 MB with 50 for both
// once the index was compact. A GOGC in the environment is left as it is.
// Run also keeps a soft memory limit that follows the live heap.
func TestRunSetsSessionGC(t *testing.T) {
	for _, env := range []string{"", "300"} {
		t.Setenv("GOGC", env)
		before := debug.SetGCPercent(100)
		dir := t.TempDir()
		write(t, dir, map[string]string{".tasks/tasks/T001-a.md": "---\nid: T001\n---\n"})
		clientEnd, serverEnd := net.Pipe()
		done := make(chan int, 1)
		go func() { done <- lsp.Run(context.Background(), serverEnd, io.Discard, "test") }()
		c := lsptest.New(t, clientEnd)
		if err := c.Call("initialize", map[string]any{"rootUri": uri(dir), "capabilities": map[string]any{}}, nil); err != nil {
			t.Fatal(err)
		}
		c.Notify("initialized", map[string]any{})
		var syms []any
		if err := c.Call("workspace/symbol", map[string]any{"query": "T001"}, &syms); err != nil || len(syms) != 1 {
			t.Fatalf("workspace/symbol after the index: %v, %v", syms, err)
		}
		// (the index is in, so the change comes at once: wait a little for
		// it, a little longer when it should not come)
		want, wait := 50, 5*time.Second
		if env != "" {
			want, wait = 100, 200*time.Millisecond
		}
		got := -2
		for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
			if got = debug.SetGCPercent(100); got != 100 {
				break
			}
		}
		limit := debug.SetMemoryLimit(-1)
		c.Close()
		<-done
		debug.SetGCPercent(before)
		if got != want {
			t.Errorf("GOGC=%q: the GC percent after the index is %d, want %d", env, got, want)
		}
		// the memory limit follows the live heap during the session (see
		// TestMemLimitFollowsLiveHeap), unless GOGC is set; it is the
		// process's own again once Run returns
		if env == "" && limit == math.MaxInt64 {
			t.Errorf("GOGC=%q: no memory limit during the session", env)
		}
		if env != "" && limit != math.MaxInt64 {
			t.Errorf("GOGC=%q: a memory limit of %d during the session, want none", env, limit)
		}
		if after := debug.SetMemoryLimit(-1); after != math.MaxInt64 {
			t.Errorf("GOGC=%q: a memory limit of %d once Run returned, want none", env, after)
		}
	}
}
