// Package jsonpos parses JSON keeping the byte span of every value, key and
// string. It is a small hand-written scanner: much faster than a YAML parser
// on large manifests and exact about where each token is.
package jsonpos

import (
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/taskls/taskls/analysis/text"
)

// Kind is a JSON value's type.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// Value is one JSON value with its span.
type Value struct {
	Kind    Kind
	Span    text.Span // the whole value, quotes and brackets included
	Str     string    // decoded string for String; literal text for Number, Bool, Null
	Members []Member  // Object, in source order
	Elems   []*Value  // Array
}

// Member is one key of an object.
type Member struct {
	Key     string
	KeySpan text.Span // quotes included
	Value   *Value
}

// SyntaxError is where and why parsing stopped.
type SyntaxError struct {
	Offset int
	Msg    string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// MaxDepth bounds nesting so that hostile input cannot exhaust the stack.
const MaxDepth = 512

// Get returns the first member named key, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := range v.Members {
		if v.Members[i].Key == key {
			return v.Members[i].Value
		}
	}
	return nil
}

// Inner is the span inside a string's quotes (the span itself otherwise).
func (v *Value) Inner() text.Span {
	if v.Kind == String && v.Span.Len() >= 2 {
		return text.Span{Start: v.Span.Start + 1, End: v.Span.End - 1}
	}
	return v.Span
}

type parser struct {
	b   []byte
	i   int
	err *SyntaxError
}

// Parse parses one JSON document. A UTF-8 byte order mark is skipped.
func Parse(data []byte) (*Value, error) {
	p := &parser{b: data}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.i = 3
	}
	p.ws()
	v := p.value(0)
	if p.err != nil {
		return nil, p.err
	}
	p.ws()
	if p.i < len(p.b) {
		return nil, p.fail(p.i, "invalid character %s after top-level value", p.quoteChar())
	}
	return v, nil
}

func (p *parser) fail(off int, format string, args ...any) *SyntaxError {
	if p.err == nil {
		p.err = &SyntaxError{Offset: off, Msg: fmt.Sprintf(format, args...)}
	}
	return p.err
}

func (p *parser) quoteChar() string {
	if p.i >= len(p.b) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.b[p.i:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", p.b[p.i])
	}
	return strconv.QuoteRune(r)
}

func (p *parser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) *Value {
	if depth > MaxDepth {
		p.fail(p.i, "nesting deeper than %d levels", MaxDepth)
		return nil
	}
	if p.i >= len(p.b) {
		p.fail(p.i, "unexpected end of JSON input")
		return nil
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		start := p.i
		s, ok := p.str()
		if !ok {
			return nil
		}
		return &Value{Kind: String, Span: text.Span{Start: start, End: p.i}, Str: s}
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	case c == 't':
		return p.literal("true", Bool)
	case c == 'f':
		return p.literal("false", Bool)
	case c == 'n':
		return p.literal("null", Null)
	}
	p.fail(p.i, "invalid character %s looking for beginning of value", p.quoteChar())
	return nil
}

func (p *parser) literal(word string, k Kind) *Value {
	start := p.i
	for j := 0; j < len(word); j++ {
		if p.i >= len(p.b) {
			p.fail(p.i, "unexpected end of JSON input")
			return nil
		}
		if p.b[p.i] != word[j] {
			p.fail(p.i, "invalid character %s in literal %s (expecting %q)", p.quoteChar(), word, word[j])
			return nil
		}
		p.i++
	}
	return &Value{Kind: k, Span: text.Span{Start: start, End: p.i}, Str: word}
}

func (p *parser) number() *Value {
	start := p.i
	digits := func() int {
		n := 0
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.b[p.i] == '-' {
		p.i++
	}
	if p.i < len(p.b) && p.b[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		p.fail(p.i, "invalid character %s in numeric literal", p.quoteChar())
		return nil
	}
	if p.i < len(p.b) && p.b[p.i] == '.' {
		p.i++
		if digits() == 0 {
			p.fail(p.i, "invalid character %s after decimal point in numeric literal", p.quoteChar())
			return nil
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		p.i++
		if p.i < len(p.b) && (p.b[p.i] == '+' || p.b[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			p.fail(p.i, "invalid character %s in exponent of numeric literal", p.quoteChar())
			return nil
		}
	}
	return &Value{Kind: Number, Span: text.Span{Start: start, End: p.i}, Str: string(p.b[start:p.i])}
}

// str reads a string at p.i (which is at its opening quote).
func (p *parser) str() (string, bool) {
	p.i++ // opening quote
	start := p.i
	// fast path: no escapes, valid UTF-8, no control characters
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			if utf8.Valid(s) {
				return string(s), true
			}
			return string([]rune(string(s))), true // replace invalid bytes
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			p.fail(p.i, "invalid control character in string literal")
			return "", false
		}
		p.i++
	}
	if p.i >= len(p.b) {
		p.fail(p.i, "unexpected end of JSON input (unterminated string)")
		return "", false
	}
	buf := append([]byte(nil), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			return string(buf), true
		case c < 0x20:
			p.fail(p.i, "invalid control character in string literal")
			return "", false
		case c == '\\':
			if p.i+1 >= len(p.b) {
				p.fail(p.i+1, "unexpected end of JSON input (unterminated string)")
				return "", false
			}
			e := p.b[p.i+1]
			p.i += 2
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := p.hex4()
				if !ok {
					return "", false
				}
				if utf16.IsSurrogate(r) {
					if p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
						save := p.i
						p.i += 2
						r2, ok := p.hex4()
						if !ok {
							return "", false
						}
						if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
							r = d
						} else {
							r = utf8.RuneError
							p.i = save
						}
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
			default:
				p.fail(p.i-1, "invalid escape %s in string literal", strconv.QuoteRune(rune(e)))
				return "", false
			}
		default:
			buf = append(buf, c)
			p.i++
		}
	}
	p.fail(p.i, "unexpected end of JSON input (unterminated string)")
	return "", false
}

func (p *parser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		p.fail(p.i, "unexpected end of JSON input in \\u escape")
		return 0, false
	}
	var r rune
	for j := 0; j < 4; j++ {
		c := p.b[p.i+j]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			p.fail(p.i+j, "invalid character in \\u hexadecimal escape")
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	p.i += 4
	return r, true
}

func (p *parser) object(depth int) *Value {
	v := &Value{Kind: Object, Span: text.Span{Start: p.i}}
	p.i++
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		v.Span.End = p.i
		return v
	}
	for {
		p.ws()
		if p.i >= len(p.b) {
			p.fail(p.i, "unexpected end of JSON input")
			return nil
		}
		if p.b[p.i] != '"' {
			p.fail(p.i, "invalid character %s looking for beginning of object key string", p.quoteChar())
			return nil
		}
		ks := p.i
		key, ok := p.str()
		if !ok {
			return nil
		}
		m := Member{Key: key, KeySpan: text.Span{Start: ks, End: p.i}}
		p.ws()
		if p.i >= len(p.b) {
			p.fail(p.i, "unexpected end of JSON input")
			return nil
		}
		if p.b[p.i] != ':' {
			p.fail(p.i, "invalid character %s after object key, expected ':'", p.quoteChar())
			return nil
		}
		p.i++
		p.ws()
		m.Value = p.value(depth + 1)
		if p.err != nil {
			return nil
		}
		v.Members = append(v.Members, m)
		p.ws()
		if p.i >= len(p.b) {
			p.fail(p.i, "unexpected end of JSON input")
			return nil
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			continue
		case '}':
			p.i++
			v.Span.End = p.i
			return v
		}
		p.fail(p.i, "expected ',' or '}' after object member, found %s", p.quoteChar())
		return nil
	}
}

func (p *parser) array(depth int) *Value {
	v := &Value{Kind: Array, Span: text.Span{Start: p.i}}
	p.i++
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		v.Span.End = p.i
		return v
	}
	for {
		p.ws()
		e := p.value(depth + 1)
		if p.err != nil {
			return nil
		}
		v.Elems = append(v.Elems, e)
		p.ws()
		if p.i >= len(p.b) {
			p.fail(p.i, "unexpected end of JSON input")
			return nil
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			continue
		case ']':
			p.i++
			v.Span.End = p.i
			return v
		}
		p.fail(p.i, "expected ',' or ']' after array element, found %s", p.quoteChar())
		return nil
	}
}
