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
	// the limit a collection leads to, once the collection's cleanups ran
	settle := func(ok func(limit int64) bool) int64 {
		runtime.GC()
		limit := debug.SetMemoryLimit(-1)
		for deadline := time.Now().Add(10 * time.Second); !ok(limit) && time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
			limit = debug.SetMemoryLimit(-1)
		}
		return limit
	}
	big := make([]*[1 << 20]byte, 64) // 64 MiB live, held through pointers
	for i := range big {
		big[i] = new([1 << 20]byte)
	}
	high := settle(func(l int64) bool { return l >= 64<<20*3/2+headroom })
	if high < 64<<20*3/2+headroom || high > 100<<20*3/2+headroom {
		t.Fatalf("with 64 MiB live the limit is %d MiB, want between %d and %d MiB", high>>20, (64<<20*3/2+headroom)>>20, (100<<20*3/2+headroom)>>20)
	}
	runtime.KeepAlive(big)
	big = nil
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
