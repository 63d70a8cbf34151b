package gen_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/features"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/taskls/taskls/internal/gen"
)

// Benchmarks run over generated workspaces of 1k and 10k tasks (and 50k
// with TASKLS_BENCH_50K=1). Each size is generated once per process, with
// faults, into a temporary folder removed by TestMain.

func benchSizes() []int {
	sizes := []int{1000, 10000}
	if os.Getenv("TASKLS_BENCH_50K") == "1" {
		sizes = append(sizes, 50000)
	}
	return sizes
}

type fixture struct {
	dir  string
	res  *gen.Result
	snap *workspace.Snapshot // loaded once, shared read-only
	// a front-matter task with a flow dependency list
	path    string
	content []byte
	edited  []byte // the same file with another status
	cycled  []byte // the same file with a dependent added to its flow list: a cycle
	hoverAt int    // on the list's first ID
	compAt  int    // at the start of the list's first ID (empty prefix)
}

var (
	fixMu    sync.Mutex
	fixtures = map[int]*fixture{}
	tmpRoot  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if tmpRoot != "" {
		os.RemoveAll(tmpRoot)
	}
	os.Exit(code)
}

func fixtureOf(b testing.TB, n int) *fixture {
	b.Helper()
	fixMu.Lock()
	defer fixMu.Unlock()
	if f := fixtures[n]; f != nil {
		return f
	}
	if tmpRoot == "" {
		d, err := os.MkdirTemp("", "taskls-bench-")
		if err != nil {
			b.Fatal(err)
		}
		tmpRoot = d
	}
	dir := filepath.Join(tmpRoot, fmt.Sprint(n))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	res, err := gen.Write(dir, gen.Options{Tasks: n, Seed: 1, Faults: true})
	if err != nil {
		b.Fatal(err)
	}
	f := &fixture{dir: dir, res: res, snap: workspace.Load([]string{dir})}
	// a front-matter task in the middle of the plan with a flow list
	for _, tk := range res.Tasks[n/2:] {
		if tk.Style != gen.StyleFrontMatter || len(tk.FileDeps) < 2 {
			continue
		}
		path := filepath.Join(dir, filepath.FromSlash(tk.File))
		d := f.snap.Doc(path)
		if d == nil || !d.IsTask() {
			continue
		}
		var l *model.List
		for _, x := range d.Task.Lists() {
			if x.Kind == model.KindDependency && x.Style == '[' && len(x.Items) > 0 {
				l = x
			}
		}
		if l == nil || d.Task.Style != taskfile.StyleFrontMatter {
			continue
		}
		f.path, f.content = path, d.Text.Bytes()
		f.hoverAt = l.Items[0].Span.Start + 1
		f.compAt = l.Items[0].Span.Start
		st := d.Task.StatusSpan()
		f.edited = bytes.Join([][]byte{d.Text.Bytes()[:st.Start], []byte("blocked"), d.Text.Bytes()[st.End:]}, nil)
		for _, loc := range f.snap.RootOf(path).RefsAt(d.Task.ID()) {
			if loc.Ref.Kind == model.KindDependency && loc.Doc.IsTask() && loc.Doc.Task.ID() != d.Task.ID() {
				end := l.Span.End - 1 // before the closing bracket
				f.cycled = bytes.Join([][]byte{d.Text.Bytes()[:end], []byte(", " + loc.Doc.Task.ID()), d.Text.Bytes()[end:]}, nil)
				break
			}
		}
		break
	}
	if f.path == "" || f.cycled == nil {
		b.Fatal("no front-matter task with a flow dependency list and a dependent")
	}
	fixtures[n] = f
	return f
}

func forSizes(b *testing.B, fn func(b *testing.B, f *fixture)) {
	for _, n := range benchSizes() {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			f := fixtureOf(b, n)
			b.ReportAllocs()
			b.ResetTimer()
			fn(b, f)
		})
	}
}

// BenchmarkColdIndex reads and indexes the whole workspace.
func BenchmarkColdIndex(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		for b.Loop() {
			s := workspace.Load([]string{f.dir})
			if len(s.Roots) != 1 {
				b.Fatal("no root")
			}
		}
	})
}

// BenchmarkCheck runs every check over a loaded snapshot.
func BenchmarkCheck(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		for b.Loop() {
			check.Run(f.snap, nil)
		}
	})
}

// BenchmarkApplyEdit applies one changed task file (its status flipped)
// and runs every check over the new snapshot: one keystroke's work.
func BenchmarkApplyEdit(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		i := 0
		for b.Loop() {
			content := f.edited
			if i%2 == 1 {
				content = f.content
			}
			s := f.snap.Apply([]workspace.Change{{Path: f.path, Content: content, Version: int32(i + 1)}})
			check.Run(s, nil)
			i++
		}
	})
}

// BenchmarkHover hovers the first ID of a dependency list.
func BenchmarkHover(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		for b.Loop() {
			if _, _, ok := features.Hover(f.snap, f.path, f.hoverAt); !ok {
				b.Fatal("no hover")
			}
		}
	})
}

// BenchmarkReferences lists the references of the first ID of a
// dependency list, its definition and manifest entry included.
func BenchmarkReferences(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		for b.Loop() {
			if len(features.References(f.snap, f.path, f.hoverAt, true)) == 0 {
				b.Fatal("no references")
			}
		}
	})
}

// BenchmarkReferencesMost lists the references of the task named most
// often, definitions and manifest entries included.
func BenchmarkReferencesMost(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		r := f.snap.RootOf(f.path)
		most, n := "", 0
		for _, id := range r.IDs {
			if k := len(features.RefsOf(r, id, true)); k > n {
				most, n = id, k
			}
		}
		b.ResetTimer()
		for b.Loop() {
			if len(features.RefsOf(r, most, true)) != n {
				b.Fatal("references changed")
			}
		}
	})
}

// BenchmarkRename computes the edits renaming the first ID of a dependency
// list to an ID no task has.
func BenchmarkRename(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		_, id, err := features.PrepareRename(f.snap, f.path, f.hoverAt)
		if err != nil {
			b.Fatal(err)
		}
		p, d := model.SplitID(id)
		newID := p + strings.Repeat("9", len(d)+1)
		b.ResetTimer()
		for b.Loop() {
			res, err := features.Rename(f.snap, f.path, f.hoverAt, newID)
			if err != nil || len(res.Edits) == 0 {
				b.Fatal("no rename edits", err)
			}
		}
	})
}

// BenchmarkDefinition goes to the definition of the first ID of a
// dependency list.
func BenchmarkDefinition(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		for b.Loop() {
			if len(features.Definition(f.snap, f.path, f.hoverAt)) == 0 {
				b.Fatal("no definition")
			}
		}
	})
}

// BenchmarkCompletion completes at the start of a dependency list's first
// ID, where every task ID is a candidate.
func BenchmarkCompletion(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		for b.Loop() {
			if c := features.Complete(f.snap, f.path, f.compAt); len(c.Items) == 0 {
				b.Fatal("no completion")
			}
		}
	})
}

// BenchmarkCompletionTyped completes after a partial ID or title word typed
// at the start of a dependency list: "T" and "T00" (many IDs: the answer is
// capped), "T0500" (a few IDs, then the titles are searched) and "cach" (no
// ID: titles only). One op is one of them in turn.
func BenchmarkCompletionTyped(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		b.StopTimer()
		type typed struct {
			snap *workspace.Snapshot
			at   int
		}
		var cases []typed
		for i, p := range []string{"T", "T00", "T0500", "cach"} {
			content := bytes.Join([][]byte{f.content[:f.compAt], []byte(p + ", "), f.content[f.compAt:]}, nil)
			s := f.snap.Apply([]workspace.Change{{Path: f.path, Content: content, Version: int32(i + 1)}})
			features.Complete(s, f.path, f.compAt+len(p)) // its index, built once per root
			cases = append(cases, typed{s, f.compAt + len(p)})
		}
		b.StartTimer()
		i := 0
		for b.Loop() {
			c := cases[i%len(cases)]
			features.Complete(c.snap, f.path, c.at)
			i++
		}
	})
}

// BenchmarkCompletionAfterEdit is the first completion after an edit, by
// title ("cach" typed in a dependency list): the edit (not timed) makes a
// new root, whose search index the completion builds, from the last one.
func BenchmarkCompletionAfterEdit(b *testing.B) {
	forSizes(b, func(b *testing.B, f *fixture) {
		typed := bytes.Join([][]byte{f.content[:f.compAt], []byte("cach, "), f.content[f.compAt:]}, nil)
		contents := [][]byte{typed, append(append([]byte(nil), typed...), '\n')}
		i := 0
		for b.Loop() {
			b.StopTimer()
			s := f.snap.Apply([]workspace.Change{{Path: f.path, Content: contents[i%2], Version: int32(i + 1)}})
			i++
			b.StartTimer()
			if c := features.Complete(s, f.path, f.compAt+len("cach")); len(c.Items) == 0 {
				b.Fatal("no completion")
			}
		}
	})
}

// BenchmarkWorkspaceSymbol answers workspace/symbol queries, one per op in
// turn: an ID prefix ("T05"), a title word ("auth"), the empty query (every
// task) and letters found only in order, apart ("rtlmt": fuzzy).
func BenchmarkWorkspaceSymbol(b *testing.B) {
	queries := []string{"T05", "auth", "", "rtlmt"}
	forSizes(b, func(b *testing.B, f *fixture) {
		i := 0
		for b.Loop() {
			if len(features.WorkspaceSymbols(f.snap, queries[i%len(queries)], 200)) == 0 {
				b.Fatalf("nothing for %q", queries[i%len(queries)])
			}
			i++
		}
	})
}
