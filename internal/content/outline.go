package content

import (
	"net/url"
	"strings"

	"github.com/yuin/goldmark/ast"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// Link is a link of a post: its text as the reader sees it and where it
// goes.
type Link struct {
	Text  string // plain text, one line; the URL itself for a bare link
	URL   string // as written in the post (absolute or relative)
	Image bool   // an image, shown by the renderer as a link to it
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

// outline reads the links and headings of the document, the same nodes the
// renderer shows. Bare "#anchor" links go (the renderer does not show them
// as links either), and so do URLs that do not parse.
func (d *Doc) outline() Outline {
	var o Outline
	seen := map[string]bool{}
	addLink := func(l Link) {
		l.URL = strings.TrimSpace(sanitize.Line(l.URL))
		if l.URL == "" || seen[l.URL] || strings.HasPrefix(l.URL, "#") {
			return
		}
		if _, err := url.Parse(l.URL); err != nil {
			return
		}
		seen[l.URL] = true
		if l.Text == "" {
			l.Text = l.URL
		}
		o.Links = append(o.Links, l)
	}
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			if t := d.inlineText(n); t != "" {
				o.Headings = append(o.Headings, Heading{Level: n.Level, Text: t})
			}
		case *ast.Link:
			addLink(Link{Text: d.inlineText(n), URL: string(n.Destination)})
		case *ast.Image:
			addLink(Link{Text: d.inlineText(n), URL: string(n.Destination), Image: true})
		case *ast.AutoLink:
			u := sanitize.Line(string(n.URL(d.Source)))
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
