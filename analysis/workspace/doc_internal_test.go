package workspace

import (
	"slices"
	"testing"
	"unsafe"
)

// A doc keeps what few docs have apart: a task file's doc is 112 bytes,
// and the stale IDs given to a reopened manifest are not its original's,
// though the two share their memo.
func TestDocExtra(t *testing.T) {
	if n := unsafe.Sizeof(Doc{}); n > 112 {
		t.Errorf("Doc is %d bytes, want at most 112", n)
	}
	if b := parseDoc("/w/.tasks/tasks/T002.md", "tasks/T002.md", []byte("id: T002\x00"), -1, true); b.Skipped() == "" || b.extra == nil {
		t.Errorf("a binary file: skipped %q", b.Skipped())
	}
	content := []byte(`{"tasks": [{"id": "T001"}]}`)
	m := parseDoc("/w/.tasks/manifest.json", "manifest.json", content, -1, false)
	if m.extra == nil || m.extra.memo == nil || m.JSONErr() != nil || m.StaleIDs() != nil {
		t.Fatalf("manifest doc: extra %+v", m.extra)
	}
	o := m.reopened(content, 3)
	o.setStaleIDs([]string{"T009"})
	if m.StaleIDs() != nil || !slices.Equal(o.StaleIDs(), []string{"T009"}) || o.extra.memo != m.extra.memo {
		t.Errorf("stale IDs: original %q, reopened %q; memo shared %v", m.StaleIDs(), o.StaleIDs(), o.extra.memo == m.extra.memo)
	}
	u := parseDoc("/w/.tasks/updates/u.json", "updates/u.json", []byte(`{"task_id": "T001",}`), -1, false)
	if u.JSONErr() == nil || len(u.Refs) != 0 {
		t.Errorf("invalid updates file: JSONErr %v", u.JSONErr())
	}
	if v := parseDoc("/w/.tasks/updates/v.json", "updates/v.json", []byte(`{"task_id": "T001"}`), -1, false); v.extra != nil || len(v.Refs) != 1 {
		t.Errorf("valid updates file: extra %+v, refs %v", v.extra, v.Refs)
	}
	if d := parseDoc("/w/.tasks/tasks/T001.md", "tasks/T001.md", []byte("---\nid: T001\n---\n"), -1, true); d.extra != nil || d.Skipped() != "" {
		t.Errorf("a task file's doc has an extra record: %+v", d.extra)
	}
}
