package content

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// A Hugo site's translations are one post, listed once in the default
// language; a reader's locale picks one, the whole tag before its
// language.
func TestLoadTranslations(t *testing.T) {
	fsys := fstest.MapFS{
		"hugo.toml": {Data: []byte(`title = "Notes"
defaultContentLanguage = "en"
[languages.en]
weight = 1
[languages.ko]
weight = 2
[languages.zh]
weight = 3
[languages.zh-hant-tw]
weight = 4
`)},
		"content/posts/hello.md":            {Data: []byte("---\ntitle: Hello\ndate: 2020-01-01\n---\nHi.\n")},
		"content/posts/hello.ko.md":         {Data: []byte("---\ntitle: 안녕\ndate: 2020-01-01\n---\n안녕하세요.\n")},
		"content/posts/hello.zh-hant-tw.md": {Data: []byte("---\ntitle: 你好（臺灣）\ndate: 2020-01-01\n---\n你好。\n")},
		"content/posts/hello.zh.md":         {Data: []byte("---\ntitle: 你好\ndate: 2020-01-01\n---\n你好。\n")},
		"content/posts/bundle/index.md":     {Data: []byte("---\ntitle: Bundle\ndate: 2020-02-01\n---\nB.\n")},
		"content/posts/bundle/index.ko.md":  {Data: []byte("---\ntitle: 묶음\ndate: 2020-02-01\n---\nB.\n")},
		"content/posts/only-korean.ko.md":   {Data: []byte("---\ntitle: 한국어만\ndate: 2020-03-01\n---\nK.\n")},
		"content/about.md":                  {Data: []byte("---\ntitle: About\n---\nNot a post.\n")},
	}
	blog, problems, err := Load(fsys, Options{})
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}
	if blog.Name != "Notes" {
		t.Errorf("Name = %q, want the site's title", blog.Name)
	}
	var got []string
	for _, p := range blog.Posts() {
		got = append(got, p.Slug+" "+p.Lang+" "+p.Title)
	}
	want := []string{"only-korean ko 한국어만", "bundle en Bundle", "hello en Hello"}
	if !slices.Equal(got, want) {
		t.Errorf("posts %q, want %q", got, want)
	}
	hello, _ := blog.Post("hello")
	var langs []string
	for _, tr := range hello.Translations() {
		langs = append(langs, tr.Lang)
	}
	if !slices.Equal(langs, []string{"en", "ko", "zh", "zh-hant-tw"}) {
		t.Errorf("translations %q", langs)
	}
	for locale, title := range map[string]string{
		"ko_KR.UTF-8": "안녕", "zh_Hant_TW.UTF-8": "你好（臺灣）", "zh_CN.UTF-8": "你好", "zh-hant-tw": "你好（臺灣）",
		"en_US.UTF-8": "Hello", "fr_FR.UTF-8": "Hello", "C": "Hello", "": "Hello",
	} {
		if got := hello.In(locale).Title; got != title {
			t.Errorf("In(%q) = %q, want %q", locale, got, title)
		}
	}
	for locale, code := range map[string]string{"ko_KR.UTF-8": "ko", "zh_TW": "zh", "zh-Hant-TW": "zh-hant-tw", "fr": ""} {
		if got := blog.Language(locale); got != code {
			t.Errorf("Language(%q) = %q, want %q", locale, got, code)
		}
	}
	if p, ok := blog.Post("about"); ok {
		t.Errorf("about.md, outside the main section, is shown: %v", p.Path)
	}
}

// A Jekyll site's config names the blog and its zone; a front-matter
// YAML timestamp without a zone is UTC, a date from the file name midnight
// in the site's zone; {% post_url %} links to the post.
func TestLoadJekyllSite(t *testing.T) {
	fsys := fstest.MapFS{
		"_config.yml":                             {Data: []byte("title: 블로그\ntimezone: Asia/Seoul\n")},
		"_posts/2014-10-01-stamp.md":              {Data: []byte("---\ndate: 2014-10-1 12:00:00\n---\nSee [the other]({% post_url 2017-2-5-i-dont-like-zeroes %}).\n")},
		"_posts/2017-2-5-i-dont-like-zeroes.mkdn": {Data: []byte("Zeroes.\n")},
		"_posts/README.md":                        {Data: []byte("Not a post.\n")},
	}
	blog, problems, err := Load(fsys, Options{})
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}
	if blog.Name != "블로그" || blog.Site().TimeZone != "Asia/Seoul" {
		t.Errorf("site %q, zone %q", blog.Name, blog.Site().TimeZone)
	}
	stamp, ok := blog.Post("stamp")
	if !ok || stamp.Date.Format(time.DateTime+" -0700") != "2014-10-01 21:00:00 +0900" {
		t.Errorf("stamp date %v", stamp.Date)
	}
	zeroes, ok := blog.Post("i-dont-like-zeroes")
	if !ok || zeroes.Title != "I Dont Like Zeroes" || zeroes.Date.Format(time.DateTime+" -0700") != "2017-02-05 00:00:00 +0900" {
		t.Fatalf("zeroes %v", zeroes)
	}
	if len(stamp.Outline.Links) != 1 || stamp.Outline.Links[0].URL != "sshblog:i-dont-like-zeroes" {
		t.Errorf("post_url links %v", stamp.Outline.Links)
	}
	if w := blog.Warnings(); len(w) != 1 || w[0].(*ParseError).Path != "_posts/README.md" {
		t.Errorf("warnings %q: want one, for the misnamed README", w)
	}
}

// A reader gets the title and description of the site's language their
// locale picks; --title wins over every language's.
func TestBlogIn(t *testing.T) {
	fsys := fstest.MapFS{
		"hugo.toml": {Data: []byte(`title = "Notes"
[params]
description = "About things"
[languages.en]
weight = 1
[languages.ko]
weight = 2
title = "노트"
[languages.ko.params]
description = "이것저것"
`)},
		"content/posts/a.md": {Data: []byte("---\ntitle: A\ndate: 2020-01-01\n---\nA.\n")},
	}
	blog, _, err := Load(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for locale, want := range map[string][2]string{"ko_KR.UTF-8": {"노트", "이것저것"}, "en_US": {"Notes", "About things"}, "": {"Notes", "About things"}} {
		if title, desc := blog.In(locale); title != want[0] || desc != want[1] {
			t.Errorf("In(%q) = %q, %q; want %q", locale, title, desc, want)
		}
	}
	blog, _, _ = Load(fsys, Options{Name: "Mine"})
	if title, desc := blog.In("ko"); title != "Mine" || desc != "이것저것" {
		t.Errorf("with --title: %q, %q", title, desc)
	}
}

// Hugo shows a page of a main section that has no date; so does sshblog,
// dated by its file, with a warning.
func TestHugoUndatedPage(t *testing.T) {
	mod := time.Date(2021, 5, 6, 7, 8, 9, 0, time.UTC)
	fsys := fstest.MapFS{
		"hugo.toml":          {Data: []byte("title = \"H\"\n")},
		"content/posts/a.md": {Data: []byte("---\ntitle: Undated\n---\nA.\n"), ModTime: mod},
		"content/posts/b.md": {Data: []byte("---\ntitle: Dated\ndate: 2020-01-01\n---\nB.\n")},
	}
	blog, problems, err := Load(fsys, Options{})
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}
	a, ok := blog.Post("a")
	if !ok || !a.Date.Equal(mod) {
		t.Fatalf("undated page: %v, %v", a, ok)
	}
	if w := blog.Warnings(); len(w) != 1 || !strings.Contains(w[0].Error(), "content/posts/a.md: warning: no date: Hugo shows it undated") {
		t.Errorf("warnings %q", w)
	}
}
