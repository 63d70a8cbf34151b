package taskfile

import (
	"bytes"
	"slices"
	"sort"
	"strings"
	"unique"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
	"gopkg.in/yaml.v3"
)

// headingField reads a title heading (`# T045: Title`) or a field heading
// (`## Status: Pending`) and reports whether the line was metadata.
func (t *draft) headingField(sc *scan, f *text.File, l, lvl int, line []byte) bool {
	ls := f.LineStart(l)
	if lvl == 1 {
		if !hasDigit(line) {
			return false // titleHeadRe needs the ID's digits
		}
		m := titleHeadRe.FindSubmatchIndex(line)
		if m == nil {
			return false
		}
		if t.Field(IDKeys...) == nil {
			t.Fields = append(t.Fields, Field{Key: "id", KeySpan: text.Span{Start: ls, End: ls + 1},
				Value: string(line[m[2]:m[3]]), ValueSpan: text.Span{Start: ls + m[2], End: ls + m[3]}, fromHeading: true})
		} else {
			// the metadata says the id: the heading's ID is a mention of it
			sc.headMentions = append(sc.headMentions, model.Ref{ID: string(line[m[2]:m[3]]), Span: text.Span{Start: ls + m[2], End: ls + m[3]}, Kind: model.KindMention})
		}
		if m[5] > m[4] && t.Field(TitleKeys...) == nil {
			t.Fields = append(t.Fields, Field{Key: "title", KeySpan: text.Span{Start: ls, End: ls + 1},
				Value: string(line[m[4]:m[5]]), ValueSpan: text.Span{Start: ls + m[4], End: ls + m[5]}, fromHeading: true})
		}
		t.headingMeta(ls, f.LineEnd(l))
		return true
	}
	if bytes.IndexByte(line, ':') < 0 {
		return false // fieldHeadRe needs the colon (most section headings have none)
	}
	m := fieldHeadRe.FindSubmatchIndex(line)
	if m == nil {
		return false
	}
	key := normKey(string(line[m[2]:m[3]]))
	switch key {
	case "status", "priority", "id", "task_id", "title":
	default:
		if _, ok := listKind(key); !ok {
			return false
		}
	}
	if t.Field(key) != nil {
		return false
	}
	fd := Field{Key: key, KeySpan: text.Span{Start: ls + m[2], End: ls + m[3]},
		Value: string(line[m[4]:m[5]]), ValueSpan: text.Span{Start: ls + m[4], End: ls + m[5]}, fromHeading: true}
	if _, ok := listKind(key); ok {
		fd.Seq = true
		fd.Value = ""
		fd.Items = splitItems(f, ls+m[4], ls+m[5])
		// the list runs to the end of the line, so that completion after
		// "## Depends On: T024, " is inside it
		fd.ValueSpan = text.Span{Start: ls + m[4], End: f.LineEnd(l)}
		if fd.ValueSpan.Start > ls+m[3]+1 {
			fd.ValueSpan.Start = ls + m[3] + 1 // just after the colon
			for fd.ValueSpan.Start < fd.ValueSpan.End && (f.Bytes()[fd.ValueSpan.Start] == ':' || f.Bytes()[fd.ValueSpan.Start] == ' ') {
				fd.ValueSpan.Start++
			}
		}
	}
	t.Fields = append(t.Fields, fd)
	t.headingMeta(ls, f.LineEnd(l))
	return true
}

func hasDigit(b []byte) bool {
	for _, c := range b {
		if c >= '0' && c <= '9' {
			return true
		}
	}
	return false
}

// headingMeta grows the metadata span of a heading-field file.
func (t *draft) headingMeta(start, end int) {
	if t.Style == StyleNone {
		t.Style = StyleHeadings
		t.MetaSpan = text.Span{Start: start, End: end}
	}
	if t.Style == StyleHeadings {
		if start < t.MetaSpan.Start {
			t.MetaSpan.Start = start
		}
		if end > t.MetaSpan.End {
			t.MetaSpan.End = end
		}
	}
}

// finish derives the task's main facts from its fields; head are the IDs
// of title headings the body scan took as mentions (see scanMentions).
func (t *draft) finish(f *text.File, head []model.Ref) {
	if t.Style == StyleHeadings {
		// A title heading alone (a report, a summary) does not make a task.
		fields := 0
		for _, fd := range t.Fields {
			if fd.fromHeading && fd.Key != "id" && fd.Key != "title" {
				fields++
			}
		}
		if fields == 0 {
			t.Style = StyleNone
			t.Fields = nil
			t.MetaSpan = text.Span{}
			t.mentions = nil
			t.scanMentions(f, 0, nil, head)
		}
	}
	if fd := t.Field(IDKeys...); fd != nil && !fd.Seq && strings.TrimSpace(fd.Value) != "" {
		t.ID, t.IDSpan = strings.TrimSpace(fd.Value), trimmedSpan(f, fd)
	} else if t.NameID != "" && t.Style != StyleNone {
		t.ID, t.IDFromName = t.NameID, true
	}
	if fd := t.Field(TitleKeys...); fd != nil && !fd.Seq && !fd.Null {
		t.Title, t.TitleSpan, t.HasTitle = strings.TrimSpace(fd.Value), trimmedSpan(f, fd), true
	}
	if fd := t.Field(StatusKeys...); fd != nil && !fd.Seq && !fd.Null {
		t.Status, t.StatusSpan, t.HasStatus = strings.TrimSpace(fd.Value), trimmedSpan(f, fd), true
		t.StatusNorm, _ = model.NormStatus(t.Status)
	}
	if fd := t.Field(PriorityKeys...); fd != nil && !fd.Seq && !fd.Null {
		t.Priority, t.PrioritySpan, t.HasPriority = strings.TrimSpace(fd.Value), trimmedSpan(f, fd), true
		t.PriorityNorm, t.PriorityKnown = model.NormPriority(t.Priority)
	}
	var lists []*model.List
	for i := range t.Fields {
		fd := &t.Fields[i]
		kind, ok := listKind(fd.Key)
		if !ok {
			continue
		}
		l := &model.List{Key: fd.Key, Kind: kind, Span: fd.ValueSpan}
		items := fd.Items
		switch {
		case fd.fromHeading:
			l.Style = ','
		case fd.Seq && fd.ValueSpan.Start < len(f.Bytes()) && f.Bytes()[fd.ValueSpan.Start] == '[':
			l.Style = '['
		case fd.Seq:
			l.Style = '-'
		case fd.Null:
			l.Style = '-'
		default:
			// a scalar: "T001, T002" or "T001"
			l.Style = ','
			items = splitItems(f, fd.ValueSpan.Start, fd.ValueSpan.End)
		}
		for _, it := range items {
			if id, sp, ok := leadingID(f, it); ok {
				l.Items = append(l.Items, model.Ref{ID: id, Span: sp, Kind: kind})
			}
		}
		lists = append(lists, l)
	}
	t.lists = lists
	t.readDocRefs()
	t.readEstimate()
}

// trimmedSpan is the span of a field's value with the spaces around it left
// out, as strings.TrimSpace leaves them out of the value (`id: " T001 "`),
// when the span holds the value as it is; else the span as it is (a value
// written with escapes or over several lines).
func trimmedSpan(f *text.File, fd *Field) text.Span {
	sp := fd.ValueSpan
	if sp.Start < 0 || sp.End > len(f.Bytes()) || string(f.Bytes()[sp.Start:sp.End]) != fd.Value {
		return sp
	}
	v := strings.TrimSpace(fd.Value)
	i := strings.Index(fd.Value, v)
	return text.Span{Start: sp.Start + i, End: sp.Start + i + len(v)}
}

// leadingID takes the ID at the start of a list item such as
// "T024 (Kademlia DHT)" or "T051: add log_scalar".
func leadingID(f *text.File, it Field) (string, text.Span, bool) {
	v := it.Value
	s := strings.TrimLeft(v, " \t")
	off := len(v) - len(s)
	n := 0
	for n < len(s) && !strings.ContainsRune(" \t(,:;[]", rune(s[n])) {
		n++
	}
	tok := s[:n]
	if slices.Contains(NoRefItems, strings.ToLower(tok)) {
		return "", text.Span{}, false
	}
	start := it.ValueSpan.Start + off
	sp := text.Span{Start: start, End: start + n}
	if sp.End > it.ValueSpan.End || string(f.Bytes()[sp.Start:sp.End]) != tok {
		sp = it.ValueSpan // written with escapes: point at the whole item
	}
	return tok, sp, true
}

// readYAMLSections reads the sections of a pure YAML task document.
func (t *draft) readYAMLSections(f *text.File, base int, m *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		key := normKey(k.Value)
		ks := scalarSpan(f, base, k)
		switch key {
		case "id", "task_id", "title", "name", "status", "priority":
			continue
		}
		if _, ok := listKind(key); ok {
			continue
		}
		title := strings.ReplaceAll(k.Value, "_", " ")
		if len(title) > 0 {
			title = strings.ToUpper(title[:1]) + title[1:]
		}
		t.Sections = append(t.Sections, newSection(2, unique.Make(title), ks.inner,
			text.Span{Start: f.LineStart(f.LineOf(ks.outer.Start)), End: yamlEnd(f, base, v, ks.outer.End)}))
		kind := sectionKind(title)
		if kind == "" || v.Kind != yaml.SequenceNode {
			continue
		}
		for _, it := range v.Content {
			p := f.YAMLOffset(base, it.Line, it.Column)
			sp := lineSpan(f, f.LineOf(p))
			switch kind {
			case "criteria":
				c := Criterion{State: NoBox, Span: sp}
				switch it.Kind {
				case yaml.ScalarNode:
					c.Text = it.Value
					if m := checkRe.FindStringSubmatch("- " + it.Value); m != nil {
						c.Text = strings.TrimSpace(m[2])
						c.State = Unchecked
						if m[1] != " " {
							c.State = Checked
						}
					}
				case yaml.MappingNode:
					for j := 0; j+1 < len(it.Content); j += 2 {
						switch normKey(it.Content[j].Value) {
						case "text", "criterion", "description", "name", "title":
							c.Text = it.Content[j+1].Value
						case "done", "checked", "completed", "met", "passed":
							c.State = Unchecked
							if it.Content[j+1].Value == "true" || it.Content[j+1].Value == "yes" {
								c.State = Checked
							}
						}
					}
				}
				t.Criteria = append(t.Criteria, c)
			case "scenarios":
				s := Scenario{Span: sp}
				var walk func(n *yaml.Node)
				walk = func(n *yaml.Node) {
					switch n.Kind {
					case yaml.ScalarNode:
						for _, w := range []string{"Given", "When", "Then"} {
							if strings.Contains(n.Value, w) || strings.EqualFold(n.Value, w) {
								switch w {
								case "Given":
									s.Given = true
								case "When":
									s.When = true
								case "Then":
									s.Then = true
								}
							}
						}
					case yaml.MappingNode, yaml.SequenceNode:
						for _, c := range n.Content {
							walk(c)
						}
					}
				}
				walk(it)
				if it.Kind == yaml.MappingNode {
					for j := 0; j+1 < len(it.Content); j += 2 {
						switch normKey(it.Content[j].Value) {
						case "name", "title", "scenario":
							s.Name = it.Content[j+1].Value
						}
					}
				} else {
					s.Name = it.Value
				}
				t.Scenarios = append(t.Scenarios, s)
			case "risks":
				name := it.Value
				if it.Kind == yaml.MappingNode && len(it.Content) > 1 {
					name = it.Content[1].Value
				}
				t.Risks = append(t.Risks, Item{Name: name, Span: sp})
			}
		}
	}
}

// yamlEnd estimates where a value ends: the end of the line of its last
// descendant.
func yamlEnd(f *text.File, base int, n *yaml.Node, min int) int {
	last := n
	for len(last.Content) > 0 {
		last = last.Content[len(last.Content)-1]
	}
	if last.Line == 0 {
		return min
	}
	e := f.LineEnd(f.LineOf(f.YAMLOffset(base, last.Line, last.Column)))
	if e < min {
		return min
	}
	return e
}

// scanMentions records ID-shaped words in the body: one to four capital
// letters, an optional dash, digits, not inside a longer word.
func (t *draft) scanMentions(f *text.File, from int, skip []text.Span, head []model.Ref) {
	if t.Style == StylePureYAML {
		// prose values of a YAML document mention tasks too; its id and
		// lists are fields, not mentions
		for _, l := range t.lists {
			skip = append(skip, l.Span)
		}
		skip = append(skip, t.IDSpan)
		from = t.MetaSpan.Start
	}
	refs := scanMentions(f.Bytes(), from, skip)
	if len(head) > 0 {
		refs = append(refs, head...)
		sort.Slice(refs, func(i, j int) bool { return refs[i].Span.Start < refs[j].Span.Start })
	}
	t.mentions = refs
}

// scanMentions returns the ID-shaped words of c from offset from on, but
// those inside one of the skip spans.
func scanMentions(c []byte, from int, skip []text.Span) []model.Ref {
	var refs []model.Ref
	for i := from; i < len(c); i++ {
		ch := c[i]
		if ch < 'A' || ch > 'Z' {
			continue
		}
		if i > 0 && isWord(c[i-1]) {
			continue
		}
		j := i
		for j < len(c) && j-i < 5 && c[j] >= 'A' && c[j] <= 'Z' {
			j++
		}
		if j-i > 4 {
			i = j
			continue
		}
		if j < len(c) && c[j] == '-' {
			j++
		}
		d := j
		for d < len(c) && c[d] >= '0' && c[d] <= '9' {
			d++
		}
		if d == j || (d < len(c) && isWord(c[d])) {
			i = d
			continue
		}
		sp := text.Span{Start: i, End: d}
		if !inAny(sp, skip) {
			refs = append(refs, model.Ref{ID: string(c[i:d]), Span: sp, Kind: model.KindMention})
		}
		i = d
	}
	return refs
}

func isWord(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_'
}

func inAny(s text.Span, spans []text.Span) bool {
	for _, sp := range spans {
		if s.Start >= sp.Start && s.End <= sp.End {
			return true
		}
	}
	return false
}

// ScanMentions returns the ID-shaped words of any text (notes, reports):
// one to four capital letters, an optional dash, digits, not inside a
// longer word.
func ScanMentions(f *text.File) []model.Ref {
	return scanMentions(f.Bytes(), 0, nil)
}
