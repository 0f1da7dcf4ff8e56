package content

import (
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// fixtureNow is the moment the fixtures are loaded at: posts after it are
// in the future.
var fixtureNow = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// want is the expected result for one fixture file.
type want struct {
	ignored bool     // not a post at all: no post, no problem
	err     string   // the problem reported for the file, as Error() shows it
	warn    []string // the warnings for the file, as Error() shows them
	hidden  bool     // loaded, but not shown by default

	title, slug, date string // date in RFC 3339
	updated           string // RFC 3339, "" for none
	tags, categories  []string
	description       string
	body, notBody     []string // text the post must (not) show, as Doc.PlainText gives it
}

// The fixtures: a Jekyll site (_posts, _drafts) and a Hugo content folder.
// Every file under testdata/fixtures must be listed here.
var fixtures = map[string]map[string]want{
	"testdata/fixtures/jekyll": {
		"_posts/2017-06-11-aws-in-action.md": {
			title: "AWS in action 리뷰", slug: "aws-in-action", date: "2017-06-11T21:06:00Z",
			tags: []string{"Tech", "Review"}, description: "한빛출판사의 Amazon Web Service in action 를 읽고",
			body: []string{"장별 요약 및 소감"},
		},
		"_posts/2017-05-29-hour-24.md": {
			err: `testdata/fixtures/jekyll/_posts/2017-05-29-hour-24.md:3: date "2017-05-29 24:12:00": hour out of range`,
		},
		"_posts/2018-01-01-crlf-bom.md": {
			title: "Windows line ends", slug: "crlf-bom", date: "2018-01-01T10:00:00Z",
			tags: []string{"Windows", "CRLF"}, description: "A paragraph over two lines.",
			body: []string{"A paragraph over two lines.\ncode"}, notBody: []string{"\r", "\ufeff"},
		},
		// Jekyll titles it by its name, and shows the heading.
		"_posts/2018-02-02-no-front-matter.md": {
			title: "No Front Matter", slug: "no-front-matter", date: "2018-02-02T00:00:00Z",
			description: "No front matter at all: the heading is the title and is not repeated.",
			body:        []string{"The Heading Title"},
		},
		"_posts/2018-03-03-plain_name.md": {
			title: "Plain_name", slug: "plain_name", date: "2018-03-03T00:00:00Z",
			description: "Just a paragraph, no heading, no front matter.",
		},
		"_posts/2018-04-04-space-tags.md": {
			title: "Space separated", slug: "space-tags", date: "2018-04-04T00:00:00Z",
			tags: []string{"go", "ssh", "Terminal", "Tech", "Notes"}, categories: []string{"Tech", "Notes"},
		},
		"_posts/2018-05-05-unpublished.md": {
			hidden: true, title: "Not yet", slug: "unpublished", date: "2018-05-05T00:00:00Z",
		},
		"_posts/2099-01-01-future.md": {
			hidden: true, title: "From the future", slug: "future", date: "2099-01-01T00:00:00Z",
		},
		"_posts/2018-06-06-liquid.md": {
			title: "Liquid everywhere", slug: "liquid", date: "2018-06-06T00:00:00Z",
			description: "Intro with and inline.",
			body: []string{
				"def hi\n  puts \"\"\nend", // Jekyll runs Liquid in code too
				"Use {{ page.title }} in a layout.",
				"{{ inline }} stays as code.",
				"{% for post in site.posts %}{{ post.title }}{% endfor %}",
				"indented  stays",
				"Outro.",
			},
			notBody: []string{"site.url", "include", "highlight", "{% raw", "endraw", "This is not shown", "comment"},
			warn: []string{
				`testdata/fixtures/jekyll/_posts/2018-06-06-liquid.md:5: warning: Liquid: {% include note.html text="x" %}: _includes/note.html is missing: add it, or remove the tag; the post is shown without the tag`,
				`testdata/fixtures/jekyll/_posts/2018-06-06-liquid.md:7: warning: Liquid: {% include toc.html %}: _includes/toc.html is missing: add it, or remove the tag; the post is shown without the tag`,
				`testdata/fixtures/jekyll/_posts/2018-06-06-liquid.md:11: warning: Liquid: {{ not liquid here }}: syntax error in "not liquid here": fix the tag (jekyll build stops at it); the post is shown without the tag`,
			},
		},
		"_posts/2018-07-07-raw-html.md": {
			title: "Raw HTML", slug: "raw-html", date: "2018-07-07T00:00:00Z", description: "Before the HTML.",
			body: []string{
				"Hello reader,\nwelcome to my site.",
				"Name | Value\na | 1",
				"if a < b {\n\treturn\n}",
				"Inline Ctrl+C, <b>code</b> and Vec<T> stay readable.",
				"<div>code is untouched</div>",
			},
			notBody: []string{"<div class", "<p>", "<strong>", "alert", "color: red", "comment", "<kbd>", "<table>"},
		},
		"_posts/2018-08-08-entities.md": {
			title: "Tom & Jerry — the best show", slug: "entities", date: "2018-08-08T00:00:00Z",
			description: `A "classic" cartoon`,
		},
		"_posts/2018-09-09-escapes.md": {
			title: "Red alert title", slug: "escapes", date: "2018-09-09T00:00:00Z",
			tags: []string{"ok", "csi"}, description: "Click here and copy done.",
			body:    []string{"Click here and copy  done.", "A  reference and  one."},
			notBody: []string{"\x1b", "\a", "\u009b", "evil", "ZXZpbA", "[31m", "31m", "&#", "[2J"},
		},
		"_posts/2018-10-10-invalid-utf8.md": {
			err: "testdata/fixtures/jekyll/_posts/2018-10-10-invalid-utf8.md:6: not valid UTF-8 (byte 0xff): save the file as UTF-8",
		},
		// Both are shown, each under the date form of its slug.
		"_posts/2018-11-11-duplicate-a.md": {
			title: "First of two", slug: "2018-11-11-same-slug", date: "2018-11-11T00:00:00Z",
			warn: []string{`testdata/fixtures/jekyll/_posts/2018-11-11-duplicate-a.md:3: warning: slug "same-slug" is also used by testdata/fixtures/jekyll/_posts/2018-11-12-duplicate-b.md (2018-11-12-same-slug): this post is "2018-11-11-same-slug", and "same-slug" opens the newest; set "slug:" to give it a name of its own`},
		},
		"_posts/2018-11-12-duplicate-b.md": {
			title: "Second of two", slug: "2018-11-12-same-slug", date: "2018-11-12T00:00:00Z",
			warn: []string{`testdata/fixtures/jekyll/_posts/2018-11-12-duplicate-b.md:3: warning: slug "same-slug" is also used by testdata/fixtures/jekyll/_posts/2018-11-11-duplicate-a.md (2018-11-11-same-slug): this post is "2018-11-12-same-slug", and "same-slug" opens the newest; set "slug:" to give it a name of its own`},
		},
		"_posts/2018-12-12-한글 제목.md": {
			title: "유니코드 파일 이름", slug: "한글-제목", date: "2018-12-12T00:00:00Z",
		},
		"_posts/2019-01-01-rfc3339.md": {
			// Shown in the site's zone.
			title: "RFC 3339", slug: "rfc3339", date: "2019-01-01T01:00:00Z", updated: "2019-02-01T10:00:00Z",
		},
		"_posts/2019-02-02-zone.md": {
			title: "With a zone", slug: "zone", date: "2019-02-02T12:06:00Z",
		},
		// Ruby's Time.parse, and so Jekyll, roll 30 February over.
		"_posts/2019-02-30-bad-name-date.md": {
			title: "Bad Name Date", slug: "bad-name-date", date: "2019-03-02T00:00:00Z",
		},
		"_posts/2019-03-03-bad-yaml.md": {
			err: `testdata/fixtures/jekyll/_posts/2019-03-03-bad-yaml.md:4: front matter: did not find expected ',' or ']': check the YAML syntax (quote values that hold a colon)`,
		},
		"_posts/2019-04-01-unclosed.md": {
			err: `testdata/fixtures/jekyll/_posts/2019-04-01-unclosed.md:1: front matter opened with --- is never closed: add a --- line after the last setting`,
		},
		// Jekyll reads no such file in _posts.
		"_posts/no-date-here.md": {
			ignored: true,
			warn:    []string{`testdata/fixtures/jekyll/_posts/no-date-here.md: warning: not shown: Jekyll reads only posts named YYYY-MM-DD-title.md in _posts: rename it, or move it out of _posts`},
		},
		"_posts/2019-05-05-markdown-ext.markdown": {
			title: "Long extension", slug: "markdown-ext", date: "2019-05-05T00:00:00Z",
		},
		"_posts/2019-06-06-excerpt.md": {
			title: "Excerpt", slug: "excerpt", date: "2019-06-06T00:00:00Z", description: "The excerpt wins.",
		},
		"_posts/2019-07-07-title-heading.md": {
			title: "Same Title", slug: "title-heading", date: "2019-07-07T00:00:00Z",
			description: "Body after the repeated heading.", notBody: []string{"Same title"},
		},
		"_posts/2019-08-08-kramdown.md": {
			title: "Kramdown", slug: "kramdown", date: "2019-08-08T00:00:00Z", description: "A link here.",
			body: []string{"A link here.", "A tip."}, notBody: []string{"{:", "TOC", "prompt"},
		},
		"_posts/sub/2019-09-09-in-subfolder.md": {
			title: "In a subfolder", slug: "in-subfolder", date: "2019-09-09T00:00:00Z",
			tags: []string{"Nested"}, categories: []string{"Nested"},
		},
		"_posts/2019-10-10-draft-key.md": {
			hidden: true, title: "Draft key", slug: "draft-key", date: "2019-10-10T00:00:00Z",
		},
		"_posts/2019-11-11-first-paragraph.md": {
			title: "Long first paragraph", slug: "first-paragraph", date: "2019-11-11T00:00:00Z",
			description: "This first paragraph is long enough that the description has to be cut somewhere, " +
				"and it should be cut at a word boundary rather than in the middle of a word,…",
		},
		"_posts/notes.txt":                          {ignored: true},
		"_posts/.hidden.md":                         {ignored: true},
		"_posts/_ignored.md":                        {ignored: true},
		"_posts/.obsidian/2019-01-01-in-dot-dir.md": {ignored: true},
		"_drafts/a-draft.md": {
			hidden: true, title: "A draft", slug: "a-draft", date: "*", // dated by its modification time
		},
	},
	"testdata/fixtures/hugo": {
		"content/posts/_index.md": {ignored: true},
		"content/posts/toml-post.md": {
			title: "A TOML post", slug: "toml-post", date: "2020-03-01T09:30:00+01:00", updated: "2020-03-05T00:00:00Z",
			tags: []string{"Go", "hugo", "Programming"}, categories: []string{"Programming"},
			description: "Front matter in TOML.",
			body: []string{
				"func main() {}",
				"Shortcode content stays.",
				"// {{< not a shortcode >}}",
			},
			notBody: []string{"{{< figure", "{{% notice", "notice info", "highlight", "/*"},
		},
		"content/posts/yaml-post.md": {
			title: "Upper-case keys", slug: "yaml-post", date: "2020-04-01T00:00:00Z", description: "Hugo's summary.",
		},
		"content/posts/toml-draft.md": {
			hidden: true, title: "TOML draft", slug: "toml-draft", date: "2020-05-01T00:00:00Z",
		},
		"content/posts/bundle/index.md": {
			title: "Page bundle", slug: "bundle", date: "2020-06-01T00:00:00Z",
		},
		"content/posts/toml-hour24.md": {
			err: `testdata/fixtures/hugo/content/posts/toml-hour24.md:3: date "2017-05-29T24:12:00": hour out of range`,
		},
		"content/posts/toml-string-date.md": {
			title: "String date", slug: "toml-string-date", date: "2017-06-11T21:06:00+09:00", tags: []string{"one", "two"},
		},
		"content/posts/future.md": {
			hidden: true, title: "Future Hugo post", slug: "future", date: "2099-01-01T00:00:00Z",
		},
		"content/posts/expired.md": {
			hidden: true, title: "Expired", slug: "expired", date: "2020-01-01T00:00:00Z",
		},
		"content/posts/publishdate.md": {
			hidden: true, title: "Scheduled", slug: "publishdate", date: "2020-01-01T00:00:00Z",
		},
		"content/posts/toml-bad.md": {
			err: `testdata/fixtures/hugo/content/posts/toml-bad.md:4: front matter: array is incomplete: check the TOML syntax (quote text values)`,
		},
		"content/posts/no-front-matter.md": {
			err: `testdata/fixtures/hugo/content/posts/no-front-matter.md: no date: add "date: YYYY-MM-DD" to the front matter or name the file YYYY-MM-DD-no-front-matter.md`,
		},
	},
}

func TestFixtures(t *testing.T) {
	for root, files := range fixtures {
		t.Run(path.Base(root), func(t *testing.T) {
			fsys := os.DirFS(root)
			checkFixtureList(t, fsys, files)

			blog, problems, err := Load(fsys, Options{Now: fixtureNow, Root: root})
			if err != nil {
				t.Fatal(err)
			}
			errs := map[string]string{}
			for _, p := range problems {
				pe := p.(*ParseError)
				if _, dup := errs[pe.Path]; dup {
					t.Errorf("%s: more than one problem", pe.Path)
				}
				errs[pe.Path] = pe.Error()
			}
			shown := map[string]*Post{}
			for _, p := range blog.Posts() {
				shown[p.Path] = p
			}
			// Everything that loads, whatever its dates and drafts.
			all, _, err := Load(fsys, Options{Now: fixtureNow, Root: root, Future: true, Drafts: true})
			if err != nil {
				t.Fatal(err)
			}
			loaded := map[string]*Post{}
			for _, p := range all.Posts() {
				loaded[p.Path] = p
			}

			hidden := 0
			for name, w := range files {
				t.Run(name, func(t *testing.T) {
					gotErr, isErr := errs[name]
					switch {
					case w.ignored:
						checkWarnings(t, blog, w.warn)
						if isErr || shown[name] != nil || loaded[name] != nil {
							t.Fatalf("should be ignored; problem %q, shown %v", gotErr, shown[name] != nil)
						}
						return
					case w.err != "":
						if gotErr != w.err {
							t.Fatalf("problem\n got: %s\nwant: %s", gotErr, w.err)
						}
						return
					case isErr:
						t.Fatalf("unexpected problem: %s", gotErr)
					}
					checkWarnings(t, blog, w.warn)
					if (shown[name] == nil) != w.hidden {
						t.Errorf("shown = %v, want %v", shown[name] != nil, !w.hidden)
					}
					p := shown[name]
					if p == nil {
						p = loaded[name]
					}
					if p == nil {
						p = parseFixture(t, fsys, name)
					}
					checkPost(t, p, w)
				})
				if w.hidden {
					hidden++
				}
			}
			if blog.Hidden() != hidden {
				t.Errorf("Hidden() = %d, want %d", blog.Hidden(), hidden)
			}
		})
	}
}

func checkWarnings(t *testing.T, blog *Blog, want []string) {
	t.Helper()
	for _, w := range want {
		if !slices.ContainsFunc(blog.Warnings(), func(e error) bool { return e.Error() == w }) {
			t.Errorf("warning missing: %s\nhave: %q", w, blog.Warnings())
		}
	}
}

// parseFixture parses a file that Load hides even with Future and Drafts
// (an expired post).
func parseFixture(t *testing.T, fsys fs.FS, name string) *Post {
	t.Helper()
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		t.Fatal(err)
	}
	pp, err := parsePost(name, data, parseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return pp.post
}

func checkPost(t *testing.T, p *Post, w want) {
	t.Helper()
	if p.Title != w.title {
		t.Errorf("Title = %q, want %q", p.Title, w.title)
	}
	if p.Slug != w.slug {
		t.Errorf("Slug = %q, want %q", p.Slug, w.slug)
	}
	if got := p.Date.Format(time.RFC3339); w.date != "*" && got != w.date {
		t.Errorf("Date = %s, want %s", got, w.date)
	}
	gotUpdated := ""
	if !p.Updated.IsZero() {
		gotUpdated = p.Updated.Format(time.RFC3339)
	}
	if gotUpdated != w.updated {
		t.Errorf("Updated = %q, want %q", gotUpdated, w.updated)
	}
	if !slices.Equal(p.Tags, w.tags) {
		t.Errorf("Tags = %q, want %q", p.Tags, w.tags)
	}
	if !slices.Equal(p.Categories, w.categories) {
		t.Errorf("Categories = %q, want %q", p.Categories, w.categories)
	}
	if w.description != "" && p.Description != w.description {
		t.Errorf("Description = %q, want %q", p.Description, w.description)
	}
	doc := p.Doc()
	text := doc.PlainText(doc.Root) // what a reader reads, without the marks
	for _, s := range w.body {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q; text:\n%s", s, text)
		}
	}
	for _, s := range w.notBody {
		if strings.Contains(text, s) {
			t.Errorf("text holds %q; text:\n%s", s, text)
		}
	}
	assertClean(t, p)
}

// assertClean fails when a field of p holds a control character: none at
// all in one-line fields, only newline and tab in Body and Source.
func assertClean(t testing.TB, p *Post) {
	t.Helper()
	oneLine := map[string]string{"Title": p.Title, "Slug": p.Slug, "Description": p.Description}
	for _, tag := range p.Tags {
		oneLine["Tag "+tag] = tag
	}
	for _, c := range p.Categories {
		oneLine["Category "+c] = c
	}
	for field, s := range oneLine {
		if i := strings.IndexFunc(s, func(r rune) bool { return sanitize.IsControl(r) || r == '\n' || r == '\t' }); i >= 0 {
			t.Errorf("%s holds a control character at %d: %q", field, i, s)
		}
	}
	for field, s := range map[string]string{"Body": p.Body, "Source": p.Source} {
		if i := strings.IndexFunc(s, sanitize.IsControl); i >= 0 {
			t.Errorf("%s holds a control character at %d: %q", field, i, s[max(0, i-20):min(len(s), i+20)])
		}
	}
	if p.Title == "" || p.Slug == "" {
		t.Errorf("empty Title %q or Slug %q", p.Title, p.Slug)
	}
}

// checkFixtureList makes sure every file of the fixture tree has an
// expectation, so a new fixture cannot go untested.
func checkFixtureList(t *testing.T, fsys fs.FS, files map[string]want) {
	t.Helper()
	seen := map[string]bool{}
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		seen[name] = true
		if _, ok := files[name]; !ok {
			t.Errorf("fixture %s has no expected result in fixtures_test.go", name)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range files {
		if !seen[name] {
			t.Errorf("expected result for %s, which is not a fixture file", name)
		}
	}
}

// With --future, future posts show; with Drafts, drafts and unpublished
// posts show too, marked as drafts. Expired posts never show.
func TestFixturesFutureAndDrafts(t *testing.T) {
	fsys := os.DirFS("testdata/fixtures/jekyll")
	blog, _, err := Load(fsys, Options{Now: fixtureNow, Future: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := blog.Post("future"); !ok {
		t.Error("Future: the future post is not shown")
	}
	if _, ok := blog.Post("unpublished"); ok {
		t.Error("Future: an unpublished post is shown")
	}
	// The draft in _drafts is dated by its file's modification time: now.
	blog, _, err = Load(fsys, Options{Drafts: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"unpublished", "draft-key", "a-draft"} {
		p, ok := blog.Post(slug)
		if !ok || !p.Draft {
			t.Errorf("Drafts: %s shown %v, want shown as a draft", slug, ok)
		}
	}
	if blog.Hidden() != 1 { // the future post
		t.Errorf("Drafts: Hidden() = %d, want 1", blog.Hidden())
	}

	hugo, _, err := Load(os.DirFS("testdata/fixtures/hugo"), Options{Now: fixtureNow, Future: true, Drafts: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := hugo.Post("expired"); ok {
		t.Error("an expired post is shown")
	}
	if _, ok := hugo.Post("publishdate"); !ok {
		t.Error("Future: a post with a future publishDate is not shown")
	}
}

// Tags and categories are browsable together, compared case-insensitively
// and named as first written.
func TestFixtureTags(t *testing.T) {
	blog, _, err := Load(os.DirFS("testdata/fixtures/jekyll"), Options{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	tag, ok := blog.Tag("TECH")
	if !ok || tag.Name != "Tech" || tag.Count != 2 || !tag.Category {
		t.Errorf("Tag(TECH) = %+v, %v; want Tech, 2 posts, a category (in one post)", tag, ok)
	}
	if got := blog.Tagged("nested"); len(got) != 1 || got[0].Slug != "in-subfolder" {
		t.Errorf("Tagged(nested) = %v", got)
	}
	if tag, _ := blog.Tag("review"); tag.Category {
		t.Error("Review is a tag, not a category")
	}
}
