package content

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// assignIDs makes the slugs of the posts shown unique. A slug only one post
// has stays as it is. Posts sharing one (Jekyll puts the date in the URL,
// so 2017-03-08-word2vec.md and 2017-03-30-word2vec.md are two posts) each
// get the form Jekyll's URL uses, "2017-03-30-word2vec", and the plain
// slug opens the newest (Load). Each such post gets a warning naming the
// others, so that check tells the operator.
func assignIDs(posts []*parsed, root string) []*ParseError {
	bySlug := map[string][]*parsed{}
	for _, pp := range posts {
		k := strings.ToLower(pp.post.Slug)
		bySlug[k] = append(bySlug[k], pp)
	}
	taken := make(map[string]bool, len(posts))
	for k, g := range bySlug {
		if len(g) == 1 {
			taken[k] = true
		}
	}
	var warnings []*ParseError
	keys := make([]string, 0, len(bySlug))
	for k, g := range bySlug {
		if len(g) > 1 {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		g := bySlug[k]
		// Oldest first, then by path, so that ids do not depend on the
		// order files were read in, and a newer post never renames an
		// older one's "-2".
		slices.SortStableFunc(g, func(a, b *parsed) int {
			if c := a.post.Date.Compare(b.post.Date); c != 0 {
				return c
			}
			return cmp.Compare(a.post.Path, b.post.Path)
		})
		for _, pp := range g {
			id := pp.post.Date.Format("2006-01-02") + "-" + pp.post.Slug
			for n := 2; taken[strings.ToLower(id)]; n++ {
				id = fmt.Sprintf("%s-%s-%d", pp.post.Date.Format("2006-01-02"), pp.post.Slug, n)
			}
			taken[strings.ToLower(id)] = true
			pp.sharedSlug = k
			pp.post.Slug = id
		}
		for _, pp := range g {
			var others []string
			for _, o := range g {
				if o != pp {
					others = append(others, fmt.Sprintf("%s (%s)", joinRoot(root, o.post.Path), o.post.Slug))
				}
			}
			warnings = append(warnings, &ParseError{Path: pp.post.Path, Line: pp.slugLine, Warning: true, Msg: fmt.Sprintf(
				"slug %q is also used by %s: this post is %q, and %q opens the newest; set \"slug:\" to give it a name of its own",
				k, strings.Join(others, ", "), pp.post.Slug, k)})
		}
	}
	return warnings
}

// groupTranslations puts the translations of each post together: the
// files whose key (Hugo: their path without the language, or their
// translationKey) is the same. A group's first post is the one in the
// site's default language, else the first by the site's language order;
// the others follow in that order. Posts with no language are groups of
// one. Groups keep the order of heads.
func groupTranslations(heads []*parsed, site *Site) [][]*parsed {
	if len(site.Languages) < 2 {
		gs := make([][]*parsed, len(heads))
		for i, pp := range heads {
			gs[i] = []*parsed{pp}
		}
		return gs
	}
	rank := func(lang string) int {
		if lang == "" || lang == site.DefaultLanguage {
			return -1
		}
		for i, l := range site.Languages {
			if l.Code == lang {
				return i
			}
		}
		return len(site.Languages)
	}
	index := map[string]int{}
	var gs [][]*parsed
	for _, pp := range heads {
		i, ok := index[pp.key]
		if !ok {
			index[pp.key] = len(gs)
			gs = append(gs, []*parsed{pp})
			continue
		}
		gs[i] = append(gs[i], pp)
	}
	for _, g := range gs {
		slices.SortStableFunc(g, func(a, b *parsed) int { return cmp.Compare(rank(a.post.Lang), rank(b.post.Lang)) })
		for _, pp := range g {
			if pp.post.Lang == "" {
				pp.post.Lang = site.DefaultLanguage
			}
		}
	}
	return gs
}
