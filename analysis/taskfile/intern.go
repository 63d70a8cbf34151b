package taskfile

import (
	"sync"
	"sync/atomic"
	"unique"
)

// numbered numbers the titles of light tasks' sections, the keys and
// values of their document refs and the keys of every task's ID lists: a
// task keeps them as numbers among its words, which hold no pointers (see
// Task.words). The same few titles, documents and keys recur in thousands
// of files, and the table holds each once for as long as the process
// runs: strings a file no longer has stay (one per heading or ref edited
// and saved while taskls runs; list keys are a few words, ListKeys in
// their spellings). Open buffers are parsed whole and number only list
// keys.
var numbered struct {
	mu   sync.Mutex                              // held to add a string
	ids  sync.Map                                // unique.Handle[string] -> uint32: read without the lock (files are parsed in parallel)
	list atomic.Pointer[[]unique.Handle[string]] // by number; entries never change once published
}

// internID is the number of h, given on first use.
func internID(h unique.Handle[string]) uint32 {
	if id, ok := numbered.ids.Load(h); ok {
		return id.(uint32)
	}
	numbered.mu.Lock()
	defer numbered.mu.Unlock()
	if id, ok := numbered.ids.Load(h); ok {
		return id.(uint32)
	}
	var list []unique.Handle[string]
	if p := numbered.list.Load(); p != nil {
		list = *p
	}
	id := uint32(len(list))
	list = append(list, h)
	numbered.list.Store(&list) // published before the number is
	numbered.ids.Store(h, id)
	return id
}

// internedHandle is the handle numbered id.
func internedHandle(id uint32) unique.Handle[string] { return (*numbered.list.Load())[id] }
