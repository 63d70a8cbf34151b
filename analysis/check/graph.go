package check

import (
	"sort"
	"strings"

	"github.com/taskls/taskls/analysis/model"
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
				for _, l := range d.Task.Lists {
					for i, it := range l.Items {
						if it.ID == d.Task.ID {
							p.Report(d, it.Span, it.ID+verb(it.Kind)).Fixes = removeFix(d, l, i)
						}
					}
				}
			}
		}
		m := r.Manifest
		if m == nil || m.Manifest == nil {
			return
		}
		for _, e := range m.Manifest.Entries {
			for _, l := range []*model.List{e.DependsOn, e.Blocks, e.BlockedBy} {
				if l == nil {
					continue
				}
				for i, it := range l.Items {
					if it.ID == e.ID {
						p.Report(m, it.Span, it.ID+verb(it.Kind)).Fixes = removeFix(m, l, i)
					}
				}
			}
		}
		key := ""
		for _, ref := range m.Manifest.Refs {
			switch ref.Kind {
			case model.KindGraphKey:
				key = ref.ID
			case model.KindGraphDependsOn, model.KindGraphBlocks:
				if ref.ID == key {
					dg := p.Report(m, ref.Span, ref.ID+verb(ref.Kind))
					if l, i := findItem(m, ref); l != nil {
						dg.Fixes = removeFix(m, l, i)
					}
				}
			default:
				key = ""
			}
		}
	},
})

// edge is one written dependency: From depends on Ref.ID, written in Doc.
type edge struct {
	From string
	Doc  *workspace.Doc
	Ref  model.Ref
}

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
		var files []edge
		ids := make([]string, 0, len(r.Defs))
		for id := range r.Defs {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			d := r.Task(id)
			for _, l := range d.Task.Lists {
				if l.Kind != model.KindDependency && l.Kind != model.KindBlockedBy {
					continue
				}
				for _, it := range l.Items {
					files = append(files, edge{From: id, Doc: d, Ref: it})
				}
			}
		}
		reportCycles(p, files)
		if m := r.Manifest; m != nil && m.Manifest != nil {
			var man []edge
			for _, e := range m.Manifest.Entries {
				if e.DependsOn == nil {
					continue
				}
				for _, it := range e.DependsOn.Items {
					man = append(man, edge{From: e.ID, Doc: m, Ref: it})
				}
			}
			reportCycles(p, man)
		}
	},
})

func reportCycles(p *Pass, edges []edge) {
	adj := map[string][]string{}
	for _, e := range edges {
		if e.From != e.Ref.ID {
			adj[e.From] = append(adj[e.From], e.Ref.ID)
		}
	}
	comp := sccs(adj)
	for _, e := range edges {
		c, ok := comp[e.From]
		c2, ok2 := comp[e.Ref.ID]
		if !ok || !ok2 || c != c2 || e.From == e.Ref.ID {
			continue
		}
		path := shortestPath(adj, comp, e.Ref.ID, e.From)
		p.Report(e.Doc, e.Ref.Span, "dependency cycle: "+e.From+" -> "+strings.Join(path, " -> "))
	}
}

// sccs returns, for every node in a strongly connected component of more
// than one node, the component's number (Tarjan's algorithm, iterative).
func sccs(adj map[string][]string) map[string]int {
	index := map[string]int{}
	low := map[string]int{}
	onStack := map[string]bool{}
	var stack []string
	out := map[string]int{}
	n, comps := 0, 0
	nodes := make([]string, 0, len(adj))
	for k := range adj {
		nodes = append(nodes, k)
	}
	sort.Strings(nodes)
	type frame struct {
		v string
		i int
	}
	for _, root := range nodes {
		if _, seen := index[root]; seen {
			continue
		}
		work := []frame{{root, 0}}
		index[root], low[root] = n, n
		n++
		stack = append(stack, root)
		onStack[root] = true
		for len(work) > 0 {
			f := &work[len(work)-1]
			if f.i < len(adj[f.v]) {
				w := adj[f.v][f.i]
				f.i++
				if _, seen := index[w]; !seen {
					index[w], low[w] = n, n
					n++
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
				u := work[len(work)-1].v
				if low[v] < low[u] {
					low[u] = low[v]
				}
			}
			if low[v] == index[v] {
				var members []string
				for {
					w := stack[len(stack)-1]
					stack = stack[:len(stack)-1]
					onStack[w] = false
					members = append(members, w)
					if w == v {
						break
					}
				}
				if len(members) > 1 {
					for _, m := range members {
						out[m] = comps
					}
					comps++
				}
			}
		}
	}
	return out
}

// shortestPath returns the nodes of a shortest path from `from` to `to`
// inside one component, both ends included.
func shortestPath(adj map[string][]string, comp map[string]int, from, to string) []string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if v == to {
			break
		}
		for _, w := range adj[v] {
			if _, seen := prev[w]; seen || comp[w] != comp[from] {
				continue
			}
			prev[w] = v
			queue = append(queue, w)
		}
	}
	var path []string
	for v := to; v != ""; v = prev[v] {
		path = append([]string{v}, path...)
		if v == from {
			break
		}
	}
	return path
}

func removeFix(d *workspace.Doc, l *model.List, i int) []Fix {
	return []Fix{{Title: "Remove " + l.Items[i].ID + " from " + l.Key, Preferred: true, Edits: []Edit{removeItem(d, l, i)}}}
}
