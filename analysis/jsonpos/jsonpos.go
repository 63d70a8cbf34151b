// Package jsonpos parses JSON (RFC 8259) and keeps the byte span of every
// value and every object key, so that a language server can point at the
// exact characters of a document.
//
// Two ways in: Parse builds a tree of Values; a Decoder walks the document
// member by member and element by element, building only what its caller
// asks for, so that a large document can be read without holding a tree of
// it. Both share one hand-written scanner, never panic on any input, and
// report a *SyntaxError at the byte offset of the first problem.
package jsonpos

import (
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/taskls/taskls/analysis/text"
)

// Kind is the type of a JSON value.
type Kind uint8

// The kinds of JSON values.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

var kindNames = [...]string{"null", "bool", "number", "string", "array", "object"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one JSON value and where it is written.
type Value struct {
	Kind    Kind
	Span    text.Span // the whole token or value, quotes and brackets included
	Str     string    // decoded text of a String; the literal text of a Number, Bool or Null
	Members []Member  // Object: its members in source order, duplicate keys kept
	Elems   []*Value  // Array: its elements
}

// Member is one key of an object and its value.
type Member struct {
	Key     string    // decoded
	KeySpan text.Span // the key token, quotes included
	Value   *Value
}

// Get returns the value of the first member named key; nil when v is nil,
// not an object, or has no such member.
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

// Inner is, for a String, the span between its quotes; for any other value
// its whole span (and the zero span for a nil value).
func (v *Value) Inner() text.Span {
	if v == nil {
		return text.Span{}
	}
	if v.Kind == String && v.Span.Len() >= 2 {
		return text.Span{Start: v.Span.Start + 1, End: v.Span.End - 1}
	}
	return v.Span
}

// SyntaxError says where and why a document is not JSON.
type SyntaxError struct {
	Offset int    // byte offset of the offending byte (the length of the input at an unexpected end)
	Msg    string // what is wrong, without the offset
}

func (e *SyntaxError) Error() string {
	return "offset " + strconv.Itoa(e.Offset) + ": " + e.Msg
}

// MaxDepth is how deeply arrays and objects may nest; deeper input is a
// syntax error rather than a risk to the stack.
const MaxDepth = 512

// Parse parses one JSON document. The error, when not nil, is a
// *SyntaxError. A UTF-8 byte order mark at the start is skipped (spans still
// count it). Invalid UTF-8 inside strings decodes to U+FFFD; anything after
// the top-level value other than whitespace is an error.
func Parse(data []byte) (*Value, error) {
	var p parser
	p.init(data, 0)
	v := p.value()
	if p.err == nil {
		p.end()
	}
	if p.err != nil {
		return nil, p.err
	}
	return v, nil
}

const (
	msgEOF = "unexpected end of JSON input"

	// strings up to this many bytes are interned while parsing: task IDs,
	// statuses and keys repeat thousands of times in a large manifest
	internMax = 24
)

// flags of a scanned string
const (
	flHigh uint8 = 1 // holds bytes >= 0x80
	flEsc  uint8 = 2 // holds escapes
)

// strClass classifies bytes inside a string: 0 ends the fast scan (a quote,
// a backslash or a control character), otherwise the flags the byte adds.
var strClass = func() (t [256]uint8) {
	for c := 0x20; c < 256; c++ {
		switch {
		case c == '"' || c == '\\':
		case c >= 0x80:
			t[c] = flHigh | 4
		default:
			t[c] = 4
		}
	}
	return t
}()

type parser struct {
	data  []byte
	pos   int
	depth int
	nread int // values fully read through the Decoder API
	err   *SyntaxError

	buf   []byte   // scratch for unescaping
	cache []string // interned strings, direct-mapped by hash

	// slabs the tree is carved from, so that a large tree costs few allocations
	vals     []Value
	mems     []Member
	ptrs     []*Value
	slabSize int

	// members and elements of the containers being built
	mstack []Member
	estack []*Value
}

func (p *parser) init(data []byte, off int) {
	p.data = data
	p.pos = off
	if off == 0 && len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.pos = 3
	}
	if p.pos < 0 || p.pos > len(data) {
		p.pos = len(data)
	}
}

func (p *parser) fail(off int, msg string) {
	if p.err == nil {
		p.err = &SyntaxError{Offset: off, Msg: msg}
	}
}

func (p *parser) eof() { p.fail(len(p.data), msgEOF) }

// failChar reports the byte at off as an invalid character, followed by
// context ("looking for beginning of value").
func (p *parser) failChar(off int, context string) {
	p.fail(off, "invalid character "+p.describe(off)+" "+context)
}

// describe quotes the character at off for a message: 'x', '\n', 'é',
// '\ufeff', or '\xff' for a byte that is not UTF-8.
func (p *parser) describe(off int) string {
	r, size := utf8.DecodeRune(p.data[off:])
	if r == utf8.RuneError && size <= 1 {
		return fmt.Sprintf(`'\x%02x'`, p.data[off])
	}
	return strconv.QuoteRune(r)
}

func (p *parser) ws() {
	data, i := p.data, p.pos
	for i < len(data) {
		switch data[i] {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		}
		break
	}
	p.pos = i
}

// end checks that only whitespace follows the top-level value.
func (p *parser) end() {
	p.ws()
	if p.pos < len(p.data) {
		p.failChar(p.pos, "after top-level value")
	}
}

// enter opens the array or object at p.pos.
func (p *parser) enter() bool {
	if p.depth >= MaxDepth {
		p.fail(p.pos, "exceeded maximum nesting depth of "+strconv.Itoa(MaxDepth))
		return false
	}
	p.depth++
	p.pos++
	return true
}

// objectNext moves to the next member of an object: first is true right
// after the '{'. It returns true with p.pos at the key's opening quote, or
// false after the closing '}' or on an error.
func (p *parser) objectNext(first bool) bool {
	p.ws()
	if p.pos >= len(p.data) {
		p.eof()
		return false
	}
	c := p.data[p.pos]
	if !first {
		switch c {
		case ',':
			p.pos++
			p.ws()
			if p.pos >= len(p.data) {
				p.eof()
				return false
			}
			if p.data[p.pos] == '"' {
				return true
			}
			p.failChar(p.pos, "looking for beginning of object key string")
			return false
		case '}':
			p.pos++
			return false
		}
		p.fail(p.pos, "expected ',' or '}' after object member, found "+p.describe(p.pos))
		return false
	}
	switch c {
	case '"':
		return true
	case '}':
		p.pos++
		return false
	}
	p.failChar(p.pos, "looking for beginning of object key string")
	return false
}

// arrayNext moves to the next element of an array: first is true right
// after the '['. It returns true with p.pos at the element (whitespace
// skipped), or false after the closing ']' or on an error.
func (p *parser) arrayNext(first bool) bool {
	p.ws()
	if p.pos >= len(p.data) {
		p.eof()
		return false
	}
	c := p.data[p.pos]
	if c == ']' {
		p.pos++
		return false
	}
	if first {
		return true
	}
	if c != ',' {
		p.fail(p.pos, "expected ',' or ']' after array element, found "+p.describe(p.pos))
		return false
	}
	p.pos++
	p.ws()
	return true
}

// key reads an object key at p.pos (its opening quote) and the colon after
// it; decode says whether the key's text is wanted.
func (p *parser) key(decode bool) (string, text.Span) {
	start := p.pos
	end, fl := p.scanString()
	if p.err != nil {
		return "", text.Span{}
	}
	var k string
	if decode {
		k = p.str(start+1, end-1, fl, true)
	}
	p.ws()
	if p.pos >= len(p.data) {
		p.eof()
		return "", text.Span{}
	}
	if p.data[p.pos] != ':' {
		p.fail(p.pos, "expected ':' after object key, found "+p.describe(p.pos))
		return "", text.Span{}
	}
	p.pos++
	return k, text.Span{Start: start, End: end}
}

// scanString scans the string whose opening quote is at p.pos, checking its
// escapes, and leaves p.pos after the closing quote. It returns that offset
// and the string's flags.
func (p *parser) scanString() (int, uint8) {
	data := p.data
	i := p.pos + 1
	var fl uint8
	for {
		for i < len(data) {
			c := strClass[data[i]]
			if c == 0 {
				break
			}
			fl |= c
			i++
		}
		if i >= len(data) {
			p.eof()
			return 0, 0
		}
		switch data[i] {
		case '"':
			p.pos = i + 1
			return i + 1, fl &^ 4
		case '\\':
			fl |= flEsc
			if i+1 >= len(data) {
				p.eof()
				return 0, 0
			}
			switch e := data[i+1]; e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				for k := i + 2; k < i+6; k++ {
					if k >= len(data) {
						p.eof()
						return 0, 0
					}
					if unhex(data[k]) < 0 {
						p.failChar(k, `in \u hexadecimal character escape`)
						return 0, 0
					}
				}
				i += 6
			default:
				if e > ' ' && e < 0x7f {
					p.fail(i, `invalid escape '\`+string(rune(e))+"' in string literal")
				} else {
					p.fail(i, "invalid escape in string literal: "+p.describe(i+1)+" after backslash")
				}
				return 0, 0
			}
		default: // a control character
			p.failChar(i, "in string literal")
			return 0, 0
		}
	}
}

func unhex(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func hex4(b []byte) rune {
	return rune(unhex(b[0])<<12 | unhex(b[1])<<8 | unhex(b[2])<<4 | unhex(b[3]))
}

// str decodes the string body data[a:b], scanned with flags fl. Short
// strings and keys are interned.
func (p *parser) str(a, b int, fl uint8, isKey bool) string {
	raw := p.data[a:b]
	if fl&flEsc == 0 && (fl&flHigh == 0 || utf8.Valid(raw)) {
		if isKey || len(raw) <= internMax {
			return p.intern(raw)
		}
		return string(raw)
	}
	p.buf = unescape(p.buf[:0], raw)
	if isKey || len(p.buf) <= internMax {
		return p.intern(p.buf)
	}
	return string(p.buf)
}

// intern returns b as a string, the same string as the last time the same
// bytes were interned unless another string took its slot since: a bounded
// cache that costs a unique string no more than a hash.
func (p *parser) intern(b []byte) string {
	if p.cache == nil {
		n := 64
		for n < 4096 && n*64 < len(p.data) {
			n *= 2
		}
		p.cache = make([]string, n)
	}
	h := uint32(2166136261) // FNV-1a
	for _, c := range b {
		h = (h ^ uint32(c)) * 16777619
	}
	slot := &p.cache[h&uint32(len(p.cache)-1)]
	if *slot == string(b) {
		return *slot
	}
	s := string(b)
	*slot = s
	return s
}

// unescape appends the decoded form of a scanned string body (escapes
// already checked) to buf. Invalid UTF-8 and lone surrogates become U+FFFD.
func unescape(buf, raw []byte) []byte {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case c == '\\':
			e := raw[i+1]
			i += 2
			switch e {
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
				r := hex4(raw[i:])
				i += 4
				switch {
				case r >= 0xD800 && r < 0xDC00:
					if i+6 <= len(raw) && raw[i] == '\\' && raw[i+1] == 'u' {
						if r2 := hex4(raw[i+2:]); r2 >= 0xDC00 && r2 < 0xE000 {
							r = 0x10000 + (r-0xD800)<<10 + (r2 - 0xDC00)
							i += 6
							break
						}
					}
					r = utf8.RuneError
				case r >= 0xDC00 && r < 0xE000:
					r = utf8.RuneError
				}
				buf = utf8.AppendRune(buf, r)
			default: // '"', '\\', '/'
				buf = append(buf, e)
			}
		case c < utf8.RuneSelf:
			buf = append(buf, c)
			i++
		default:
			r, size := utf8.DecodeRune(raw[i:])
			if r == utf8.RuneError && size == 1 {
				buf = utf8.AppendRune(buf, utf8.RuneError)
			} else {
				buf = append(buf, raw[i:i+size]...)
			}
			i += size
		}
	}
	return buf
}

// scanNumber scans the number at p.pos and leaves p.pos after it.
func (p *parser) scanNumber() bool {
	data := p.data
	i := p.pos
	digit := func(i int) bool { return i < len(data) && data[i] >= '0' && data[i] <= '9' }
	need := func(i int, context string) bool {
		if i >= len(data) {
			p.eof()
			return false
		}
		if !digit(i) {
			p.failChar(i, context)
			return false
		}
		return true
	}
	if data[i] == '-' {
		i++
		if !need(i, "in numeric literal") {
			return false
		}
	}
	if data[i] == '0' {
		i++
		if digit(i) {
			p.failChar(i, "after leading zero in numeric literal")
			return false
		}
	} else {
		for digit(i) {
			i++
		}
	}
	if i < len(data) && data[i] == '.' {
		i++
		if !need(i, "after decimal point in numeric literal") {
			return false
		}
		for digit(i) {
			i++
		}
	}
	if i < len(data) && (data[i] == 'e' || data[i] == 'E') {
		i++
		if i < len(data) && (data[i] == '+' || data[i] == '-') {
			i++
		}
		if !need(i, "in exponent of numeric literal") {
			return false
		}
		for digit(i) {
			i++
		}
	}
	p.pos = i
	return true
}

// scanLiteral scans true, false or null at p.pos.
func (p *parser) scanLiteral(lit string) bool {
	for k := 1; k < len(lit); k++ {
		i := p.pos + k
		if i >= len(p.data) {
			p.eof()
			return false
		}
		if p.data[i] != lit[k] {
			p.failChar(i, "in literal "+lit+" (expecting "+strconv.QuoteRune(rune(lit[k]))+")")
			return false
		}
	}
	p.pos += len(lit)
	return true
}

// scalar scans the scalar at p.pos (whitespace already skipped, not at the
// end) into v; decode says whether a string's text is wanted. A container
// or an invalid character is an error.
func (p *parser) scalar(v *Value, decode bool) bool {
	start := p.pos
	switch c := p.data[start]; {
	case c == '"':
		end, fl := p.scanString()
		if p.err != nil {
			return false
		}
		v.Kind = String
		if decode {
			v.Str = p.str(start+1, end-1, fl, false)
		}
	case c == '-' || c >= '0' && c <= '9':
		if !p.scanNumber() {
			return false
		}
		v.Kind = Number
		if decode {
			v.Str = p.intern(p.data[start:p.pos])
		}
	case c == 't':
		if !p.scanLiteral("true") {
			return false
		}
		v.Kind, v.Str = Bool, "true"
	case c == 'f':
		if !p.scanLiteral("false") {
			return false
		}
		v.Kind, v.Str = Bool, "false"
	case c == 'n':
		if !p.scanLiteral("null") {
			return false
		}
		v.Kind, v.Str = Null, "null"
	default:
		p.failChar(start, "looking for beginning of value")
		return false
	}
	v.Span = text.Span{Start: start, End: p.pos}
	return true
}

// value parses the value at p.pos into a tree; nil on an error.
func (p *parser) value() *Value {
	p.ws()
	if p.pos >= len(p.data) {
		p.eof()
		return nil
	}
	switch p.data[p.pos] {
	case '{':
		return p.object()
	case '[':
		return p.array()
	}
	v := p.newValue()
	if !p.scalar(v, true) {
		return nil
	}
	return v
}

func (p *parser) object() *Value {
	start := p.pos
	if !p.enter() {
		return nil
	}
	base := len(p.mstack)
	for more := p.objectNext(true); more; more = p.objectNext(false) {
		k, ks := p.key(true)
		if p.err != nil {
			return nil
		}
		val := p.value()
		if val == nil {
			return nil
		}
		p.mstack = append(p.mstack, Member{Key: k, KeySpan: ks, Value: val})
	}
	if p.err != nil {
		return nil
	}
	p.depth--
	v := p.newValue()
	v.Kind = Object
	v.Span = text.Span{Start: start, End: p.pos}
	v.Members = p.takeMembers(base)
	return v
}

func (p *parser) array() *Value {
	start := p.pos
	if !p.enter() {
		return nil
	}
	base := len(p.estack)
	for more := p.arrayNext(true); more; more = p.arrayNext(false) {
		e := p.value()
		if e == nil {
			return nil
		}
		p.estack = append(p.estack, e)
	}
	if p.err != nil {
		return nil
	}
	p.depth--
	v := p.newValue()
	v.Kind = Array
	v.Span = text.Span{Start: start, End: p.pos}
	v.Elems = p.takeElems(base)
	return v
}

// skip scans the value at p.pos without building anything.
func (p *parser) skip() {
	p.ws()
	if p.pos >= len(p.data) {
		p.eof()
		return
	}
	switch p.data[p.pos] {
	case '{':
		if !p.enter() {
			return
		}
		for more := p.objectNext(true); more; more = p.objectNext(false) {
			if p.key(false); p.err != nil {
				return
			}
			if p.skip(); p.err != nil {
				return
			}
		}
	case '[':
		if !p.enter() {
			return
		}
		for more := p.arrayNext(true); more; more = p.arrayNext(false) {
			if p.skip(); p.err != nil {
				return
			}
		}
	default:
		var v Value
		p.scalar(&v, false)
		return
	}
	if p.err == nil {
		p.depth--
	}
}

// grow picks the next slab size: small for small documents, up to a bound.
func (p *parser) grow() int {
	switch {
	case p.slabSize == 0:
		p.slabSize = 32
	case p.slabSize < 2048:
		p.slabSize *= 2
	}
	return p.slabSize
}

func (p *parser) newValue() *Value {
	if len(p.vals) == cap(p.vals) {
		p.vals = make([]Value, 0, p.grow())
	}
	p.vals = p.vals[:len(p.vals)+1]
	return &p.vals[len(p.vals)-1]
}

func (p *parser) takeMembers(base int) []Member {
	n := len(p.mstack) - base
	if n == 0 {
		return nil
	}
	var out []Member
	if free := cap(p.mems) - len(p.mems); n <= free {
		l := len(p.mems)
		p.mems = p.mems[:l+n]
		out = p.mems[l : l+n : l+n]
	} else if size := p.grow(); n > size/4 {
		out = make([]Member, n)
	} else {
		p.mems = make([]Member, n, size)
		out = p.mems[:n:n]
	}
	copy(out, p.mstack[base:])
	clear(p.mstack[base:])
	p.mstack = p.mstack[:base]
	return out
}

func (p *parser) takeElems(base int) []*Value {
	n := len(p.estack) - base
	if n == 0 {
		return nil
	}
	var out []*Value
	if free := cap(p.ptrs) - len(p.ptrs); n <= free {
		l := len(p.ptrs)
		p.ptrs = p.ptrs[:l+n]
		out = p.ptrs[l : l+n : l+n]
	} else if size := p.grow(); n > size/4 {
		out = make([]*Value, n)
	} else {
		p.ptrs = make([]*Value, n, size)
		out = p.ptrs[:n:n]
	}
	copy(out, p.estack[base:])
	clear(p.estack[base:])
	p.estack = p.estack[:base]
	return out
}
