package features

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/workspace"
)

// NextTask is an actionable task.
type NextTask struct {
	ID        string `json:"id"`
	Title     string `json:"title"`
	Status    string `json:"status"`
	Priority  string `json:"priority,omitempty"`
	Unblocks  int    `json:"unblocks"` // tasks that depend on it, directly or not
	File      string `json:"file,omitempty"`
	priorityN int
}

// Next lists the tasks one can work on now: not completed, not blocked,
// every dependency completed and nothing open in blocked_by; by priority,
// then by how much work they unblock, then by ID.
func Next(r *workspace.Root) []NextTask {
	dependents := map[string][]string{}
	for _, id := range r.IDs {
		for _, d := range DepsOf(r, id) {
			dependents[d] = append(dependents[d], id)
		}
	}
	var out []NextTask
	for _, id := range r.IDs {
		title, status, _ := summary(r, id)
		if status == "" || status == model.StatusCompleted || status == model.StatusBlocked || status == "deferred" {
			continue
		}
		ready := true
		for _, d := range DepsOf(r, id) {
			if statusOfID(r, d) != model.StatusCompleted {
				ready = false
			}
		}
		if d := r.Task(id); d != nil {
			for it := range d.Task.ListRefs() {
				if it.Kind == model.KindBlockedBy && statusOfID(r, it.ID) != model.StatusCompleted {
					ready = false
				}
			}
		}
		if !ready {
			continue
		}
		nt := NextTask{ID: id, Title: title, Status: status, priorityN: 9}
		if d := r.Task(id); d != nil {
			nt.File = d.Rel
			if d.Task.PriorityKnown {
				nt.priorityN = d.Task.PriorityNorm()
				nt.Priority = model.PriorityLabel(d.Task.PriorityNorm())
			}
		} else if e := r.Entry(id); e != nil {
			if p, ok := model.NormPriority(e.Priority().Value); ok {
				nt.priorityN, nt.Priority = p, model.PriorityLabel(p)
			}
		}
		seen := map[string]bool{}
		stack := []string{id}
		for len(stack) > 0 {
			x := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, d := range dependents[x] {
				if !seen[d] {
					seen[d] = true
					stack = append(stack, d)
				}
			}
		}
		nt.Unblocks = len(seen)
		out = append(out, nt)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.priorityN != b.priorityN {
			return a.priorityN < b.priorityN
		}
		if a.Unblocks != b.Unblocks {
			return a.Unblocks > b.Unblocks
		}
		return a.ID < b.ID
	})
	return out
}

// FormatNext renders Next as text.
func FormatNext(list []NextTask) string {
	var b strings.Builder
	for _, n := range list {
		p := n.Priority
		if p == "" {
			p = "--"
		}
		fmt.Fprintf(&b, "%s  %s  %-11s unblocks %d  %s\n", n.ID, p, n.Status, n.Unblocks, n.Title)
	}
	return b.String()
}

// estimate is a task's size: its estimated tokens or hours, else 1.
func estimate(r *workspace.Root, id string) float64 {
	if d := r.Task(id); d != nil && d.Task.Estimate() > 0 {
		return d.Task.Estimate()
	}
	return 1
}

// CriticalPath is the longest chain of dependencies, by estimate where
// tasks carry one, else by count; cycles are broken where met.
func CriticalPath(r *workspace.Root) []string {
	best := map[string]float64{}
	next := map[string]string{}
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(id string) float64
	visit = func(id string) float64 {
		switch state[id] {
		case 1:
			return 0
		case 2:
			return best[id]
		}
		state[id] = 1
		var top float64
		for _, d := range DepsOf(r, id) {
			if !r.Known(d) {
				continue
			}
			if v := visit(d); v > top || (v == top && next[id] != "" && d < next[id]) {
				top, next[id] = v, d
			}
		}
		state[id] = 2
		best[id] = top + estimate(r, id)
		return best[id]
	}
	var end string
	var top float64
	for _, id := range r.IDs {
		if v := visit(id); v > top {
			top, end = v, id
		}
	}
	var path []string
	seen := map[string]bool{}
	for id := end; id != "" && !seen[id]; id = next[id] {
		seen[id] = true
		path = append(path, id)
	}
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

// Graph renders the dependency graph as dot, mermaid or json; critical
// highlights the critical path.
func Graph(r *workspace.Root, format string, critical bool) (string, error) {
	crit := map[string]bool{}
	var path []string
	if critical {
		path = CriticalPath(r)
		for _, id := range path {
			crit[id] = true
		}
	}
	critEdge := func(from, to string) bool {
		for i := 0; i+1 < len(path); i++ {
			if path[i] == to && path[i+1] == from {
				return true
			}
		}
		return false
	}
	type node struct {
		ID       string   `json:"id"`
		Title    string   `json:"title"`
		Status   string   `json:"status"`
		Deps     []string `json:"depends_on"`
		Critical bool     `json:"critical,omitempty"`
	}
	var nodes []node
	for _, id := range r.IDs {
		title, status, _ := summary(r, id)
		var deps []string
		for _, d := range DepsOf(r, id) {
			if r.Known(d) && d != id {
				deps = append(deps, d)
			}
		}
		nodes = append(nodes, node{ID: id, Title: title, Status: status, Deps: deps, Critical: crit[id]})
	}
	var b strings.Builder
	switch format {
	case "json":
		out := map[string]any{"nodes": nodes}
		if critical {
			out["critical_path"] = path
		}
		j, _ := json.MarshalIndent(out, "", "  ")
		return string(j) + "\n", nil
	case "dot", "":
		b.WriteString("digraph tasks {\n  rankdir=LR;\n  node [shape=box, style=\"rounded,filled\", fontname=\"sans-serif\"];\n")
		for _, n := range nodes {
			label := n.ID
			if n.Title != "" {
				label += "\n" + n.Title
			}
			attrs := fmt.Sprintf("label=%q, fillcolor=%q", label, dotColor(n.Status))
			if n.Critical {
				attrs += ", penwidth=3, color=\"#d62728\""
			}
			fmt.Fprintf(&b, "  %q [%s];\n", n.ID, attrs)
		}
		for _, n := range nodes {
			for _, d := range n.Deps {
				extra := ""
				if critEdge(n.ID, d) {
					extra = " [color=\"#d62728\", penwidth=3]"
				}
				fmt.Fprintf(&b, "  %q -> %q%s;\n", d, n.ID, extra)
			}
		}
		b.WriteString("}\n")
	case "mermaid":
		b.WriteString("graph LR\n")
		for _, n := range nodes {
			label := n.ID
			if n.Title != "" {
				label += ": " + strings.ReplaceAll(n.Title, "\"", "'")
			}
			fmt.Fprintf(&b, "  %s[\"%s\"]:::%s\n", n.ID, label, mermaidClass(n.Status))
		}
		for _, n := range nodes {
			for _, d := range n.Deps {
				arrow := "-->"
				if critEdge(n.ID, d) {
					arrow = "==>"
				}
				fmt.Fprintf(&b, "  %s %s %s\n", d, arrow, n.ID)
			}
		}
		b.WriteString("  classDef completed fill:#c7e9c0;\n  classDef in_progress fill:#fdd49e;\n  classDef blocked fill:#fcbba1;\n  classDef pending fill:#eeeeee;\n")
		if critical && len(path) > 0 {
			fmt.Fprintf(&b, "  classDef critical stroke:#d62728,stroke-width:3px;\n  class %s critical\n", strings.Join(path, ","))
		}
	default:
		return "", fmt.Errorf("unknown graph format %q (want dot, mermaid or json)", format)
	}
	return b.String(), nil
}

func dotColor(status string) string {
	switch status {
	case model.StatusCompleted:
		return "#c7e9c0"
	case model.StatusInProgress:
		return "#fdd49e"
	case model.StatusBlocked:
		return "#fcbba1"
	}
	return "#eeeeee"
}

func mermaidClass(status string) string {
	switch status {
	case model.StatusCompleted, model.StatusInProgress, model.StatusBlocked:
		return status
	}
	return "pending"
}
