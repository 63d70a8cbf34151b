package check

import (
	"github.com/taskls/taskls/analysis/workspace"
)

// dense holds the graph facts of a run that is not narrow (every task is
// looked at) for every known task at once: what each depends on, what it
// waits for, and what waits for it, each list a window of one shared
// array. A map of a list per task cost a full run at 50,000 tasks about
// 24 MB live while it ran (map entries and one slice per task and per
// dependent); these arrays hold the IDs once and no per-task header.
type dense struct {
	at    map[string]int32 // index of each of Root.IDs
	deps  idLists
	waits idLists // only for the tasks in extra; the others wait for their deps
	extra []uint64
	known []uint64 // the tasks with a file or a manifest entry (others: deferred or stale IDs)
	// dependents of each known task; of IDs that are not known, in other
	dependents idLists
	other      map[string][]string
}

// idLists are lists of IDs numbered from 0: list i is
// all[start[i]:start[i+1]].
type idLists struct {
	start []uint32
	all   []string
}

func (l *idLists) get(i int32) []string {
	s, e := l.start[i], l.start[i+1]
	return l.all[s:e:e] // an append by a caller copies
}

func (l *idLists) end() { l.start = append(l.start, uint32(len(l.all))) }

func (d *dense) hasExtra(i int32) bool { return d.extra[i/64]&(1<<(i%64)) != 0 }

// isKnown reports whether the i'th task has a file or a manifest entry
// (depsOf's second result).
func (d *dense) isKnown(i int32) bool { return d.known[i/64]&(1<<(i%64)) != 0 }

// depsOf is depsOf of the i'th known task.
func (d *dense) depsOf(i int32) []string { return d.deps.get(i) }

// waitsOf is what the i'th known task waits for: its dependencies, then
// its blocked_by list.
func (d *dense) waitsOf(i int32) []string {
	if d.hasExtra(i) {
		return d.waits.get(i)
	}
	return d.deps.get(i)
}

// buildDense computes the dense facts of a root.
func buildDense(r *workspace.Root) *dense {
	n := len(r.IDs)
	d := &dense{at: make(map[string]int32, n), extra: make([]uint64, (n+63)/64), known: make([]uint64, (n+63)/64)}
	for i, id := range r.IDs {
		d.at[id] = int32(i)
	}
	d.deps.start = make([]uint32, 1, n+1)
	d.waits.start = make([]uint32, 1, n+1)
	for i, id := range r.IDs {
		base := len(d.deps.all)
		var known bool
		if d.deps.all, known = appendDepsOf(d.deps.all, r, id); known {
			d.known[i/64] |= 1 << (i % 64)
		}
		d.deps.end()
		// the dependencies, then the blocked_by list (a task in both is
		// waited for twice, as dependents counts it); kept only when
		// there is a blocked_by list
		wb := len(d.waits.all)
		d.waits.all = append(d.waits.all, d.deps.all[base:]...)
		more := len(d.waits.all)
		if d.waits.all = appendBlockedBy(d.waits.all, r, id); len(d.waits.all) > more {
			d.extra[i/64] |= 1 << (i % 64)
		} else {
			d.waits.all = d.waits.all[:wb]
		}
		d.waits.end()
	}
	// what waits for each task, in ID order (as often as it is waited for)
	cnt := make([]uint32, n+1)
	for i := range int32(n) {
		for _, w := range d.waitsOf(i) {
			if j, ok := d.at[w]; ok {
				cnt[j+1]++
			} else {
				if d.other == nil {
					d.other = map[string][]string{}
				}
				d.other[w] = append(d.other[w], r.IDs[i])
			}
		}
	}
	for j := 1; j <= n; j++ {
		cnt[j] += cnt[j-1]
	}
	d.dependents.start = cnt
	d.dependents.all = make([]string, cnt[n])
	next := make([]uint32, n)
	copy(next, cnt[:n])
	for i := range int32(n) {
		for _, w := range d.waitsOf(i) {
			if j, ok := d.at[w]; ok {
				d.dependents.all[next[j]] = r.IDs[i]
				next[j]++
			}
		}
	}
	return d
}
