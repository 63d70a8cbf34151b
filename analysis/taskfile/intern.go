package taskfile

import (
	"sync"
	"sync/atomic"
	"unique"
)

// numbered numbers the strings of light tasks' sections: a light task
// keeps a section in 16 bytes and no pointer, its title as a number here.
// The same few titles head thousands of files, and the table holds each
// once for as long as the process runs: titles a file no longer has stay
// (one per heading edited and saved, while taskls runs).
var numbered struct {
	mu   sync.Mutex
	ids  map[unique.Handle[string]]uint32
	list atomic.Pointer[[]unique.Handle[string]] // by number; entries never change once published
}

// internID is the number of h, given on first use.
func internID(h unique.Handle[string]) uint32 {
	numbered.mu.Lock()
	defer numbered.mu.Unlock()
	if id, ok := numbered.ids[h]; ok {
		return id
	}
	if numbered.ids == nil {
		numbered.ids = map[unique.Handle[string]]uint32{}
	}
	var list []unique.Handle[string]
	if p := numbered.list.Load(); p != nil {
		list = *p
	}
	id := uint32(len(list))
	list = append(list, h)
	numbered.list.Store(&list)
	numbered.ids[h] = id
	return id
}

// internedHandle is the handle numbered id.
func internedHandle(id uint32) unique.Handle[string] { return (*numbered.list.Load())[id] }
