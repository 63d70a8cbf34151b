package schema

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// validator checks values against a schema this package printed. It knows
// just the keywords the schemas use and refuses a schema with any other,
// so that a keyword added to the generator must be added here (and is then
// exercised by the tests). Patterns are compiled by Go's regexp: the tests
// thus also check that they are in the part of ECMA-262 that RE2 reads.
type validator struct {
	root map[string]any
	res  map[string]*regexp.Regexp
}

// keywords the validator evaluates, and those it only allows (annotations).
var (
	assertions  = []string{"$ref", "type", "enum", "pattern", "minimum", "exclusiveMaximum", "properties", "patternProperties", "additionalProperties", "required", "items", "anyOf", "allOf"}
	annotations = []string{"$schema", "title", "description", "patternErrorMessage", "definitions"}
)

// newValidator reads a printed schema and checks every keyword and pattern in it.
func newValidator(t *testing.T, doc []byte) *validator {
	t.Helper()
	v := &validator{res: map[string]*regexp.Regexp{}}
	if err := json.Unmarshal(doc, &v.root); err != nil {
		t.Fatalf("the schema is not JSON: %v", err)
	}
	var walk func(s any, path string)
	walk = func(s any, path string) {
		switch s := s.(type) {
		case bool:
			return
		case map[string]any:
			for _, k := range sortedKeys(s) {
				if !slices.Contains(assertions, k) && !slices.Contains(annotations, k) {
					t.Errorf("%s: keyword %q is unknown to the test's validator", path, k)
				}
				val := s[k]
				switch k {
				case "$ref":
					if _, ok := v.resolve(val); !ok {
						t.Errorf("%s: unresolved $ref %v", path, val)
					}
					if len(s) > 1 {
						t.Errorf("%s: $ref has siblings, which draft-07 ignores", path)
					}
				case "pattern":
					v.compile(t, val.(string), path)
				case "properties", "definitions":
					for _, p := range sortedKeys(val.(map[string]any)) {
						walk(val.(map[string]any)[p], path+"/"+k+"/"+p)
					}
				case "patternProperties":
					for _, p := range sortedKeys(val.(map[string]any)) {
						v.compile(t, p, path)
						walk(val.(map[string]any)[p], path+"/"+k+"/"+p)
					}
				case "additionalProperties", "items":
					walk(val, path+"/"+k)
				case "anyOf", "allOf":
					for i, x := range val.([]any) {
						walk(x, fmt.Sprintf("%s/%s/%d", path, k, i))
					}
				}
			}
		default:
			t.Errorf("%s: a schema must be an object or a boolean, not %T", path, s)
		}
	}
	walk(any(v.root), "#")
	return v
}

func (v *validator) compile(t *testing.T, p, path string) {
	t.Helper()
	re, err := regexp.Compile(p)
	if err != nil {
		t.Errorf("%s: pattern %q: %v", path, p, err)
		return
	}
	v.res[p] = re
}

func (v *validator) resolve(r any) (any, bool) {
	s, _ := r.(string)
	name, ok := strings.CutPrefix(s, "#/definitions/")
	if !ok {
		return nil, false
	}
	d, ok := v.root["definitions"].(map[string]any)[name]
	return d, ok
}

// def returns the schema of a definition.
func (v *validator) def(name string) any {
	d, ok := v.resolve("#/definitions/" + name)
	if !ok {
		panic("no definition " + name)
	}
	return d
}

// valid reports whether x (as encoding/json or yaml.v3 decode it) is valid
// against the whole schema.
func (v *validator) valid(x any) bool { return len(v.errors(v.root, x)) == 0 }

// errors lists why x is not valid against s.
func (v *validator) errors(s, x any) []string { return v.check(s, norm(x), "$") }

func (v *validator) check(s, x any, path string) []string {
	if b, ok := s.(bool); ok {
		if b {
			return nil
		}
		return []string{path + ": not allowed"}
	}
	m := s.(map[string]any)
	if r, ok := m["$ref"]; ok {
		d, _ := v.resolve(r)
		return v.check(d, x, path)
	}
	fail := func(format string, args ...any) []string {
		return []string{path + ": " + fmt.Sprintf(format, args...)}
	}
	if t, ok := m["type"]; ok && !typeOK(t, x) {
		return fail("%s is not of type %v", show(x), t)
	}
	if e, ok := m["enum"]; ok && !slices.ContainsFunc(e.([]any), func(y any) bool { return y == x }) {
		return fail("%s is not one of %v", show(x), e)
	}
	var out []string
	if p, ok := m["pattern"]; ok {
		if str, ok := x.(string); ok && !v.res[p.(string)].MatchString(str) {
			out = append(out, fail("%s does not match the pattern", show(x))...)
		}
	}
	if n, ok := x.(float64); ok {
		if min, ok := m["minimum"]; ok && n < min.(float64) {
			out = append(out, fail("%v < %v", n, min)...)
		}
		if max, ok := m["exclusiveMaximum"]; ok && n >= max.(float64) {
			out = append(out, fail("%v >= %v", n, max)...)
		}
	}
	if o, ok := x.(map[string]any); ok {
		props, _ := m["properties"].(map[string]any)
		pats, _ := m["patternProperties"].(map[string]any)
		for _, k := range sortedKeys(o) {
			matched := false
			if ps, ok := props[k]; ok {
				matched = true
				out = append(out, v.check(ps, o[k], path+"."+k)...)
			}
			for _, p := range sortedKeys(pats) {
				if v.res[p].MatchString(k) {
					matched = true
					out = append(out, v.check(pats[p], o[k], path+"."+k)...)
				}
			}
			if ap, ok := m["additionalProperties"]; ok && !matched {
				out = append(out, v.check(ap, o[k], path+"."+k)...)
			}
		}
		if req, ok := m["required"]; ok {
			for _, k := range req.([]any) {
				if _, ok := o[k.(string)]; !ok {
					out = append(out, fail("no %q", k)...)
				}
			}
		}
	}
	if a, ok := x.([]any); ok {
		if it, ok := m["items"]; ok {
			for i, y := range a {
				out = append(out, v.check(it, y, fmt.Sprintf("%s[%d]", path, i))...)
			}
		}
	}
	if all, ok := m["allOf"]; ok {
		for _, sub := range all.([]any) {
			out = append(out, v.check(sub, x, path)...)
		}
	}
	if anyOf, ok := m["anyOf"]; ok {
		var why []string
		ok := false
		for _, sub := range anyOf.([]any) {
			e := v.check(sub, x, path)
			if len(e) == 0 {
				ok = true
				break
			}
			why = append(why, e...)
		}
		if !ok {
			out = append(out, fail("%s matches none of anyOf (%s)", show(x), strings.Join(why, "; "))...)
		}
	}
	return out
}

func typeOK(t, x any) bool {
	if ts, ok := t.([]any); ok {
		return slices.ContainsFunc(ts, func(t any) bool { return typeOK(t, x) })
	}
	switch t {
	case "null":
		return x == nil
	case "boolean":
		_, ok := x.(bool)
		return ok
	case "string":
		_, ok := x.(string)
		return ok
	case "number":
		_, ok := x.(float64)
		return ok
	case "integer":
		n, ok := x.(float64)
		return ok && n == math.Trunc(n)
	case "array":
		_, ok := x.([]any)
		return ok
	case "object":
		_, ok := x.(map[string]any)
		return ok
	}
	panic(fmt.Sprintf("unknown type %v", t))
}

// norm turns what yaml.v3 decodes into what encoding/json would (numbers
// as float64, keys as strings), as an editor sees the YAML.
func norm(x any) any {
	switch x := x.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	case uint64:
		return float64(x)
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = norm(y)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = norm(y)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[fmt.Sprint(k)] = norm(y)
		}
		return out
	}
	return x
}

func show(x any) string {
	b, err := json.Marshal(x)
	if err != nil {
		return fmt.Sprint(x)
	}
	return string(b)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
