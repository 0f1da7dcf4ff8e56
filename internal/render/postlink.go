package render

import (
	"bytes"
	"net/url"
	"strings"

	"github.com/yuin/goldmark/ast"
	astext "github.com/yuin/goldmark/extension/ast"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/sanitize"
)

// postLinks is what a render needs to show links to other posts of the
// blog (content.PostLinkScheme): how readers reach the server, and the
// posts' titles. It is the same for every render of a Renderer, so the
// cache, shared by every session, stays shared.
type postLinks struct {
	host  string
	title func(slug string) (string, bool) // nil: titles unknown, every slug taken to exist
}

// PostSlug is the slug an "sshblog:SLUG" URL points at, and whether url is
// one. A slug written percent-encoded ("sshblog:%ED%95%9C") is decoded.
func PostSlug(u string) (string, bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(u), content.PostLinkScheme)
	if !ok {
		return "", false
	}
	if strings.Contains(rest, "%") {
		if dec, err := url.PathUnescape(rest); err == nil {
			rest = dec
		}
	}
	rest = strings.TrimSpace(sanitize.Line(rest))
	return rest, rest != ""
}

// DeepLink is the command that opens the post slug in the app, for a
// reader who reaches the server as host ("blog.example.com", "-p 2222
// blog.example.com": see server's hostHint). With no host it says HOST,
// for the reader to fill in. -t, because OpenSSH gives a command no
// terminal without it, and the app needs one.
func DeepLink(host, slug string) string {
	if host == "" {
		host = "HOST"
	}
	return "ssh -t " + host + " " + shellWord(slug)
}

// shellWord quotes s for a POSIX shell when it holds anything a shell
// would read otherwise. Korean and other letters go as they are.
func shellWord(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!&|;<>()[]{}*?#~=%") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// postLinkTarget is the slug n, a link or an autolink, points at, if it is
// a link to a post.
func (r *walk) postLinkTarget(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.Link:
		return PostSlug(string(n.Destination))
	case *ast.AutoLink:
		return PostSlug(string(n.URL(r.src)))
	}
	return "", false
}

// hasPostLink reports whether n holds a link to a post.
func (r *walk) hasPostLink(n ast.Node) bool {
	found := false
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && c != n {
			if _, ok := r.postLinkTarget(c); ok {
				found = true
				return ast.WalkStop, nil
			}
		}
		return ast.WalkContinue, nil
	})
	return found
}

// postLinkNodes is what a link to the post slug shows, as inline nodes of
// this walk's own: its text (the link's, else the post's title, else the
// slug) in the link style, then in brackets the deep link that opens the
// post, as code: a command to type. A link to a post the blog does not
// have shows its text alone: a command that fails helps no one.
//
// The text is drawn as a link to "#": glamour styles a link's text, and
// draws neither a URL nor an OSC 8 hyperlink for a bare anchor. In a table
// it is plain text: glamour lists a table's links below it.
func (r *walk) postLinkNodes(n ast.Node, slug string) []ast.Node {
	text := strings.TrimSpace(r.doc.PlainText(n))
	if a, ok := n.(*ast.AutoLink); ok {
		text = strings.TrimSpace(string(a.Label(r.src)))
	}
	if strings.HasPrefix(text, content.PostLinkScheme) {
		text = "" // a bare URL says nothing a reader wants
	}
	exists := true
	if r.links.title != nil {
		var title string
		title, exists = r.links.title(slug)
		if text == "" {
			text = title
		}
	}
	if text == "" {
		text = slug
	}
	if !exists {
		return []ast.Node{r.addText(text)}
	}
	var label ast.Node = r.addText(text)
	if !r.inTable {
		l := ast.NewLink()
		l.Destination = []byte("#")
		l.AppendChild(l, label)
		label = l
	}
	code := ast.NewCodeSpan()
	code.AppendChild(code, r.addText(DeepLink(r.links.host, slug)))
	return []ast.Node{label, r.addText(" ("), code, r.addText(")")}
}

// cloneTable is a copy of t with its links to posts shown as
// postLinkNodes: glamour would list them, URL and all, below the table.
func (r *walk) cloneTable(t *astext.Table) ast.Node {
	r.inTable = true
	defer func() { r.inTable = false }()
	c := astext.NewTable()
	c.Alignments = t.Alignments
	for row := t.FirstChild(); row != nil; row = row.NextSibling() {
		var dst ast.Node = astext.NewTableRow(t.Alignments)
		if row.Kind() == astext.KindTableHeader {
			dst = astext.NewTableHeader(astext.NewTableRow(t.Alignments))
		}
		for cell := row.FirstChild(); cell != nil; cell = cell.NextSibling() {
			nc := astext.NewTableCell()
			if tc, ok := cell.(*astext.TableCell); ok {
				nc.Alignment = tc.Alignment
			}
			r.cloneChildren(nc, cell)
			dst.AppendChild(dst, nc)
		}
		c.AppendChild(c, dst)
	}
	return c
}

// postLink is the substitute for a link to a post: postLinkNodes in a
// block of their own, which glamour walks through.
func (r *walk) postLink(n ast.Node, slug string) ast.Node {
	b := newBlock()
	for _, c := range r.postLinkNodes(n, slug) {
		b.AppendChild(b, c)
	}
	return b
}

// hasPostLinkChild reports whether one of n's children is a link to a post.
func (r *walk) hasPostLinkChild(n ast.Node) bool {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := r.postLinkTarget(c); ok {
			return true
		}
	}
	return false
}

// splitAtPostLinks is n, an emphasis or a strikethrough, cut at the links
// to posts among its children: the runs between them each in a copy of
// n, the links' nodes (postLinkNodes) outside. The deep link is a command
// to type, no part of the emphasis; and in the no-colour style glamour
// marks each piece of an emphasis apart ("**bold **b** (**ssh …**)**").
// White space at the edges of a run goes outside it too ("**bold** b").
func (r *walk) splitAtPostLinks(n ast.Node) ast.Node {
	b := newBlock()
	from := n.FirstChild()
	flush := func(end ast.Node) {
		if from == nil || from == end {
			return
		}
		var run ast.Node
		switch n := n.(type) {
		case *ast.Emphasis:
			run = ast.NewEmphasis(n.Level)
		default:
			run = astext.NewStrikethrough()
		}
		r.cloneRange(run, from, end)
		lead, trail := r.trimRun(run)
		if lead {
			b.AppendChild(b, r.addText(" "))
		}
		if run.FirstChild() != nil {
			b.AppendChild(b, run)
		}
		if trail {
			b.AppendChild(b, r.addText(" "))
		}
	}
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		slug, ok := r.postLinkTarget(c)
		if !ok {
			continue
		}
		flush(c)
		for _, x := range r.postLinkNodes(c, slug) {
			b.AppendChild(b, x)
		}
		from = c.NextSibling()
	}
	flush(nil)
	r.unsoft(b)
	return b
}

// trimRun takes the white space off the start and the end of run, a node
// of this walk's own, and reports whether there was some.
func (r *walk) trimRun(run ast.Node) (lead, trail bool) {
	if t, ok := run.FirstChild().(*ast.Text); ok {
		v := t.Segment.Value(r.src)
		if n := len(v) - len(bytes.TrimLeft(v, " ")); n > 0 {
			lead = true
			t.Segment = t.Segment.WithStart(t.Segment.Start + n)
		}
	}
	if t, ok := run.LastChild().(*ast.Text); ok && !t.HardLineBreak() {
		if t.SoftLineBreak() {
			t.SetSoftLineBreak(false) // a space, as unsoft would make it
			trail = true
		}
		v := t.Segment.Value(r.src)
		if n := len(v) - len(bytes.TrimRight(v, " ")); n > 0 {
			trail = true
			t.Segment = t.Segment.WithStop(t.Segment.Stop - n)
		}
	}
	for _, c := range []ast.Node{run.FirstChild(), run.LastChild()} {
		if t, ok := c.(*ast.Text); ok && t.Segment.Len() == 0 && !t.SoftLineBreak() && !t.HardLineBreak() {
			run.RemoveChild(run, t)
		}
	}
	return lead, trail
}
