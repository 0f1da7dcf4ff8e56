package content

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"
)

// Options changes what Load shows. The zero value hides future posts and
// uses the current time.
type Options struct {
	// Future shows posts dated after Now, as Jekyll's --future does.
	Future bool
	// Now is the moment that decides which posts are in the future; the zero
	// value means time.Now().
	Now time.Time
	// Name is the blog's name shown in headers; empty means "sshblog".
	Name string
}

// Blog is a loaded, immutable set of posts. It is safe for concurrent use.
type Blog struct {
	Name   string
	posts  []*Post // visible, newest first
	bySlug map[string]int
	tags   []Tag
	hidden int
}

// Tag is a tag and how many visible posts carry it.
type Tag struct {
	Name  string // as first written
	Count int
}

// Load reads every Markdown file (.md, .markdown) below the root of fsys,
// skipping dot-files and dot-folders. A broken file does not stop the load:
// it is left out and reported in problems, one error per file, each naming
// the file. err is non-nil only when fsys itself cannot be walked.
func Load(fsys fs.FS, opts Options) (blog *Blog, problems []error, err error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	blog = &Blog{Name: opts.Name, bySlug: map[string]int{}}
	if blog.Name == "" {
		blog.Name = "sshblog"
	}
	var visible []*Post
	firstPath := map[string]string{} // slug -> file that claimed it
	walkErr := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if name == "." {
				return err
			}
			problems = append(problems, &ParseError{Path: name, Msg: "cannot read: " + err.Error()})
			return nil
		}
		base := path.Base(name)
		if name != "." && strings.HasPrefix(base, ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isMarkdown(base) {
			return nil
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			problems = append(problems, &ParseError{Path: name, Msg: "cannot read: " + err.Error()})
			return nil
		}
		pp, err := parsePost(name, data)
		if err != nil {
			problems = append(problems, err)
			return nil
		}
		key := strings.ToLower(pp.post.Slug)
		if other, dup := firstPath[key]; dup {
			problems = append(problems, &ParseError{Path: name,
				Msg: fmt.Sprintf("slug %q is already used by %s: rename one file or set \"slug:\"", pp.post.Slug, other)})
			return nil
		}
		firstPath[key] = name
		if pp.hidden || (!opts.Future && pp.post.Date.After(now)) {
			blog.hidden++
			return nil
		}
		visible = append(visible, pp.post)
		return nil
	})
	if walkErr != nil {
		return nil, problems, fmt.Errorf("reading posts: %w", walkErr)
	}
	slices.SortStableFunc(visible, func(a, b *Post) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.Slug, b.Slug)
	})
	blog.posts = visible
	for i, p := range visible {
		blog.bySlug[strings.ToLower(p.Slug)] = i
	}
	blog.tags = countTags(visible)
	return blog, problems, nil
}

// ErrNoPosts is returned by callers that need at least one post.
var ErrNoPosts = errors.New("no posts could be loaded")

func isMarkdown(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".md" || ext == ".markdown"
}

func countTags(posts []*Post) []Tag {
	index := map[string]int{}
	var tags []Tag
	for _, p := range posts {
		for _, t := range p.Tags {
			key := strings.ToLower(t)
			i, ok := index[key]
			if !ok {
				i = len(tags)
				index[key] = i
				tags = append(tags, Tag{Name: t})
			}
			tags[i].Count++
		}
	}
	slices.SortStableFunc(tags, func(a, b Tag) int {
		if c := cmp.Compare(b.Count, a.Count); c != 0 {
			return c
		}
		return cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return tags
}

// Posts returns the visible posts, newest first. The slice must not be
// modified.
func (b *Blog) Posts() []*Post { return b.posts }

// Len is the number of visible posts.
func (b *Blog) Len() int { return len(b.posts) }

// Hidden is the number of posts left out as drafts, unpublished or future.
func (b *Blog) Hidden() int { return b.hidden }

// Post finds a visible post by slug, case-insensitively.
func (b *Blog) Post(slug string) (*Post, bool) {
	i, ok := b.bySlug[strings.ToLower(slug)]
	if !ok {
		return nil, false
	}
	return b.posts[i], true
}

// Index is the position of the post in Posts, or -1.
func (b *Blog) Index(p *Post) int {
	if p == nil {
		return -1
	}
	i, ok := b.bySlug[strings.ToLower(p.Slug)]
	if !ok || b.posts[i] != p {
		return -1
	}
	return i
}

// Tags returns every tag with its post count, most used first, then by
// name. The slice must not be modified.
func (b *Blog) Tags() []Tag { return b.tags }

// Tag finds a tag by name, case-insensitively, as first written.
func (b *Blog) Tag(name string) (Tag, bool) {
	for _, t := range b.tags {
		if strings.EqualFold(t.Name, name) {
			return t, true
		}
	}
	return Tag{}, false
}

// Tagged returns the visible posts carrying tag, newest first.
func (b *Blog) Tagged(tag string) []*Post {
	var out []*Post
	for _, p := range b.posts {
		if p.HasTag(tag) {
			out = append(out, p)
		}
	}
	return out
}
