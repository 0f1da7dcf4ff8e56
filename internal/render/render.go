// Package render turns posts into terminal text with glamour, once per
// (post, width, style), and shares the result between every session.
package render

import (
	"bufio"
	"bytes"
	"container/list"
	"context"
	"fmt"
	"hash/maphash"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
)

// Style is a glamour style family suited to the reader's terminal.
type Style int

const (
	Dark    Style = iota // for dark backgrounds; the default when unknown
	Light                // for light backgrounds
	NoColor              // no colour at all, for NO_COLOR and dumb terminals
)

func (s Style) String() string {
	switch s {
	case Light:
		return "light"
	case NoColor:
		return "no colour"
	}
	return "dark"
}

// MinWidth is the narrowest width rendered; narrower requests get this.
const MinWidth = 20

// DefaultCacheBytes bounds the cache when Options.CacheBytes is zero.
const DefaultCacheBytes = 64 << 20

// Options configures a Renderer. The zero value is ready to use.
type Options struct {
	// CacheBytes bounds the memory held by rendered posts; the least recently
	// used are dropped first. Zero means DefaultCacheBytes.
	CacheBytes int64

	// OnRender, when set, is told how long each glamour render (each cache
	// miss) took, for metrics. The time spent queued is not counted.
	OnRender func(time.Duration)

	// MaxRenders bounds the glamour renders that run at once; the others
	// queue, served in the order they arrived. A render of a large post
	// holds a lot of memory while it runs, so running more at once than
	// there are cores to run them costs memory and gains nothing. Zero
	// means runtime.GOMAXPROCS(0).
	MaxRenders int

	// Host is how readers reach the server, as its hints write it
	// ("blog.example.com", "-p 2222 blog.example.com"): a link to another
	// post of the blog (content.PostLinkScheme) shows the deep link
	// "ssh -t HOST SLUG" that opens it. It is one host for every session,
	// so that they share the cache; empty shows "HOST".
	Host string

	// PostTitle, when set, gives the title of the blog's post slug, for a
	// link to it that has no text of its own; false for a post the blog
	// does not have, whose link then shows its text alone. A reloaded
	// blog brings its titles with SetPostTitle.
	PostTitle func(slug string) (title string, ok bool)
}

// Renderer renders posts and caches the results. It is safe for concurrent
// use; concurrent requests for the same key render once.
type Renderer struct {
	limit    int64
	host     string
	title    atomic.Pointer[titleFunc] // Options.PostTitle, or SetPostTitle's
	onRender func(time.Duration)
	queue    renderQueue // of cache misses waiting for glamour
	render   func(doc *content.Doc, width int, style Style, links postLinks) (string, error)
	followed func() // tests: a caller waits for another's render of its key

	mu       sync.Mutex
	entries  map[key]*list.Element // of *entry
	lru      *list.List            // front: most recently used
	size     int64
	inflight map[key]*call

	hits, misses atomic.Int64
}

type key struct {
	slug   string
	sum    uint64 // of the Markdown, so a changed post never hits a stale entry
	titles uint64 // of the titles its links to posts show (linkSum)
	width  int
	style  Style
}

type titleFunc = func(slug string) (string, bool)

type entry struct {
	key  key
	text string
}

type call struct {
	done chan struct{}
	text string
	err  error
	// abandoned: the caller rendering it left the queue before its turn,
	// so there is no result; whoever waited for it tries again.
	abandoned bool
}

// New returns a Renderer.
func New(opts Options) *Renderer {
	limit := opts.CacheBytes
	if limit <= 0 {
		limit = DefaultCacheBytes
	}
	slots := opts.MaxRenders
	if slots <= 0 {
		slots = runtime.GOMAXPROCS(0)
	}
	r := &Renderer{
		limit:    limit,
		host:     opts.Host,
		onRender: opts.OnRender,
		queue:    renderQueue{slots: slots},
		entries:  map[key]*list.Element{},
		lru:      list.New(),
		inflight: map[key]*call{},
	}
	r.render = renderLinked
	r.SetPostTitle(opts.PostTitle)
	return r
}

// Host is the host deep links to posts are shown with (Options.Host).
func (r *Renderer) Host() string { return r.host }

// SetPostTitle replaces Options.PostTitle, for a reloaded blog. The cache
// stays: a post is rendered again only if its text, or the title of a post
// it links to, changed.
func (r *Renderer) SetPostTitle(title func(slug string) (string, bool)) {
	r.title.Store(&title)
}

// links is what renders started now show links to posts with.
func (r *Renderer) links() postLinks { return postLinks{host: r.host, title: *r.title.Load()} }

func keyFor(p *content.Post, width int, style Style, links postLinks) key {
	return key{slug: p.Slug, sum: bodySum(p), titles: linkSum(p, links.title), width: max(width, MinWidth), style: style}
}

// linkSum identifies what the post's links to other posts show: the
// titles of the posts they name, and whether those exist. Zero for a post
// without such links, which is most posts.
func linkSum(p *content.Post, title titleFunc) uint64 {
	if title == nil {
		return 0
	}
	var h *maphash.Hash
	for _, l := range p.Outline.Links {
		slug, ok := PostSlug(l.URL)
		if !ok {
			continue
		}
		if h == nil {
			h = &maphash.Hash{}
			h.SetSeed(bodySeed)
		}
		t, exists := title(slug)
		h.WriteString(slug)
		h.WriteByte(0)
		h.WriteString(t)
		if exists {
			h.WriteByte(1)
		}
		h.WriteByte(0)
	}
	if h == nil {
		return 0
	}
	return h.Sum64()
}

// bodySeed seeds bodySum: the caches live in one process, so a per-process
// seed is enough.
var bodySeed = maphash.MakeSeed()

// bodySum identifies a version of a post's Markdown, so a changed post
// never hits a stale cache entry. It hashes without copying the body.
func bodySum(p *content.Post) uint64 { return maphash.String(bodySeed, p.Body) }

// Cached returns the post rendered at width in style if it is in the cache.
// It never renders, so it is cheap enough for a UI's update loop.
func (r *Renderer) Cached(p *content.Post, width int, style Style) (string, bool) {
	k := keyFor(p, width, style, r.links())
	r.mu.Lock()
	defer r.mu.Unlock()
	if el, ok := r.entries[k]; ok {
		r.lru.MoveToFront(el)
		return el.Value.(*entry).text, true
	}
	return "", false
}

// Render returns the post's body rendered for a terminal width columns wide
// in style: every line fits in width columns (wide characters count two).
// It is RenderContext without a way to give up.
func (r *Renderer) Render(p *content.Post, width int, style Style) (string, error) {
	return r.RenderContext(context.Background(), p, width, style)
}

// RenderContext is Render for a caller that may stop waiting: a post in
// the cache comes back at once, but a miss queues behind the renders
// already running (see Options.MaxRenders), and if ctx ends first the
// caller leaves the queue and gets ctx.Err(). Once glamour has started, the
// render finishes and is cached, whatever happens to ctx.
func (r *Renderer) RenderContext(ctx context.Context, p *content.Post, width int, style Style) (string, error) {
	links := r.links() // one set of titles for the key and the render
	k := keyFor(p, width, style, links)
	for {
		r.mu.Lock()
		if el, ok := r.entries[k]; ok {
			r.lru.MoveToFront(el)
			r.mu.Unlock()
			r.hits.Add(1)
			return el.Value.(*entry).text, nil
		}
		if c, ok := r.inflight[k]; ok {
			r.mu.Unlock()
			if r.followed != nil {
				r.followed()
			}
			select {
			case <-c.done:
			case <-ctx.Done():
				return "", ctx.Err()
			}
			if c.abandoned {
				continue // its caller gave up before rendering: take its place
			}
			r.hits.Add(1)
			return c.text, c.err
		}
		c := &call{done: make(chan struct{})}
		r.inflight[k] = c
		r.mu.Unlock()
		r.lead(ctx, p, k, links, c)
		if c.abandoned {
			return "", ctx.Err()
		}
		return c.text, c.err
	}
}

// lead renders k for c and everyone waiting on it, after its turn in the
// queue, and publishes the result (or that c was abandoned).
func (r *Renderer) lead(ctx context.Context, p *content.Post, k key, links postLinks, c *call) {
	rendered := false
	defer func() {
		// Also on a panic in glamour: no waiter is left hanging, and
		// nothing half-done is cached.
		c.abandoned = !rendered
		r.mu.Lock()
		delete(r.inflight, k)
		if rendered && c.err == nil {
			r.store(k, c.text)
		}
		r.mu.Unlock()
		close(c.done)
	}()
	if err := r.queue.acquire(ctx); err != nil {
		return
	}
	defer r.queue.release()
	r.misses.Add(1)
	start := time.Now()
	c.text, c.err = r.render(p.Doc(), k.width, k.style, links) // Doc may parse the post again: in its turn
	if r.onRender != nil {
		r.onRender(time.Since(start))
	}
	if c.err != nil {
		c.text, c.err = "", fmt.Errorf("rendering %s: %w", p.Path, c.err)
	}
	rendered = true
}

// Queued returns how many cache misses are waiting for their turn to
// render, for metrics.
func (r *Renderer) Queued() int { return r.queue.queued() }

// store adds an entry and evicts the least recently used past the limit.
// r.mu must be held.
func (r *Renderer) store(k key, text string) {
	cost := int64(len(text)) + 64
	if cost > r.limit {
		return // larger than the whole cache: serve it, don't keep it
	}
	r.entries[k] = r.lru.PushFront(&entry{key: k, text: text})
	r.size += cost
	for r.size > r.limit {
		el := r.lru.Back()
		e := el.Value.(*entry)
		r.lru.Remove(el)
		delete(r.entries, e.key)
		r.size -= int64(len(e.text)) + 64
	}
}

// Stats is a snapshot of the cache's counters.
type Stats struct {
	Hits, Misses int64
	Entries      int
	Bytes        int64
}

// Stats returns the cache's counters.
func (r *Renderer) Stats() Stats {
	r.mu.Lock()
	defer r.mu.Unlock()
	return Stats{Hits: r.hits.Load(), Misses: r.misses.Load(), Entries: len(r.entries), Bytes: r.size}
}

// renderLinked renders a post's tree with glamour's ANSI renderer, links to
// posts shown as links says, and then makes sure no line is wider than
// width: glamour's word wrap leaves long unbreakable words (URLs) and some
// wide-character runs over the edge, which would make a terminal wrap them
// and break the layout.
func renderLinked(doc *content.Doc, width int, style Style, links postLinks) (string, error) {
	var out bytes.Buffer
	r := newWalk(doc, bufio.NewWriter(&out), width-4, style) // document margin (2) on each side
	r.links = links
	if _, err := r.render(doc.Root); err != nil {
		return "", err
	}
	if err := r.w.Flush(); err != nil {
		return "", err
	}
	return fitLines(strings.Trim(out.String(), "\n"), width), nil
}

// fitLines hard-wraps any line wider than width and trims trailing spaces
// that glamour pads lines with.
func fitLines(s string, width int) string {
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	for _, line := range lines {
		if ansi.StringWidth(line) <= width {
			out = append(out, line)
			continue
		}
		wrapped := ansi.Hardwrap(line, width, true)
		out = append(out, strings.Split(wrapped, "\n")...)
	}
	return strings.Join(out, "\n")
}
