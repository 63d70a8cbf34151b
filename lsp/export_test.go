package lsp

import "github.com/taskls/taskls/analysis/workspace"

// Published reports whether the diagnostics of the server's newest snapshot
// have all been published: with no change under way, what the client has
// received is then final.
func Published(s *Server) bool {
	return s.pub.published.Load() == s.current().Seq
}

// KeptDocs counts the docs of the snapshot whose diagnostics the server
// keeps for code actions that the newest snapshot no longer has (0 when
// nothing is kept): what the kept result alone holds alive.
func KeptDocs(s *Server) (kept bool, stale int) {
	k := s.kept.Load()
	if k == nil {
		return false, 0
	}
	cur := map[*workspace.Doc]bool{}
	for _, d := range s.current().AllDocs() {
		cur[d] = true
	}
	for _, d := range k.snap.AllDocs() {
		if !cur[d] {
			stale++
		}
	}
	return true, stale
}

// PerFile returns the sizes of the server's per-file state and the files
// of the newest snapshot that the publisher reports on. The publisher's
// maps are its worker's alone: call it after Close.
func PerFile(s *Server) (sizes map[string]int, publishable []string) {
	for _, d := range s.current().AllDocs() {
		if d.Kind != workspace.KindOther {
			publishable = append(publishable, d.Path)
		}
	}
	s.mu.Lock()
	overlays := len(s.overlays)
	s.mu.Unlock()
	p := s.pub
	p.reopenMu.Lock()
	defer p.reopenMu.Unlock()
	p.touchMu.Lock()
	defer p.touchMu.Unlock()
	return map[string]int{"overlays": overlays, "sent": len(p.sent), "raw": len(p.raw), "reopened": len(p.reopened), "touched": len(p.touched)}, publishable
}
