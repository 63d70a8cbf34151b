package workspace

import (
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/taskls/taskls/analysis/manifest"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// Snapshot is an immutable view of every `.tasks/` folder of the workspace.
type Snapshot struct {
	Seq     uint64
	Folders []string // workspace folders, absolute
	Roots   []*Root
}

// Root is one `.tasks/` folder and its indexes.
type Root struct {
	Dir  string     // absolute path of the `.tasks` folder
	Docs *Map[*Doc] // every file under Dir by absolute path (KindOther ones unparsed)

	Manifest *Doc // manifest.json, nil when absent

	// Indexes, built by index().
	Defs     *Map[[]Def]          // task ID -> task files defining it (manifest-preferred first)
	Entries  map[string][]Entry   // task ID -> manifest entries
	Deferred map[string]model.Ref // deferred task ID -> its first mention in a deferred list
	Stale    map[string]bool      // IDs of the last manifest that parsed, while the current one does not
	IDs      []string             // every known ID, sorted
	// task ID -> every reference (not definitions), in path order: see
	// Refs, RefsAt and RefIDs
	refsTo   *Map[refList]
	refDocs  *docTable // the docs refsTo names
	prefixes map[string]bool
	minDig   int
	// defForms counts the definitions of each ID form (prefix, number of
	// digits) and otherForms holds those of the manifest's and the stale
	// IDs: an edit to a few files updates the counts instead of going
	// over every ID again to learn whether the ID form moved.
	defForms   map[idForm]int
	otherForms map[idForm]bool

	memo sync.Map // key -> *memoEntry: values derived from this root (see Memo)

	graphGen uint64 // see GraphGen
}

var graphGens atomic.Uint64

// GraphGen numbers the root's task graph: two roots with the same number
// have the same IDs (Root.IDs), the same preferred file for each, and the
// same dependencies and blocked_by in those files, so facts about that
// graph computed on one hold for the other. An edit that leaves the lists
// alone (a status, a title, the body) keeps the number.
func (r *Root) GraphGen() uint64 { return r.graphGen }

// sameGraph reports whether two versions of a file say the same about the
// task graph: the same task, the same dependencies and blocked_by.
func sameGraph(a, b *Doc) bool {
	if a.IsTask() != b.IsTask() {
		return false
	}
	if !a.IsTask() {
		return true
	}
	if a.Task.ID() != b.Task.ID() {
		return false
	}
	var la, lb []string
	for it := range a.Task.ListRefs() {
		if it.Kind == model.KindDependency || it.Kind == model.KindBlockedBy {
			la = append(la, it.ID)
		}
	}
	for it := range b.Task.ListRefs() {
		if it.Kind == model.KindDependency || it.Kind == model.KindBlockedBy {
			lb = append(lb, it.ID)
		}
	}
	return slices.Equal(la, lb)
}

type memoEntry struct {
	once sync.Once
	v    any
}

// Memo returns the value build gives for key, building it once per root:
// a root never changes, so anything derived from it alone (a search index,
// a graph) can be kept with it and dies with it. Concurrent callers wait
// for the one build.
func (r *Root) Memo(key any, build func() any) any { return memo(&r.memo, key, build) }

// memo is the value build gives for key in memos, built once.
func memo(memos *sync.Map, key any, build func() any) any {
	e, _ := memos.LoadOrStore(key, &memoEntry{})
	m := e.(*memoEntry)
	m.once.Do(func() { m.v = build() })
	return m.v
}

// Def is a task file's definition of a task.
type Def struct {
	Doc  *Doc
	Span text.Span // the id value, or the file's first line when the ID came from the file name
}

// Entry is a manifest entry.
type Entry struct {
	Doc   *Doc
	Entry *manifest.Entry
}

// Change is a new content for a file, or its deletion.
type Change struct {
	Path    string
	Content []byte
	Deleted bool
	Version int32 // -1 for content read from disk
	// Unreadable says why the file could not be read (see ReadChange): it
	// is kept as a doc that was not read, as Load keeps it.
	Unreadable string
	// Disk says Content is the file as read from disk (ReadChange): the doc
	// then keeps none of its content (see text.File.Detach), as for every
	// file the index reads.
	Disk bool
}

// manifestIDs lists the IDs a manifest doc declares (or last declared).
func manifestIDs(d *Doc) []string {
	if d == nil || d.Manifest == nil {
		return nil
	}
	if d.Manifest.Err != nil {
		return d.StaleIDs()
	}
	var out []string
	for _, e := range d.Manifest.Entries() {
		out = append(out, e.ID())
	}
	for _, r := range d.Manifest.Refs() {
		if r.Kind == model.KindDeferred {
			out = append(out, r.ID)
		}
	}
	return out
}

// RootOf returns the root holding path, or nil.
func (s *Snapshot) RootOf(path string) *Root {
	var best *Root
	for _, r := range s.Roots {
		if within(r.Dir, path) && (best == nil || len(r.Dir) > len(best.Dir)) {
			best = r
		}
	}
	return best
}

// Doc returns the doc at path, or nil.
func (s *Snapshot) Doc(path string) *Doc {
	if r := s.RootOf(path); r != nil {
		return r.Docs.At(path)
	}
	return nil
}

func within(dir, path string) bool {
	return strings.HasPrefix(path, dir+string(filepath.Separator))
}

// Known reports whether id is a task of this root: defined by a file, listed
// by the manifest, or declared in a deferred list.
func (r *Root) Known(id string) bool {
	if r.Defs.Has(id) {
		return true
	}
	if _, ok := r.Entries[id]; ok {
		return true
	}
	if _, ok := r.Deferred[id]; ok {
		return true
	}
	return r.Stale[id]
}

// IsIDForm reports whether a word found in prose has this root's ID form:
// one of the prefixes its tasks use and at least as many digits as the
// shortest of their numbers.
func (r *Root) IsIDForm(id string) bool {
	p, d := model.SplitID(id)
	return r.prefixes[p] && len(d) >= r.minDig
}

// Rel returns path relative to the root, with forward slashes.
func (r *Root) Rel(path string) string {
	rel, err := filepath.Rel(r.Dir, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

// Abs returns the absolute path of a root-relative path.
func (r *Root) Abs(rel string) string {
	return filepath.Join(r.Dir, filepath.FromSlash(rel))
}

// Exists reports whether a root-relative path names a file of the root.
func (r *Root) Exists(rel string) bool {
	return r.Docs.Has(r.Abs(rel))
}

// CleanRel turns a manifest `file` value into a path relative to `.tasks/`
// ("./tasks/x.md" and ".tasks/tasks/x.md" both name "tasks/x.md").
func CleanRel(v string) string {
	v = path.Clean(strings.ReplaceAll(strings.TrimSpace(v), "\\", "/"))
	v = strings.TrimPrefix(v, "./")
	v = strings.TrimPrefix(v, ".tasks/")
	return v
}

// Task returns the preferred definition of id (the file the manifest points
// at, else tasks/ before completed/), or nil.
func (r *Root) Task(id string) *Doc {
	if defs := r.Defs.At(id); len(defs) > 0 {
		return defs[0].Doc
	}
	return nil
}

// Entry returns the first manifest entry of id, or nil.
func (r *Root) Entry(id string) *manifest.Entry {
	if es := r.Entries[id]; len(es) > 0 {
		return es[0].Entry
	}
	return nil
}

// Docs returns every doc of every root, sorted by path.
func (s *Snapshot) AllDocs() []*Doc {
	var out []*Doc
	for _, r := range s.Roots {
		for _, d := range r.Docs.All() {
			out = append(out, d)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// idForm is the shape of a task ID: its letter prefix and its number of
// digits.
type idForm struct {
	prefix string
	digits int
}

func formOf(id string) (idForm, bool) {
	p, d := model.SplitID(id)
	return idForm{p, len(d)}, p != ""
}

// setForms derives the root's ID form (see IsIDForm) from the counts.
func (r *Root) setForms() {
	r.prefixes, r.minDig = map[string]bool{}, 0
	add := func(f idForm) {
		r.prefixes[f.prefix] = true
		if r.minDig == 0 || f.digits < r.minDig {
			r.minDig = f.digits
		}
	}
	for f, n := range r.defForms {
		if n > 0 {
			add(f)
		}
	}
	for f := range r.otherForms {
		add(f)
	}
}

// index rebuilds a root's indexes from its docs.
func (r *Root) index() {
	r.graphGen = graphGens.Add(1)
	n := r.Docs.Len() // about one task, and IDs referred to, per file
	defs := make(map[string][]Def, n)
	r.Deferred = map[string]model.Ref{}
	r.Stale = nil
	r.defForms, r.otherForms = map[idForm]int{}, map[idForm]bool{}
	r.Manifest = r.Docs.At(filepath.Join(r.Dir, "manifest.json"))
	// sized for the manifest's entries: a map sized for every file is
	// twice as large when it passes a power of two (6 MB instead of 3 at
	// 50,000 tasks)
	entries := 0
	if m := r.Manifest; m != nil && m.Manifest != nil {
		entries = m.Manifest.NumEntries()
	}
	r.Entries = make(map[string][]Entry, entries)
	other := func(id string) {
		if f, ok := formOf(id); ok {
			r.otherForms[f] = true
		}
	}
	paths := make([]string, 0, r.Docs.Len())
	for p, d := range r.Docs.All() {
		if d.Kind != KindOther {
			paths = append(paths, p)
		}
	}
	sort.Strings(paths)
	for _, p := range paths {
		d := r.Docs.At(p)
		if d.IsTask() {
			t := d.Task
			defs[t.ID()] = append(defs[t.ID()], Def{Doc: d, Span: defSpan(d)})
			if f, ok := formOf(t.ID()); ok {
				r.defForms[f]++
			}
		}
	}
	if m := r.Manifest; m != nil && m.Manifest != nil && m.Manifest.Err != nil && len(m.StaleIDs()) > 0 {
		r.Stale = map[string]bool{}
		for _, id := range m.StaleIDs() {
			r.Stale[id] = true
			other(id)
		}
	}
	if m := r.Manifest; m != nil && m.Manifest != nil {
		for _, e := range m.Manifest.Entries() {
			id := e.ID()
			r.Entries[id] = append(r.Entries[id], Entry{Doc: m, Entry: e})
			other(id)
		}
		for _, ref := range m.Manifest.Refs() {
			if ref.Kind == model.KindDeferred {
				if _, ok := r.Deferred[ref.ID]; !ok {
					r.Deferred[ref.ID] = ref
				}
			}
		}
	}
	r.setForms()
	// Order definitions: the file the manifest points at first, then tasks/
	// before completed/, then by path.
	for id, ds := range defs {
		if len(ds) > 1 {
			r.orderDefs(id, ds)
		}
	}
	r.indexRefs(paths)
	r.Defs = newMap[[]Def]()
	for id, ds := range defs {
		r.Defs.set(id, ds)
	}
	r.IDs = r.IDs[:0]
	seen := map[string]bool{}
	for id := range defs {
		seen[id] = true
	}
	for id := range r.Entries {
		seen[id] = true
	}
	for id := range r.Deferred {
		seen[id] = true
	}
	for id := range r.Stale {
		seen[id] = true
	}
	r.IDs = make([]string, 0, len(seen))
	for id := range seen {
		r.IDs = append(r.IDs, id)
	}
	sort.Strings(r.IDs)
}

// defSpan is where a task file defines its task: the id value, or the
// file's first line when the ID came from the file name.
func defSpan(d *Doc) text.Span {
	if d.Task.IDFromName {
		return text.Span{Start: 0, End: d.Text.LineEnd(0)}
	}
	return d.Task.IDSpan()
}

// orderDefs sorts the definitions of id in place: the file the manifest
// points at first, then tasks/ before completed/, then by path.
func (r *Root) orderDefs(id string, ds []Def) {
	want := ""
	if e := r.Entry(id); e != nil {
		want = e.File().Value
	}
	sort.SliceStable(ds, func(i, j int) bool {
		a, b := ds[i].Doc, ds[j].Doc
		if (a.Rel == want) != (b.Rel == want) {
			return a.Rel == want
		}
		if a.Area() != b.Area() {
			return areaRank(a.Area()) < areaRank(b.Area())
		}
		return a.Path < b.Path
	})
}

func areaRank(a string) int {
	switch a {
	case "tasks":
		return 0
	case "completed":
		return 1
	}
	return 2
}

// DocRefs returns the references a doc makes: list items, manifest refs
// (entry ids excluded), mentions of the root's ID form, update/metrics refs.
func (r *Root) DocRefs(d *Doc) []model.Ref { return r.docRefs(d) }

func (r *Root) docRefs(d *Doc) []model.Ref {
	var out []model.Ref
	r.eachDocRef(d, func(_ int, ref model.Ref) { out = append(out, ref) })
	return out
}

// eachDocRef calls fn with each reference docRefs lists, in its order, and
// with its place among the doc's references as refAt counts them (those
// left out counted too).
func (r *Root) eachDocRef(d *Doc, fn func(i int, ref model.Ref)) {
	switch d.Kind {
	case KindTask:
		if d.Task == nil {
			return
		}
		i := 0
		for it := range d.Task.ListRefs() {
			fn(i, it)
			i++
		}
		for m := range d.Task.Mentions().All() {
			if r.IsIDForm(m.ID) {
				fn(i, m)
			}
			i++
		}
	case KindManifest:
		if d.Manifest != nil {
			for i, ref := range d.Manifest.Refs() {
				if ref.Kind != model.KindEntryID {
					fn(i, ref)
				}
			}
		}
	case KindUpdate, KindMetrics:
		for i, ref := range d.Refs {
			fn(i, ref)
		}
	case KindNote:
		for i, m := range d.Refs {
			if r.IsIDForm(m.ID) {
				fn(i, m)
			}
		}
	}
}

// Load reads every `.tasks/` folder found under the given folders.
func Load(folders []string) *Snapshot {
	s := &Snapshot{Seq: 1}
	seen := map[string]bool{}
	for _, f := range folders {
		abs, err := filepath.Abs(f)
		if err != nil {
			continue
		}
		abs = filepath.Clean(abs)
		s.Folders = append(s.Folders, abs)
		for _, dir := range FindRoots(abs) {
			if seen[dir] {
				continue
			}
			seen[dir] = true
			s.Roots = append(s.Roots, loadRoot(dir))
		}
	}
	sort.Slice(s.Roots, func(i, j int) bool { return s.Roots[i].Dir < s.Roots[j].Dir })
	return s
}

// skipDirs are never searched for `.tasks/` folders.
var skipDirs = map[string]bool{".git": true, "node_modules": true, "vendor": true, ".hg": true, ".svn": true,
	"__pycache__": true, ".venv": true, "venv": true, "target": true, "dist": true, "build": true, ".cache": true}

// FindRoots returns the `.tasks/` folders of a workspace folder: the folder
// itself or an ancestor when it is (inside) one, else every `.tasks` folder
// below it.
func FindRoots(folder string) []string {
	for p := folder; ; {
		if filepath.Base(p) == ".tasks" {
			return []string{p}
		}
		parent := filepath.Dir(p)
		if parent == p {
			break
		}
		p = parent
	}
	var out []string
	var walk func(dir string, depth int)
	walk = func(dir string, depth int) {
		if depth > 8 {
			return
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return
		}
		for _, e := range ents {
			if !e.IsDir() { // symlinks are not followed
				continue
			}
			name := e.Name()
			if name == ".tasks" {
				out = append(out, filepath.Join(dir, name))
				continue
			}
			if skipDirs[name] || (strings.HasPrefix(name, ".") && name != ".github") {
				continue
			}
			walk(filepath.Join(dir, name), depth+1)
		}
	}
	walk(folder, 0)
	return out
}

// loadRoot reads every file of a `.tasks/` folder.
func loadRoot(dir string) *Root {
	r := &Root{Dir: dir, Docs: newMap[*Doc]()}
	type job struct{ path, rel string }
	var jobs []job
	var folders []*Doc // folders that could not be read
	var walk func(d string, depth int)
	walk = func(d string, depth int) {
		if depth > 16 {
			return
		}
		ents, err := os.ReadDir(d)
		if err != nil {
			// its files are unknown: say so, rather than let every reference
			// to their tasks look like a mistake
			rel, _ := filepath.Rel(dir, d)
			fd := &Doc{Path: d, Rel: filepath.ToSlash(rel), Kind: KindOther, Version: -1, Text: text.New(nil)}
			fd.skip("cannot read folder: " + err.Error())
			folders = append(folders, fd)
			return
		}
		for _, e := range ents {
			p := filepath.Join(d, e.Name())
			if e.IsDir() {
				if e.Name() == ".git" || e.Name() == "node_modules" {
					continue
				}
				walk(p, depth+1)
				continue
			}
			if !e.Type().IsRegular() {
				continue // symlinks, sockets: not followed
			}
			rel, _ := filepath.Rel(dir, p)
			jobs = append(jobs, job{p, filepath.ToSlash(rel)})
		}
	}
	walk(dir, 0)
	docs := make([]*Doc, len(jobs))
	parallel(len(jobs), func(i int) {
		j := jobs[i]
		if classify(j.rel) == KindOther {
			docs[i] = &Doc{Path: j.path, Rel: j.rel, Kind: KindOther, Version: -1, Text: text.New(nil)}
			return
		}
		buf := readBufs.Get().(*[]byte)
		b, err := readFileInto(j.path, *buf)
		if err != nil {
			readBufs.Put(buf)
			docs[i] = unreadDoc(j.path, j.rel, unreadReason(err))
			return
		}
		d := evict(parseDoc(j.path, j.rel, b, -1, true))
		docs[i] = d
		if d.Skipped() != "" || d.Text.IsDetached() {
			// nothing holds the bytes read: the next file reads into them
			if cap(b) <= maxPooledRead {
				*buf = b
			}
			readBufs.Put(buf)
		}
	})
	for _, d := range append(docs, folders...) {
		r.Docs.set(d.Path, d)
	}
	r.index()
	return r
}

// readBufs are the buffers loadRoot reads files into; a file whose doc keeps
// nothing of its bytes (see evict) gives its buffer back.
var readBufs = sync.Pool{New: func() any { return new([]byte) }}

// maxPooledRead is the largest buffer readBufs keeps.
const maxPooledRead = 1 << 20

// readFile reads a file, refusing more than its limit (maxSize) plus one byte.
func readFile(path string) ([]byte, error) { return readFileInto(path, nil) }

// readFileInto is readFile reading into buf's storage when it is large
// enough.
func readFileInto(path string, buf []byte) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	limit := maxSize(path)
	if st.Size() > limit {
		return nil, &TooLargeError{Size: st.Size(), Limit: limit}
	}
	b := buf[:0]
	if int64(cap(b)) < st.Size()+1 {
		b = make([]byte, 0, st.Size()+1)
	}
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := f.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err // not the truncated content as if it were the file
		}
		if int64(len(b)) > limit {
			return nil, &TooLargeError{Size: int64(len(b)), Limit: limit} // it grew while being read
		}
	}
	return b, nil
}

// Apply returns a new snapshot with the changes applied; unchanged files and
// roots are shared with s. A changed path under a new `.tasks` folder adds a
// root.
func (s *Snapshot) Apply(changes []Change) *Snapshot {
	next := &Snapshot{Seq: s.Seq + 1, Folders: s.Folders, Roots: append([]*Root(nil), s.Roots...)}
	touched := map[*Root]*Root{}    // old root -> its copy
	changed := map[*Root][]string{} // new root -> paths changed in it
	olds := map[*Root]*Root{}       // new root -> the root it copies
	for _, ch := range changes {
		path := filepath.Clean(ch.Path)
		if ch.Deleted {
			// a deleted `.tasks` folder, or a folder holding one
			kept := next.Roots[:0]
			for _, r := range next.Roots {
				if r.Dir != path && !within(path, r.Dir) {
					kept = append(kept, r)
				}
			}
			next.Roots = kept
		}
		r := next.RootOf(path)
		if r == nil {
			dir := tasksDirOf(path)
			if dir == "" || ch.Deleted || !next.inFolders(dir) {
				continue
			}
			r = &Root{Dir: dir, Docs: newMap[*Doc]()}
			next.Roots = append(next.Roots, r)
			touched[r] = r
		}
		nr, ok := touched[r]
		if !ok {
			nr = &Root{Dir: r.Dir, Docs: r.Docs.clone()}
			touched[r] = nr
			touched[nr] = nr
			olds[nr] = r
			for i := range next.Roots {
				if next.Roots[i] == r {
					next.Roots[i] = nr
				}
			}
		}
		rel := nr.Rel(path)
		changed[nr] = append(changed[nr], path)
		if ch.Deleted {
			nr.Docs.del(path)
			// a deleted folder: drop everything under it (each is a change the
			// index must see, even when a file takes the folder's place)
			prefix := path + string(filepath.Separator)
			var gone []string
			for p := range nr.Docs.Keys() {
				if strings.HasPrefix(p, prefix) {
					gone = append(gone, p)
				}
			}
			for _, p := range gone {
				nr.Docs.del(p)
				changed[nr] = append(changed[nr], p)
			}
			continue
		}
		var nd *Doc
		if od := nr.Docs.At(path); od != nil && od.Rel == rel && od.sameContent(ch.Content) {
			nd = od.reopened(ch.Content, ch.Version) // opened or closed as it was: the parse stands
		} else {
			nd = parseDoc(path, rel, ch.Content, ch.Version, ch.Disk)
		}
		if ch.Disk {
			nd = evict(nd)
		}
		if ch.Unreadable != "" {
			nd = unreadDoc(path, rel, ch.Unreadable)
		}
		if nd.Kind == KindManifest && nd.Manifest != nil && nd.Manifest.Err != nil {
			nd.setStaleIDs(manifestIDs(nr.Docs.At(path)))
		}
		nr.Docs.set(path, nd)
	}
	for old, nr := range touched {
		if old == nr {
			if o := olds[nr]; o == nil || !nr.reindex(o, changed[nr]) {
				nr.index()
			}
		}
	}
	// drop roots whose folder is gone
	out := next.Roots[:0]
	for _, r := range next.Roots {
		if r.Docs.Len() > 0 || dirExists(r.Dir) {
			out = append(out, r)
		}
	}
	next.Roots = out
	sort.Slice(next.Roots, func(i, j int) bool { return next.Roots[i].Dir < next.Roots[j].Dir })
	return next
}

func dirExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// tasksDirOf returns the nearest ancestor of path named `.tasks`, or "".
func tasksDirOf(path string) string {
	for p := filepath.Dir(path); ; {
		if filepath.Base(p) == ".tasks" {
			return p
		}
		parent := filepath.Dir(p)
		if parent == p {
			return ""
		}
		p = parent
	}
}

func (s *Snapshot) inFolders(dir string) bool {
	for _, f := range s.Folders {
		if dir == f || within(f, dir) || within(dir, f) {
			return true
		}
	}
	return len(s.Folders) == 0
}

// reindex updates a copied root's indexes from the root it copies, for a
// few changed task files or notes: only the definitions and references of
// those files are redone, every other index entry is shared. It reports
// false (and changes nothing) when the change needs a full index: the
// manifest or settings changed, a folder went away, or the ID form of the
// workspace moved.
func (r *Root) reindex(old *Root, paths []string) bool {
	if len(paths) > 64 || old.Defs == nil {
		return false
	}
	// a path changed twice in one batch (created, then written) is redone
	// once: twice would define its task twice
	seen := make(map[string]bool, len(paths))
	uniq := make([]string, 0, len(paths))
	for _, p := range paths {
		if !seen[p] {
			seen[p] = true
			uniq = append(uniq, p)
		}
	}
	paths = uniq
	for _, p := range paths {
		d, od := r.Docs.At(p), old.Docs.At(p)
		for _, x := range []*Doc{d, od} {
			if x != nil && x.Kind != KindTask && x.Kind != KindNote && x.Kind != KindOther && x.Kind != KindUpdate {
				return false
			}
		}
		if d == nil && od == nil {
			return false // a folder: its files went with it
		}
	}
	// the ID form (prefixes, shortest number) decides which prose words are
	// references: if it moves, every file must be looked at again
	forms := make(map[idForm]int, len(old.defForms))
	for f, n := range old.defForms {
		forms[f] = n
	}
	for _, p := range paths {
		if od := old.Docs.At(p); od.IsTask() {
			if f, ok := formOf(od.Task.ID()); ok {
				forms[f]--
			}
		}
		if d := r.Docs.At(p); d.IsTask() {
			if f, ok := formOf(d.Task.ID()); ok {
				forms[f]++
			}
		}
	}
	for f, n := range forms {
		if n <= 0 {
			delete(forms, f)
		}
	}
	r.defForms, r.otherForms = forms, old.otherForms
	r.setForms()
	if r.minDig != old.minDig || len(r.prefixes) != len(old.prefixes) {
		return false
	}
	for p := range r.prefixes {
		if !old.prefixes[p] {
			return false
		}
	}
	r.prefixes = old.prefixes
	defs := old.Defs.clone()
	touchedIDs := map[string]bool{}
	for _, p := range paths {
		if od := old.Docs.At(p); od.IsTask() {
			id := od.Task.ID()
			var keep []Def
			for _, x := range defs.At(id) {
				if x.Doc.Path != p {
					keep = append(keep, x)
				}
			}
			if len(keep) == 0 {
				defs.del(id)
			} else {
				defs.set(id, keep)
			}
			touchedIDs[id] = true
		}
		if d := r.Docs.At(p); d.IsTask() {
			id := d.Task.ID()
			defs.set(id, append(append([]Def(nil), defs.At(id)...), Def{Doc: d, Span: defSpan(d)}))
			touchedIDs[id] = true
		}
	}
	r.Manifest, r.Entries, r.Deferred, r.Stale = old.Manifest, old.Entries, old.Deferred, old.Stale
	r.Defs = defs
	for id := range touchedIDs {
		if ds := defs.At(id); len(ds) > 1 {
			ds = append([]Def(nil), ds...)
			r.orderDefs(id, ds)
			defs.set(id, ds)
		}
	}
	r.reindexRefs(old, paths)
	r.graphGen = old.graphGen
	for _, p := range paths {
		if od, d := old.Docs.At(p), r.Docs.At(p); od == nil || d == nil || !sameGraph(od, d) {
			r.graphGen = graphGens.Add(1)
			break
		}
	}
	for id := range touchedIDs {
		if len(defs.At(id)) > 1 || len(old.Defs.At(id)) > 1 {
			r.graphGen = graphGens.Add(1) // which copy is preferred may have changed
			break
		}
	}
	// the sorted ID list changes only when an ID appears or goes, and only
	// the touched IDs can
	same := true
	for id := range touchedIDs {
		if defs.Has(id) != old.Defs.Has(id) {
			same = false
			break
		}
	}
	if same {
		r.IDs = old.IDs
		return true
	}
	all := map[string]bool{}
	for id := range defs.Keys() {
		all[id] = true
	}
	for id := range r.Entries {
		all[id] = true
	}
	for id := range r.Deferred {
		all[id] = true
	}
	for id := range r.Stale {
		all[id] = true
	}
	r.IDs = make([]string, 0, len(all))
	for id := range all {
		r.IDs = append(r.IDs, id)
	}
	sort.Strings(r.IDs)
	r.graphGen = graphGens.Add(1)
	return true
}
