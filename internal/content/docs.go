package content

import (
	"container/list"
	"sync"
)

// DefaultDocBytes bounds the parsed documents a Blog keeps when
// Options.DocBytes is zero.
//
// A goldmark tree costs about twelve bytes of memory per byte of Markdown
// (BenchmarkLoad10000: 14 heap bytes per input byte with every tree kept,
// against 2.2 without), so keeping every tree of a 40 MB blog would take
// half a gigabyte. The trees of the posts read most recently are kept; any
// other is parsed again, by the same parser from the same text, when it is
// rendered, which happens once per width and style before the rendered
// text is cached.
const DefaultDocBytes = 64 << 20

// docCost estimates the memory a post's tree takes.
func docCost(markdown string) int64 { return 12*int64(len(markdown)) + 1024 }

// docCache keeps the most recently used trees of a Blog's posts, within a
// byte budget. It is safe for concurrent use.
type docCache struct {
	mu    sync.Mutex
	limit int64
	size  int64
	lru   *list.List // of *docEntry; front: most recent
	at    map[*Post]*list.Element
}

type docEntry struct {
	post *Post
	doc  *Doc
	cost int64
}

func newDocCache(limit int64) *docCache {
	if limit <= 0 {
		limit = DefaultDocBytes
	}
	return &docCache{limit: limit, lru: list.New(), at: map[*Post]*list.Element{}}
}

func (c *docCache) get(p *Post) *Doc {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.at[p]; ok {
		c.lru.MoveToFront(el)
		return el.Value.(*docEntry).doc
	}
	return nil
}

func (c *docCache) put(p *Post, d *Doc) {
	cost := docCost(p.markdown)
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.at[p]; ok || cost > c.limit {
		return
	}
	c.at[p] = c.lru.PushFront(&docEntry{post: p, doc: d, cost: cost})
	c.size += cost
	for c.size > c.limit {
		el := c.lru.Back()
		e := el.Value.(*docEntry)
		c.lru.Remove(el)
		delete(c.at, e.post)
		c.size -= e.cost
	}
}

// Doc returns the post's body parsed: the tree the renderer renders. The
// tree is shared and must not be changed. Load parsed it; when the Blog has
// dropped it since (see DefaultDocBytes), it is parsed again the same way.
func (p *Post) Doc() *Doc {
	if p.docs != nil {
		if d := p.docs.get(p); d != nil {
			return d
		}
	}
	d := p.parseDoc()
	if p.docs != nil {
		p.docs.put(p, d)
	}
	return d
}

// parseDoc parses the post's Markdown into its tree: the leading heading
// that became the title left out, the note of a cut post added.
func (p *Post) parseDoc() *Doc {
	d := p.flavour.parse(p.markdown)
	p.shape(d)
	return d
}

// shape makes a freshly parsed tree the post's: the leading heading that
// became the title left out, the note of a cut post added.
func (p *Post) shape(d *Doc) {
	if p.dropHeading {
		if _, node, ok := d.leadingHeading(); ok {
			d.Root.RemoveChild(d.Root, node)
		}
	}
	if p.note != "" {
		d.appendParagraph(p.note)
	}
}
