// Package manifest reads a `.tasks/manifest.json`: its task entries and
// every list of task IDs in it (dependencies, blocks, the dependency graph,
// critical paths, phase and deferred lists), each with its exact span.
package manifest

import (
	"strings"

	"github.com/taskls/taskls/analysis/jsonpos"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// Field is one scalar member of an entry.
type Field struct {
	Value   string    // decoded string, or the literal text of a number/bool
	Span    text.Span // the value token, quotes included
	Present bool
}

// Entry is one task of the manifest's `tasks`.
type Entry struct {
	ID        string
	IDSpan    text.Span // inside the quotes of the id
	Span      text.Span // the whole entry object
	Title     Field
	Status    Field
	Priority  Field
	File      Field
	FileInner text.Span // inside the quotes of the file value
	DependsOn *model.List
	Blocks    *model.List
	BlockedBy *model.List
}

// Manifest is what taskls needs of a manifest.json.
type Manifest struct {
	Entries []*Entry
	Refs    []model.Ref   // every task-ID occurrence, in source order
	Lists   []*model.List // every list of task IDs, in source order
	Stats   *jsonpos.Value
	Err     *jsonpos.SyntaxError
}

// Deferred returns the IDs named in deferred lists.
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
// gives a Manifest with Err set and nothing else.
func Parse(data []byte) *Manifest {
	v, err := jsonpos.Parse(data)
	if err != nil {
		se, _ := err.(*jsonpos.SyntaxError)
		if se == nil {
			se = &jsonpos.SyntaxError{Msg: err.Error()}
		}
		return &Manifest{Err: se}
	}
	m := &Manifest{}
	if v.Kind != jsonpos.Object {
		return m
	}
	for _, mem := range v.Members {
		switch {
		case mem.Key == "tasks" && (mem.Value.Kind == jsonpos.Array || mem.Value.Kind == jsonpos.Object):
			m.entries(mem.Value)
		case mem.Key == "stats":
			m.Stats = mem.Value
			m.walk(mem.Value, mem.Key, false, 0)
		default:
			m.member(mem, false, false, 0)
		}
	}
	return m
}

// entries reads the `tasks` array (or an object map ID -> entry).
func (m *Manifest) entries(v *jsonpos.Value) {
	if v.Kind == jsonpos.Array {
		for _, e := range v.Elems {
			if e.Kind == jsonpos.Object {
				m.entry(e, nil)
			} else if e.Kind == jsonpos.String && model.IsTaskID(e.Str) {
				m.Refs = append(m.Refs, model.Ref{ID: e.Str, Span: e.Inner(), Kind: model.KindPhase})
			}
		}
		return
	}
	for i := range v.Members {
		mem := &v.Members[i]
		if mem.Value.Kind == jsonpos.Object {
			m.entry(mem.Value, mem)
		}
	}
}

// entry reads one task entry; key is its member when tasks is an object map.
func (m *Manifest) entry(v *jsonpos.Value, key *jsonpos.Member) {
	e := &Entry{Span: v.Span}
	if id := v.Get("id"); id != nil && id.Kind == jsonpos.String && id.Str != "" {
		e.ID, e.IDSpan = strings.TrimSpace(id.Str), id.Inner()
	} else if id := v.Get("task_id"); id != nil && id.Kind == jsonpos.String && id.Str != "" {
		e.ID, e.IDSpan = strings.TrimSpace(id.Str), id.Inner()
	} else if key != nil {
		e.ID = key.Key
		e.IDSpan = text.Span{Start: key.KeySpan.Start + 1, End: key.KeySpan.End - 1}
		m.Refs = append(m.Refs, model.Ref{ID: e.ID, Span: e.IDSpan, Kind: model.KindEntryID})
	}
	for _, mem := range v.Members {
		val := mem.Value
		switch mem.Key {
		case "id", "task_id":
			if val.Kind == jsonpos.String && e.ID != "" && val.Inner() == e.IDSpan {
				m.Refs = append(m.Refs, model.Ref{ID: e.ID, Span: e.IDSpan, Kind: model.KindEntryID})
			}
		case "title", "name":
			if !e.Title.Present {
				e.Title = field(val)
			}
		case "status":
			e.Status = field(val)
		case "priority":
			e.Priority = field(val)
		case "file", "path":
			if !e.File.Present {
				e.File = field(val)
				e.FileInner = val.Inner()
			}
		case "depends_on", "dependencies":
			if l := m.list(mem, model.KindManifestDependsOn); l != nil && e.DependsOn == nil {
				e.DependsOn = l
			}
		case "blocks":
			if l := m.list(mem, model.KindManifestBlocks); l != nil {
				e.Blocks = l
			}
		case "blocked_by":
			if l := m.list(mem, model.KindManifestBlockedBy); l != nil {
				e.BlockedBy = l
			}
		}
	}
	if e.ID != "" {
		m.Entries = append(m.Entries, e)
	}
}

func field(v *jsonpos.Value) Field {
	if v.Kind == jsonpos.Object || v.Kind == jsonpos.Array {
		return Field{Span: v.Span, Present: true}
	}
	if v.Kind == jsonpos.Null {
		return Field{Span: v.Span}
	}
	return Field{Value: v.Str, Span: v.Span, Present: true}
}

// list records an array of task IDs under mem.
func (m *Manifest) list(mem jsonpos.Member, kind model.RefKind) *model.List {
	v := mem.Value
	if v.Kind != jsonpos.Array {
		return nil
	}
	l := &model.List{Key: mem.Key, Kind: kind, Span: v.Span, Style: '['}
	anyString := kind != model.KindPhase && kind != model.KindDeferred
	for _, e := range v.Elems {
		if e.Kind != jsonpos.String {
			continue
		}
		id := strings.TrimSpace(e.Str)
		if id == "" || (!anyString && !model.IsTaskID(id)) {
			continue
		}
		r := model.Ref{ID: id, Span: e.Inner(), Kind: kind}
		l.Items = append(l.Items, r)
		m.Refs = append(m.Refs, r)
	}
	m.Lists = append(m.Lists, l)
	return l
}

// member handles one member outside the task entries.
func (m *Manifest) member(mem jsonpos.Member, graph, deferred bool, depth int) {
	if depth > 64 {
		return
	}
	k := strings.ToLower(mem.Key)
	deferred = deferred || strings.Contains(k, "deferred")
	v := mem.Value
	switch {
	case k == "dependency_graph" && v.Kind == jsonpos.Object:
		for _, g := range v.Members {
			if model.IsTaskID(g.Key) {
				m.Refs = append(m.Refs, model.Ref{ID: g.Key, Span: text.Span{Start: g.KeySpan.Start + 1, End: g.KeySpan.End - 1}, Kind: model.KindGraphKey})
			}
			m.walk(g.Value, g.Key, true, depth+1)
		}
		return
	case v.Kind == jsonpos.Array && (k == "depends_on" || k == "dependencies"):
		m.list(mem, pick(graph, model.KindGraphDependsOn, model.KindManifestDependsOn))
		return
	case v.Kind == jsonpos.Array && k == "blocks":
		m.list(mem, pick(graph, model.KindGraphBlocks, model.KindManifestBlocks))
		return
	case v.Kind == jsonpos.Array && k == "blocked_by":
		m.list(mem, model.KindManifestBlockedBy)
		return
	case strings.HasPrefix(k, "critical_path"):
		if v.Kind == jsonpos.Array {
			m.list(mem, model.KindCriticalPath)
			return
		}
		if v.Kind == jsonpos.Object {
			for _, c := range v.Members {
				if c.Value.Kind == jsonpos.Array {
					m.list(c, model.KindCriticalPath)
				}
			}
			return
		}
	case v.Kind == jsonpos.Array && k == "tasks":
		m.list(mem, pick(deferred, model.KindDeferred, model.KindPhase))
		return
	}
	m.walkDeferred(v, graph, deferred, depth+1)
}

func pick(c bool, a, b model.RefKind) model.RefKind {
	if c {
		return a
	}
	return b
}

// walk descends into a value looking for ID lists.
func (m *Manifest) walk(v *jsonpos.Value, key string, graph bool, depth int) {
	m.walkDeferred(v, graph, strings.Contains(strings.ToLower(key), "deferred"), depth)
}

func (m *Manifest) walkDeferred(v *jsonpos.Value, graph, deferred bool, depth int) {
	if v == nil || depth > 64 {
		return
	}
	switch v.Kind {
	case jsonpos.Object:
		for _, mem := range v.Members {
			m.member(mem, graph, deferred, depth+1)
		}
	case jsonpos.Array:
		for _, e := range v.Elems {
			m.walkDeferred(e, graph, deferred, depth+1)
		}
	}
}
