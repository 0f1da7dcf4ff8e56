package tui

import (
	"fmt"
	"io"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
)

// tagItem is a tag as a row of the tag list.
type tagItem struct{ tag content.Tag }

func (i tagItem) FilterValue() string { return i.tag.Name }

// tagDelegate draws a tag on one line: its name and how many posts carry it.
type tagDelegate struct {
	st *styles
	t  *locale.Messages
}

func (d tagDelegate) Height() int                         { return 1 }
func (d tagDelegate) Spacing() int                        { return 0 }
func (d tagDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }

func (d tagDelegate) Render(w io.Writer, m list.Model, index int, item list.Item) {
	it, ok := item.(tagItem)
	if !ok || m.Width() <= 0 {
		return
	}
	st := d.st
	filtering := m.FilterState() == list.Filtering
	selected := index == m.Index() && !filtering

	nameStyle := st.rowTitle
	prefix := "  "
	if selected {
		nameStyle = st.rowTitleSel
		prefix = st.bar.Render("┃") + " "
	}
	if filtering && m.FilterValue() == "" {
		nameStyle = st.dim
	}
	var matches []int
	if m.FilterState() != list.Unfiltered {
		matches = m.MatchesForItem(index)
	}
	// Counts line up in a column after the longest name that fits.
	width := max(0, m.Width()-2)
	count := d.t.Posts.N(it.tag.Count)
	nameW := 0
	for _, other := range m.Items() {
		if o, ok := other.(tagItem); ok {
			nameW = max(nameW, lipgloss.Width(o.tag.Name))
		}
	}
	nameW = min(nameW, max(1, width-lipgloss.Width(count)-2))
	name := truncate(it.tag.Name, nameW)
	gap := strings.Repeat(" ", max(0, nameW-lipgloss.Width(name))+2)
	line := highlight(name, matches, 0, nameStyle, st.match) + gap + st.muted.Render(count)
	_, _ = io.WriteString(w, truncate(prefix+line, m.Width()))
}

// tagList is the tags screen: every tag of the blog, or the tags of the post
// being read. Choosing one shows that tag's posts.
type tagList struct {
	keys tagsKeyMap
	list list.Model
	st   *styles
	t    *locale.Messages
	lang string        // the reader's locale, for the title of the post whose tags these are
	post *content.Post // whose tags are listed; nil for all the blog's tags
	from page          // where esc goes back to
	flt  listFilter

	width, height int
}

func newTagList(st *styles, t *locale.Messages, lang string) tagList {
	l := list.New(nil, tagDelegate{st: st, t: t}, 0, 0)
	l.SetShowTitle(false)
	l.SetShowFilter(false)
	l.SetShowStatusBar(false)
	l.SetShowHelp(false)
	l.SetStatusBarItemName("tag", "tags")
	l.KeyMap = bubblesListKeyMap(t)
	l.DisableQuitKeybindings()
	l.FilterInput.Prompt = "/ "
	tl := tagList{keys: newTagsKeyMap(t), list: l, st: st, t: t, lang: lang}
	tl.flt.setup(&tl.list, filterTags)
	tl.applyStyles()
	return tl
}

func (t *tagList) applyStyles() { applyListStyles(&t.list, t.st) }

// show fills the list with items (tagItems), selecting current when it is
// there; texts are their filter texts when shared, else nil.
func (t *tagList) show(items []list.Item, texts *filterTexts, post *content.Post, from page, current string) tea.Cmd {
	t.post, t.from = post, from
	t.list.ResetFilter()
	sel := 0
	if current != "" {
		for i, it := range items {
			if strings.EqualFold(it.(tagItem).tag.Name, current) {
				sel = i
				break
			}
		}
	}
	choosePaginator(&t.list, len(items), 1, t.list.Width(), t.list.Height())
	cmd := t.list.SetItems(items)
	t.flt.reset()
	t.flt.texts = texts
	t.list.Select(sel)
	t.updateKeys()
	return cmd
}

// tagItems are tags as the tag list's rows.
func tagItems(tags []content.Tag) []list.Item {
	items := make([]list.Item, len(tags))
	for i, tag := range tags {
		items[i] = tagItem{tag: tag}
	}
	return items
}

func (t *tagList) setSize(width, height int) {
	t.width, t.height = width, height
	sizeList(&t.list, 1, width, height)
}

func (t *tagList) typing() bool { return t.list.SettingFilter() }

func (t *tagList) selected() (content.Tag, bool) {
	it, ok := t.list.SelectedItem().(tagItem)
	return it.tag, ok
}

func (t *tagList) updateKeys() {
	_, ok := t.selected()
	t.keys.Choose.SetEnabled(!t.typing() && ok)
	t.keys.Back.SetEnabled(!t.typing())
}

func (t *tagList) update(msg tea.Msg) tea.Cmd {
	cmd := updateList(&t.list, &t.flt, msg)
	t.updateKeys()
	return cmd
}

func (t *tagList) view(blogName string) string {
	st := t.st
	g := gutter(t.width)
	inner := max(0, t.width-2*g)

	tr := t.t
	what := tr.TagsScreen + " · " + tr.Tags.N(len(t.list.Items()))
	if t.list.FilterState() != list.Unfiltered && t.list.FilterValue() != "" {
		what = tr.TagsScreen + " · " + fmt.Sprintf(tr.CountOf, matchCount(len(t.list.VisibleItems()), t.flt.stale(&t.list)), tr.Tags.N(len(t.list.Items())))
	}
	if t.post != nil {
		what = fmt.Sprintf(tr.TagsOf, t.post.In(t.lang).Title)
	}
	header := st.name.Render(blogName) + st.muted.Render(" · "+what)
	sub := filterLine(&t.list, st)
	body := listBody(&t.list, st, t.flt.stale(&t.list), tr.Filtering, tr.NoTags, tr.NoTagMatches)
	return fit(indent(truncate(header, inner), g)+"\n"+
		indent(truncate(sub, inner), g)+"\n"+
		indent(body, g), t.width, t.height)
}

func (t *tagList) ShortHelp() []key.Binding {
	k := t.list.KeyMap
	return []key.Binding{
		t.keys.Choose, k.Filter, k.ClearFilter, k.AcceptWhileFiltering, k.CancelWhileFiltering,
		t.keys.Back, k.CursorUp, k.CursorDown,
	}
}

func (t *tagList) FullHelp() [][]key.Binding {
	k := t.list.KeyMap
	return [][]key.Binding{
		{k.CursorUp, k.CursorDown, k.NextPage, k.PrevPage, k.GoToStart, k.GoToEnd},
		{t.keys.Choose, k.Filter, k.ClearFilter, k.AcceptWhileFiltering, k.CancelWhileFiltering},
		{t.keys.Back},
	}
}
