package web

import (
	"sync"

	"github.com/sshblog/sshblog/internal/content"
)

// Bounds of the pages a Mirror keeps rendered. A page is rendered from the
// blog on its first request; strangers choose the requests, so what is
// kept is bounded, and a reload (a new *Blog) drops it all.
const (
	cachePages = 512
	cacheBytes = 32 << 20
)

// rendered is a page or feed as served.
type rendered struct {
	body  []byte
	etag  string
	ctype string
}

// pageCache keeps the rendered pages of one blog, oldest dropped first.
type pageCache struct {
	mu    sync.Mutex
	blog  *content.Blog
	pages map[string]*rendered
	order []string // oldest first
	size  int
}

func (c *pageCache) get(blog *content.Blog, key string) (*rendered, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blog != blog {
		return nil, false
	}
	r, ok := c.pages[key]
	return r, ok
}

func (c *pageCache) put(blog *content.Blog, key string, r *rendered) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.blog != blog {
		// A reload: the old blog's pages go, and so does the reference
		// that kept the old blog in memory.
		c.blog, c.pages, c.order, c.size = blog, map[string]*rendered{}, nil, 0
	}
	if _, ok := c.pages[key]; ok || len(r.body) > cacheBytes/8 {
		return
	}
	for len(c.order) > 0 && (len(c.order) >= cachePages || c.size+len(r.body) > cacheBytes) {
		old := c.order[0]
		c.order = c.order[1:]
		c.size -= len(c.pages[old].body)
		delete(c.pages, old)
	}
	c.pages[key] = r
	c.order = append(c.order, key)
	c.size += len(r.body)
}
