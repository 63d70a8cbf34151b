package schema

import (
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf16"
)

// object is a JSON object whose members keep the order they were added in,
// so that the output reads "$schema", "title", "type" first and is the same
// on every run.
type object []member

type member struct {
	key   string
	value any // string, int, bool, nil, []any, []string, object
}

// obj builds an object from alternating keys and values.
func obj(kv ...any) object {
	if len(kv)%2 != 0 {
		panic("schema: obj needs key/value pairs")
	}
	o := make(object, 0, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		o = append(o, member{kv[i].(string), kv[i+1]})
	}
	return o
}

// ref is a schema that refers to a definition of the same document.
func ref(name string) object { return obj("$ref", "#/definitions/"+name) }

// encode writes v as JSON indented by two spaces, with a trailing newline.
// Arrays of scalars stay on one line. Every character outside printable
// ASCII is written as a \u escape, so the output is ASCII and a pattern's
// invisible or look-alike characters (a no-break space, the Kelvin sign)
// can be told apart.
func encode(v any) []byte {
	var b bytes.Buffer
	write(&b, v, "")
	b.WriteByte('\n')
	return b.Bytes()
}

func write(b *bytes.Buffer, v any, indent string) {
	switch v := v.(type) {
	case nil:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int:
		b.WriteString(strconv.Itoa(v))
	case string:
		writeString(b, v)
	case []string:
		a := make([]any, len(v))
		for i, s := range v {
			a[i] = s
		}
		write(b, a, indent)
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return
		}
		if allScalars(v) {
			b.WriteByte('[')
			for i, x := range v {
				if i > 0 {
					b.WriteString(", ")
				}
				write(b, x, indent)
			}
			b.WriteByte(']')
			return
		}
		b.WriteString("[\n")
		for i, x := range v {
			b.WriteString(indent + "  ")
			write(b, x, indent+"  ")
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	case object:
		if len(v) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, m := range v {
			b.WriteString(indent + "  ")
			writeString(b, m.key)
			b.WriteString(": ")
			write(b, m.value, indent+"  ")
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	default:
		panic(fmt.Sprintf("schema: cannot encode %T", v))
	}
}

func allScalars(a []any) bool {
	for _, x := range a {
		switch x.(type) {
		case nil, bool, int, string:
		default:
			return false
		}
	}
	return true
}

func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\r':
			b.WriteString(`\r`)
		case r >= 0x20 && r < 0x7f:
			b.WriteRune(r)
		case r > 0xffff:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(b, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(b, `\u%04x`, r)
		}
	}
	b.WriteByte('"')
}
