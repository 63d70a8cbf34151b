package lsp

// Published reports whether the diagnostics of the server's newest snapshot
// have all been published: with no change under way, what the client has
// received is then final.
func Published(s *Server) bool {
	return s.pub.published.Load() == s.current().Seq
}
