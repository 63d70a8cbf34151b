package check

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/workspace"
)

// fileDeps returns the IDs a task file lists as dependencies, in order,
// without repeats.
func fileDeps(t *taskfile.Task) []string { return appendFileDeps(nil, t) }

// appendFileDeps appends to dst the IDs of every dependency list of a task
// file, in order, without repeats among them.
func appendFileDeps(dst []string, t *taskfile.Task) []string {
	base := len(dst)
	for r := range t.ListRefs() {
		if r.Kind == model.KindDependency {
			dst = append(dst, r.ID)
		}
	}
	return dedupeFrom(dst, base)
}

// depList returns a task file's first dependency list, or nil.
func depList(t *taskfile.Task) *model.List { return listOf(t, model.KindDependency) }

// listOf returns the first list of a kind in a task file (made anew: see
// taskfile.Task.Lists).
func listOf(t *taskfile.Task, k model.RefKind) *model.List {
	if i := listIndex(t, k); i >= 0 {
		return t.List(i)
	}
	return nil
}

// listIndex is the index of the first list of a kind in a task file, or -1.
func listIndex(t *taskfile.Task, k model.RefKind) int {
	for i := range t.NumLists() {
		if _, kind := t.ListSpan(i); kind == k {
			return i
		}
	}
	return -1
}

func ids(l *model.List) []string {
	if l == nil {
		return nil
	}
	out := make([]string, 0, len(l.Items))
	for _, r := range l.Items {
		out = append(out, r.ID)
	}
	return dedupeFrom(out, 0)
}

// depsOf returns what a task depends on: its task file's lists, or its
// manifest entry when it has no file; known is false when it has neither.
func depsOf(r *workspace.Root, id string) (deps []string, known bool) {
	return appendDepsOf(nil, r, id)
}

// appendDepsOf appends depsOf(r, id) to dst.
func appendDepsOf(dst []string, r *workspace.Root, id string) ([]string, bool) {
	if d := r.Task(id); d != nil {
		return appendFileDeps(dst, d.Task), true
	}
	if e := r.Entry(id); e != nil {
		base := len(dst)
		for _, it := range e.ListItems(manifest.DependsOnList) {
			dst = append(dst, it.ID)
		}
		return dedupeFrom(dst, base), true
	}
	return dst, false
}

// appendBlockedBy appends to dst what a task lists as blocking it (its
// task file's first blocked_by list, or its manifest entry's when it has
// no file), without repeats among them.
func appendBlockedBy(dst []string, r *workspace.Root, id string) []string {
	base := len(dst)
	if d := r.Task(id); d != nil {
		if i := listIndex(d.Task, model.KindBlockedBy); i >= 0 {
			for it := range d.Task.ListItems(i) {
				dst = append(dst, it.ID)
			}
		}
	} else if e := r.Entry(id); e != nil {
		for _, it := range e.ListItems(manifest.BlockedByList) {
			dst = append(dst, it.ID)
		}
	}
	return dedupeFrom(dst, base)
}

// statusOf returns a task's normalised status: its file's, else its
// manifest entry's.
func statusOf(r *workspace.Root, id string) string {
	if d := r.Task(id); d != nil && d.Task.HasStatus {
		return d.Task.StatusNorm()
	}
	if e := r.Entry(id); e != nil {
		s, _ := model.NormStatus(e.Status().Value)
		return s
	}
	return ""
}

// diff returns the members only in a and only in b.
func diff(a, b []string) (onlyA, onlyB []string) {
	inA, inB := map[string]bool{}, map[string]bool{}
	for _, x := range a {
		inA[x] = true
	}
	for _, x := range b {
		inB[x] = true
	}
	for _, x := range a {
		if !inB[x] {
			onlyA = append(onlyA, x)
		}
	}
	for _, x := range b {
		if !inA[x] {
			onlyB = append(onlyB, x)
		}
	}
	return onlyA, onlyB
}

func contains(list []string, x string) bool {
	for _, y := range list {
		if y == x {
			return true
		}
	}
	return false
}

// jsonString quotes s as a JSON string.
func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// jsonIDList writes ["A", "B"].
func jsonIDList(list []string) string {
	q := make([]string, len(list))
	for i, x := range list {
		q[i] = jsonString(x)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// yamlScalar writes s as a YAML scalar, quoted when plain would not read
// back as the same string.
func yamlScalar(s string) string {
	plain := s != "" && strings.TrimSpace(s) == s && !strings.ContainsAny(s[:1], "-?:,[]{}#&*!|>'\"%@`") &&
		!strings.Contains(s, ": ") && !strings.Contains(s, " #") && !strings.HasSuffix(s, ":") && !strings.ContainsAny(s, "\n\t")
	switch strings.ToLower(s) {
	case "true", "false", "yes", "no", "null", "~", "on", "off", "y", "n":
		plain = false
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		plain = false
	}
	if plain {
		return s
	}
	return jsonString(s) // a JSON string is a valid YAML double-quoted scalar
}

// sorted returns a sorted copy.
func sorted(list []string) []string {
	out := append([]string(nil), list...)
	sort.Strings(out)
	return out
}

// dedupeFrom drops from dst[base:] the IDs met before in it, keeping the
// first of each in order. Lists are short: up to 32 IDs a scan costs less
// than a set.
func dedupeFrom(dst []string, base int) []string {
	seg := dst[base:]
	n := 0
	if len(seg) <= 32 {
	next:
		for _, x := range seg {
			for _, y := range seg[:n] {
				if x == y {
					continue next
				}
			}
			seg[n] = x
			n++
		}
		return dst[:base+n]
	}
	seen := make(map[string]struct{}, len(seg))
	for _, x := range seg {
		if _, ok := seen[x]; !ok {
			seen[x] = struct{}{}
			seg[n] = x
			n++
		}
	}
	return dst[:base+n]
}
