package lsp_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/workspace"
	"github.com/taskls/taskls/lsp"
	"github.com/taskls/taskls/lsp/lsptest"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// watchCaps makes the client watch files (workspace/didChangeWatchedFiles),
// so that no fsnotify watcher of the server's own races with the events a
// test sends.
var watchCaps = map[string]any{"workspace": map[string]any{"didChangeWatchedFiles": map[string]any{"dynamicRegistration": true}}}

func watched(c *lsptest.Client, changes ...map[string]any) {
	c.Notify("workspace/didChangeWatchedFiles", map[string]any{"changes": changes})
}

// diskSession starts a server on files, with the core checks, and waits for
// T001's file to report exactly want (messages joined by "|").
func diskSession(t *testing.T, files map[string]string, want string) (*lsptest.Client, string, string) {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, files)
	c := session(t, dir, watchCaps)
	aURI := uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))
	if want == "" { // a clean file is never published: wait for the index
		var syms []protocol.SymbolInformation
		if err := c.Call("workspace/symbol", map[string]any{"query": ""}, &syms); err != nil {
			t.Fatal(err)
		}
	} else {
		waitMessages(t, c, aURI, want)
	}
	return c, dir, aURI
}

func waitMessages(t *testing.T, c *lsptest.Client, u, want string) {
	t.Helper()
	if _, err := c.WaitDiagnostics(u, func(ds []protocol.Diagnostic) bool { return strings.Join(messages(ds), "|") == want }); err != nil {
		t.Fatal(err)
	}
}

// A change event naming a symbolic link does not follow it, as the index
// does not: a link to a task file outside the workspace used to be read
// (os.Stat follows links), defining a task the index never sees.
func TestDiskEventOnSymlink(t *testing.T) {
	c, dir, aURI := diskSession(t, map[string]string{
		".tasks/tasks/T001-a.md": "---\nid: T001\ndependencies: [T555]\n---\n",
	}, "unknown task ID T555")
	outside := filepath.Join(t.TempDir(), "T555-secret.md")
	if err := os.WriteFile(outside, []byte("---\nid: T555\n---\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, ".tasks/tasks/T555-link.md")
	if err := os.Symlink(outside, link); err != nil {
		t.Fatal(err)
	}
	watched(c, map[string]any{"uri": uri(link), "type": 1})
	// a later, visible change proves the event was handled
	write(t, dir, map[string]string{".tasks/tasks/T001-a.md": "---\nid: T001\ndependencies: [T555, T556]\n---\n"})
	watched(c, map[string]any{"uri": aURI, "type": 2})
	waitMessages(t, c, aURI, "unknown task ID T555|unknown task ID T556")
}

// A folder event says what is in the folder now: a file that became this
// folder, and files that left it, are gone. Before, the files found were
// added and nothing was removed, so deleted tasks stayed defined.
func TestDiskEventOnFolder(t *testing.T) {
	c, dir, aURI := diskSession(t, map[string]string{
		".tasks/tasks/T001-a.md":   "---\nid: T001\ndependencies: [T772, T884]\n---\n",
		".tasks/tasks/T002-b.md":   "---\nid: T772\n---\n",
		".tasks/tasks/sub/T003.md": "---\nid: T884\n---\n",
	}, "")
	// T002's file becomes a folder; the client reports the folder only
	p := filepath.Join(dir, ".tasks/tasks/T002-b.md")
	os.Remove(p)
	write(t, dir, map[string]string{".tasks/tasks/T002-b.md/T005-inner.md": "---\nid: T005\ndependencies: [T888]\n---\n"})
	watched(c, map[string]any{"uri": uri(p), "type": 1})
	waitMessages(t, c, aURI, "unknown task ID T772")
	if _, err := c.WaitDiagnostics(uri(filepath.Join(p, "T005-inner.md")), func(ds []protocol.Diagnostic) bool { return len(ds) == 1 }); err != nil {
		t.Error(err)
	}
	// T003's file is deleted; the client reports its folder as changed
	os.Remove(filepath.Join(dir, ".tasks/tasks/sub/T003.md"))
	watched(c, map[string]any{"uri": uri(filepath.Join(dir, ".tasks/tasks/sub")), "type": 2})
	waitMessages(t, c, aURI, "unknown task ID T772|unknown task ID T884")
}

// A changed file larger than the limit is reported with its size and is
// not read whole: diskChange used os.ReadFile, whatever the size.
func TestDiskEventOnHugeFile(t *testing.T) {
	c, dir, _ := diskSession(t, map[string]string{".tasks/tasks/T001-a.md": "---\nid: T001\n---\n"}, "")
	p := filepath.Join(dir, ".tasks/tasks/T002-huge.md")
	if err := os.WriteFile(p, bytes.Repeat([]byte("x"), 17<<20), 0o644); err != nil {
		t.Fatal(err)
	}
	watched(c, map[string]any{"uri": uri(p), "type": 1})
	waitMessages(t, c, uri(p), "file is 17.0 MiB, larger than the 16 MiB taskls reads; it was skipped")
	if ch := workspace.ReadChange(p); ch.Content != nil || ch.Unreadable == "" {
		t.Errorf("ReadChange of a huge file read %d bytes", len(ch.Content))
	}
}

// A file that cannot be read stays in the index as unreadable, as the
// index reads it, instead of being dropped as if deleted. Only a user whom
// permission bits bind can see this; a privileged one reads the file.
func TestDiskEventOnUnreadableFile(t *testing.T) {
	c, dir, aURI := diskSession(t, map[string]string{
		".tasks/tasks/T001-a.md": "---\nid: T001\ndependencies: [T002]\n---\n",
		".tasks/tasks/T002-b.md": "---\nid: T002\n---\n",
	}, "")
	p := filepath.Join(dir, ".tasks/tasks/T002-b.md")
	if err := os.Chmod(p, 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(p, 0o644) })
	watched(c, map[string]any{"uri": uri(p), "type": 2})
	if _, err := os.ReadFile(p); err == nil {
		// privileged: the file is read as before; T002 stays known
		write(t, dir, map[string]string{".tasks/tasks/T001-a.md": "---\nid: T001\ndependencies: [T002, T404]\n---\n"})
		watched(c, map[string]any{"uri": aURI, "type": 2})
		waitMessages(t, c, aURI, "unknown task ID T404")
		return
	}
	waitMessages(t, c, uri(p), "cannot read file: open "+p+": permission denied")
}

// Diagnostics on notes are published: context-budget reports on context/
// files, which the publisher skipped (it published task files, the
// manifest, updates and metrics only), so the editor never showed what
// `taskls check` prints.
func TestNoteDiagnosticsPublished(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		".tasks/README.md":          "Context budgets: `project.md ~10 tokens`\n",
		".tasks/context/project.md": strings.Repeat("word ", 100) + "\n",
		".tasks/tasks/T001-a.md":    "---\nid: T001\n---\n",
	})
	c := sessionWith(t, dir, watchCaps, only("context-budget"))
	got, err := c.WaitDiagnostics(uri(filepath.Join(dir, ".tasks/context/project.md")), func(ds []protocol.Diagnostic) bool { return len(ds) == 1 })
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Message != "context/project.md is about 126 tokens, over the README's budget of ~10" {
		t.Errorf("got %s", dump(got))
	}
}

// A file changed on disk while the first index is being read (after the
// index read it) is read again once the index is in: its event, applied
// to the snapshot the index replaces, used to be lost.
func TestDiskEventWhileIndexing(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		".tasks/tasks/T001-a.md": "---\nid: T001\ndependencies: [T555]\n---\n",
		".tasks/tasks/T002-b.md": "---\nid: T002\n---\n",
	})
	srv := lsp.NewServer(nil, "test")
	read, release := lsp.HoldIndexAfterRead(srv)
	t.Cleanup(srv.Close)
	t.Cleanup(release)
	c, _ := lsptest.Pipe(t, srv)
	if err := c.Call("initialize", map[string]any{"rootUri": uri(dir), "capabilities": watchCaps, "initializationOptions": only(core...),
		"workspaceFolders": []map[string]any{{"uri": uri(dir), "name": "w"}}}, nil); err != nil {
		t.Fatal(err)
	}
	c.Notify("initialized", map[string]any{})
	aURI := uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))
	<-read // the index has read T001 with T555; now the disk changes
	write(t, dir, map[string]string{".tasks/tasks/T001-a.md": "---\nid: T001\ndependencies: [T556]\n---\n"})
	watched(c, map[string]any{"uri": aURI, "type": 2})
	// the event is handled on the read loop: a request answered after it
	// proves it was
	if err := c.Call("taskls/nonsense", nil, nil); err == nil {
		t.Fatal("an unknown method was answered")
	}
	release()
	waitMessages(t, c, aURI, "unknown task ID T556")
}
