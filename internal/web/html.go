// Package web serves the blog to browsers and feed readers: the post's
// tree as HTML (PostHTML), Atom feeds (WriteFeed) and the web mirror.
package web

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"net/url"
	"regexp"
	"sync"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/renderer"
	ghtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// HTMLOptions say how PostHTML writes what depends on where the HTML is
// shown. The zero value suits the web mirror.
type HTMLOptions struct {
	// PostURL is the href for a link to another post of the blog
	// (sshblog:SLUG); nil: "/posts/"+url.PathEscape(slug).
	PostURL func(slug string) string

	// PostTitle, when set, names the post a bare "sshblog:SLUG" link
	// points at (its text is the URL, which says nothing to a reader), and
	// says whether the blog has it: a link to a post it lacks shows its
	// text alone, as over SSH. nil: such a link reads the slug, and every
	// slug is taken to exist.
	PostTitle func(slug string) (title string, ok bool)
}

func (o HTMLOptions) postURL(slug string) string {
	if o.PostURL != nil {
		return o.PostURL(slug)
	}
	return "/posts/" + url.PathEscape(slug)
}

// PostHTML renders the post's tree (p.Doc()) with goldmark's HTML renderer,
// sanitized by bluemonday.
//
// The tree is the one the terminal renderer reads, so the page and the
// SSH view show the same post: raw HTML was already turned into ordinary
// nodes at load. The result is sanitized all the same, since post text can
// come from anywhere: no script, style, event handler, frame, form or
// javascript: URL gets through, whatever the tree holds.
func PostHTML(p *content.Post, opts HTMLOptions) (template.HTML, error) {
	out, err := docHTML(p.Doc(), opts)
	if err != nil {
		return "", fmt.Errorf("rendering %s as HTML: %w", p.Path, err)
	}
	return out, nil
}

// docHTML renders doc and sanitizes the result.
func docHTML(doc *content.Doc, opts HTMLOptions) (template.HTML, error) {
	var buf bytes.Buffer
	if err := newHTMLRenderer(opts).Render(&buf, doc.Source, doc.Root); err != nil {
		return "", err
	}
	return template.HTML(policy().SanitizeBytes(buf.Bytes())), nil
}

// htmlNodeRenderers are the goldmark renderers for every kind of node a
// post's tree can hold: goldmark's own, and those of the extensions
// content parses with (GFM tables, strikethrough, definition lists, task
// lists; footnotes are already plain lists and text, but should a
// Footnote node remain its text is not lost). TestEveryKindRendered
// checks the posts hold no other kind.
func htmlNodeRenderers(opts HTMLOptions) []util.PrioritizedValue {
	return []util.PrioritizedValue{
		util.Prioritized(ghtml.NewRenderer(), 1000),
		// align="left", not goldmark's style attribute, which the sanitizer drops.
		util.Prioritized(extension.NewTableHTMLRenderer(
			extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)), 500),
		util.Prioritized(extension.NewStrikethroughHTMLRenderer(), 500),
		util.Prioritized(extension.NewDefinitionListHTMLRenderer(), 500),
		util.Prioritized(extension.NewFootnoteHTMLRenderer(), 500),
		// Over goldmark's: lower priorities register last and win.
		util.Prioritized(&sshblogNodes{opts: opts}, 100),
	}
}

func newHTMLRenderer(opts HTMLOptions) renderer.Renderer {
	return renderer.NewRenderer(renderer.WithNodeRenderers(htmlNodeRenderers(opts)...))
}

// sshblogNodes renders the nodes that read differently on sshblog's pages
// than goldmark writes them: links to other posts, and task list
// checkboxes.
type sshblogNodes struct {
	opts HTMLOptions
	link renderer.NodeRendererFunc // goldmark's, for every other link
	auto renderer.NodeRendererFunc
}

// funcGrabber collects a renderer's functions by kind.
type funcGrabber map[ast.NodeKind]renderer.NodeRendererFunc

func (g funcGrabber) Register(k ast.NodeKind, f renderer.NodeRendererFunc) { g[k] = f }

func (r *sshblogNodes) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	std := funcGrabber{}
	ghtml.NewRenderer().RegisterFuncs(std)
	r.link, r.auto = std[ast.KindLink], std[ast.KindAutoLink]
	reg.Register(ast.KindLink, r.renderLink)
	reg.Register(ast.KindAutoLink, r.renderAutoLink)
	reg.Register(extast.KindTaskCheckBox, renderCheckBox)
}

func (r *sshblogNodes) renderLink(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	l := n.(*ast.Link)
	slug, ok := render.PostSlug(string(l.Destination))
	if !ok {
		return r.link(w, src, n, entering)
	}
	if r.opts.PostTitle != nil {
		if _, exists := r.opts.PostTitle(slug); !exists {
			return ast.WalkContinue, nil // its text alone
		}
	}
	if entering {
		_, _ = w.WriteString(`<a href="` + html.EscapeString(r.opts.postURL(slug)) + `"`)
		if len(l.Title) > 0 {
			_, _ = w.WriteString(` title="` + html.EscapeString(string(l.Title)) + `"`)
		}
		_, _ = w.WriteString(">")
	} else {
		_, _ = w.WriteString("</a>")
	}
	return ast.WalkContinue, nil
}

func (r *sshblogNodes) renderAutoLink(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	a := n.(*ast.AutoLink)
	slug, ok := render.PostSlug(string(a.URL(src)))
	if !ok {
		return r.auto(w, src, n, entering)
	}
	if !entering {
		return ast.WalkContinue, nil
	}
	label := slug
	if r.opts.PostTitle != nil {
		title, exists := r.opts.PostTitle(slug)
		if !exists {
			_, _ = w.WriteString(html.EscapeString(slug))
			return ast.WalkSkipChildren, nil
		}
		if title != "" {
			label = title
		}
	}
	_, _ = w.WriteString(`<a href="` + html.EscapeString(r.opts.postURL(slug)) + `">` + html.EscapeString(label) + "</a>")
	return ast.WalkSkipChildren, nil
}

// renderCheckBox writes a task list item's box as a character: goldmark's
// <input> is a form control, which the sanitizer (rightly) drops, and
// with it whether the task is done.
func renderCheckBox(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		if n.(*extast.TaskCheckBox).IsChecked {
			_, _ = w.WriteString("☑ ")
		} else {
			_, _ = w.WriteString("☐ ")
		}
	}
	return ast.WalkContinue, nil
}

// policy is bluemonday's policy for user content, which allows no script,
// style, event handler, frame, form or URL scheme but http, https and
// mailto, with two changes: code may say its language
// (class="language-go", as goldmark writes it, for a stylesheet or a
// reader's highlighter), and links get no rel="nofollow": the links are
// the blog author's, not strangers' comments. A Policy is safe for
// concurrent use once built.
var policy = sync.OnceValue(func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w.+#-]{1,64}$`)).OnElements("code")
	p.RequireNoFollowOnLinks(false)
	return p
})
