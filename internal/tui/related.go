package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
)

// maxRelated is how many related posts the end of a post offers.
const maxRelated = 3

// relatedPosts are up to n other posts of the blog that share the most
// tags with p; among those sharing as many, the newest come first.
func relatedPosts(blog *content.Blog, p *content.Post, n int) []*content.Post {
	if p == nil || len(p.Tags) == 0 {
		return nil
	}
	var tags []string // without repeats: a tag can also be a category
	for _, t := range p.Tags {
		if !slices.ContainsFunc(tags, func(u string) bool { return strings.EqualFold(t, u) }) {
			tags = append(tags, t)
		}
	}
	type scored struct {
		post  *content.Post
		score int
	}
	var found []scored
	for _, q := range blog.Posts() { // newest first
		if q == p || strings.EqualFold(q.Slug, p.Slug) {
			continue
		}
		score := 0
		for _, t := range tags {
			if q.HasTag(t) {
				score++
			}
		}
		if score > 0 {
			found = append(found, scored{q, score})
		}
	}
	// Stable: equal scores keep the blog's order, newest first.
	slices.SortStableFunc(found, func(a, b scored) int { return cmp.Compare(b.score, a.score) })
	out := make([]*content.Post, 0, min(n, len(found)))
	for _, s := range found[:min(n, len(found))] {
		out = append(out, s.post)
	}
	return out
}

// relatedLines draws the related posts as they follow the post's text: a
// titled rule, one numbered line per post (the chosen one marked), and how
// to open them.
func (r *reader) relatedLines() []string {
	if len(r.related) == 0 {
		return nil
	}
	st := r.st
	col := r.columnWidth()
	g := min(2, gutter(col)) // glamour's margin, so the section lines up with the text
	inner := max(0, col-2*g)

	title := r.t.RelatedTitle
	head := st.name.Render(truncate(title, inner))
	if rest := inner - ansi.StringWidth(title) - 1; rest > 0 {
		head += " " + st.faint.Render(strings.Repeat("─", rest))
	}
	lines := []string{"", indent(head, g)}
	for i, p := range r.related {
		prefix := "  "
		titleStyle := st.rowTitle
		if i == r.relSel {
			prefix = st.bar.Render("┃") + " "
			titleStyle = st.rowTitleSel
		}
		lead := prefix + st.muted.Render(strconv.Itoa(i+1)) + "  "
		room := max(0, inner-ansi.StringWidth(lead))
		date := " · " + r.dates.format(p.Date)
		t := p.In(r.lang).Title
		if ansi.StringWidth(t)+ansi.StringWidth(date) > room {
			if room-ansi.StringWidth(date) >= 12 {
				t = truncate(t, room-ansi.StringWidth(date))
			} else {
				t, date = truncate(t, room), ""
			}
		}
		lines = append(lines, indent(lead+titleStyle.Render(t)+st.muted.Render(date), g))
	}
	hint := fmt.Sprintf(r.t.RelatedHint, pickRange(len(r.related)))
	lines = append(lines, indent(st.muted.Render(truncate(hint, inner)), g))
	return lines
}
