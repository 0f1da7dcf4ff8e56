package content

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// titleize makes a title from a file name slug as Jekyll does
// (Utils.titleize_slug: slug.split("-").map!(&:capitalize).join(" ")):
// "edge-case-no-yaml-title" -> "Edge Case No Yaml Title". Like Ruby's
// capitalize it lowers the rest of each word ("iPhone" -> "Iphone"), keeps
// underscores ("my_post" -> "My_post"), and like Ruby's split it drops the
// empty words at the end but not inside ("a--b-" -> "A  B"). Scripts without
// case (Hangul, Han) are unchanged. Jekyll first cuts trailing dots off the
// slug ("dots..." -> "dots"); the caller does that.
func titleize(slug string) string {
	words := strings.Split(slug, "-")
	for len(words) > 0 && words[len(words)-1] == "" {
		words = words[:len(words)-1]
	}
	for i, w := range words {
		r, size := utf8.DecodeRuneInString(w)
		if size == 0 {
			continue
		}
		first := string(unicode.ToTitle(r))
		if r == 'ß' {
			first = "Ss" // Ruby's full case mapping; Go's is one rune to one
		}
		words[i] = first + strings.ToLower(w[size:])
	}
	return strings.Join(words, " ")
}
