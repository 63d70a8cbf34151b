package check

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/workspace"
)

// The compact graph: a graph derived from the last one (only the nodes
// whose preferred file changed read again) equals one built afresh, and
// its nodes and edges are those the task files write.
func TestBuildGraphFromPrevious(t *testing.T) {
	dir := filepath.Join(t.TempDir(), ".tasks")
	if err := os.MkdirAll(filepath.Join(dir, "tasks"), 0o755); err != nil {
		t.Fatal(err)
	}
	task := func(id string, deps ...string) (string, []byte) {
		return filepath.Join(dir, "tasks", id+".md"), []byte(fmt.Sprintf("---\nid: %s\ntitle: x\ndependencies: [%s]\n---\n", id, strings.Join(deps, ", ")))
	}
	files := [][]string{{"T001", "T002"}, {"T002", "T003", "T001"}, {"T003"}, {"T004", "T004", "T009", "T001"}}
	for _, f := range files {
		p, c := task(f[0], f[1:]...)
		if err := os.WriteFile(p, c, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	s := workspace.Load([]string{dir})
	r := s.Roots[0]
	g := buildGraph(r, nil)
	want := map[string][]string{"T001": {"T002"}, "T002": {"T003", "T001"}, "T003": nil, "T004": {"T001"}} // no self-edge, no unknown node
	for id, deps := range want {
		v, ok := g.node(id)
		var got []string
		for _, w := range g.out(v) {
			got = append(got, g.ids[w])
		}
		if !ok || !slices.Equal(got, deps) {
			t.Errorf("%s: node %v, edges %q; want %q", id, ok, got, deps)
		}
	}
	if _, ok := g.node("T009"); ok {
		t.Error("T009 is no task, yet a node")
	}
	p, c := task("T003", "T001", "T004")
	next := s.Apply([]workspace.Change{{Path: p, Content: c, Version: 1}})
	r2 := next.Roots[0]
	derived, fresh := buildGraph(r2, g), buildGraph(r2, nil)
	if !slices.Equal(derived.start, fresh.start) || !slices.Equal(derived.edges, fresh.edges) || !slices.Equal(derived.docs, fresh.docs) {
		t.Fatalf("derived graph %v %v, fresh %v %v", derived.start, derived.edges, fresh.start, fresh.edges)
	}
	if v, _ := fresh.node("T003"); len(fresh.out(v)) != 2 {
		t.Errorf("T003's edges after the edit: %v", fresh.out(v))
	}
	if comp := sccInts(len(fresh.docs), fresh.out); comp[0] < 0 || comp[0] != comp[2] {
		t.Errorf("components %v: T001 and T003 are on one cycle", comp)
	}
}
