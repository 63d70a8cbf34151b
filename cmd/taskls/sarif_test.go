package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/check"
)

// sarifValidator checks a SARIF log against the structure of the SARIF
// 2.1.0 schema for the objects taskls writes (required properties, types,
// no property the schema does not define) and against what GitHub code
// scanning requires on top (non-empty descriptions and help, a location
// per result, rule indexes that match rule IDs). root is the folder
// %SRCROOT% must name, and where relative URIs are looked up.
type sarifValidator struct {
	root  string
	errs  []string
	rules []string // rule IDs by index
	bases map[string]bool
}

func validateSARIF(data []byte, root string) []string {
	v := &sarifValidator{root: root, bases: map[string]bool{}}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		v.fail("$", "more than one JSON value")
	}
	v.log(doc)
	return v.errs
}

func (v *sarifValidator) fail(at, format string, args ...any) {
	v.errs = append(v.errs, at+": "+fmt.Sprintf(format, args...))
}

// object checks x is an object with every required property and no
// property outside required+optional.
func (v *sarifValidator) object(at string, x any, required, optional []string) map[string]any {
	m, ok := x.(map[string]any)
	if !ok {
		v.fail(at, "want an object, got %T", x)
		return map[string]any{}
	}
	known := map[string]bool{}
	for _, k := range required {
		known[k] = true
		if _, ok := m[k]; !ok {
			v.fail(at, "lacks required property %q", k)
		}
	}
	for _, k := range optional {
		known[k] = true
	}
	for k := range m {
		if !known[k] {
			v.fail(at, "property %q is not in the schema", k)
		}
	}
	return m
}

func (v *sarifValidator) str(at string, x any, nonEmpty bool) string {
	s, ok := x.(string)
	if !ok {
		v.fail(at, "want a string, got %T", x)
	} else if nonEmpty && strings.TrimSpace(s) == "" {
		v.fail(at, "empty string (GitHub rejects empty required strings)")
	}
	return s
}

func (v *sarifValidator) integer(at string, x any, min int64) int64 {
	n, ok := x.(json.Number)
	if !ok {
		v.fail(at, "want an integer, got %T", x)
		return min
	}
	i, err := n.Int64()
	if err != nil {
		v.fail(at, "want an integer, got %s", n)
		return min
	}
	if i < min {
		v.fail(at, "%d is below the minimum %d", i, min)
	}
	return i
}

func (v *sarifValidator) array(at string, x any, minItems int) []any {
	a, ok := x.([]any)
	if !ok {
		v.fail(at, "want an array, got %T", x)
		return nil
	}
	if len(a) < minItems {
		v.fail(at, "want at least %d items, got %d", minItems, len(a))
	}
	return a
}

func (v *sarifValidator) enum(at string, x any, values ...string) string {
	s := v.str(at, x, false)
	for _, w := range values {
		if s == w {
			return s
		}
	}
	v.fail(at, "%q is not one of %v", s, values)
	return s
}

func (v *sarifValidator) log(x any) {
	m := v.object("$", x, []string{"version", "runs"}, []string{"$schema", "inlineExternalProperties", "properties"})
	if s := v.str("$.$schema", m["$schema"], true); s != "https://json.schemastore.org/sarif-2.1.0.json" {
		v.fail("$.$schema", "%q", s)
	}
	v.enum("$.version", m["version"], "2.1.0")
	runs := v.array("$.runs", m["runs"], 1)
	if len(runs) != 1 {
		v.fail("$.runs", "want one run, got %d", len(runs))
	}
	for i, r := range runs {
		v.run(fmt.Sprintf("$.runs[%d]", i), r)
	}
}

func (v *sarifValidator) run(at string, x any) {
	m := v.object(at, x, []string{"tool"}, []string{"invocations", "conversion", "language", "versionControlProvenance",
		"originalUriBaseIds", "artifacts", "logicalLocations", "graphs", "results", "automationDetails", "runAggregates",
		"baselineGuid", "redactionTokens", "defaultEncoding", "defaultSourceLanguage", "newlineSequences", "columnKind",
		"externalPropertyFileReferences", "threadFlowLocations", "taxonomies", "addresses", "translations", "policies",
		"webRequests", "webResponses", "specialLocations", "properties"})
	tool := v.object(at+".tool", m["tool"], []string{"driver"}, []string{"extensions", "properties"})
	v.driver(at+".tool.driver", tool["driver"])
	if v.enum(at+".columnKind", m["columnKind"], "utf16CodeUnits", "unicodeCodePoints") != "utf16CodeUnits" {
		v.fail(at+".columnKind", "taskls counts UTF-16 code units")
	}
	bases := v.object(at+".originalUriBaseIds", m["originalUriBaseIds"], []string{"%SRCROOT%"}, nil)
	for k, b := range bases {
		v.bases[k] = true
		loc := v.artifactLocation(at+".originalUriBaseIds."+k, b, false)
		u, err := url.Parse(loc)
		switch {
		case err != nil || u.Scheme != "file" || !strings.HasSuffix(loc, "/"):
			v.fail(at+".originalUriBaseIds."+k, "want an absolute file URI ending in /, got %q", loc)
		case k == "%SRCROOT%" && filepath.Clean(filepath.FromSlash(strings.TrimPrefix(u.Path, "/"))) != filepath.Clean(strings.TrimPrefix(v.root, string(filepath.Separator))):
			v.fail(at+".originalUriBaseIds.%SRCROOT%", "%q does not name %s", loc, v.root)
		}
	}
	for i, r := range v.array(at+".results", m["results"], 0) {
		v.result(fmt.Sprintf("%s.results[%d]", at, i), r)
	}
}

var ruleName = regexp.MustCompile(`^[A-Z][A-Za-z0-9]*$`)

func (v *sarifValidator) driver(at string, x any) {
	m := v.object(at, x, []string{"name"}, []string{"guid", "organization", "product", "productSuite", "shortDescription",
		"fullDescription", "fullName", "version", "semanticVersion", "dottedQuadFileVersion", "releaseDateUtc", "downloadUri",
		"informationUri", "globalMessageStrings", "notifications", "rules", "taxa", "locations", "language", "contents",
		"isComprehensive", "localizedDataSemanticVersion", "minimumRequiredLocalizedDataSemanticVersion",
		"associatedComponent", "translationMetadata", "supportedTaxonomies", "properties"})
	if v.str(at+".name", m["name"], true) != "taskls" {
		v.fail(at+".name", "want taskls")
	}
	v.str(at+".version", m["version"], true)
	if u, err := url.Parse(v.str(at+".informationUri", m["informationUri"], true)); err != nil || !u.IsAbs() {
		v.fail(at+".informationUri", "not an absolute URI")
	}
	seen := map[string]bool{}
	for i, r := range v.array(at+".rules", m["rules"], 1) {
		ra := fmt.Sprintf("%s.rules[%d]", at, i)
		rm := v.object(ra, r, []string{"id"}, []string{"deprecatedIds", "guid", "deprecatedGuids", "name", "deprecatedNames",
			"shortDescription", "fullDescription", "messageStrings", "defaultConfiguration", "helpUri", "help",
			"relationships", "properties"})
		id := v.str(ra+".id", rm["id"], true)
		if seen[id] {
			v.fail(ra+".id", "duplicate rule %q", id)
		}
		seen[id] = true
		v.rules = append(v.rules, id)
		if name := v.str(ra+".name", rm["name"], true); !ruleName.MatchString(name) || len(name) > 255 {
			v.fail(ra+".name", "%q is not a CamelCase name", name)
		}
		for _, k := range []string{"shortDescription", "fullDescription", "help"} {
			if s := v.multiformat(ra+"."+k, rm[k]); len(s) > 1024 && k != "help" {
				v.fail(ra+"."+k, "longer than GitHub's 1024 characters")
			}
		}
		conf := v.object(ra+".defaultConfiguration", rm["defaultConfiguration"], []string{"level"}, []string{"enabled", "rank", "parameters", "properties"})
		v.enum(ra+".defaultConfiguration.level", conf["level"], "none", "note", "warning", "error")
	}
}

func (v *sarifValidator) multiformat(at string, x any) string {
	m := v.object(at, x, []string{"text"}, []string{"markdown", "properties"})
	return v.str(at+".text", m["text"], true)
}

func (v *sarifValidator) message(at string, x any) {
	m := v.object(at, x, []string{"text"}, []string{"markdown", "id", "arguments", "properties"})
	v.str(at+".text", m["text"], true)
}

func (v *sarifValidator) result(at string, x any) {
	m := v.object(at, x, []string{"message"}, []string{"ruleId", "ruleIndex", "rule", "kind", "level", "analysisTarget",
		"locations", "guid", "correlationGuid", "occurrenceCount", "partialFingerprints", "fingerprints", "stacks",
		"codeFlows", "graphs", "graphTraversals", "relatedLocations", "suppressions", "baselineState", "rank",
		"attachments", "hostedViewerUri", "workItemUris", "provenance", "fixes", "taxa", "webRequest", "webResponse",
		"properties"})
	id := v.str(at+".ruleId", m["ruleId"], true)
	if ix, ok := m["ruleIndex"]; ok {
		i := v.integer(at+".ruleIndex", ix, 0)
		if i >= int64(len(v.rules)) || v.rules[i] != id {
			v.fail(at+".ruleIndex", "%d does not index rule %q", i, id)
		}
	} else if contains(v.rules, id) {
		v.fail(at, "a result of rule %q lacks its ruleIndex", id)
	}
	v.enum(at+".level", m["level"], "none", "note", "warning", "error")
	v.message(at+".message", m["message"])
	locs := v.array(at+".locations", m["locations"], 1)
	if len(locs) > 10 {
		v.fail(at+".locations", "GitHub takes at most 10")
	}
	for i, l := range locs {
		v.location(fmt.Sprintf("%s.locations[%d]", at, i), l, true)
	}
	if rel, ok := m["relatedLocations"]; ok {
		ids := map[int64]bool{}
		for i, l := range v.array(at+".relatedLocations", rel, 1) {
			la := fmt.Sprintf("%s.relatedLocations[%d]", at, i)
			lm := v.location(la, l, true)
			if id, ok := lm["id"]; ok {
				n := v.integer(la+".id", id, 0)
				if ids[n] {
					v.fail(la+".id", "duplicate id %d", n)
				}
				ids[n] = true
			}
			v.message(la+".message", lm["message"])
		}
	}
	if fixes, ok := m["fixes"]; ok {
		for i, f := range v.array(at+".fixes", fixes, 1) {
			fa := fmt.Sprintf("%s.fixes[%d]", at, i)
			fm := v.object(fa, f, []string{"artifactChanges"}, []string{"description", "properties"})
			v.message(fa+".description", fm["description"])
			for j, c := range v.array(fa+".artifactChanges", fm["artifactChanges"], 1) {
				ca := fmt.Sprintf("%s.artifactChanges[%d]", fa, j)
				cm := v.object(ca, c, []string{"artifactLocation", "replacements"}, []string{"properties"})
				v.artifactLocation(ca+".artifactLocation", cm["artifactLocation"], true)
				for k, r := range v.array(ca+".replacements", cm["replacements"], 1) {
					ra := fmt.Sprintf("%s.replacements[%d]", ca, k)
					rm := v.object(ra, r, []string{"deletedRegion"}, []string{"insertedContent", "properties"})
					v.region(ra+".deletedRegion", rm["deletedRegion"], "")
					if ic, ok := rm["insertedContent"]; ok {
						im := v.object(ra+".insertedContent", ic, nil, []string{"text", "binary", "rendered", "properties"})
						v.str(ra+".insertedContent.text", im["text"], false)
					}
				}
			}
		}
	}
}

// location checks a location with a physical location; the file it names
// must exist under root and hold the region's lines.
func (v *sarifValidator) location(at string, x any, mustExist bool) map[string]any {
	m := v.object(at, x, []string{"physicalLocation"}, []string{"id", "logicalLocations", "message", "annotations", "relationships", "properties"})
	pm := v.object(at+".physicalLocation", m["physicalLocation"], []string{"artifactLocation", "region"}, []string{"address", "contextRegion", "properties"})
	uri := v.artifactLocation(at+".physicalLocation.artifactLocation", pm["artifactLocation"], true)
	path := ""
	if mustExist {
		p, err := url.PathUnescape(uri)
		if err != nil {
			v.fail(at, "bad uri %q", uri)
		}
		path = filepath.Join(v.root, filepath.FromSlash(p))
	}
	v.region(at+".physicalLocation.region", pm["region"], path)
	return m
}

// artifactLocation checks a uri (relative, with a known uriBaseId, when
// relative is set) and returns it.
func (v *sarifValidator) artifactLocation(at string, x any, relative bool) string {
	m := v.object(at, x, []string{"uri"}, []string{"uriBaseId", "index", "description", "properties"})
	uri := v.str(at+".uri", m["uri"], true)
	u, err := url.Parse(uri)
	if err != nil {
		v.fail(at+".uri", "not a URI reference: %v", err)
		return uri
	}
	if relative {
		if u.IsAbs() || strings.HasPrefix(uri, "/") || strings.Contains(uri, `\`) {
			v.fail(at+".uri", "%q is not a relative reference with forward slashes", uri)
		}
		if base := v.str(at+".uriBaseId", m["uriBaseId"], true); !v.bases[base] {
			v.fail(at+".uriBaseId", "%q is not in originalUriBaseIds", base)
		}
	}
	return uri
}

// region checks 1-based lines and columns, an end after the start and,
// when path is set, lines that exist in that file.
func (v *sarifValidator) region(at string, x any, path string) {
	m := v.object(at, x, []string{"startLine", "startColumn", "endLine", "endColumn"}, []string{"charOffset", "charLength",
		"byteOffset", "byteLength", "snippet", "message", "sourceLanguage", "properties"})
	sl := v.integer(at+".startLine", m["startLine"], 1)
	sc := v.integer(at+".startColumn", m["startColumn"], 1)
	el := v.integer(at+".endLine", m["endLine"], 1)
	ec := v.integer(at+".endColumn", m["endColumn"], 1)
	if el < sl || (el == sl && ec < sc) {
		v.fail(at, "ends (%d:%d) before it starts (%d:%d)", el, ec, sl, sc)
	}
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			v.fail(at, "names a file that cannot be read: %v", err)
		} else if lines := int64(bytes.Count(b, []byte("\n")) + 1); el > lines {
			v.fail(at, "line %d is past the end of %s (%d lines)", el, path, lines)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// check --format sarif with every check: a log the validator accepts.
func TestSARIF(t *testing.T) {
	dir := exampleWorkspace(t)
	if err := os.Remove(filepath.Join(dir, ".tasks", "taskls.yaml")); err != nil { // every check on
		t.Fatal(err)
	}
	code, out, errs := runIn(t, dir, "check", "--format", "sarif")
	if code != 1 || errs != "" {
		t.Fatalf("check --format sarif: exit %d, stderr %q", code, errs)
	}
	cwd, _ := os.Getwd()
	for _, e := range validateSARIF([]byte(out), cwd) {
		t.Error(e)
	}

	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	all := check.All()
	if len(run.Tool.Driver.Rules) != len(all) {
		t.Fatalf("%d rules, want one per check (%d)", len(run.Tool.Driver.Rules), len(all))
	}
	for i, c := range all {
		r := run.Tool.Driver.Rules[i]
		if r.ID != c.Name || r.Name != camelCase(c.Name) || r.ShortDescription.Text != c.Title ||
			r.FullDescription.Text != describe(c) || r.Help.Text != describe(c) || r.DefaultConfiguration.Level != sarifLevel(c.Severity) {
			t.Errorf("rule %d: %+v for check %s", i, r, c.Name)
		}
	}
	// The unknown ID after the emoji: UTF-16 columns, 1-based, end exclusive.
	found := false
	for _, res := range run.Results {
		loc := res.Locations[0].PhysicalLocation
		if res.RuleID == "unknown-id" && loc.ArtifactLocation.URI == ".tasks/manifest.json" {
			found = true
			if want := (sarifRegion{4, 99, 4, 103}); loc.Region != want || res.Level != "error" || loc.ArtifactLocation.URIBaseID != "%SRCROOT%" {
				t.Errorf("unknown-id result: %+v, want region %+v", res, want)
			}
		}
	}
	if !found {
		t.Errorf("no unknown-id result in the manifest")
	}
	if want := fileURI(cwd, true); run.OriginalURIBaseIDs["%SRCROOT%"].URI != want || !strings.HasPrefix(want, "file:///") {
		t.Errorf("%%SRCROOT%% = %q, want %q", run.OriginalURIBaseIDs["%SRCROOT%"].URI, want)
	}
}

// Related locations, fixes (one creating a file), info and hint levels and
// a check outside check.All().
func TestSARIFRelatedAndFixes(t *testing.T) {
	dir := exampleWorkspace(t)
	t.Chdir(dir)
	snap, diags := fakeDiagnostics(t, dir)
	loc := locator{cwd: dir, snap: snap}
	var out bytes.Buffer
	if err := writeSARIF(&out, loc, collect(loc, diags)); err != nil {
		t.Fatal(err)
	}
	for _, e := range validateSARIF(out.Bytes(), dir) {
		t.Error(e)
	}
	var log sarifLog
	if err := json.Unmarshal(out.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 2 {
		t.Fatalf("%d results, want 2", len(res))
	}
	r := res[0]
	if len(r.RelatedLocations) != 1 || r.RelatedLocations[0].PhysicalLocation.ArtifactLocation.URI != ".tasks/tasks/T002-b.md" ||
		r.RelatedLocations[0].PhysicalLocation.Region != (sarifRegion{5, 22, 5, 26}) || r.RelatedLocations[0].Message.Text != "also named here" {
		t.Errorf("related locations: %+v", r.RelatedLocations)
	}
	if len(r.Fixes) != 2 || len(r.Fixes[0].ArtifactChanges) != 2 || r.Fixes[0].Description.Text != "Remove T099" {
		t.Fatalf("fixes: %+v", r.Fixes)
	}
	if c := r.Fixes[0].ArtifactChanges[0]; c.ArtifactLocation.URI != ".tasks/manifest.json" ||
		c.Replacements[0].DeletedRegion != (sarifRegion{4, 96, 4, 104}) || c.Replacements[0].InsertedContent.Text != "" {
		t.Errorf("first change: %+v", c)
	}
	if c := r.Fixes[1].ArtifactChanges[0]; c.ArtifactLocation.URI != ".tasks/tasks/T099-new.md" ||
		c.Replacements[0].DeletedRegion != (sarifRegion{1, 1, 1, 1}) || c.Replacements[0].InsertedContent.Text != "---\nid: T099\n---\n" {
		t.Errorf("creating change: %+v", c)
	}
	if h := res[1]; h.Level != "note" || h.RuleID != "made-up" || h.RuleIndex != nil {
		t.Errorf("hint of an unknown check: %+v", h)
	}
	if sarifLevel(check.Info) != "note" || sarifLevel(check.Hint) != "note" || sarifLevel(check.Warning) != "warning" || sarifLevel(check.Error) != "error" {
		t.Error("levels")
	}
}

// The validator must catch what it claims to.
func TestSARIFValidatorCatches(t *testing.T) {
	dir := exampleWorkspace(t, "unknown-id")
	_, out, _ := runIn(t, dir, "check", "--format", "sarif")
	cwd, _ := os.Getwd()
	if errs := validateSARIF([]byte(out), cwd); len(errs) > 0 {
		t.Fatalf("valid log rejected: %v", errs)
	}
	for _, tc := range []struct{ from, to, want string }{
		{`"version": "2.1.0"`, `"version": "2.0.0"`, "$.version"},
		{`"columnKind": "utf16CodeUnits"`, `"columnKind": "bytes"`, "columnKind"},
		{`"ruleIndex": `, `"ruleIndex": 1`, "ruleIndex"},
		{`"level": "error"`, `"level": "info"`, ".level"},
		{`"startLine": 5`, `"startLine": 0`, "startLine"},
		{`"startColumn": 22`, `"startColumn": "22"`, "startColumn"},
		{`"endLine": 5`, `"endLine": 500`, "past the end"},
		{`"uriBaseId": "%SRCROOT%"`, `"uriBaseId": "%ELSEWHERE%"`, "originalUriBaseIds"},
		{`"shortDescription"`, `"shortDescriptions"`, "shortDescription"},
		{`"text": "a dependency cycle"`, `"text": ""`, "empty string"},
		{`"uri": ".tasks/`, `"uri": "/.tasks/`, "relative"},
	} {
		bad := strings.Replace(out, tc.from, tc.to, 1)
		if bad == out {
			t.Errorf("%q not in the output", tc.from)
			continue
		}
		errs := validateSARIF([]byte(bad), cwd)
		if !strings.Contains(strings.Join(errs, "\n"), tc.want) {
			t.Errorf("%s -> %s: validator said %v, want a mention of %q", tc.from, tc.to, errs, tc.want)
		}
	}
}

func TestURIs(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{".tasks/tasks/T001 a#1.md", ".tasks/tasks/T001%20a%231.md"},
		{"a:b/c.md", "a%3Ab/c.md"},
		{"é.md", "%C3%A9.md"},
	} {
		if got := escapePath(tc.in, true); got != tc.want {
			t.Errorf("escapePath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := fileURI("/work/my repo", true); got != "file:///work/my%20repo/" {
		t.Errorf("fileURI = %q", got)
	}
	// Outside the working folder: an absolute file URI, no base.
	l := locator{cwd: "/work/main"}
	if got := l.artifact("/elsewhere/.tasks/manifest.json"); got != (sarifArtifactLoc{URI: "file:///elsewhere/.tasks/manifest.json"}) {
		t.Errorf("artifact outside cwd: %+v", got)
	}
	if got := l.artifact("/work/main/.tasks/manifest.json"); got != (sarifArtifactLoc{URI: ".tasks/manifest.json", URIBaseID: "%SRCROOT%"}) {
		t.Errorf("artifact inside cwd: %+v", got)
	}
}

// The example workspace, with whatever fixes the real checks offer.
func TestSARIFExamples(t *testing.T) {
	inRoot(t)
	var out, errb bytes.Buffer
	if code := run([]string{"check", "--format", "sarif", "examples"}, nil, &out, &errb); code != 1 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	cwd, _ := os.Getwd()
	for _, e := range validateSARIF(out.Bytes(), cwd) {
		t.Error(e)
	}
	if !strings.Contains(out.String(), `"uri": "examples/.tasks/manifest.json"`) {
		t.Error("no result in examples/.tasks/manifest.json")
	}
}
