package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/text"
)

// contentReader returns the content a file had when the diagnostics were
// computed (the snapshot's copy), and false when that file was not read —
// it may not exist, and a fix may then create it.
type contentReader func(path string) ([]byte, bool)

// fixResult is what became of one diagnostic's preferred fix.
type fixResult struct {
	diag    check.Diagnostic
	fix     check.Fix
	applied bool
	reason  string // why it was not applied
}

// fixReport is what applyFixes did.
type fixReport struct {
	results []fixResult // one per diagnostic with a preferred fix, in order
	written []string    // files written or created, sorted
	failed  bool        // a file could not be written for a reason other than a concurrent change
}

// applyFixes applies each diagnostic's preferred fix to disk, one write per
// file. The safety rules:
//
//   - a fix is all or nothing: when one of its edits cannot be made, none is;
//   - edits are checked against the file's content in read, and a fix whose
//     edits overlap an earlier accepted fix is skipped (identical edits from
//     two diagnostics are made once);
//   - a file whose content on disk differs from read's is never written: it
//     is compared before planning and again just before the rename;
//   - a file is written to a temporary file in its folder, given the
//     original's mode, and renamed over it;
//   - an edit at {0,0} of a file read does not hold creates that file, only
//     when nothing exists at that path.
func applyFixes(diags []check.Diagnostic, read contentReader) fixReport {
	var cands []candidate
	for _, d := range diags {
		for _, f := range d.Fixes {
			if f.Preferred {
				cands = append(cands, candidate{diag: d, fix: f})
				break
			}
		}
	}
	// Plan, check the planned files on disk, and plan again without the
	// files that changed, until the plan only touches unchanged files.
	refused := map[string]string{}
	var p *fixPlan
	for {
		p = makePlan(cands, read, refused)
		if !p.verify(refused) {
			break
		}
	}
	return p.write()
}

type candidate struct {
	diag check.Diagnostic
	fix  check.Fix
}

// filePlan is the accepted edits of one file.
type filePlan struct {
	path   string
	old    []byte // content the edits apply to
	create bool   // the file does not exist; the edits create it
	edits  []check.Edit
	owner  []int // candidate that first asked for each edit
}

type fixPlan struct {
	cands   []candidate
	files   map[string]*filePlan
	touches [][]string // per candidate: the files of its edits; nil when refused
	reasons []string   // per candidate: why it was refused
}

// makePlan accepts the candidates in order, refusing those that cannot be
// made or that overlap an accepted one, or touch a path in refused.
func makePlan(cands []candidate, read contentReader, refused map[string]string) *fixPlan {
	p := &fixPlan{cands: cands, files: map[string]*filePlan{}, touches: make([][]string, len(cands)), reasons: make([]string, len(cands))}
	for i, c := range cands {
		p.reasons[i] = p.accept(i, c.fix, read, refused)
	}
	return p
}

// accept adds fix's edits to the plan, or returns why it cannot.
func (p *fixPlan) accept(i int, fix check.Fix, read contentReader, refused map[string]string) string {
	if len(fix.Edits) == 0 {
		return "it has no edits"
	}
	var order []string
	byFile := map[string][]check.Edit{}
	for _, e := range fix.Edits {
		path, err := filepath.Abs(e.Path)
		if err != nil {
			return fmt.Sprintf("bad path %q: %v", e.Path, err)
		}
		e.Path = path
		if _, ok := byFile[path]; !ok {
			order = append(order, path)
		}
		byFile[path] = append(byFile[path], e)
	}
	type pending struct {
		fp    *filePlan
		isNew bool
		add   []check.Edit
	}
	var todo []pending
	for _, path := range order {
		if r, ok := refused[path]; ok {
			return r
		}
		fp, isNew := p.files[path], false
		if fp == nil {
			isNew = true
			fp = &filePlan{path: path}
			if content, ok := read(path); ok {
				fp.old = content
			} else if _, err := os.Lstat(path); err == nil {
				return displayName(path) + " exists but was not read, so it is not edited"
			} else if errors.Is(err, fs.ErrNotExist) {
				fp.create = true
			} else {
				return fmt.Sprintf("cannot look at %s: %v", displayName(path), err)
			}
		}
		edits := byFile[path]
		for _, e := range edits {
			if fp.create && e.Span != (text.Span{}) {
				return displayName(path) + " does not exist, and the fix edits it rather than creating it"
			}
			if e.Span.Start < 0 || e.Span.End < e.Span.Start || e.Span.End > len(fp.old) {
				return fmt.Sprintf("an edit lies outside %s", displayName(path))
			}
		}
		var add []check.Edit
	next:
		for j, e := range edits {
			for _, prev := range edits[:j] {
				if prev == e {
					continue next
				}
				if overlaps(prev.Span, e.Span) {
					return "its own edits of " + displayName(path) + " overlap"
				}
			}
			for k, a := range fp.edits {
				if a == e {
					continue next
				}
				if overlaps(a.Span, e.Span) {
					return fmt.Sprintf("it overlaps an earlier fix (%s)", p.cands[fp.owner[k]].fix.Title)
				}
			}
			add = append(add, e)
		}
		todo = append(todo, pending{fp, isNew, add})
	}
	for _, t := range todo {
		if t.isNew {
			p.files[t.fp.path] = t.fp
		}
		for _, e := range t.add {
			t.fp.edits = append(t.fp.edits, e)
			t.fp.owner = append(t.fp.owner, i)
		}
	}
	p.touches[i] = order
	return ""
}

// overlaps reports whether two edits of one file conflict: ranges that
// share a byte, an insertion strictly inside a range, or two insertions at
// one point (their order would be a guess). An insertion at either end of
// a range is fine.
func overlaps(a, b text.Span) bool {
	switch {
	case a.Len() == 0 && b.Len() == 0:
		return a.Start == b.Start
	case a.Len() == 0:
		return b.Start < a.Start && a.Start < b.End
	case b.Len() == 0:
		return a.Start < b.Start && b.Start < a.End
	}
	return a.Start < b.End && b.Start < a.End
}

// verify compares every planned file with the disk and adds those that
// changed (or, to be created, now exist) to refused. It reports whether it
// added any.
func (p *fixPlan) verify(refused map[string]string) bool {
	added := false
	for _, path := range p.paths() {
		if r := p.files[path].check(); r != "" {
			refused[path] = r
			added = true
		}
	}
	return added
}

// check says why the file cannot be written now, or "".
func (fp *filePlan) check() string {
	if fp.create {
		if _, err := os.Lstat(fp.path); !errors.Is(err, fs.ErrNotExist) {
			return displayName(fp.path) + " already exists; a fix never overwrites a file"
		}
		return ""
	}
	disk, err := os.ReadFile(fp.path)
	if err != nil {
		return fmt.Sprintf("cannot read %s: %v", displayName(fp.path), err)
	}
	if !bytes.Equal(disk, fp.old) {
		return displayName(fp.path) + " changed on disk since it was read"
	}
	return ""
}

func (p *fixPlan) paths() []string {
	out := make([]string, 0, len(p.files))
	for path := range p.files {
		out = append(out, path)
	}
	sort.Strings(out)
	return out
}

var (
	errChanged = errors.New("changed on disk since it was read")
	errExists  = errors.New("already exists; a fix never overwrites a file")
)

// write writes every planned file and reports each candidate's outcome.
func (p *fixPlan) write() fixReport {
	var rep fixReport
	outcome := map[string]string{} // path -> why it was not written, "" when it was
	for _, path := range p.paths() {
		fp := p.files[path]
		next := applyEdits(fp.old, fp.edits)
		var err error
		switch {
		case fp.create:
			err = createFile(path, next)
		case bytes.Equal(next, fp.old):
			continue // nothing to change
		default:
			err = replaceFile(path, fp.old, next)
		}
		switch {
		case err == nil:
			rep.written = append(rep.written, path)
		case errors.Is(err, errChanged), errors.Is(err, errExists):
			outcome[path] = displayName(path) + " " + err.Error()
		default:
			outcome[path] = fmt.Sprintf("cannot write %s: %v", displayName(path), err)
			rep.failed = true
		}
	}
	for i, c := range p.cands {
		r := fixResult{diag: c.diag, fix: c.fix, reason: p.reasons[i]}
		if r.reason == "" {
			done := 0
			for _, path := range p.touches[i] {
				if why, bad := outcome[path]; bad {
					if r.reason == "" {
						r.reason = why
					}
				} else {
					done++
				}
			}
			if r.reason != "" && done > 0 {
				r.reason = "partly applied: " + r.reason
			}
			r.applied = r.reason == ""
		}
		rep.results = append(rep.results, r)
	}
	return rep
}

// applyEdits returns old with non-overlapping edits made, in offset order
// (an insertion before a replacement that starts where it is).
func applyEdits(old []byte, edits []check.Edit) []byte {
	sorted := append([]check.Edit(nil), edits...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if sorted[i].Span.Start != sorted[j].Span.Start {
			return sorted[i].Span.Start < sorted[j].Span.Start
		}
		return sorted[i].Span.End < sorted[j].Span.End
	})
	var b bytes.Buffer
	at := 0
	for _, e := range sorted {
		b.Write(old[at:e.Span.Start])
		b.WriteString(e.NewText)
		at = e.Span.End
	}
	b.Write(old[at:])
	return b.Bytes()
}

// replaceFile writes content over path through a temporary file in the same
// folder, keeping path's mode, unless path no longer holds old.
func replaceFile(path string, old, content []byte) error {
	st, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("not a regular file")
	}
	mode := st.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	tmp, err := writeTemp(path, content, &mode)
	if err != nil {
		return err
	}
	disk, err := os.ReadFile(path)
	if err == nil && !bytes.Equal(disk, old) {
		err = errChanged
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}

// createFile creates path with content, its folder too, and never replaces
// anything already there.
func createFile(path string, content []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return err
	}
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		return errExists
	}
	tmp, err := writeTemp(path, content, nil)
	if err != nil {
		return err
	}
	// A hard link appears whole and fails when the path exists.
	err = os.Link(tmp, path)
	os.Remove(tmp)
	if err == nil {
		return nil
	}
	if errors.Is(err, fs.ErrExist) {
		return errExists
	}
	// No hard links here: an exclusive create still never replaces a file.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
	if errors.Is(err, fs.ErrExist) {
		return errExists
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(path)
		return err
	}
	return nil
}

// writeTemp writes content to a new file beside path and returns its name.
// A nil mode leaves the permissions of a new file (0666 less the umask).
func writeTemp(path string, content []byte, mode *fs.FileMode) (string, error) {
	dir, base := filepath.Split(path)
	var f *os.File
	var err error
	for range 100 {
		name := filepath.Join(dir, "."+base+".taskls-"+strconv.FormatUint(rand.Uint64(), 36)+".tmp")
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return "", err
	}
	name := f.Name()
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(name)
		return "", err
	}
	if _, err := f.Write(content); err != nil {
		return fail(err)
	}
	if mode != nil {
		if err := f.Chmod(*mode); err != nil {
			return fail(err)
		}
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return "", err
	}
	return name, nil
}

// displayName is path as the messages print it: relative to the working
// folder when possible, with forward slashes.
func displayName(path string) string {
	cwd, _ := os.Getwd()
	return locator{cwd: cwd}.name(path)
}
