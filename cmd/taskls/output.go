package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"sort"
	"strings"

	"github.com/taskls/taskls/analysis/check"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// position is a 1-based line and a 1-based column counted in UTF-16 code
// units, the unit editors and SARIF's "utf16CodeUnits" use.
type position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// lineRange is a half-open range: End is the position just after the last
// character.
type lineRange struct {
	Start position `json:"start"`
	End   position `json:"end"`
}

// locator turns a diagnostic's absolute path and byte span into what the
// outputs print: a path relative to the working folder and 1-based positions.
type locator struct {
	cwd  string
	snap *workspace.Snapshot
}

// name is path relative to the working folder, with forward slashes; an
// absolute path when it has no relative form.
func (l locator) name(path string) string {
	if l.cwd != "" && filepath.IsAbs(path) {
		if rel, err := filepath.Rel(l.cwd, path); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	return filepath.ToSlash(path)
}

// rangeOf converts span of the file at path. A file the snapshot does not
// hold (a file a fix creates) has only one position: its start.
func (l locator) rangeOf(path string, sp text.Span) lineRange {
	var f *text.File
	if l.snap != nil {
		if d := l.snap.Doc(path); d != nil {
			f = d.Text
		}
	}
	if f == nil {
		return lineRange{Start: position{1, 1}, End: position{1, 1}}
	}
	at := func(off int) position {
		p := f.Position(off)
		return position{Line: p.Line + 1, Column: p.Col + 1}
	}
	return lineRange{Start: at(sp.Start), End: at(sp.End)}
}

// item is a diagnostic with its printed path and range.
type item struct {
	diag check.Diagnostic
	name string
	rng  lineRange
}

// collect flattens check.Run's result, sorted by printed path, then
// position, then check and message.
func collect(loc locator, byPath map[string][]check.Diagnostic) []item {
	var out []item
	for p, ds := range byPath {
		for _, d := range ds {
			out = append(out, item{diag: d, name: loc.name(p), rng: loc.rangeOf(p, d.Span)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		switch {
		case a.name != b.name:
			return a.name < b.name
		case a.rng.Start != b.rng.Start:
			return before(a.rng.Start, b.rng.Start)
		case a.rng.End != b.rng.End:
			return before(a.rng.End, b.rng.End)
		case a.diag.Check != b.diag.Check:
			return a.diag.Check < b.diag.Check
		}
		return a.diag.Message < b.diag.Message
	})
	return out
}

func before(a, b position) bool {
	if a.Line != b.Line {
		return a.Line < b.Line
	}
	return a.Column < b.Column
}

// writers are the --format values of check.
var writers = map[string]func(io.Writer, locator, []item) error{
	"text":  writeText,
	"json":  writeJSON,
	"sarif": writeSARIF,
}

// writeText prints path:line:col: severity: message [check], one a line.
func writeText(w io.Writer, _ locator, items []item) error {
	for _, it := range items {
		if _, err := fmt.Fprintf(w, "%s:%d:%d: %s: %s [%s]\n", it.name, it.rng.Start.Line, it.rng.Start.Column,
			it.diag.Severity, it.diag.Message, it.diag.Check); err != nil {
			return err
		}
	}
	return nil
}

// The json format: one document, version 1.
type (
	jsonReport struct {
		Version          int        `json:"version"`
		PositionEncoding string     `json:"positionEncoding"`
		Diagnostics      []jsonDiag `json:"diagnostics"`
	}
	jsonDiag struct {
		Path     string        `json:"path"`
		Range    lineRange     `json:"range"`
		Severity string        `json:"severity"`
		Check    string        `json:"check"`
		Message  string        `json:"message"`
		Related  []jsonRelated `json:"related"`
		Fixes    []jsonFix     `json:"fixes"`
	}
	jsonRelated struct {
		Path    string    `json:"path"`
		Range   lineRange `json:"range"`
		Message string    `json:"message"`
	}
	jsonFix struct {
		Title     string     `json:"title"`
		Preferred bool       `json:"preferred"`
		Edits     []jsonEdit `json:"edits"`
	}
	jsonEdit struct {
		Path    string    `json:"path"`
		Range   lineRange `json:"range"`
		NewText string    `json:"newText"`
	}
)

func writeJSON(w io.Writer, loc locator, items []item) error {
	rep := jsonReport{Version: 1, PositionEncoding: "utf-16", Diagnostics: []jsonDiag{}}
	for _, it := range items {
		d := jsonDiag{Path: it.name, Range: it.rng, Severity: it.diag.Severity.String(), Check: it.diag.Check,
			Message: it.diag.Message, Related: []jsonRelated{}, Fixes: []jsonFix{}}
		for _, r := range it.diag.Related {
			d.Related = append(d.Related, jsonRelated{Path: loc.name(r.Path), Range: loc.rangeOf(r.Path, r.Span), Message: r.Message})
		}
		for _, f := range it.diag.Fixes {
			jf := jsonFix{Title: f.Title, Preferred: f.Preferred, Edits: []jsonEdit{}}
			for _, e := range f.Edits {
				jf.Edits = append(jf.Edits, jsonEdit{Path: loc.name(e.Path), Range: loc.rangeOf(e.Path, e.Span), NewText: e.NewText})
			}
			d.Fixes = append(d.Fixes, jf)
		}
		rep.Diagnostics = append(rep.Diagnostics, d)
	}
	return encode(w, rep)
}

// encode writes v as indented JSON without HTML escaping ("->" stays "->").
func encode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// SARIF 2.1.0, the subset GitHub code scanning reads plus fixes.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool               sarifTool                   `json:"tool"`
		OriginalURIBaseIDs map[string]sarifArtifactLoc `json:"originalUriBaseIds"`
		ColumnKind         string                      `json:"columnKind"`
		Results            []sarifResult               `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string             `json:"id"`
		Name                 string             `json:"name"`
		ShortDescription     sarifText          `json:"shortDescription"`
		FullDescription      sarifText          `json:"fullDescription"`
		Help                 sarifText          `json:"help"`
		DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifText struct {
		Text string `json:"text"`
	}
	sarifResult struct {
		RuleID           string          `json:"ruleId"`
		RuleIndex        *int            `json:"ruleIndex,omitempty"`
		Level            string          `json:"level"`
		Message          sarifText       `json:"message"`
		Locations        []sarifLocation `json:"locations"`
		RelatedLocations []sarifLocation `json:"relatedLocations,omitempty"`
		Fixes            []sarifFix      `json:"fixes,omitempty"`
	}
	sarifLocation struct {
		ID               *int          `json:"id,omitempty"`
		PhysicalLocation sarifPhysical `json:"physicalLocation"`
		Message          *sarifText    `json:"message,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifactLoc `json:"artifactLocation"`
		Region           sarifRegion      `json:"region"`
	}
	sarifArtifactLoc struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn"`
		EndLine     int `json:"endLine"`
		EndColumn   int `json:"endColumn"`
	}
	sarifFix struct {
		Description     sarifText             `json:"description"`
		ArtifactChanges []sarifArtifactChange `json:"artifactChanges"`
	}
	sarifArtifactChange struct {
		ArtifactLocation sarifArtifactLoc   `json:"artifactLocation"`
		Replacements     []sarifReplacement `json:"replacements"`
	}
	sarifReplacement struct {
		DeletedRegion   sarifRegion `json:"deletedRegion"`
		InsertedContent sarifText   `json:"insertedContent"`
	}
)

const (
	sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"
	srcRoot     = "%SRCROOT%"
	homePage    = "https://github.com/taskls/taskls"
)

// sarifLevel maps a severity to a SARIF level: SARIF has no info or hint.
func sarifLevel(s check.Severity) string {
	switch s {
	case check.Error:
		return "error"
	case check.Warning:
		return "warning"
	}
	return "note"
}

// camelCase turns a check code into a rule name: "unknown-id" -> "UnknownId".
func camelCase(code string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(code, func(r rune) bool { return r == '-' || r == '_' || r == ' ' }) {
		r := []rune(part)
		b.WriteString(strings.ToUpper(string(r[0])) + string(r[1:]))
	}
	return b.String()
}

// describe is a check's documentation, or its title while it has none
// (GitHub rejects empty descriptions).
func describe(c *check.Check) string {
	if d := strings.TrimSpace(c.Doc); d != "" {
		return d
	}
	return c.Title
}

func writeSARIF(w io.Writer, loc locator, items []item) error {
	driver := sarifDriver{Name: "taskls", Version: version, InformationURI: homePage, Rules: []sarifRule{}}
	index := map[string]int{}
	for i, c := range check.All() {
		index[c.Name] = i
		driver.Rules = append(driver.Rules, sarifRule{
			ID:                   c.Name,
			Name:                 camelCase(c.Name),
			ShortDescription:     sarifText{c.Title},
			FullDescription:      sarifText{describe(c)},
			Help:                 sarifText{describe(c)},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(c.Severity)},
		})
	}
	run := sarifRun{
		Tool:               sarifTool{Driver: driver},
		OriginalURIBaseIDs: map[string]sarifArtifactLoc{srcRoot: {URI: fileURI(loc.cwd, true)}},
		ColumnKind:         "utf16CodeUnits",
		Results:            []sarifResult{},
	}
	for _, it := range items {
		d := it.diag
		res := sarifResult{
			RuleID:    d.Check,
			Level:     sarifLevel(d.Severity),
			Message:   sarifText{d.Message},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{ArtifactLocation: loc.artifact(d.Path), Region: region(it.rng)}}},
		}
		if i, ok := index[d.Check]; ok {
			res.RuleIndex = &i
		}
		for i, r := range d.Related {
			id := i
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID:               &id,
				PhysicalLocation: sarifPhysical{ArtifactLocation: loc.artifact(r.Path), Region: region(loc.rangeOf(r.Path, r.Span))},
				Message:          &sarifText{r.Message},
			})
		}
		for _, f := range d.Fixes {
			res.Fixes = append(res.Fixes, loc.sarifFix(f))
		}
		run.Results = append(run.Results, res)
	}
	return encode(w, sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// sarifFix groups a fix's edits by file, in the order the files first appear.
func (l locator) sarifFix(f check.Fix) sarifFix {
	out := sarifFix{Description: sarifText{f.Title}, ArtifactChanges: []sarifArtifactChange{}}
	at := map[string]int{}
	for _, e := range f.Edits {
		i, ok := at[e.Path]
		if !ok {
			i = len(out.ArtifactChanges)
			at[e.Path] = i
			out.ArtifactChanges = append(out.ArtifactChanges, sarifArtifactChange{ArtifactLocation: l.artifact(e.Path)})
		}
		out.ArtifactChanges[i].Replacements = append(out.ArtifactChanges[i].Replacements, sarifReplacement{
			DeletedRegion:   region(l.rangeOf(e.Path, e.Span)),
			InsertedContent: sarifText{e.NewText},
		})
	}
	return out
}

func region(r lineRange) sarifRegion {
	return sarifRegion{StartLine: r.Start.Line, StartColumn: r.Start.Column, EndLine: r.End.Line, EndColumn: r.End.Column}
}

// artifact locates a file for SARIF: relative to %SRCROOT% (the working
// folder) when it is inside it, else an absolute file URI.
func (l locator) artifact(path string) sarifArtifactLoc {
	name := l.name(path)
	if !filepath.IsAbs(filepath.FromSlash(name)) && name != ".." && !strings.HasPrefix(name, "../") {
		return sarifArtifactLoc{URI: escapePath(name, true), URIBaseID: srcRoot}
	}
	return sarifArtifactLoc{URI: fileURI(path, false)}
}

// fileURI is the file: URI of an absolute path; dir adds the trailing slash
// a base URI needs.
func fileURI(path string, dir bool) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/x -> /C:/x
	}
	if dir && !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return "file://" + escapePath(p, false)
}

// escapePath percent-encodes each segment of a slash-separated path. In a
// relative reference a colon is escaped too, so that "a:b" cannot read as
// a scheme.
func escapePath(p string, relative bool) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		s = url.PathEscape(s)
		if relative {
			s = strings.ReplaceAll(s, ":", "%3A")
		}
		segs[i] = s
	}
	return strings.Join(segs, "/")
}
