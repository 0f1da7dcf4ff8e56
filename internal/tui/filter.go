package tui

import (
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"charm.land/bubbles/v2/list"
)

// wordFilter is the lists' filter. Plain fuzzy matching over a title, tags
// and a whole description matches almost anything for a short query ("aws"
// finds an a, a w and an s in most paragraphs), so each word of the query
// must match, case-insensitively, as a substring of the text, or fuzzily
// (its letters in order) inside one word of it or inside the first line,
// which holds the title. Items keep their order: lists stay newest first
// while filtering.
//
// MatchedIndexes are rune offsets into the target (not byte offsets as in
// bubbles' DefaultFilter), which is what highlighting needs.
//
// wordFilter lowers every target on each call; the lists filter through
// filterTexts, which lowers them once.
func wordFilter(query string, targets []string) []list.Rank {
	return newFilterTexts(targets).filter(query, nil, false)
}

// filterTexts are a list's filter texts (FilterValue), lower-cased, ready
// for wordFilter's matching. They are read-only once built, and may be
// shared by every session showing the list and used from any goroutine.
type filterTexts struct {
	items []list.Item // the items they are the texts of; nil if built from strings

	once  sync.Once
	lower []string // strings.Map(unicode.ToLower, FilterValue()): rune for rune
	ascii []bool   // lower[i] is all ASCII: byte offsets are rune offsets
}

// newItemTexts returns the filter texts of items, lowered when first
// needed.
func newItemTexts(items []list.Item) *filterTexts {
	return &filterTexts{items: items}
}

func newFilterTexts(targets []string) *filterTexts {
	t := &filterTexts{}
	t.once.Do(func() { t.build(targets) })
	return t
}

// get returns the lowered texts and their ASCII flags.
func (t *filterTexts) get() ([]string, []bool) {
	t.once.Do(func() {
		targets := make([]string, len(t.items))
		for i, it := range t.items {
			targets[i] = it.FilterValue()
		}
		t.build(targets)
	})
	return t.lower, t.ascii
}

func (t *filterTexts) build(targets []string) {
	t.lower = make([]string, len(targets))
	t.ascii = make([]bool, len(targets))
	for i, s := range targets {
		// unicode.ToLower maps one rune to one rune, so rune offsets into
		// the lowered text are offsets into the text. (An invalid byte
		// becomes U+FFFD, one rune, as []rune(s) makes it.)
		l := strings.Map(unicode.ToLower, s)
		t.lower[i], t.ascii[i] = l, isASCII(l)
	}
}

// of reports whether t are the texts of items (the same slice).
func (t *filterTexts) of(items []list.Item) bool {
	return t != nil && t.items != nil && len(t.items) == len(items) &&
		(len(items) == 0 || &t.items[0] == &items[0])
}

// filterTerm is one word of a query, lowered.
type filterTerm struct {
	s     string
	runes []rune
	ascii bool
}

// filter returns query's matches among the texts (see wordFilter). With
// refine, only the texts of within are tried: within must be the matches
// of a query that query extends (the matches of an extension are among
// those of the query it extends: each of its words extends or repeats one
// of the shorter query's).
func (t *filterTexts) filter(query string, within []list.Rank, refine bool) []list.Rank {
	lower, ascii := t.get()
	fields := strings.Fields(query)
	terms := make([]filterTerm, len(fields))
	for i, f := range fields {
		s := strings.ToLower(f)
		terms[i] = filterTerm{s: s, runes: []rune(s), ascii: isASCII(s)}
	}
	n := len(lower)
	if refine {
		n = len(within)
	}
	var ranks []list.Rank
	var arena []int // every match's MatchedIndexes, one after another
	need := 0       // the most offsets one match has
	for _, t := range terms {
		need += len(t.runes)
	}
	for k := range n {
		i := k
		if refine {
			i = within[k].Index
		}
		text, textASCII := lower[i], ascii[i]
		if cap(arena)-len(arena) < need {
			arena = slices.Grow(arena, max(2*len(arena), 256*need))
		}
		start := len(arena)
		ok := true
		for ti := range terms {
			if arena, ok = matchTerm(arena, text, textASCII, &terms[ti]); !ok {
				break
			}
		}
		if !ok {
			arena = arena[:start]
			continue
		}
		var matched []int
		if len(terms) > 0 {
			if len(terms) > 1 {
				seg := arena[start:]
				slices.Sort(seg)
				arena = arena[:start+len(slices.Compact(seg))]
			}
			matched = arena[start:len(arena):len(arena)]
		}
		if len(ranks) == cap(ranks) {
			// Double (append grows big slices by a quarter, which for
			// 100,000 matches allocates several times their size).
			ranks = slices.Grow(ranks, min(max(2*len(ranks), 256), n-k))
		}
		ranks = append(ranks, list.Rank{Index: i, MatchedIndexes: matched})
	}
	return ranks
}

// matchTerm finds term in text (both lowered) as a substring, or else as a
// subsequence of the first line or of one word, and appends the matched
// rune offsets to idx. It appends nothing when term does not match.
func matchTerm(idx []int, text string, textASCII bool, term *filterTerm) ([]int, bool) {
	if len(term.s) == 0 {
		return idx, true
	}
	if at := strings.Index(text, term.s); at >= 0 {
		// Both are valid UTF-8 (lowering replaces invalid bytes), so the
		// first byte match is the first rune match.
		if !textASCII {
			at = utf8.RuneCountInString(text[:at])
		}
		for k := range len(term.runes) {
			idx = append(idx, at+k)
		}
		return idx, true
	}
	if textASCII && !term.ascii {
		return idx, false // a rune that text does not have
	}
	if !bytesSubsequence(text, term.s) {
		return idx, false // not in the first line nor in any word either
	}
	first := strings.IndexByte(text, '\n')
	if first < 0 {
		first = len(text)
	}
	if textASCII {
		return asciiSubsequence(idx, text, first, term.s)
	}
	return runeSubsequence(idx, text, first, term.runes)
}

// bytesSubsequence reports whether term's bytes appear in text in order,
// which they do whenever its runes do.
func bytesSubsequence(text, term string) bool {
	for k := 0; k < len(term); k++ {
		at := strings.IndexByte(text, term[k])
		if at < 0 {
			return false
		}
		text = text[at+1:]
	}
	return true
}

// asciiSubsequence matches term's letters in order inside text's first
// line (text[:first]), or else inside one word after it: a word inside the
// first line holds a subsequence only if the line does. It takes each
// letter as early as it comes, as the match highlighted.
func asciiSubsequence(idx []int, text string, first int, term string) ([]int, bool) {
	mark, k := len(idx), 0
	for i := 0; i < first; i++ {
		if text[i] == term[k] {
			idx = append(idx, i)
			if k++; k == len(term) {
				return idx, true
			}
		}
	}
	idx, k = idx[:mark], 0
	for i := first; i < len(text); i++ {
		c := text[i]
		if !asciiWord[c] {
			idx, k = idx[:mark], 0
			continue
		}
		if c == term[k] {
			idx = append(idx, i)
			if k++; k == len(term) {
				return idx, true
			}
		}
	}
	return idx[:mark], false
}

// runeSubsequence is asciiSubsequence for a text that is not all ASCII,
// with rune offsets.
func runeSubsequence(idx []int, text string, first int, term []rune) ([]int, bool) {
	mark, k, at := len(idx), 0, 0 // at: rune offset of the rune read
	i := 0
	for ; i < first; at++ {
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		if r == term[k] {
			idx = append(idx, at)
			if k++; k == len(term) {
				return idx, true
			}
		}
	}
	idx, k = idx[:mark], 0
	for ; i < len(text); at++ {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size
		if !isWordRune(r) {
			idx, k = idx[:mark], 0
			continue
		}
		if r == term[k] {
			idx = append(idx, at)
			if k++; k == len(term) {
				return idx, true
			}
		}
	}
	return idx[:mark], false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiWord is isWordRune for the ASCII bytes.
var asciiWord = func() (w [256]bool) {
	for c := range utf8.RuneSelf {
		w[c] = isWordRune(rune(c))
	}
	return w
}()

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
