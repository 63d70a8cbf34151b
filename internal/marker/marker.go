// Package marker runs taskls's data-driven tests. A test is one txtar
// archive of the files a user would have; lines carry trailing annotations
// such as
//
//	dependencies: [T009] //@diag("T009", unknown-id, "unknown task ID T009")
//
// The annotations are stripped (with the blanks before them) before the
// files are written to a temporary folder, so the server and the analysis
// see exactly what a user would have written. A needle names the first
// occurrence of a string on the annotated line.
package marker

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// File is one file of an archive.
type File struct {
	Name string
	Data []byte
}

// ParseTxtar reads the txtar format: a comment, then files each introduced
// by a line "-- name --".
func ParseTxtar(data []byte) (comment []byte, files []File) {
	lines := bytes.SplitAfter(data, []byte("\n"))
	cur := -1
	for _, l := range lines {
		t := bytes.TrimRight(l, "\r\n")
		if bytes.HasPrefix(t, []byte("-- ")) && bytes.HasSuffix(t, []byte(" --")) && len(t) > 6 {
			files = append(files, File{Name: strings.TrimSpace(string(t[3 : len(t)-3]))})
			cur = len(files) - 1
			continue
		}
		if cur < 0 {
			comment = append(comment, l...)
		} else {
			files[cur].Data = append(files[cur].Data, l...)
		}
	}
	return comment, files
}

// Arg is one annotation argument: a quoted string, a re"..." regexp, or a
// bare word.
type Arg struct {
	Str   string
	Re    *regexp.Regexp
	Ident string
}

func (a Arg) String() string {
	switch {
	case a.Re != nil:
		return "re" + fmt.Sprintf("%q", a.Re.String())
	case a.Ident != "":
		return a.Ident
	}
	return fmt.Sprintf("%q", a.Str)
}

// Matches reports whether s matches the argument (exactly, or the regexp).
func (a Arg) Matches(s string) bool {
	if a.Re != nil {
		return a.Re.MatchString(s)
	}
	if a.Ident != "" {
		return a.Ident == s
	}
	return a.Str == s
}

// Note is one annotation.
type Note struct {
	File string // archive name of the file
	Line int    // zero-based line
	Name string // diag, hover, def, ...
	Args []Arg
}

func (n Note) String() string {
	args := make([]string, len(n.Args))
	for i, a := range n.Args {
		args[i] = a.String()
	}
	return fmt.Sprintf("%s:%d: @%s(%s)", n.File, n.Line+1, n.Name, strings.Join(args, ", "))
}

// Test is a loaded archive written to a folder.
type Test struct {
	Name    string
	Dir     string            // the temporary folder holding the files
	Comment string            // the archive's comment
	Files   map[string][]byte // archive name -> content as written (annotations stripped)
	Golden  map[string]string // files named "@name": expected outputs, not written to disk
	Notes   []Note
}

// Load reads an archive, strips its annotations and writes its files under
// a temporary folder.
func Load(t testing.TB, path string) *Test {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	comment, files := ParseTxtar(data)
	ts := &Test{Name: filepath.Base(path), Dir: t.TempDir(), Comment: string(comment), Files: map[string][]byte{}, Golden: map[string]string{}}
	for _, f := range files {
		if strings.HasPrefix(f.Name, "@") {
			ts.Golden[f.Name[1:]] = string(f.Data)
			continue
		}
		var out [][]byte
		for i, line := range bytes.SplitAfter(f.Data, []byte("\n")) {
			body := line
			nl := []byte{}
			if bytes.HasSuffix(body, []byte("\n")) {
				body, nl = body[:len(body)-1], []byte("\n")
			}
			if j := bytes.Index(body, []byte("//@")); j >= 0 {
				notes, err := parseNotes(string(body[j:]))
				if err != nil {
					t.Fatalf("%s: %s:%d: %v", path, f.Name, i+1, err)
				}
				for _, n := range notes {
					n.File, n.Line = f.Name, i
					ts.Notes = append(ts.Notes, n)
				}
				body = bytes.TrimRight(body[:j], " \t")
			}
			out = append(out, append(append([]byte{}, body...), nl...))
		}
		content := bytes.Join(out, nil)
		ts.Files[f.Name] = content
		p := filepath.Join(ts.Dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, content, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return ts
}

// parseNotes parses "//@name(args) //@name(args)".
func parseNotes(s string) ([]Note, error) {
	var out []Note
	for len(s) > 0 {
		s = strings.TrimLeft(s, " \t")
		if s == "" {
			break
		}
		if !strings.HasPrefix(s, "//@") {
			return nil, fmt.Errorf("unexpected text %q after an annotation", s)
		}
		s = s[3:]
		open := strings.IndexByte(s, '(')
		if open < 0 {
			return nil, fmt.Errorf("annotation without arguments")
		}
		n := Note{Name: s[:open]}
		s = s[open+1:]
		for {
			s = strings.TrimLeft(s, " \t,")
			if s == "" {
				return nil, fmt.Errorf("unterminated annotation @%s", n.Name)
			}
			if s[0] == ')' {
				s = s[1:]
				break
			}
			var a Arg
			switch {
			case strings.HasPrefix(s, `re"`):
				str, rest, err := quoted(s[2:])
				if err != nil {
					return nil, err
				}
				re, err := regexp.Compile(str)
				if err != nil {
					return nil, err
				}
				a.Re, s = re, rest
			case s[0] == '"':
				str, rest, err := quoted(s)
				if err != nil {
					return nil, err
				}
				a.Str, s = str, rest
			default:
				end := strings.IndexAny(s, ",) \t")
				if end < 0 {
					end = len(s)
				}
				a.Ident, s = s[:end], s[end:]
			}
			n.Args = append(n.Args, a)
		}
		out = append(out, n)
	}
	return out, nil
}

// quoted reads a Go-style double-quoted string at the start of s.
func quoted(s string) (string, string, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 < len(s) {
				i++
				switch s[i] {
				case 'n':
					b.WriteByte('\n')
				case 't':
					b.WriteByte('\t')
				default:
					b.WriteByte(s[i])
				}
			}
		case '"':
			return b.String(), s[i+1:], nil
		default:
			b.WriteByte(s[i])
		}
	}
	return "", "", fmt.Errorf("unterminated string in annotation")
}

// Path is the absolute path of an archive file.
func (ts *Test) Path(name string) string {
	return filepath.Join(ts.Dir, filepath.FromSlash(name))
}

// Find returns the byte span [start, end) of the first occurrence of needle
// on a line of a file. A needle may carry context: in `"x": ["«T001»"]` the
// span is the part between the guillemets.
func (ts *Test) Find(t testing.TB, file string, line int, needle string) (int, int) {
	t.Helper()
	needle, pre, post := splitNeedle(needle)
	content := ts.Files[file]
	start := 0
	for i := 0; i < line; i++ {
		j := bytes.IndexByte(content[start:], '\n')
		if j < 0 {
			t.Fatalf("%s has no line %d", file, line+1)
		}
		start += j + 1
	}
	end := bytes.IndexByte(content[start:], '\n')
	if end < 0 {
		end = len(content) - start
	}
	k := strings.Index(string(content[start:start+end]), needle)
	if k < 0 {
		t.Fatalf("%s:%d: %q not found on the line", file, line+1, needle)
	}
	return start + k + pre, start + k + len(needle) - post
}

// FindAnywhere returns the span of the first occurrence of needle in file.
func (ts *Test) FindAnywhere(t testing.TB, file, needle string) (int, int) {
	t.Helper()
	needle, pre, post := splitNeedle(needle)
	k := strings.Index(string(ts.Files[file]), needle)
	if k < 0 {
		t.Fatalf("%s: %q not found", file, needle)
	}
	return k + pre, k + len(needle) - post
}

// splitNeedle removes the guillemets of a needle and says how many bytes
// of context stand before and after the marked part.
func splitNeedle(needle string) (plain string, pre, post int) {
	i := strings.Index(needle, "«")
	j := strings.Index(needle, "»")
	if i < 0 || j < i {
		return needle, 0, 0
	}
	return needle[:i] + needle[i+len("«"):j] + needle[j+len("»"):], i, len(needle) - j - len("»")
}

// NameOf maps an absolute path back to its archive name.
func (ts *Test) NameOf(path string) string {
	rel, err := filepath.Rel(ts.Dir, path)
	if err != nil {
		return path
	}
	return filepath.ToSlash(rel)
}

// Archives lists the *.txtar files of a folder.
func Archives(t testing.TB, dir string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if err != nil || len(m) == 0 {
		t.Fatalf("no test archives in %s", dir)
	}
	return m
}
