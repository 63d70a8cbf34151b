package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/taskls/taskls/analysis/text"
)

// at returns the span of the n-th (0-based) occurrence of sub in src.
func at(t testing.TB, src, sub string, n int) text.Span {
	t.Helper()
	off := 0
	for i := 0; ; i++ {
		k := strings.Index(src[off:], sub)
		if k < 0 {
			t.Fatalf("occurrence %d of %q not in %q", n, sub, src)
		}
		if i == n {
			return text.Span{Start: off + k, End: off + k + len(sub)}
		}
		off += k + 1
	}
}

func TestParseSpans(t *testing.T) {
	src := "\ufeff {\"a\" : [1, \"x\\n\", true,null ], \"b\":{\"c\":-1.5e+3}, \"a\": \"é\"}\n"
	v, err := Parse([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want text.Span) {
		t.Helper()
		if got != want {
			t.Errorf("%s: span %v %q, want %v %q", what, got, src[got.Start:got.End], want, src[want.Start:want.End])
		}
	}
	if v.Kind != Object || len(v.Members) != 3 {
		t.Fatalf("top: %v with %d members", v.Kind, len(v.Members))
	}
	check("top", v.Span, text.Span{Start: at(t, src, "{", 0).Start, End: at(t, src, "\"é\"}", 0).End})
	a := v.Members[0]
	check("key a", a.KeySpan, at(t, src, `"a"`, 0))
	arr := a.Value
	check("array", arr.Span, at(t, src, `[1, "x\n", true,null ]`, 0))
	if len(arr.Elems) != 4 {
		t.Fatalf("array has %d elements", len(arr.Elems))
	}
	check("1", arr.Elems[0].Span, at(t, src, "1", 0))
	check("string", arr.Elems[1].Span, at(t, src, `"x\n"`, 0))
	check("string inner", arr.Elems[1].Inner(), at(t, src, `x\n`, 0))
	check("true", arr.Elems[2].Span, at(t, src, "true", 0))
	check("null", arr.Elems[3].Span, at(t, src, "null", 0))
	wantStr := []struct {
		k Kind
		s string
	}{{Number, "1"}, {String, "x\n"}, {Bool, "true"}, {Null, "null"}}
	for i, w := range wantStr {
		if e := arr.Elems[i]; e.Kind != w.k || e.Str != w.s {
			t.Errorf("elem %d: %v %q, want %v %q", i, e.Kind, e.Str, w.k, w.s)
		}
	}
	c := v.Get("b").Get("c")
	if c == nil || c.Kind != Number || c.Str != "-1.5e+3" {
		t.Fatalf("b.c = %+v", c)
	}
	check("number", c.Span, at(t, src, "-1.5e+3", 0))
	// duplicate keys are kept, Get returns the first
	if v.Members[2].Key != "a" || v.Members[2].Value.Str != "é" {
		t.Errorf("third member %+v", v.Members[2])
	}
	check("second a", v.Members[2].KeySpan, at(t, src, `"a"`, 1))
	if v.Get("a") != arr {
		t.Error("Get(a) is not the first a")
	}
	if v.Get("zz") != nil || arr.Get("a") != nil || (*Value)(nil).Get("a") != nil {
		t.Error("Get of a missing key, an array or nil is not nil")
	}
	if (*Value)(nil).Inner() != (text.Span{}) || arr.Inner() != arr.Span {
		t.Error("Inner of nil or of a non-string")
	}
}

func TestParseStrings(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{`""`, ""},
		{`"plain"`, "plain"},
		{`"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{`"\u00e9\u20AC"`, "é€"},
		{`"\ud83d\ude00"`, "😀"},
		{`"\ud83d"`, "\uFFFD"},
		{`"\ud83dx"`, "\uFFFDx"},
		{`"\ud83d\u0041"`, "\uFFFDA"},
		{`"\ud83d\ud83d\ude00"`, "\uFFFD😀"},
		{`"\ude00"`, "\uFFFD"},
		{"\"a\xffb\"", "a\uFFFDb"},
		{"\"\xe2\x82\"", "\uFFFD\uFFFD"},
		{"\"✅ → done\"", "✅ → done"},
		{"\"\x7f\"", "\x7f"},
	} {
		v, err := Parse([]byte(tc.src))
		if err != nil {
			t.Errorf("%q: %v", tc.src, err)
			continue
		}
		if v.Kind != String || v.Str != tc.want {
			t.Errorf("%q: %v %q, want %q", tc.src, v.Kind, v.Str, tc.want)
		}
		if v.Span != (text.Span{Start: 0, End: len(tc.src)}) {
			t.Errorf("%q: span %v", tc.src, v.Span)
		}
	}
}

func TestParseValid(t *testing.T) {
	for _, src := range []string{
		"0", "-0", "0.5", "1e5", "1E-5", "-12.25e+10", "true", "false", "null",
		"[]", "{}", " \t\r\n[ ] ", "[[],[{}]]", `{"":""}`, "\ufeff{}",
		strings.Repeat("[", MaxDepth) + strings.Repeat("]", MaxDepth),
	} {
		if _, err := Parse([]byte(src)); err != nil {
			t.Errorf("%.40q: %v", src, err)
		}
	}
}

// TestParseErrors: ⟦ in src marks where the error must be (it is removed
// before parsing); no mark means at the end of the input.
func TestParseErrors(t *testing.T) {
	deep := strings.Repeat("[", MaxDepth) + "⟦[" + strings.Repeat("]", MaxDepth+1)
	for _, tc := range []struct{ src, msg string }{
		{"", "unexpected end of JSON input"},
		{" \n ", "unexpected end of JSON input"},
		{"\ufeff", "unexpected end of JSON input"},
		{"⟦x", "invalid character 'x' looking for beginning of value"},
		{"⟦\xff", `invalid character '\xff' looking for beginning of value`},
		{"⟦\u00a0 1", `invalid character '\u00a0' looking for beginning of value`},
		{"\ufeff⟦\ufeff1", `invalid character '\ufeff' looking for beginning of value`},
		{"⟦'a'", `invalid character '\'' looking for beginning of value`},
		{`{"a":1 ⟦"b":2}`, `expected ',' or '}' after object member, found '"'`},
		{`{"a":1⟦]`, `expected ',' or '}' after object member, found ']'`},
		{"[1 ⟦2]", "expected ',' or ']' after array element, found '2'"},
		{"[1⟦}", "expected ',' or ']' after array element, found '}'"},
		{`{"a" ⟦1}`, "expected ':' after object key, found '1'"},
		{"{⟦1:2}", "invalid character '1' looking for beginning of object key string"},
		{"{⟦'a':2}", `invalid character '\'' looking for beginning of object key string`},
		{`{"a":1,⟦}`, "invalid character '}' looking for beginning of object key string"},
		{"[1,⟦]", "invalid character ']' looking for beginning of value"},
		{"[⟦,1]", "invalid character ',' looking for beginning of value"},
		{`{"a":⟦}`, "invalid character '}' looking for beginning of value"},
		{`"ab⟦\q"`, `invalid escape '\q' in string literal`},
		{"\"ab⟦\\\x01\"", `invalid escape in string literal: '\x01' after backslash`},
		{`"a\u12⟦g4"`, `invalid character 'g' in \u hexadecimal character escape`},
		{"\"a⟦\n\"", `invalid character '\n' in string literal`},
		{"\"a⟦\x00\"", `invalid character '\x00' in string literal`},
		{"[\"a⟦\t\"]", `invalid character '\t' in string literal`},
		{`"abc`, "unexpected end of JSON input"},
		{`"abc\`, "unexpected end of JSON input"},
		{`"abc\u12`, "unexpected end of JSON input"},
		{`{"abc`, "unexpected end of JSON input"},
		{`{"abc"`, "unexpected end of JSON input"},
		{`{"abc":`, "unexpected end of JSON input"},
		{`{"abc":1`, "unexpected end of JSON input"},
		{`{"abc":1,`, "unexpected end of JSON input"},
		{"[1,2", "unexpected end of JSON input"},
		{"[", "unexpected end of JSON input"},
		{"tr⟦x", "invalid character 'x' in literal true (expecting 'u')"},
		{"fals⟦E", "invalid character 'E' in literal false (expecting 'e')"},
		{"nul", "unexpected end of JSON input"},
		{"0⟦1", "invalid character '1' after leading zero in numeric literal"},
		{"-⟦a", "invalid character 'a' in numeric literal"},
		{"-", "unexpected end of JSON input"},
		{"⟦+1", "invalid character '+' looking for beginning of value"},
		{"⟦.5", "invalid character '.' looking for beginning of value"},
		{"1.⟦e5", "invalid character 'e' after decimal point in numeric literal"},
		{"1e+⟦x", "invalid character 'x' in exponent of numeric literal"},
		{"1e", "unexpected end of JSON input"},
		{"[1.⟦]", "invalid character ']' after decimal point in numeric literal"},
		{"{\"a\":1} ⟦x", "invalid character 'x' after top-level value"},
		{"[1]⟦]", "invalid character ']' after top-level value"},
		{"1 ⟦2", "invalid character '2' after top-level value"},
		{"{}⟦\ufeff", `invalid character '\ufeff' after top-level value`},
		{"[1]⟦\x00", `invalid character '\x00' after top-level value`},
		{"tru⟦E", "invalid character 'E' in literal true (expecting 'e')"},
		{deep, "exceeded maximum nesting depth of 512"},
	} {
		src, msg := tc.src, tc.msg
		want := strings.Index(src, "⟦")
		src = strings.Replace(src, "⟦", "", 1)
		if want < 0 {
			want = len(src)
		}
		v, err := Parse([]byte(src))
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("%.60q: got %v, %v; want a *SyntaxError", src, v, err)
			continue
		}
		if se.Offset != want || se.Msg != msg {
			t.Errorf("%.60q:\n got %d %s\nwant %d %s", src, se.Offset, se.Msg, want, msg)
		}
		if v != nil {
			t.Errorf("%.60q: a value with the error", src)
		}
		if got := se.Error(); got != fmt.Sprintf("offset %d: %s", want, msg) {
			t.Errorf("Error() = %q", got)
		}
		// the Decoder reports the same error
		d := NewDecoder([]byte(src))
		rebuild(d)
		d.End()
		if de := d.Err(); de == nil || *de != *se {
			t.Errorf("%.60q: decoder error %v, parser error %v", src, de, se)
		}
	}
}

func TestDecoder(t *testing.T) {
	src := `{"skip": {"x": [1, {"y": "z"}]}, "s": "v", "o": {"k": 1}, "a": [10, "t", [], null], "n": 7}`
	d := NewDecoder([]byte(src))
	var got []string
	span, ok := d.Object(func(key string, ks text.Span) {
		if src[ks.Start:ks.End] != `"`+key+`"` {
			t.Errorf("key span %v of %q", ks, key)
		}
		switch key {
		case "skip": // not read: skipped
		case "s":
			v, ok := d.Scalar()
			got = append(got, fmt.Sprintf("s=%v:%s", v.Kind, v.Str))
			if !ok || v.Span != at(t, src, `"v"`, 0) {
				t.Errorf("s: %v %v", v.Span, ok)
			}
		case "o":
			v, _ := d.Scalar() // a container: skipped, span kept
			got = append(got, fmt.Sprintf("o=%v", v.Kind))
			if v.Span != at(t, src, `{"k": 1}`, 0) || v.Str != "" {
				t.Errorf("o: %+v", v)
			}
		case "a":
			sp, isArr := d.Array(func(i int) {
				if k, _ := d.Peek(); k == String {
					v, _ := d.Scalar()
					got = append(got, fmt.Sprintf("a[%d]=%s", i, v.Str))
				}
			})
			if !isArr || sp != at(t, src, `[10, "t", [], null]`, 0) {
				t.Errorf("a: %v %v", sp, isArr)
			}
		case "n":
			if _, isObj := d.Object(func(string, text.Span) { t.Error("called for a number") }); isObj {
				t.Error("7 is an object")
			}
		}
	})
	if !ok || span != (text.Span{Start: 0, End: len(src)}) || !d.End() || d.Err() != nil {
		t.Fatalf("object %v %v, err %v", span, ok, d.Err())
	}
	if want := "s=string:v o=object a[1]=t"; strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	if d.Offset() != len(src) {
		t.Errorf("offset %d", d.Offset())
	}

	// NewDecoderAt reads one value in the middle, with absolute spans
	off := strings.Index(src, `{"k"`)
	d = NewDecoderAt([]byte(src), off)
	v := d.Value()
	if v == nil || v.Span != at(t, src, `{"k": 1}`, 0) || v.Get("k").Span != oneByte(at(t, src, "1}", 0)) {
		t.Errorf("NewDecoderAt: %+v", v)
	}
	// Peek at the end, and sticky errors
	d = NewDecoder([]byte("  "))
	if _, ok := d.Peek(); ok {
		t.Error("Peek at the end")
	}
	if _, ok := d.Skip(); ok || d.Err() == nil || d.Err().Offset != 2 {
		t.Errorf("Skip at the end: %v", d.Err())
	}
	if d.Value() != nil || d.End() {
		t.Error("reads after an error")
	}
}

// oneByte is the one-byte span at s.Start.
func oneByte(s text.Span) text.Span { return text.Span{Start: s.Start, End: s.Start + 1} }

// rebuild reads the next value through the Decoder API into a tree.
func rebuild(d *Decoder) *Value {
	k, ok := d.Peek()
	if !ok {
		d.Skip() // records the error
		return nil
	}
	switch k {
	case Object:
		v := &Value{Kind: Object}
		v.Span, _ = d.Object(func(key string, ks text.Span) {
			v.Members = append(v.Members, Member{Key: key, KeySpan: ks, Value: rebuild(d)})
		})
		return v
	case Array:
		v := &Value{Kind: Array}
		v.Span, _ = d.Array(func(int) { v.Elems = append(v.Elems, rebuild(d)) })
		return v
	}
	v, _ := d.Scalar()
	return &v
}

// plain converts a tree to what encoding/json with UseNumber gives (the
// last of duplicate keys wins).
func plain(v *Value) any {
	switch v.Kind {
	case Null:
		return nil
	case Bool:
		return v.Str == "true"
	case Number:
		return json.Number(v.Str)
	case String:
		return v.Str
	case Array:
		out := []any{}
		for _, e := range v.Elems {
			out = append(out, plain(e))
		}
		return out
	}
	out := map[string]any{}
	for _, m := range v.Members {
		out[m.Key] = plain(m.Value)
	}
	return out
}

// checkTree verifies that every span of v points at the right bytes.
func checkTree(t *testing.T, data []byte, v *Value) {
	t.Helper()
	s := v.Span
	if s.Start < 0 || s.End > len(data) || s.Start >= s.End {
		t.Fatalf("span %v out of %d bytes", s, len(data))
	}
	tok := string(data[s.Start:s.End])
	first, last := tok[0], tok[len(tok)-1]
	switch v.Kind {
	case Object:
		if first != '{' || last != '}' || v.Elems != nil {
			t.Fatalf("object span %q", tok)
		}
		prev := s.Start
		for _, m := range v.Members {
			k := m.KeySpan
			if k.Start <= prev || data[k.Start] != '"' || data[k.End-1] != '"' || m.Value.Span.Start <= k.End || m.Value.Span.End >= s.End {
				t.Fatalf("member %q at %v in %v", m.Key, k, s)
			}
			checkTree(t, data, m.Value)
			prev = m.Value.Span.End
		}
	case Array:
		if first != '[' || last != ']' || v.Members != nil {
			t.Fatalf("array span %q", tok)
		}
		prev := s.Start
		for _, e := range v.Elems {
			if e.Span.Start <= prev || e.Span.End >= s.End {
				t.Fatalf("element %v in %v", e.Span, s)
			}
			checkTree(t, data, e)
			prev = e.Span.End
		}
	case String:
		if first != '"' || last != '"' || len(tok) < 2 {
			t.Fatalf("string span %q", tok)
		}
	default:
		if tok != v.Str {
			t.Fatalf("%v span %q, Str %q", v.Kind, tok, v.Str)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"tasks":[{"id":"T001","depends_on":["T002"],"n":1.5e3,"ok":true,"x":null}]}`,
		"\ufeff[1, -0.5, \"\\ud83d\\ude00\", {}]",
		`{"a" 1}`, `[1,]`, `{"a":1,}`, `"\u12g4"`, "\"\x00\"", "\"\xff\"", "01", "-", "1e+",
		"tru", "[" + strings.Repeat("[", 600), `{"a":{"b":{"c":[]}}} x`, "\u00a0", "",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		body := bytes.TrimPrefix(data, []byte("\ufeff"))
		if err != nil {
			se, ok := err.(*SyntaxError)
			if !ok || v != nil {
				t.Fatalf("error %T %v with value %v", err, err, v)
			}
			if se.Offset < 0 || se.Offset > len(data) || se.Msg == "" {
				t.Fatalf("bad error %+v for %d bytes", se, len(data))
			}
			if json.Valid(body) && !strings.HasPrefix(se.Msg, "exceeded maximum nesting depth") {
				t.Fatalf("encoding/json accepts what Parse rejects: %v", err)
			}
		} else {
			checkTree(t, data, v)
			if !json.Valid(body) {
				t.Fatalf("Parse accepts what encoding/json rejects")
			}
			dec := json.NewDecoder(bytes.NewReader(body))
			dec.UseNumber()
			var want any
			if err := dec.Decode(&want); err != nil {
				t.Fatal(err)
			}
			if got := plain(v); !reflect.DeepEqual(got, want) {
				t.Fatalf("tree %#v\nencoding/json %#v", got, want)
			}
		}
		// the Decoder agrees with Parse
		d := NewDecoder(data)
		w := rebuild(d)
		d.End()
		de := d.Err()
		switch {
		case (de == nil) != (err == nil):
			t.Fatalf("decoder error %v, parse error %v", de, err)
		case de != nil:
			if *de != *err.(*SyntaxError) {
				t.Fatalf("decoder error %v, parse error %v", de, err)
			}
		case !reflect.DeepEqual(clean(w), clean(v)):
			t.Fatalf("decoder tree differs")
		}
	})
}

// clean turns nil slices into empty ones so that trees built two ways compare.
func clean(v *Value) *Value {
	c := *v
	c.Members, c.Elems = []Member{}, []*Value{}
	for _, m := range v.Members {
		m.Value = clean(m.Value)
		c.Members = append(c.Members, m)
	}
	for _, e := range v.Elems {
		c.Elems = append(c.Elems, clean(e))
	}
	return &c
}

func TestKindString(t *testing.T) {
	if Object.String() != "object" || Kind(9).String() != "Kind(9)" {
		t.Error(Object.String(), Kind(9).String())
	}
}

// benchDoc is a deterministic document of n objects with strings (some
// escaped, some not ASCII), numbers, literals and nested arrays.
func benchDoc(n int) []byte {
	var b bytes.Buffer
	b.WriteString("[\n")
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `  {"id": "T%05d", "title": "Task %d \u2014 \"quoted\" → ✅", "n": %d, "f": %d.25e-3, "ok": %t, "none": null,
   "deps": ["T%05d", "T%05d"], "nested": {"a": [[], {}], "b": "plain text of some length, as descriptions are"}}`,
			i, i, i*7, i, i%2 == 0, i/2, i/3)
	}
	b.WriteString("\n]\n")
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	data := benchDoc(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecoderSkip(b *testing.B) {
	data := benchDoc(5000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		d := NewDecoder(data)
		d.Skip()
		if !d.End() {
			b.Fatal(d.Err())
		}
	}
}
