package check

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/model"
)

// suggestScan is Suggest as it was first written, over every ID: the
// reference the index must agree with.
func suggestScan(ids []string, id, owner string) string {
	pre, dig := model.SplitID(id)
	if pre != "" {
		n := strings.TrimLeft(dig, "0")
		for _, k := range ids {
			kp, kd := model.SplitID(k)
			if strings.EqualFold(kp, pre) && strings.TrimLeft(kd, "0") == n && k != id && k != owner {
				return k
			}
		}
	}
	found := ""
	for _, k := range ids {
		if k != owner && oneEdit(id, k) {
			if found != "" {
				return ""
			}
			found = k
		}
	}
	return found
}

// TestSuggestEqualsScan compares the indexed Suggest with a scan of every
// ID, on random ID sets (lookalike digits, dashes and prefixes included) and
// random unknown IDs near them.
func TestSuggestEqualsScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	parts := []string{"T", "TASK-", "AB", "T0", "0", "1", "2", "9", "00", "١", "-", "x"}
	word := func() string {
		var b strings.Builder
		for range 1 + rng.IntN(5) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		return b.String()
	}
	for round := range 300 {
		set := map[string]bool{}
		for range 1 + rng.IntN(60) {
			set[word()] = true
		}
		ids := make([]string, 0, len(set))
		for k := range set {
			ids = append(ids, k)
		}
		slices.Sort(ids)
		x := newSuggestIndex(ids)
		for range 50 {
			id := word()
			if rng.IntN(2) == 0 && len(ids) > 0 {
				// one or two edits from a known ID
				b := []byte(ids[rng.IntN(len(ids))])
				for range 1 + rng.IntN(2) {
					if len(b) > 0 {
						b[rng.IntN(len(b))] = "T019-"[rng.IntN(5)]
					}
				}
				id = string(b)
			}
			owner := ""
			if rng.IntN(3) == 0 && len(ids) > 0 {
				owner = ids[rng.IntN(len(ids))]
			}
			if got, want := x.suggest(id, owner), suggestScan(ids, id, owner); got != want {
				t.Fatalf("round %d: Suggest(%q, owner %q) over %q = %q, the scan says %q", round, id, owner, ids, got, want)
			}
		}
	}
}

// TestSuggestLongIDs checks the long-ID paths against the scan, and that a
// list item holding a whole long line costs no more than going over the IDs
// (the strings one edit away from a 1.5 MB item, kept to avoid trying one
// twice, took a server to 23 GB).
func TestSuggestLongIDs(t *testing.T) {
	long := "T" + strings.Repeat("1", 99)
	ids := []string{"T001", "T002", long, long[:99] + "2"}
	slices.Sort(ids)
	x := newSuggestIndex(ids)
	for _, id := range []string{long[:99], long + "3", long[:50] + "x" + long[51:], long[:99] + "3", strings.Repeat("T", 70), "T01"} {
		if got, want := x.suggest(id, ""), suggestScan(ids, id, ""); got != want {
			t.Errorf("Suggest(%.20q... len %d) = %q, the scan says %q", id, len(id), got, want)
		}
	}
	huge := strings.Repeat("T0١", 500_000) // 2.5 MB
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	if got := x.suggest(huge, ""); got != "" {
		t.Errorf("Suggest(huge) = %q", got)
	}
	runtime.ReadMemStats(&after)
	if n := after.TotalAlloc - before.TotalAlloc; n > 1<<20 {
		t.Errorf("Suggest of a 2.5 MB item allocated %d bytes", n)
	}
}
