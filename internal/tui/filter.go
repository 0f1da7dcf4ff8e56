package tui

import (
	"slices"
	"strings"
	"unicode"

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
func wordFilter(query string, targets []string) []list.Rank {
	terms := strings.Fields(query)
	var ranks []list.Rank
	for i, target := range targets {
		runes := []rune(target)
		lower := make([]rune, len(runes))
		for j, r := range runes {
			lower[j] = unicode.ToLower(r)
		}
		var matched []int
		ok := true
		for _, term := range terms {
			idx := matchTerm(lower, []rune(strings.ToLower(term)))
			if idx == nil {
				ok = false
				break
			}
			matched = append(matched, idx...)
		}
		if !ok {
			continue
		}
		slices.Sort(matched)
		ranks = append(ranks, list.Rank{Index: i, MatchedIndexes: slices.Compact(matched)})
	}
	return ranks
}

// matchTerm finds term in text (both lower-cased) as a substring, or else as
// a subsequence of the first line or of one word, and returns the matched
// rune offsets.
func matchTerm(text, term []rune) []int {
	if len(term) == 0 {
		return []int{}
	}
	if at := indexRunes(text, term); at >= 0 {
		idx := make([]int, len(term))
		for k := range term {
			idx[k] = at + k
		}
		return idx
	}
	first := slices.Index(text, '\n')
	if first < 0 {
		first = len(text)
	}
	if idx := subsequence(text[:first], term, 0); idx != nil {
		return idx
	}
	for start := 0; start < len(text); {
		if !isWordRune(text[start]) {
			start++
			continue
		}
		end := start
		for end < len(text) && isWordRune(text[end]) {
			end++
		}
		if idx := subsequence(text[start:end], term, start); idx != nil {
			return idx
		}
		start = end
	}
	return nil
}

func indexRunes(text, term []rune) int {
	for i := 0; i+len(term) <= len(text); i++ {
		if slices.Equal(text[i:i+len(term)], term) {
			return i
		}
	}
	return -1
}

// subsequence matches term's runes in order inside word (or line), which
// starts at rune offset base of the text.
func subsequence(word, term []rune, base int) []int {
	idx := make([]int, 0, len(term))
	k := 0
	for i, r := range word {
		if k < len(term) && r == term[k] {
			idx = append(idx, base+i)
			k++
		}
	}
	if k < len(term) {
		return nil
	}
	return idx
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
}
