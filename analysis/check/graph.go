package check

import (
	"slices"
	"strings"
	"sync"

	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/workspace"
)

// SelfDependency reports a task that depends on, is blocked by, or blocks
// itself, in its task file, its manifest entry or its dependency_graph entry.
var SelfDependency = register(&Check{
	Name:     "self-dependency",
	Title:    "a task that depends on itself",
	Severity: Error,
	Run: func(p *Pass) {
		r := p.Root
		verb := func(k model.RefKind) string {
			switch k {
			case model.KindBlocks, model.KindManifestBlocks, model.KindGraphBlocks:
				return " blocks itself"
			case model.KindBlockedBy, model.KindManifestBlockedBy:
				return " is blocked by itself"
			}
			return " depends on itself"
		}
		for _, d := range p.docs() {
			if d.IsTask() {
				if !listsName(d.Task, d.Task.ID()) {
					continue // (most tasks: no lists to make)
				}
				for _, l := range d.Task.Lists() {
					for i, it := range l.Items {
						if it.ID == d.Task.ID() {
							p.Report(d, it.Span, it.ID+verb(it.Kind)).Fixes = removeFix(p, d, l, i)
						}
					}
				}
			}
		}
		m := r.Manifest
		if m == nil || m.Manifest == nil || !p.wants(m) {
			return
		}
		var items []model.Ref
		for _, e := range m.Manifest.Entries() {
			id := e.ID()
			for _, k := range [...]manifest.EntryList{manifest.DependsOnList, manifest.BlocksList, manifest.BlockedByList} {
				items = e.AppendListItems(items[:0], k)
				for i, it := range items {
					if it.ID == id {
						p.Report(m, it.Span, it.ID+verb(it.Kind)).Fixes = removeFix(p, m, e.List(k), i)
					}
				}
			}
		}
		key := ""
		for _, ref := range m.Manifest.Refs() {
			switch ref.Kind {
			case model.KindGraphKey:
				key = ref.ID
			case model.KindGraphDependsOn, model.KindGraphBlocks:
				if ref.ID == key {
					dg := p.Report(m, ref.Span, ref.ID+verb(ref.Kind))
					if l, i := findItem(m, ref); l != nil {
						dg.Fixes = removeFix(p, m, l, i)
					}
				}
			default:
				key = ""
			}
		}
	},
})

// Cycle reports dependency cycles. The task files' `dependencies` and
// `blocked_by` lists form one graph (each task through the file the
// manifest points at) and the manifest's `depends_on` lists another; every
// edge of a cycle is reported where it is written, and the message spells
// the whole cycle starting from that edge: `T001 -> T004 -> T001`.
var Cycle = register(&Check{
	Name:     "cycle",
	Title:    "a dependency cycle",
	Severity: Error,
	Run: func(p *Pass) {
		r := p.Root
		if p.facts != nil && p.facts.narrow {
			cyclesThrough(p)
			return
		}
		fileCycles(p)
		if m := r.Manifest; m != nil && m.Manifest != nil {
			manifestCycles(p, m)
		}
	},
})

// fileGraph is the task files' dependency graph (dependencies and
// blocked_by of each task's preferred file, self-edges left out) over the
// indexes of Root.IDs, built once per root. It is kept between check runs
// (see graphCache), in a compact form without pointers but the ID list:
// the edges of every node in one array, an ID's node found by binary
// search in the sorted list.
type fileGraph struct {
	ids   []string // the Root.IDs it is built over
	start []uint32 // node i's edges are edges[start[i]:start[i+1]]
	edges []int32
	docs  []uint64 // the file each node's edges were read from (Doc.Serial)
}

// out is the nodes v has an edge to, in written order.
func (g *fileGraph) out(v int32) []int32 { return g.edges[g.start[v]:g.start[v+1]] }

// node is the node of id.
func (g *fileGraph) node(id string) (int32, bool) {
	i, ok := slices.BinarySearch(g.ids, id)
	return int32(i), ok
}

type fileGraphKey struct{}

// graphCache keeps the last graphs built, by workspace.Root.GraphGen: an
// edit that leaves every dependency list alone reuses the graph, and one
// that changes a few lists derives the new graph from the last one.
var graphCache struct {
	sync.Mutex
	gen  [2]uint64
	g    [2]*fileGraph
	n    int
	last *fileGraph
}

func graphOf(r *workspace.Root) *fileGraph {
	return r.Memo(fileGraphKey{}, func() any {
		gen := r.GraphGen()
		graphCache.Lock()
		for i, x := range graphCache.gen {
			if gen != 0 && x == gen && len(graphCache.g[i].docs) == len(r.IDs) {
				g := graphCache.g[i]
				graphCache.Unlock()
				return g
			}
		}
		last := graphCache.last
		graphCache.Unlock()
		g := buildGraph(r, last)
		graphCache.Lock()
		if gen != 0 {
			i := graphCache.n % len(graphCache.gen)
			graphCache.gen[i], graphCache.g[i] = gen, g
			graphCache.n++
		}
		graphCache.last = g
		graphCache.Unlock()
		return g
	}).(*fileGraph)
}

// buildGraph builds the graph of r. When prev is over the same ID list (no
// task appeared or went), only the nodes whose preferred file changed are
// read again.
func buildGraph(r *workspace.Root, prev *fileGraph) *fileGraph {
	n := len(r.IDs)
	g := &fileGraph{ids: r.IDs, start: make([]uint32, n+1), docs: make([]uint64, n)}
	if prev == nil || len(prev.ids) != n || (n > 0 && &prev.ids[0] != &r.IDs[0]) {
		prev = nil
	} else {
		g.edges = make([]int32, 0, len(prev.edges))
	}
	for i, id := range r.IDs {
		g.start[i] = uint32(len(g.edges))
		d := r.Task(id)
		if d == nil {
			continue
		}
		g.docs[i] = d.Serial()
		if prev != nil && g.docs[i] != 0 && prev.docs[i] == g.docs[i] {
			g.edges = append(g.edges, prev.out(int32(i))...)
			continue
		}
		for it := range d.Task.ListRefs() {
			if it.Kind != model.KindDependency && it.Kind != model.KindBlockedBy {
				continue
			}
			if j, ok := g.node(it.ID); ok && it.ID != id {
				g.edges = append(g.edges, j)
			}
		}
	}
	g.start[n] = uint32(len(g.edges))
	g.edges = slices.Clip(g.edges)
	return g
}

// fileCycles is the cycle check of the task files in a full run: the
// components of the whole graph once (Tarjan's algorithm over the int
// graph), then a shortest path back for each edge inside one, as
// cyclesThrough finds it.
func fileCycles(p *Pass) {
	r := p.Root
	g := graphOf(r)
	comp := sccInts(len(g.docs), g.out)
	for xi, x := range r.IDs {
		if comp[xi] < 0 {
			continue
		}
		d := r.Task(x)
		if d == nil {
			continue
		}
		for e := range d.Task.ListRefs() {
			if e.Kind != model.KindDependency && e.Kind != model.KindBlockedBy {
				continue
			}
			yi, ok := g.node(e.ID)
			if !ok || e.ID == x || comp[yi] != comp[xi] {
				continue
			}
			if path, ok := cyclePath(g.out, r.IDs, yi, int32(xi)); ok {
				p.Report(d, e.Span, "dependency cycle: "+x+" -> "+strings.Join(path, " -> "))
			}
		}
	}
}

// sccInts numbers the strongly connected components of more than one node
// of the graph out (Tarjan's algorithm, iterative); -1 for other nodes.
func sccInts(n int, out func(v int32) []int32) []int32 {
	index := make([]int32, n) // 0: not visited; else visit order + 1
	low := make([]int32, n)
	onStack := make([]bool, n)
	comp := make([]int32, n)
	for i := range comp {
		comp[i] = -1
	}
	var stack []int32
	type frame struct{ v, i int32 }
	var work []frame
	next, comps := int32(1), int32(0)
	for root := range int32(n) {
		if index[root] != 0 {
			continue
		}
		index[root], low[root] = next, next
		next++
		stack = append(stack, root)
		onStack[root] = true
		work = append(work[:0], frame{root, 0})
		for len(work) > 0 {
			f := &work[len(work)-1]
			if vo := out(f.v); int(f.i) < len(vo) {
				w := vo[f.i]
				f.i++
				if index[w] == 0 {
					index[w], low[w] = next, next
					next++
					stack = append(stack, w)
					onStack[w] = true
					work = append(work, frame{w, 0})
				} else if onStack[w] && index[w] < low[f.v] {
					low[f.v] = index[w]
				}
				continue
			}
			v := f.v
			work = work[:len(work)-1]
			if len(work) > 0 {
				if u := work[len(work)-1].v; low[v] < low[u] {
					low[u] = low[v]
				}
			}
			if low[v] == index[v] {
				k := len(stack) - 1
				for stack[k] != v {
					k--
				}
				if len(stack)-k > 1 {
					for _, m := range stack[k:] {
						comp[m] = comps
					}
					comps++
				}
				for _, m := range stack[k:] {
					onStack[m] = false
				}
				stack = stack[:k]
			}
		}
	}
	return comp
}

// cyclePath is a shortest path from `from` back to `to` over out
// (breadth first, edges in their written order), both ends included, as
// names; ok is false when `to` cannot be reached.
func cyclePath(out func(v int32) []int32, names []string, from, to int32) (path []string, ok bool) {
	prev := map[int32]int32{from: -1}
	queue := []int32{from}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if v == to {
			ok = true
			break
		}
		for _, w := range out(v) {
			if _, seen := prev[w]; !seen {
				prev[w] = v
				queue = append(queue, w)
			}
		}
	}
	if !ok {
		return nil, false
	}
	for v := to; ; v = prev[v] {
		path = append(path, names[v])
		if v == from {
			break
		}
	}
	slices.Reverse(path)
	return path, true
}

// cyclesThrough is the cycle check of a quick run: only the edges written
// in the files asked for, each judged by a walk from its target. It reports
// what the whole-graph run reports on those files, paths included: a
// shortest path from the target back to the task lies inside their
// component, and the walk visits the component in the same order.
func cyclesThrough(p *Pass) {
	r := p.Root
	var g *fileGraph
	var mark []uint32 // mark[v] == epoch: v seen in this walk
	var epoch uint32
	var stack []int32
	for _, x := range p.ids() {
		d := r.Task(x)
		if d == nil || !p.wants(d) {
			continue
		}
		if g == nil {
			g = graphOf(r)
			mark = make([]uint32, len(g.docs))
		}
		xi, _ := g.node(x)
		// is x on a cycle at all? (the usual answer, no, costs one walk)
		epoch++
		stack = append(stack[:0], xi)
		onCycle := false
	walk:
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, w := range g.out(v) {
				if w == xi {
					onCycle = true
					break walk
				}
				if mark[w] != epoch {
					mark[w] = epoch
					stack = append(stack, w)
				}
			}
		}
		if !onCycle {
			continue
		}
		for e := range d.Task.ListRefs() {
			if e.Kind != model.KindDependency && e.Kind != model.KindBlockedBy {
				continue
			}
			yi, ok := g.node(e.ID)
			if !ok || e.ID == x {
				continue
			}
			path, ok := cyclePath(g.out, r.IDs, yi, xi)
			if !ok {
				continue
			}
			p.Report(d, e.Span, "dependency cycle: "+x+" -> "+strings.Join(path, " -> "))
		}
	}
}

// manifestCycles reports each depends_on edge of manifest.json that lies
// on a cycle of the graph those lists make, with a shortest path back. The
// graph is read from the manifest three times (count, fill, report) rather
// than copied into a list of edges: at 50,000 entries the copy and its
// adjacency lists were 20 MB live during the run.
func manifestCycles(p *Pass, m *workspace.Doc) {
	mf := m.Manifest
	// the nodes: the known tasks by their index in Root.IDs, other IDs
	// after them in order of appearance
	known := p.dense()
	var at map[string]int32
	names := []string(nil)
	if known != nil {
		at, names = known.at, p.Root.IDs[:len(p.Root.IDs):len(p.Root.IDs)]
	}
	other := map[string]int32{}
	node := func(id string) int32 {
		if i, ok := at[id]; ok {
			return i
		}
		i, ok := other[id]
		if !ok {
			i = int32(len(names))
			other[id] = i
			names = append(names, id)
		}
		return i
	}
	var items []model.Ref
	edges := func(visit func(e *manifest.Entry, from, to int32, it model.Ref)) {
		for _, e := range mf.Entries() {
			items = e.AppendListItems(items[:0], manifest.DependsOnList)
			for _, it := range items {
				if it.ID != e.ID() {
					visit(e, node(e.ID()), node(it.ID), it)
				}
			}
		}
	}
	var cnt []int32
	edges(func(_ *manifest.Entry, from, _ int32, _ model.Ref) {
		for int(from) >= len(cnt) {
			cnt = append(cnt, 0)
		}
		cnt[from]++
	})
	n := len(names)
	start := make([]int32, n+1)
	for v := range min(n, len(cnt)) {
		start[v+1] = cnt[v]
	}
	for v := 1; v <= n; v++ {
		start[v] += start[v-1]
	}
	adj := make([]int32, start[n])
	next := slices.Clone(start[:n])
	edges(func(_ *manifest.Entry, from, to int32, _ model.Ref) {
		adj[next[from]] = to
		next[from]++
	})
	out := func(v int32) []int32 { return adj[start[v]:start[v+1]] }
	comp := sccInts(n, out)
	edges(func(e *manifest.Entry, a, b int32, it model.Ref) {
		if comp[a] < 0 || comp[a] != comp[b] {
			return
		}
		if path, ok := cyclePath(out, names, b, a); ok {
			p.Report(m, it.Span, "dependency cycle: "+e.ID()+" -> "+strings.Join(path, " -> "))
		}
	})
}

func removeFix(p *Pass, d *workspace.Doc, l *model.List, i int) []Fix {
	return []Fix{{Title: "Remove " + l.Items[i].ID + " from " + l.Key, Preferred: true, Edits: []Edit{removeItem(p, d, l, i)}}}
}

// listsName reports whether an item of a task file's ID lists is id.
func listsName(t *taskfile.Task, id string) bool {
	for it := range t.ListRefs() {
		if it.ID == id {
			return true
		}
	}
	return false
}
