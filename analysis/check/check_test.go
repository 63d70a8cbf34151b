package check_test

import (
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/workspace"
	"github.com/taskls/taskls/internal/marker"
)

// TestChecks runs every archive of testdata/: each diagnostic must be
// claimed by exactly one annotation
//
//	//@diag(needle, check-code, "exact message")   (or re"regexp")
//	//@diag(needle, check-code, "message", severity)
//
// and each annotation must claim one diagnostic starting and ending exactly
// at its needle. //@diagat(needle, check, "message") claims a diagnostic
// that starts at the needle with any end (whole-line problems).
func TestChecks(t *testing.T) {
	for _, path := range marker.Archives(t, "testdata") {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			ts := marker.Load(t, path)
			snap := workspace.Load([]string{ts.Dir})
			diags := check.Run(snap, configOf(ts))
			type got struct {
				check.Diagnostic
				name    string
				claimed bool
			}
			var all []*got
			for p, ds := range diags {
				for _, d := range ds {
					all = append(all, &got{Diagnostic: d, name: ts.NameOf(p)})
				}
			}
			sort.Slice(all, func(i, j int) bool {
				if all[i].name != all[j].name {
					return all[i].name < all[j].name
				}
				return all[i].Span.Start < all[j].Span.Start
			})
			for _, n := range ts.Notes {
				if n.Name != "diag" && n.Name != "diagat" {
					continue
				}
				if len(n.Args) < 3 {
					t.Fatalf("%v: want (needle, check, message[, severity])", n)
				}
				start, end := ts.Find(t, n.File, n.Line, n.Args[0].Str)
				found := false
				for _, g := range all {
					if g.claimed || g.name != n.File || g.Span.Start != start || (n.Name == "diag" && g.Span.End != end) {
						continue
					}
					if !n.Args[1].Matches(g.Check) || !n.Args[2].Matches(g.Message) {
						continue
					}
					if len(n.Args) > 3 && !n.Args[3].Matches(g.Severity.String()) {
						continue
					}
					g.claimed, found = true, true
					break
				}
				if !found {
					var near []string
					for _, g := range all {
						if g.name == n.File && !g.claimed {
							near = append(near, describe(snap, g.Diagnostic, g.name))
						}
					}
					t.Errorf("%v: no such diagnostic; unclaimed in that file:\n\t%s", n, strings.Join(near, "\n\t"))
				}
			}
			for _, g := range all {
				if !g.claimed {
					t.Errorf("unexpected diagnostic %s", describe(snap, g.Diagnostic, g.name))
				}
			}
		})
	}
}

// configOf turns every check off but those named on the archive comment's
// "checks: a b c" line (all checks when there is none).
func configOf(ts *marker.Test) *check.Config {
	for _, line := range strings.Split(ts.Comment, "\n") {
		rest, ok := strings.CutPrefix(line, "checks:")
		if !ok {
			continue
		}
		cfg := &check.Config{Severity: map[string]check.Severity{}}
		for _, c := range check.All() {
			cfg.Severity[c.Name] = 0
		}
		for _, n := range strings.Fields(rest) {
			cfg.Severity[n] = check.Lookup(n).Severity
		}
		return cfg
	}
	return nil
}

func describe(snap *workspace.Snapshot, d check.Diagnostic, name string) string {
	pos := "?"
	if doc := snap.Doc(d.Path); doc != nil {
		p := doc.Text.Position(d.Span.Start)
		e := doc.Text.Position(d.Span.End)
		pos = fmt.Sprintf("%d:%d-%d:%d %q", p.Line+1, p.Col+1, e.Line+1, e.Col+1, doc.Text.Bytes()[d.Span.Start:d.Span.End])
	}
	return fmt.Sprintf("%s:%s: %s: %s [%s]", name, pos, d.Severity, d.Message, d.Check)
}
