package lsp

import (
	"io/fs"
	"path/filepath"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
	"github.com/taskls/taskls/analysis/workspace"
)

// watcher watches the `.tasks` folders on disk for clients that do not send
// workspace/didChangeWatchedFiles (Neovim 0.7, simple clients). Events are
// gathered for a short while and applied as one change.
type watcher struct {
	s    *Server
	w    *fsnotify.Watcher
	done chan struct{}
	wg   sync.WaitGroup
}

const watchBatch = 50 * time.Millisecond

func newWatcher(s *Server, folders []string) (*watcher, error) {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, err
	}
	w := &watcher{s: s, w: fw, done: make(chan struct{})}
	w.add(folders)
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// add watches every folder of every `.tasks` folder under folders, and the
// workspace folders themselves (to see a `.tasks` folder appear).
func (w *watcher) add(folders []string) {
	for _, f := range folders {
		w.w.Add(f)
		for _, root := range workspace.FindRoots(f) {
			w.addTree(root)
		}
	}
}

func (w *watcher) addTree(dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			w.w.Add(p)
		}
		return nil
	})
}

func (w *watcher) reset(folders []string) {
	for _, p := range w.w.WatchList() {
		w.w.Remove(p)
	}
	w.add(folders)
}

func (w *watcher) loop() {
	defer w.wg.Done()
	pending := map[string]bool{}
	var timer <-chan time.Time
	for {
		select {
		case <-w.done:
			return
		case ev, ok := <-w.w.Events:
			if !ok {
				return
			}
			if ev.Has(fsnotify.Create) && isDir(ev.Name) && (filepath.Base(ev.Name) == ".tasks" || insideTasks(ev.Name)) {
				w.addTree(ev.Name)
			}
			if filepath.Base(ev.Name) == ".tasks" || insideTasks(ev.Name) {
				pending[ev.Name] = true
				if timer == nil {
					timer = time.After(watchBatch)
				}
			}
		case <-w.w.Errors:
		case <-timer:
			timer = nil
			paths := make([]string, 0, len(pending))
			for p := range pending {
				paths = append(paths, p)
			}
			pending = map[string]bool{}
			w.apply(paths)
		}
	}
}

func (w *watcher) close() {
	close(w.done)
	w.w.Close()
	w.wg.Wait()
}

func insideTasks(p string) bool {
	for d := filepath.Dir(p); ; d = filepath.Dir(d) {
		if filepath.Base(d) == ".tasks" {
			return true
		}
		if filepath.Dir(d) == d {
			return false
		}
	}
}

// apply hands paths to the server; a panic is logged, never fatal.
func (w *watcher) apply(paths []string) {
	defer func() {
		if r := recover(); r != nil {
			w.s.logf("panic while reading changed files: %v", r)
		}
	}()
	w.s.diskChanged(paths)
}
