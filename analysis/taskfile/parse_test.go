package taskfile_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/text"
)

// summary renders what a parse found, each value with the text its span
// covers, so that a test states exact spans without line/column tables.
func summary(name, src string) string {
	f := text.New([]byte(src))
	t := taskfile.Parse(name, f)
	at := func(s text.Span) string { return fmt.Sprintf("%q", src[s.Start:s.End]) }
	var b strings.Builder
	fmt.Fprintf(&b, "style: %s\n", t.Style)
	if t.IDFromName {
		fmt.Fprintf(&b, "id: %s (from the file name)\n", t.ID())
	} else {
		fmt.Fprintf(&b, "id: %s at %s\n", t.ID(), at(t.IDSpan()))
	}
	if t.HasTitle {
		fmt.Fprintf(&b, "title: %s at %s\n", t.Title(), at(t.TitleSpan()))
	}
	if t.HasStatus {
		fmt.Fprintf(&b, "status: %s -> %s at %s\n", t.Status(), t.StatusNorm(), at(t.StatusSpan()))
	}
	if t.HasPriority {
		fmt.Fprintf(&b, "priority: %s -> %d at %s\n", t.Priority(), t.PriorityNorm(), at(t.PrioritySpan()))
	}
	for _, l := range t.Lists() {
		fmt.Fprintf(&b, "list %s (%s, %c) at %s:", l.Key, l.Kind, l.Style, at(l.Span))
		for _, it := range l.Items {
			fmt.Fprintf(&b, " %s@%s", it.ID, at(it.Span))
		}
		b.WriteString("\n")
	}
	done, total := t.CriteriaDone()
	fmt.Fprintf(&b, "criteria: %d/%d\n", done, total)
	for _, c := range t.Criteria() {
		fmt.Fprintf(&b, "  %d %s\n", c.State, c.Text)
	}
	for _, s := range t.Scenarios() {
		fmt.Fprintf(&b, "scenario: %s given=%v when=%v then=%v\n", s.Name, s.Given, s.When, s.Then)
	}
	for _, r := range t.Risks() {
		fmt.Fprintf(&b, "risk: %s\n", r.Name)
	}
	var ms []string
	for m := range t.Mentions().All() {
		ms = append(ms, m.ID+"@"+fmt.Sprint(f.Position(m.Span.Start).Line+1))
	}
	if len(ms) > 0 {
		fmt.Fprintf(&b, "mentions: %s\n", strings.Join(ms, " "))
	}
	for _, p := range t.Problems() {
		fmt.Fprintf(&b, "problem: %s at %s\n", p.Message, at(p.Span))
	}
	return b.String()
}

func TestStyles(t *testing.T) {
	tests := []struct {
		name, file, src, want string
	}{
		{
			name: "front matter, flow and block lists, emoji, horizontal rule",
			file: "tasks/T055-warmup.yaml",
			src: "---\nid: T055\ntitle: \"🚀 Add LR warmup\"\nstatus: Pending\npriority: P1-MVP\n" +
				"dependencies: [T051, 'T052', T053 (fix first)]\nblocked_by:\n  - T054\n  - \"T057\"\n---\n\n" +
				"## Acceptance Criteria\n- [ ] Warm up ✅\n* [X] Logged\n1. [x] Numbered\n   - [ ] nested counts too\n2. plain numbered\n- bullet without box\n\n" +
				"```\n- [ ] in a fence: not a criterion\n## not a heading\n```\n---\nSee [T051], T4 GPU, T0511x, MM-01.\n",
			want: `style: front matter
id: T055 at "T055"
title: 🚀 Add LR warmup at "🚀 Add LR warmup"
status: Pending -> pending at "Pending"
priority: P1-MVP -> 1 at "P1-MVP"
list dependencies (dependency, [) at "[T051, 'T052', T053 (fix first)]": T051@"T051" T052@"T052" T053@"T053"
list blocked_by (blocked_by, -) at "- T054\n  - \"T057\"": T054@"T054" T057@"T057"
criteria: 2/5
  1 Warm up ✅
  2 Logged
  2 Numbered
  1 nested counts too
  0 plain numbered
mentions: T051@25 T4@25 MM-01@25
`,
		},
		{
			name: "metadata block",
			file: "T001-x.md",
			src: "# Task T001: Set up CI\n\n## Metadata\n```yaml\nid: T001\nstatus: completed\npriority: 2\ndepends_on: [T000]\n```\n\n" +
				"## Test Scenarios\n### Scenario 1: Push\n```\nGiven: a push\nWhen: CI runs\nThen: it passes\n```\n**Test Case 2: Tag**\n- Given: a tag\n- When: pushed\n\n## Risks & Mitigations\n| Risk | Mitigation |\n|---|---|\n| Flaky | Retry |\n| Slow | Cache |\n",
			want: `style: metadata block
id: T001 at "T001"
title: Set up CI at "Set up CI"
status: completed -> completed at "completed"
priority: 2 -> 2 at "2"
list depends_on (dependency, [) at "[T000]": T000@"T000"
criteria: 0/0
scenario: Scenario 1: Push given=true when=true then=true
scenario: Test Case 2: Tag given=true when=true then=false
risk: Flaky
risk: Slow
mentions: T001@1
`,
		},
		{
			name: "heading fields",
			file: "tasks/T045-dht.md",
			src:  "# T045: Kademlia lookups\n\n## Priority: P1 (Critical Path)\n## Status: In Progress\n## Depends On: T024 (Kademlia DHT), T027\n\n## Risks\n### Risk 1: churn\n- mitigation\n### Risk 2: NAT\n\nDepends on T024.\n",
			want: `style: heading fields
id: T045 at "T045"
title: Kademlia lookups at "Kademlia lookups"
status: In Progress -> in_progress at "In Progress"
priority: P1 (Critical Path) -> 1 at "P1 (Critical Path)"
list depends_on (dependency, ,) at "T024 (Kademlia DHT), T027": T024@"T024" T027@"T027"
criteria: 0/0
risk: Risk 1: churn
risk: Risk 2: NAT
mentions: T024@12
`,
		},
		{
			name: "pure YAML document",
			file: "tasks/T007-pure.yaml",
			src:  "id: T007\ntitle: Pure\nstatus: done\npriority: 3\ndependencies:\n  - T006\nacceptance_criteria:\n  - text: one\n    done: true\n  - text: two\n    done: false\n  - \"[x] three\"\n  - four\ntest_scenarios:\n  - name: s1\n    given: a\n    when: b\n    then: c\n",
			want: `style: YAML document
id: T007 at "T007"
title: Pure at "Pure"
status: done -> completed at "done"
priority: 3 -> 3 at "3"
list dependencies (dependency, -) at "- T006": T006@"T006"
criteria: 2/4
  2 one
  1 two
  2 three
  0 four
scenario: s1 given=true when=true then=true
`,
		},
		{
			name: "broken YAML keeps the file name's ID and salvages fields",
			file: "tasks/T009-broken.md",
			src:  "---\nid: T009\ntitle: Fix it: now\nstatus: pending\ndependencies: [T001, T002]\n---\n# Body\n",
			want: `style: front matter
id: T009 at "T009"
title: Fix it: now at "Fix it: now"
status: pending -> pending at "pending"
list dependencies (dependency, [) at "[T001, T002]": T001@"T001" T002@"T002"
criteria: 0/0
problem: invalid YAML in front matter: mapping values are not allowed in this context at "title: Fix it: now"
`,
		},
		{
			name: "no metadata at all: a report, not a task",
			file: "completed/T053-completion-summary.md",
			src:  "# T053 Completion Summary\n\nAll done.\n",
			want: "style: none\nid:  at \"\"\ncriteria: 0/0\nmentions: T053@1\n",
		},
		{
			name: "CRLF line endings",
			file: "tasks/T002-crlf.md",
			src:  "---\r\nid: T002\r\ntitle: CRLF\r\ndependencies: [T001]\r\n---\r\n## Acceptance Criteria\r\n- [x] ok\r\n",
			want: `style: front matter
id: T002 at "T002"
title: CRLF at "CRLF"
list dependencies (dependency, [) at "[T001]": T001@"T001"
criteria: 1/1
  2 ok
`,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := summary(tc.file, tc.src)
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestNormalise(t *testing.T) {
	for raw, want := range map[string]string{"Pending": "pending", "complete": "completed", "In Progress": "in_progress", "in-progress": "in_progress", "BLOCKED": "blocked", "Done": "completed", "✅ Completed": "completed"} {
		if got, ok := model.NormStatus(raw); !ok || got != want {
			t.Errorf("NormStatus(%q) = %q, %v; want %q", raw, got, ok, want)
		}
	}
	if _, ok := model.NormStatus("someday"); ok {
		t.Errorf("NormStatus(someday) should be unknown")
	}
	for raw, want := range map[string]int{"P1": 1, "1": 1, "P1-MVP": 1, "P0 (Blocker)": 0, "p2": 2, "P3 (nice)": 3, "4": 4, "high": 1} {
		if got, ok := model.NormPriority(raw); !ok || got != want {
			t.Errorf("NormPriority(%q) = %d, %v; want %d", raw, got, ok, want)
		}
	}
	for _, raw := range []string{"P7", "someday", "12", ""} {
		if got, ok := model.NormPriority(raw); ok {
			t.Errorf("NormPriority(%q) = %d; want unknown", raw, got)
		}
	}
}
