package render

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/sshblog/sshblog/internal/content"
)

// linkedBlog is a blog whose first post links to the others as Liquid's
// post_url and Hugo's ref leave the links: sshblog:SLUG, with text, without
// text, as an autolink, inside emphasis and a table, and to a post the
// blog does not have.
func linkedBlog(t testing.TB) *content.Blog {
	t.Helper()
	fsys := fstest.MapFS{
		"2020-01-03-links.md": {Data: []byte(`---
title: Links
---
Read [the word2vec post](sshblog:word2vec) first, then [](sshblog:intro)
and <sshblog:intro>.

*See [the first one](sshblog:word2vec) too.*

| Post | Why |
|------|-----|
| [intro](sshblog:intro) | short |

A [percent-encoded](sshblog:%ED%95%9C%EA%B8%80) slug, and [a lost one](sshblog:gone).
[An ordinary link](https://example.com/) stays as it was.
`)},
		"2017-03-30-word2vec.md": {Data: []byte("---\ntitle: Word2vec\n---\nbody\n")},
		"2019-01-01-intro.md":    {Data: []byte("---\ntitle: 소개하는 글\n---\nbody\n")},
		"2019-01-02-한글.md":       {Data: []byte("---\ntitle: 한글 제목\n---\nbody\n")},
	}
	blog, problems, err := content.Load(fsys, content.Options{})
	if err != nil || len(problems) > 0 {
		t.Fatalf("load: %v %v", err, problems)
	}
	return blog
}

func blogTitles(blog *content.Blog) func(string) (string, bool) {
	return func(slug string) (string, bool) {
		p, ok := blog.Post(slug)
		if !ok {
			return "", false
		}
		return p.Title, true
	}
}

func TestPostLinks(t *testing.T) {
	blog := linkedBlog(t)
	p, ok := blog.Post("links")
	if !ok {
		t.Fatal("no post links")
	}
	r := New(Options{Host: "-p 2222 blog.example.com", PostTitle: blogTitles(blog)})
	out, err := r.Render(p, 60, NoColor)
	if err != nil {
		t.Fatal(err)
	}
	got := plainLines(out)
	checkFits(t, "links", out, 60)
	checkGolden(t, "post_links_60_nocolor", got)
	squashed := strings.Join(strings.Fields(got), " ")
	for _, want := range []string{
		"the word2vec post (ssh -t -p 2222 blog.example.com word2vec)",
		"then 소개하는 글 (ssh -t -p 2222 blog.example.com intro)",                   // no text: the title
		"and 소개하는 글 (ssh -t -p 2222 blog.example.com intro).",                   // an autolink: the title
		"*See* the first one (ssh -t -p 2222 blog.example.com word2vec) *too.*", // in emphasis: outside it
		"intro (ssh -t -p 2222 blog.example.com | short intro)",                 // in a table, wrapped in its cell
		"percent-encoded (ssh -t -p 2222 blog.example.com 한글)",
		"and a lost one.", // no such post: the text alone
		"An ordinary link https://example.com/",
	} {
		if !strings.Contains(squashed, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "sshblog:") {
		t.Errorf("shows a raw sshblog: URL:\n%s", got)
	}

	// In colour the text is the link style's and no OSC 8 hyperlink
	// points at sshblog: or "#".
	dark, err := r.Render(p, 40, Dark)
	if err != nil {
		t.Fatal(err)
	}
	checkFits(t, "links dark", dark, 40)
	if strings.Contains(dark, "sshblog:") || strings.Contains(dark, "\x1b]8;id=") && strings.Contains(dark, ";#\a") {
		t.Errorf("dark render links to sshblog: or #: %q", dark)
	}
	for width := MinWidth; width <= 80; width++ {
		out, err := r.Render(p, width, Dark)
		if err != nil {
			t.Fatal(err)
		}
		checkFits(t, "links", out, width)
	}
}

// Without a host the deep link says HOST; without titles, a link with no
// text shows its slug, and every slug is taken to exist.
func TestPostLinksWithoutHostOrTitles(t *testing.T) {
	blog := linkedBlog(t)
	p, _ := blog.Post("links")
	out, err := New(Options{}).Render(p, 200, NoColor)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(strings.Fields(plainLines(out)), " ")
	for _, want := range []string{"then intro (ssh -t HOST intro)", "a lost one (ssh -t HOST gone)"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
}

func TestPostSlugAndDeepLink(t *testing.T) {
	tests := []struct {
		url, slug string
		ok        bool
		deep      string
	}{
		{"sshblog:word2vec", "word2vec", true, "ssh -t h word2vec"},
		{"sshblog:2017/03/30/word2vec", "2017/03/30/word2vec", true, "ssh -t h 2017/03/30/word2vec"},
		{"sshblog:%ED%95%9C", "한", true, "ssh -t h 한"},
		{"sshblog:it's", "it's", true, `ssh -t h 'it'\''s'`},
		{"sshblog:a;rm -rf", "a;rm -rf", true, "ssh -t h 'a;rm -rf'"},
		{"sshblog:x\x1b[31m", "x", true, "ssh -t h x"}, // the escape sequence goes
		{"sshblog:", "", false, ""},
		{"https://example.com", "", false, ""},
	}
	for _, tt := range tests {
		slug, ok := PostSlug(tt.url)
		if slug != tt.slug || ok != tt.ok {
			t.Errorf("PostSlug(%q) = %q, %v; want %q, %v", tt.url, slug, ok, tt.slug, tt.ok)
		}
		if ok {
			if got := DeepLink("h", slug); got != tt.deep {
				t.Errorf("DeepLink(h, %q) = %q, want %q", slug, got, tt.deep)
			}
		}
	}
}

// A reloaded blog's titles (SetPostTitle) reach the links that show them,
// and only the posts whose links show a changed title are rendered again:
// the rest of the cache is reused.
func TestSetPostTitleKeepsTheCache(t *testing.T) {
	blog := linkedBlog(t)
	links, _ := blog.Post("links")
	plain, _ := blog.Post("word2vec")
	r := New(Options{PostTitle: blogTitles(blog)})
	for _, p := range []*content.Post{links, plain} {
		if _, err := r.Render(p, 60, NoColor); err != nil {
			t.Fatal(err)
		}
	}
	misses := r.Stats().Misses

	// The same titles from a new function: nothing renders again.
	r.SetPostTitle(blogTitles(linkedBlog(t)))
	for _, p := range []*content.Post{links, plain} {
		if _, ok := r.Cached(p, 60, NoColor); !ok {
			t.Errorf("%s is not cached after titles that did not change", p.Slug)
		}
	}

	// intro renamed: the post that links to it shows the new title; the
	// post without links is still cached.
	r.SetPostTitle(func(slug string) (string, bool) {
		if slug == "intro" {
			return "A renamed introduction", true
		}
		return blogTitles(blog)(slug)
	})
	if _, ok := r.Cached(plain, 60, NoColor); !ok {
		t.Error("a post without links was dropped from the cache by a title change")
	}
	out, err := r.Render(links, 60, NoColor)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(strings.Fields(plainLines(out)), " "); !strings.Contains(got, "then A renamed introduction (ssh -t HOST intro)") {
		t.Errorf("the renamed title is not shown:\n%s", got)
	}
	if n := r.Stats().Misses - misses; n != 1 {
		t.Errorf("%d renders after the title change, want 1 (the post linking to it)", n)
	}
}
