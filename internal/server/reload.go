package server

import (
	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/tui"
)

// served is a blog and what its sessions share.
type served struct {
	blog  *content.Blog
	lists *tui.Lists
	gen   uint64 // SetBlog calls before it: the first frames' cache is per blog
}

// CurrentBlog is the blog served now: Blog, or what SetBlog last gave.
func (s *Server) CurrentBlog() *content.Blog { return s.serving().blog }

func (s *Server) serving() *served {
	if c := s.current.Load(); c != nil {
		return c
	}
	return &served{s.Blog, tui.NewLists(s.Blog), 0} // before init: Serve makes the one kept
}

// SetBlog makes blog the one served, at once and for everyone: the
// sessions and commands that start from now on read it, and every open app
// gets it (tui.BlogMsg), whose reader goes on reading what they opened.
// Rendered posts are kept: a post is rendered again only if its text, or
// the title of a post it links to, changed. broken is how many post files
// failed to load, for the posts metric. A nil blog is ignored.
func (s *Server) SetBlog(blog *content.Blog, broken int) {
	if blog == nil {
		return
	}
	if err := s.init(); err != nil {
		return
	}
	now := &served{blog, tui.NewLists(blog), s.blogGen.Add(1)}
	old := s.current.Swap(now).blog
	s.Renderer.SetPostTitle(blog.PostTitle)
	s.Metrics.observeBlog(blog, old, broken)
	for _, app := range s.apps.list() {
		app.offerBlog(now)
	}
	// Posts new or changed since the old blog are rendered ahead for the
	// common widths, as at start (unless a prerender is running: what it
	// misses renders when it is first read).
	if s.accepting.Load() && s.prerendering.CompareAndSwap(false, true) {
		go func() {
			defer s.prerendering.Store(false)
			s.prerender()
		}()
	}
}

// ReloadFailed counts a reload that kept (part of) the old blog: n new
// problems, or one when the posts could not be read at all.
func (s *Server) ReloadFailed(n int) { s.Metrics.reloadFailed(n) }

// offerBlog hands the app a reloaded blog without blocking the caller:
// Program.Send waits for the app's event loop. One goroutine per app at
// most, which sends the newest blog offered until none is newer, so that
// a burst of reloads costs one send, not a queue of them.
func (a *appSession) offerBlog(blog *served) {
	a.offered.Store(blog)
	program := a.running()
	if program == nil {
		a.signal() // idle on the home screen: it redraws itself (idle.go)
		return
	}
	if !a.offering.CompareAndSwap(false, true) {
		return // the running sender picks it up
	}
	go func() {
		defer a.sess.srv.recoverPanic("blog offer", a.sess.remote(), nil)
		for {
			b := a.offered.Load()
			program.Send(tui.BlogMsg{Blog: b.blog, Lists: b.lists}) // returns once the program has ended, too
			a.offering.Store(false)
			if a.offered.Load() == b || !a.offering.CompareAndSwap(false, true) {
				return
			}
		}
	}()
}
