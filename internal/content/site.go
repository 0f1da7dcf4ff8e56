package content

import (
	"strings"
	"time"
)

// SiteKind is the kind of folder Load was given.
type SiteKind uint8

const (
	// PostsFolder is a folder of posts and nothing else: every Markdown
	// file below it is a post.
	PostsFolder SiteKind = iota
	// Jekyll is a Jekyll site root: _config.yml, _posts/ (in any folder),
	// _drafts/, _includes/, _data/.
	Jekyll
	// Hugo is a Hugo site root: hugo.toml|yaml|json or config.*, content/.
	Hugo
)

func (k SiteKind) String() string {
	switch k {
	case Jekyll:
		return "Jekyll site"
	case Hugo:
		return "Hugo site"
	}
	return "posts folder"
}

// Site is what a site's own config says about the blog. The zero value is
// a posts folder with no config: the blog is called "sshblog", dates
// without a zone are UTC and there is one language.
type Site struct {
	Kind   SiteKind
	Config string // the config file read, as a path in the loaded fs.FS; "" when none

	Title       string // Jekyll "title", Hugo "title"; "" when the config has none
	Description string // Jekyll "description", Hugo params.description
	Author      string // Jekyll "author" (a string, or author.name), Hugo params.author / author.name
	URL         string // Jekyll "url" + "baseurl", Hugo "baseURL": for absolute_url

	// BaseURL is Jekyll's "baseurl" (a path such as "/blog"), for
	// relative_url; empty for Hugo.
	BaseURL string

	// TimeZone is the zone as the config names it ("Asia/Seoul"); Location
	// is that zone, nil for UTC. Jekyll: "timezone"; Hugo: "timeZone".
	TimeZone string
	Location *time.Location

	// Future is the config's "future: true" (Jekyll) or "buildFuture =
	// true" (Hugo): posts dated after now are shown.
	Future bool

	// MarkdownExt are the extensions of Markdown files, lower case without
	// the dot. Jekyll's default is markdown, mkdown, mkdn, mkd, md.
	MarkdownExt []string

	// DefaultLanguage is the language of posts that do not say ("en");
	// Jekyll's "lang", Hugo's "defaultContentLanguage" (default "en").
	// Languages are the site's languages in Hugo's order (by weight, a
	// weight of 0 last, then by code); empty when the config declares none.
	DefaultLanguage string
	Languages       []Language

	// Emoji is Hugo's enableEmoji, or the jemoji plugin in Jekyll's
	// plugins: GitHub's emoji codes (":smile:") show as the emoji.
	Emoji bool

	// Permalink is Jekyll's "permalink" style or pattern ("date" by
	// default), for page.url and post_url.
	Permalink string

	// Params is the whole config as decoded (keys as written), for site.*
	// in Liquid. Never modified after ReadSite.
	Params map[string]any
}

// Language is one of a site's languages.
type Language struct {
	Code        string // "ko", "en", "zh-cn": lower case, as Hugo's config keys are
	Name        string // languageName, e.g. "한국어"; "" when the config has none
	Title       string // the site's title in that language; "" for the site's
	Description string // the site's description in that language
	Weight      int
	ContentDir  string // Hugo's contentDir for this language ("content/ko"); "" when shared
}

// IsMarkdown reports whether a file name has one of the site's Markdown
// extensions (case-insensitively).
func (s *Site) IsMarkdown(name string) bool {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return false
	}
	ext := strings.ToLower(name[i+1:])
	exts := s.MarkdownExt
	if len(exts) == 0 {
		exts = defaultMarkdownExt
	}
	for _, e := range exts {
		if e == ext {
			return true
		}
	}
	return false
}

// defaultMarkdownExt is Jekyll's default markdown_ext; Hugo reads .md and
// .markdown (and more formats sshblog does not show).
var defaultMarkdownExt = []string{"markdown", "mkdown", "mkdn", "mkd", "md"}

// bodyProblem is something wrong at a line of a post's file, found while
// running its Liquid or shortcodes. The post is still shown; Load reports
// it as a warning naming the file and the line.
type bodyProblem struct {
	Line int // 1-based line in the file (front matter included); 0 when unknown
	Msg  string
}

// postRef is what the body of one post may learn about another: Liquid's
// site.posts, post_url and link, Hugo's ref and relref.
type postRef struct {
	Path       string // the file's path in the loaded fs.FS: "_posts/2017-03-30-word2vec.md"
	Slug       string // its unique id in the Blog: the target of an sshblog:SLUG link
	Title      string
	URL        string // its URL path on the real site, "/2017/03/30/word2vec.html"
	Date       time.Time
	Tags       []string
	Categories []string
	Lang       string
	Page       map[string]any // its front matter as decoded, keys as written
}

// PostLinkScheme starts the URL of a link to another post of the blog, as
// Liquid's post_url and link and Hugo's ref and relref make them:
// "sshblog:SLUG". The renderer shows it as the deep link "ssh HOST SLUG"
// and the reader can open it.
const PostLinkScheme = "sshblog:"
