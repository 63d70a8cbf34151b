// Package workspace is the index of every `.tasks/` folder under the
// workspace folders: immutable snapshots of parsed files, tasks by ID and
// references by ID. Apply returns a new snapshot that shares every unchanged
// file with the old one.
package workspace

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"weak"

	"github.com/taskls/taskls/analysis/jsonpos"
	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/text"
)

// MaxFileSize is the largest file taskls reads; larger files are reported
// and skipped. manifest.json may be larger (MaxManifestSize): it indexes
// every task, 36 MiB for 50,000 of them, and is read by a scanner that
// keeps no tree.
const (
	MaxFileSize     = 16 << 20
	MaxManifestSize = 256 << 20
)

// maxSize is the largest size taskls reads of the file at path.
func maxSize(path string) int64 {
	if filepath.Base(path) == "manifest.json" {
		return MaxManifestSize
	}
	return MaxFileSize
}

// Kind is what a file of a `.tasks/` folder is.
type Kind uint8

const (
	KindOther    Kind = iota // read for nothing (context/, reports/, ...)
	KindTask                 // a task file (tasks/, completed/)
	KindManifest             // manifest.json
	KindUpdate               // updates/*.json
	KindMetrics              // metrics.json
	KindConfig               // taskls.yaml: taskls's own settings for this folder
	KindNote                 // other Markdown and JSON of the folder (context/, reports/, audit/): read for ID mentions
)

// Doc is one parsed file. It is never modified after creation.
//
// A workspace holds one per file, tens of thousands of them: the fields
// only a few docs use (see docExtra) are kept apart, so that a doc is 112
// bytes.
type Doc struct {
	Path    string // absolute, clean
	Rel     string // relative to its root, with forward slashes ("tasks/T001-x.md")
	Kind    Kind
	Version int32 // the editor's version when the content came from an open buffer, else -1
	Text    *text.File

	Task     *taskfile.Task     // KindTask: the parsed file (Task.Style == StyleNone: not a task spec)
	Manifest *manifest.Manifest // KindManifest

	// Refs holds the task IDs named by an updates/ file, or recorded as
	// completed by metrics.json.
	Refs []model.Ref

	serial uint64 // see Serial
	// full is the full parse of a light task while something uses it (see
	// Full), guarded by fullLocks; never copied (see reopened)
	full  weak.Pointer[taskfile.Task]
	extra *docExtra // nil for most docs
}

// docExtra holds what few docs have: why a file was not read, an updates/
// or metrics file's JSON error, the manifest's memo and stale IDs.
type docExtra struct {
	skipped  string
	jsonErr  *jsonpos.SyntaxError
	staleIDs []string
	memo     *sync.Map // key -> *memoEntry: see Memo (manifest.json only)
}

// Skipped says why the file was not read (too large, binary, unreadable),
// or "".
func (d *Doc) Skipped() string {
	if d.extra == nil {
		return ""
	}
	return d.extra.skipped
}

// skip marks a doc being made as not read, for reason.
func (d *Doc) skip(reason string) {
	var x docExtra
	if d.extra != nil {
		x = *d.extra
	}
	x.skipped = reason
	d.extra = &x
}

// JSONErr is why an updates/ or metrics file is not valid JSON, or nil.
func (d *Doc) JSONErr() *jsonpos.SyntaxError {
	if d.extra == nil {
		return nil
	}
	return d.extra.jsonErr
}

// StaleIDs are the task IDs the last manifest that parsed declared, kept
// while the manifest being typed does not parse, so that one missing comma
// does not make every manifest-only task unknown.
func (d *Doc) StaleIDs() []string {
	if d.extra == nil {
		return nil
	}
	return d.extra.staleIDs
}

// setStaleIDs gives a doc being made its stale IDs: its extra record may
// be shared with the doc it was reopened from, so it is copied.
func (d *Doc) setStaleIDs(ids []string) {
	var x docExtra
	if d.extra != nil {
		x = *d.extra
	}
	x.staleIDs = ids
	d.extra = &x
}

// manifestFacts are called on each manifest.json as it is parsed (see
// LearnFromManifest).
var manifestFacts []func(d *Doc)

// LearnFromManifest has learn called on each manifest.json the workspace
// parses, while its content is in memory: a fact of the content that a
// check memoizes with Memo is then learnt without reading the file back
// (at 50,000 tasks the first check run read 36.5 MiB back to learn one).
// Call it from an init function.
func LearnFromManifest(learn func(d *Doc)) { manifestFacts = append(manifestFacts, learn) }

// Memo returns the value build gives for key, building it once per parse
// of a manifest.json: a fact of its content alone, kept with the doc so
// that a check need not read the content again at every run (it is
// detached: see evict). Other docs build it at each call.
func (d *Doc) Memo(key any, build func() any) any {
	if d.extra == nil || d.extra.memo == nil {
		return build()
	}
	return memo(d.extra.memo, key, build)
}

// fullLocks guard the docs' full fields, by serial.
var fullLocks [64]sync.Mutex

// Full returns the doc's task with everything its file says. The index
// keeps task files read from disk light (taskfile.Task.Light): for those,
// Full parses the content again (about a millisecond) and keeps the result
// while something uses it. Features about one file (symbols, folding,
// links, a hover's criteria) ask for it; workspace-wide work reads Task.
func (d *Doc) Full() *taskfile.Task {
	if d.Task == nil || !d.Task.IsLight() {
		return d.Task
	}
	mu := &fullLocks[d.serial%uint64(len(fullLocks))]
	mu.Lock()
	defer mu.Unlock()
	if t := d.full.Value(); t != nil {
		return t
	}
	// a file no longer what was parsed (known before the read, or found by
	// it): what the snapshot holds stands until it sees the change
	if d.Text.Stale() {
		return d.Task
	}
	t := taskfile.Parse(d.Rel, d.Text)
	if d.Text.Stale() {
		return d.Task
	}
	d.full = weak.Make(t)
	return t
}

var serials atomic.Uint64

// Serial numbers the docs parseDoc makes, each once: two docs with the same
// nonzero serial are the same parse of the same content, so facts derived
// from one hold for the other, without keeping the doc alive to compare.
func (d *Doc) Serial() uint64 { return d.serial }

// IsTask reports whether the doc defines a task.
func (d *Doc) IsTask() bool {
	return d != nil && d.Kind == KindTask && d.Task != nil && d.Task.Style != taskfile.StyleNone && d.Task.ID() != ""
}

// Area is the top folder of the doc inside its root: "tasks", "completed",
// or "" for files at the root.
func (d *Doc) Area() string {
	if i := strings.IndexByte(d.Rel, '/'); i > 0 {
		return d.Rel[:i]
	}
	return ""
}

// classify says what a file is from its path relative to the root.
func classify(rel string) Kind {
	ext := strings.ToLower(filepath.Ext(rel))
	dir, base := "", rel
	if i := strings.IndexByte(rel, '/'); i >= 0 {
		dir, base = rel[:i], rel[strings.LastIndexByte(rel, '/')+1:]
	}
	switch {
	case rel == "manifest.json":
		return KindManifest
	case rel == "metrics.json":
		return KindMetrics
	case rel == "taskls.yaml" || rel == "taskls.yml" || rel == ".taskls.yaml":
		return KindConfig
	case dir == "updates" && ext == ".json":
		return KindUpdate
	case (dir == "tasks" || dir == "completed") && (ext == ".md" || ext == ".yaml" || ext == ".yml" || ext == ".markdown"):
		_ = base
		return KindTask
	case ext == ".md" || ext == ".markdown" || ext == ".txt" || ext == ".json" || ext == ".jsonl":
		return KindNote
	}
	return KindOther
}

// parseDoc builds a Doc from content; disk says it comes from disk and is
// to be evicted (the task parse is then light from the start).
func parseDoc(path, rel string, content []byte, version int32, disk bool) *Doc {
	d := &Doc{Path: path, Rel: rel, Kind: classify(rel), Version: version, serial: serials.Add(1)}
	if d.Kind == KindOther {
		d.Text = text.New(nil)
		return d
	}
	// A skipped file's content is not kept: content[:0] would keep all of
	// it (up to MaxFileSize) alive for as long as the snapshot lives.
	if limit := maxSize(path); int64(len(content)) > limit {
		d.skip(tooLarge(int64(len(content)), limit))
		d.Text = text.New(nil)
		return d
	}
	if isBinary(content) {
		d.skip("file holds binary data (NUL bytes); it was skipped")
		d.Text = text.New(nil)
		return d
	}
	d.Text = text.New(content)
	switch d.Kind {
	case KindTask:
		if disk && len(content) > 0 {
			d.Task = taskfile.ParseLight(rel, d.Text) // see evict
		} else {
			d.Task = taskfile.Parse(rel, d.Text)
		}
	case KindManifest:
		d.Manifest = manifest.Parse(content)
		d.extra = &docExtra{memo: &sync.Map{}}
		for _, learn := range manifestFacts {
			learn(d)
		}
	case KindUpdate, KindMetrics:
		var err *jsonpos.SyntaxError
		if d.Refs, err = jsonTaskRefs(content, d.Kind); err != nil {
			d.extra = &docExtra{jsonErr: err}
		}
	case KindNote:
		d.Refs = taskfile.ScanMentions(d.Text)
	}
	return d
}

// sameContent reports whether d was parsed from exactly content.
func (d *Doc) sameContent(content []byte) bool {
	return d.serial != 0 && d.Skipped() == "" && d.Text != nil && d.Text.Len() == len(content) && d.Text.Same(content)
}

// reopened is d for the same content coming from elsewhere (an editor's
// buffer, or the disk again): the parse is shared, the content is the one
// given, resident (evict detaches it again when it comes from the disk).
func (d *Doc) reopened(content []byte, version int32) *Doc {
	// field by field: d.full may be written meanwhile (see Full), and is
	// not the new doc's
	c := &Doc{Path: d.Path, Rel: d.Rel, Kind: d.Kind, Version: version, Text: text.New(content),
		Task: d.Task, Manifest: d.Manifest, Refs: d.Refs, serial: d.serial, extra: d.extra}
	if d.Task != nil && d.Task.IsLight() {
		c.Task = taskfile.Parse(d.Rel, c.Text) // an open buffer's task is whole
	}
	return c
}

// evict makes a doc read from disk keep what was parsed from it and none of
// its content (text.File.Detach: read again from the file when asked): task
// files, notes and updates, thousands of them of kilobytes each,
// manifest.json (megabytes; it keeps its line index, and a full check run
// reads it once) and metrics.json (megabytes too at 50,000 tasks: its
// check reads the references parsed from it and their positions, which
// its line index answers). The configuration keeps its content: small,
// read by every check run. Open buffers are not evicted either.
func evict(d *Doc) *Doc {
	switch d.Kind {
	case KindTask, KindNote, KindUpdate, KindManifest, KindMetrics:
	default:
		return d
	}
	if d.Skipped() != "" || d.Text == nil || d.Text.Len() == 0 {
		return d
	}
	if d.Kind == KindManifest || d.Kind == KindMetrics {
		// positions in it are asked for often (references, diagnostics),
		// its text seldom: it keeps its line index, and metrics.json the
		// positions of its references on lines the index does not answer
		// (non-ASCII ones)
		var keep []int
		for _, ref := range d.Refs {
			keep = append(keep, ref.Span.Start, ref.Span.End)
		}
		d.Text = d.Text.DetachIndexedFrom((*diskSource)(d), keep...)
		return d
	}
	var keep []int
	if d.IsTask() {
		// where definitions and workspace symbols point, known without a read
		sp := defSpan(d)
		keep = []int{sp.Start, sp.End}
	}
	d.Text = d.Text.DetachFrom((*diskSource)(d), keep...)
	if d.Task != nil {
		d.Task = d.Task.Light()
	}
	return d
}

// diskSource is a doc as the source of its detached text: its file, read
// again. A doc is there anyway: this costs the text no closure.
type diskSource Doc

func (s *diskSource) ReadContent() ([]byte, error) { return readFile(s.Path) }

func isBinary(b []byte) bool {
	if len(b) > 8000 {
		b = b[:8000]
	}
	return bytes.IndexByte(b, 0) >= 0
}
