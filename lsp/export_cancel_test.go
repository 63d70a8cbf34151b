package lsp

import (
	"sync"

	"github.com/taskls/taskls/analysis/workspace"
)

// HoldIndex keeps s's first index from finishing until release is called
// (requests that need it wait meanwhile). Call it before the session
// starts; release may be called more than once.
func HoldIndex(s *Server) (release func()) {
	hold := make(chan struct{})
	var once sync.Once
	s.loadFirst = func(folders []string) *workspace.Snapshot {
		<-hold
		return workspace.Load(folders)
	}
	return func() { once.Do(func() { close(hold) }) }
}
