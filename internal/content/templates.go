package content

import (
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"
	"time"
)

// bodySite is the site as the templates in a post's body see it: Liquid's
// site.* and the posts that post_url, link, ref and relref can name. Built
// once per Load, after every post's head is read; safe for concurrent use.
type bodySite struct {
	in     liquidInput
	once   sync.Once
	liquid *liquidSite // made on first use: most blogs have no Liquid at all

	byPath map[string]*postRef // path in the fs.FS, and path without extension
	byName map[string]*postRef // Jekyll's post_url names: "2010-07-21-name", Hugo's "name"
}

func newBodySite(site *Site, fsys fs.FS, data map[string]any, refs []postRef) *bodySite {
	s := &bodySite{in: liquidInput{Site: site, FS: fsys, Data: data, Posts: refs},
		byPath: map[string]*postRef{}, byName: map[string]*postRef{}}
	for i := range refs {
		r := &refs[i]
		noExt := strings.TrimSuffix(r.Path, path.Ext(r.Path))
		for _, k := range []string{r.Path, noExt} {
			if _, dup := s.byPath[k]; !dup {
				s.byPath[k] = r
			}
		}
		base := path.Base(noExt)
		if base == "index" || base == "_index" {
			base = path.Base(path.Dir(noExt))
		}
		if _, dup := s.byName[base]; !dup {
			s.byName[base] = r
		}
	}
	return s
}

// liquidSite is the Liquid engine for the site; a nil bodySite gives one
// that knows no other post.
func (s *bodySite) liquidSite() *liquidSite {
	if s == nil {
		return newLiquidSite(liquidInput{Site: &Site{}})
	}
	s.once.Do(func() { s.liquid = newLiquidSite(s.in) })
	return s.liquid
}

// ref resolves a Hugo ref/relref target: "posts/my-post.md",
// "/posts/my-post", "my-post", with or without "#anchor" (dropped: the
// reader opens the post at its start).
func (s *bodySite) ref(target string) (string, bool) {
	target, _, _ = strings.Cut(target, "#")
	target = strings.Trim(target, "/")
	if target == "" {
		return "", false
	}
	for _, k := range []string{target, "content/" + target, strings.TrimSuffix(target, path.Ext(target))} {
		if r, ok := s.byPath[k]; ok {
			return r.Slug, true
		}
		if r, ok := s.byPath["content/"+k]; ok {
			return r.Slug, true
		}
	}
	if r, ok := s.byName[path.Base(strings.TrimSuffix(target, path.Ext(target)))]; ok {
		return r.Slug, true
	}
	return "", false
}

// pageVars are page.* for the post's Liquid: its front matter, keys as
// written, and what Jekyll adds.
func (pp *parsed) pageVars() map[string]any {
	if pp.page != nil {
		return pp.page
	}
	p := pp.post
	page := rawFrontMatter(pp.fmLang, pp.header)
	if page == nil {
		page = map[string]any{}
	}
	page["title"] = p.Title
	page["date"] = p.Date
	page["url"] = p.URL
	page["slug"] = pp.stem
	page["id"] = strings.TrimSuffix(p.URL, ".html")
	page["path"] = p.Path
	page["tags"] = p.Tags
	page["categories"] = p.Categories
	if p.Lang != "" {
		page["lang"] = p.Lang
	}
	pp.page = page
	return page
}

// param answers Hugo's {{< param NAME >}}: the page's front matter, then
// the site's params, as Hugo looks it up (keys compared in any case).
func (pp *parsed) param(site *bodySite) func(string) (string, bool) {
	return func(name string) (string, bool) {
		lookup := func(m map[string]any) (string, bool) {
			for k, v := range m {
				if strings.EqualFold(k, name) {
					switch v.(type) {
					case map[string]any, []any:
						return "", false
					}
					return fmt.Sprint(v), true
				}
			}
			return "", false
		}
		if v, ok := lookup(pp.pageVars()); ok {
			return v, true
		}
		if site != nil && site.in.Site != nil {
			if params, ok := site.in.Site.Params["params"].(map[string]any); ok {
				return lookup(params)
			}
		}
		return "", false
	}
}

// ref is what other posts' templates may learn about this one.
// Page, its front matter, is there only with page: it is decoded again for
// it, and only Liquid's site.posts reads it.
func (pp *parsed) ref(page bool) postRef {
	p := pp.post
	r := postRef{Path: p.Path, Slug: p.Slug, Title: p.Title, URL: p.URL, Date: p.Date,
		Tags: p.Tags, Categories: p.Categories, Lang: p.Lang}
	if page {
		r.Page = pp.pageVars()
	}
	return r
}

// hasLiquid reports whether the post's body is run through Liquid.
func (pp *parsed) hasLiquid() bool {
	return !pp.hugo && (strings.Contains(pp.body, "{{") || strings.Contains(pp.body, "{%"))
}

// postURL is the post's URL path on the real site, unless its front matter
// set one: Jekyll's permalink style (Site.Permalink: "date" by default),
// or Hugo's /section/slug/ under the language's prefix.
func postURL(pp *parsed, site *Site) string {
	p := pp.post
	if p.URL != "" {
		return p.URL
	}
	switch site.Kind {
	case Hugo:
		dir := path.Dir(strings.TrimPrefix(pp.key, "key:"))
		for _, l := range site.Languages {
			if l.ContentDir != "" && (dir == l.ContentDir || strings.HasPrefix(dir, l.ContentDir+"/")) {
				dir = strings.TrimPrefix(strings.TrimPrefix(dir, l.ContentDir), "/")
			}
		}
		dir = strings.TrimPrefix(strings.TrimPrefix(dir, "content"), "/")
		if strings.EqualFold(path.Base(p.Path), "index.md") || strings.HasPrefix(path.Base(p.Path), "index.") {
			dir = path.Dir(dir)
		}
		u := "/"
		if p.Lang != "" && site.DefaultLanguage != "" && p.Lang != site.DefaultLanguage {
			u += p.Lang + "/"
		}
		if dir != "." && dir != "" {
			u += dir + "/"
		}
		return u + p.Slug + "/"
	}
	return jekyllURL(site.Permalink, pp)
}

// jekyllURL fills a Jekyll permalink pattern, or one of its styles.
func jekyllURL(pattern string, pp *parsed) string {
	switch pattern {
	case "", "date":
		pattern = "/:categories/:year/:month/:day/:title:output_ext"
	case "pretty":
		pattern = "/:categories/:year/:month/:day/:title/"
	case "ordinal":
		pattern = "/:categories/:year/:y_day/:title:output_ext"
	case "weekdate":
		pattern = "/:categories/:year/W:week/:short_day/:title:output_ext"
	case "none":
		pattern = "/:categories/:title:output_ext"
	}
	p := pp.post
	d := p.Date
	cats := make([]string, 0, len(p.Categories))
	for _, c := range p.Categories {
		cats = append(cats, slugify(c))
	}
	title := slugify(pp.stem)
	r := strings.NewReplacer(
		":categories", strings.Join(cats, "/"),
		":year", d.Format("2006"), ":short_year", d.Format("06"),
		":i_month", d.Format("1"), ":month", d.Format("01"), ":short_month", d.Format("Jan"), ":long_month", d.Format("January"),
		":i_day", d.Format("2"), ":day", d.Format("02"), ":y_day", d.Format("002"),
		":short_day", d.Format("Mon"), ":long_day", d.Format("Monday"), ":week", weekOf(d),
		":hour", d.Format("15"), ":minute", d.Format("04"), ":second", d.Format("05"),
		":title", title, ":slug", title, ":name", title, ":output_ext", ".html",
	)
	u := r.Replace(pattern)
	for strings.Contains(u, "//") {
		u = strings.ReplaceAll(u, "//", "/")
	}
	return u
}

func weekOf(t time.Time) string {
	_, w := t.ISOWeek()
	return fmt.Sprintf("%02d", w)
}
