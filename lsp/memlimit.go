package lsp

import (
	"math"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// memLimit keeps the process's soft memory limit (debug.SetMemoryLimit)
// at ratio times the live heap plus headroom, set again after every
// collection from the live heap it found. GOGC alone bounds the heap the
// program uses, not the memory the process holds: pages freed by a
// collection stay resident until the runtime's scavenger gives them back,
// and spans are never full. With a limit the runtime counts all of it and
// gives pages back (or collects sooner) to stay under it. The limit
// follows the live heap, so a session whose index grows (more files
// opened, a bigger workspace added) gets a higher one at the next
// collection instead of collecting without end. The limit is never
// below floor: a small heap is collected often and cheaply by GOGC alone,
// and a limit under it would only make collections more frequent where
// nothing is gained (at 10,000 tasks it cost references p95 a millisecond
// against GOGC alone for a few MB of RSS).
type memLimit struct {
	ratio    float64
	headroom int64
	floor    int64
	prev     int64 // the limit before start, set back by stop

	mu      sync.Mutex
	stopped bool
	sample  []metrics.Sample
}

// sentinel is what a collection frees to tell memLimit that it ran: a
// pointer field keeps it out of the allocator's tiny blocks, whose
// objects can outlive their last reference.
type sentinel struct{ _ *int }

// startMemLimit sets the limit from the live heap now and after each
// collection until stop is called, which sets back the limit found.
func startMemLimit(ratio float64, headroom, floor int64) (stop func()) {
	m := &memLimit{ratio: ratio, headroom: headroom, floor: floor, prev: debug.SetMemoryLimit(-1),
		sample: []metrics.Sample{{Name: "/gc/heap/live:bytes"}}}
	m.mu.Lock()
	m.tune()
	m.mu.Unlock()
	m.arm()
	return m.stop
}

// arm asks to be told of the next collection.
func (m *memLimit) arm() {
	runtime.AddCleanup(&sentinel{}, func(m *memLimit) { m.collected() }, m)
}

func (m *memLimit) collected() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.stopped {
		return
	}
	m.tune()
	m.arm()
}

// tune sets the limit from the live heap of the last collection (before
// the first, the heap's size now).
func (m *memLimit) tune() {
	metrics.Read(m.sample)
	live := int64(m.sample[0].Value.Uint64())
	if live == 0 {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		live = int64(ms.HeapAlloc)
	}
	debug.SetMemoryLimit(max(limitFor(live, m.ratio, m.headroom), m.floor))
}

// limitFor is the limit for a live heap of live bytes.
func limitFor(live int64, ratio float64, headroom int64) int64 {
	l := float64(live)*ratio + float64(headroom)
	if l >= math.MaxInt64 {
		return math.MaxInt64
	}
	return int64(l)
}

func (m *memLimit) stop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.stopped {
		m.stopped = true
		debug.SetMemoryLimit(m.prev)
	}
}

// shared is the process's one memLimit while any Run serves (a process
// may serve several clients, tests above all: each stop would otherwise
// set back a limit another session still uses).
var shared struct {
	mu   sync.Mutex
	n    int
	stop func()
}

// acquireMemLimit starts the process's memLimit unless a session already
// did; release stops it once no session holds it.
func acquireMemLimit() (release func()) {
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.n == 0 {
		shared.stop = startMemLimit(limitRatio, limitHeadroom, limitFloor)
	}
	shared.n++
	var once sync.Once
	return func() {
		once.Do(func() {
			shared.mu.Lock()
			defer shared.mu.Unlock()
			if shared.n--; shared.n == 0 {
				shared.stop()
				shared.stop = nil
			}
		})
	}
}
