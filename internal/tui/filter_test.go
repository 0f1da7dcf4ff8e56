package tui

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"

	"charm.land/bubbles/v2/list"
)

// refWordFilter is wordFilter as it was written first, on runes: the
// reference the faster one must agree with, match for match and offset
// for offset.
func refWordFilter(query string, targets []string) []list.Rank {
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
			idx := refMatchTerm(lower, []rune(strings.ToLower(term)))
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

func refMatchTerm(text, term []rune) []int {
	if len(term) == 0 {
		return []int{}
	}
	for i := 0; i+len(term) <= len(text); i++ {
		if slices.Equal(text[i:i+len(term)], term) {
			idx := make([]int, len(term))
			for k := range term {
				idx[k] = i + k
			}
			return idx
		}
	}
	first := slices.Index(text, '\n')
	if first < 0 {
		first = len(text)
	}
	if idx := refSubsequence(text[:first], term, 0); idx != nil {
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
		if idx := refSubsequence(text[start:end], term, start); idx != nil {
			return idx
		}
		start = end
	}
	return nil
}

func refSubsequence(word, term []rune, base int) []int {
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

func itemTexts(items []list.Item) []string {
	targets := make([]string, len(items))
	for i, it := range items {
		targets[i] = it.FilterValue()
	}
	return targets
}

var filterTestTargets = []string{
	"AWS in action 리뷰 Tech Review\nreview 한국어\n한빛출판사의 Amazon Web Service in action 를 읽고",
	"Post number 12 about the terminal\ngo ssh\nA description of post 12, one line for the list.",
	"Terminal blogging over SSH\nssh terminal\nWhy a blog you read with ssh.",
	"日本語のタイトル：東京タワー\n日本語 旅行\n東京タワーに行きました。とても高い！",
	"İstanbul ve Straße\nreise türkçe\nİİ ßß KELVIN \u212a sign, ǅ titlecase, Σίσυφος ΣΊΣΥΦΟΣ",
	"Ünïcödé mixed ASCII\nx\nnaïve café résumé a\u0301b combining",
	"bad \xff utf-8 \xe2\x82 bytes\nx\nstill \xc3 here",
	"one line only",
	"",
	"\n\n",
	"데이터베이스 설계\n데이터베이스 글쓰기\n관계형 데이터베이스의 정규화에 대하여",
	"GoLang GOLANG golang\ngo\ngo go go",
}

var filterTestQueries = []string{
	"", " ", "aws", "AWS", "aws review", "review aws", "리뷰", "리뷰 aws", "한빛", "한국",
	"p", "po", "post", "post 12", "pnt", "pn12", "trm", "ssh blog", "blg", "xyz", "z",
	"東京", "東タ", "日本語 旅", "タワー", "とて高",
	"i", "İ", "istanbul", "İstanbul", "ı", "ß", "ss", "straße", "STRASSE", "k", "K", "\u212a", "kelvin",
	"ǅ", "ǆ", "σ", "Σίσυφος", "ς", "sis",
	"ü", "Ü", "ünï", "naive", "nïv", "cafe", "café", "a\u0301", "\u0301", "ab",
	"\xff", "bad", "\ufffd", "stl", "bdt",
	"데베", "데이터 정규", "관데", "설계 데이터베이스", "g", "go", "golang go", "gg", "ooo", "\n",
	"a a a", "e e", "tt tt", "one", "onl", "oly",
}

// TestWordFilterMatchesReference checks the filter against the first
// rune-by-rune version on ASCII, Korean, Japanese, mixed-case and
// special-case (İ, ß, Kelvin sign, final sigma) and invalid UTF-8 texts:
// the same items, in the same order, with the same rune offsets, whether
// filtered afresh or by refining the matches of each prefix of the query.
func TestWordFilterMatchesReference(t *testing.T) {
	texts := newFilterTexts(filterTestTargets)
	for _, q := range filterTestQueries {
		want := refWordFilter(q, filterTestTargets)
		if got := wordFilter(q, filterTestTargets); !reflect.DeepEqual(got, want) {
			t.Errorf("wordFilter(%q) = %v, want %v", q, got, want)
		}
		if got := texts.filter(q, nil, false); !reflect.DeepEqual(got, want) {
			t.Errorf("filter(%q) = %v, want %v", q, got, want)
		}
		// Type q one byte at a time, each key refining the last matches
		// when it may (see extends).
		var ranks []list.Rank
		for i := range len(q) + 1 {
			ranks = texts.filter(q[:i], ranks, i > 0 && extends(q[:i], q[:i-1]))
		}
		if !reflect.DeepEqual(ranks, want) {
			t.Errorf("refined %q = %v, want %v", q, ranks, want)
		}
		// Type it one rune at a time, as the list's input does.
		ranks, prev := texts.filter("", nil, false), ""
		for i := range q {
			if i > 0 {
				ranks, prev = texts.filter(q[:i], ranks, extends(q[:i], prev)), q[:i]
			}
		}
		if ranks = texts.filter(q, ranks, extends(q, prev)); !reflect.DeepEqual(ranks, want) {
			t.Errorf("refined rune by rune %q = %v, want %v", q, ranks, want)
		}
	}
}

// TestWordFilterMatchesReferencePosts compares them on many generated
// post texts and random queries made of their words.
func TestWordFilterMatchesReferencePosts(t *testing.T) {
	words := strings.Fields("Terminal SSH blog hosting Go review cloud infra 한국어 글쓰기 데이터베이스 Server 東京 タワー İzmir Straße naïve")
	targets := make([]string, 500)
	for i := range targets {
		w := func(k int) string { return words[(i*7+k*3+i/11)%len(words)] }
		targets[i] = fmt.Sprintf("Post %d about %s and %s\n%s %s\nA description of %s, %s and more %s.",
			i, w(0), w(1), w(2), w(3), w(4), w(5), w(6))
	}
	texts := newFilterTexts(targets)
	for i := range 300 {
		w := words[(i*5)%len(words)]
		q := w[:len(w)/2+1] // may cut a rune in half
		if i%3 == 0 {
			q += " " + strings.ToUpper(words[(i*3+1)%len(words)])
		}
		if i%7 == 0 {
			q = fmt.Sprintf("p%d", i%50)
		}
		want := refWordFilter(q, targets)
		if got := texts.filter(q, nil, false); !reflect.DeepEqual(got, want) {
			t.Fatalf("filter(%q) = %v, want %v", q, got, want)
		}
		prefix := q[:len(q)/2]
		if !extends(q, prefix) {
			continue
		}
		if got := texts.filter(q, texts.filter(prefix, nil, false), true); !reflect.DeepEqual(got, want) {
			t.Fatalf("filter(%q) refining %q = %v, want %v", q, prefix, got, want)
		}
	}
}
