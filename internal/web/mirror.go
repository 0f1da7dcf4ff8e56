package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"charm.land/log/v2"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// Limits of the mirror. Every request is one lookup and one page of at most
// these many entries, whatever the blog holds.
const (
	// DefaultPerPage is how many posts a list page shows when
	// Mirror.PerPage is zero.
	DefaultPerPage = 100
	// tagsPerPage is how many tags the page of all tags shows.
	tagsPerPage = 500
	// MaxURLBytes bounds the request target; a longer one is answered 414.
	// Real links to the mirror are well under it (a long Korean slug,
	// escaped, is a few hundred bytes).
	MaxURLBytes = 2 << 10
	// maxPage bounds ?page=N to a few digits, parsed without overflow.
	maxPageDigits = 6
	// maxLang bounds ?lang=: real tags ("zh-hant-tw") are a few bytes.
	maxLang = 35
)

// Mirror serves the blog as HTML pages and Atom feeds:
//
//	/                     the posts, newest first (?page=N past the first page)
//	/posts/SLUG           a post (?lang=CODE for one of its translations)
//	/tags/                every tag
//	/tags/TAG             the posts of a tag (?page=N)
//	/feed.xml             the Atom feed of the blog
//	/tags/TAG/feed.xml    the Atom feed of a tag
//
// Anything else is a 404 that does not repeat the path. Only GET and HEAD
// are served; pages carry a strong ETag (a hash of the body) and
// Cache-Control, and If-None-Match is answered 304. Links are
// root-relative: mount the Mirror at the root of its host. The zero value
// but Blog is ready to use.
type Mirror struct {
	// Blog returns the blog to serve. It is called once per request, so a
	// reload shows at the next one; nil, or a nil *Blog, is a 503.
	Blog func() *content.Blog

	// SSHHost is how readers reach the SSH server, as render.DeepLink takes
	// it ("blog.example.com", "-p 2222 blog.example.com"). Empty means the
	// host of the request's Host header when it is a valid DNS name or IP
	// address, else "HOST".
	SSHHost string

	// Base is the mirror's absolute URL ("https://blog.example.com", no
	// trailing slash), for the feeds' links; empty writes them relative.
	Base string

	// MaxAge is the Cache-Control max-age of pages and feeds; zero means
	// one minute. Caches revalidate with the ETag after it.
	MaxAge time.Duration

	// PerPage is how many posts a list page shows; zero means
	// DefaultPerPage.
	PerPage int

	// Logger receives errors rendering a page (the reader gets a 500).
	// Nil means log.Default().
	Logger *log.Logger

	cache pageCache // of the blog served now
}

//go:embed templates/*.html
var templateFS embed.FS

// pages are the page templates by name, each the layout with its main.
var pages = func() map[string]*template.Template {
	funcs := template.FuncMap{
		"date":     func(t time.Time) string { return t.Format("2006-01-02") },
		"datetime": func(t time.Time) string { return t.Format(time.RFC3339) },
	}
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	m := map[string]*template.Template{}
	for _, name := range []string{"list", "post", "tags", "notfound"} {
		m[name] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
	}
	return m
}()

// page is what the layout and every page template are given.
type page struct {
	Lang            string
	Title           string // the <title>: the page's, then the site's
	Description     string // <meta name="description">
	SiteTitle       string
	SiteDescription string
	Canonical       string // root-relative
	Feed            string // the alternate Atom feed's href
	FeedTitle       string
	SSH             string // the command that reads this page over SSH

	Heading string     // list pages' heading: "" on the home page
	Posts   []postItem // list pages
	Pager   pager
	Tags    []tagItem // the page of every tag
	Post    *postView
}

type postItem struct {
	Href        string
	Title       string
	Date        time.Time
	Tags        []tagItem
	Description string
	Lang        string // set when it differs from the page's
	Minutes     int
}

type tagItem struct {
	Name  string
	Href  string
	Count int
}

type postView struct {
	postItem
	Updated      time.Time
	Body         template.HTML
	Translations []translation
	Newer, Older *postItem
}

type translation struct {
	Lang, Name, Href string
	Current          bool
}

type pager struct {
	Page, Pages        int
	Prev, Next         string // hrefs; "" on the first and last page
	PrevText, NextText string // "Newer", "Older" for posts
}

// ServeHTTP serves one page or feed of the blog m.Blog returns now.
func (m *Mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	// Pages are the blog's own text and styles: nothing else may load,
	// run, frame them or be posted from them. Post images may come from
	// anywhere, as on the real site.
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src https: http: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")

	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		h.Set("Allow", "GET, HEAD")
		m.plain(w, r, http.StatusMethodNotAllowed, "405 method not allowed: the mirror serves GET and HEAD\n")
		return
	}
	if len(r.RequestURI) > MaxURLBytes || len(r.URL.RawQuery) > MaxURLBytes {
		m.plain(w, r, http.StatusRequestURITooLong, "414 URL too long\n")
		return
	}
	var blog *content.Blog
	if m.Blog != nil {
		blog = m.Blog()
	}
	if blog == nil {
		h.Set("Retry-After", "5")
		m.plain(w, r, http.StatusServiceUnavailable, "503 the blog is not loaded yet: try again in a moment\n")
		return
	}
	seg, ok := segments(r.URL.EscapedPath())
	if !ok {
		m.notFound(w, r, blog)
		return
	}
	q := r.URL.Query()
	host := m.host(r)
	// What a page depends on: the path, the two parameters read, the host.
	key := r.URL.EscapedPath() + "\x00" + q.Get("page") + "\x00" + q.Get("lang") + "\x00" + host
	page, ok := m.cache.get(blog, key)
	if !ok {
		var err error
		if page, err = m.render(blog, host, seg, q); err != nil {
			if errors.Is(err, errNotFound) || errors.Is(err, ErrNoTag) {
				m.notFound(w, r, blog)
				return
			}
			m.logger().Error("web: rendering failed", "path", r.URL.EscapedPath(), "err", err)
			m.plain(w, r, http.StatusInternalServerError, "500 the page could not be rendered: the server's log says why\n")
			return
		}
		m.cache.put(blog, key, page)
	}
	h.Set("ETag", page.etag)
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(int(m.maxAge()/time.Second)))
	h.Set("Content-Type", page.ctype)
	// ServeContent answers If-None-Match (304), HEAD (headers only) and
	// ranges from the ETag; a zero modtime leaves Last-Modified out.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(page.body))
}

// render makes the page or feed that seg names.
func (m *Mirror) render(blog *content.Blog, host string, seg []string, q url.Values) (*rendered, error) {
	var (
		body  []byte
		ctype = "text/html; charset=utf-8"
		err   error
	)
	switch {
	case len(seg) == 1 && seg[0] == "":
		body, err = m.list(blog, host, "", q)
	case len(seg) == 1 && seg[0] == "feed.xml":
		body, err = m.feed(blog, host, "")
		ctype = "application/atom+xml; charset=utf-8"
	case len(seg) == 2 && seg[0] == "posts" && seg[1] != "":
		body, err = m.post(blog, host, seg[1], q.Get("lang"))
	case seg[0] == "tags" && (len(seg) == 1 || len(seg) == 2 && seg[1] == ""):
		body, err = m.tags(blog, host, q)
	case len(seg) == 2 && seg[0] == "tags":
		body, err = m.list(blog, host, seg[1], q)
	case len(seg) == 3 && seg[0] == "tags" && seg[1] != "" && seg[2] == "feed.xml":
		body, err = m.feed(blog, host, seg[1])
		ctype = "application/atom+xml; charset=utf-8"
	default:
		err = errNotFound
	}
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	return &rendered{body: body, etag: `"` + hex.EncodeToString(sum[:16]) + `"`, ctype: ctype}, nil
}

var errNotFound = errors.New("not found")

// segments splits an escaped path into its unescaped segments, or reports
// false for a path that cannot name a page: not absolute, badly escaped,
// or with a segment that is "." or "..", holds a backslash, a control
// character or invalid UTF-8. The mirror reads no files, so these are
// refused not to guard a file system but because no page is named so.
func segments(escaped string) ([]string, bool) {
	rest, ok := strings.CutPrefix(escaped, "/")
	if !ok {
		return nil, false
	}
	parts := strings.Split(rest, "/")
	if len(parts) > 3 {
		return nil, false
	}
	for i, s := range parts {
		u, err := url.PathUnescape(s)
		if err != nil || u == "." || u == ".." || !utf8.ValidString(u) || strings.ContainsRune(u, '\\') {
			return nil, false
		}
		for _, r := range u {
			if unicode.IsControl(r) {
				return nil, false
			}
		}
		parts[i] = u
	}
	return parts, true
}

// host is the SSH host to show in commands: SSHHost, else the request's
// host when it is a valid name or address, else "HOST".
func (m *Mirror) host(r *http.Request) string {
	if m.SSHHost != "" {
		return m.SSHHost
	}
	if h := hostOf(r.Host); h != "" {
		return h
	}
	return "HOST"
}

// hostOf is the host part of a Host header (without its port, which is
// the web server's, not SSH's) when it is an IP address or a DNS name,
// else "". The header is the client's to write: nothing else of it may
// reach the page.
func hostOf(hostport string) string {
	if len(hostport) > 260 {
		return ""
	}
	host := hostport
	if h, port, err := net.SplitHostPort(hostport); err == nil {
		if !digits(port, 5) {
			return ""
		}
		host = h
	} else if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if a, err := netip.ParseAddr(host); err == nil {
		if a.Zone() != "" {
			return ""
		}
		return a.Unmap().String()
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if !dnsName(host) {
		return ""
	}
	return host
}

// dnsName reports whether s is a DNS host name: dot-separated labels of
// ASCII letters, digits and inner hyphens (IDNs come as punycode), at most
// 63 bytes each and 253 in all.
func dnsName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for label := range strings.SplitSeq(s, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for i := 0; i < len(label); i++ {
			c := label[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

func (m *Mirror) maxAge() time.Duration {
	if m.MaxAge > 0 {
		return m.MaxAge
	}
	return time.Minute
}

func (m *Mirror) perPage() int {
	if m.PerPage > 0 {
		return m.PerPage
	}
	return DefaultPerPage
}

func (m *Mirror) logger() *log.Logger {
	if m.Logger != nil {
		return m.Logger
	}
	return log.Default()
}

// plain answers an error in plain text, the same whatever was asked.
func (m *Mirror) plain(w http.ResponseWriter, r *http.Request, code int, msg string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(msg)))
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		_, _ = w.Write([]byte(msg))
	}
}

// notFound answers 404 with a page that names the site but not the path
// asked for: a page must never repeat what a stranger put in a URL.
func (m *Mirror) notFound(w http.ResponseWriter, r *http.Request, blog *content.Blog) {
	p := m.frame(blog, m.host(r))
	p.Title = "Not found · " + p.SiteTitle
	p.Canonical = ""
	body, err := execute("notfound", p)
	if err != nil {
		m.plain(w, r, http.StatusNotFound, "404 page not found\n")
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusNotFound)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

func execute(name string, p *page) ([]byte, error) {
	var b bytes.Buffer
	if err := pages[name].Execute(&b, p); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// frame is a page with what every page shows: the site and how to read it
// over SSH.
func (m *Mirror) frame(blog *content.Blog, host string) *page {
	site := blog.Site()
	title, desc := blog.Name, site.Description
	if title == "" {
		title = "sshblog"
	}
	return &page{
		Lang:            siteLang(blog),
		Title:           title,
		Description:     desc,
		SiteTitle:       title,
		SiteDescription: desc,
		Feed:            "/feed.xml",
		FeedTitle:       title,
		SSH:             "ssh " + host,
	}
}

func (m *Mirror) feed(blog *content.Blog, host, tag string) ([]byte, error) {
	if tag != "" {
		t, ok := blog.Tag(tag)
		if !ok {
			return nil, errNotFound
		}
		tag = t.Name
	}
	var b bytes.Buffer
	if err := WriteFeed(&b, blog, tag, FeedOptions{Base: m.Base, Host: host}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// list is the home page (tag "") or a tag's page.
func (m *Mirror) list(blog *content.Blog, host, tag string, q url.Values) ([]byte, error) {
	p := m.frame(blog, host)
	posts := blog.Posts()
	base := "/"
	if tag != "" {
		t, ok := blog.Tag(tag)
		if !ok {
			return nil, errNotFound
		}
		posts = blog.Tagged(t.Name)
		base = tagHref(t.Name)
		p.Heading = t.Name
		p.Title = "#" + t.Name + " · " + p.SiteTitle
		p.Description = count(len(posts), "post") + " tagged " + t.Name
		p.Feed = base + "/feed.xml"
		p.FeedTitle = p.SiteTitle + " · #" + t.Name
	}
	from, to, pg, ok := paginate(len(posts), m.perPage(), q, base)
	if !ok {
		return nil, errNotFound
	}
	pg.PrevText, pg.NextText = "Newer", "Older"
	p.Pager = pg
	p.Canonical = pg.self(base)
	for _, post := range posts[from:to] {
		p.Posts = append(p.Posts, item(post, p.Lang))
	}
	return execute("list", p)
}

// tags is the page of every tag.
func (m *Mirror) tags(blog *content.Blog, host string, q url.Values) ([]byte, error) {
	p := m.frame(blog, host)
	all := blog.Tags()
	from, to, pg, ok := paginate(len(all), tagsPerPage, q, "/tags/")
	if !ok {
		return nil, errNotFound
	}
	pg.PrevText, pg.NextText = "Previous", "Next"
	p.Pager = pg
	p.Canonical = pg.self("/tags/")
	p.Title = "Tags · " + p.SiteTitle
	p.Heading = "Tags"
	for _, t := range all[from:to] {
		p.Tags = append(p.Tags, tagItem{Name: t.Name, Href: tagHref(t.Name), Count: t.Count})
	}
	return execute("tags", p)
}

func (m *Mirror) post(blog *content.Blog, host, slug, lang string) ([]byte, error) {
	shown, ok := blog.Post(slug)
	if !ok {
		return nil, errNotFound
	}
	post := shown
	if lang != "" && len(lang) <= maxLang {
		post = shown.In(lang)
	}
	// Links to posts the blog lacks read as text, as they do over SSH.
	body, err := PostHTML(post, HTMLOptions{PostTitle: blog.PostTitle})
	if err != nil {
		return nil, err
	}
	p := m.frame(blog, host)
	v := &postView{postItem: item(post, ""), Updated: post.Updated, Body: body}
	v.Href = postHref(post.Slug)
	p.Lang = postLang(post, p.Lang)
	p.Title = post.Title + " · " + p.SiteTitle
	p.Description = post.Description
	p.Canonical = v.Href
	if post != shown {
		p.Canonical += "?lang=" + url.QueryEscape(post.Lang)
	}
	p.SSH = render.DeepLink(host, post.Slug)
	names := map[string]string{}
	for _, l := range blog.Site().Languages {
		names[l.Code] = l.Name
	}
	for _, t := range post.Translations() {
		name := names[t.Lang]
		if name == "" {
			name = t.Lang
		}
		v.Translations = append(v.Translations, translation{
			Lang: t.Lang, Name: name, Current: t == post,
			Href: v.Href + "?lang=" + url.QueryEscape(t.Lang),
		})
	}
	posts := blog.Posts()
	if i := blog.Index(shown); i >= 0 {
		if i > 0 {
			n := item(posts[i-1], p.Lang)
			v.Newer = &n
		}
		if i+1 < len(posts) {
			o := item(posts[i+1], p.Lang)
			v.Older = &o
		}
	}
	p.Post = v
	return execute("post", p)
}

// item is a post as lists show it, its language given when it is not
// pageLang.
func item(p *content.Post, pageLang string) postItem {
	it := postItem{
		Href:        postHref(p.Slug),
		Title:       p.Title,
		Date:        p.Date,
		Description: p.Description,
		Minutes:     p.ReadingMinutes(),
	}
	if l := postLang(p, ""); l != "" && l != pageLang {
		it.Lang = l
	}
	for _, t := range p.Tags {
		it.Tags = append(it.Tags, tagItem{Name: t, Href: tagHref(t)})
	}
	return it
}

func postHref(slug string) string { return "/posts/" + url.PathEscape(slug) }
func tagHref(tag string) string   { return "/tags/" + url.PathEscape(tag) }

// paginate picks the page ?page= asks for among n entries, per to a page;
// false for a page that is not a number from 1 to the last page (the
// first page is the only one of an empty list).
func paginate(n, per int, q url.Values, base string) (from, to int, pg pager, ok bool) {
	pages := max(1, (n+per-1)/per)
	page := 1
	if s, set := q["page"]; set {
		if len(s) != 1 {
			return 0, 0, pager{}, false
		}
		if !digits(s[0], maxPageDigits) {
			return 0, 0, pager{}, false
		}
		page, _ = strconv.Atoi(s[0])
	}
	if page < 1 || page > pages {
		return 0, 0, pager{}, false
	}
	pg = pager{Page: page, Pages: pages}
	if page > 1 {
		pg.Prev = pageHref(base, page-1)
	}
	if page < pages {
		pg.Next = pageHref(base, page+1)
	}
	from = (page - 1) * per
	return from, min(n, from+per), pg, true
}

// digits reports whether s is 1 to n ASCII digits.
func digits(s string, n int) bool {
	if s == "" || len(s) > n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func pageHref(base string, page int) string {
	if page == 1 {
		return base
	}
	return base + "?page=" + strconv.Itoa(page)
}

func (pg pager) self(base string) string { return pageHref(base, pg.Page) }

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

// siteLang is the language of the site's pages: its default language,
// else the one its title and description are written in, else English.
func siteLang(blog *content.Blog) string {
	if l := blog.Site().DefaultLanguage; l != "" {
		return l
	}
	if l := scriptLang(blog.Name + " " + blog.Site().Description); l != "" {
		return l
	}
	return "en"
}

// postLang is the language of a post: the site's label for it, else the
// one its title and description are written in, else fallback. A blog of
// one language labels no post, yet its Korean posts should be set as
// Korean: lang picks the glyphs of Han characters and Korean line breaks.
func postLang(p *content.Post, fallback string) string {
	if p.Lang != "" {
		return p.Lang
	}
	if l := scriptLang(p.Title + " " + p.Description); l != "" {
		return l
	}
	return fallback
}

// scriptLang guesses the language of s from its letters: Korean when
// Hangul outnumbers Latin letters, Japanese when kana and Han do and there
// is kana; "" otherwise. Han alone could be Chinese or Japanese.
func scriptLang(s string) string {
	var hangul, kana, han, latin int
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Hangul, r):
			hangul++
		case unicode.In(r, unicode.Hiragana, unicode.Katakana):
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		case unicode.Is(unicode.Latin, r):
			latin++
		}
	}
	switch {
	case hangul > latin:
		return "ko"
	case kana > 0 && kana+han > latin:
		return "ja"
	}
	return ""
}

// MaxConnections bounds the connections a mirror's listener should take
// at once (netutil.LimitListener): the others wait in the kernel's queue,
// so strangers cannot take every file descriptor the SSH server needs.
const MaxConnections = 256

// NewServer is an http.Server for h on the public internet: a client gets
// 5 seconds to send its headers (8 KiB at most) and 10 for the whole
// request, a response may take 30, and an idle connection is closed after
// a minute, so that slow or idle clients cannot hold connections (and the
// file descriptors SSH needs). cmd/sshblog's operator endpoints (--http-addr)
// are served by it too.
func NewServer(h http.Handler) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    8 << 10,
	}
}
