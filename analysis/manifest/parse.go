package manifest

import (
	"slices"
	"strings"
	"unicode"

	"github.com/taskls/taskls/analysis/jsonpos"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// Parse reads a manifest. It never fails: a document that does not parse
// gives a Manifest holding only Err.
func Parse(data []byte) *Manifest {
	if len(data) >= maxSize {
		return &Manifest{Err: &jsonpos.SyntaxError{Msg: "document too large to read"}, LastKey: -1}
	}
	b := &builder{data: data, d: jsonpos.NewDecoder(data), m: &Manifest{}, strIdx: map[string]uint32{},
		// what real manifests keep (IDs, titles, files: a sixth to a tenth
		// of the text, a string per 250 bytes), grown rather than copied
		strs: make([]byte, 0, len(data)/8), offs: make([]uint32, 0, len(data)/256)}
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

// noRef marks a ref slot reserved for the key of an entry and not used.
const noRef = ^uint32(0)

// finish moves what was collected into the Manifest.
func (b *builder) finish() *Manifest {
	if err := b.d.Err(); err != nil {
		return &Manifest{Err: err, LastKey: -1}
	}
	m := b.m
	m.strs = string(b.strs)
	m.offs = exact(append(b.offs, uint32(len(b.strs))))

	// a reserved entry-ID slot that was not needed has no ID: drop it, and
	// renumber the refs after it (entries and odd lists name refs)
	var dropped []uint32
	n := 0
	for _, ch := range append(b.refs.full, b.refs.cur) {
		for i := range ch {
			if ch[i].start == noRef {
				dropped = append(dropped, uint32(n))
			}
			n++
		}
	}
	m.refs = b.refs.all(func(r *ref) bool { return r.start != noRef })
	m.paginate()
	renum := func(x uint32) uint32 {
		k, _ := slices.BinarySearch(dropped, x)
		return x - uint32(k)
	}
	if len(dropped) > 0 {
		for i, x := range b.xrefs {
			b.xrefs[i] = renum(x)
		}
	}
	m.xrefs = exact(b.xrefs)
	slices.SortFunc(b.rodd, func(x, y oddRef) int { return cmpU32(x.start, y.start) })
	m.rodd = exact(b.rodd)
	slices.SortFunc(b.xlists, func(x, y xlist) int { return cmpU32(x.start, y.start) })
	m.xlists = exact(b.xlists)
	slices.SortFunc(b.fodd, func(x, y oddEnd) int { return cmpU32(x.start, y.start) })
	m.fodd = exact(b.fodd)

	// Lists are added when their array opens, so they are in order but
	// for the rare list made of the strings of a `tasks` array of entries.
	m.lists = b.lists.all(nil)
	var newNum []uint32 // list number as added -> in order, when they differ
	if !slices.IsSortedFunc(m.lists, byStart) {
		order := make([]int, len(m.lists))
		for i := range order {
			order[i] = i
		}
		slices.SortStableFunc(order, func(x, y int) int { return byStart(m.lists[x], m.lists[y]) })
		sorted := make([]list, len(m.lists))
		newNum = make([]uint32, len(m.lists))
		for to, from := range order {
			sorted[to] = m.lists[from]
			newNum[from] = uint32(to)
		}
		m.lists = sorted
	}

	m.entries = b.entries.all(nil)
	for i := range m.entries {
		e := &m.entries[i]
		e.ref = renum(e.ref)
		for k, l := range e.lists {
			if l != 0 && newNum != nil {
				e.lists[k] = newNum[l-1] + 1
			}
		}
	}
	m.LastKey = -1
	if n := len(m.entries); n > 0 {
		m.LastIndent = indentBefore(b.data, int(m.entries[n-1].start))
		if b.lastKey.Len() >= 2 {
			m.LastKey = b.lastKey.Start
			m.LastKeyIndent = indentBefore(b.data, b.lastKey.Start)
		}
	}
	return m
}

// exact is s in storage of its length (append leaves room to grow), nil
// when empty.
func exact[T any](s []T) []T {
	switch {
	case len(s) == 0:
		return nil
	case cap(s) > len(s):
		return slices.Clone(s)
	}
	return s
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
// at is value n, where it is stored until all is called.
func (c *chunks[T]) at(n uint32) *T {
	for _, ch := range c.full {
		if int(n) < len(ch) {
			return &ch[n]
		}
		n -= uint32(len(ch))
	}
	return &c.cur[n]
}

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
	return slices.Clip(out)
}

func byStart(a, b list) int { return cmpU32(a.start, b.start) }

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
	refs    chunks[ref]
	lists   chunks[list]
	entries chunks[Entry]
	lastKey text.Span // the key of the last entry kept, when from an object map
	// items are the ref numbers of the items of the lists being read,
	// copied to xrefs at the end of a list that needs them
	items  []uint32
	xrefs  []uint32
	xlists []xlist
	rodd   []oddRef
	fodd   []oddEnd
	// the string table: strs holds string i from offs[i]
	strs   []byte
	offs   []uint32
	strIdx map[string]uint32
}

// str returns the index of s in the string table, adding it if new.
func (b *builder) str(s string) uint32 {
	if i, ok := b.strIdx[s]; ok {
		return i
	}
	i := b.strAdd(s)
	b.strIdx[s] = i
	return i
}

// strAdd adds s to the string table and returns its index, for a string
// seldom written twice (a file): only the table holds it.
func (b *builder) strAdd(s string) uint32 {
	i := uint32(len(b.offs))
	b.offs = append(b.offs, uint32(len(b.strs)))
	b.strs = append(b.strs, s...)
	return i
}

// ref makes a ref (tail is the offset past a list item's closing quote).
func (b *builder) ref(id string, span text.Span, kind model.RefKind, tail int) ref {
	r := ref{start: uint32(span.Start), w: b.str(id)<<idxShift | uint32(kind)}
	if span.End != span.Start+len(id) || tail != span.End+1 {
		r.w |= oddBit
		b.rodd = append(b.rodd, oddRef{uint32(span.Start), uint32(span.End), uint32(tail)})
	}
	return r
}

// addRef adds a ref and returns its number.
func (b *builder) addRef(id string, span text.Span, kind model.RefKind, tail int) uint32 {
	n := uint32(b.refs.n)
	b.refs.add(b.ref(id, span, kind, tail))
	return n
}

// newList adds a list of kind under key and returns its number; its span
// and oddness are set by endList.
func (b *builder) newList(key string, kind model.RefKind, owner string) uint32 {
	l := list{w: b.str(key)<<idxShift | uint32(kind)}
	if owner != "" {
		l.owner = b.str(owner) + 1
	}
	n := uint32(b.lists.n)
	b.lists.add(l)
	return n
}

// endList sets the span of list n, whose items are b.items[base:], and
// firstRef is the number of refs before it opened.
func (b *builder) endList(n uint32, span text.Span, base, firstRef int) {
	l := b.lists.at(n)
	l.start, l.end = uint32(span.Start), uint32(span.End)
	if k := len(b.items) - base; b.refs.n-firstRef != k {
		// refs other than its items are inside it
		l.w |= oddBit
		b.xlists = append(b.xlists, xlist{l.start, uint32(len(b.xrefs)), uint32(k)})
		b.xrefs = append(b.xrefs, b.items[base:]...)
	}
	b.items = b.items[:base]
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
	strs := noRef // the list of the string items of an array of entries, if any
	base, firstRef := len(b.items), b.refs.n
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
	kind := phaseKind(c)
	span, _ := b.d.Array(func(int) {
		switch k, _ := b.d.Peek(); k {
		case jsonpos.Object:
			b.entry("", text.Span{}, c)
		case jsonpos.String:
			if strs == noRef {
				strs = b.newList("tasks", kind, "")
			}
			b.item(kind, false)
		default:
			b.walk(c)
		}
	})
	if strs != noRef {
		b.endList(strs, span, base, firstRef)
	}
}

// entryState is an entry being read.
type entryState struct {
	id     string
	idSpan text.Span
	idRef  uint32 // the number of the ref of id
	span   text.Span
	f      [nFields]Field
	lists  [3]uint32 // list number + 1
}

// entry reads one task entry object; key is its key in an object map.
func (b *builder) entry(key string, keySpan text.Span, c ctx) {
	var e entryState
	// the key of an object map comes first: reserve its ref's place
	keyRef := noRef
	if keySpan.Len() >= 2 {
		keyRef = uint32(b.refs.n)
		b.refs.add(ref{start: noRef})
	}
	titleFromName, fileFromAlias := false, false
	e.span, _ = b.d.Object(func(k string, ks text.Span) {
		switch k {
		case "id", "task_id":
			if e.id != "" {
				return
			}
			if v, ok := b.d.Scalar(); ok && v.Kind == jsonpos.String {
				if id, span := b.trim(v); id != "" {
					e.id, e.idSpan = id, span
					e.idRef = b.addRef(id, span, model.KindEntryID, span.End+1)
				}
			}
		case "title":
			if !e.f[fTitle].Present || titleFromName {
				e.f[fTitle], titleFromName = b.field(), false
			}
		case "name":
			if !e.f[fTitle].Present {
				e.f[fTitle], titleFromName = b.field(), true
			}
		case "status":
			if !e.f[fStatus].Present {
				e.f[fStatus] = b.field()
			}
		case "priority":
			if !e.f[fPriority].Present {
				e.f[fPriority] = b.field()
			}
		case "file", "path", "file_path":
			if e.f[fFile].Present && (k != "file" || !fileFromAlias) {
				return
			}
			v, ok := b.d.Scalar()
			if !ok {
				return
			}
			e.f[fFile], fileFromAlias = toField(v), k != "file"
		default:
			l, kind, ok := b.member(k, ks, c)
			if !ok {
				return
			}
			for i, lk := range [3]model.RefKind{model.KindManifestDependsOn, model.KindManifestBlocks, model.KindManifestBlockedBy} {
				if kind == lk && e.lists[i] == 0 {
					e.lists[i] = l + 1
				}
			}
		}
	})
	if keyRef != noRef {
		inner := inner(keySpan)
		if e.id == "" && strings.TrimSpace(key) != "" {
			e.id, e.idSpan, e.idRef = key, inner, keyRef
		}
		if e.idSpan == inner || model.IsTaskID(key) {
			*b.refs.at(keyRef) = b.ref(key, inner, model.KindEntryID, inner.End+1)
		}
	}
	if e.id == "" {
		return
	}
	out := Entry{m: b.m, ref: e.idRef, start: uint32(e.span.Start), end: uint32(e.span.End), lists: e.lists}
	for i, f := range e.f {
		out.fields[i] = b.packField(f, i == fFile)
	}
	b.entries.add(out)
	b.lastKey = text.Span{}
	if keyRef != noRef {
		b.lastKey = keySpan
	}
}

// packField stores a field compactly (see field); unique says its value
// is seldom another's (a file), not worth looking up.
func (b *builder) packField(f Field, unique bool) field {
	str := b.str
	if unique {
		str = b.strAdd
	}
	if f == (Field{}) {
		return field{}
	}
	var tag uint32
	var v uint32
	end := f.Span.Start
	switch {
	case !f.Present:
		tag, end = tagNull, f.Span.Start+len("null")
	case f.String:
		tag, v, end = tagString, str(f.Value), f.Span.Start+len(f.Value)+2
	default:
		tag, v, end = tagOther, str(f.Value), f.Span.Start+len(f.Value)
	}
	out := field{start: uint32(f.Span.Start), w: v<<3 | tag<<1}
	if end != f.Span.End {
		out.w |= 1
		b.fodd = append(b.fodd, oddEnd{uint32(f.Span.Start), uint32(f.Span.End)})
	}
	return out
}

// member handles the value of a member named key outside the entries'
// own fields. When the value is a list of task IDs read as one, it returns
// the number and kind of the list it recorded, and ok.
func (b *builder) member(key string, keySpan text.Span, c ctx) (n uint32, kind model.RefKind, ok bool) {
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
				ns := inner(nodeSpan)
				b.addRef(node, ns, model.KindGraphKey, ns.End+1)
				nc.node = node
			}
			if k, _ := b.d.Peek(); k == jsonpos.Array && model.IsTaskID(node) {
				// an adjacency list: the node's dependencies
				b.list(node, model.KindGraphDependsOn, nc)
				return
			}
			b.walk(nc)
		})
		return 0, 0, false
	case strings.HasPrefix(lk, "critical_path"):
		b.criticalPath(key)
		return 0, 0, false
	case k != jsonpos.Array:
	case lk == "depends_on" || lk == "dependencies":
		kind = pick(c.graph, model.KindGraphDependsOn, model.KindManifestDependsOn)
		return b.list(key, kind, c), kind, true
	case lk == "blocks":
		kind = pick(c.graph, model.KindGraphBlocks, model.KindManifestBlocks)
		return b.list(key, kind, c), kind, true
	case lk == "blocked_by":
		return b.list(key, model.KindManifestBlockedBy, c), model.KindManifestBlockedBy, true
	case isTaskList(lk) || strings.Contains(lk, "deferred"):
		kind = phaseKind(c)
		return b.list(key, kind, c), kind, true
	}
	b.walk(c)
	return 0, 0, false
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

// list records the array under key as a list of task IDs of kind, and
// returns its number. Items that are arrays are lists of the same kind;
// objects are walked.
func (b *builder) list(key string, kind model.RefKind, c ctx) uint32 {
	owner := ""
	if c.graph {
		owner = c.node
	}
	n := b.newList(key, kind, owner)
	anyString := kind != model.KindPhase && kind != model.KindDeferred
	base, firstRef := len(b.items), b.refs.n
	span, _ := b.d.Array(func(int) {
		switch k, _ := b.d.Peek(); k {
		case jsonpos.String:
			b.item(kind, anyString)
		case jsonpos.Array:
			b.list(key, kind, c)
		case jsonpos.Object:
			b.walk(c)
		}
	})
	b.endList(n, span, base, firstRef)
	return n
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
	b.items = append(b.items, b.addRef(id, span, kind, v.Span.End))
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
