package lsp_test

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/internal/gen"
	"github.com/taskls/taskls/lsp"
	"github.com/taskls/taskls/lsp/lsptest"
	protocol "github.com/tliron/glsp/protocol_3_16"
)

// validRange reports whether r is ordered and not absurd.
func validRange(r protocol.Range) bool {
	a, b := r.Start, r.End
	return (a.Line < b.Line || a.Line == b.Line && a.Character <= b.Character) && b.Line < 100000 && b.Character < 1<<20
}

// checkAnswer states that raw is a well-formed answer to method, and
// returns what is wrong with it, or "".
func checkAnswer(method string, raw json.RawMessage, dir string) string {
	if string(raw) == "null" {
		return ""
	}
	inWorkspace := func(u string) bool { return strings.HasPrefix(u, uri(dir)+"/") }
	switch method {
	case "textDocument/hover":
		var h struct {
			Contents struct{ Kind, Value string } `json:"contents"`
			Range    *protocol.Range              `json:"range"`
		}
		if err := json.Unmarshal(raw, &h); err != nil {
			return err.Error()
		}
		if h.Contents.Kind != "markdown" || h.Contents.Value == "" {
			return fmt.Sprintf("hover contents %+v", h.Contents)
		}
		if h.Range != nil && !validRange(*h.Range) {
			return fmt.Sprintf("hover range %v", *h.Range)
		}
	case "textDocument/definition", "textDocument/references":
		var locs []protocol.Location
		if err := json.Unmarshal(raw, &locs); err != nil {
			return err.Error()
		}
		for _, l := range locs {
			if !inWorkspace(l.URI) || !validRange(l.Range) {
				return fmt.Sprintf("location %v", l)
			}
		}
	case "textDocument/completion":
		var list struct {
			Items []struct {
				Label    string            `json:"label"`
				TextEdit protocol.TextEdit `json:"textEdit"`
			} `json:"items"`
		}
		if err := json.Unmarshal(raw, &list); err != nil {
			return err.Error()
		}
		for _, it := range list.Items {
			if it.Label == "" || !validRange(it.TextEdit.Range) || it.TextEdit.Range.Start.Line != it.TextEdit.Range.End.Line {
				return fmt.Sprintf("completion item %+v", it)
			}
		}
	case "textDocument/documentSymbol":
		var syms []protocol.DocumentSymbol
		if err := json.Unmarshal(raw, &syms); err != nil {
			return err.Error()
		}
		var walk func([]protocol.DocumentSymbol) string
		walk = func(ss []protocol.DocumentSymbol) string {
			for _, s := range ss {
				r, sr := s.Range, s.SelectionRange
				inside := (r.Start.Line < sr.Start.Line || r.Start.Line == sr.Start.Line && r.Start.Character <= sr.Start.Character) &&
					(sr.End.Line < r.End.Line || sr.End.Line == r.End.Line && sr.End.Character <= r.End.Character)
				if s.Name == "" || !validRange(r) || !validRange(sr) || !inside {
					return fmt.Sprintf("symbol %q range %v selection %v", s.Name, r, sr)
				}
				if w := walk(s.Children); w != "" {
					return w
				}
			}
			return ""
		}
		return walk(syms)
	}
	return ""
}

// A few hundred mixed requests (hover, definition, completion, references,
// document symbols) from four goroutines, at positions in and past the
// documents, while edits of five open buffers stream in from a fifth: every
// answer is well-formed, no request fails, and afterwards the server is
// alive and its diagnostics equal a cold check of the final buffers. Run
// with -race, this is where the read loop, the publisher and the index
// meet.
func TestConcurrentRequestsDuringEdits(t *testing.T) {
	seed := time.Now().UnixNano()
	dir := t.TempDir()
	if _, err := gen.Write(dir, gen.Options{Tasks: 40, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	srv := lsp.NewServer(nil, "test")
	t.Cleanup(srv.Close)
	c, _ := lsptest.Pipe(t, srv, lsptest.WithTimeout(30*time.Second))
	if err := c.Call("initialize", map[string]any{"rootUri": uri(dir), "capabilities": watchCaps}, nil); err != nil {
		t.Fatal(err)
	}
	c.Notify("initialized", map[string]any{})

	var files []string
	filepath.WalkDir(filepath.Join(dir, ".tasks"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.Contains(p, "/tasks/") || strings.HasSuffix(p, "manifest.json")) {
			files = append(files, p)
		}
		return nil
	})
	sort.Strings(files)
	if len(files) < 10 {
		t.Fatalf("%d files", len(files))
	}
	// five task files take the edits (a manifest broken by random edits
	// would keep stale IDs, which the incremental test deals with)
	var open []string
	for _, p := range files {
		if len(open) < 5 && strings.Contains(p, "/tasks/") {
			open = append(open, p)
		}
	}
	buffers := map[string][]byte{}
	for _, p := range open {
		b, _ := os.ReadFile(p)
		buffers[p] = b
		c.Notify("textDocument/didOpen", map[string]any{"textDocument": map[string]any{"uri": uri(p), "languageId": "markdown", "version": 1, "text": string(b)}})
	}

	methods := []string{"textDocument/hover", "textDocument/definition", "textDocument/completion", "textDocument/references", "textDocument/documentSymbol"}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var problems []string
	report := func(format string, args ...any) {
		mu.Lock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		}
		mu.Unlock()
	}
	counts := make([]int, len(methods))
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			rng := rand.New(rand.NewSource(seed + int64(g)))
			for i := 0; i < 75; i++ {
				m := rng.Intn(len(methods))
				p := files[rng.Intn(len(files))]
				pos := map[string]any{"line": rng.Intn(140), "character": rng.Intn(90)}
				if rng.Intn(10) == 0 {
					pos = map[string]any{"line": 4000000000, "character": 4000000000}
				}
				params := map[string]any{"textDocument": map[string]any{"uri": uri(p)}, "position": pos, "context": map[string]any{"includeDeclaration": true}}
				if methods[m] == "textDocument/documentSymbol" {
					params = map[string]any{"textDocument": map[string]any{"uri": uri(p)}}
				}
				var raw json.RawMessage
				if err := c.Call(methods[m], params, &raw); err != nil {
					report("%s %s %v: %v", methods[m], filepath.Base(p), pos, err)
					continue
				}
				if w := checkAnswer(methods[m], raw, dir); w != "" {
					report("%s %s %v: %s", methods[m], filepath.Base(p), pos, w)
				}
				mu.Lock()
				counts[m]++
				mu.Unlock()
			}
		}(g)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		rng := rand.New(rand.NewSource(seed - 1))
		version := map[string]int{}
		for i := 0; i < 200; i++ {
			p := open[rng.Intn(len(open))]
			old := buffers[p]
			f := text.New(old)
			a := rng.Intn(len(old) + 1)
			b := a + rng.Intn(12)
			if b > len(old) {
				b = len(old)
			}
			for a > 0 && old[a-1]&0xC0 == 0x80 || a < len(old) && old[a]&0xC0 == 0x80 {
				a-- // not inside a rune
			}
			for b < len(old) && old[b]&0xC0 == 0x80 {
				b++
			}
			ins := []string{"T001", ", T002", "\n- T003\n", "", "x: y: z\n", "🚀", "---\n", "[T9"}[rng.Intn(8)]
			next := append(append(append([]byte(nil), old[:a]...), ins...), old[b:]...)
			version[p]++
			c.Notify("textDocument/didChange", map[string]any{
				"textDocument":   map[string]any{"uri": uri(p), "version": version[p] + 1},
				"contentChanges": []map[string]any{{"range": spanRange(f, text.Span{Start: a, End: b}), "text": ins}},
			})
			buffers[p] = next
		}
	}()
	wg.Wait()
	if len(problems) > 0 {
		t.Fatalf("seed %d: %d problems:\n%s", seed, len(problems), strings.Join(problems, "\n"))
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if total != 300 {
		t.Fatalf("%d answers, want 300", total)
	}
	t.Logf("answers per method: %v", counts)

	// alive, and the diagnostics of the final buffers are right
	var syms []protocol.SymbolInformation
	if err := c.Call("workspace/symbol", map[string]any{"query": "T00"}, &syms); err != nil || len(syms) == 0 {
		t.Fatalf("the server is not alive: %d symbols, %v", len(syms), err)
	}
	if err := settle(t, srv, c); err != nil {
		t.Fatal(err)
	}
	rel := map[string][]byte{}
	for p, b := range buffers {
		rel[relOf(dir, p)] = b
	}
	cold := copyTasks(t, dir, rel)
	if d := diffStates(publishedState(c, dir), coldState(cold, nil, nil)); d != "" {
		t.Fatalf("seed %d: after the storm the diagnostics differ from a cold check:\n%s", seed, d)
	}
}
