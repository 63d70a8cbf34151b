package workspace

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"

	"github.com/taskls/taskls/analysis/text"
)

// TooLargeError is readFile's error for a file larger than MaxFileSize.
type TooLargeError struct {
	Size  int64 // the file's size, or what had been read when it grew past the limit
	Limit int64 // the limit it is over (MaxFileSize, or MaxManifestSize for manifest.json)
}

func (e *TooLargeError) Error() string { return tooLarge(e.Size, e.Limit) }

// tooLarge says why a file of size bytes was skipped. The size is rounded up
// to a tenth of a MiB, so that a file just over the limit does not read as
// "16 MiB, larger than the 16 MiB".
func tooLarge(size, limit int64) string {
	mib := math.Ceil(float64(size)*10/(1<<20)) / 10
	return fmt.Sprintf("file is %.1f MiB, larger than the %d MiB taskls reads; it was skipped", mib, limit>>20)
}

// unreadReason says why a file could not be read.
func unreadReason(err error) string {
	var tl *TooLargeError
	if errors.As(err, &tl) {
		return tl.Error()
	}
	return "cannot read file: " + err.Error()
}

// unreadDoc is the doc of a file that was not read. Files that are read for
// nothing (KindOther) are never read, so they never count as unreadable.
func unreadDoc(path, rel, reason string) *Doc {
	d := &Doc{Path: path, Rel: rel, Kind: classify(rel), Version: -1, Text: text.New(nil)}
	if d.Kind != KindOther {
		d.skip(reason)
	}
	return d
}

// ReadChange reads the file at path from disk the way Load reads it: a
// change with its content; a deletion when it is gone or is not a regular
// file (Load follows no symbolic link); or, when it cannot be read or is
// larger than MaxFileSize, a change that keeps it as an unreadable file.
// It never reads more than MaxFileSize+1 bytes.
func ReadChange(path string) Change {
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() {
		return Change{Path: path, Deleted: true}
	}
	b, err := readFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Change{Path: path, Deleted: true}
	case err != nil:
		return Change{Path: path, Version: -1, Unreadable: unreadReason(err)}
	}
	return Change{Path: path, Content: b, Version: -1, Disk: true}
}
