package web

import (
	"bufio"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	blogposts "github.com/sshblog/sshblog/content"
	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// embeddedBlog is the blog the binary ships.
func embeddedBlog(t testing.TB) *content.Blog {
	t.Helper()
	blog, problems, err := content.Load(blogposts.Posts(), content.Options{})
	if err != nil || len(problems) > 0 {
		t.Fatalf("loading the embedded blog: %v %v", err, problems)
	}
	if blog.Len() == 0 {
		t.Fatal("the embedded blog has no posts")
	}
	return blog
}

// koreanFS is a Hugo site in English and Korean: a post with a Korean
// translation, a post only in Korean with a Korean slug, Korean tags.
var koreanFS = fstest.MapFS{
	"hugo.toml": {Data: []byte(`title = "노트"
defaultContentLanguage = "ko"
[languages.ko]
weight = 1
languageName = "한국어"
[languages.en]
weight = 2
languageName = "English"
[params]
description = "터미널에서 읽는 블로그"
`)},
	"content/posts/hello.md":     {Data: []byte("---\ntitle: 안녕하세요\ndate: 2024-01-02\ntags: [인사, 한국어]\n---\n한국어로 쓴 첫 글입니다. 반갑습니다.\n")},
	"content/posts/hello.en.md":  {Data: []byte("---\ntitle: Hello there\ndate: 2024-01-02\ntags: [greetings]\n---\nThe first post, in English.\n")},
	"content/posts/터미널-한글.md":    {Data: []byte("---\ntitle: 터미널의 한글\ndate: 2024-02-03\ntags: [한국어, 터미널]\ndescription: 두 칸짜리 글자 이야기\n---\n한글 음절은 터미널에서 두 칸을 차지합니다.\n\n```go\nfmt.Println(\"한글\")\n```\n")},
	"content/posts/slash-tag.md": {Data: []byte("---\ntitle: Slash tag\ndate: 2024-03-04\ntags: [c/c++, a b]\n---\nA tag with a slash and one with a space. See [the first post](sshblog:hello), <sshblog:%ED%84%B0%EB%AF%B8%EB%84%90-%ED%95%9C%EA%B8%80> and [a lost one](sshblog:lost).\n")},
}

func koreanBlog(t testing.TB) *content.Blog {
	t.Helper()
	blog, problems, err := content.Load(koreanFS, content.Options{})
	if err != nil || len(problems) > 0 {
		t.Fatalf("loading the Korean blog: %v %v", err, problems)
	}
	return blog
}

// serve starts the mirror on loopback behind NewServer's limits.
func serve(t testing.TB, m *Mirror) *httptest.Server {
	t.Helper()
	ts := httptest.NewUnstartedServer(m)
	ts.Config = NewServer(m)
	ts.Start()
	t.Cleanup(ts.Close)
	return ts
}

type response struct {
	code   int
	header http.Header
	body   string
}

// do sends one request with the test server's client, bounded in time.
func do(t testing.TB, ts *httptest.Server, method, path string, header map[string]string) response {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
		if k == "Host" {
			req.Host = v
		}
	}
	c := ts.Client()
	c.Timeout = 10 * time.Second
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		t.Fatalf("%s %s: reading the body: %v", method, path, err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

// raw sends a request line exactly as written, which Go's client would
// refuse or clean (NUL, backslashes, dot segments), and reads the answer.
func raw(t testing.TB, ts *httptest.Server, target string) response {
	t.Helper()
	conn, err := net.DialTimeout("tcp", ts.Listener.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: blog.example.com\r\nConnection: close\r\n\r\n", target)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET %q: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	return response{resp.StatusCode, resp.Header, string(b)}
}

// visible is a page's text as a reader sees it: tags dropped, entities decoded.
func visible(page string) string {
	if _, body, ok := strings.Cut(page, "<body"); ok {
		page = body // not the <head>'s title and styles
	}
	var b strings.Builder
	in := false
	for _, r := range page {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
			b.WriteByte(' ')
		case !in:
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// firstSentence is plain text from the start of the post's first paragraph
// (a line without Markdown syntax), or "" when the post has none.
func firstSentence(p *content.Post) string {
	inCode := false
	for line := range strings.SplitSeq(p.Body, "\n") {
		if strings.HasPrefix(line, "```") || strings.HasPrefix(line, "~~~") {
			inCode = !inCode
			continue
		}
		if inCode || line == "" || strings.ContainsAny(line[:1], "#-*|>!<[ \t0123456789{") {
			continue
		}
		// The words before any Markdown (or emoji code, or entity).
		if i := strings.IndexAny(line, "*_`[]<>&\\{}:~"); i >= 0 {
			line = line[:i]
		}
		words := strings.Fields(line)
		if len(words) < 3 {
			continue
		}
		return strings.Join(words[:min(len(words), 8)], " ")
	}
	return ""
}

func assertPageHeaders(t *testing.T, what string, r response) {
	t.Helper()
	if got := r.header.Get("Content-Security-Policy"); !strings.Contains(got, "default-src 'none'") || !strings.Contains(got, "frame-ancestors 'none'") {
		t.Errorf("%s: Content-Security-Policy %q", what, got)
	}
	if got := r.header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options %q", what, got)
	}
	if r.header.Get("Referrer-Policy") == "" {
		t.Errorf("%s: no Referrer-Policy", what)
	}
	if strings.Contains(strings.ToLower(r.body), "<script") {
		t.Errorf("%s: the page has a script", what)
	}
}

// Every post of the embedded blog has its page with its text and the
// command that opens it over SSH; the front page lists them all and every
// tag's page its posts.
func TestEveryPageOfTheEmbeddedBlog(t *testing.T) {
	blog := embeddedBlog(t)
	const host = "-p 2222 blog.example.com"
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }, SSHHost: host})

	home := do(t, ts, "GET", "/", nil)
	if home.code != 200 {
		t.Fatalf("GET /: %d", home.code)
	}
	assertPageHeaders(t, "/", home)
	if ct := home.header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		t.Errorf("GET /: Content-Type %q", ct)
	}
	homeText := visible(home.body)
	for _, want := range []string{blog.Name, blog.Site().Description, "ssh " + host} {
		if !strings.Contains(homeText, want) {
			t.Errorf("the front page lacks %q", want)
		}
	}
	if !strings.Contains(home.body, `<link rel="alternate" type="application/atom+xml"`) || !strings.Contains(home.body, `href="/feed.xml"`) {
		t.Error("the front page does not link its feed in <head>")
	}
	last := -1
	for _, p := range blog.Posts() {
		i := strings.Index(homeText, p.Title)
		if i < 0 {
			t.Errorf("the front page lacks %q", p.Title)
			continue
		}
		if i < last {
			t.Errorf("the front page lists %q out of order (newest first)", p.Title)
		}
		last = i
		if !strings.Contains(home.body, `href="`+postHref(p.Slug)+`"`) {
			t.Errorf("the front page does not link %s", postHref(p.Slug))
		}
	}

	for _, p := range blog.Posts() {
		path := postHref(p.Slug)
		r := do(t, ts, "GET", path, nil)
		if r.code != 200 {
			t.Errorf("GET %s: %d", path, r.code)
			continue
		}
		assertPageHeaders(t, path, r)
		got := visible(r.body)
		for _, want := range []string{p.Title, render.DeepLink(host, p.Slug), fmt.Sprintf("%d min read", p.ReadingMinutes())} {
			if !strings.Contains(got, want) {
				t.Errorf("GET %s lacks %q", path, want)
			}
		}
		if s := firstSentence(p); s == "" {
			t.Errorf("%s: no plain sentence found to look for (the test's heuristic)", p.Slug)
		} else if !strings.Contains(got, s) {
			t.Errorf("GET %s lacks the post's text %q", path, s)
		}
		for _, tag := range p.Tags {
			if !strings.Contains(r.body, `href="`+html.EscapeString(tagHref(tag))+`"`) {
				t.Errorf("GET %s does not link its tag %q", path, tag)
			}
		}
	}

	tags := do(t, ts, "GET", "/tags/", nil)
	if tags.code != 200 {
		t.Fatalf("GET /tags/: %d", tags.code)
	}
	for _, tag := range blog.Tags() {
		if !strings.Contains(visible(tags.body), tag.Name) {
			t.Errorf("/tags/ lacks %q", tag.Name)
		}
		path := tagHref(tag.Name)
		r := do(t, ts, "GET", path, nil)
		if r.code != 200 {
			t.Errorf("GET %s: %d", path, r.code)
			continue
		}
		assertPageHeaders(t, path, r)
		for _, p := range blog.Posts() {
			if in := strings.Contains(visible(r.body), p.Title); in != p.HasTag(tag.Name) {
				t.Errorf("GET %s: shows %q %v, tagged %v", path, p.Title, in, p.HasTag(tag.Name))
			}
		}
		if !strings.Contains(r.body, `href="`+html.EscapeString(path)+`/feed.xml"`) {
			t.Errorf("GET %s does not link its feed", path)
		}
	}
}

// Korean slugs and tags work escaped in links; a tag with a slash is one
// segment; a translation is picked by ?lang=; lang attributes follow the
// site and the post.
func TestKoreanBlog(t *testing.T) {
	blog := koreanBlog(t)
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }})

	home := do(t, ts, "GET", "/", nil)
	if home.code != 200 {
		t.Fatalf("GET /: %d", home.code)
	}
	if !strings.Contains(home.body, `<html lang="ko">`) {
		t.Errorf("the front page of a Korean site is not lang=ko")
	}
	for _, want := range []string{"노트", "터미널에서 읽는 블로그", "터미널의 한글", "두 칸짜리 글자 이야기", "안녕하세요"} {
		if !strings.Contains(visible(home.body), want) {
			t.Errorf("the front page lacks %q", want)
		}
	}
	escaped := "/posts/" + url.PathEscape("터미널-한글")
	if !strings.Contains(home.body, `href="`+escaped+`"`) {
		t.Errorf("the front page does not link %s", escaped)
	}
	r := do(t, ts, "GET", escaped, nil)
	if r.code != 200 || !strings.Contains(visible(r.body), "한글 음절은 터미널에서 두 칸을 차지합니다.") {
		t.Errorf("GET %s: %d, text %q", escaped, r.code, visible(r.body))
	}
	if want := render.DeepLink(hostOf(strings.TrimPrefix(ts.URL, "http://")), "터미널-한글"); !strings.Contains(visible(r.body), want) {
		t.Errorf("GET %s lacks %q", escaped, want)
	}

	ko := do(t, ts, "GET", "/posts/hello", nil)
	en := do(t, ts, "GET", "/posts/HELLO?lang=en", nil)
	if ko.code != 200 || !strings.Contains(visible(ko.body), "한국어로 쓴 첫 글입니다.") || !strings.Contains(ko.body, `<html lang="ko">`) {
		t.Errorf("GET /posts/hello: %d, want the Korean post", ko.code)
	}
	if en.code != 200 || !strings.Contains(visible(en.body), "The first post, in English.") || !strings.Contains(en.body, `<html lang="en">`) {
		t.Errorf("GET /posts/HELLO?lang=en: %d, want the English translation", en.code)
	}
	if !strings.Contains(ko.body, `href="/posts/hello?lang=en"`) || !strings.Contains(visible(ko.body), "English") {
		t.Error("the Korean post does not link its English translation")
	}

	// Links to other posts go to their pages; one to a post the blog
	// lacks is text.
	links := do(t, ts, "GET", "/posts/slash-tag", nil)
	for _, want := range []string{`href="/posts/hello"`, `href="` + escaped + `"`} {
		if !strings.Contains(links.body, want) {
			t.Errorf("/posts/slash-tag lacks %s", want)
		}
	}
	if want := `>터미널의 한글</a> and a lost one.`; !strings.Contains(links.body, want) {
		t.Errorf("/posts/slash-tag lacks %s (a bare link reads its post's title, a link to a missing post is text)", want)
	}

	for _, tag := range []string{"한국어", "터미널", "c/c++", "a b"} {
		path := tagHref(tag)
		r := do(t, ts, "GET", path, nil)
		if r.code != 200 || !strings.Contains(visible(r.body), "tagged "+tag) {
			t.Errorf("GET %s: %d, %q", path, r.code, visible(r.body))
		}
		f := do(t, ts, "GET", path+"/feed.xml", nil)
		if f.code != 200 || f.header.Get("Content-Type") != "application/atom+xml; charset=utf-8" {
			t.Errorf("GET %s/feed.xml: %d %q", path, f.code, f.header.Get("Content-Type"))
		}
	}
	if !strings.Contains(home.body, `href="/tags/c%2Fc&#43;&#43;"`) && !strings.Contains(home.body, `href="/tags/c%2Fc++"`) {
		t.Errorf("the tag c/c++ is not linked as one segment")
	}
}

// The feeds are served as Atom, valid against RFC 4287's schema, under
// their own ETags; the pages link them in <head>.
func TestFeeds(t *testing.T) {
	blog := embeddedBlog(t)
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }, SSHHost: "blog.example.com"})
	for _, path := range []string{"/feed.xml", tagHref(blog.Tags()[0].Name) + "/feed.xml", "/tags/" + url.PathEscape("한국어") + "/feed.xml"} {
		r := do(t, ts, "GET", path, nil)
		if r.code != 200 {
			t.Errorf("GET %s: %d", path, r.code)
			continue
		}
		validate(t, []byte(r.body))
		if !strings.Contains(r.body, "ssh -t blog.example.com") {
			t.Errorf("GET %s: the entries do not say how to read them over SSH", path)
		}
		if ct := r.header.Get("Content-Type"); ct != "application/atom+xml; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
		if !strings.Contains(r.body, "http://www.w3.org/2005/Atom") {
			t.Errorf("GET %s: not an Atom feed", path)
		}
		if r.header.Get("ETag") == "" {
			t.Errorf("GET %s: no ETag", path)
		}
	}
}

// A path that names no page is a 404 whose body does not repeat it, nor
// the query.
func TestNotFoundDoesNotEcho(t *testing.T) {
	blog := embeddedBlog(t)
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }})
	const marker = "zq7marker"
	for _, path := range []string{
		"/" + marker,
		"/posts/" + marker,
		"/posts/" + marker + "/",
		"/posts/",
		"/posts",
		"/tags/" + marker,
		"/tags/" + marker + "/feed.xml",
		"/" + marker + "/a/b/c",
		"/posts/" + marker + "?q=" + marker,
		"/?page=" + marker,
		"/?page=0",
		"/?page=2",
		"/?page=99999999999999999999",
		"/tags/?page=" + marker,
		"/feed.xml/" + marker,
		"/%3Cscript%3E" + marker,
	} {
		r := do(t, ts, "GET", path, nil)
		if r.code != 404 {
			t.Errorf("GET %s: %d, want 404", path, r.code)
		}
		if strings.Contains(r.body, marker) || strings.Contains(r.body, "<script") {
			t.Errorf("GET %s: the 404 repeats the path: %q", path, r.body)
		}
		assertPageHeaders(t, path, r)
		if !strings.Contains(r.body, "Not found") {
			t.Errorf("GET %s: not the 404 page", path)
		}
	}
	// A query that names nothing is ignored, not repeated.
	for _, path := range []string{"/posts/welcome-to-sshblog?lang=" + marker, "/?lang=" + marker + "&x=" + marker} {
		r := do(t, ts, "GET", path, nil)
		if r.code != 200 || strings.Contains(r.body, marker) {
			t.Errorf("GET %s: %d, repeats the query: %v", path, r.code, strings.Contains(r.body, marker))
		}
	}
}

// Paths that try to leave the mirror's pages for files are refused: the
// mirror reads no files, and no answer holds one.
func TestPathTraversal(t *testing.T) {
	blog := embeddedBlog(t)
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }})
	for _, target := range []string{
		"/posts/../../etc/passwd",
		"/posts/..%2f..%2fetc%2fpasswd",
		"/posts/%2e%2e/%2e%2e/etc/passwd",
		"/posts/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
		"/posts/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
		`/posts/..\..\etc\passwd`,
		"/posts/..%5c..%5cetc%5cpasswd",
		"/posts/%00",
		"/posts/welcome-to-sshblog%00.md",
		"/posts/.",
		"/posts/..",
		"/posts/%2e",
		"/posts//etc/passwd",
		"/posts/....//....//etc/passwd",
		"/../../../../etc/passwd",
		"/%2e%2e/%2e%2e/etc/passwd",
		"//etc/passwd",
		"/tags/..%2f..%2fetc/feed.xml",
		"/tags/%2e%2e/feed.xml",
		"/posts/%c0%ae%c0%ae/etc/passwd", // overlong UTF-8 dots
		"/posts/%ff",
		"/posts/welcome%0d%0aSet-Cookie:x=1",
	} {
		r := raw(t, ts, target)
		if r.code != 404 && r.code != 400 {
			t.Errorf("GET %q: %d, want 404 or 400", target, r.code)
		}
		if strings.Contains(r.body, "root:") || strings.Contains(r.body, "passwd") {
			t.Errorf("GET %q: %q", target, r.body)
		}
		if r.header.Get("Set-Cookie") != "" {
			t.Errorf("GET %q: a header was injected", target)
		}
	}
}

func TestMethods(t *testing.T) {
	blog := embeddedBlog(t)
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }})
	for _, method := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		r := do(t, ts, method, "/", nil)
		if r.code != 405 {
			t.Errorf("%s /: %d, want 405", method, r.code)
		}
		if got := r.header.Get("Allow"); got != "GET, HEAD" {
			t.Errorf("%s /: Allow %q", method, got)
		}
	}
}

// HEAD is GET's headers without a body; If-None-Match with the page's
// ETag is a 304; the ETag follows the blog Blog returns now.
func TestCaching(t *testing.T) {
	var cur atomic.Pointer[content.Blog]
	cur.Store(embeddedBlog(t))
	ts := serve(t, &Mirror{Blog: cur.Load})
	slug := cur.Load().Posts()[0].Slug
	for _, path := range []string{"/", postHref(slug), "/tags/", "/feed.xml"} {
		get := do(t, ts, "GET", path, nil)
		head := do(t, ts, "HEAD", path, nil)
		etag := get.header.Get("ETag")
		if get.code != 200 || head.code != 200 {
			t.Fatalf("%s: GET %d, HEAD %d", path, get.code, head.code)
		}
		if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
			t.Errorf("%s: ETag %q, want a strong one", path, etag)
		}
		if head.body != "" {
			t.Errorf("HEAD %s has a body", path)
		}
		for _, k := range []string{"ETag", "Content-Type", "Cache-Control", "Content-Length", "Content-Security-Policy"} {
			if get.header.Get(k) != head.header.Get(k) {
				t.Errorf("%s: %s is %q for GET, %q for HEAD", path, k, get.header.Get(k), head.header.Get(k))
			}
		}
		if cc := get.header.Get("Cache-Control"); cc != "public, max-age=60" {
			t.Errorf("%s: Cache-Control %q", path, cc)
		}
		if get.header.Get("Content-Length") != fmt.Sprint(len(get.body)) {
			t.Errorf("%s: Content-Length %q for %d bytes", path, get.header.Get("Content-Length"), len(get.body))
		}
		again := do(t, ts, "GET", path, nil)
		if again.header.Get("ETag") != etag || again.body != get.body {
			t.Errorf("%s: a second GET differs", path)
		}
		for _, inm := range []string{etag, `"x", ` + etag, "*"} {
			nm := do(t, ts, "GET", path, map[string]string{"If-None-Match": inm})
			if nm.code != 304 || nm.body != "" {
				t.Errorf("%s with If-None-Match %s: %d, body %d bytes; want 304", path, inm, nm.code, len(nm.body))
			}
			if nm.header.Get("ETag") != etag {
				t.Errorf("%s: the 304's ETag %q", path, nm.header.Get("ETag"))
			}
		}
		if stale := do(t, ts, "GET", path, map[string]string{"If-None-Match": `"stale"`}); stale.code != 200 {
			t.Errorf("%s with a stale ETag: %d", path, stale.code)
		}
	}

	// A reload: the next request shows the new blog, under a new ETag.
	before := do(t, ts, "GET", "/", nil)
	cur.Store(koreanBlog(t))
	after := do(t, ts, "GET", "/", map[string]string{"If-None-Match": before.header.Get("ETag")})
	if after.code != 200 || after.header.Get("ETag") == before.header.Get("ETag") || !strings.Contains(after.body, "터미널의 한글") {
		t.Errorf("after a reload: %d, ETag %q (was %q)", after.code, after.header.Get("ETag"), before.header.Get("ETag"))
	}
	if r := do(t, ts, "GET", postHref(slug), nil); r.code != 404 {
		t.Errorf("a post of the old blog: %d, want 404", r.code)
	}
}

// A URL past MaxURLBytes is refused before any page is made.
func TestLongURL(t *testing.T) {
	blog := embeddedBlog(t)
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }})
	r := do(t, ts, "GET", "/posts/"+strings.Repeat("a", MaxURLBytes), nil)
	if r.code != 414 {
		t.Errorf("a long URL: %d, want 414", r.code)
	}
	if strings.Contains(r.body, "aaaa") {
		t.Error("the 414 repeats the URL")
	}
}

func TestNoBlog(t *testing.T) {
	for name, m := range map[string]*Mirror{
		"nil func": {},
		"nil blog": {Blog: func() *content.Blog { return nil }},
	} {
		ts := serve(t, m)
		if r := do(t, ts, "GET", "/", nil); r.code != 503 {
			t.Errorf("%s: %d, want 503", name, r.code)
		}
	}
}

// Lists are cut in pages of PerPage, reached by ?page=N.
func TestPages(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 7 {
		fsys[fmt.Sprintf("post-%d.md", i)] = &fstest.MapFile{Data: fmt.Appendf(nil, "---\ntitle: Post number %d\ndate: 2024-01-%02d\ntags: [t]\n---\nBody %d.\n", i, i+1, i)}
	}
	blog, problems, err := content.Load(fsys, content.Options{})
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }, PerPage: 3})
	for _, base := range []string{"/", "/tags/t"} {
		seen := map[string]bool{}
		for page, want := range []int{3, 3, 1} {
			path := base
			if page > 0 {
				path += fmt.Sprintf("?page=%d", page+1)
			}
			r := do(t, ts, "GET", path, nil)
			if r.code != 200 {
				t.Fatalf("GET %s: %d", path, r.code)
			}
			n := strings.Count(visible(r.body), "Post number")
			if n != want {
				t.Errorf("GET %s: %d posts, want %d", path, n, want)
			}
			for i := range 7 {
				if strings.Contains(visible(r.body), fmt.Sprintf("Post number %d ", i)) {
					seen[fmt.Sprint(i)] = true
				}
			}
			if page < 2 && !strings.Contains(r.body, fmt.Sprintf(`?page=%d" rel="next">Older →`, page+2)) {
				t.Errorf("GET %s does not link the next page, older posts", path)
			}
			if page > 0 && !strings.Contains(r.body, `rel="prev">← Newer`) {
				t.Errorf("GET %s does not link the previous page, newer posts", path)
			}
		}
		if len(seen) != 7 {
			t.Errorf("%s: the pages show %d posts of 7", base, len(seen))
		}
		if r := do(t, ts, "GET", base+"?page=4", nil); r.code != 404 {
			t.Errorf("GET %s?page=4: %d, want 404", base, r.code)
		}
	}
}

// The SSH host shown is SSHHost, else the Host header's host when it is a
// DNS name or an IP address, else HOST: the header's other bytes never
// reach the page.
func TestHostOf(t *testing.T) {
	for in, want := range map[string]string{
		"blog.example.com":             "blog.example.com",
		"Blog.Example.COM:8080":        "blog.example.com",
		"blog.example.com.":            "blog.example.com",
		"127.0.0.1:8080":               "127.0.0.1",
		"[::1]:8080":                   "::1",
		"[2001:db8::1]":                "2001:db8::1",
		"xn--9n2bp8q.example":          "xn--9n2bp8q.example",
		"":                             "",
		"localhost":                    "localhost",
		"a_b.example":                  "",
		"-a.example":                   "",
		"a..b":                         "",
		"블로그.example":                  "",
		"evil.com;rm -rf /":            "",
		"evil.com\"><script>":          "",
		"[fe80::1%25eth0]":             "",
		strings.Repeat("a", 64):        "",
		"a.b.c:99999999":               "",
		"a.b.c:":                       "",
		"evil.com:22 -oProxyCommand=x": "",
	} {
		if got := hostOf(in); got != want {
			t.Errorf("hostOf(%q) = %q, want %q", in, got, want)
		}
	}

	blog := embeddedBlog(t)
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }})
	for hostHeader, want := range map[string]string{
		"blog.example.com:8080": "ssh blog.example.com",
		"a_b.example":           "ssh HOST",
	} {
		r := do(t, ts, "GET", "/", map[string]string{"Host": hostHeader})
		if !strings.Contains(visible(r.body), want) {
			t.Errorf("Host %q: the page lacks %q", hostHeader, want)
		}
	}
}

func TestScriptLang(t *testing.T) {
	for in, want := range map[string]string{
		"터미널에서 한글이 깨지지 않게":            "ko",
		"Hangul (한글) in the terminal": "",
		"ターミナルの日本語":                   "ja",
		"終端機":                         "",
		"Hello":                       "",
	} {
		if got := scriptLang(in); got != want {
			t.Errorf("scriptLang(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNewServer(t *testing.T) {
	s := NewServer(http.NotFoundHandler())
	if s.ReadHeaderTimeout <= 0 || s.ReadTimeout <= 0 || s.WriteTimeout <= 0 || s.IdleTimeout <= 0 || s.MaxHeaderBytes <= 0 || s.MaxHeaderBytes > 64<<10 {
		t.Errorf("NewServer leaves a limit off: %+v", s)
	}
}
