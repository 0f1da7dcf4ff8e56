package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// openSlugMsg asks the Model to open the blog's post slug: a link to it
// was chosen. The Model says so when the blog has no such post.
type openSlugMsg struct{ slug string }

func openSlug(slug string) tea.Cmd {
	return func() tea.Msg { return openSlugMsg{slug} }
}

// linkTargets is what the reader's links picker needs to show links to
// other posts of the blog (content.PostLinkScheme) as the rendered text
// does, and to open them.
type linkTargets struct {
	host string // as in "ssh -t HOST SLUG"
	blog *content.Blog
}

// item is the picker row of l. A link to a post shows the post's title
// when the link has no text of its own and, under it, the deep link that
// opens it (never an OSC 8 hyperlink: it is no URL); choosing it opens the
// post. Outline.Links keep URLs as written: they are read here.
func (t linkTargets) item(l content.Link) pickItem {
	title := l.Text
	if l.Image {
		title = "image: " + title
	}
	slug, ok := render.PostSlug(l.URL)
	if !ok || l.Image {
		return pickItem{title: title, url: l.URL}
	}
	if l.Text == "" || l.Text == l.URL {
		title = slug
		if t.blog != nil {
			if p, ok := t.blog.Post(slug); ok {
				title = p.Title
			}
		}
	}
	return pickItem{title: title, url: render.DeepLink(t.host, slug), slug: slug}
}

// openLinked opens the post a chosen link points at, or says the blog has
// no such post.
func (m *Model) openLinked(slug string) tea.Cmd {
	p, ok := m.blog.Post(slug)
	if !ok {
		return m.setStatus(fmt.Sprintf(m.t.NoPostNamed, cleanLink(slug)))
	}
	m.list.selectPost(p)
	return m.openPost(p)
}

// syncChoose names what enter does to the link under the cursor: a link
// to a post opens it, any other is copied.
func (p *picker) syncChoose() {
	if p.kind != pickLinks || len(p.items) == 0 {
		return
	}
	if p.items[p.cursor].slug != "" {
		p.keys.Choose.SetHelp("enter", p.t.KeyOpen)
	} else {
		p.keys.Choose.SetHelp("enter", p.t.KeyCopy)
	}
}
