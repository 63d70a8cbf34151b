package taskfile

import (
	"iter"
	"math"
	"slices"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// Task is everything a task file says. The index keeps one for every task
// file (a light one: see Light), so it is a compact record of 160 bytes:
// its strings in one, its spans in 32-bit offsets (cut to 4 GiB as a
// Section's are), its normalised status and priority as small numbers;
// its lists, mentions and (light) sections and document refs as numbers
// in one slice without pointers (see words); what only a full parse holds
// (fields, criteria, scenarios, risks) and what few files have (problems,
// IDs of more than 11 digits) behind one pointer, nil in most light tasks.
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
	nameIsID bool  // NameID is the ID (str holds it once)
	wide     uint8 // wideHeadings, wideSections, wideMentions: their entries hold their ends; longStrings, oddEstimate

	bodyStart uint32

	// str holds the ID, the name's ID, the title, the status and the
	// priority, one after another (ends says where each ends, unless they
	// are longer than 64 KiB in all: see longStrings), then the IDs of the
	// lists' items.
	str  string
	ends [5]uint16
	size uint32 // the file's length, where the extents of the last sections end

	idSpan, titleSpan, statusSpan, prioritySpan, metaSpan span32

	// A light task keeps counts in place of its criteria, scenarios and
	// risks (each is a line of 4 bytes or more: no file under 8 GiB has
	// 2^31 of them).
	nCrit              [3]int32 // criteria by CheckState
	nScenarios, nRisks int32

	// n counts the entries of words but the mentions (by nSections, ...).
	n [4]uint32

	// estimate is the task's size estimate (see Estimate), 0 for none,
	// unless a float32 does not hold it (see oddEstimate).
	estimate float32

	// words holds, in this order, the sections of a light task, the lists,
	// their items, the document refs of a light task, and the mentions;
	// each entry in a few numbers (the strides below). Offsets past 4 GiB,
	// which no file taskls reads reaches, are cut there (off32).
	words []uint32

	more *more
}

// The entries of Task.words, and the numbers each takes:
//
//	section:  title number (internID) | level2, start [, end] [, extent end]
//	list:     start, end, key number (internID), number of items, kind | style<<8
//	item:     start, end, end of its ID in str
//	doc ref:  key number, value number, start, end
//	mention:  code (see packID) low half, high half, start [, end]
//
// A section's heading is its level's #s, a blank and its title; its extent
// ends at the next section of its level or a higher one, or at the end of
// the file; a mention ends after its ID. Where that does not hold for one
// (a heading with more blanks or closing #s, a YAML document's keys),
// every entry of the kind keeps that end (Task.wide).
const (
	nSections = iota // index in Task.n
	nLists
	nItems
	nDocRefs

	sectionWords = 2 // and one for each of wideHeadings and wideSections
	listWords    = 5
	itemWords    = 3
	docRefWords  = 4
	mentionWords = 3

	wideSections = 1 << 0 // Task.wide: sections keep their extents' ends
	wideMentions = 1 << 1 // mentions keep their ends
	wideHeadings = 1 << 2 // sections keep their headings' ends
	longStrings  = 1 << 3 // Task.wide: more holds the ends of the strings
	oddEstimate  = 1 << 4 // Task.wide: more holds the estimate

	level2 = 1 << 31 // in a section's title number: a section of level 2, not 1
)

// more is what a Task keeps behind a pointer: what only a full parse has,
// and what few files have.
type more struct {
	ends      [5]uint32 // see longStrings
	estimate  float64   // see oddEstimate
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
		priority: uint8(t.PriorityNorm), size: off32(t.size),
		idSpan: newSpan32(t.IDSpan), titleSpan: newSpan32(t.TitleSpan), statusSpan: newSpan32(t.StatusSpan),
		prioritySpan: newSpan32(t.PrioritySpan), metaSpan: newSpan32(t.MetaSpan), bodyStart: off32(t.BodyStart),
		nCrit: t.nCrit, nRisks: t.nRisks,
		estimate: float32(t.estimate),
	}
	var m more
	if float64(k.estimate) != t.estimate {
		k.wide |= oddEstimate
		k.estimate, m.estimate = 0, t.estimate
	}
	if t.StatusNorm != "" {
		k.status = uint8(1 + slices.Index(model.AllStatuses, t.StatusNorm))
	}
	nameID := t.NameID
	if nameID == t.ID {
		k.nameIsID, nameID = true, ""
	}
	parts := [...]string{t.ID, nameID, t.Title, t.Status, t.Priority}
	size, items := 0, 0
	for _, p := range parts {
		size += len(p)
	}
	for _, l := range t.lists {
		items += len(l.Items)
		for _, it := range l.Items {
			size += len(it.ID)
		}
	}
	str := make([]byte, 0, size)
	for i, p := range parts {
		str = append(str, p...)
		m.ends[i] = uint32(len(str))
		k.ends[i] = uint16(len(str))
	}
	if len(str) > math.MaxUint16 {
		k.wide |= longStrings
	}
	if !mentionsNarrow(t.mentions) {
		k.wide |= wideMentions
	}
	var w []uint32
	if n := listWords*len(t.lists) + itemWords*items + k.mentionWords()*len(t.mentions); n > 0 {
		w = make([]uint32, 0, n)
	}
	w, str = packLists(w, str, t.lists)
	k.n[nLists], k.n[nItems] = uint32(len(t.lists)), uint32(items)
	w, odd := packMentions(w, t.mentions, k.wide&wideMentions != 0)
	k.words, k.str = w, string(str)
	if k.wide&(longStrings|oddEstimate) != 0 || t.Sections != nil || t.DocRefs != nil || odd != nil || t.Fields != nil || t.Criteria != nil || t.Scenarios != nil || t.Risks != nil || t.Problems != nil {
		m.sections, m.docRefs, m.odd, m.fields, m.criteria, m.scenarios, m.risks, m.problems = t.Sections, t.DocRefs, odd, t.Fields, t.Criteria, t.Scenarios, t.Risks, t.Problems
		k.more = &m
	}
	return k
}

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
	// the words: sections and document refs packed, the lists, items and
	// mentions as they are (a full task has no sections or refs there)
	secs, nsecs, wide := packSections(t.sections(), t.size)
	l.wide |= wide
	refs := t.docRefs()
	w := make([]uint32, 0, len(secs)+len(t.words)+docRefWords*len(refs))
	w = append(w, secs...)
	mentions := t.region(4)
	w = append(w, t.words[:len(t.words)-len(mentions)]...)
	for _, r := range refs {
		w = append(w, internID(r.key), internID(r.value), r.start, r.end)
	}
	w = append(w, mentions...)
	if len(w) == 0 {
		w = nil
	}
	l.words = w
	l.n[nSections], l.n[nDocRefs] = uint32(nsecs), uint32(len(refs))
	// what few light tasks have
	var m more
	if nsecs == 0 {
		// (none, or they do not pack)
		m.sections = keep(t.sections(), func(sec *Section) bool { return sec.level <= 2 })
	}
	m.scenarios = keep(t.Scenarios(), func(sc *Scenario) bool {
		n := btoi(sc.Given) + btoi(sc.When) + btoi(sc.Then)
		return n > 0 && n < 3
	})
	m.problems = t.Problems()
	if t.more != nil {
		m.odd, m.ends, m.estimate = t.more.odd, t.more.ends, t.more.estimate
	}
	l.more = nil
	if l.wide&(longStrings|oddEstimate) != 0 || m.sections != nil || m.scenarios != nil || m.problems != nil || m.odd != nil {
		l.more = &m
	}
	return &l
}

// region is the words of entry kind k (nSections ... nDocRefs, or 4 for
// the mentions).
func (t *Task) region(k int) []uint32 {
	from := 0
	for i := range k {
		from += int(t.n[i]) * t.stride(i)
	}
	if k == 4 {
		return t.words[from:]
	}
	return t.words[from : from+int(t.n[k])*t.stride(k)]
}

// stride is the number of words an entry of kind k takes.
func (t *Task) stride(k int) int {
	switch k {
	case nSections:
		return sectionWords + int(t.wide&wideSections) + int(t.wide&wideHeadings>>2)
	case nLists:
		return listWords
	case nItems:
		return itemWords
	case nDocRefs:
		return docRefWords
	}
	return t.mentionWords()
}

func (t *Task) mentionWords() int {
	if t.wide&wideMentions != 0 {
		return mentionWords + 1
	}
	return mentionWords
}

// packSections packs the sections of level 1 and 2 of a full task for a
// light one, and says how many and which ends their entries keep (the
// wide bits); none when there are none, or when one does not pack: an
// extent that does not start at the heading's line (a YAML key not at the
// start of its line), rare enough to keep as Sections are.
func packSections(secs []Section, size uint32) (w []uint32, n int, wide uint8) {
	for _, s := range secs {
		if s.level <= 2 {
			if s.indent != 0 || s.level < 1 {
				return nil, 0, 0
			}
			n++
		}
	}
	if n == 0 {
		return nil, 0, 0
	}
	for i, s := range secs {
		if s.level > 2 {
			continue
		}
		if s.end != headingEnd(s.start, s.level, s.Title()) {
			wide |= wideHeadings
		}
		end := size
		for _, next := range secs[i+1:] {
			if next.level <= s.level { // (never one of level 3 or more)
				end = next.start
				break
			}
		}
		if s.extentEnd != end {
			wide |= wideSections
		}
	}
	w = make([]uint32, 0, (sectionWords+int(wide&wideSections)+int(wide&wideHeadings>>2))*n)
	for _, s := range secs {
		if s.level > 2 {
			continue
		}
		title := internID(s.title)
		if s.level == 2 {
			title |= level2
		}
		w = append(w, title, s.start)
		if wide&wideHeadings != 0 {
			w = append(w, s.end)
		}
		if wide&wideSections != 0 {
			w = append(w, s.extentEnd)
		}
	}
	return w, n, wide
}

// headingEnd is where a heading of level and title that starts at start
// ends when it is written with one blank after its #s and nothing after its
// title (a longer one is cut to 4 GiB).
func headingEnd(start uint32, level uint8, title string) uint32 {
	return uint32(min(uint64(start)+uint64(level)+1+uint64(len(title)), math.MaxUint32))
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
	n := int(t.n[nSections])
	if n == 0 {
		return t.sections()[i]
	}
	if i < 0 || i >= n {
		panic("taskfile: section index out of range")
	}
	stride := t.stride(nSections)
	w := t.words[i*stride : (i+1)*stride]
	s := Section{title: internedHandle(w[0] &^ level2), start: w[1], level: 1}
	if w[0]&level2 != 0 {
		s.level = 2
	}
	w = w[2:]
	if t.wide&wideHeadings != 0 {
		s.end, w = w[0], w[1:]
	} else {
		s.end = headingEnd(s.start, s.level, s.Title())
	}
	if t.wide&wideSections != 0 {
		s.extentEnd = w[0]
	} else {
		// to the next section of its level or a higher one (see packSections)
		s.extentEnd = t.size
		for j := i + 1; j < n; j++ {
			if t.words[j*stride]&level2 == 0 || s.level == 2 {
				s.extentEnd = t.words[j*stride+1]
				break
			}
		}
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
	w := t.region(nDocRefs)[i*docRefWords : (i+1)*docRefWords]
	return DocRef{key: internedHandle(w[0]), value: internedHandle(w[1]), start: w[2], end: w[3]}
}

// DocRefs yields the entries of the fields that list documents the task
// refers to (RefKeys), with their index, in order. A light task keeps
// them as numbers, key and value numbered as section titles are.
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
	l := MentionList{m: t.region(4), wide: t.wide&wideMentions != 0}
	if t.more != nil {
		l.odd = t.more.odd
	}
	return l
}

// strAt is string i of str (see Task.str).
func (t *Task) strAt(i int) string {
	start := 0
	if i > 0 {
		start = t.end(i - 1)
	}
	return t.str[start:t.end(i)]
}

// end is where string i of str ends.
func (t *Task) end(i int) int {
	if t.wide&longStrings != 0 {
		return int(t.more.ends[i])
	}
	return int(t.ends[i])
}
