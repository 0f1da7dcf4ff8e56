package tui

import (
	"fmt"

	"charm.land/bubbles/v2/list"

	"github.com/sshblog/sshblog/internal/content"
)

// BlogMsg replaces the blog the app shows: the server reloaded its posts.
// Lists, when they are Blog's, are shared with the blog's other sessions.
// Nothing on screen jumps: the post being read stays as it was opened, and
// the list takes the new posts when the reader is not in the middle of
// filtering it (at once if it is on screen, else when they come back to
// it), keeping the selected post. Leaving a post the new blog no longer has
// says so. A BlogMsg with the blog already shown changes nothing.
type BlogMsg struct {
	Blog  *content.Blog
	Lists *Lists
}

// setBlog takes a reloaded blog. What looks things up (links, tags, deep
// links) uses it at once; the list follows in applyBlog.
func (m *Model) setBlog(blog *content.Blog, lists *Lists) {
	if blog == nil || blog == m.blog {
		return
	}
	if lists == nil || lists.Blog() != blog {
		lists = NewLists(blog)
	}
	m.blog = blog
	m.lists = lists
	m.related = map[*content.Post][]*content.Post{}
	m.reader.links.blog = blog
	m.name, m.list.desc = blog.In(m.lang)
	m.list.desc = aboutClean(m.list.desc)
	info := NewAbout(blog, m.reader.links.host, m.about.info.HostKey)
	info.Title, info.Description = aboutClean(m.name), m.list.desc
	m.about.info = info
	m.listStale = true
}

// applyBlog gives the list the reloaded blog's posts once the reader can
// see them without losing a query: on the list, not filtering.
func (m *Model) applyBlog() {
	l := &m.list
	if !m.listStale || m.page != pageList || l.list.FilterState() != list.Unfiltered {
		return
	}
	m.listStale = false
	keep := l.selected()
	tag := l.tag
	if _, ok := m.blog.Tag(tag); !ok {
		tag = "" // its last post went: every post
	}
	l.blog, l.lists = m.blog, m.lists
	if keep != nil {
		if p, ok := m.blog.Post(keep.Slug); ok {
			keep = p
		}
	}
	l.setTag(tag, keep)
	l.updateKeys()
}

// leftPost is called when the reader leaves the post they were reading:
// if a reload took it down meanwhile, the list says so.
func (m *Model) leftPost(p *content.Post) {
	if p == nil {
		return
	}
	if _, ok := m.blog.Post(p.Slug); !ok {
		m.notice = fmt.Sprintf(m.t.PostRemoved, p.In(m.lang).Title)
	}
}

// samePost tells whether a and b are one post, perhaps as loaded before
// and after a reload: slugs are unique in a blog and survive a reload.
func samePost(a, b *content.Post) bool {
	return a == b || a != nil && b != nil && a.Slug == b.Slug
}
