package check

import (
	"slices"
	"strings"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/workspace"
)

// UnknownID reports a task ID that names no task: in a dependency,
// blocked_by or blocks list of a task file, or in any task list of
// manifest.json. A task is known when a file defines it, when the manifest
// lists it (even if its file is missing), or when a deferred list of the
// manifest declares it. When exactly one known ID is one edit away, or the
// same number with other zero padding, the message suggests it. An unknown
// ID mentioned in body prose is only a hint, and only when it has the
// workspace's own ID form.
var UnknownID = register(&Check{
	Name:     "unknown-id",
	Title:    "a reference to a task that does not exist",
	Severity: Error,
	Run: func(p *Pass) {
		r := p.Root
		lookalikes := lookalikeOn(p) // those are lookalike-id's
		report := func(d *workspace.Doc, ref model.Ref) {
			msg := "unknown task ID " + ref.ID
			owner := ""
			if d.IsTask() {
				owner = d.Task.ID()
			}
			s := Suggest(r, ref.ID, owner)
			if s != "" {
				msg += " (did you mean " + s + "?)"
			}
			var dg *Diagnostic
			if ref.Kind == model.KindMention {
				dg = p.ReportSev(Hint, d, ref.Span, msg)
			} else {
				dg = p.Report(d, ref.Span, msg)
			}
			if s != "" {
				// a guess: offered, never applied unattended
				dg.Fixes = []Fix{{Title: "Replace " + ref.ID + " with " + s,
					Edits: []Edit{{Path: d.Path, Span: ref.Span, NewText: s}}}}
			}
		}
		unknown := func(id string) bool { return !r.Known(id) && !(lookalikes && isLookalike(id)) }
		if p.facts == nil || p.facts.only == nil {
			// every file: the reference index holds what each file names,
			// so each ID is judged once rather than at every mention, and
			// only an unknown one's references are looked up
			for id := range r.RefIDs() {
				if !unknown(id) {
					continue
				}
				for l := range r.Refs(id) {
					if l.Doc.Kind == workspace.KindTask || l.Doc.Kind == workspace.KindManifest {
						report(l.Doc, l.Ref)
					}
				}
			}
			return
		}
		for _, d := range p.docs() {
			if d.Kind != workspace.KindTask && d.Kind != workspace.KindManifest {
				continue
			}
			for _, ref := range r.DocRefs(d) {
				if unknown(ref.ID) {
					report(d, ref)
				}
			}
		}
	},
})

// Suggest returns the one known ID that id most likely meant: the same
// number with other zero padding, else the only ID one edit away; "" when
// there is no such ID or more than one.
func Suggest(r *workspace.Root, id, owner string) string {
	return suggestIndexOf(r).suggest(id, owner)
}

func (x *suggestIndex) suggest(id, owner string) string {
	pre, dig := model.SplitID(id)
	if pre != "" {
		num := strings.TrimLeft(dig, "0")
		i, _ := slices.BinarySearchFunc(x.byNumber, numKey{pre, num}, x.cmpNumber)
		for ; i < len(x.byNumber); i++ {
			k := x.list[x.byNumber[i]]
			if x.cmpNumber(x.byNumber[i], numKey{pre, num}) != 0 {
				break
			}
			if k != id && k != owner {
				return k // the first in ID order, as the list is
			}
		}
	}
	if len(id) > x.maxLen+1 {
		return "" // no ID is one edit away from a longer string
	}
	if len(id) > maxGenerated {
		// a long ID (a workspace may define one; a list item can hold a
		// whole line): going over the IDs costs less than the strings one
		// edit away, which grow with the square of its length
		found := ""
		for _, k := range x.list {
			if k != owner && oneEdit(id, k) {
				if found != "" {
					return ""
				}
				found = k
			}
		}
		return found
	}
	// every string one edit away made of bytes IDs use, looked up
	found := ""
	seen := map[string]bool{}
	try := func(k string) bool {
		if seen[k] {
			return true
		}
		seen[k] = true
		if k == owner || !x.has(k) || !oneEdit(id, k) {
			return true
		}
		if found != "" {
			found = ""
			return false // more than one
		}
		found = k
		return true
	}
	b := []byte(id)
	for i := 0; i <= len(b); i++ {
		if i < len(b) {
			if !try(string(b[:i]) + string(b[i+1:])) { // deletion
				return ""
			}
			if i+1 < len(b) {
				b[i], b[i+1] = b[i+1], b[i] // swap
				ok := try(string(b))
				b[i], b[i+1] = b[i+1], b[i]
				if !ok {
					return ""
				}
			}
		}
		for _, c := range x.alphabet {
			if !try(string(b[:i]) + string([]byte{c}) + string(b[i:])) { // insertion
				return ""
			}
			if i < len(b) && b[i] != c {
				old := b[i]
				b[i] = c // substitution
				ok := try(string(b))
				b[i] = old
				if !ok {
					return ""
				}
			}
		}
	}
	return found
}

// suggestIndex answers Suggest without going over every ID. It is kept
// with the root between check runs: it holds no string of its own (the
// IDs are the root's sorted list, looked up by binary search) and no
// pointer but that list.
type suggestIndex struct {
	list     []string // the IDs, in order
	byNumber []int32  // the IDs with a prefix, by prefix and number without leading zeros, then in order
	alphabet []byte   // every byte some ID holds
	maxLen   int      // the longest ID's length
}

// numKey is an ID's prefix and number without leading zeros.
type numKey struct{ pre, num string }

func numKeyOf(id string) numKey {
	p, d := model.SplitID(id)
	return numKey{p, strings.TrimLeft(d, "0")}
}

// cmpNumber orders ID i of the list against key k by prefix, then number.
func (x *suggestIndex) cmpNumber(i int32, k numKey) int {
	a := numKeyOf(x.list[i])
	if c := strings.Compare(a.pre, k.pre); c != 0 {
		return c
	}
	return strings.Compare(a.num, k.num)
}

// has reports whether k is one of the IDs.
func (x *suggestIndex) has(k string) bool {
	_, ok := slices.BinarySearch(x.list, k)
	return ok
}

// maxGenerated is the longest ID whose one-edit neighbours Suggest looks up;
// past it, it goes over every ID.
const maxGenerated = 64

type suggestKey struct{}

func suggestIndexOf(r *workspace.Root) *suggestIndex {
	return r.Memo(suggestKey{}, func() any { return newSuggestIndex(r.IDs) }).(*suggestIndex)
}

// newSuggestIndex indexes ids (sorted).
func newSuggestIndex(ids []string) *suggestIndex {
	x := &suggestIndex{list: ids}
	var bytesSeen [256]bool
	n := 0
	for _, k := range ids {
		x.maxLen = max(x.maxLen, len(k))
		if kp, _ := model.SplitID(k); kp != "" {
			n++
		}
		for i := 0; i < len(k); i++ {
			bytesSeen[k[i]] = true
		}
	}
	x.byNumber = make([]int32, 0, n)
	for i, k := range ids {
		if kp, _ := model.SplitID(k); kp != "" {
			x.byNumber = append(x.byNumber, int32(i))
		}
	}
	slices.SortStableFunc(x.byNumber, func(a, b int32) int { return x.cmpNumber(a, numKeyOf(x.list[b])) })
	for c, ok := range bytesSeen {
		if ok {
			x.alphabet = append(x.alphabet, byte(c))
		}
	}
	return x
}

// oneEdit reports whether a becomes b by one insertion, deletion,
// substitution or swap of two neighbouring characters.
func oneEdit(a, b string) bool {
	if a == b {
		return false
	}
	la, lb := len(a), len(b)
	switch {
	case la == lb:
		diff := -1
		for i := 0; i < la; i++ {
			if a[i] != b[i] {
				if diff >= 0 {
					// a swap of neighbours
					return i == diff+1 && a[diff] == b[i] && a[i] == b[diff] && a[i+1:] == b[i+1:]
				}
				diff = i
			}
		}
		return true
	case la == lb+1:
		return dropOne(a, b)
	case lb == la+1:
		return dropOne(b, a)
	}
	return false
}

// dropOne reports whether removing one byte of long gives short.
func dropOne(long, short string) bool {
	i := 0
	for i < len(short) && long[i] == short[i] {
		i++
	}
	return long[i+1:] == short[i:]
}
