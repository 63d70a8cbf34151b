package gen_test

import (
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
)

// BenchmarkEditQuickPass is what the server does before it publishes the
// edited file's diagnostics: apply the edit, then check the edited file and
// the files that name its task (check.RunFiles); the full run follows.
func BenchmarkEditQuickPass(b *testing.B) {
	benchQuickPass(b, func(f *fixture) []byte { return f.edited })
}

// BenchmarkEditDepsQuickPass is BenchmarkEditQuickPass for an edit to a
// dependency list: a dependent of the task added to its flow list (a
// cycle through both files), then taken out again.
func BenchmarkEditDepsQuickPass(b *testing.B) {
	benchQuickPass(b, func(f *fixture) []byte { return f.cycled })
}

func benchQuickPass(b *testing.B, edit func(*fixture) []byte) {
	forSizes(b, func(b *testing.B, f *fixture) {
		i := 0
		for b.Loop() {
			content := edit(f)
			if i%2 == 1 {
				content = f.content
			}
			s := f.snap.Apply([]workspace.Change{{Path: f.path, Content: content, Version: int32(i + 1)}})
			paths := []string{f.path}
			r := s.RootOf(f.path)
			for l := range r.Refs(s.Doc(f.path).Task.ID()) {
				if l.Doc.Kind != workspace.KindManifest { // as the server does
					paths = append(paths, l.Doc.Path)
				}
			}
			check.RunFiles(s, nil, paths)
			i++
		}
	})
}
