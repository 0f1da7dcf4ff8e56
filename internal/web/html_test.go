package web

import (
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	blogposts "github.com/sshblog/sshblog/content"
	"github.com/sshblog/sshblog/internal/content"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// corpus is every blog the tests read: the embedded one and content's
// real sites.
func corpus(t *testing.T) map[string]*content.Blog {
	t.Helper()
	blogs := map[string]*content.Blog{}
	load := func(name string, fsys fs.FS) {
		b, _, err := content.Load(fsys, content.Options{})
		if err != nil {
			t.Fatalf("loading %s: %v", name, err)
		}
		if b.Len() == 0 {
			t.Fatalf("%s has no posts", name)
		}
		blogs[name] = b
	}
	load("embedded", blogposts.Posts())
	sites, err := filepath.Glob("../content/testdata/sites/*")
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range sites {
		if fi, err := os.Stat(dir); err == nil && fi.IsDir() {
			load(filepath.Base(dir), os.DirFS(dir))
		}
	}
	if len(blogs) < 3 {
		t.Fatalf("corpus has %d blogs; want the embedded one and content's sites", len(blogs))
	}
	return blogs
}

// loadMap loads a blog of Markdown files for a test.
func loadMap(t *testing.T, files map[string]string) *content.Blog {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	b, problems, err := content.Load(fsys, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range problems {
		t.Logf("problem: %v", p)
	}
	return b
}

// onePost loads body as the only post and renders it.
func onePost(t *testing.T, body string, opts HTMLOptions) string {
	t.Helper()
	b := loadMap(t, map[string]string{"2020-01-02-post.md": "---\ntitle: T\n---\n" + body})
	if b.Len() != 1 {
		t.Fatalf("want one post, got %d", b.Len())
	}
	out, err := PostHTML(b.Posts()[0], opts)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// parseFragment reads s as a browser reads it inside <body>.
func parseFragment(t *testing.T, s string) []*html.Node {
	t.Helper()
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(s), body)
	if err != nil {
		t.Fatal(err)
	}
	return nodes
}

// visibleText is the text of s as a browser shows it, tags gone, and the
// images' alt text.
func visibleText(t *testing.T, s string) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if n.Type == html.ElementNode {
			b.WriteByte(' ') // blocks and cells are apart
			if n.DataAtom == atom.Img {
				for _, a := range n.Attr {
					if a.Key == "alt" {
						b.WriteString(a.Val) // what a screen reader says, or a browser shows without the image
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range parseFragment(t, s) {
		walk(n)
	}
	return b.String()
}

// words are the runs of letters and digits in s.
func words(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r) })
}

// TestPostHTMLKeepsText renders every post of the corpus and checks that
// the page shows the words the post's text has (Doc.PlainText, which the
// word count and the terminal read): a node kind the HTML renderer did not
// know would lose its text here. Every word must be there as often as in
// the text, but "sshblog", the scheme of a bare post link, which the page
// shows as the post's slug.
func TestPostHTMLKeepsText(t *testing.T) {
	for name, b := range corpus(t) {
		for _, p := range b.Posts() {
			out, err := PostHTML(p, HTMLOptions{})
			if err != nil {
				t.Errorf("%s %s: %v", name, p.Path, err)
				continue
			}
			doc := p.Doc()
			want := words(doc.PlainText(doc.Root))
			have := map[string]int{}
			for _, w := range words(visibleText(t, string(out))) {
				have[w]++
			}
			var missing []string
			for _, w := range want {
				if have[w] > 0 {
					have[w]--
				} else if w != "sshblog" {
					missing = append(missing, w)
				}
			}
			if len(missing) > 0 {
				t.Errorf("%s %s: %d of %d words missing from the HTML, e.g. %q", name, p.Path, len(missing), len(want), missing[:min(len(missing), 10)])
			}
		}
	}
}

// TestEveryKindRendered checks that the HTML renderer has a function for
// every kind of node in the corpus's trees. Without one goldmark walks the
// node's children and writes nothing of its own: a leaf's text, a code
// block's lines, would be gone.
func TestEveryKindRendered(t *testing.T) {
	known := funcGrabber{}
	for _, v := range htmlNodeRenderers(HTMLOptions{}) {
		v.Value.(renderer.NodeRenderer).RegisterFuncs(known)
	}
	seen := map[ast.NodeKind]bool{}
	for name, b := range corpus(t) {
		for _, p := range b.Posts() {
			_ = ast.Walk(p.Doc().Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if k := n.Kind(); entering && known[k] == nil && !seen[k] {
					seen[k] = true
					t.Errorf("%s %s: no HTML renderer for a %s node", name, p.Path, k)
				}
				return ast.WalkContinue, nil
			})
		}
	}
}

// hostile are posts written to get script into the page.
var hostile = []struct{ name, body string }{
	{"script block", "<script>alert(1)</script>\n\ntext\n"},
	{"script inline", "a <script>alert(1)</script> b\n"},
	{"javascript link", "[x](javascript:alert(1))\n"},
	{"javascript link entity", "[x](jav&#x09;ascript:alert(1))\n"},
	{"javascript link upper", "[x](JAVASCRIPT:alert(1))\n"},
	{"javascript autolink", "<javascript:alert(1)>\n"},
	{"vbscript link", "[x](vbscript:msgbox(1))\n"},
	{"data link", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)\n"},
	{"onerror image", "<img src=x onerror=alert(1)>\n"},
	{"onerror image inline", "a <img src=\"x\" onerror=\"alert(1)\"> b\n"},
	{"javascript image", "![x](javascript:alert(1))\n"},
	{"iframe", "<iframe src=\"https://evil.example/\"></iframe>\n"},
	{"object", "<object data=\"x.swf\"></object><embed src=\"x.swf\">\n"},
	{"style element", "<style>body{display:none}</style>\n\ntext\n"},
	{"style attribute", "<p style=\"position:fixed;top:0\">covered</p>\n"},
	{"onclick div", "<div onclick=\"alert(1)\">click</div>\n"},
	{"svg", "<svg onload=\"alert(1)\"><script>alert(1)</script></svg>\n"},
	{"form", "<form action=\"https://evil.example/\"><input name=p><button>go</button></form>\n"},
	{"kramdown attributes", "para\n{: onclick=\"alert(1)\" style=\"color:red\" class=\"x\"}\n"},
	{"kramdown span attributes", "*em*{: onmouseover=\"alert(1)\"}\n"},
	{"code language", "```go\" onmouseover=\"alert(1)\nx\n```\n"},
	{"meta refresh", "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example/\">\n"},
	{"base", "<base href=\"https://evil.example/\">\n"},
	{"link title quote", "[x](https://a.example/ \"\\\" onmouseover=\\\"alert(1)\")\n"},
	{"comment", "<!-- <script>alert(1)</script> -->\n"},
	{"encoded script", "&lt;script&gt;alert(1)&lt;/script&gt;\n"},
}

// TestPostHTMLHostile checks that no hostile post puts anything that runs
// or restyles the page into its HTML, as a browser would read it.
func TestPostHTMLHostile(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			checkSafe(t, onePost(t, tt.body, HTMLOptions{}))
		})
	}
}

// TestSanitizeTree gives the renderer a tree that content would never
// make, straight from goldmark with raw HTML kept and attributes set on
// its nodes, to check that the sanitizer, not content's conversions
// alone, keeps the page safe.
func TestSanitizeTree(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			src := []byte(tt.body)
			root := goldmark.New().Parser().Parse(text.NewReader(src)).(*ast.Document)
			_ = ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				if entering && n.Type() != ast.TypeDocument {
					n.SetAttributeString("style", []byte("position:fixed"))
					n.SetAttributeString("class", []byte("x"))
					n.SetAttributeString("onclick", []byte("alert(1)"))
				}
				if l, ok := n.(*ast.Link); ok {
					l.Destination = []byte("javascript:alert(1)")
				}
				return ast.WalkContinue, nil
			})
			out, err := docHTML(&content.Doc{Root: root, Source: src}, HTMLOptions{})
			if err != nil {
				t.Fatal(err)
			}
			checkSafe(t, string(out))
		})
	}
}

// TestPolicy gives the sanitizer the hostile posts as HTML.
func TestPolicy(t *testing.T) {
	for _, tt := range hostile {
		t.Run(tt.name, func(t *testing.T) {
			checkSafe(t, policy().Sanitize(tt.body))
		})
	}
	if got := policy().Sanitize(`<code class="language-go">x</code><pre class="language-go">y</pre>`); got != `<code class="language-go">x</code><pre>y</pre>` {
		t.Errorf("class allowed beyond code's language: %q", got)
	}
}

// checkSafe fails t if out, read as a browser reads it, holds an element
// or attribute that runs script, loads a frame or restyles the page.
func checkSafe(t *testing.T, out string) {
	t.Helper()
	banned := map[string]bool{
		"script": true, "style": true, "iframe": true, "frame": true, "object": true, "embed": true,
		"form": true, "input": true, "button": true, "svg": true, "math": true, "meta": true,
		"base": true, "link": true,
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if banned[n.Data] {
				t.Errorf("<%s> in %q", n.Data, out)
			}
			for _, a := range n.Attr {
				k := strings.ToLower(a.Key)
				switch {
				case strings.HasPrefix(k, "on"), k == "style", k == "srcdoc", k == "formaction":
					t.Errorf("attribute %s in %q", a.Key, out)
				case k == "href" || k == "src" || k == "action" || k == "cite":
					if !safeURL(a.Val) {
						t.Errorf("%s=%q in %q", a.Key, a.Val, out)
					}
				case k == "class" && !(n.Data == "code" && strings.HasPrefix(a.Val, "language-")):
					t.Errorf("class=%q on <%s> in %q", a.Val, n.Data, out)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range parseFragment(t, out) {
		walk(n)
	}
}

// safeURL reports whether u is relative or http, https or mailto, as a
// browser resolves it (it drops tabs and newlines, and ignores case).
func safeURL(u string) bool {
	u = strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || r <= ' ' {
			return -1
		}
		return unicode.ToLower(r)
	}, u)
	scheme, _, found := strings.Cut(u, ":")
	if !found || strings.ContainsAny(scheme, "/?#") {
		return true // relative
	}
	return scheme == "http" || scheme == "https" || scheme == "mailto"
}

func TestPostHTML(t *testing.T) {
	titles := func(slug string) (string, bool) {
		switch slug {
		case "word2vec":
			return "Word2Vec 이해하기", true
		case "한글-제목":
			return "한글 제목", true
		}
		return "", false
	}
	tests := []struct {
		name string
		body string
		opts HTMLOptions
		want []string // in the HTML, in order
		not  []string
	}{
		{"korean", "# 제목\n\n한국어 **본문**입니다. 日本語も。\n", HTMLOptions{},
			[]string{"<h1>제목</h1>", "<p>한국어 <strong>본문</strong>입니다. 日本語も。</p>"}, nil},
		{"post link", "[the post](sshblog:word2vec)\n", HTMLOptions{},
			[]string{`<a href="/posts/word2vec">the post</a>`}, []string{"sshblog:"}},
		{"post link korean slug", "[글](sshblog:%ED%95%9C%EA%B8%80-%EC%A0%9C%EB%AA%A9)\n", HTMLOptions{},
			[]string{`<a href="/posts/%ED%95%9C%EA%B8%80-%EC%A0%9C%EB%AA%A9">글</a>`}, nil},
		{"post link custom url", "[x](sshblog:word2vec \"Title\")\n",
			HTMLOptions{PostURL: func(s string) string { return "https://blog.example.com/p/" + s + "?a=1&b=2" }},
			[]string{`<a href="https://blog.example.com/p/word2vec?a=1&amp;b=2" title="Title">x</a>`}, nil},
		{"bare post link", "see sshblog:word2vec.\n", HTMLOptions{},
			[]string{`see <a href="/posts/word2vec">word2vec</a>.`}, []string{"sshblog:"}},
		{"bare post link titled", "see sshblog:word2vec.\n", HTMLOptions{PostTitle: titles},
			[]string{`see <a href="/posts/word2vec">Word2Vec 이해하기</a>.`}, nil},
		{"link to missing post", "[gone](sshblog:nope) and sshblog:nope too\n", HTMLOptions{PostTitle: titles},
			[]string{"<p>gone and nope too</p>"}, []string{"<a"}},
		{"web link", "[site](https://example.com/a?b=1) <https://example.org>\n", HTMLOptions{},
			[]string{`<a href="https://example.com/a?b=1">site</a>`, `<a href="https://example.org">https://example.org</a>`}, []string{"nofollow"}},
		{"image", "![고양이](/img/cat.png \"cat\")\n", HTMLOptions{},
			[]string{`<img src="/img/cat.png" alt="고양이" title="cat">`}, nil},
		{"code", "```go\nfmt.Println(\"<b>\")\n```\n\n`a<b`\n", HTMLOptions{},
			[]string{`<pre><code class="language-go">fmt.Println(&#34;&lt;b&gt;&#34;)`, "<code>a&lt;b</code>"}, nil},
		{"table", "| a | b |\n|:--|--:|\n| 1 | 2 |\n", HTMLOptions{},
			[]string{"<table>", `<th align="left">a</th>`, `<td align="right">2</td>`}, []string{"style"}},
		{"strikethrough", "~~old~~ new, 1~9\n", HTMLOptions{},
			[]string{"<del>old</del> new, 1~9"}, nil},
		{"definition list", "term\n: meaning\n", HTMLOptions{},
			[]string{"<dl>", "<dt>term</dt>", "<dd>meaning</dd>"}, nil},
		{"task list", "- [x] done\n- [ ] todo\n", HTMLOptions{},
			[]string{"<li>☑ done</li>", "<li>☐ todo</li>"}, []string{"<input"}},
		{"footnote", "text[^1]\n\n[^1]: the note\n", HTMLOptions{},
			[]string{"text[1]", "<ol>", "<p>the note</p>"}, nil},
		{"raw html", "<p>para <b>bold</b> <a href=\"https://x.example/\">x</a></p>\n", HTMLOptions{},
			[]string{"<strong>bold</strong>", `<a href="https://x.example/"`, ">x</a>"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := onePost(t, tt.body, tt.opts)
			rest := out
			for _, w := range tt.want {
				i := strings.Index(rest, w)
				if i < 0 {
					t.Errorf("no %q (in order) in\n%s", w, out)
					continue
				}
				rest = rest[i+len(w):]
			}
			for _, w := range tt.not {
				if strings.Contains(out, w) {
					t.Errorf("%q in\n%s", w, out)
				}
			}
		})
	}
}

// TestPostHTMLGolden renders a post with every kind of node, to see the
// whole of what a page gets. go test -update rewrites the file.
func TestPostHTMLGolden(t *testing.T) {
	src, err := os.ReadFile("testdata/features.md")
	if err != nil {
		t.Fatal(err)
	}
	b := loadMap(t, map[string]string{"2020-01-02-features.md": string(src)})
	out, err := PostHTML(b.Posts()[0], HTMLOptions{})
	if err != nil {
		t.Fatal(err)
	}
	golden := "testdata/features.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if string(out) != string(want) {
		t.Errorf("PostHTML differs from %s (go test -update rewrites it):\n%s", golden, out)
	}
}
