package tui

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/paginator"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
)

// dateLayout is how dates are shown everywhere.
const dateLayout = "2006-01-02"

// postItem is a post as a row of the list. The filter text is built once:
// title, tags and description, one per line (wordFilter matches the first
// line, the title, more loosely), so that "/" finds a post by any of them.
type postItem struct {
	post   *content.Post // the post, as the blog lists it
	doc    *content.Post // what the row shows: its translation in the reader's language
	filter string
	// Rune offset of the description inside filter (the title is at 0), to
	// underline the characters the filter matched.
	descStart int
}

func newPostItem(p *content.Post, lang string) postItem {
	doc := p.In(lang)
	tags := strings.Join(doc.Tags, " ")
	return postItem{
		post:      p,
		doc:       doc,
		filter:    doc.Title + "\n" + tags + "\n" + doc.Description,
		descStart: utf8.RuneCountInString(doc.Title + "\n" + tags + "\n"),
	}
}

func (i postItem) FilterValue() string { return i.filter }

// postDelegate draws a post as three lines: title, date and tags, and the
// description. It reads the shared styles through a pointer so that a
// colour switch (light background, NO_COLOR) reaches it.
type postDelegate struct {
	st    *styles
	dates *dates
}

// postRowLines is a post's row with the blank line after it.
const postRowLines = 4

func (d postDelegate) Height() int                         { return 3 }
func (d postDelegate) Spacing() int                        { return 1 }
func (d postDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }

func (d postDelegate) Render(w io.Writer, m list.Model, index int, item list.Item) {
	it, ok := item.(postItem)
	if !ok || m.Width() <= 0 {
		return
	}
	st := d.st
	p := it.doc
	width := m.Width()
	textWidth := max(0, width-2) // the bar or two spaces come first

	filtering := m.FilterState() == list.Filtering
	selected := index == m.Index() && !filtering
	dimmed := filtering && m.FilterValue() == ""

	var matches []int
	if m.FilterState() != list.Unfiltered {
		matches = m.MatchesForItem(index) // rune offsets: see wordFilter
	}

	titleStyle, metaStyle, descStyle := st.rowTitle, st.rowMeta, st.rowDesc
	if selected {
		titleStyle = st.rowTitleSel
	}
	if dimmed {
		titleStyle, metaStyle, descStyle = st.dim, st.dim, st.dim
	}

	title := highlight(truncate(p.Title, textWidth), matches, 0, titleStyle, st.match)
	meta := d.dates.format(p.Date)
	if len(p.Tags) > 0 {
		meta += " · #" + strings.Join(p.Tags, " #")
	}
	meta = metaStyle.Render(truncate(meta, textWidth))
	desc := highlight(truncate(p.Description, textWidth), matches, it.descStart, descStyle, st.match)

	prefix := "  "
	if selected {
		prefix = st.bar.Render("┃") + " "
	}
	if width < 2 {
		prefix = ""
	}
	_, _ = io.WriteString(w, prefix+title+"\n"+prefix+meta+"\n"+prefix+desc)
}

// highlight styles text (a plain, already truncated string that starts at
// rune offset start of the filter text) with base, and the matched runes
// with base plus match.
func highlight(text string, matches []int, start int, base, match lipgloss.Style) string {
	n := utf8.RuneCountInString(text)
	var local []int
	for _, m := range matches {
		if m >= start && m < start+n {
			local = append(local, m-start)
		}
	}
	if len(local) == 0 {
		return base.Render(text)
	}
	return lipgloss.StyleRunes(text, local, base.Inherit(match), base)
}

// postList is the home screen: the posts, newest first, optionally only
// those with one tag, filtered as the reader types.
type postList struct {
	keys  listKeyMap
	list  list.Model
	st    *styles
	t     *locale.Messages
	lang  string // the reader's locale: rows show posts in its translation
	blog  *content.Blog
	lists *Lists // the blog's rows, shared with every session
	tag   string // "" means every post
	desc  string // the site's description, under the header when nothing else is
	flt   listFilter

	width, height int
}

func newPostList(lists *Lists, st *styles, d *dates, t *locale.Messages, lang string) postList {
	l := list.New(nil, postDelegate{st: st, dates: d}, 0, 0)
	l.SetShowTitle(false)
	l.SetShowFilter(false) // drawn by postList, under its header
	l.SetShowStatusBar(false)
	l.SetShowHelp(false)
	l.SetStatusBarItemName("post", "posts")
	l.KeyMap = bubblesListKeyMap(t)
	l.DisableQuitKeybindings()
	l.FilterInput.Prompt = "/ "
	pl := postList{keys: newListKeyMap(t), list: l, st: st, t: t, lang: lang, blog: lists.Blog(), lists: lists}
	pl.flt.setup(&pl.list, filterPosts)
	pl.applyStyles()
	pl.setTag("", nil)
	return pl
}

// applyStyles copies the shared styles into the bubbles list, which keeps
// its own copies.
func (l *postList) applyStyles() {
	applyListStyles(&l.list, l.st)
}

func applyListStyles(m *list.Model, st *styles) {
	ls := list.DefaultStyles(!st.noColor)
	ls.NoItems = st.muted
	ls.PaginationStyle = lipgloss.NewStyle()
	ls.ArabicPagination = st.muted
	// Different dots, not only different colours: without colour the page
	// shown must still stand out.
	ls.ActivePaginationDot = st.muted.SetString("•")
	ls.InactivePaginationDot = st.faint.SetString("·")
	m.Styles = ls
	m.Paginator.ActiveDot = ls.ActivePaginationDot.String()
	m.Paginator.InactiveDot = ls.InactivePaginationDot.String()
	m.FilterInput.SetStyles(st.filterInputStyles())
}

// setTag shows only the posts with tag ("" for all of them), clearing any
// typed filter, and selects keep if it is among them.
func (l *postList) setTag(tag string, keep *content.Post) tea.Cmd {
	l.tag = tag
	l.list.ResetFilter()
	items, texts := l.lists.items(l.lang, tag)
	choosePaginator(&l.list, len(items), postRowLines, l.list.Width(), l.list.Height())
	cmd := l.list.SetItems(items)
	l.flt.reset()
	l.flt.texts = texts
	l.list.ResetSelected()
	l.selectPost(keep)
	return cmd
}

func (l *postList) setSize(width, height int) {
	l.width, l.height = width, height
	sizeList(&l.list, postRowLines, width, height)
}

// sizeList fits a list screen's list and filter input to the window: two
// lines go to the header and the filter line.
func sizeList(l *list.Model, rowLines, width, height int) {
	g := gutter(width)
	choosePaginator(l, len(l.Items()), rowLines, max(0, width-g), max(0, height-2))
	l.SetSize(max(0, width-g), max(0, height-2))
	prompt := lipgloss.Width(l.FilterInput.Prompt)
	l.FilterInput.SetWidth(max(1, width-2*g-prompt-1))
}

// typing reports whether the reader is typing a filter: every key then
// belongs to the filter input.
func (l *postList) typing() bool { return l.list.SettingFilter() }

// visible is the posts as the list shows them, in order.
func (l *postList) visible() []*content.Post {
	items := l.list.VisibleItems()
	out := make([]*content.Post, 0, len(items))
	for _, it := range items {
		if pi, ok := it.(postItem); ok {
			out = append(out, pi.post)
		}
	}
	return out
}

func (l *postList) selected() *content.Post {
	if it, ok := l.list.SelectedItem().(postItem); ok {
		return it.post
	}
	return nil
}

// selectPost moves the selection to p if the list shows it.
func (l *postList) selectPost(p *content.Post) bool {
	if p == nil {
		return false
	}
	for i, q := range l.visible() {
		if samePost(q, p) {
			l.list.Select(i)
			return true
		}
	}
	return false
}

// updateKeys enables the app's bindings that make sense in the list's
// current state, so that the help shows only what works.
func (l *postList) updateKeys() {
	typing := l.typing()
	l.keys.Open.SetEnabled(!typing && l.selected() != nil)
	l.keys.Tags.SetEnabled(!typing && len(l.blog.Tags()) > 0)
	l.keys.AllPosts.SetEnabled(!typing && l.tag != "" && l.list.FilterState() == list.Unfiltered)
	l.keys.Quit.SetEnabled(!typing)
}

func (l *postList) update(msg tea.Msg) tea.Cmd {
	cmd := updateList(&l.list, &l.flt, msg)
	l.updateKeys()
	return cmd
}

// updateList gives a list a message and keeps its matches those of the
// query typed (see listFilter).
func updateList(l *list.Model, f *listFilter, msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case list.FilterMatchesMsg:
		return nil // bubbles' own result: f gives the matches
	case filteredMsg:
		f.result(l, msg)
		return nil
	case tea.KeyPressMsg:
		if l.SettingFilter() && key.Matches(msg, l.KeyMap.AcceptWhileFiltering) {
			f.now(l) // enter accepts the matches of the query typed
		}
	}
	var cmd tea.Cmd
	*l, cmd = l.Update(msg)
	return tea.Batch(cmd, f.sync(l))
}

// counts is the header's "7 posts", "3 of 7 posts" or "tag: Go · 2 posts".
func (l *postList) counts() string {
	total := len(l.list.Items())
	shown := len(l.list.VisibleItems())
	s := l.t.Posts.N(total)
	if l.list.FilterState() != list.Unfiltered && l.list.FilterValue() != "" {
		s = fmt.Sprintf(l.t.CountOf, matchCount(shown, l.flt.stale(&l.list)), s)
	}
	if l.tag != "" {
		s = fmt.Sprintf(l.t.TagPrefix, l.tag) + " · " + s
	}
	return s
}

// matchCount is the "3" of "3 of 7 posts", or "…" while a huge list is
// still being filtered.
func matchCount(n int, stale bool) string {
	if stale {
		return "…"
	}
	return strconv.Itoa(n)
}

// view draws the list screen without the help bar, width x height.
func (l *postList) view(blogName, notice string) string {
	st := l.st
	g := gutter(l.width)
	inner := max(0, l.width-2*g)

	header := st.name.Render(blogName) + st.muted.Render(" · "+l.counts())
	// A notice is shown once, over the filter applied (not the one typed).
	sub := filterLine(&l.list, st)
	if notice != "" && !l.list.SettingFilter() {
		sub = st.notice.Render(notice)
	}
	if sub == "" && l.desc != "" {
		sub = st.muted.Render(l.desc)
	}
	body := listBody(&l.list, st, l.flt.stale(&l.list), l.t.Filtering, l.t.NoPosts, l.t.NoPostMatches)
	return fit(indent(truncate(header, inner), g)+"\n"+
		indent(truncate(sub, inner), g)+"\n"+
		indent(body, g), l.width, l.height)
}

// filterLine is the line under a list screen's header: the filter being
// typed, or the one applied; empty otherwise.
func filterLine(l *list.Model, st *styles) string {
	switch {
	case l.SettingFilter():
		return l.FilterInput.View()
	case l.FilterState() == list.FilterApplied:
		return st.filterPrompt.Render("/ ") + st.muted.Render(l.FilterValue())
	}
	return ""
}

// listBody is the list, or a line saying why there is nothing to show:
// stale is a huge list whose matches for the query typed are still being
// worked out, and shows none rather than those of another query.
func listBody(l *list.Model, st *styles, stale bool, filtering, empty, noMatch string) string {
	switch {
	case len(l.Items()) == 0:
		return st.muted.Render(empty)
	case stale:
		return st.muted.Render(filtering)
	case len(l.VisibleItems()) == 0 && l.FilterValue() != "":
		return st.muted.Render(fmt.Sprintf(noMatch, l.FilterValue()))
	}
	return l.View()
}

// ShortHelp and FullHelp make postList a help.KeyMap: the help bar is built
// from the bindings that are enabled right now.
func (l *postList) ShortHelp() []key.Binding {
	k := l.list.KeyMap
	return []key.Binding{
		l.keys.Open, k.Filter, k.ClearFilter, k.AcceptWhileFiltering, k.CancelWhileFiltering,
		l.keys.Tags, l.keys.AllPosts, l.keys.Quit, k.CursorUp, k.CursorDown,
	}
}

func (l *postList) FullHelp() [][]key.Binding {
	k := l.list.KeyMap
	return [][]key.Binding{
		{k.CursorUp, k.CursorDown, k.NextPage, k.PrevPage, k.GoToStart, k.GoToEnd},
		{l.keys.Open, k.Filter, k.ClearFilter, k.AcceptWhileFiltering, k.CancelWhileFiltering},
		{l.keys.Tags, l.keys.AllPosts, l.keys.Quit},
	}
}

// choosePaginator shows a list of n items in a window width x height with
// page dots while they can fit, and as "3/250" otherwise. Bubbles decides
// that itself, but only after building the dots of every page, by string
// concatenation, on every resize and item change: quadratic in the pages,
// 117 KB of garbage per post of a 10,000-post blog (docs/upstream.md). The
// dots fit only if there are no more pages than columns, and a page holds
// at least one row of rowLines lines (with its spacing), so more items
// than that are shown as numbers from the start.
func choosePaginator(l *list.Model, n, rowLines, width, height int) {
	perPage := max(1, (height-1)/rowLines) // the pagination line takes one
	if (n+perPage-1)/perPage > width {
		l.Paginator.Type = paginator.Arabic
	} else {
		l.Paginator.Type = paginator.Dots
	}
}
