package jsonpos

import "github.com/taskls/taskls/analysis/text"

// Decoder reads a JSON document one value at a time without building a
// tree, for callers that keep little of a large document. Each read method
// consumes the next value. Errors are sticky: after the first one every
// method does nothing and Err reports it.
//
//	d := NewDecoder(data)
//	d.Object(func(key string, _ text.Span) {
//		if key == "name" {
//			v, _ := d.Scalar()
//			name = v.Str
//		} // members the callback does not read are skipped
//	})
//	d.End()
//	if err := d.Err(); err != nil { ... }
type Decoder struct {
	p parser
}

// NewDecoder returns a Decoder of data, positioned at its top-level value
// (after a UTF-8 byte order mark, if any).
func NewDecoder(data []byte) *Decoder {
	d := &Decoder{}
	d.p.init(data, 0)
	return d
}

// NewDecoderAt returns a Decoder positioned at byte off of data, to read
// again one value whose span is known. Spans still count from the start of
// data. Call End only if the value runs to the end of data.
func NewDecoderAt(data []byte, off int) *Decoder {
	d := &Decoder{}
	d.p.init(data, off)
	return d
}

// Err returns the first syntax error met, or nil.
func (d *Decoder) Err() *SyntaxError { return d.p.err }

// Offset is the byte offset the decoder has reached.
func (d *Decoder) Offset() int { return d.p.pos }

// Peek reports the kind of the next value from its first byte, without
// consuming it. ok is false at the end of the input, on a byte no value
// starts with, or after an error.
func (d *Decoder) Peek() (k Kind, ok bool) {
	p := &d.p
	if p.err != nil {
		return Null, false
	}
	p.ws()
	if p.pos >= len(p.data) {
		return Null, false
	}
	switch c := p.data[p.pos]; {
	case c == '{':
		return Object, true
	case c == '[':
		return Array, true
	case c == '"':
		return String, true
	case c == 't' || c == 'f':
		return Bool, true
	case c == 'n':
		return Null, true
	case c == '-' || c >= '0' && c <= '9':
		return Number, true
	}
	return Null, false
}

// Value reads the next value into a tree; nil on an error.
func (d *Decoder) Value() *Value {
	if d.p.err != nil {
		return nil
	}
	v := d.p.value()
	d.p.nread++
	return v
}

// Scalar reads the next value. A string, number, bool or null comes back
// whole (Kind, Span, Str); an array or object is skipped and only its Kind
// and Span are set. ok is false on an error.
func (d *Decoder) Scalar() (v Value, ok bool) {
	p := &d.p
	if p.err != nil {
		return Value{}, false
	}
	p.ws()
	if p.pos >= len(p.data) {
		p.eof()
		return Value{}, false
	}
	p.nread++
	switch c := p.data[p.pos]; c {
	case '{', '[':
		start := p.pos
		p.skip()
		if p.err != nil {
			return Value{}, false
		}
		k := Array
		if c == '{' {
			k = Object
		}
		return Value{Kind: k, Span: text.Span{Start: start, End: p.pos}}, true
	}
	if !p.scalar(&v, true) {
		return Value{}, false
	}
	return v, true
}

// Skip reads past the next value, checking its syntax, and returns its span.
func (d *Decoder) Skip() (text.Span, bool) {
	p := &d.p
	if p.err != nil {
		return text.Span{}, false
	}
	p.ws()
	start := p.pos
	p.skip()
	p.nread++
	if p.err != nil {
		return text.Span{}, false
	}
	return text.Span{Start: start, End: p.pos}, true
}

// Object reads the next value. When it is an object, fn is called for each
// member with the decoder at the member's value: fn may read that value with
// one call of a read method, or leave it, and it is skipped. A value that is
// not an object is skipped and isObject is false. span is the value's span.
func (d *Decoder) Object(fn func(key string, keySpan text.Span)) (span text.Span, isObject bool) {
	p := &d.p
	if p.err != nil {
		return text.Span{}, false
	}
	if k, ok := d.Peek(); !ok || k != Object {
		span, _ = d.Skip()
		return span, false
	}
	start := p.pos
	if !p.enter() {
		return text.Span{}, false
	}
	for more := p.objectNext(true); more; more = p.objectNext(false) {
		k, ks := p.key(true)
		if p.err != nil {
			break
		}
		before := p.nread
		fn(k, ks)
		if p.err != nil {
			break
		}
		if p.nread == before {
			p.skip()
		}
	}
	p.nread++
	if p.err != nil {
		return text.Span{}, false
	}
	p.depth--
	return text.Span{Start: start, End: p.pos}, true
}

// Array reads the next value. When it is an array, fn is called for each
// element (index counts from 0) with the decoder at the element: fn may read
// it with one call of a read method, or leave it, and it is skipped. A value
// that is not an array is skipped and isArray is false.
func (d *Decoder) Array(fn func(index int)) (span text.Span, isArray bool) {
	p := &d.p
	if p.err != nil {
		return text.Span{}, false
	}
	if k, ok := d.Peek(); !ok || k != Array {
		span, _ = d.Skip()
		return span, false
	}
	start := p.pos
	if !p.enter() {
		return text.Span{}, false
	}
	i := 0
	for more := p.arrayNext(true); more; more = p.arrayNext(false) {
		before := p.nread
		fn(i)
		if p.err != nil {
			break
		}
		if p.nread == before {
			p.skip()
		}
		i++
	}
	p.nread++
	if p.err != nil {
		return text.Span{}, false
	}
	p.depth--
	return text.Span{Start: start, End: p.pos}, true
}

// End checks that nothing but whitespace follows the top-level value and
// reports whether the whole document was well formed.
func (d *Decoder) End() bool {
	if d.p.err == nil {
		d.p.end()
	}
	return d.p.err == nil
}
