// Package manifest reads a `.tasks/manifest.json`: its task entries and every
// list of task IDs in it (dependencies, blocks, the dependency graph, critical
// paths, phase and deferred lists), each with the exact span of every ID.
//
// The document is read with a jsonpos.Decoder, never as a whole tree: what is
// kept is extracted on the way and the rest is only checked for syntax, so a
// manifest of tens of thousands of entries costs little more memory than what
// is kept.
package manifest

import (
	"slices"
	"strings"
	"unicode"

	"github.com/taskls/taskls/analysis/jsonpos"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// Field is one scalar member of an entry.
type Field struct {
	Value   string    // decoded string, or the literal text of a number or bool
	Span    text.Span // the value token, quotes included
	Present bool      // false when absent or null
	String  bool      // the value is a JSON string (Span starts and ends with its quotes)
}

// Inner is the span of the field's value inside its quotes, or the whole
// token when it is not a string.
func (f Field) Inner() text.Span {
	if f.String {
		return inner(f.Span)
	}
	return f.Span
}

// Entry is one task of the manifest's `tasks`.
type Entry struct {
	ID        string
	IDSpan    text.Span // inside the quotes of the id (of the key, for an object map without ids)
	Span      text.Span // the whole entry object
	Title     Field     // `title`, else `name`
	Status    Field
	Priority  Field
	File      Field       // `file`, else `path` or `file_path`
	FileInner text.Span   // inside the quotes of File
	DependsOn *model.List // `depends_on` or `dependencies`, the first written; nil when absent
	Blocks    *model.List
	BlockedBy *model.List
}

// Manifest is what taskls needs of a manifest.json.
type Manifest struct {
	Entries []*Entry
	// Refs holds every task-ID occurrence in source order: entry ids
	// (KindEntryID), list items, dependency_graph keys.
	Refs []model.Ref
	// Lists holds every list of task IDs in source order, the entries' own
	// lists included.
	Lists []*model.List
	// Stats is the top-level "stats" object (the first, if repeated), or nil.
	Stats *jsonpos.Value
	// Err is set when the document is not JSON; then nothing else is.
	Err *jsonpos.SyntaxError

	// What a fix appending an entry needs of the text, learnt while
	// parsing (the workspace does not keep the text of a manifest read from
	// disk): the blanks before the last entry on its line ("" when other
	// text comes first); when the entries are an object map, where the last
	// entry's key starts (its opening quote; -1 otherwise) and the blanks
	// before that key on its line.
	LastIndent    string
	LastKey       int
	LastKeyIndent string
	// tails maps the start of a list's last item to the offset past its
	// closing quote, for the items where that is not the item's end plus
	// one (blanks trimmed at the end of the string).
	tails map[int]int
}

// ListTail is the offset right after the closing quote of the last item
// of l, a list of the manifest that has items: where an item appended
// after it goes.
func (m *Manifest) ListTail(l *model.List) int {
	last := l.Items[len(l.Items)-1].Span
	if t, ok := m.tails[last.Start]; ok {
		return t
	}
	return last.End + 1
}

// indentBefore is the blanks between the start of off's line and off, or
// "" when something else comes first.
func indentBefore(data []byte, off int) string {
	ls := off
	for ls > 0 && data[ls-1] != '\n' && data[ls-1] != '\r' {
		ls--
	}
	if strings.TrimSpace(string(data[ls:off])) != "" {
		return ""
	}
	return string(data[ls:off])
}

// Deferred returns the set of IDs that appear in deferred lists.
func (m *Manifest) Deferred() map[string]bool {
	out := map[string]bool{}
	for _, r := range m.Refs {
		if r.Kind == model.KindDeferred {
			out[r.ID] = true
		}
	}
	return out
}

// Parse reads a manifest. It never fails: a document that does not parse
// gives a Manifest holding only Err.
func Parse(data []byte) *Manifest {
	b := &builder{data: data, d: jsonpos.NewDecoder(data), m: &Manifest{}}
	b.run()
	return b.finish()
}

// run reads the top-level value.
func (b *builder) run() {
	switch k, _ := b.d.Peek(); k {
	case jsonpos.Object:
		b.d.Object(b.top)
	case jsonpos.Array: // a bare array of entries
		b.tasks(ctx{})
	default:
		b.d.Skip()
	}
	b.d.End()
}

// finish moves what was collected into the Manifest.
func (b *builder) finish() *Manifest {
	if err := b.d.Err(); err != nil {
		return &Manifest{Err: err, LastKey: -1}
	}
	m := b.m
	m.Entries = b.entries.all(nil)
	m.LastKey = -1
	if n := len(m.Entries); n > 0 {
		m.LastIndent = indentBefore(b.data, m.Entries[n-1].Span.Start)
		if b.lastKey.Len() >= 2 {
			m.LastKey = b.lastKey.Start
			m.LastKeyIndent = indentBefore(b.data, b.lastKey.Start)
		}
	}
	// a reserved entry-ID slot that was not needed has no ID
	m.Refs = b.refs.all(func(r *model.Ref) bool { return r.ID != "" })
	b.share(m.Refs)
	// Lists are appended when their array opens, so they are in order but
	// for the rare list made of the strings of a `tasks` array of entries.
	m.Lists = b.lists.all(nil)
	if !slices.IsSortedFunc(m.Lists, byStart) {
		slices.SortStableFunc(m.Lists, byStart)
	}
	return m
}

// share points the Items of the lists in b.shared into refs, the kept refs
// of b.refs: a list's items are then stored once. The capacity of each
// Items ends with the list, so an append copies rather than overwrites.
func (b *builder) share(refs []model.Ref) {
	if len(b.shared) == 0 {
		return
	}
	// lists that share hold no other list: they end in the order they start
	slices.SortFunc(b.shared, func(x, y sharedList) int { return x.first - y.first })
	// the refs numbered before each list's first that were dropped
	// (reserved slots left empty) shift it down
	dropped, next, si := 0, 0, 0
	for _, ch := range append(b.refs.full, b.refs.cur) {
		for i := range ch {
			for si < len(b.shared) && b.shared[si].first == next {
				sl := b.shared[si]
				start := sl.first - dropped
				sl.l.Items = refs[start : start+sl.n : start+sl.n]
				si++
			}
			if ch[i].ID == "" {
				dropped++
			}
			next++
		}
	}
}

// chunks collects values in chunks that never move, so that a large result
// is copied once (append would copy it about five times as it grows).
type chunks[T any] struct {
	full [][]T
	cur  []T
	n    int
}

// add appends v and returns where it is stored, valid until all is called.
func (c *chunks[T]) add(v T) *T {
	if len(c.cur) == cap(c.cur) {
		size := 64
		if c.cur != nil {
			c.full = append(c.full, c.cur)
			size = min(2*cap(c.cur), 8192)
		}
		c.cur = make([]T, 0, size)
	}
	c.cur = append(c.cur, v)
	c.n++
	return &c.cur[len(c.cur)-1]
}

// all returns the values kept by keep (every value when keep is nil) in one
// slice, nil when there are none.
func (c *chunks[T]) all(keep func(*T) bool) []T {
	if c.n == 0 {
		return nil
	}
	out := make([]T, 0, c.n)
	for _, ch := range append(c.full, c.cur) {
		if keep == nil {
			out = append(out, ch...)
			continue
		}
		for i := range ch {
			if keep(&ch[i]) {
				out = append(out, ch[i])
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func byStart(a, b *model.List) int { return a.Span.Start - b.Span.Start }

// ctx is what a value's ancestors say about it.
type ctx struct {
	graph    bool   // inside dependency_graph
	deferred bool   // an ancestor's key contains "deferred"
	node     string // the dependency_graph node (task ID) above, if any
}

type builder struct {
	data    []byte
	d       *jsonpos.Decoder
	m       *Manifest // Stats only, until finish
	refs    chunks[model.Ref]
	lists   chunks[*model.List]
	entries chunks[*Entry]
	lastKey text.Span   // the key of the last entry kept, when from an object map
	items   []model.Ref // items of the lists being read, copied out at each list's end
	// shared are the lists whose items are a run of refs with nothing
	// between them (nearly all): finish points their Items into the
	// Manifest's Refs instead of keeping a second copy.
	shared []sharedList
}

// sharedList is a list whose items are the refs numbered from first (in
// the order the builder added them, reserved slots included).
type sharedList struct {
	l        *model.List
	first, n int
}

// top handles one member of the top-level object.
func (b *builder) top(key string, keySpan text.Span) {
	switch key {
	case "tasks":
		if k, _ := b.d.Peek(); k == jsonpos.Array || k == jsonpos.Object {
			b.tasks(ctx{})
			return
		}
	case "stats":
		if k, _ := b.d.Peek(); k == jsonpos.Object {
			v := b.d.Value()
			if v == nil {
				return
			}
			if b.m.Stats == nil {
				b.m.Stats = v
			}
			// read it again for ID lists, as anywhere else
			d := b.d
			b.d = jsonpos.NewDecoderAt(b.data, v.Span.Start)
			b.walk(ctx{})
			b.d = d
			return
		}
	}
	b.member(key, keySpan, ctx{})
}

// tasks reads the entries: an array of entry objects, or an object map
// from ID to entry.
func (b *builder) tasks(c ctx) {
	var strs *model.List // the string items of an array of entries, if any
	base := len(b.items)
	if k, _ := b.d.Peek(); k == jsonpos.Object {
		b.d.Object(func(key string, keySpan text.Span) {
			if k, _ := b.d.Peek(); k == jsonpos.Object {
				b.entry(key, keySpan, c)
				return
			}
			b.member(key, keySpan, c)
		})
		return
	}
	span, _ := b.d.Array(func(int) {
		switch k, _ := b.d.Peek(); k {
		case jsonpos.Object:
			b.entry("", text.Span{}, c)
		case jsonpos.String:
			if strs == nil {
				strs = &model.List{Key: "tasks", Kind: phaseKind(c), Style: '['}
				b.lists.add(strs)
			}
			b.item(strs.Kind, false)
		default:
			b.walk(c)
		}
	})
	if strs != nil {
		strs.Span = span
		strs.Items = b.takeItems(base)
	}
}

// entry reads one task entry object; key is its key in an object map.
func (b *builder) entry(key string, keySpan text.Span, c ctx) {
	e := &Entry{}
	// the key of an object map comes first: reserve its ref's place
	var keyRef *model.Ref
	if keySpan.Len() >= 2 {
		keyRef = b.refs.add(model.Ref{})
	}
	titleFromName, fileFromAlias := false, false
	e.Span, _ = b.d.Object(func(k string, ks text.Span) {
		switch k {
		case "id", "task_id":
			if e.ID != "" {
				return
			}
			if v, ok := b.d.Scalar(); ok && v.Kind == jsonpos.String {
				if id, span := b.trim(v); id != "" {
					e.ID, e.IDSpan = id, span
					b.refs.add(model.Ref{ID: id, Span: span, Kind: model.KindEntryID})
				}
			}
		case "title":
			if !e.Title.Present || titleFromName {
				e.Title, titleFromName = b.field(), false
			}
		case "name":
			if !e.Title.Present {
				e.Title, titleFromName = b.field(), true
			}
		case "status":
			if !e.Status.Present {
				e.Status = b.field()
			}
		case "priority":
			if !e.Priority.Present {
				e.Priority = b.field()
			}
		case "file", "path", "file_path":
			if e.File.Present && (k != "file" || !fileFromAlias) {
				return
			}
			v, ok := b.d.Scalar()
			if !ok {
				return
			}
			e.File, fileFromAlias = toField(v), k != "file"
			e.FileInner = v.Inner()
		default:
			l := b.member(k, ks, c)
			if l == nil {
				return
			}
			switch {
			case l.Kind == model.KindManifestDependsOn && e.DependsOn == nil:
				e.DependsOn = l
			case l.Kind == model.KindManifestBlocks && e.Blocks == nil:
				e.Blocks = l
			case l.Kind == model.KindManifestBlockedBy && e.BlockedBy == nil:
				e.BlockedBy = l
			}
		}
	})
	if keyRef != nil {
		inner := inner(keySpan)
		if e.ID == "" && strings.TrimSpace(key) != "" {
			e.ID, e.IDSpan = key, inner
		}
		if e.IDSpan == inner || model.IsTaskID(key) {
			*keyRef = model.Ref{ID: key, Span: inner, Kind: model.KindEntryID}
		}
	}
	if e.ID != "" {
		b.entries.add(e)
		b.lastKey = text.Span{}
		if keyRef != nil {
			b.lastKey = keySpan
		}
	}
}

// member handles the value of a member named key outside the entries'
// own fields. It returns the list it recorded when the value is a list of
// task IDs read as one (nil otherwise).
func (b *builder) member(key string, keySpan text.Span, c ctx) *model.List {
	lk := strings.ToLower(key)
	if strings.Contains(lk, "deferred") {
		c.deferred = true
	}
	k, _ := b.d.Peek()
	switch {
	case lk == "dependency_graph" && k == jsonpos.Object:
		c.graph = true
		b.d.Object(func(node string, nodeSpan text.Span) {
			nc := c
			nc.node = ""
			if model.IsTaskID(node) {
				b.refs.add(model.Ref{ID: node, Span: inner(nodeSpan), Kind: model.KindGraphKey})
				nc.node = node
			}
			if k, _ := b.d.Peek(); k == jsonpos.Array && model.IsTaskID(node) {
				// an adjacency list: the node's dependencies
				b.list(node, model.KindGraphDependsOn, nc)
				return
			}
			b.walk(nc)
		})
		return nil
	case strings.HasPrefix(lk, "critical_path"):
		b.criticalPath(key)
		return nil
	case k != jsonpos.Array:
	case lk == "depends_on" || lk == "dependencies":
		return b.list(key, pick(c.graph, model.KindGraphDependsOn, model.KindManifestDependsOn), c)
	case lk == "blocks":
		return b.list(key, pick(c.graph, model.KindGraphBlocks, model.KindManifestBlocks), c)
	case lk == "blocked_by":
		return b.list(key, model.KindManifestBlockedBy, c)
	case isTaskList(lk) || strings.Contains(lk, "deferred"):
		return b.list(key, phaseKind(c), c)
	}
	b.walk(c)
	return nil
}

// criticalPath reads a critical_path* value: an array of IDs, or an object
// holding such arrays (at any depth).
func (b *builder) criticalPath(key string) {
	switch k, _ := b.d.Peek(); k {
	case jsonpos.Array:
		b.list(key, model.KindCriticalPath, ctx{})
	case jsonpos.Object:
		b.d.Object(func(name string, _ text.Span) { b.criticalPath(name) })
	}
}

// walk looks for ID lists anywhere inside the next value.
func (b *builder) walk(c ctx) {
	switch k, _ := b.d.Peek(); k {
	case jsonpos.Object:
		b.d.Object(func(key string, keySpan text.Span) { b.member(key, keySpan, c) })
	case jsonpos.Array:
		b.d.Array(func(int) { b.walk(c) })
	}
	// anything else is skipped by the caller's Object or Array, or by End
}

// list records the array under key as a list of task IDs of kind. Items
// that are arrays are lists of the same kind; objects are walked.
func (b *builder) list(key string, kind model.RefKind, c ctx) *model.List {
	l := &model.List{Key: key, Kind: kind, Style: '['}
	if c.graph {
		l.Owner = c.node
	}
	b.lists.add(l)
	anyString := kind != model.KindPhase && kind != model.KindDeferred
	base := len(b.items)
	first := b.refs.n
	l.Span, _ = b.d.Array(func(int) {
		switch k, _ := b.d.Peek(); k {
		case jsonpos.String:
			b.item(kind, anyString)
		case jsonpos.Array:
			b.list(key, kind, c)
		case jsonpos.Object:
			b.walk(c)
		}
	})
	if n := len(b.items) - base; n > 0 && b.refs.n-first == n {
		// nothing but its own items was added while it was read: they are
		// the refs from first on (see share)
		b.shared = append(b.shared, sharedList{l, first, n})
		b.items = b.items[:base]
		return l
	}
	l.Items = b.takeItems(base)
	return l
}

// takeItems copies the items read since base out of the scratch stack.
func (b *builder) takeItems(base int) []model.Ref {
	if len(b.items) == base {
		return nil
	}
	out := slices.Clone(b.items[base:])
	b.items = b.items[:base]
	return out
}

// item reads a string item of a list of kind; anyString says whether
// strings not shaped like an ID count too.
func (b *builder) item(kind model.RefKind, anyString bool) {
	v, ok := b.d.Scalar()
	if !ok {
		return
	}
	id, span := b.trim(v)
	if id == "" || !anyString && !model.IsTaskID(id) {
		return
	}
	r := model.Ref{ID: id, Span: span, Kind: kind}
	if span.End+1 != v.Span.End {
		if b.m.tails == nil {
			b.m.tails = map[int]int{}
		}
		b.m.tails[span.Start] = v.Span.End
	}
	b.items = append(b.items, r)
	b.refs.add(r)
}

// trim returns a string value's text without surrounding blanks, and the
// span of that text (inside the quotes). When the string holds escapes the
// span stays the whole inside.
func (b *builder) trim(v jsonpos.Value) (string, text.Span) {
	s, span := v.Str, v.Inner()
	t := strings.TrimSpace(s)
	if len(t) == len(s) {
		return s, span
	}
	if string(b.data[span.Start:span.End]) == s { // no escapes: bytes map one to one
		lead := len(s) - len(strings.TrimLeftFunc(s, unicode.IsSpace))
		span = text.Span{Start: span.Start + lead, End: span.Start + lead + len(t)}
	}
	return t, span
}

// field reads the next value as a scalar field.
func (b *builder) field() Field {
	v, ok := b.d.Scalar()
	if !ok {
		return Field{}
	}
	return toField(v)
}

func toField(v jsonpos.Value) Field {
	switch v.Kind {
	case jsonpos.Null:
		return Field{Span: v.Span}
	case jsonpos.Array, jsonpos.Object:
		return Field{Span: v.Span, Present: true}
	}
	return Field{Value: v.Str, Span: v.Span, Present: true, String: v.Kind == jsonpos.String}
}

func inner(s text.Span) text.Span {
	if s.Len() < 2 {
		return s
	}
	return text.Span{Start: s.Start + 1, End: s.End - 1}
}

// isTaskList reports whether an array under the (lower-cased) key is a list
// of tasks: `tasks`, `*_tasks` (deferred_tasks, completed_tasks), `task_ids`.
func isTaskList(lk string) bool {
	return lk == "tasks" || lk == "task_ids" || strings.HasSuffix(lk, "_tasks")
}

func phaseKind(c ctx) model.RefKind { return pick(c.deferred, model.KindDeferred, model.KindPhase) }

func pick(cond bool, a, b model.RefKind) model.RefKind {
	if cond {
		return a
	}
	return b
}
