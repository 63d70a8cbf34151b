package lsp_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/taskls/taskls/lsp/lsptest"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// A client slow to answer workspace/configuration, sent hundreds of empty
// didChangeConfiguration notifications, gets one request at a time: one
// more after the answer, not one per notification; the answer it finally
// gives takes effect.
func TestConfigurationAskedOnceAtATime(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{".tasks/tasks/T001-a.md": "---\nid: T001\ntitle: A\nstatus: someday\n---\n"})
	aURI := uri(filepath.Join(dir, ".tasks/tasks/T001-a.md"))
	var asked atomic.Int32
	gate := make(chan struct{})
	var once sync.Once
	release := func() { once.Do(func() { close(gate) }) }
	t.Cleanup(release)
	caps := map[string]any{"workspace": map[string]any{"configuration": true}}
	c := sessionWith(t, dir, caps, only("status-value"),
		lsptest.WithRequestHandler("workspace/configuration", func(json.RawMessage) (any, error) {
			if asked.Add(1) > 1 {
				<-gate // every request after the first waits for the test
			}
			settings := only("status-value")
			settings["checks"].(map[string]any)["status-value"] = "hint"
			return []any{settings}, nil
		}))
	if _, err := c.WaitDiagnostics(aURI, func(ds []protocol.Diagnostic) bool { return len(ds) == 1 }); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i++ {
		c.Notify("workspace/didChangeConfiguration", map[string]any{"settings": nil})
	}
	time.Sleep(200 * time.Millisecond)
	if n := asked.Load(); n > 2 {
		t.Fatalf("%d workspace/configuration requests while one waited for its answer, want at most 2", n)
	}
	release()
	deadline := time.Now().Add(5 * time.Second)
	for asked.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if n := asked.Load(); n != 3 {
		t.Fatalf("%d workspace/configuration requests in all, want 3 (the first, one for the 300 notifications, one more for those sent while it waited)", n)
	}
	if _, err := c.WaitDiagnostics(aURI, func(ds []protocol.Diagnostic) bool {
		return len(ds) == 1 && *ds[0].Severity == protocol.DiagnosticSeverityHint && strings.Contains(ds[0].Message, "someday")
	}); err != nil {
		t.Fatal(err)
	}
}
