package check

import (
	"bytes"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/taskls/taskls/analysis/jsonpos"
	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/taskfile"
	"github.com/taskls/taskls/analysis/text"
	"github.com/taskls/taskls/analysis/workspace"
)

// LookalikeID reports an ID written with characters that only look like
// those of a task ID: a decimal digit of another script (`T0١3`), a
// Cyrillic, Greek or fullwidth capital (`Т002`, Cyrillic Te), a dash
// lookalike or an invisible character (a zero-width space). It looks where
// IDs are written: a task file's id (a `# T045:` title heading included),
// its file name, its dependency, blocked_by and blocks lists, and
// manifest.json's entry ids, ID lists and the keys of dependency_graph and
// of object maps of entries. The message names each character; a file name
// is reported on the first line. unknown-id leaves such IDs to this check.
// The fix writes the ASCII ID where that ID exists; for a task's own id,
// where nothing else defines it (preferred when the file name or the
// manifest says it).
var LookalikeID = register(&Check{
	Name:     "lookalike-id",
	Title:    "an ID written with characters that only look like a task ID's",
	Severity: Error,
	Run: func(p *Pass) {
		for _, d := range p.docs() {
			switch {
			case d.Kind == workspace.KindTask && d.Task != nil && d.Task.Style != taskfile.StyleNone:
				lookalikesInTask(p, d)
			case d.Kind == workspace.KindManifest && d.Manifest != nil && d.Manifest.Err == nil:
				lookalikesInManifest(p, d)
			}
		}
	},
})

// lookalikeOn reports whether the lookalike-id check runs in this pass's
// configuration (unknown-id then leaves lookalikes to it).
func lookalikeOn(p *Pass) bool {
	if p.Config != nil {
		if v, ok := p.Config.Severity[LookalikeID.Name]; ok {
			return v != 0
		}
	}
	return LookalikeID.Severity != 0
}

// isLookalike reports whether id is a lookalike of a task ID.
func isLookalike(id string) bool {
	_, _, ok := foldID(id)
	return ok
}

func lookalikesInTask(p *Pass, d *workspace.Doc) {
	r, t := p.Root, d.Task
	if !t.IDFromName && t.ID() != "" {
		if ascii, cs, ok := foldID(t.ID()); ok {
			dg := p.Report(d, t.IDSpan(), lookalikeMessage(t.ID(), ascii, cs))
			if !definedElsewhere(r, ascii, d) {
				// the task's own id: preferred when the file name or the
				// manifest already says the ASCII ID
				dg.Fixes = replaceFix(d, t.IDSpan(), t.ID(), ascii, t.NameID() == ascii || len(r.Entries[ascii]) > 0)
			}
		}
	}
	if t.Style == taskfile.StyleHeadings && (t.IDFromName || t.ID() == "") {
		// a title heading whose ID is a lookalike is not read as one
		// (`# Т004: Title`): the task has no ID of its own
		for _, sec := range t.Sections() {
			if sec.Level() == 1 {
				headingLookalike(p, d, sec)
				break
			}
		}
	}
	if tok, ascii, cs, ok := fileNameLookalike(filepath.Base(d.Path)); ok {
		// on the first line: a file name has no span of its own
		p.Report(d, text.Span{Start: 0, End: d.Text.LineEnd(0)}, fmt.Sprintf("the file name starts with %s, which is not the task ID %s: it contains %s",
			strconv.Quote(tok), ascii, culpritList(cs)))
	}
	for it := range t.ListRefs() {
		if ascii, cs, ok := foldID(it.ID); ok {
			dg := p.Report(d, it.Span, lookalikeMessage(it.ID, ascii, cs))
			if r.Known(ascii) {
				dg.Fixes = replaceFix(d, it.Span, it.ID, ascii, true)
			}
		}
	}
}

// headingLookalike reports the ID of a title heading (`# T045: Title`,
// `# Task T045: Title`) that is a lookalike.
func headingLookalike(p *Pass, d *workspace.Doc, sec taskfile.Section) {
	title := sec.Title()
	if isASCII(title) {
		return
	}
	if len(title) > 5 && strings.EqualFold(title[:5], "task ") {
		title = title[5:]
	}
	i := strings.IndexByte(title, ':')
	if i < 0 {
		return
	}
	tok := strings.TrimSpace(title[:i])
	ascii, cs, ok := foldID(tok)
	if !ok {
		return
	}
	c := d.Text.Bytes()
	hs := sec.Span()
	if hs.Start < 0 || hs.End > len(c) || hs.Start > hs.End {
		return
	}
	k := bytes.Index(c[hs.Start:hs.End], []byte(tok))
	if k < 0 {
		return
	}
	span := text.Span{Start: hs.Start + k, End: hs.Start + k + len(tok)}
	dg := p.Report(d, span, lookalikeMessage(tok, ascii, cs))
	if !definedElsewhere(p.Root, ascii, d) {
		dg.Fixes = replaceFix(d, span, tok, ascii, d.Task.NameID() == ascii || len(p.Root.Entries[ascii]) > 0)
	}
}

// definedElsewhere reports whether a task file other than d defines id.
func definedElsewhere(r *workspace.Root, id string, d *workspace.Doc) bool {
	for _, def := range r.Defs.At(id) {
		if def.Doc != d {
			return true
		}
	}
	return false
}

// fileNameLookalike finds a lookalike ID at the start of a file name: the
// shortest prefix ending before '-', '_', ' ' or '.' (or the whole name)
// that folds to a task ID.
func fileNameLookalike(base string) (tok, ascii string, culprits []rune, ok bool) {
	if isASCII(base) {
		return "", "", nil, false
	}
	for i := 1; i <= len(base); i++ {
		if i < len(base) && !strings.ContainsRune("-_ .", rune(base[i])) {
			continue
		}
		if a, cs, ok := foldID(base[:i]); ok {
			return base[:i], a, cs, true
		}
	}
	return "", "", nil, false
}

type mayHideKey struct{}

// manifestMayHide reports whether a manifest's text may hide a lookalike
// ID: bytes outside ASCII or JSON escapes that may spell one. A fact of
// the content, learnt once per parse: as the workspace parses it (see
// init), else from the content read back.
func manifestMayHide(d *workspace.Doc) bool {
	return d.Memo(mayHideKey{}, func() any {
		data := d.Text.Bytes()
		return bytes.Contains(data, []byte(`\u`)) || stringMayFold(data)
	}).(bool)
}

func init() { workspace.LearnFromManifest(func(d *workspace.Doc) { manifestMayHide(d) }) }

// lookalikesInManifest reads the manifest again, the way its parser does,
// for what the parser keeps only when it has the ID form: the items of ID
// lists (depends_on, dependencies, blocks, blocked_by, critical_path*,
// tasks and *_tasks lists, deferred lists, dependency_graph nodes), entry
// ids, the keys of an object map of entries and dependency_graph keys. It
// reads only a file that holds bytes outside ASCII or JSON escapes (which
// may spell them).
func lookalikesInManifest(p *Pass, d *workspace.Doc) {
	if !manifestMayHide(d) {
		return
	}
	p.hold(d)
	data := d.Text.Bytes()
	r := p.Root
	report := func(id string, span text.Span, def bool) {
		ascii, cs, ok := foldID(id)
		if !ok {
			return
		}
		var fixes []Fix
		switch {
		case def && len(r.Entries[ascii]) == 0:
			// an entry's own id: preferred when a file defines the ASCII ID
			fixes = replaceFix(d, span, id, ascii, len(r.Defs.At(ascii)) > 0)
		case !def && r.Known(ascii):
			fixes = replaceFix(d, span, id, ascii, true)
		}
		p.Report(d, span, lookalikeMessage(id, ascii, cs)).Fixes = fixes
	}
	dec := jsonpos.NewDecoder(data)
	str := func(def bool) {
		if v, ok := dec.Scalar(); ok && v.Kind == jsonpos.String {
			id, span := trimmedString(data, v)
			report(id, span, def)
		}
	}
	keySpan := func(ks text.Span) text.Span { return text.Span{Start: ks.Start + 1, End: ks.End - 1} }
	// where says what the value being read is: under which key, and
	// whether its arrays are ID lists
	type where struct {
		key      string // lower-cased key of the member holding the value
		list     bool   // arrays here are ID lists (a graph node's value)
		critical bool   // inside a critical_path* object: every array is an ID list
		graph    bool   // the value is the dependency_graph object
		entryMap bool   // the value is an object map of entries (top-level tasks)
	}
	var walk func(w where)
	walk = func(w where) {
		switch k, _ := dec.Peek(); k {
		case jsonpos.Object:
			dec.Object(func(key string, ks text.Span) {
				lk := strings.ToLower(key)
				next, _ := dec.Peek()
				switch {
				case w.graph && ks.Len() >= 2:
					report(strings.TrimSpace(key), keySpan(ks), false)
					walk(where{key: lk, list: true})
					return
				case w.entryMap && next == jsonpos.Object && ks.Len() >= 2:
					report(strings.TrimSpace(key), keySpan(ks), true)
				case (lk == "id" || lk == "task_id") && next == jsonpos.String:
					str(true)
					return
				}
				walk(where{key: lk, critical: w.critical || strings.HasPrefix(lk, "critical_path"),
					graph: lk == "dependency_graph", entryMap: lk == "tasks" && w == where{}})
			})
		case jsonpos.Array:
			list := w.list || w.critical || idListKey(w.key)
			dec.Array(func(int) {
				if k, _ := dec.Peek(); k == jsonpos.String {
					if list {
						str(false)
					}
					return
				}
				walk(where{key: w.key, list: list, critical: w.critical})
			})
		}
	}
	walk(where{})
}

// idListKey reports whether an array under the (lower-cased) key is a list
// of task IDs, as the manifest parser reads them.
func idListKey(lk string) bool {
	switch lk {
	case "depends_on", "dependencies", "blocks", "blocked_by", "tasks", "task_ids":
		return true
	}
	return strings.HasPrefix(lk, "critical_path") || strings.HasSuffix(lk, "_tasks") || strings.Contains(lk, "deferred")
}

// trimmedString is a string value without surrounding blanks and the span
// of that text; the whole inside of the quotes when it holds escapes.
func trimmedString(data []byte, v jsonpos.Value) (string, text.Span) {
	s, span := v.Str, v.Inner()
	t := strings.TrimSpace(s)
	if len(t) == len(s) || string(data[span.Start:span.End]) != s {
		return t, span
	}
	lead := len(s) - len(strings.TrimLeftFunc(s, unicode.IsSpace))
	return t, text.Span{Start: span.Start + lead, End: span.Start + lead + len(t)}
}

func replaceFix(d *workspace.Doc, span text.Span, id, ascii string, preferred bool) []Fix {
	return []Fix{{Title: "Replace " + strconv.Quote(id) + " with " + ascii, Preferred: preferred,
		Edits: []Edit{{Path: d.Path, Span: span, NewText: ascii}}}}
}

func isASCII[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// stringMayFold reports whether a JSON string of data folds to a task ID:
// only then is the manifest decoded again. Non-ASCII bytes lie inside
// strings; the string around each one is bounded by the nearest quotes (a
// string that holds a quote is no ID anyway). Titles with accents or emoji
// make most manifests non-ASCII, so the gate must look closer than that.
func stringMayFold(data []byte) bool {
	for i := 0; i < len(data); {
		k := i
		for k < len(data) && data[k] < utf8.RuneSelf {
			k++
		}
		if k == len(data) {
			return false
		}
		start := bytes.LastIndexByte(data[:k], '"') + 1
		end := bytes.IndexByte(data[k:], '"')
		if end < 0 {
			end = len(data)
		} else {
			end += k
		}
		if _, _, ok := foldID(strings.TrimSpace(string(data[start:end]))); ok {
			return true
		}
		i = end + 1
	}
	return false
}

// lookalikeMessage says what id is not, and why.
func lookalikeMessage(id, ascii string, culprits []rune) string {
	return fmt.Sprintf("%s is not the task ID %s: it contains %s", strconv.Quote(id), ascii, culpritList(culprits))
}

// culpritList names characters: `"Т" (U+0422 CYRILLIC CAPITAL LETTER TE)`,
// joined with commas and "and".
func culpritList(rs []rune) string {
	var parts []string
	for _, r := range rs {
		name := fmt.Sprintf("U+%04X %s", r, runeName(r))
		if unicode.Is(unicode.Cf, r) {
			parts = append(parts, "an invisible "+name)
		} else {
			parts = append(parts, fmt.Sprintf("%s (%s)", strconv.Quote(string(r)), name))
		}
	}
	switch len(parts) {
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " and " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// foldID returns the ASCII task ID that s looks like and the characters of
// s that only look like ASCII ones, in order of appearance; ok is false when
// s is plain ASCII or does not fold to a task ID.
func foldID(s string) (ascii string, culprits []rune, ok bool) {
	if isASCII(s) {
		return "", nil, false
	}
	var b strings.Builder
	for _, r := range s {
		if r < utf8.RuneSelf {
			b.WriteRune(r)
			continue
		}
		c, ok := foldRune(r)
		if !ok {
			return "", nil, false
		}
		if c != 0 {
			b.WriteByte(c)
		}
		if !slices.Contains(culprits, r) {
			culprits = append(culprits, r)
		}
	}
	if !model.IsTaskID(b.String()) {
		return "", nil, false
	}
	return b.String(), culprits, true
}

// foldRune returns the ASCII character r passes for, 0 for an invisible
// one; ok is false when r passes for none.
func foldRune(r rune) (c byte, ok bool) {
	if l, ok := lookalikeRunes[r]; ok {
		return l.ascii, true
	}
	switch {
	case r >= 0xFF21 && r <= 0xFF3A: // fullwidth capitals
		return byte('A' + r - 0xFF21), true
	case unicode.IsDigit(r):
		return byte('0' + digitValue(r)), true
	case unicode.Is(unicode.Cf, r):
		return 0, true
	}
	return 0, false
}

// digitValue is the value of a Unicode decimal digit. Unicode encodes every
// script's decimal digits as runs of ten from zero to nine, and adjacent
// runs (the mathematical digits) start at multiples of ten from the first.
func digitValue(r rune) int {
	z := r
	for unicode.IsDigit(z - 1) {
		z--
	}
	return int(r-z) % 10
}

var digitWords = [10]string{"ZERO", "ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX", "SEVEN", "EIGHT", "NINE"}

// runeName is r's Unicode name for the characters foldRune knows.
func runeName(r rune) string {
	if l, ok := lookalikeRunes[r]; ok {
		return l.name
	}
	switch {
	case r >= 0xFF21 && r <= 0xFF3A:
		return "FULLWIDTH LATIN CAPITAL LETTER " + string('A'+r-0xFF21)
	case unicode.IsDigit(r):
		v := digitValue(r)
		if p, ok := digitNames[r-rune(v)]; ok {
			return p + " DIGIT " + digitWords[v]
		}
		for name, t := range unicode.Scripts {
			if name != "Common" && name != "Inherited" && unicode.Is(t, r) {
				return strings.ToUpper(strings.ReplaceAll(name, "_", " ")) + " DIGIT " + digitWords[v]
			}
		}
		return "DIGIT " + digitWords[v]
	}
	return "FORMAT CHARACTER"
}

type lookalikeRune struct {
	ascii byte
	name  string
}

// lookalikeRunes are letters and dashes that look like the ASCII ones task
// IDs are made of, and invisible characters with their names.
var lookalikeRunes = map[rune]lookalikeRune{
	0x0405: {'S', "CYRILLIC CAPITAL LETTER DZE"},
	0x0406: {'I', "CYRILLIC CAPITAL LETTER BYELORUSSIAN-UKRAINIAN I"},
	0x0408: {'J', "CYRILLIC CAPITAL LETTER JE"},
	0x0410: {'A', "CYRILLIC CAPITAL LETTER A"},
	0x0412: {'B', "CYRILLIC CAPITAL LETTER VE"},
	0x0415: {'E', "CYRILLIC CAPITAL LETTER IE"},
	0x041A: {'K', "CYRILLIC CAPITAL LETTER KA"},
	0x041C: {'M', "CYRILLIC CAPITAL LETTER EM"},
	0x041D: {'H', "CYRILLIC CAPITAL LETTER EN"},
	0x041E: {'O', "CYRILLIC CAPITAL LETTER O"},
	0x0420: {'P', "CYRILLIC CAPITAL LETTER ER"},
	0x0421: {'C', "CYRILLIC CAPITAL LETTER ES"},
	0x0422: {'T', "CYRILLIC CAPITAL LETTER TE"},
	0x0423: {'Y', "CYRILLIC CAPITAL LETTER U"},
	0x0425: {'X', "CYRILLIC CAPITAL LETTER HA"},
	0x04AE: {'Y', "CYRILLIC CAPITAL LETTER STRAIGHT U"},
	0x04C0: {'I', "CYRILLIC LETTER PALOCHKA"},
	0x051A: {'Q', "CYRILLIC CAPITAL LETTER QA"},
	0x051C: {'W', "CYRILLIC CAPITAL LETTER WE"},
	0x0391: {'A', "GREEK CAPITAL LETTER ALPHA"},
	0x0392: {'B', "GREEK CAPITAL LETTER BETA"},
	0x0395: {'E', "GREEK CAPITAL LETTER EPSILON"},
	0x0396: {'Z', "GREEK CAPITAL LETTER ZETA"},
	0x0397: {'H', "GREEK CAPITAL LETTER ETA"},
	0x0399: {'I', "GREEK CAPITAL LETTER IOTA"},
	0x039A: {'K', "GREEK CAPITAL LETTER KAPPA"},
	0x039C: {'M', "GREEK CAPITAL LETTER MU"},
	0x039D: {'N', "GREEK CAPITAL LETTER NU"},
	0x039F: {'O', "GREEK CAPITAL LETTER OMICRON"},
	0x03A1: {'P', "GREEK CAPITAL LETTER RHO"},
	0x03A4: {'T', "GREEK CAPITAL LETTER TAU"},
	0x03A5: {'Y', "GREEK CAPITAL LETTER UPSILON"},
	0x03A7: {'X', "GREEK CAPITAL LETTER CHI"},
	0x212A: {'K', "KELVIN SIGN"},
	0x2160: {'I', "ROMAN NUMERAL ONE"},
	0x2010: {'-', "HYPHEN"},
	0x2011: {'-', "NON-BREAKING HYPHEN"},
	0x2012: {'-', "FIGURE DASH"},
	0x2013: {'-', "EN DASH"},
	0x2212: {'-', "MINUS SIGN"},
	0xFE63: {'-', "SMALL HYPHEN-MINUS"},
	0xFF0D: {'-', "FULLWIDTH HYPHEN-MINUS"},
	0x00AD: {0, "SOFT HYPHEN"},
	0x200B: {0, "ZERO WIDTH SPACE"},
	0x200C: {0, "ZERO WIDTH NON-JOINER"},
	0x200D: {0, "ZERO WIDTH JOINER"},
	0x200E: {0, "LEFT-TO-RIGHT MARK"},
	0x200F: {0, "RIGHT-TO-LEFT MARK"},
	0x202A: {0, "LEFT-TO-RIGHT EMBEDDING"},
	0x202B: {0, "RIGHT-TO-LEFT EMBEDDING"},
	0x202C: {0, "POP DIRECTIONAL FORMATTING"},
	0x202D: {0, "LEFT-TO-RIGHT OVERRIDE"},
	0x202E: {0, "RIGHT-TO-LEFT OVERRIDE"},
	0x2060: {0, "WORD JOINER"},
	0x2066: {0, "LEFT-TO-RIGHT ISOLATE"},
	0x2067: {0, "RIGHT-TO-LEFT ISOLATE"},
	0x2068: {0, "FIRST STRONG ISOLATE"},
	0x2069: {0, "POP DIRECTIONAL ISOLATE"},
	0xFEFF: {0, "ZERO WIDTH NO-BREAK SPACE"},
}

// digitNames names the decimal digits of each script by their zero (from
// the Unicode character database: "<name> DIGIT ZERO" .. "NINE"). Digits
// of scripts added later are named after their script.
var digitNames = map[rune]string{
	0x0660:  "ARABIC-INDIC",
	0x06F0:  "EXTENDED ARABIC-INDIC",
	0x07C0:  "NKO",
	0x0966:  "DEVANAGARI",
	0x09E6:  "BENGALI",
	0x0A66:  "GURMUKHI",
	0x0AE6:  "GUJARATI",
	0x0B66:  "ORIYA",
	0x0BE6:  "TAMIL",
	0x0C66:  "TELUGU",
	0x0CE6:  "KANNADA",
	0x0D66:  "MALAYALAM",
	0x0DE6:  "SINHALA LITH",
	0x0E50:  "THAI",
	0x0ED0:  "LAO",
	0x0F20:  "TIBETAN",
	0x1040:  "MYANMAR",
	0x1090:  "MYANMAR SHAN",
	0x17E0:  "KHMER",
	0x1810:  "MONGOLIAN",
	0x1946:  "LIMBU",
	0x19D0:  "NEW TAI LUE",
	0x1A80:  "TAI THAM HORA",
	0x1A90:  "TAI THAM THAM",
	0x1B50:  "BALINESE",
	0x1BB0:  "SUNDANESE",
	0x1C40:  "LEPCHA",
	0x1C50:  "OL CHIKI",
	0xA620:  "VAI",
	0xA8D0:  "SAURASHTRA",
	0xA900:  "KAYAH LI",
	0xA9D0:  "JAVANESE",
	0xA9F0:  "MYANMAR TAI LAING",
	0xAA50:  "CHAM",
	0xABF0:  "MEETEI MAYEK",
	0xFF10:  "FULLWIDTH",
	0x104A0: "OSMANYA",
	0x10D30: "HANIFI ROHINGYA",
	0x11066: "BRAHMI",
	0x110F0: "SORA SOMPENG",
	0x11136: "CHAKMA",
	0x111D0: "SHARADA",
	0x112F0: "KHUDAWADI",
	0x11450: "NEWA",
	0x114D0: "TIRHUTA",
	0x11650: "MODI",
	0x116C0: "TAKRI",
	0x11730: "AHOM",
	0x118E0: "WARANG CITI",
	0x11950: "DIVES AKURU",
	0x11C50: "BHAIKSUKI",
	0x11D50: "MASARAM GONDI",
	0x11DA0: "GUNJALA GONDI",
	0x16A60: "MRO",
	0x16AC0: "TANGSA",
	0x16B50: "PAHAWH HMONG",
	0x1D7CE: "MATHEMATICAL BOLD",
	0x1D7D8: "MATHEMATICAL DOUBLE-STRUCK",
	0x1D7E2: "MATHEMATICAL SANS-SERIF",
	0x1D7EC: "MATHEMATICAL SANS-SERIF BOLD",
	0x1D7F6: "MATHEMATICAL MONOSPACE",
	0x1E140: "NYIAKENG PUACHUE HMONG",
	0x1E2F0: "WANCHO",
	0x1E950: "ADLAM",
	0x1FBF0: "SEGMENTED",
}
