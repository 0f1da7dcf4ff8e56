package content

import (
	"math"
	"strings"
	"time"

	"github.com/sshblog/sshblog/internal/locale"
)

// Post is one blog post, ready to show. Every string in it has been
// sanitized: it holds no terminal control characters (Body and Source keep
// newlines and tabs; the other strings are single lines).
type Post struct {
	Slug        string    // URL-ish name, unique in a Blog (lower case)
	Title       string    // plain text, never empty
	Date        time.Time // publication date
	Updated     time.Time // last modification, zero when the post does not say
	Tags        []string  // tags then categories, as first written; compared case-insensitively
	Categories  []string  // the categories among Tags, for a UI that shows them apart
	Description string    // one line for lists: front matter or the first paragraph
	Body        string    // Markdown, without front matter or Liquid: the text Doc was parsed from
	Outline     Outline   // the links and headings of Doc
	Source      string    // the whole file (front matter included), in UTF-8 with LF line ends; cut as Body is past MaxPostBytes
	Path        string    // path of the file inside the loaded fs.FS
	Words       int       // words in Body
	Draft       bool      // a draft or unpublished post, shown only with Options.Drafts
	Lang        string    // the post's language ("ko"), "" when the site has one language
	URL         string    // the page's URL path on the real site (Jekyll's page.url, Hugo's RelPermalink), e.g. "/2017/03/30/word2vec.html"

	// translations are the post in every language, this one among them, in
	// the site's language order; nil when there is one.
	translations []*Post

	// What Doc needs to parse the body again the way Load did.
	docs        *docCache // the Blog's trees; nil for a post not from Load
	markdown    string    // the Markdown parsed: Body without the cut note
	flavour     flavour   // the Markdown it is parsed as: Jekyll's or Hugo's, with or without emoji codes
	dropHeading bool      // the leading heading became the title: not shown
	note        string    // the cut note, a paragraph after the rest
}

// ReadingMinutes estimates how long the post takes to read, at least one
// minute.
func (p *Post) ReadingMinutes() int {
	const wordsPerMinute = 200
	return max(1, int(math.Ceil(float64(p.Words)/wordsPerMinute)))
}

// HasTag reports whether the post carries tag (or category), compared
// case-insensitively.
func (p *Post) HasTag(tag string) bool {
	for _, t := range p.Tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}

// IsCategory reports whether name is one of the post's categories rather
// than one of its tags.
func (p *Post) IsCategory(name string) bool {
	for _, c := range p.Categories {
		if strings.EqualFold(c, name) {
			return true
		}
	}
	return false
}

// Translations returns the post in each of its languages, this one
// included, in the site's language order; nil when it has only one.
func (p *Post) Translations() []*Post { return p.translations }

// versions is the post in every language it has: its translations, or
// itself alone.
func (p *Post) versions() []*Post {
	if len(p.translations) > 0 {
		return p.translations
	}
	return []*Post{p}
}

// In returns the post's translation in lang ("ko", "ko_KR.UTF-8", "en-US"
// match by their language part), or p itself when there is none.
func (p *Post) In(lang string) *Post {
	codes := make([]string, len(p.translations))
	for i, t := range p.translations {
		codes[i] = t.Lang
	}
	// The whole tag first ("zh_Hant_TW.UTF-8" is zh-hant-tw, not zh),
	// then its language.
	if c := pickLang(lang, codes); c != "" {
		for _, t := range p.translations {
			if t.Lang == c {
				return t
			}
		}
	}
	return p
}

// pickLang is the code among codes that a reader's locale picks: the
// whole tag first, then its language; "" when none.
func pickLang(lang string, codes []string) string {
	full := langTag(lang)
	for _, c := range codes {
		if langTag(c) == full {
			return c
		}
	}
	if base := locale.Base(lang); base != "" {
		for _, c := range codes {
			if locale.Base(c) == base {
				return c
			}
		}
	}
	return ""
}

// langTag is a language tag or POSIX locale in the form of Hugo's language
// keys: "zh_Hant_TW.UTF-8" is "zh-hant-tw".
func langTag(s string) string {
	if i := strings.IndexAny(s, ".@"); i >= 0 {
		s = s[:i]
	}
	return strings.ToLower(strings.ReplaceAll(s, "_", "-"))
}
