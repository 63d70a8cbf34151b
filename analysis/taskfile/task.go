// Package taskfile parses one task file in any of the styles real workspaces
// use: Markdown with YAML front matter (whatever the extension), a `## Metadata`
// section holding a fenced YAML block, headings as fields (`# T045: Title`,
// `## Status: Pending`), and pure YAML task documents. Everything found keeps
// its exact byte span.
package taskfile

import (
	"iter"
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
// extent. Every task file has about ten and the index keeps them for every
// file, so a section is stored in 24 bytes: its title interned (the same
// few titles head thousands of files) and its offsets in 32 bits. Offsets
// past 4 GiB are cut to 4 GiB (taskls reads files of at most 16 MiB);
// an extent that would start more than 64 KiB before its heading (a YAML
// key that far into its line) starts at the heading.
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

// Task is everything a task file says. The index keeps one for every task
// file (a light one: see Light), so it is a compact record (168 bytes):
// its strings in one, its spans in 32-bit offsets (cut to 4 GiB as a
// Section's are), its normalised status and priority as small numbers,
// its lists, mentions and (light) sections and document refs in one
// slice of words without pointers (see rec); what only a full parse
// holds (fields, criteria, scenarios, risks) and what few files have
// (problems, IDs of more than 11 digits) sit behind one pointer, nil in
// most light tasks.
type Task struct {
	Style Style

	IDFromName    bool // no id in the metadata: the ID came from the file name
	HasTitle      bool
	HasStatus     bool
	HasPriority   bool
	PriorityKnown bool // PriorityNorm holds the priority
	light         bool // a light copy (see Light)

	status   uint8 // StatusNorm: 1 + its index in model.AllStatuses, 0 for ""
	priority uint8 // PriorityNorm

	bodyStart uint32

	// str holds the ID, the name's ID, the title, the status and the
	// priority, one after another (ends says where each ends), then the
	// keys and item IDs of the lists.
	str  string
	ends [5]uint32

	idSpan, titleSpan, statusSpan, prioritySpan, metaSpan span32

	// A light task keeps counts in place of its criteria, scenarios and
	// risks (each is a line of 4 bytes or more: no file under 8 GiB has
	// 2^31 of them).
	nCrit              [3]int32 // criteria by CheckState
	nScenarios, nRisks int32

	// words holds, in this order, the sections of a light task, the lists
	// (two words each), their items, the document refs of a light task and
	// the mentions; n counts the first four.
	words []rec
	n     [4]uint32

	// estimate is the task's size estimate (see Estimate), 0 for none.
	estimate float64

	more *more
}

// rec is a word of Task.words: four numbers, which each kind of entry
// uses in its own way.
type rec struct{ a, b, c, d uint32 }

// what Task.n counts
const (
	nSections = iota
	nLists
	nItems
	nDocRefs
)

// more is what a Task keeps behind a pointer: what only a full parse has,
// and what few files have.
type more struct {
	sections  []Section // of a full task, or of a light one whose sections do not pack
	docRefs   []DocRef  // of a full task
	odd       []string  // mentions whose IDs do not pack (see MentionList)
	fields    []Field
	criteria  []Criterion
	scenarios []Scenario // of a light task, those that lack some steps
	risks     []Item
	problems  []Problem
}

// span32 is a span in 32-bit offsets.
type span32 struct{ start, end uint32 }

func newSpan32(sp text.Span) span32 { return span32{off32(sp.Start), off32(sp.End)} }

func (s span32) span() text.Span { return text.Span{Start: int(s.start), End: int(s.end)} }

// task packs the draft into a Task.
func (t *draft) task() *Task {
	k := &Task{
		Style: t.Style, IDFromName: t.IDFromName, HasTitle: t.HasTitle, HasStatus: t.HasStatus,
		HasPriority: t.HasPriority, PriorityKnown: t.PriorityKnown,
		priority: uint8(t.PriorityNorm),
		idSpan:   newSpan32(t.IDSpan), titleSpan: newSpan32(t.TitleSpan), statusSpan: newSpan32(t.StatusSpan),
		prioritySpan: newSpan32(t.PrioritySpan), metaSpan: newSpan32(t.MetaSpan), bodyStart: off32(t.BodyStart),
		nCrit: t.nCrit, nRisks: t.nRisks,
		estimate: t.estimate,
	}
	if t.StatusNorm != "" {
		k.status = uint8(1 + slices.Index(model.AllStatuses, t.StatusNorm))
	}
	parts := [...]string{t.ID, t.NameID, t.Title, t.Status, t.Priority}
	size, items := 0, 0
	for _, p := range parts {
		size += len(p)
	}
	for _, l := range t.lists {
		size += len(l.Key)
		items += len(l.Items)
		for _, it := range l.Items {
			size += len(it.ID)
		}
	}
	str := make([]byte, 0, size)
	for i, p := range parts {
		str = append(str, p...)
		k.ends[i] = uint32(len(str))
	}
	var w []rec
	if n := 2*len(t.lists) + items + len(t.mentions); n > 0 {
		w = make([]rec, 0, n)
	}
	w, str = packLists(w, str, t.lists)
	k.n[nLists], k.n[nItems] = uint32(len(t.lists)), uint32(items)
	w, odd := packMentions(w, t.mentions)
	k.words, k.str = w, string(str)
	if t.Sections != nil || t.DocRefs != nil || odd != nil || t.Fields != nil || t.Criteria != nil || t.Scenarios != nil || t.Risks != nil || t.Problems != nil {
		k.more = &more{sections: t.Sections, docRefs: t.DocRefs, odd: odd, fields: t.Fields, criteria: t.Criteria, scenarios: t.Scenarios, risks: t.Risks, problems: t.Problems}
	}
	return k
}

// strAt is string i of str (see Task.str).
func (t *Task) strAt(i int) string {
	start := uint32(0)
	if i > 0 {
		start = t.ends[i-1]
	}
	return t.str[start:t.ends[i]]
}

// ID is the task's ID: its metadata's id, or the file name's ID
// (IDFromName); "" for none.
func (t *Task) ID() string { return t.strAt(0) }

// IDSpan is the ID text (inside quotes); the empty span when IDFromName.
func (t *Task) IDSpan() text.Span { return t.idSpan.span() }

// NameID is the ID prefix of the file name, if any ("T055" for T055-x.md).
func (t *Task) NameID() string { return t.strAt(1) }

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
// value when it is a scalar that is neither empty nor null. The index
// keeps them for every task file, so one is stored in 24 bytes: its key
// and value interned (task files refer to the same few documents under
// the same few keys) and its span in 32-bit offsets, cut to 4 GiB as a
// Section's are.
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
func (t *Task) Estimate() float64 { return t.estimate }

// Light returns a copy of t that keeps what the workspace-wide checks and
// features read of every task file and drops what only the file's own
// features need: it keeps the ID, title, status, priority, ID lists,
// mentions, problems and spans; the document refs and the estimate, but
// no fields; the sections of level 1 and 2; the scenarios that lack some
// (not all) of Given, When and Then; and counts of criteria (by state),
// scenarios and risks. The index keeps task files read from disk light; Full, on a
// workspace.Doc, parses a file again for the rest.
func (t *Task) Light() *Task {
	if t == nil || t.light {
		return t
	}
	l := *t
	l.light = true
	// (a light scan counted criteria and risks as it went: see ParseLight)
	for _, c := range t.Criteria() {
		l.nCrit[c.State]++
	}
	l.nScenarios, l.nRisks = int32(len(t.Scenarios())), t.nRisks+int32(len(t.Risks()))
	// the words: sections and document refs packed, then the lists and
	// mentions as they are (a full task has no sections or refs in words)
	secs := packSections(t.sections())
	refs := t.docRefs()
	w := make([]rec, 0, len(secs)+len(t.words)+len(refs))
	w = append(w, secs...)
	lists, items := t.listWords()
	w = append(w, lists...)
	w = append(w, items...)
	for _, r := range refs {
		w = append(w, rec{internID(r.key), internID(r.value), r.start, r.end})
	}
	w = append(w, t.words[len(lists)+len(items):]...)
	if len(w) == 0 {
		w = nil
	}
	l.words = w
	l.n[nSections], l.n[nDocRefs] = uint32(len(secs)), uint32(len(refs))
	// what few light tasks have
	var m more
	if secs == nil {
		// (none, or they do not pack)
		m.sections = keep(t.sections(), func(sec *Section) bool { return sec.level <= 2 })
	}
	m.scenarios = keep(t.Scenarios(), func(sc *Scenario) bool {
		n := btoi(sc.Given) + btoi(sc.When) + btoi(sc.Then)
		return n > 0 && n < 3
	})
	m.problems = t.Problems()
	if t.more != nil {
		m.odd = t.more.odd
	}
	l.more = nil
	if m.sections != nil || m.scenarios != nil || m.problems != nil || m.odd != nil {
		l.more = &m
	}
	return &l
}

// A section of a light task (of level 1 or 2) takes a word: its title
// numbered (internID) with its level in the top bit, its span, and the end
// of its extent.
const level2 = 1 << 31 // a section of level 2, not 1

// packSections packs the sections of level 1 and 2 for a light task; nil
// when there are none, or when one does not pack: an extent that does not
// start at the heading's line (a YAML key not at the start of its line),
// rare enough to keep as Sections are.
func packSections(secs []Section) []rec {
	n := 0
	for _, s := range secs {
		if s.level <= 2 {
			if s.indent != 0 || s.level < 1 {
				return nil
			}
			n++
		}
	}
	if n == 0 {
		return nil
	}
	out := make([]rec, 0, n)
	for _, s := range secs {
		if s.level <= 2 {
			w := rec{internID(s.title), s.start, s.end, s.extentEnd}
			if s.level == 2 {
				w.a |= level2
			}
			out = append(out, w)
		}
	}
	return out
}

// sections is the sections a full task (or a light one whose sections do
// not pack) keeps.
func (t *Task) sections() []Section {
	if t.more == nil {
		return nil
	}
	return t.more.sections
}

// NumSections is the number of sections (of a light task, those of level 1
// and 2).
func (t *Task) NumSections() int {
	if n := t.n[nSections]; n > 0 {
		return int(n)
	}
	return len(t.sections())
}

// Section is section i, in the order of the file.
func (t *Task) Section(i int) Section {
	if t.n[nSections] == 0 {
		return t.sections()[i]
	}
	w := t.words[:t.n[nSections]][i]
	s := Section{title: internedHandle(w.a &^ level2), start: w.b, end: w.c, extentEnd: w.d, level: 1}
	if w.a&level2 != 0 {
		s.level = 2
	}
	return s
}

// Sections yields the sections (headings, or the keys of a YAML task
// document) with their index, in the order of the file; a light task
// keeps those of level 1 and 2.
func (t *Task) Sections() iter.Seq2[int, Section] {
	return func(yield func(int, Section) bool) {
		for i := range t.NumSections() {
			if !yield(i, t.Section(i)) {
				return
			}
		}
	}
}

// docRefs is the document refs a full task keeps.
func (t *Task) docRefs() []DocRef {
	if t.more == nil {
		return nil
	}
	return t.more.docRefs
}

// NumDocRefs is the number of document refs (see DocRefs).
func (t *Task) NumDocRefs() int {
	if n := t.n[nDocRefs]; n > 0 {
		return int(n)
	}
	return len(t.docRefs())
}

// DocRef is document ref i (see DocRefs).
func (t *Task) DocRef(i int) DocRef {
	if t.n[nDocRefs] == 0 {
		return t.docRefs()[i]
	}
	from := t.n[nSections] + 2*t.n[nLists] + t.n[nItems]
	w := t.words[from : from+t.n[nDocRefs]][i]
	return DocRef{key: internedHandle(w.a), value: internedHandle(w.b), start: w.c, end: w.d}
}

// DocRefs yields the entries of the fields that list documents the task
// refers to (RefKeys), with their index, in order. A light task keeps
// them in a word each, key and value numbered as section titles are.
func (t *Task) DocRefs() iter.Seq2[int, DocRef] {
	return func(yield func(int, DocRef) bool) {
		for i := range t.NumDocRefs() {
			if !yield(i, t.DocRef(i)) {
				return
			}
		}
	}
}

// Mentions are the ID-shaped words of the body (the workspace decides
// which are task IDs).
func (t *Task) Mentions() MentionList {
	l := MentionList{m: t.words[t.n[nSections]+2*t.n[nLists]+t.n[nItems]+t.n[nDocRefs]:]}
	if t.more != nil {
		l.odd = t.more.odd
	}
	return l
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
	var out []model.Ref
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
