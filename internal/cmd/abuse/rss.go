package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssSampler samples a process's resident set size from /proc every 100 ms.
type rssSampler struct {
	pid  int
	mu   sync.Mutex
	peak int64
	done chan struct{}
	once sync.Once
}

func startRSS(pid int) *rssSampler {
	s := &rssSampler{pid: pid, done: make(chan struct{})}
	go func() {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-s.done:
				return
			case <-t.C:
				s.now()
			}
		}
	}()
	return s
}

func (s *rssSampler) stop() { s.once.Do(func() { close(s.done) }) }

// status reads a "Vm…: N kB" line of /proc/<pid>/status, in bytes; 0 when
// it cannot be read.
func (s *rssSampler) status(field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			v = strings.TrimSuffix(strings.TrimSpace(v), " kB")
			n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n << 10
		}
	}
	return 0
}

// now samples VmRSS (and keeps the peak).
func (s *rssSampler) now() int64 {
	n := s.status("VmRSS")
	s.mu.Lock()
	if n > s.peak {
		s.peak = n
	}
	s.mu.Unlock()
	return n
}

func (s *rssSampler) resetPeak() {
	s.mu.Lock()
	s.peak = 0
	s.mu.Unlock()
	s.now()
}

func (s *rssSampler) peakRSS() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.peak
}

// hwm is the kernel's own peak (VmHWM), which no sampling misses.
func (s *rssSampler) hwm() int64 { return s.status("VmHWM") }

// cpuTicks is the process's user+system CPU time in clock ticks, or -1.
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return -1
	}
	// the command name is in parentheses and may hold spaces
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return -1
	}
	f := strings.Fields(s[i+1:])
	// after the name: state(0) ppid(1) ... utime(11) stime(12)
	if len(f) < 13 {
		return -1
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st
}
