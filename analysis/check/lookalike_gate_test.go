package check

import "testing"

// The manifest is decoded again only when a string of it folds to an ID:
// accented or emoji titles alone do not make it.
func TestStringMayFold(t *testing.T) {
	for in, want := range map[string]bool{
		`{"tasks": [{"id": "T001", "title": "📊 Café naïve"}]}`:    false,
		`{"tasks": [{"id": "T0١3", "title": "x"}]}`:               true,
		`{"tasks": [{"id": "T001", "dependencies": [" Т002 "]}]}`: true,
		`{"dependency_graph": {"Т002": []}}`:                      true,
		`{"title": "say \"Т002\" twice"}`:                         false,
		`{"title": "Т002 and more"}`:                              false,
		`{"notes": "ascii only"}`:                                 false,
	} {
		if got := stringMayFold([]byte(in)); got != want {
			t.Errorf("stringMayFold(%s) = %v, want %v", in, got, want)
		}
	}
}
