package schema

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"

	"github.com/taskls/taskls/analysis/model"
)

// The patterns below are JSON Schema patterns: ECMA-262 regular expressions,
// which editors compile with or without the `u` flag. They keep to what
// ECMA-262 and Go's RE2 read alike: no flags (ECMA has no inline `(?i)`, so
// case is spelled out as classes such as [Pp]), no \s or \w (their sets
// differ between the two), no \u escapes (RE2 has none) but the characters
// themselves, non-capturing groups, classes, ? * + {n,m}, ^ and $.

// taskIDPattern is the shape model.IsTaskID accepts: one to four capital
// ASCII letters, an optional dash, digits.
const taskIDPattern = `[A-Z]{1,4}-?[0-9]+`

// anything matches any run of characters, line breaks included, in both
// dialects (`.` stops at line breaks, and at different ones).
const anything = `[\s\S]*`

// foldTable maps each ASCII character to the runes that strings.ToLower
// turns into it: 'k' to K, k and the Kelvin sign, 'i' to I, i and the
// dotted capital I. Patterns built from it accept exactly what a
// comparison after strings.ToLower accepts.
var foldTable = sync.OnceValue(func() map[rune][]rune {
	t := map[rune][]rune{}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if l := unicode.ToLower(r); l < 0x80 {
			t[l] = append(t[l], r)
		}
	}
	return t
})

// spaceRunes are the runes strings.TrimSpace removes (unicode.IsSpace).
var spaceRunes = sync.OnceValue(func() []rune {
	var rs []rune
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if unicode.IsSpace(r) {
			rs = append(rs, r)
		}
	}
	return rs
})

// spaces is a class of the runes strings.TrimSpace removes.
func spaces() string { return class(spaceRunes()) }

// class is a character class of the runes, ranges folded.
func class(rs []rune) string {
	rs = slices.Clone(rs)
	slices.Sort(rs)
	rs = slices.Compact(rs)
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < len(rs); {
		j := i
		for j+1 < len(rs) && rs[j+1] == rs[j]+1 {
			j++
		}
		switch {
		case j == i:
			b.WriteString(classChar(rs[i]))
		case j == i+1:
			b.WriteString(classChar(rs[i]) + classChar(rs[j]))
		default:
			b.WriteString(classChar(rs[i]) + "-" + classChar(rs[j]))
		}
		i = j + 1
	}
	b.WriteByte(']')
	return b.String()
}

func classChar(r rune) string {
	switch r {
	case '\\', ']', '[', '^', '-':
		return `\` + string(r)
	}
	return string(r)
}

// classOf is a class of the characters of s.
func classOf(s string) string { return class([]rune(s)) }

// fold spells s so that it matches every string that strings.ToLower turns
// into s (s is lower case). An underscore also matches what sep says turns
// into one (a class such as "[ _-]"), when sep is not "".
func fold(s, sep string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '_' && sep != "":
			b.WriteString(sep)
		case len(foldTable()[r]) > 1:
			b.WriteString(class(foldTable()[r]))
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	return b.String()
}

// alt is a non-capturing alternation of the words, each folded, in sorted
// order (the patterns are anchored, so order changes nothing but the text).
func alt(words []string, sep string) string {
	words = slices.Clone(words)
	slices.Sort(words)
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = fold(w, sep)
	}
	return "(?:" + strings.Join(parts, "|") + ")"
}

// separators is what model.NormStatus and normKey turn into "_".
const separators = "[ _-]"

// statusPattern accepts what model.NormStatus accepts. NormStatus lower-cases
// and trims the value, cuts it at the first "(" or "[" that is not its first
// character (a note), trims blanks again and then model.StatusTrim (an emoji,
// emphasis, quotes), turns "-" and " " into "_" and looks the result up in
// model.StatusWords.
func statusPattern() string {
	ws, cut := spaces(), classOf(model.StatusTrim)
	return "^" + ws + "*" + cut + "*" + alt(keys(model.StatusWords), separators) + cut + "*" + ws + "*" +
		`(?:[(\[]` + anything + ")?$"
}

// priorityPattern accepts the strings model.NormPriority accepts. NormPriority
// lower-cases and trims the value, then model.PriorityTrim; it reads a digit
// 0-4 not followed by another digit, with an optional "p" before it and
// anything after it ("P1-MVP", "1 (Critical Path)"); or else a word of
// model.PriorityWords, alone or followed by " ", "(" or "-" and anything.
func priorityPattern() string {
	ws, cut := spaces(), classOf(model.PriorityTrim)
	digit := fold("p", "") + "?[0-4](?:[^0-9]" + anything + ")?"
	word := alt(keys(model.PriorityWords), "") + "(?:" + cut + "*" + ws + "*|[ (-]" + anything + ")"
	return "^" + ws + "*" + cut + "*(?:" + digit + "|" + word + ")$"
}

// keys returns the sorted keys of m.
func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
