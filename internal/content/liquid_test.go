package content

import (
	"fmt"
	"math/rand"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"
)

// testLiquidSite is a small Jekyll site: two posts, includes, a snippet
// beside the posts.
func testLiquidSite() *liquidSite {
	fsys := fstest.MapFS{
		"_includes/note.html":    {Data: []byte("[{{ include.content }}|{{ include.x | default: \"none\" }}]\n")},
		"_includes/article.md":   {Data: []byte("The article, on {{ page.title }}.\n")},
		"_includes/self.html":    {Data: []byte("again {% include self.html %}")},
		"_includes/broken.html":  {Data: []byte("a\n{% nosuchtag %}\nb")},
		"_includes/nested.html":  {Data: []byte("<{% include note.html content='n' %}>")},
		"_posts/snippet.md":      {Data: []byte("snippet {{ 1 | plus: 1 }}")},
		"_posts/2020-01-02-x.md": {Data: []byte("x")},
	}
	site := &Site{Kind: Jekyll, Title: "T", URL: "https://ex.com/blog", BaseURL: "/blog",
		Params: map[string]any{"title": "T", "author": "Ann", "url": "https://ex.com", "baseurl": "/blog"}}
	day := func(d int) time.Time { return time.Date(2020, 1, d, 0, 0, 0, 0, time.UTC) }
	posts := []postRef{
		{Path: "_posts/2019-05-05-old.md", Slug: "old", Title: "Old", URL: "/2019/05/05/old.html", Date: time.Date(2019, 5, 5, 0, 0, 0, 0, time.UTC), Tags: []string{"go"}},
		{Path: "_posts/2020-01-02-other.md", Slug: "other", Title: "Other", URL: "/2020/01/02/other.html", Date: day(2), Tags: []string{"go", "ssh"},
			Page: map[string]any{"title": "Other", "lang": "en"}},
		{Path: "_posts/notes/2020-01-03-deep.md", Slug: "2020-01-03-deep", Title: "Deep", URL: "/2020/01/03/deep.html", Date: day(3)},
	}
	return newLiquidSite(liquidInput{Site: site, FS: fsys, Posts: posts,
		Data: map[string]any{"authors": map[string]any{"ann": "Ann A."}}})
}

func testPage() map[string]any {
	return map[string]any{"title": "A", "url": "/2020/01/01/a.html", "date": time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC),
		"tags": []any{"x", "y"}, "slug": "a", "path": "_posts/2020-01-01-a.md", "q": `it's "so"`}
}

func TestLiquidRender(t *testing.T) {
	ls := testLiquidSite()
	tests := []struct {
		name, in, want string
		lines          []int // lines of the problems; body starts at line 5
	}{
		{"no liquid", "plain `code` and {braces}\n", "plain `code` and {braces}\n", nil},
		{"assign and output", "{% assign n = 3 %}N={{ n }}\n", "N=3\n", nil},
		{"capture", "{% capture x %}hi{% endcapture %}[{{ x }}]", "[hi]", nil},
		{"for", "{% for i in (1..3) %}{{ i }},{% endfor %}", "1,2,3,", nil},
		{"for over site.posts, newest first", "{% for p in site.posts %}{{ p.title }} {{ p.url }};{% endfor %}",
			"Deep /2020/01/03/deep.html;Other /2020/01/02/other.html;Old /2019/05/05/old.html;", nil},
		{"site.tags", "{{ site.tags.go | size }} {{ site.tags.ssh[0].title }}", "2 Other", nil},
		{"site config and data", "{{ site.title }} by {{ site.author }}, {{ site.data.authors.ann }}", "T by Ann, Ann A.", nil},
		{"post front matter", "{{ site.posts[1].lang }}", "en", nil},
		{"page", "{{ page.url }} {{ page.title }} {{ page.tags | join: ',' }}", "/2020/01/01/a.html A x,y", nil},
		{"link definitions from a loop", "([#1][])\n\n{% for i in (1..2) %}[#{{ i }}]: https://x/{{ i }}\n{% endfor %}",
			"([#1][])\n\n[#1]: https://x/1\n[#2]: https://x/2\n", nil},
		{"whitespace control", "a\n{%- assign x = 1 -%}\nb", "ab", nil},
		{"post_url", "[o]({% post_url 2020-01-02-other %})", "[o](sshblog:other)", nil},
		{"post_url in a folder", "{% post_url notes/2020-01-03-deep %}", "sshblog:2020-01-03-deep", nil},
		{"post_url missing", "a\n[x]({% post_url 2020-01-09-nope %})", "a\n[x]()", []int{6}},
		{"link", "[o]({% link _posts/2020-01-02-other.md %})", "[o](sshblog:other)", nil},
		{"link missing", "{% link _posts/nope.md %}.", ".", []int{5}},
		{"relative_url to a post", "[o]({{ '/2020/01/02/other.html' | relative_url }})", "[o](sshblog:other)", nil},
		{"post.url | relative_url", "{% for p in site.posts limit:1 %}{{ p.url | relative_url }}{% endfor %}", "sshblog:2020-01-03-deep", nil},
		{"include with parameters", "{% assign n = 3 %}{% include note.html content=\"hi\" x=n %}", "[hi|3]\n", nil},
		{"include without parameters", "{% include note.html %}", "[|none]\n", nil},
		{"article in an include", "{% include article.md %}", "The article, on A.\n", nil},
		{"include in an include", "{% include nested.html %}", "<[n|none]\n>", nil},
		{"include_relative", "{% include_relative snippet.md %}", "snippet 2", nil},
		{"include missing", "x\n{% include nope.html %}y", "x\ny", []int{6}},
		{"include leaving the site", "{% include ../secret %}y", "y", []int{5}},
		{"include including itself", "{% include self.html %}", strings.Repeat("again ", maxIncludeDepth), []int{5}},
		{"problem in an include", "a\n{% include broken.html %}", "a\na\n\nb", []int{6}},
		{"highlight", "{% highlight go linenos %}\nx := {{ 1 | plus: 1 }}\n{% endhighlight %}\n", "```go\nx := 2\n```\n", nil},
		{"highlight holding raw", "{% highlight liquid %}\n{% raw %}{{ x }} {% if %}{% endraw %}\n{% endhighlight %}\n",
			"```liquid\n{{ x }} {% if %}\n```\n", nil},
		{"highlight holding a fence", "{% highlight md %}\n```\nx\n```\n{% endhighlight %}\n", "````md\n```\nx\n```\n````\n", nil},
		{"highlight in a list item", "1. Run:\n\n   {% highlight sh %}\n   ls\n   {% endhighlight %}\n", "1. Run:\n\n   ```sh\n   ls\n   ```\n", nil},
		{"highlight on one line", "{% highlight sh %}ls{% endhighlight %}\n", "```sh\nls\n```\n", nil},
		{"highlight without a language", "{% highlight %}\nx\n{% endhighlight %}\n", "\nx\n\n", []int{5}},
		{"raw block", "{% raw %}\n{{ x }} {% y %}\n{% endraw %}\n", "\n{{ x }} {% y %}\n\n", nil},
		{"raw inline", "a {% raw %}{{ x }}{% endraw %} b\n", "a {{ x }} b\n", nil},
		{"comment", "a\n{% comment %}\nsecret {{ x }}\n{% endcomment %}\nb\n", "a\n\nb\n", nil},
		{"nested comment", "a{% comment %}x{% comment %}y{% endcomment %}z{% endcomment %}b\n", "ab\n", nil},
		{"liquid in code is evaluated, as Jekyll does", "```\n{{ 1 | plus: 1 }}\n```\n`{{ 'a' }}`\n", "```\n2\n```\n`a`\n", nil},
		{"unknown tag", "a\n{% youtube abc %}\nb", "a\n\nb", []int{6}},
		{"unknown tags", "{% gist 1 %}{% gist 2 %}{% gist 3 %}x", "x", []int{5, 5, 5}},
		{"unknown filter", "{{ 'a' | nosuch }}b", "b", []int{5}},
		{"tag without its arguments", "a\n\n{% if %}x{% endif %}", "a\n\nx", []int{7}},
		{"unterminated block", "a {% if true %}b", "a b", []int{5}},
		{"failing block with a clause", "{% for x in %}a{% else %}b{% endfor %}c", "abc", []int{5}},
		{"failing block holding a block", "{% if %}{% for i in (1..2) %}{{ i }}{% endfor %}{% endif %}.", "12.", []int{5}},
		{"stray end tag", "a {% endfor %}b", "a b", []int{5}},
		{"unclosed tag is text", "a {% b and {{ c\n", "a {% b and {{ c\n", nil},
		{"huge literal range", "{% for i in (1..1000000000) %}{% endfor %}done", "done", []int{5, 5}},
		{"filters from the standard", "{{ 'a,b' | split: ',' | reverse | join: '-' | upcase }}", "B-A", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := ls.render("_posts/2020-01-01-a.md", tt.in, 5, testPage())
			if got != tt.want {
				t.Errorf("render(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
			var lines []int
			for _, p := range problems {
				lines = append(lines, p.Line)
			}
			if fmt.Sprint(lines) != fmt.Sprint(tt.lines) {
				t.Errorf("render(%q): problems at lines %v, want %v: %v", tt.in, lines, tt.lines, problems)
			}
		})
	}
}

// Problems say what, where and what to do.
func TestLiquidProblemMessages(t *testing.T) {
	ls := testLiquidSite()
	tests := []struct{ in, want string }{
		{"{% youtube abc %}", `unknown tag "youtube" in {% youtube abc %}`},
		{"{% include nope.html %}", "_includes/nope.html is missing: add it, or remove the tag"},
		{"{% include broken.html %}", `in _includes/broken.html line 2: Liquid: unknown tag "nosuchtag"`},
		{"{{ 'a' | nosuch }}", `{{ 'a' | nosuch }}: undefined filter "nosuch": fix the tag`},
		{"{% post_url 2020-01-09-nope %}", "no post is named 2020-01-09-nope"},
	}
	for _, tt := range tests {
		_, problems := ls.render("p.md", tt.in, 1, nil)
		if len(problems) != 1 || !strings.Contains(problems[0].Msg, tt.want) {
			t.Errorf("render(%q): problems %v, want one saying %q", tt.in, problems, tt.want)
		}
	}
}

func TestLiquidFilters(t *testing.T) {
	ls := testLiquidSite()
	tests := []struct{ in, want string }{
		{"{{ '/a b' | relative_url }}", "/blog/a%20b"},
		{"{{ 'a' | relative_url }}", "/blog/a"},
		{"{{ '/x' | absolute_url }}", "https://ex.com/blog/x"},
		{"{{ 'https://o.org/x' | absolute_url }}", "https://o.org/x"},
		{"{{ page.date | date_to_xmlschema }}", "2020-01-01T00:00:00+00:00"},
		{"{{ page.date | date_to_rfc822 }}", "Wed, 01 Jan 2020 00:00:00 +0000"},
		{"{{ page.date | date_to_string }}", "01 Jan 2020"},
		{"{{ page.date | date_to_long_string }}", "01 January 2020"},
		{`{{ page.date | date_to_string: "ordinal", "US" }}`, "Jan 1st, 2020"},
		{`{{ page.date | date_to_long_string: "ordinal" }}`, "1st January 2020"},
		{"{{ '2021-03-04 10:00:00' | date_to_string }}", "04 Mar 2021"},
		{`{{ page.date | date: "%Y/%m" }}`, "2020/01"},
		{"{{ '<&>' | xml_escape }}", "&lt;&amp;&gt;"},
		{"{{ 'a b&c' | cgi_escape }}", "a+b%26c"},
		{"{{ 'a b&c' | uri_escape }}", "a%20b&c"},
		{"{{ 'a b  c' | number_of_words }}", "3"},
		{"{{ '한국어 글 ok' | number_of_words: 'cjk' }}", "5"},
		{"{{ page.tags | jsonify }}", `["x","y"]`},
		{"{{ '*hi*' | markdownify }}", "*hi*"},
		{"{{ 'Hello, World!' | slugify }}", "hello-world"},
		{"{{ 'Hello, World!' | slugify: 'pretty' }}", "hello,-world!"},
		{"{{ page.q | smartify }}", "it’s “so”"},
		{"{{ page.tags | array_to_sentence_string }}", "x and y"},
		{"{{ site.posts | map: 'title' | array_to_sentence_string: 'or' }}", "Deep, Other, or Old"},
		{"{{ 'a  \t b ' | normalize_whitespace }}", "a b"},
		{"{{ '<p>a <b>b</b><script>x</script><!-- c --></p>' | strip_html }}", "a b"},
		{"{{ site.posts | where: 'title', 'Old' | map: 'slug' | join }}", "old"},
		{"{{ site.posts | where: 'tags', 'ssh' | map: 'title' | join }}", "Other"},
		{`{{ site.posts | where_exp: "p", "p.title contains 'O'" | map: 'title' | join: ',' }}`, "Other,Old"},
		{"{% assign g = site.posts | group_by: 'lang' %}{% for x in g %}{{ x.name }}={{ x.size }};{% endfor %}", "=2;en=1;"},
		{"{{ site.posts | sort: 'title' | map: 'title' | join: ',' }}", "Deep,Old,Other"},
		{"{{ site.posts | sort: 'lang', 'last' | map: 'title' | first }}", "Other"},
		{"{% assign o = site.posts | find: 'slug', 'old' %}{{ o.title }}", "Old"},
		{"{{ page.tags | push: 'z' | join }}", "x y z"},
		{"{{ '3' | to_integer | plus: 1 }}", "4"},
	}
	for _, tt := range tests {
		got, problems := ls.render("_posts/2020-01-01-a.md", tt.in, 1, testPage())
		if got != tt.want || problems != nil {
			t.Errorf("render(%q) = %q, %v; want %q", tt.in, got, problems, tt.want)
		}
	}
}

// A body's Liquid may not cost without bound; a render over a bound stops
// with a problem and keeps what it rendered.
func TestLiquidBounds(t *testing.T) {
	ls := testLiquidSite()
	tests := []struct{ name, in string }{
		{"an empty loop of variable length", "{% assign n = 100000000 %}{% for i in (1..n) %}{% endfor %}done"},
		{"nested loops", "{% for i in (1..100000) %}{% for j in (1..100000) %}{% endfor %}{% endfor %}done"},
		{"output", "{% for i in (1..700000) %}xx{% endfor %}"},
		{"a doubling string", "{% assign s = 'x' %}{% for i in (1..40) %}{% assign s = s | append: s %}{% endfor %}{{ s | size }}"},
		{"a doubling capture", "{% assign s = 'x' %}{% for i in (1..40) %}{% capture s %}{{ s }}{{ s }}{% endcapture %}{% endfor %}{{ s | size }}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problems := ls.render("p.md", tt.in, 1, nil)
			if len(got) > maxLiquidOutput || len(problems) == 0 || strings.Contains(got, "done") {
				t.Errorf("render: %d bytes, problems %v; want a stop", len(got), problems)
			}
		})
	}
}

func TestRawFrontMatter(t *testing.T) {
	m := rawFrontMatter("yaml", "title: A\nDate: 2020-01-02 10:00:00\ntags: [a, b]\nx:\n  1: one\n")
	if m["title"] != "A" || fmt.Sprint(m["tags"]) != "[a b]" {
		t.Errorf("yaml: %v", m)
	}
	if d, ok := m["Date"].(time.Time); !ok || d.Hour() != 10 {
		t.Errorf("yaml date: %#v", m["Date"])
	}
	if x, ok := m["x"].(map[string]any); !ok || x["1"] != "one" {
		t.Errorf("yaml map: %#v", m["x"])
	}
	m = rawFrontMatter("toml", "title = \"A\"\ndate = 2020-01-02\n[params]\nk = 1\n")
	if m["title"] != "A" || m["params"].(map[string]any)["k"] != int64(1) {
		t.Errorf("toml: %v", m)
	}
	if _, ok := m["date"].(time.Time); !ok {
		t.Errorf("toml date: %#v", m["date"])
	}
	if rawFrontMatter("yaml", "a: [") != nil || rawFrontMatter("", "a: 1") != nil {
		t.Error("a bad header gives a map")
	}
}

// One liquidSite renders the posts of a Load at once.
func TestLiquidConcurrent(t *testing.T) {
	ls := testLiquidSite()
	in := "{% assign n = site.posts | sort: 'title' | where_exp: 'p', 'p.title' %}{% for p in n %}{{ p.title }}{% include note.html content=p.title %}{% endfor %}" +
		"{% include broken.html %}{% post_url 2020-01-02-other %}{{ site.posts | group_by: 'lang' | size }}"
	want, _ := ls.render("_posts/2020-01-01-a.md", in, 1, testPage())
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 20 {
				if got, _ := ls.render("_posts/2020-01-01-a.md", in, 1, testPage()); got != want {
					t.Errorf("concurrent render: %q, want %q", got, want)
				}
			}
		})
	}
	wg.Wait()
}

// FuzzLiquidRender: no input panics or hangs; valid UTF-8 stays valid;
// the output is bounded; a body without "{%" and "{{" is returned as it
// is.
//
//	go test -run XXX -fuzz FuzzLiquidRender -fuzztime 60s ./internal/content/
func FuzzLiquidRender(f *testing.F) {
	for _, s := range liquidSeeds {
		f.Add(s)
	}
	ls := testLiquidSite()
	f.Fuzz(func(t *testing.T, in string) {
		got, _ := ls.render("_posts/2020-01-01-a.md", in, 1, testPage())
		if utf8.ValidString(in) && !utf8.ValidString(got) {
			t.Fatalf("render(%q) = %q: invalid UTF-8", in, got)
		}
		if len(got) > maxLiquidOutput {
			t.Fatalf("render(%q): %d bytes", in, len(got))
		}
		if !strings.Contains(in, "{%") && !strings.Contains(in, "{{") && got != in {
			t.Fatalf("render(%q) = %q, but there is no Liquid", in, got)
		}
	})
}

var liquidSeeds = []string{
	"{% highlight go %}\n```\nx\n{% endhighlight %}\n", "{% raw %}`{% endraw %}`{{ x }}", "{% comment %}\n```\n{% endcomment %}\n```\n",
	"{% for i in (1..3) %}{% cycle 'a','b' %}{% endfor %}", "{% tablerow i in (1..3) cols:2 %}{{ i }}{% endtablerow %}",
	"{% if a == b %}x{% elsif c %}y{% else %}z{% endif %}", "{% case x %}{% when 1 %}a{% else %}b{% endcase %}",
	"{% include note.html a='b' c=\"d\" e=f %}", "{% include {{ page.x }} %}", "{{ 'abc' | slice: 9, 2 }}", "{{ x | divided_by: 0 }}",
	"{% for %}{% endfor %}{% endfor %}", "{{ }}", "{% %}", "{{ site.posts | where_exp: 'p', '' }}", "{% unless %}", "{% break %}{% continue %}",
	"{{ (1..5) | join }}", "{% assign a = (1..3) %}{{ a | sort }}", "{{ page | jsonify }}", "{{ 'x' | truncate: -5 }}", "{{ 'x' | truncatewords: -1 }}",
}

// TestLiquidRandom runs render over random Liquid-like text: it never
// panics, and ends.
func TestLiquidRandom(t *testing.T) {
	ls := testLiquidSite()
	parts := []string{"{%", "%}", "{{", "}}", " ", "\n", "-", "if", "endif", "for", "endfor", "in", "(1..3)", "x", "'a'", "|",
		"append:", "include", "note.html", "raw", "endraw", "comment", "endcomment", "highlight", "endhighlight", "go",
		"post_url", "link", "assign", "=", "capture", "endcapture", "else", "`", "```", "site.posts", "page.tags", "where:",
		"slice:", "-1", ",", "sort", "size", "cycle", "tablerow", "cols:", "0", "divided_by:", "truncate:", "break", "case", "when"}
	rng := rand.New(rand.NewSource(1))
	for range 3000 {
		var b strings.Builder
		for range 1 + rng.Intn(30) {
			b.WriteString(parts[rng.Intn(len(parts))])
		}
		in := b.String()
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("render(%q) panicked: %v", in, r)
				}
			}()
			ls.render("_posts/2020-01-01-a.md", in, 1, testPage())
		}()
	}
	for _, s := range liquidSeeds {
		ls.render("p.md", s, 1, nil)
	}
}

// BenchmarkLiquidRender runs render over the bodies of BenchmarkLoad10000's
// posts (most hold some Liquid):
//
//	go test -run XXX -bench LiquidRender -benchmem ./internal/content/
func BenchmarkLiquidRender(b *testing.B) {
	fsys, size := benchPosts(1000)
	var bodies []string
	for _, f := range fsys {
		bodies = append(bodies, string(f.Data))
	}
	ls := newLiquidSite(liquidInput{})
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range bodies {
			ls.render("p.md", s, 1, nil)
		}
	}
}

// Ruby's Liquid reads an output tag across lines; osteele/liquid's scanner
// does not (docs/upstream.md): joinObjectLines puts it on one line.
func TestLiquidObjectAcrossLines(t *testing.T) {
	ls := newLiquidSite(liquidInput{Site: &Site{}})
	for _, tt := range []struct{ in, want string }{
		{"a {{ 'x'\n | upcase }} b", "a X b"},
		{"{{ 'y' |\n  upcase\n}}", "Y"},
		{"{% raw %}{{ 'x'\n | upcase }}{% endraw %}", "{{ 'x'\n | upcase }}"},
		{"one\n{{ 'z' | upcase }}\ntwo", "one\nZ\ntwo"},
	} {
		got, problems := ls.render("_posts/x.md", tt.in, 1, nil)
		if got != tt.want || len(problems) != 0 {
			t.Errorf("render(%q) = %q, %v; want %q", tt.in, got, problems, tt.want)
		}
	}
}

// Each failing tag costs a new evaluation of the whole body, so their
// number is bounded: past maxLiquidAttempts the body is shown without its
// tags, and its text is all there.
func TestManyFailingTagsAreBounded(t *testing.T) {
	ls := testLiquidSite()
	var in strings.Builder
	for i := range 1000 {
		fmt.Fprintf(&in, "line %d {%% highlight go %%}\n", i) // unclosed: each fails the body
	}
	got, problems := ls.render("p.md", in.String(), 1, nil)
	if len(problems) != maxLiquidAttempts+1 {
		t.Errorf("%d problems, want %d (one per attempt, then one for the rest)", len(problems), maxLiquidAttempts+1)
	}
	if last := problems[len(problems)-1].Msg; !strings.Contains(last, "more than 16 failing tags") {
		t.Errorf("last problem %q, want it to say the rest is shown without tags", last)
	}
	if !strings.Contains(got, "line 0 ") || !strings.Contains(got, "line 999 ") || strings.Contains(got, "highlight") {
		t.Errorf("the text without its tags, want every line and no tag; got %.200q…", got)
	}
}
