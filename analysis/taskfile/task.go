// Package taskfile parses one task file in any of the styles real workspaces
// use: Markdown with YAML front matter (whatever the extension), a `## Metadata`
// section holding a fenced YAML block, headings as fields (`# T045: Title`,
// `## Status: Pending`), and pure YAML task documents. Everything found keeps
// its exact byte span.
package taskfile

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"unique"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// Style is how a file writes its metadata.
type Style uint8

const (
	StyleNone          Style = iota // no metadata found
	StyleFrontMatter                // --- YAML --- then Markdown
	StyleMetadataBlock              // ## Metadata + ```yaml fence
	StyleHeadings                   // # T045: Title, ## Status: ..., ## Depends On: ...
	StylePureYAML                   // the whole file is a YAML mapping
)

func (s Style) String() string {
	return [...]string{"none", "front matter", "metadata block", "heading fields", "YAML document"}[s]
}

// Field is one metadata key with its value. For a sequence, Items holds the
// scalar elements and ValueSpan the whole sequence.
type Field struct {
	Key       string
	KeySpan   text.Span
	Value     string    // the scalar's value ("" for sequences, mappings and null)
	ValueSpan text.Span // the value as written; for a quoted scalar, inside the quotes
	Items     []Field   // scalar items of a sequence (Key empty)
	Quoted    bool
	Seq       bool // the value is a sequence (Items holds its scalars)
	Null      bool // no value, or an explicit null

	fromHeading bool // written as a heading field (`## Status: Pending`)
}

// CheckState is the state of one acceptance criterion.
type CheckState uint8

const (
	NoBox CheckState = iota // a plain numbered item: a criterion with no done/undone state
	Unchecked
	Checked
)

// Criterion is one acceptance criterion.
type Criterion struct {
	Text  string
	State CheckState
	Span  text.Span // the whole item line (or YAML item)
}

// Scenario is one test scenario with the Given/When/Then parts it has.
type Scenario struct {
	Name              string
	Span              text.Span // its heading or opening line
	Given, When, Then bool
}

// Item is a named block inside a section (a risk).
type Item struct {
	Name string
	Span text.Span
}

// Section is a Markdown heading (or a key of a YAML task document) and its
// extent, in 24 bytes: its title interned (the same few titles head
// thousands of files) and its offsets in 32 bits. (A light task, which the
// index keeps for every file, packs its sections further: see Task.words.)
// Offsets past 4 GiB are cut to 4 GiB (taskls reads files of at most 16
// MiB); an extent that would start more than 64 KiB before its heading (a
// YAML key that far into its line) starts at the heading.
type Section struct {
	title      unique.Handle[string]
	start, end uint32 // the heading
	extentEnd  uint32
	indent     uint16 // from the extent's start to the heading's
	level      uint8
}

// newSection makes a section; see Section for the limits of its offsets.
func newSection(level int, title unique.Handle[string], span, extent text.Span) Section {
	s := Section{title: title, start: off32(span.Start), end: off32(span.End), extentEnd: off32(extent.End), level: uint8(level)}
	if d := span.Start - extent.Start; d > 0 && d <= math.MaxUint16 {
		s.indent = uint16(d)
	}
	return s
}

func off32(n int) uint32 { return uint32(min(max(n, 0), math.MaxUint32)) }

// Title is the heading's text, trimmed.
func (s Section) Title() string { return handleValue(s.title) }

// handleValue is the string of an interned handle; "" for the zero handle (of
// a zero Section or DocRef).
func handleValue(h unique.Handle[string]) string {
	if h == (unique.Handle[string]{}) {
		return ""
	}
	return h.Value()
}

// Level is the heading's level: 1 for `#`, 2 for `##`, ...; 2 for the keys
// of a YAML task document.
func (s Section) Level() int { return int(s.level) }

// Span is the heading line (headings inside code fences are not
// sections), or the key of a YAML task document.
func (s Section) Span() text.Span { return text.Span{Start: int(s.start), End: int(s.end)} }

// Extent runs from the start of the heading's line to the next heading of
// the same or a higher level.
func (s Section) Extent() text.Span {
	return text.Span{Start: int(s.start) - int(s.indent), End: int(s.extentEnd)}
}

// Problem is a syntax problem found while parsing.
type Problem struct {
	Span    text.Span
	Message string
	Kind    string // "yaml-syntax" or "front-matter"
}

// draft is what a parse finds, as it finds it: Parse packs it into a Task.
type draft struct {
	Style Style

	IDFromName    bool
	HasTitle      bool
	HasStatus     bool
	HasPriority   bool
	PriorityKnown bool

	ID     string
	IDSpan text.Span
	NameID string

	Title     string
	TitleSpan text.Span

	Status       string
	StatusSpan   text.Span
	StatusNorm   string
	Priority     string
	PrioritySpan text.Span
	PriorityNorm int

	Fields   []Field
	DocRefs  []DocRef
	estimate float64
	lists    []*model.List

	MetaSpan  text.Span
	BodyStart int
	size      int // the file's length

	Sections  []Section
	Criteria  []Criterion
	Scenarios []Scenario
	Risks     []Item
	mentions  []model.Ref

	Problems []Problem

	// a light scan counts criteria and risks in place of keeping them
	nCrit  [3]int32
	nRisks int32
}

// ID is the task's ID: its metadata's id, or the file name's ID
// (IDFromName); "" for none.
func (t *Task) ID() string { return t.strAt(0) }

// IDSpan is the ID text (inside quotes); the empty span when IDFromName.
func (t *Task) IDSpan() text.Span { return t.idSpan.span() }

// NameID is the ID prefix of the file name, if any ("T055" for T055-x.md).
func (t *Task) NameID() string {
	if t.nameIsID {
		return t.strAt(0)
	}
	return t.strAt(1)
}

// Title is the task's title, trimmed.
func (t *Task) Title() string { return t.strAt(2) }

// TitleSpan is where the title is written.
func (t *Task) TitleSpan() text.Span { return t.titleSpan.span() }

// Status is the status as written, trimmed.
func (t *Task) Status() string { return t.strAt(3) }

// StatusSpan is where the status is written.
func (t *Task) StatusSpan() text.Span { return t.statusSpan.span() }

// StatusNorm is the status normalised (model.Status*), "" when unknown.
func (t *Task) StatusNorm() string {
	if t.status == 0 {
		return ""
	}
	return model.AllStatuses[t.status-1]
}

// Priority is the priority as written, trimmed.
func (t *Task) Priority() string { return t.strAt(4) }

// PrioritySpan is where the priority is written.
func (t *Task) PrioritySpan() text.Span { return t.prioritySpan.span() }

// PriorityNorm is the priority, 0..4, when PriorityKnown.
func (t *Task) PriorityNorm() int { return int(t.priority) }

// MetaSpan is the extent of the metadata (front matter text, fenced YAML
// block content, or the whole file for pure YAML); for heading fields, the
// span from the title heading to the last field heading.
func (t *Task) MetaSpan() text.Span { return t.metaSpan.span() }

// BodyStart is where the Markdown body begins.
func (t *Task) BodyStart() int { return int(t.bodyStart) }

// Fields are every top-level metadata field, in order (none in a light
// task).
func (t *Task) Fields() []Field {
	if t.more == nil {
		return nil
	}
	return t.more.fields
}

// Criteria are the acceptance criteria (none in a light task: see
// CriteriaCounts).
func (t *Task) Criteria() []Criterion {
	if t.more == nil {
		return nil
	}
	return t.more.criteria
}

// Scenarios are the test scenarios; a light task keeps those that lack
// some (not all) of Given, When and Then.
func (t *Task) Scenarios() []Scenario {
	if t.more == nil {
		return nil
	}
	return t.more.scenarios
}

// Risks are the risks (none in a light task: see NumRisks).
func (t *Task) Risks() []Item {
	if t.more == nil {
		return nil
	}
	return t.more.risks
}

// Problems are the syntax problems found while parsing.
func (t *Task) Problems() []Problem {
	if t.more == nil {
		return nil
	}
	return t.more.problems
}

// scan is the state of one parse that is not part of its result.
type scan struct {
	// light is set while ParseLight parses: criteria and risks are
	// counted, not kept, nor are sections of level 3 and more.
	light bool
	// headMentions are the IDs of title headings when the metadata has
	// the id: scanMentions adds them to the mentions.
	headMentions []model.Ref
}

// RefKeys are the metadata fields that list paths of documents a task
// refers to (matched lower-cased); EstimateKeys those that hold its size
// estimate (matched as written), in order of preference.
var (
	RefKeys      = []string{"context_refs", "docs_refs", "refs"}
	EstimateKeys = []string{"est_tokens", "estimated_tokens", "estimated_hours", "est_hours"}
)

// DocRef is one entry of a field that lists documents the task refers to
// (RefKeys, matched lower-cased): an item of a sequence, or the field's
// value when it is a scalar that is neither empty nor null. One is 24
// bytes: its key and value interned (task files refer to the same few
// documents under the same few keys) and its span in 32-bit offsets, cut
// to 4 GiB as a Section's are. (A light task, which the index keeps for
// every file, packs them further: see Task.words.)
type DocRef struct {
	key, value unique.Handle[string]
	start, end uint32
}

// Key is the key of the entry's field, as written.
func (r DocRef) Key() string { return handleValue(r.key) }

// Value is the entry's value (without its quotes).
func (r DocRef) Value() string { return handleValue(r.value) }

// Span is the entry's value as written (inside its quotes).
func (r DocRef) Span() text.Span { return text.Span{Start: int(r.start), End: int(r.end)} }

// readDocRefs sets DocRefs from the fields, in a slice of its exact size.
func (t *draft) readDocRefs() {
	n := 0
	t.docEntries(func(string, string, text.Span) { n++ })
	if n == 0 {
		return
	}
	t.DocRefs = make([]DocRef, 0, n)
	t.docEntries(func(key, value string, sp text.Span) {
		t.DocRefs = append(t.DocRefs, DocRef{key: unique.Make(key), value: unique.Make(value), start: off32(sp.Start), end: off32(sp.End)})
	})
}

// docEntries calls add with each entry of the fields that list documents:
// their items, or the value of one that is a scalar neither empty nor null.
func (t *draft) docEntries(add func(key, value string, sp text.Span)) {
	for i := range t.Fields {
		fd := &t.Fields[i]
		if !slices.Contains(RefKeys, strings.ToLower(fd.Key)) {
			continue
		}
		if !fd.Seq && !fd.Null && fd.Value != "" {
			add(fd.Key, fd.Value, fd.ValueSpan)
			continue
		}
		for _, it := range fd.Items {
			add(fd.Key, it.Value, it.ValueSpan)
		}
	}
}

// readEstimate sets the estimate from the fields: see Estimate.
func (t *draft) readEstimate() {
	for _, k := range EstimateKeys {
		if f := t.Field(k); f != nil {
			if v, err := strconv.ParseFloat(strings.TrimSpace(f.Value), 64); err == nil && v > 0 {
				t.estimate = v
				return
			}
		}
	}
}

// Estimate is the task's size estimate: the value of the first field of
// EstimateKeys (the first of its key, matched as written) that holds a
// positive number; 0 when none does.
func (t *Task) Estimate() float64 {
	if t.wide&oddEstimate != 0 {
		return t.more.estimate
	}
	return float64(t.estimate)
}

// keep returns the elements of list that ok accepts, in a slice of their
// exact size (nil for none).
func keep[E any](list []E, ok func(*E) bool) []E {
	n := 0
	for i := range list {
		if ok(&list[i]) {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]E, 0, n)
	for i := range list {
		if ok(&list[i]) {
			out = append(out, list[i])
		}
	}
	return out
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// IsLight reports whether t is a light copy (see Light).
func (t *Task) IsLight() bool { return t.light }

// CriteriaCounts counts the acceptance criteria: checked, unchecked, and
// plain items with no box.
func (t *Task) CriteriaCounts() (checked, unchecked, plain int) {
	if t.light {
		return int(t.nCrit[Checked]), int(t.nCrit[Unchecked]), int(t.nCrit[NoBox])
	}
	for _, c := range t.Criteria() {
		switch c.State {
		case Checked:
			checked++
		case Unchecked:
			unchecked++
		default:
			plain++
		}
	}
	return checked, unchecked, plain
}

// NumCriteria is the number of acceptance criteria.
func (t *Task) NumCriteria() int {
	c, u, p := t.CriteriaCounts()
	return c + u + p
}

// NumScenarios is the number of test scenarios.
func (t *Task) NumScenarios() int {
	if t.light {
		return int(t.nScenarios)
	}
	return len(t.Scenarios())
}

// NumRisks is the number of risks.
func (t *Task) NumRisks() int {
	if t.light {
		return int(t.nRisks)
	}
	return len(t.Risks())
}

// Field returns the first top-level field with one of the given keys (of
// a light task, none: it keeps no fields).
func (t *Task) Field(keys ...string) *Field { return field(t.Fields(), keys) }

func (t *draft) Field(keys ...string) *Field { return field(t.Fields, keys) }

func field(fields []Field, keys []string) *Field {
	for i := range fields {
		for _, k := range keys {
			if fields[i].Key == k {
				return &fields[i]
			}
		}
	}
	return nil
}

// Deps returns the task's dependency refs (dependencies/depends_on lists).
func (t *Task) Deps() []model.Ref {
	n := 0
	for i := range t.NumLists() {
		if _, k := t.ListSpan(i); k == model.KindDependency {
			n += t.ListLen(i)
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]model.Ref, 0, n)
	for r := range t.ListRefs() {
		if r.Kind == model.KindDependency {
			out = append(out, r)
		}
	}
	return out
}

// Refs returns every ref the task file holds: list items, then body mentions.
func (t *Task) Refs() []model.Ref {
	var out []model.Ref
	for r := range t.ListRefs() {
		out = append(out, r)
	}
	for m := range t.Mentions().All() {
		out = append(out, m)
	}
	return out
}

// CriteriaDone counts checked criteria and criteria in all.
func (t *Task) CriteriaDone() (done, total int) {
	c, u, p := t.CriteriaCounts()
	return c, c + u + p
}

// The metadata keys finish reads: a task file without an id, title or status
// key (the first of each list that is written counts) is reported by the
// missing-field check. Keys are matched as written, case included.
var (
	IDKeys       = []string{"id", "task_id"}
	TitleKeys    = []string{"title", "name"}
	StatusKeys   = []string{"status", "state"}
	PriorityKeys = []string{"priority"}
)

// ListKeys maps the metadata keys that hold lists of task IDs, as normKey
// spells them (lower case, blanks and dashes as underscores), to the kind of
// their items.
var ListKeys = map[string]model.RefKind{
	"dependencies": model.KindDependency, "depends_on": model.KindDependency, "dependson": model.KindDependency,
	"depends": model.KindDependency, "deps": model.KindDependency, "prerequisites": model.KindDependency,
	"blocked_by": model.KindBlockedBy, "blockedby": model.KindBlockedBy,
	"blocks": model.KindBlocks,
}

// NoRefItems are the list items (their first word, lower-cased) that say
// "nothing" rather than name a task: `dependencies: [none]`.
var NoRefItems = []string{"", "none", "n/a", "-", "tbd", "null", "~"}

// listKind maps a metadata key to the kind of ID list it holds.
func listKind(key string) (model.RefKind, bool) {
	k, ok := ListKeys[normKey(key)]
	return k, ok
}
