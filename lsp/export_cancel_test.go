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

// HoldIndexAfterRead lets s's first index read the files (read is closed
// then), and keeps it from being swapped in until release is called: what
// changes on disk meanwhile is not in it.
func HoldIndexAfterRead(s *Server) (read <-chan struct{}, release func()) {
	hold, done := make(chan struct{}), make(chan struct{})
	var once sync.Once
	s.loadFirst = func(folders []string) *workspace.Snapshot {
		snap := workspace.Load(folders)
		close(done)
		<-hold
		return snap
	}
	return done, func() { once.Do(func() { close(hold) }) }
}
