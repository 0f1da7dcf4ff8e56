package tui

import (
	"sync"

	"charm.land/bubbles/v2/list"

	"github.com/sshblog/sshblog/internal/content"
)

// Lists are the rows of one blog's post lists, built once and shared,
// read-only, by every session that shows the blog: a reader's list holds
// its cursor and query, not a copy of every post. Build one per loaded
// blog (NewLists) and give it to every Model of that blog (Options.Lists).
// It is safe for concurrent use.
type Lists struct {
	blog *content.Blog

	mu   sync.Mutex
	rows map[listKey]listRows
	tags listRows // every tag, once a session shows them
}

// listRows are one shared list's rows and their filter texts, lowered for
// the "/" filter the first time a session filters the list.
type listRows struct {
	items []list.Item
	texts *filterTexts
}

// listKey names one list: the site's language it is shown in (one of the
// site's codes, never a client's raw locale, so that strangers cannot grow
// the map) and its tag, "" for every post.
type listKey struct{ lang, tag string }

// NewLists returns the shared lists of blog; each is built when a session
// first shows it.
func NewLists(blog *content.Blog) *Lists {
	return &Lists{blog: blog, rows: map[listKey]listRows{}}
}

// Blog is the blog the lists are of.
func (s *Lists) Blog() *content.Blog { return s.blog }

// items is the list of tag's posts ("" for all) as a reader with locale
// sees them, and their filter texts. Both are shared: bubbles' list only
// reads the slice (the app never inserts, removes or replaces one item).
func (s *Lists) items(locale, tag string) ([]list.Item, *filterTexts) {
	k := listKey{lang: s.blog.Language(locale), tag: tag}
	if t, ok := s.blog.Tag(tag); ok {
		k.tag = t.Name // one list per tag, however a reader spells it
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.rows[k]; ok {
		return r.items, r.texts
	}
	posts := s.blog.Posts()
	if tag != "" {
		posts = s.blog.Tagged(tag)
	}
	rows := make([]list.Item, len(posts))
	for i, p := range posts {
		rows[i] = newPostItem(p, k.lang)
	}
	r := listRows{items: rows, texts: newItemTexts(rows)}
	s.rows[k] = r
	return r.items, r.texts
}

// allTags is the list of the blog's tags and its filter texts, shared
// like the post lists.
func (s *Lists) allTags() ([]list.Item, *filterTexts) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tags.items == nil {
		items := tagItems(s.blog.Tags())
		s.tags = listRows{items: items, texts: newItemTexts(items)}
	}
	return s.tags.items, s.tags.texts
}
