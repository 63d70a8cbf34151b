package lsp

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// The soft memory limit follows the live heap: up after a collection that
// finds more live data, down after one that finds less, and back to what
// it was when stopped.
func TestMemLimitFollowsLiveHeap(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	const headroom = 8 << 20
	stop := startMemLimit(1.5, headroom, 32<<20)
	stopped := false
	defer func() {
		if !stopped {
			stop()
		}
	}()
	// the limit collections lead to, once their cleanups ran (collected
	// again while waiting: a cleanup runs after the collection that found
	// its object unreachable, on a goroutine of its own)
	settle := func(ok func(limit int64) bool) int64 {
		limit := int64(-1)
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			runtime.GC()
			if limit = debug.SetMemoryLimit(-1); ok(limit) {
				break
			}
		}
		return limit
	}
	bigLive = make([]*[1 << 20]byte, 64) // 64 MiB live, held through pointers
	for i := range bigLive {
		bigLive[i] = new([1 << 20]byte)
	}
	high := settle(func(l int64) bool { return l >= 64<<20*3/2+headroom })
	if high < 64<<20*3/2+headroom || high > 100<<20*3/2+headroom {
		t.Fatalf("with 64 MiB live the limit is %d MiB, want between %d and %d MiB", high>>20, (64<<20*3/2+headroom)>>20, (100<<20*3/2+headroom)>>20)
	}
	bigLive = nil
	low := settle(func(l int64) bool { return l < 64<<20 })
	if low >= 64<<20 {
		t.Fatalf("with the 64 MiB freed the limit is still %d MiB", low>>20)
	}
	if low < 32<<20 {
		t.Fatalf("the limit went to %d MiB, under its floor of 32 MiB", low>>20)
	}
	stop()
	stopped = true
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("after stop the limit is %d, want the one before start (%d)", got, before)
	}
	// a collection after stop changes nothing
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("a collection after stop set the limit to %d, want %d", got, before)
	}
}

// bigLive holds the test's live data where no stack slot can keep it
// after it is dropped.
var bigLive []*[1 << 20]byte

func TestLimitFor(t *testing.T) {
	for _, c := range []struct {
		live     int64
		ratio    float64
		headroom int64
		want     int64
	}{
		{0, 1.5, 8 << 20, 8 << 20},
		{40 << 20, 1.5, 8 << 20, 68 << 20},
		{math.MaxInt64 / 2, 4, 0, math.MaxInt64},
	} {
		if got := limitFor(c.live, c.ratio, c.headroom); got != c.want {
			t.Errorf("limitFor(%d, %v, %d) = %d, want %d", c.live, c.ratio, c.headroom, got, c.want)
		}
	}
}

// Sessions in one process share the limit: it stays while any holds it,
// and the one before the first is set back when the last lets it go.
func TestMemLimitShared(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(before)
	a := acquireMemLimit()
	b := acquireMemLimit()
	a()
	a() // a second release of the same hold changes nothing
	if got := debug.SetMemoryLimit(-1); got == before {
		t.Fatalf("one session still holds the limit, but it is back to %d", got)
	}
	b()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Fatalf("no session holds the limit, and it is %d, want %d", got, before)
	}
}
