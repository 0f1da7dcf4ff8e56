// Package content loads blog posts from an fs.FS: Markdown files with front
// matter, turned into Posts and indexed by slug and tag.
package content

import (
	"math"
	"strings"
	"time"
)

// Post is one blog post, ready to show. Every string in it has been
// sanitized: it holds no terminal control characters.
type Post struct {
	Slug        string    // URL-ish name, unique in a Blog
	Title       string    // plain text, never empty
	Date        time.Time // publication date
	Updated     time.Time // last modification, zero when the post does not say
	Tags        []string  // as first written; compared case-insensitively
	Description string    // one line for lists: front matter or the first paragraph
	Body        string    // Markdown, without front matter
	Source      string    // the whole file as written (front matter included)
	Path        string    // path of the file inside the loaded fs.FS
	Words       int       // words in Body
}

// ReadingMinutes estimates how long the post takes to read, at least one
// minute.
func (p *Post) ReadingMinutes() int {
	const wordsPerMinute = 200
	return max(1, int(math.Ceil(float64(p.Words)/wordsPerMinute)))
}

// HasTag reports whether the post carries tag, compared case-insensitively.
func (p *Post) HasTag(tag string) bool {
	for _, t := range p.Tags {
		if strings.EqualFold(t, tag) {
			return true
		}
	}
	return false
}
