package workspace

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// readFile reports a read error instead of returning what was read before
// it as if it were the whole file (a directory opens, then fails to read
// with EISDIR, as a failing disk fails with EIO), and refuses a file over
// the limit without reading it.
func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	if b, err := readFile(dir); err == nil {
		t.Errorf("readFile of a folder: %d bytes and no error", len(b))
	}
	p := filepath.Join(dir, "big.md")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(MaxFileSize + 5); err != nil {
		t.Fatal(err)
	}
	f.Close()
	b, err := readFile(p)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Size != MaxFileSize+5 || b != nil {
		t.Errorf("readFile of a file over the limit: %d bytes, %v", len(b), err)
	}
	if got := unreadDoc(p, "tasks/big.md", unreadReason(err)).Skipped(); got != "file is 16.1 MiB, larger than the 16 MiB taskls reads; it was skipped" {
		t.Errorf("skipped: %q", got)
	}
	if d := unreadDoc(p, "other/big.bin", "x"); d.Skipped() != "" {
		t.Errorf("a file read for nothing is never unreadable: %q", d.Skipped())
	}
}
