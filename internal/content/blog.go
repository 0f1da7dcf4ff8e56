package content

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options changes what Load shows. The zero value hides drafts and future
// posts, reads dates without a zone as UTC and uses the current time.
type Options struct {
	// Future shows posts dated after Now, as Jekyll's --future does.
	Future bool
	// Now is the moment that decides which posts are in the future; the zero
	// value means time.Now().
	Now time.Time
	// Name is the blog's name shown in headers; empty means the site's
	// title, else "sshblog".
	Name string

	// Drafts shows drafts and unpublished posts ("draft: true",
	// "published: false", files under a _drafts folder), as jekyll --drafts
	// --unpublished and hugo -D do. Such posts have Post.Draft set.
	Drafts bool
	// Location is the time zone of dates written without one, such as
	// "2017-06-11 21:06" or "2017-06-11"; nil means the site's (Jekyll's
	// "timezone", Hugo's "timeZone"), else UTC. As in Jekyll, a date that
	// YAML reads as a timestamp ("2017-06-11 21:06:00") is UTC in a Jekyll
	// site, and dates are shown in this zone.
	Location *time.Location
	// Root is the folder fsys was opened from, as the operator wrote it
	// (the --content flag). It goes in front of file names in problems
	// (ParseError.Root), so they read "content/posts/x.md:3: ...". Empty
	// shows paths inside fsys.
	Root string

	// Site is the site's config; nil means Load reads it from fsys
	// (ReadSite). Name, Location and Future, when set, override it.
	Site *Site

	// DocBytes bounds the memory that parsed posts (their goldmark trees)
	// take; zero means DefaultDocBytes. A post whose tree was dropped is
	// parsed again when it is next rendered.
	DocBytes int64

	// Previous is the blog this load replaces, for a reload: a post file
	// that it showed and that now cannot be read or parsed is loaded from
	// its last good text (Post.Source) instead, so that a broken edit never
	// takes a post away. The problem is still reported, marked Kept.
	Previous *Blog
}

// Blog is a loaded, immutable set of posts. It is safe for concurrent use.
type Blog struct {
	Name     string
	posts    []*Post // visible, newest first
	bySlug   map[string]int
	tags     []Tag
	hidden   int
	warnings []error
	docs     *docCache // the posts' trees, most recently used
	site     *Site
	named    bool // Name was given (--title): no language's title replaces it
}

// In is the blog's title and description for a reader's locale: those of
// the site's language it picks (Hugo's languages.ko.title and
// params.description), else the site's.
func (b *Blog) In(locale string) (title, description string) {
	title, description = b.Name, b.Site().Description
	code := b.Language(locale)
	for _, l := range b.Site().Languages {
		if l.Code != code || code == "" {
			continue
		}
		if l.Title != "" && !b.named {
			title = l.Title
		}
		if l.Description != "" {
			description = l.Description
		}
	}
	return title, description
}

// Language is the site's language a reader's locale ("zh_TW.UTF-8")
// picks, as Post.In picks translations; "" when it picks none of them, and
// the reader gets the site's default.
func (b *Blog) Language(locale string) string {
	var codes []string
	for _, l := range b.Site().Languages {
		codes = append(codes, l.Code)
	}
	return pickLang(locale, codes)
}

// Site is what the site's config said; never nil for a loaded Blog.
func (b *Blog) Site() *Site {
	if b.site == nil {
		return &Site{}
	}
	return b.site
}

// Tag is a tag (or category) and how many visible posts carry it.
type Tag struct {
	Name     string // as first written, in the oldest post that has it
	Count    int
	Category bool // some post has it under "categories" rather than "tags"
}

// Load reads the blog at the root of fsys: a Jekyll site, a Hugo site or
// a folder of posts (see the package documentation), with the site's
// config read by ReadSite unless opts.Site gives it.
//
// A file may be a symbolic link to a Markdown file inside fsys; a link
// that leads out of it, to a hidden or non-Markdown file or to a folder is
// a problem (see checkLink). Links to folders are not followed: fs.WalkDir
// does not enter them. A post whose body is longer than MaxPostBytes is
// loaded cut, and Warnings says so.
//
// Every file's head (front matter, name, date, slug) is read first, then
// every shown post's body, with the whole site known to its templates.
// Drafts, unpublished posts and posts dated after opts.Now are loaded but
// hidden unless opts says otherwise; Hidden counts them. Files are read
// and parsed in parallel (fsys must allow concurrent reads, as os.DirFS,
// embed.FS and fstest.MapFS do); the result does not depend on it.
//
// A broken file does not stop the load: it is left out and reported in
// problems, one *ParseError per file, sorted by path, each naming the file
// and, where it can, the line. What the operator should know about posts
// that did load (shared slugs, failing templates, cut posts, a broken
// config or data file, a Jekyll post misnamed) is in Blog.Warnings. err
// is non-nil only when fsys itself cannot be walked.
func Load(fsys fs.FS, opts Options) (blog *Blog, problems []error, err error) {
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	site := opts.Site
	var errs, warnings []*ParseError
	if site == nil {
		// A config that cannot be read is a warning: the blog is shown
		// with what could be read, and defaults for the rest.
		site, warnings = ReadSite(fsys)
	}
	if opts.Location == nil {
		opts.Location = site.Location
	}
	opts.Future = opts.Future || site.Future
	blog = &Blog{Name: cmpOr(opts.Name, cmpOr(site.Title, "sshblog")), site: site, named: opts.Name != "",
		bySlug: map[string]int{}, docs: newDocCache(opts.DocBytes)}

	files, walkErrs, walkWarnings, err := findPosts(fsys, site)
	if err != nil {
		return nil, nil, fmt.Errorf("reading posts: %w", err)
	}
	errs = append(errs, walkErrs...)
	warnings = append(warnings, walkWarnings...)

	if site.Kind == Hugo {
		files = inMainSections(files, site)
	}

	// First every file's head, so that each body can name any post.
	var langs []string
	for _, l := range site.Languages {
		langs = append(langs, l.Code)
	}
	results := make([]loadResult, len(files))
	lastGood := opts.Previous.byPath()
	parallel(len(files), func(i int) {
		po := parseOptions{loc: opts.Location, kind: site.Kind, contentLang: files[i].lang, contentDir: files[i].dir,
			langs: langs, emoji: site.Emoji}
		results[i] = loadFile(fsys, files[i], po)
		if old := lastGood[files[i].name]; results[i].err != nil && old != nil {
			results[i].pp = reloadLastGood(old, files[i].name, po)
			results[i].err.Kept = results[i].pp != nil
		}
	})
	var heads []*parsed
	for _, r := range results {
		if r.err != nil {
			errs = append(errs, r.err)
		}
		if r.pp != nil {
			heads = append(heads, r.pp)
		}
	}

	// Translations are one post; the one in the site's language stands for
	// them in lists.
	groups := groupTranslations(heads, site)
	var shown []*parsed // the posts of the groups shown: their bodies are read
	var reps []*parsed  // one per group shown
	for _, g := range groups {
		var vis []*parsed
		for _, pp := range g {
			if isVisible(pp, opts, now) {
				vis = append(vis, pp)
			} else {
				blog.hidden++
			}
		}
		if len(vis) == 0 {
			continue
		}
		reps = append(reps, vis[0])
		shown = append(shown, vis...)
		if len(vis) > 1 {
			ts := make([]*Post, len(vis))
			for i, pp := range vis {
				ts[i] = pp.post
			}
			for _, t := range ts {
				t.translations = ts
			}
		}
	}
	warnings = append(warnings, assignIDs(reps, opts.Root)...)
	for _, pp := range shown {
		if r := pp.post.translations; len(r) > 0 {
			pp.post.Slug = r[0].Slug
		}
		pp.post.URL = postURL(pp, site)
	}

	// Then the bodies, with the site known.
	// Only Liquid sees other posts' front matter and the site's data: most
	// blogs have none, and need not decode their headers twice.
	liquid := slices.ContainsFunc(shown, (*parsed).hasLiquid)
	refs := make([]postRef, len(shown))
	for i, pp := range shown {
		refs[i] = pp.ref(liquid)
	}
	slices.SortStableFunc(refs, func(a, b postRef) int { return b.Date.Compare(a.Date) })
	var data map[string]any
	if site.Kind == Jekyll && liquid {
		var dataErrs []*ParseError
		data, dataErrs = readData(fsys, "_data")
		warnings = append(warnings, dataErrs...) // like the config's: the posts are shown
	}
	bs := newBodySite(site, fsys, data, refs)
	parallel(len(shown), func(i int) { shown[i].parseBodySafe(bs) })
	for _, pp := range shown {
		for _, bp := range pp.problems {
			warnings = append(warnings, &ParseError{Path: pp.post.Path, Line: bp.Line, Msg: bp.Msg, Warning: true})
		}
		if w := pp.cutWarning(); w != nil {
			warnings = append(warnings, w)
		}
		if pp.undated {
			warnings = append(warnings, &ParseError{Path: pp.post.Path, Msg: "no date: Hugo shows it undated, sshblog by its file's modification time; add \"date: YYYY-MM-DD\" to the front matter"})
		}
	}

	visible := make([]*Post, len(reps))
	for i, pp := range reps {
		visible[i] = pp.post
	}
	slices.SortStableFunc(visible, func(a, b *Post) int {
		if c := b.Date.Compare(a.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.Slug, b.Slug)
	})
	blog.posts = visible
	// Keep the trees of the newest posts, which are read the most; the
	// others go to the collector now rather than after the first renders.
	docOf := make(map[*Post]*Doc, len(shown))
	for _, pp := range shown {
		docOf[pp.post] = pp.doc
		pp.doc = nil
	}
	for i := len(visible) - 1; i >= 0; i-- {
		for _, p := range visible[i].versions() {
			p.docs = blog.docs
			blog.docs.put(p, docOf[p])
		}
	}
	for i, p := range visible {
		blog.bySlug[strings.ToLower(p.Slug)] = i
	}
	// A slug that several posts share opens the newest of them.
	shared := make(map[*Post]string)
	for _, pp := range reps {
		if pp.sharedSlug != "" {
			shared[pp.post] = pp.sharedSlug
		}
	}
	for i, p := range visible {
		if s := shared[p]; s != "" {
			if _, ok := blog.bySlug[s]; !ok {
				blog.bySlug[s] = i // newest first: the first is the newest
			}
		}
	}
	blog.tags = countTags(visible)

	sortErrs := func(l []*ParseError) {
		slices.SortStableFunc(l, func(a, b *ParseError) int {
			if c := cmp.Compare(a.Path, b.Path); c != 0 {
				return c
			}
			return cmp.Compare(a.Line, b.Line)
		})
	}
	sortErrs(errs)
	for _, e := range errs {
		e.Root = opts.Root
		problems = append(problems, e)
	}
	sortErrs(warnings)
	for _, w := range warnings {
		w.Root = opts.Root
		w.Warning = true
		blog.warnings = append(blog.warnings, w)
	}
	return blog, problems, nil
}

// inMainSections keeps the pages of a Hugo site's main sections, the ones
// its home page lists: params.mainSections, else the section with the most
// pages, as Hugo decides. Pages elsewhere (about, search, archives) are not
// posts, as Jekyll's pages are not.
func inMainSections(files []postFile, site *Site) []postFile {
	sectionOf := func(f postFile) string {
		rel := strings.TrimPrefix(f.name, f.dir+"/")
		sec, _, ok := strings.Cut(rel, "/")
		if !ok {
			return "" // a page at the top of the content folder
		}
		return strings.ToLower(sec)
	}
	main := map[string]bool{}
	if params, ok := site.Params["params"].(map[string]any); ok {
		if list, ok := params["mainsections"].([]any); ok {
			for _, v := range list {
				if s, ok := v.(string); ok {
					main[strings.ToLower(s)] = true
				}
			}
		}
	}
	if len(main) == 0 {
		count := map[string]int{}
		for _, f := range files {
			if s := sectionOf(f); s != "" {
				count[s]++
			}
		}
		best := ""
		for s, n := range count {
			if n > count[best] || n == count[best] && s < best {
				best = s
			}
		}
		if best == "" {
			return files // no sections at all: every page
		}
		main[best] = true
	}
	kept := files[:0]
	for _, f := range files {
		if main[sectionOf(f)] {
			kept = append(kept, f)
		}
	}
	return kept
}

// parallel runs f(0) … f(n-1) on every processor.
func parallel(n int, f func(i int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), n) {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// postFile is a file Load reads.
type postFile struct {
	name string
	link bool   // a symbolic link, followed only if checkLink allows
	dir  string // the folder of posts it was found in (Site.postDirs)
	lang string // that folder's language, "" when shared
}

// findPosts lists the post files of the site: every Markdown file below
// its folders of posts. It skips names starting with "." (files and
// folders), and files starting with "_" (Hugo's _index.md section pages),
// "#" or "~" (editor backups). In a Jekyll site's _posts a file must be
// named YYYY-MM-DD-title, as Jekyll reads no other: any other Markdown
// file there is a warning. err is set only when the site's root cannot be
// walked.
func findPosts(fsys fs.FS, site *Site) (files []postFile, errs, warnings []*ParseError, err error) {
	langOf := map[string]string{}
	for _, l := range site.Languages {
		if l.ContentDir != "" {
			langOf[path.Clean(l.ContentDir)] = l.Code
		}
	}
	seen := map[string]bool{}
	// Drafts are read even when they are not shown: Check reports their
	// problems, and counts them as hidden.
	for _, dir := range site.postDirs(fsys, true) {
		walkErr := fs.WalkDir(fsys, dir, func(name string, d fs.DirEntry, err error) error {
			if err != nil {
				if name == dir {
					return err
				}
				errs = append(errs, &ParseError{Path: name, Msg: "cannot read: " + errText(err) + ": check its permissions"})
				return nil
			}
			if name == dir {
				return nil
			}
			base := path.Base(name)
			if strings.HasPrefix(base, ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() || !site.IsMarkdown(base) || strings.HasPrefix(base, "_") ||
				strings.HasPrefix(base, "#") || strings.HasPrefix(base, "~") || seen[name] {
				return nil
			}
			if site.Kind == Jekyll && !inDrafts(name) {
				if date, _ := splitFileDate(strings.TrimSuffix(base, path.Ext(base))); date == "" {
					warnings = append(warnings, &ParseError{Path: name, Msg: "not shown: Jekyll reads only posts named YYYY-MM-DD-title" + path.Ext(base) + " in _posts: rename it, or move it out of _posts"})
					return nil
				}
			}
			seen[name] = true
			files = append(files, postFile{name: name, link: d.Type()&fs.ModeSymlink != 0, dir: dir, lang: langOf[path.Clean(dir)]})
			return nil
		})
		if walkErr != nil {
			if dir == "." {
				return nil, nil, nil, walkErr
			}
			errs = append(errs, &ParseError{Path: dir, Msg: "cannot read the folder: " + errText(walkErr) + ": check its permissions"})
		}
	}
	return files, errs, warnings, nil
}

type loadResult struct {
	pp  *parsed
	err *ParseError // with pp set too: the file's last good version stands in
}

// byPath is every version of every post b shows, by file; nil for a nil
// Blog.
func (b *Blog) byPath() map[string]*Post {
	if b == nil {
		return nil
	}
	m := make(map[string]*Post, len(b.posts))
	for _, p := range b.posts {
		for _, v := range p.versions() {
			m[v.Path] = v
		}
	}
	return m
}

// reloadLastGood parses the text a post was last loaded from, for a file
// that cannot be read or parsed any more; nil if that fails too. An
// undated page keeps the date it had.
func reloadLastGood(old *Post, name string, po parseOptions) (pp *parsed) {
	defer func() {
		if recover() != nil {
			pp = nil // as loadFile does: a bug costs this file only
		}
	}()
	po.modTime = old.Date
	pp, err := parseHead(name, []byte(old.Source), po)
	if err != nil {
		return nil
	}
	return pp
}

// loadFile reads and parses one file. A panic while parsing (a bug) costs
// that file only.
func loadFile(fsys fs.FS, file postFile, po parseOptions) (res loadResult) {
	name := file.name
	defer func() {
		if r := recover(); r != nil {
			res = loadResult{err: &ParseError{Path: name,
				Msg: fmt.Sprintf("cannot parse this file (internal error: %v): please report it", r)}}
		}
	}()
	if file.link {
		if pe := checkLink(fsys, name); pe != nil {
			return loadResult{err: pe}
		}
	}
	data, err := readFile(fsys, file, &po)
	if err != nil {
		return loadResult{err: &ParseError{Path: name, Msg: err.Error()}}
	}
	pp, err := parseHead(name, data, po)
	if err != nil {
		pe, ok := err.(*ParseError)
		if !ok {
			pe = &ParseError{Path: name, Msg: err.Error()}
		}
		return loadResult{err: pe}
	}
	return loadResult{pp: pp}
}

// readFile reads at most readLimit bytes of a file of at most maxFileSize
// bytes, and sets what po needs to know about it: when it was last modified
// and how big it is, if the file system knows, and whether the file goes on
// after what was read. A file of 2 GB costs no more than one of readLimit.
func readFile(fsys fs.FS, file postFile, po *parseOptions) ([]byte, error) {
	f, err := fsys.Open(file.name)
	if err != nil {
		if file.link && !errors.Is(err, fs.ErrPermission) {
			// os.Root refused it: checkLink could not tell (the file
			// system reads no links) or the link changed since.
			return nil, fmt.Errorf("is a link that cannot be followed (%s): sshblog follows links only to posts inside the posts' folder; fix the link or remove it", errText(err))
		}
		return nil, fmt.Errorf("cannot read: %s: check its permissions", errText(err))
	}
	defer f.Close()
	hint := 0
	if info, err := f.Stat(); err == nil {
		switch {
		case info.IsDir():
			return nil, errors.New("is a folder: sshblog does not follow links to folders; remove the link")
		case info.Size() > maxFileSize:
			return nil, fmt.Errorf("file is %d MB: a post may be at most %d MB; is it really a post?", info.Size()>>20, maxFileSize>>20)
		}
		po.size, po.modTime = info.Size(), info.ModTime()
		hint = int(min(max(info.Size(), 0), readLimit))
	}
	// One byte more than readLimit tells a file of exactly readLimit bytes
	// from a longer one, whatever Stat said.
	r := io.LimitReader(f, readLimit+1)
	data := make([]byte, 0, hint+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := r.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("cannot read: %s", errText(err))
		}
	}
	if len(data) > readLimit {
		data, po.truncated = data[:readLimit], true
	}
	return data, nil
}

// errText is an fs error without the path it repeats.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

func isVisible(pp *parsed, opts Options, now time.Time) bool {
	switch {
	case pp.draft && !opts.Drafts:
		return false
	case !opts.Future && pp.publish.After(now):
		return false
	case !pp.expiry.IsZero() && !pp.expiry.After(now):
		return false
	}
	return true
}

// isMarkdown tells a Markdown file by Jekyll's default extensions.
func isMarkdown(name string) bool { return (&Site{}).IsMarkdown(name) }

// countTags counts the tags of the visible posts (newest first), naming
// each as the oldest post wrote it.
func countTags(posts []*Post) []Tag {
	index := map[string]int{}
	var tags []Tag
	for i := len(posts) - 1; i >= 0; i-- {
		p := posts[i]
		isCategory := p.IsCategory
		if len(p.Categories) > 16 { // many: look them up in a set
			set := make(map[string]bool, len(p.Categories))
			for _, c := range p.Categories {
				set[strings.ToLower(c)] = true
			}
			isCategory = func(t string) bool { return set[strings.ToLower(t)] }
		}
		for _, t := range p.Tags {
			key := strings.ToLower(t)
			k, ok := index[key]
			if !ok {
				k = len(tags)
				index[key] = k
				tags = append(tags, Tag{Name: t})
			}
			tags[k].Count++
			if len(p.Categories) > 0 && isCategory(t) {
				tags[k].Category = true
			}
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

// PostTitle is the title of the post slug names, and whether the blog has
// it: what a link to a post shows when it has no text of its own.
func (b *Blog) PostTitle(slug string) (string, bool) {
	if p, ok := b.Post(slug); ok {
		return p.Title, true
	}
	return "", false
}

// Changes counts the post files (translations too) that b adds, changes
// and removes from old, for a reload's log line.
func (b *Blog) Changes(old *Blog) (added, changed, removed int) {
	before, after := old.byPath(), b.byPath()
	for path, p := range after {
		if was, ok := before[path]; !ok {
			added++
		} else if was.Source != p.Source {
			changed++
		}
	}
	for path := range before {
		if _, ok := after[path]; !ok {
			removed++
		}
	}
	return added, changed, removed
}

// Len is the number of visible posts.
func (b *Blog) Len() int { return len(b.posts) }

// Hidden is the number of posts left out as drafts, unpublished or future.
func (b *Blog) Hidden() int { return b.hidden }

// Warnings are what an operator should know about a blog that did load,
// *ParseErrors with Warning set, sorted by path and line: posts shown cut
// (longer than MaxPostBytes), posts sharing a slug, templates that failed,
// Jekyll posts not named as Jekyll requires, a config or data file that
// could not be read. Check prints them; they are not problems, and the
// blog is served.
func (b *Blog) Warnings() []error { return b.warnings }

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
