package content

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
)

// files makes a MapFS from name, text pairs.
func files(kv ...string) fstest.MapFS {
	m := fstest.MapFS{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = &fstest.MapFile{Data: []byte(kv[i+1])}
	}
	return m
}

// siteSummary is what a test compares: the settings, not Params.
func siteSummary(s *Site) string {
	loc := "<nil>"
	if s.Location != nil {
		loc = s.Location.String()
	}
	out := fmt.Sprintf("kind=%s config=%s title=%q desc=%q author=%q url=%q base=%q tz=%q loc=%s future=%v ext=%s lang=%q perm=%q",
		s.Kind, s.Config, s.Title, s.Description, s.Author, s.URL, s.BaseURL, s.TimeZone, loc, s.Future,
		strings.Join(s.MarkdownExt, ","), s.DefaultLanguage, s.Permalink)
	for _, l := range s.Languages {
		out += fmt.Sprintf(" [%s %q %q %q w%d %q]", l.Code, l.Name, l.Title, l.Description, l.Weight, l.ContentDir)
	}
	return out
}

// checkParseErrors fails unless probs hold each of want, in order, or none at
// all when want is empty.
func checkParseErrors(t *testing.T, probs []*ParseError, want []string) {
	t.Helper()
	pt := problemsText(probs)
	if len(want) == 0 && pt != "" {
		t.Errorf("unexpected problems:\n%s", pt)
	}
	rest := pt
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("problems\n%s\nlack (in order) %q", pt, w)
			break
		}
		rest = rest[i+len(w):]
	}
}

func problemsText(probs []*ParseError) string {
	var b strings.Builder
	for _, p := range probs {
		if !p.Warning {
			b.WriteString("NOT A WARNING: ")
		}
		fmt.Fprintf(&b, "%s:%d: %s\n", p.Path, p.Line, p.Msg)
	}
	return b.String()
}

const jekyllDefaults = "ext=markdown,mkdown,mkdn,mkd,md"
const hugoDefaults = "ext=md,markdown,mdown"

func TestReadSite(t *testing.T) {
	tests := []struct {
		name  string
		fs    fstest.MapFS
		want  []string // substrings of siteSummary
		probs []string // substrings of the problems, in order; none when empty
	}{
		{"empty folder", files("a.md", "x"), []string{"kind=posts folder config= ", "ext= "}, nil},
		{"jekyll without config", files("_posts/2020-01-01-a.md", "x"),
			[]string{"kind=Jekyll site config= ", jekyllDefaults, `perm="date"`, `lang=""`}, nil},
		{"jekyll settings", files("_config.yml", `
title: My Blog
description: "About things"
author: Kim
url: https://example.org/
baseurl: blog/
timezone: Asia/Seoul
future: true
markdown_ext: "md, Markdown,.mkdn"
lang: ko-KR
permalink: /:year/:title/
`), []string{`kind=Jekyll site config=_config.yml title="My Blog" desc="About things" author="Kim" url="https://example.org/blog" base="/blog" tz="Asia/Seoul" loc=Asia/Seoul future=true ext=md,markdown,mkdn lang="ko-KR" perm="/:year/:title/"`}, nil},
		{"jekyll author map", files("_config.yml", "author:\n  name: Lee\n  email: l@example.org\n"), []string{`author="Lee"`}, nil},
		{"jekyll future yes", files("_config.yml", "future: yes\n"), []string{"future=true"}, nil},
		{"jekyll keys are case-sensitive", files("_config.yml", "Title: X\nTimezone: Asia/Seoul\n"), []string{`title="" `, `tz=""`}, nil},
		{"jekyll yaml before toml", files("_config.toml", "title = 'toml'", "_config.yaml", "title: yaml"), []string{`config=_config.yaml title="yaml"`}, nil},
		{"jekyll toml", files("_config.toml", "title = 'T'\ntimezone = 'Europe/Berlin'\n"), []string{`title="T"`, "loc=Europe/Berlin"}, nil},
		{"jekyll number title", files("_config.yml", "title: 2024\n"), []string{`title="2024"`}, nil},
		{"jekyll broken yaml", files("_config.yml", "title: a\ndescription: [b\nfuture: true\n"),
			[]string{`kind=Jekyll site config=_config.yml title=""`, jekyllDefaults, `perm="date"`},
			[]string{"_config.yml:", "YAML:", "not read"}},
		{"jekyll tab", files("_config.yml", "title: a\n\tfuture: true\n"), []string{`title=""`}, []string{"_config.yml:2: YAML: found a tab"}},
		{"jekyll bad timezone", files("_config.yml", "title: T\n\ntimezone: Asia/Seol\nfuture: true\n"),
			[]string{`title="T"`, `tz="" loc=<nil> future=true`},
			[]string{`_config.yml:3: timezone "Asia/Seol" is not a time zone`}},
		{"jekyll Local is no zone", files("_config.yml", "timezone: Local\n"), []string{`loc=<nil>`}, []string{`_config.yml:1: timezone "Local"`}},
		{"jekyll future maybe", files("_config.yml", "title: T\nfuture: maybe\n"),
			[]string{`title="T"`, "future=false"}, []string{`_config.yml:2: future is "maybe": it should be true or false`}},
		{"jekyll title list", files("_config.yml", "title:\n  - a\n  - b\ndescription: D\n"),
			[]string{`title="" desc="D"`}, []string{"_config.yml:1: title is a list: it should be a text"}},
		{"jekyll author name list", files("_config.yml", "author:\n  name: [a]\n"),
			[]string{`author=""`}, []string{"_config.yml:2: author.name is a list"}},
		{"jekyll duplicate key", files("_config.yml", "title: first\ntitle: second\n"),
			[]string{`title="second"`}, []string{"_config.yml:1: title is set again at line 2"}},
		{"jekyll config a list", files("_config.yml", "- a\n- b\n"), []string{"kind=Jekyll site", jekyllDefaults}, []string{"_config.yml:1: the config is a list"}},
		{"jekyll empty config", files("_config.yml", ""), []string{"kind=Jekyll site config=_config.yml", jekyllDefaults}, nil},
		{"jekyll config too big", files("_config.yml", "title: x\n"+strings.Repeat("# padding\n", maxConfigSize/10+1)),
			[]string{`kind=Jekyll site config=_config.yml title=""`}, []string{"_config.yml:0: the file is over 1024 KB"}},
		{"jekyll broken toml", files("_config.toml", "title = 'T'\nfuture = \n"), []string{`title=""`}, []string{"_config.toml:2: TOML:"}},

		{"hugo settings", files("hugo.toml", `
baseURL = "https://example.org/"
title = "Hugo Blog"
timeZone = "Asia/Tokyo"
buildFuture = true
defaultContentLanguage = "KO"
[params]
description = "D"
author = "Park"
`), []string{`kind=Hugo site config=hugo.toml title="Hugo Blog" desc="D" author="Park" url="https://example.org/" base="" tz="Asia/Tokyo" loc=Asia/Tokyo future=true ` + hugoDefaults + ` lang="ko" perm=""`}, nil},
		{"hugo keys are case-insensitive", files("hugo.toml", "Title = 'T'\nTimeZone = 'Asia/Seoul'\nBuildFuture = true\nBaseURL = 'u'\n[Params]\nAuthor = 'A'\n"),
			[]string{`title="T"`, `author="A"`, `url="u"`, `tz="Asia/Seoul"`, "future=true"}, nil},
		{"hugo default language", files("config.yaml", "title: T\n"), []string{`config=config.yaml title="T"`, `lang="en"`}, nil},
		{"hugo.* before config.*", files("config.toml", "title = 'config'", "hugo.json", `{"title": "hugo"}`), []string{`config=hugo.json title="hugo"`}, nil},
		{"hugo author map", files("hugo.yaml", "params:\n  author:\n    name: Choi\n"), []string{`author="Choi"`}, nil},
		{"hugo top-level author", files("hugo.toml", "[author]\nname = 'Jung'\n"), []string{`author="Jung"`}, nil},
		{"hugo bad timezone", files("hugo.toml", "title = 'T'\ntimeZone = 'Mars/Olympus'\n"),
			[]string{`title="T"`, "loc=<nil>"}, []string{`hugo.toml:2: timeZone "Mars/Olympus" is not a time zone`}},
		{"hugo bad timezone in a table", files("hugo.toml", "[params]\nx = 1\n\ntimezone = 2\n"),
			[]string{"loc=<nil>"}, nil},
		{"hugo buildFuture text", files("hugo.yaml", "title: T\nbuildFuture: maybe\n"),
			[]string{"future=false"}, []string{`hugo.yaml:2: buildFuture is "maybe"`}},
		{"hugo title table", files("hugo.toml", "baseURL = 'u'\n[title]\nx = 1\n"),
			[]string{`title="" `, `url="u"`}, []string{"hugo.toml:2: title is a map"}},
		{"hugo broken toml", files("hugo.toml", "title = 'T'\n\n[params\n"),
			[]string{`kind=Hugo site config=hugo.toml title=""`, `lang="en"`}, []string{"hugo.toml:3: TOML:"}},
		{"hugo broken json", files("hugo.json", "{\n  \"title\": \"T\",\n  \"x\": ]\n}"),
			[]string{`kind=Hugo site config=hugo.json title=""`}, []string{"hugo.json:3: JSON:"}},
		{"hugo json type", files("hugo.json", "{\n  \"title\": \"T\",\n  \"buildFuture\": \"sure\"\n}"),
			[]string{`title="T"`}, []string{`hugo.json:3: buildFuture is "sure"`}},
		{"hugo languages", files("hugo.toml", `
defaultContentLanguage = "ko"
[languages.en]
weight = 2
languageName = "English"
title = "EN"
[languages.en.params]
description = "in English"
[languages.ko]
weight = 2
languageName = "한국어"
contentDir = "content/ko/"
[languages.ja]
weight = 1
description = "日本語で"
[languages.zz]
languageName = "no weight"
[languages.aa]
weight = 0
`), []string{`lang="ko" perm="" [ja "" "" "日本語で" w1 ""] [en "English" "EN" "in English" w2 ""] [ko "한국어" "" "" w2 "content/ko"] [aa "" "" "" w0 ""] [zz "no weight" "" "" w0 ""]`}, nil},
		{"hugo language weight text", files("hugo.yaml", "languages:\n  en:\n    weight: heavy\n"),
			[]string{"[en", "w0"}, []string{`hugo.yaml:3: languages.en.weight is "heavy": it should be a whole number`}},
		{"hugo config folder", files(
			"hugo.toml", "title = 'root'\ncopyright = 'c'\n[params]\nx = 'root'\ny = 'rooty'\n",
			"config/_default/hugo.toml", "title = 'dir'\nbaseURL = 'https://dir.example/'\n[params]\nx = 'dir'\n",
			"config/_default/params.toml", "description = 'from params'\nAuthor = 'P'\n",
			"config/_default/languages.yaml", "ko:\n  weight: 1\n  title: KO\nen:\n  weight: 3\n",
			"config/_default/params.ko.toml", "description = 'ko params'\n",
			"config/_default/menus.en.toml", "[[main]]\nname = 'Home'\n",
			"config/_default/README.md", "not a config",
			"config/production/params.toml", "x = 'prod'\n",
		), []string{`config=hugo.toml title="dir" desc="from params" author="P" url="https://dir.example/"`, `[ko "" "KO" "ko params" w1 ""] [en "" "" "" w3 ""]`}, nil},
		{"hugo config folder only", files("config/_default/config.yaml", "title: only dir\n", "config/_default/params.yaml", "description: d\n"),
			[]string{`kind=Hugo site config=config/_default/config.yaml title="only dir" desc="d"`}, nil},
		{"hugo config folder problem", files("config/_default/hugo.toml", "title = 'T'\n", "config/_default/params.toml", "description = 'd'\nauthor = ['a', 'b']\n"),
			[]string{`title="T" desc="d" author=""`}, []string{"config/_default/params.toml:2: params.author is a list"}},
		{"hugo broken file in folder keeps the others", files("config/_default/hugo.toml", "title = 'T'\n", "config/_default/params.toml", "description = \n"),
			[]string{`title="T"`}, []string{"config/_default/params.toml:1: TOML:"}},
		{"jekyll before hugo", files("_config.yml", "title: J\n", "hugo.toml", "title = 'H'"), []string{`kind=Jekyll site config=_config.yml title="J"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, probs := ReadSite(tt.fs)
			got := siteSummary(s)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("site\n%s\nlacks\n%s", got, w)
				}
			}
			checkParseErrors(t, probs, tt.probs)
			if s.Params == nil && s.Kind != PostsFolder {
				t.Errorf("Params is nil")
			}
		})
	}
}

func TestReadSiteParams(t *testing.T) {
	// Jekyll keeps keys as written, for site.* in Liquid.
	s, _ := ReadSite(files("_config.yml", "title: T\nMyKey:\n  Nested: [1, two]\n1: one\n"))
	want := map[string]any{"title": "T", "MyKey": map[string]any{"Nested": []any{1, "two"}}, "1": "one"}
	if !reflect.DeepEqual(s.Params, want) {
		t.Errorf("Jekyll Params = %#v, want %#v", s.Params, want)
	}
	// Hugo lower-cases every key, as Hugo does, and merges the config folder.
	s, _ = ReadSite(files("hugo.toml", "Title = 'T'\n[Params]\nMyKey = 'v'\n[[Params.Links]]\nURL = 'u'\n",
		"config/_default/menus.en.toml", "[[main]]\nName = 'Home'\n"))
	want = map[string]any{"title": "T",
		"params":    map[string]any{"mykey": "v", "links": []any{map[string]any{"url": "u"}}},
		"languages": map[string]any{"en": map[string]any{"menus": map[string]any{"main": []any{map[string]any{"name": "Home"}}}}}}
	if !reflect.DeepEqual(s.Params, want) {
		t.Errorf("Hugo Params = %#v, want %#v", s.Params, want)
	}
}

func TestSitePostDirs(t *testing.T) {
	tests := []struct {
		name   string
		fs     fstest.MapFS
		drafts bool
		want   []string
	}{
		{"posts folder", files("a.md", "x"), false, []string{"."}},
		{"jekyll", files(
			"_config.yml", "exclude: [old, 'archive/*']\n",
			"_posts/a.md", "x", "_drafts/d.md", "x",
			"tech/_posts/b.md", "x", "tech/go/_posts/c.md", "x", "tech/_drafts/e.md", "x",
			"_site/_posts/x.md", "x", ".jekyll-cache/_posts/x.md", "x", "node_modules/p/_posts/x.md", "x",
			"vendor/bundle/g/_posts/x.md", "x", "old/_posts/x.md", "x", "archive/2010/_posts/x.md", "x",
			"_hidden/_posts/x.md", "x", ".git/_posts/x.md", "x",
		), false, []string{"_posts", "tech/_posts", "tech/go/_posts"}},
		{"jekyll drafts", files("_posts/a.md", "x", "_drafts/d.md", "x", "tech/_drafts/e.md", "x"), true,
			[]string{"_drafts", "_posts", "tech/_drafts"}},
		{"jekyll include", files("_config.yml", "include: [_pages]\n", "_pages/_posts/a.md", "x", "_posts/b.md", "x"), false,
			[]string{"_pages/_posts", "_posts"}},
		{"jekyll collections_dir", files("_config.yml", "collections_dir: my\n", "my/_posts/a.md", "x", "_posts/b.md", "x", "my/cat/_posts/c.md", "x"), false,
			[]string{"my/_posts", "my/cat/_posts"}},
		{"hugo", files("hugo.toml", "title = 'T'", "content/posts/a.md", "x"), false, []string{"content"}},
		{"hugo contentDir", files("hugo.toml", "contentDir = 'src/'", "src/posts/a.md", "x"), false, []string{"src"}},
		{"hugo no content", files("hugo.toml", "title = 'T'"), false, nil},
		{"hugo languages with dirs", files("hugo.toml", "[languages.en]\nweight = 1\ncontentDir = 'content/en'\n[languages.ko]\nweight = 2\ncontentDir = 'content/ko'\n",
			"content/en/a.md", "x", "content/ko/a.md", "x"), false, []string{"content/en", "content/ko"}},
		{"hugo language sharing content", files("hugo.toml", "[languages.en]\nweight = 1\n[languages.ko]\nweight = 2\ncontentDir = 'content/ko'\n[languages.ja]\ncontentDir = 'ja'\n",
			"content/a.md", "x", "content/ko/a.md", "x", "ja/a.md", "x"), false, []string{"content", "ja"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, probs := ReadSite(tt.fs)
			if len(probs) > 0 {
				t.Fatalf("problems: %s", problemsText(probs))
			}
			if got := s.postDirs(tt.fs, tt.drafts); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("postDirs = %q, want %q", got, tt.want)
			}
		})
	}
}
