package taskfile

import (
	"sync"
	"sync/atomic"
	"unique"
)

// numbered numbers the strings of light tasks' sections and document
// refs: a light task keeps a section or a ref in a word of 16 bytes and no
// pointer (see Task.words), its title, or its key and value, as numbers
// here. The same few titles and documents recur in thousands of files,
// and the table holds each once for as long as the process runs: strings
// a file no longer has stay (one per heading or ref edited and saved,
// while taskls runs). Open buffers are parsed whole and number nothing.
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
