package taskfile

import (
	"bytes"
	"regexp"
	"strings"

	"github.com/taskls/taskls/analysis/text"
)

var (
	// `# Task T001: Title`, `# T045: Title`, `# T045 - Title`
	titleHeadRe = regexp.MustCompile(`^#[ \t]+(?:[Tt]ask[ \t]+)?([A-Z]{1,4}-?[0-9]+)[ \t]*(?:[:\-–—|][ \t]*)?(.*?)[ \t]*$`)
	// `## Status: Pending`
	fieldHeadRe = regexp.MustCompile(`^#{2,3}[ \t]+([A-Za-z][A-Za-z ]*?)[ \t]*:[ \t]*(.*?)[ \t]*$`)
	// `- [x] text`, `* [ ] text`, `1. [X] text`
	checkRe = regexp.MustCompile(`^[ \t]*(?:[-*+]|[0-9]+[.)])[ \t]+\[([ xX])\][ \t]*(.*)$`)
	// `1. text`
	numberedRe = regexp.MustCompile(`^(?:[0-9]+[.)])[ \t]+(.+)$`)
	bulletRe   = regexp.MustCompile(`^(?:[-*+]|[0-9]+[.)])[ \t]+(.+)$`)
	boldCaseRe = regexp.MustCompile(`^\*\*((?:Test Case|Scenario|TC)[ \t]*[0-9A-Za-z.-]*[:.]?.*?)\*\*`)
	// the definition of gwtWord, which matches it by hand
	gwtRe = regexp.MustCompile(`^[ \t]*(?:[-*+][ \t]+)?(?:\*\*)?(Given|When|Then)\b`)
)

// scanBody reads headings, sections, criteria, scenarios, risks and ID
// mentions. For files without YAML metadata, heading fields are read too.
func (t *draft) scanBody(sc *scan, f *text.File, from int) {
	c := f.Bytes()
	if from >= len(c) {
		return
	}
	fence := fenceState{}
	headingStyle := t.Style == StyleNone || t.Style == StyleMetadataBlock
	var scen *Scenario
	riskHeads := false
	curKind := ""
	tableRows := 0
	first := f.LineOf(from)
	if f.LineStart(first) < from {
		first++
	}
	var skip []text.Span // spans that are metadata, not body text
	if t.Style == StyleMetadataBlock {
		skip = append(skip, t.MetaSpan)
	}
	for l := first; l < f.LineCount(); l++ {
		ls := f.LineStart(l)
		line := f.Line(l)
		inFence := fence.step(line)
		if inFence {
			if scen != nil {
				t.markGWT(line, scen)
			}
			continue
		}
		if lvl, th := heading(line); lvl > 0 {
			hs := lineSpan(f, l)
			if headingStyle && t.headingField(sc, f, l, lvl, line) {
				skip = append(skip, hs)
				continue
			}
			if lvl <= 2 || !sc.light { // (a light task keeps levels 1 and 2)
				t.Sections = append(t.Sections, newSection(lvl, th, hs, text.Span{Start: ls, End: len(c)}))
			}
			title := th.Value()
			if lvl <= 2 {
				curKind = sectionKind(title)
				scen = nil
				tableRows = 0
				riskHeads = false
				continue
			}
			// level 3+: a scenario or a risk inside its section
			switch curKind {
			case "scenarios":
				t.Scenarios = append(t.Scenarios, Scenario{Name: title, Span: hs})
				scen = &t.Scenarios[len(t.Scenarios)-1]
			case "risks":
				t.addRisk(sc, Item{Name: title, Span: hs})
				riskHeads = true
			}
			continue
		}
		switch curKind {
		case "criteria":
			// (each expression runs only where it can match: this loop sees
			// every line of thousands of files)
			if box, rest, ok := checkItem(line); ok {
				st := Unchecked
				if box != ' ' {
					st = Checked
				}
				if sc.light {
					t.nCrit[st]++ // (a light task keeps counts)
				} else {
					t.Criteria = append(t.Criteria, Criterion{Text: strings.TrimSpace(string(rest)), State: st, Span: lineSpan(f, l)})
				}
			} else if m := maybe(len(line) > 0 && line[0] >= '0' && line[0] <= '9', numberedRe, line); m != nil {
				if sc.light {
					t.nCrit[NoBox]++
				} else {
					t.Criteria = append(t.Criteria, Criterion{Text: strings.TrimSpace(string(m[1])), State: NoBox, Span: lineSpan(f, l)})
				}
			}
		case "scenarios":
			if tr := bytes.TrimSpace(line); bytes.HasPrefix(tr, []byte("**")) && boldCaseRe.Match(tr) {
				m := boldCaseRe.FindSubmatch(tr)
				t.Scenarios = append(t.Scenarios, Scenario{Name: strings.TrimSpace(string(m[1])), Span: lineSpan(f, l)})
				scen = &t.Scenarios[len(t.Scenarios)-1]
			} else if scen != nil {
				t.markGWT(line, scen)
			}
		case "risks":
			tr := bytes.TrimSpace(line)
			if len(tr) > 0 && tr[0] == '|' {
				tableRows++
				sep := len(bytes.Trim(tr, "|-: \t")) == 0
				if tableRows > 1 && !sep {
					t.addRisk(sc, Item{Name: firstCell(tr), Span: lineSpan(f, l)})
				}
			} else if bytes.HasPrefix(tr, []byte("**Risk")) && !riskHeads {
				t.addRisk(sc, Item{Name: strings.Trim(string(tr), "* "), Span: lineSpan(f, l)})
			} else if m := maybe(len(line) > 0 && (line[0] == '-' || line[0] == '*' || line[0] == '+' || line[0] >= '0' && line[0] <= '9'), bulletRe, line); m != nil && !riskHeads {
				t.addRisk(sc, Item{Name: strings.TrimSpace(string(m[1])), Span: lineSpan(f, l)})
			}
		}
	}
	t.closeSections(len(c))
	t.scanMentions(f, from, skip, sc.headMentions)
}

// addRisk adds a risk, or counts it in a light scan.
func (t *draft) addRisk(sc *scan, it Item) {
	if sc.light {
		t.nRisks++
		return
	}
	t.Risks = append(t.Risks, it)
}

// closeSections sets every section's extent: up to the next heading of the
// same or a higher level.
func (t *draft) closeSections(end int) {
	for i := range t.Sections {
		s := &t.Sections[i]
		s.extentEnd = off32(end)
		for j := i + 1; j < len(t.Sections); j++ {
			if t.Sections[j].level <= s.level {
				s.extentEnd = off32(t.Sections[j].Extent().Start)
				break
			}
		}
	}
}

func firstCell(row []byte) string {
	cells := bytes.Split(bytes.Trim(row, "|"), []byte("|"))
	if len(cells) == 0 {
		return ""
	}
	return strings.TrimSpace(string(cells[0]))
}

// checkItem matches a checkbox item as checkRe does, without the
// expression (it runs on every line of every criteria section): it returns
// what is in the box and the text after it.
func checkItem(line []byte) (box byte, rest []byte, ok bool) {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	switch {
	case i < len(line) && (line[i] == '-' || line[i] == '*' || line[i] == '+'):
		i++
	case i < len(line) && line[i] >= '0' && line[i] <= '9':
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			i++
		}
		if i == len(line) || line[i] != '.' && line[i] != ')' {
			return 0, nil, false
		}
		i++
	default:
		return 0, nil, false
	}
	j := i
	for j < len(line) && (line[j] == ' ' || line[j] == '\t') {
		j++
	}
	if j == i || j+3 > len(line) || line[j] != '[' || line[j+2] != ']' {
		return 0, nil, false
	}
	box = line[j+1]
	if box != ' ' && box != 'x' && box != 'X' {
		return 0, nil, false
	}
	k := j + 3
	for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
		k++
	}
	if bytes.IndexByte(line[k:], '\n') >= 0 {
		return 0, nil, false // the expression's `.` stops at a newline, and `$` wants the end
	}
	return box, line[k:], true
}

// maybe runs re on line only when the cheap test says it can match.
func maybe(can bool, re *regexp.Regexp, line []byte) [][]byte {
	if !can {
		return nil
	}
	return re.FindSubmatch(line)
}

func (t *draft) markGWT(line []byte, s *Scenario) {
	if !bytes.Contains(line, []byte("Given")) && !bytes.Contains(line, []byte("When")) && !bytes.Contains(line, []byte("Then")) {
		return
	}
	w := gwtWord(line)
	if w == "" {
		return
	}
	switch w {
	case "Given":
		s.Given = true
	case "When":
		s.When = true
	case "Then":
		s.Then = true
	}
}

// gwtWord matches a scenario step as gwtRe does, without the expression:
// the Given, When or Then that starts the line, or "".
func gwtWord(line []byte) string {
	i := 0
	for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
		i++
	}
	// the expression's options, in its order of preference: a bullet, then
	// bold; each taken first, then left out
	for _, bullet := range [2]bool{true, false} {
		j := i
		if bullet {
			if j >= len(line) || line[j] != '-' && line[j] != '*' && line[j] != '+' {
				continue
			}
			j++
			k := j
			for k < len(line) && (line[k] == ' ' || line[k] == '\t') {
				k++
			}
			if k == j {
				continue
			}
			j = k
		}
		for _, bold := range [2]bool{true, false} {
			k := j
			if bold {
				if k+1 >= len(line) || line[k] != '*' || line[k+1] != '*' {
					continue
				}
				k += 2
			}
			for _, w := range [...]string{"Given", "When", "Then"} {
				end := k + len(w)
				if end <= len(line) && string(line[k:end]) == w && (end == len(line) || !isWordByte(line[end])) {
					return w
				}
			}
		}
	}
	return ""
}

// isWordByte reports whether b is a character \b counts as part of a word.
func isWordByte(b byte) bool {
	return b == '_' || b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

// sectionKind classifies a level-2 section by its title.
func sectionKind(title string) string {
	t := strings.ToLower(title)
	switch {
	case strings.Contains(t, "acceptance"):
		return "criteria"
	case strings.Contains(t, "scenario") || strings.Contains(t, "test case"):
		return "scenarios"
	case strings.Contains(t, "risk"):
		return "risks"
	}
	return ""
}
