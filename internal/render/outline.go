package render

import (
	"bytes"
	"html"
	"net/url"
	"strings"
	"sync"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/sanitize"
)

// Link is a link of a post: its text as the reader sees it and where it
// goes.
type Link struct {
	Text  string // plain text, one line; the URL itself for a bare link
	URL   string // as written in the post (absolute or relative)
	Image bool   // an image, shown by glamour as a link to it
}

// Heading is a heading of a post.
type Heading struct {
	Level int    // 1 to 6
	Text  string // plain text, one line
}

// Outline is what a reader can jump to in a post: its links, in order and
// each URL once, and its headings, in order.
type Outline struct {
	Links    []Link
	Headings []Heading
}

// ParseOutline reads the links and headings of a post's Markdown, parsed the
// way glamour parses it (GitHub-flavoured Markdown, so bare URLs are links
// too), so that they match what the rendered text shows.
func ParseOutline(md string) Outline {
	src := []byte(prepare(md))
	doc := outlineParser.Parser().Parse(text.NewReader(src))
	var o Outline
	seen := map[string]bool{}
	addLink := func(l Link) {
		l.URL = strings.TrimSpace(sanitize.Line(l.URL))
		l.Text = sanitize.Line(l.Text)
		if l.URL == "" || seen[l.URL] || !linkable(l.URL) {
			return
		}
		seen[l.URL] = true
		if l.Text == "" {
			l.Text = l.URL
		}
		o.Links = append(o.Links, l)
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if t := sanitize.Line(plainText(n, src)); t != "" {
				o.Headings = append(o.Headings, Heading{Level: n.Level, Text: t})
			}
		case *ast.Link:
			addLink(Link{Text: plainText(n, src), URL: string(n.Destination)})
		case *ast.Image:
			addLink(Link{Text: plainText(n, src), URL: string(n.Destination), Image: true})
		case *ast.AutoLink:
			u := string(n.URL(src))
			if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
				addLink(Link{Text: u, URL: "mailto:" + u})
				break
			}
			addLink(Link{Text: u, URL: u})
		}
		return ast.WalkContinue, nil
	})
	return o
}

// outlineParser parses as glamour does (see glamour.NewTermRenderer).
var outlineParser = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.DefinitionList))

// prepare is the Markdown as renderMarkdown hands it to glamour.
func prepare(md string) string {
	return escapeSingleTildes(strings.ReplaceAll(md, "\t", "    "))
}

// linkable reports whether u is worth listing: not a bare "#anchor" (which
// glamour does not make a link either) and a URL that parses.
func linkable(u string) bool {
	if strings.HasPrefix(u, "#") {
		return false
	}
	_, err := url.Parse(u)
	return err == nil
}

// plainText is the text of an inline tree, as glamour shows it: emphasis and
// code marks go, entities are decoded, line breaks are spaces.
func plainText(n ast.Node, src []byte) string {
	var b bytes.Buffer
	var walk func(ast.Node)
	walk = func(n ast.Node) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				b.Write(c.Segment.Value(src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					b.WriteByte(' ')
				}
			case *ast.String:
				b.Write(c.Value)
			case *ast.AutoLink:
				b.Write(c.Label(src))
			case *ast.RawHTML:
				// tags are not text
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return strings.Join(strings.Fields(html.UnescapeString(b.String())), " ")
}

// HeadingLines finds each heading in the rendered text, given as plain lines
// (ansi.Strip'd), in order: the index of the line where it starts, or -1
// when it cannot be found. Glamour puts a blank line before a heading, may
// put "##" before it and pad it, and wraps a long one over several lines,
// breaking words anywhere in a narrow window, so text is compared without
// its white space.
func HeadingLines(plain []string, headings []Heading) []int {
	out := make([]int, len(headings))
	from := 0
	for i, h := range headings {
		out[i] = -1
		want := squash(h.Text)
		if want == "" {
			continue
		}
		for j := from; j < len(plain); j++ {
			if headingAt(plain, j, want) {
				out[i] = j
				from = j + 1
				break
			}
		}
	}
	return out
}

// headingAt reports whether the heading text want (squashed) starts on
// line j.
func headingAt(plain []string, j int, want string) bool {
	if j > 0 && strings.TrimSpace(plain[j-1]) != "" {
		return false // a heading is a block of its own
	}
	line := strings.TrimSpace(plain[j])
	got := squash(strings.TrimLeft(line, "#"))
	if got == "" && !strings.HasPrefix(line, "#") {
		return false
	}
	// Wrapped: the lines that follow continue it, up to a blank line.
	for k := j + 1; len(got) < len(want) && strings.HasPrefix(want, got) && k < len(plain) && k <= j+8; k++ {
		next := squash(plain[k])
		if next == "" {
			break
		}
		got += next
	}
	return strings.HasPrefix(got, want)
}

// squash drops the white space of s, for comparing text however it was
// wrapped and padded.
func squash(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

// PlainLines is the rendered text as plain lines: no escape sequences.
func PlainLines(rendered string) []string {
	lines := strings.Split(rendered, "\n")
	for i, l := range lines {
		lines[i] = ansi.Strip(l)
	}
	return lines
}

// outlineCache keeps one Outline per post version. The zero value is ready.
type outlineCache struct {
	mu sync.Mutex
	m  map[outlineKey]*Outline
}

type outlineKey struct {
	slug string
	sum  uint64
}

// maxOutlines bounds the cache: a blog has far fewer posts, and a reload
// that changes every post only leaves old versions behind.
const maxOutlines = 4096

func outlineKeyFor(p *content.Post) outlineKey {
	return outlineKey{slug: p.Slug, sum: bodySum(p)}
}

// Outline returns the post's links and headings, parsing its Markdown the
// first time and sharing the result afterwards. The result must not be
// modified.
func (r *Renderer) Outline(p *content.Post) *Outline {
	k := outlineKeyFor(p)
	c := &r.outlines
	c.mu.Lock()
	if o, ok := c.m[k]; ok {
		c.mu.Unlock()
		return o
	}
	c.mu.Unlock()
	o := ParseOutline(p.Body)
	c.mu.Lock()
	defer c.mu.Unlock()
	if prev, ok := c.m[k]; ok {
		return prev
	}
	if c.m == nil || len(c.m) >= maxOutlines {
		c.m = map[outlineKey]*Outline{}
	}
	c.m[k] = &o
	return &o
}

// CachedOutline returns the post's outline if it was parsed already. It
// never parses, so it is cheap enough for a UI's update loop.
func (r *Renderer) CachedOutline(p *content.Post) (*Outline, bool) {
	k := outlineKeyFor(p)
	c := &r.outlines
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.m[k]
	return o, ok
}
