package taskfile

import (
	"iter"

	"github.com/taskls/taskls/analysis/model"
	"github.com/taskls/taskls/analysis/text"
)

// MentionList holds the ID-shaped words of a task file's body in 12 bytes
// each and no pointers: the ID packed into a number (see packID) in two
// halves, and the 32-bit offset of its start (it ends after its ID). A
// model.Ref takes 40 bytes and its ID string 8 more, and the task files
// of a large workspace hold hundreds of thousands of mentions; numbers
// without pointers are not scanned by the garbage collector either. IDs
// that do not pack (more than 11 digits) are kept as strings beside. A
// Task keeps its mentions among its words (see Task.Mentions).
type MentionList struct {
	m    []uint32 // each mention: the code's low and high half, start [, end when wide]
	odd  []string // IDs that do not pack, by the index in their mention's code
	wide bool     // each mention keeps its end (one does not end after its ID)
}

// Packed IDs: bit 62 set, then the letters as a base-27 number (20 bits),
// whether a dash follows them, the number of digits (4 bits) and their
// value (37 bits: up to 11 digits). A code without bit 62 is an index
// into MentionList.odd.
const (
	packed     = 1 << 62
	lettersAt  = 42
	dashAt     = 41
	ndigitsAt  = 37
	maxDigits  = 11
	valueMask  = 1<<37 - 1
	ndigitMask = 1<<4 - 1
)

// packID packs a task ID of one to four capital letters, an optional
// dash and one to eleven digits; ok is false for anything else.
func packID(id string) (code uint64, ok bool) {
	i, letters := 0, uint64(0)
	for i < len(id) && i < 4 && id[i] >= 'A' && id[i] <= 'Z' {
		letters = letters*27 + uint64(id[i]-'A'+1)
		i++
	}
	if i == 0 {
		return 0, false
	}
	dash := uint64(0)
	if i < len(id) && id[i] == '-' {
		dash = 1
		i++
	}
	n, value := len(id)-i, uint64(0)
	if n < 1 || n > maxDigits {
		return 0, false
	}
	for ; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return 0, false
		}
		value = value*10 + uint64(id[i]-'0')
	}
	return packed | letters<<lettersAt | dash<<dashAt | uint64(n)<<ndigitsAt | value, true
}

// unpackID is the ID packID packed.
func unpackID(code uint64) string {
	var b [4 + 1 + maxDigits]byte
	letters := code >> lettersAt & (1<<20 - 1)
	k := 0
	var rev [4]byte
	for letters > 0 {
		rev[k] = byte(letters%27) - 1 + 'A'
		letters /= 27
		k++
	}
	n := 0
	for k > 0 {
		k--
		b[n] = rev[k]
		n++
	}
	if code>>dashAt&1 == 1 {
		b[n] = '-'
		n++
	}
	nd := int(code >> ndigitsAt & ndigitMask)
	value := code & valueMask
	for j := nd - 1; j >= 0; j-- {
		b[n+j] = byte('0' + value%10)
		value /= 10
	}
	return string(b[:n+nd])
}

// packedLen is the length of the ID packID packed into code.
func packedLen(code uint64) int {
	n := 0
	for letters := code >> lettersAt & (1<<20 - 1); letters > 0; letters /= 27 {
		n++
	}
	return n + int(code>>dashAt&1) + int(code>>ndigitsAt&ndigitMask)
}

// newMentionList packs refs (mentions, in order) into a list of their exact
// size.
func newMentionList(refs []model.Ref) MentionList {
	l := MentionList{wide: !mentionsNarrow(refs)}
	if len(refs) > 0 {
		l.m, l.odd = packMentions(make([]uint32, 0, l.stride()*len(refs)), refs, l.wide)
	}
	return l
}

// mentionsNarrow reports whether each mention ends after its ID (as the
// body scan finds them), in offsets of 32 bits.
func mentionsNarrow(refs []model.Ref) bool {
	for _, r := range refs {
		if int(off32(r.Span.End))-int(off32(r.Span.Start)) != len(r.ID) {
			return false
		}
	}
	return true
}

// packMentions adds refs (mentions, in order) to w, each with its end
// when wide, and returns the IDs that do not pack. Offsets past 4 GiB,
// which no file taskls reads reaches, are cut there.
func packMentions(w []uint32, refs []model.Ref, wide bool) ([]uint32, []string) {
	var odd []string
	for _, r := range refs {
		code, ok := packID(r.ID)
		if !ok {
			code = uint64(len(odd))
			odd = append(odd, r.ID)
		}
		w = append(w, uint32(code), uint32(code>>32), off32(r.Span.Start))
		if wide {
			w = append(w, off32(r.Span.End))
		}
	}
	return w, odd
}

func (l MentionList) stride() int {
	if l.wide {
		return mentionWords + 1
	}
	return mentionWords
}

// Len is the number of mentions.
func (l MentionList) Len() int { return len(l.m) / l.stride() }

// code is the code of mention i, and its span.
func (l MentionList) code(i int) (uint64, text.Span) {
	s := l.stride()
	m := l.m[i*s : (i+1)*s]
	code := uint64(m[1])<<32 | uint64(m[0])
	sp := text.Span{Start: int(m[2])}
	switch {
	case l.wide:
		sp.End = int(m[3])
	case code&packed != 0:
		sp.End = sp.Start + packedLen(code)
	default:
		sp.End = sp.Start + len(l.odd[code])
	}
	return code, sp
}

// At is mention i, as a reference of kind model.KindMention.
func (l MentionList) At(i int) model.Ref {
	code, sp := l.code(i)
	id := ""
	if code&packed != 0 {
		id = unpackID(code)
	} else {
		id = l.odd[code]
	}
	return model.Ref{ID: id, Span: sp, Kind: model.KindMention}
}

// Span is the span of mention i (without making its ID).
func (l MentionList) Span(i int) text.Span {
	_, sp := l.code(i)
	return sp
}

// All yields the mentions in the order of the text.
func (l MentionList) All() iter.Seq[model.Ref] {
	return func(yield func(model.Ref) bool) {
		for i := range l.Len() {
			if !yield(l.At(i)) {
				return
			}
		}
	}
}
