// Package tui is the blog's terminal interface: a Bubble Tea program that
// lists the posts, reads them, and browses them by tag, inside an SSH
// session.
package tui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
	"github.com/sshblog/sshblog/internal/render"
	"github.com/sshblog/sshblog/internal/sanitize"
)

// Options configures a Model.
type Options struct {
	Blog     *content.Blog
	Renderer *render.Renderer
	// Width and Height are the initial window; <= 0 means 80x24.
	Width, Height int
	// Style is the initial glamour style; Dark when unknown. NoColor keeps
	// the whole interface colourless.
	Style render.Style
	// Start is an optional deep link: a post's slug, or "tag/NAME". Empty
	// means the home list. It comes from the client: it is sanitized before
	// it is shown.
	Start string
	// OnOpen, when set, is called each time the reader opens a post (for
	// view counts). It runs in Update, so it must be quick.
	OnOpen func(*content.Post)
	// Lang is the reader's locale as their client sent it ("ko_KR.UTF-8",
	// see locale.FromEnv): the interface speaks its language when there
	// is a catalogue for it, English otherwise, and posts show in their
	// translation into it, else in the site's default language.
	Lang string

	// Host is how this reader reaches the server ("blog.example.com",
	// "-p 2222 blog.example.com"), for the about page and the deep links
	// of the links picker; empty means the Renderer's Host.
	Host string
	// HostKey is the server's host key fingerprint ("SHA256:…") for the
	// about page; empty leaves it out.
	HostKey string

	// Lists are Blog's post lists, shared by every session of the blog;
	// nil (or the lists of another blog) makes the Model build its own.
	Lists *Lists
}

type page int

const (
	pageList page = iota
	pageReader
	pageTags
	pageAbout
)

// Model is the whole app. It implements tea.Model; its Update never blocks.
type Model struct {
	blog     *content.Blog
	name     string // the blog's title in the reader's language
	renderer *render.Renderer
	lang     string           // Options.Lang
	t        *locale.Messages // the interface's words, in lang

	width, height int
	style         render.Style // the glamour style posts are rendered in
	noColor       bool         // NO_COLOR or Style NoColor: no colour anywhere
	st            *styles      // shared by every component

	page   page
	list   postList
	reader reader
	tags   tagList
	about  aboutPage

	keys     globalKeyMap
	help     help.Model
	showHelp bool
	// When the full help does not fit under the screen it takes the whole
	// window, one key a line (see helpPane), scrolled to line helpY.
	helpY    int
	paneKeys helpPaneKeys
	bodyH    int    // screen height given out by the last layout
	notice   string // shown once on the list, e.g. for a broken deep link
	banner   string // a NoticeMsg, shown on every screen until replaced
	onOpen   func(*content.Post)

	// status replaces the help bar for a moment (the theme after T);
	// statusID tells its expiry from that of an earlier one.
	status   string
	statusID int

	// The theme: the terminal's background colour decides light or dark
	// if it answers within bgTimeout; T then overrides everything.
	themeChosen bool // the reader pressed T
	bgSettled   bool // the terminal answered, or the wait is over
	bgTimeout   time.Duration
	after       afterFunc // tea.Tick; tests control time through it

	dates   *dates                            // the reader's time zone, once known
	related map[*content.Post][]*content.Post // related posts, once per post

	startCmd tea.Cmd // the first render of a deep-linked post

	listStale bool   // a BlogMsg came: the list shows the old posts until applyBlog
	lists     *Lists // m.blog's (the list takes them in applyBlog)
}

var _ tea.Model = (*Model)(nil)

// New builds the app for one session.
func New(opts Options) *Model {
	blog := opts.Blog
	if blog == nil {
		blog = &content.Blog{Name: "sshblog"}
	}
	r := opts.Renderer
	if r == nil {
		r = render.New(render.Options{})
	}
	style := opts.Style
	if style != render.Light && style != render.NoColor {
		style = render.Dark
	}
	t := locale.For(opts.Lang)
	m := &Model{
		blog:      blog,
		renderer:  r,
		lang:      opts.Lang,
		t:         t,
		style:     style,
		noColor:   style == render.NoColor,
		keys:      newGlobalKeyMap(t),
		paneKeys:  newHelpPaneKeys(),
		help:      help.New(),
		bgTimeout: backgroundTimeout,
		after:     tick,
		dates:     &dates{},
		related:   map[*content.Post][]*content.Post{},
	}
	st := newStyles(style != render.Light, m.noColor)
	m.st = &st
	m.help.Styles = st.help
	lists := opts.Lists
	if lists == nil || lists.Blog() != blog {
		lists = NewLists(blog)
	}
	m.lists = lists
	m.list = newPostList(lists, m.st, m.dates, t, opts.Lang)
	m.reader = newReader(r, m.st, m.dates, style, t, opts.Lang)
	m.tags = newTagList(m.st, t, opts.Lang)
	host := opts.Host
	if host == "" {
		host = r.Host()
	}
	m.reader.links = linkTargets{host: host, blog: blog}
	m.name, m.list.desc = blog.In(opts.Lang)
	m.list.desc = aboutClean(m.list.desc)
	info := NewAbout(blog, host, opts.HostKey)
	info.Title, info.Description = aboutClean(m.name), m.list.desc
	m.about = newAboutPage(m.st, t, info)
	m.width, m.height = sanitizeSize(opts.Width, opts.Height)
	m.layout()
	m.onOpen = opts.OnOpen
	m.startCmd = m.start(cleanLink(opts.Start))
	return m
}

// cleanLink makes a client's deep link safe to show back: no control
// characters, at most 100 runes.
func cleanLink(link string) string {
	link = sanitize.Line(link)
	if r := []rune(link); len(r) > 100 {
		link = string(r[:100]) + "…"
	}
	return link
}

// sanitizeSize replaces a missing or nonsensical window size by the default.
func sanitizeSize(w, h int) (int, int) {
	if w <= 0 {
		w = defaultWidth
	}
	if h <= 0 {
		h = defaultHeight
	}
	return w, h
}

// start follows a deep link: "tag/NAME" shows that tag's posts, anything
// else is a post's slug. An unknown link lands on the home list with a note.
func (m *Model) start(link string) tea.Cmd {
	if link == "" {
		return nil
	}
	if name, ok := strings.CutPrefix(link, "tag/"); ok {
		if tag, ok := m.blog.Tag(name); ok {
			m.list.setTag(tag.Name, nil)
			m.list.updateKeys()
			return nil
		}
		m.notice = fmt.Sprintf(m.t.NoTagNamed, name)
		return nil
	}
	if p, ok := m.blog.Post(link); ok {
		m.list.selectPost(p)
		return m.openPost(p)
	}
	m.notice = fmt.Sprintf(m.t.NoPostNamed, link)
	return nil
}

// Init asks the terminal for its background colour, to choose light or dark
// styles; until it answers the styles stay dark, and if it has not answered
// within bgTimeout they stay dark for good (see backgroundTimeout).
func (m *Model) Init() tea.Cmd {
	cmd := m.startCmd
	m.startCmd = nil
	var timeout tea.Cmd
	if m.bgTimeout > 0 {
		timeout = m.after(m.bgTimeout, bgTimeoutMsg{})
	}
	return tea.Batch(tea.RequestBackgroundColor, timeout, cmd)
}

func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.applyBlog()
	if m.page == pageReader {
		m.reader.syncKeys()
	}
	// The full help grows and shrinks with the bindings enabled; give the
	// screen the room that is left.
	if body, _, _ := m.split(); body != m.bodyH {
		cmd = tea.Batch(cmd, m.layout())
	}
	return m, cmd
}

func (m *Model) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = sanitizeSize(msg.Width, msg.Height)
		return m.layout()

	case BlogMsg:
		m.setBlog(msg.Blog, msg.Lists)
		return nil

	case NoticeMsg:
		m.banner = strings.TrimSpace(string(msg))
		return m.layout()

	case tea.BackgroundColorMsg:
		if m.bgSettled || m.themeChosen || m.noColor {
			return nil // too late, overridden by T, or no colour wanted
		}
		m.bgSettled = true
		if msg.IsDark() {
			return m.setStyle(render.Dark)
		}
		return m.setStyle(render.Light)

	case bgTimeoutMsg:
		m.bgSettled = true // no answer: dark it is
		return nil

	case tea.EnvMsg:
		// The client's variables (sent over SSH), not the server's.
		cmd := loadZoneCmd(msg.Getenv("TZ"))
		if msg.Getenv("NO_COLOR") != "" && !m.noColor && !m.themeChosen {
			cmd = tea.Batch(cmd, m.setStyle(render.NoColor))
		}
		return cmd

	case zoneMsg:
		m.dates.loc = msg.loc // the lists read it as they draw
		if m.reader.shown() {
			m.reader.compose() // the related posts show dates too
		}
		return nil

	case statusDoneMsg:
		if msg.id == m.statusID {
			m.status = ""
		}
		return nil

	case renderedMsg:
		cmd := m.reader.update(msg)
		if cmd == nil && msg.key == m.reader.want() {
			cmd = m.prefetchNext()
		}
		return cmd

	case tea.KeyPressMsg:
		return m.handleKey(msg)

	case navigateMsg:
		return m.setPage(msg.to)

	case openSlugMsg:
		return m.openLinked(msg.slug)

	case tea.MouseWheelMsg:
		if m.tooSmall() {
			return nil
		}
		if m.helpPane() {
			switch msg.Button {
			case tea.MouseWheelUp:
				m.helpY -= 3
			case tea.MouseWheelDown:
				m.helpY += 3
			}
			m.clampHelpY()
			return nil
		}
		if m.page == pageReader {
			return m.reader.update(msg)
		}
		if m.page == pageAbout {
			return m.about.Update(msg)
		}
		return nil

	case list.FilterMatchesMsg:
		// Bubbles' own filter results: the lists filter themselves (see
		// listFilter), and an asynchronous result may be for an older query.
		return nil

	case filteredMsg:
		// A huge list's background filter; the list drops it unless it is
		// for the query still typed.
		if msg.which == filterTags {
			return m.tags.update(msg)
		}
		return m.list.update(msg)
	}

	// Anything else (the filter input's own messages, a paste) goes to the
	// list or the search being typed into.
	switch {
	case m.page == pageList && m.list.typing():
		return m.list.update(msg)
	case m.page == pageTags && m.tags.typing():
		return m.tags.update(msg)
	case m.page == pageReader && m.reader.typing():
		return m.reader.searchInput(msg)
	}
	return nil
}

// handleKey routes a key press to the screen on display.
func (m *Model) handleKey(msg tea.KeyPressMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		return tea.Quit
	}
	if m.tooSmall() {
		return m.tooSmallKey(msg)
	}
	if !m.typing() && key.Matches(msg, m.keys.Theme) {
		return m.cycleTheme()
	}
	if m.helpPane() {
		return m.helpPaneKey(msg)
	}
	m.notice = ""
	if m.page != pageAbout && !m.typing() && key.Matches(msg, m.keys.About) {
		m.about.show(m.page)
		return m.setPage(pageAbout)
	}
	switch m.page {
	case pageAbout:
		if key.Matches(msg, m.keys.Help) {
			return m.toggleHelp()
		}
		return m.about.Update(msg)
	case pageList:
		return m.listKey(msg)
	case pageReader:
		return m.readerKey(msg)
	case pageTags:
		return m.tagsKey(msg)
	}
	return nil
}

func (m *Model) listKey(msg tea.KeyPressMsg) tea.Cmd {
	l := &m.list
	if l.typing() {
		return l.update(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Help):
		return m.toggleHelp()
	case key.Matches(msg, l.keys.Quit):
		return tea.Quit
	case key.Matches(msg, l.keys.Open):
		if p := l.selected(); p != nil {
			return m.openPost(p)
		}
		return nil
	case key.Matches(msg, l.keys.Tags):
		items, texts := m.lists.allTags()
		cmd := m.tags.show(items, texts, nil, pageList, l.tag)
		return tea.Batch(cmd, m.setPage(pageTags))
	case key.Matches(msg, l.keys.AllPosts):
		cmd := l.setTag("", l.selected())
		l.updateKeys()
		return cmd
	}
	return l.update(msg)
}

func (m *Model) readerKey(msg tea.KeyPressMsg) tea.Cmd {
	r := &m.reader
	if r.search.typing {
		return r.searchKey(msg)
	}
	if key.Matches(msg, m.keys.Help) {
		return m.toggleHelp()
	}
	if r.panel != nil {
		return r.panelKey(msg)
	}
	r.syncKeys() // the keys enabled for what is on screen now
	switch {
	case key.Matches(msg, r.keys.ClearSearch):
		r.search.clear()
		return nil
	case key.Matches(msg, r.keys.Back):
		m.leftPost(r.post)
		m.list.selectPost(r.post)
		m.list.updateKeys()
		return m.setPage(pageList)
	case key.Matches(msg, r.keys.Search):
		return r.startSearch()
	case key.Matches(msg, r.keys.NextMatch):
		r.jumpMatch(1)
		return nil
	case key.Matches(msg, r.keys.PrevMatch):
		r.jumpMatch(-1)
		return nil
	case key.Matches(msg, r.keys.Links):
		r.openPanel(pickLinks)
		return nil
	case key.Matches(msg, r.keys.Contents):
		r.openPanel(pickContents)
		return nil
	case key.Matches(msg, r.keys.RelatedNext):
		r.chooseRelated(1)
		return nil
	case key.Matches(msg, r.keys.RelatedPrev):
		r.chooseRelated(-1)
		return nil
	case key.Matches(msg, r.keys.RelatedOpen, r.keys.RelatedPick):
		i := r.relSel
		if key.Matches(msg, r.keys.RelatedPick) {
			i = int(msg.Code - '1')
		}
		if i < 0 || i >= len(r.related) {
			return nil
		}
		p := r.related[i]
		m.list.selectPost(p)
		return m.openPost(p)
	case key.Matches(msg, r.keys.Next, r.keys.Prev):
		next, prev := neighbours(m.readingOrder(), r.post)
		p := next
		if key.Matches(msg, r.keys.Prev) {
			p = prev
		}
		if p == nil {
			return nil
		}
		m.list.selectPost(p)
		return m.openPost(p)
	case key.Matches(msg, r.keys.Language):
		return m.nextTranslation()
	case key.Matches(msg, r.keys.Tags):
		var tags []content.Tag
		for _, name := range r.post.Tags {
			if t, ok := m.blog.Tag(name); ok {
				tags = append(tags, t)
			}
		}
		cmd := m.tags.show(tagItems(tags), nil, r.post, pageReader, "")
		return tea.Batch(cmd, m.setPage(pageTags))
	}
	return r.update(msg)
}

func (m *Model) tagsKey(msg tea.KeyPressMsg) tea.Cmd {
	t := &m.tags
	if t.typing() {
		return t.update(msg)
	}
	switch {
	case key.Matches(msg, m.keys.Help):
		return m.toggleHelp()
	case key.Matches(msg, t.list.KeyMap.ClearFilter):
		// esc clears an applied filter before it goes back.
		return t.update(msg)
	case key.Matches(msg, t.keys.Back):
		return m.setPage(t.from)
	case key.Matches(msg, t.keys.Choose):
		tag, ok := t.selected()
		if !ok {
			return nil
		}
		keep := m.list.selected()
		if t.from == pageReader {
			keep = m.reader.post
		}
		cmd := m.list.setTag(tag.Name, keep)
		m.list.updateKeys()
		return tea.Batch(cmd, m.setPage(pageList))
	}
	return t.update(msg)
}

// readingOrder is the order n and p follow: the list as it is shown, or the
// whole blog when the post being read is not in it.
func (m *Model) readingOrder() []*content.Post {
	order := m.list.visible()
	for _, p := range order {
		if samePost(p, m.reader.post) {
			return order
		}
	}
	return m.blog.Posts()
}

// openPost shows p in the reader: at once when it is already rendered,
// otherwise with a placeholder until the render arrives.
func (m *Model) openPost(p *content.Post) tea.Cmd {
	if m.onOpen != nil {
		m.onOpen(p)
	}
	m.reader.open(p, m.relatedTo(p))
	m.reader.setOrder(m.readingOrder())
	cmd := m.setPage(pageReader)
	if cmd == nil {
		cmd = m.prefetchNext() // already rendered: warm the next one now
	}
	return cmd
}

// prefetchNext renders the post n would open, in the background, so that
// reading on is instant.
func (m *Model) prefetchNext() tea.Cmd {
	if m.reader.post == nil {
		return nil
	}
	next, _ := neighbours(m.readingOrder(), m.reader.post)
	if next == nil {
		return nil
	}
	doc := next.In(m.lang)
	k := m.reader.want()
	k.slug, k.lang = doc.Slug, doc.Lang
	return prefetchCmd(m.renderer, doc, k)
}

func (m *Model) setPage(s page) tea.Cmd {
	m.page = s
	m.keys.About.SetEnabled(s != pageAbout)
	return m.layout()
}

func (m *Model) toggleHelp() tea.Cmd {
	m.showHelp = !m.showHelp
	m.helpY = 0
	return m.layout()
}

// relatedTo is the related posts of p, worked out once per post.
func (m *Model) relatedTo(p *content.Post) []*content.Post {
	rel, ok := m.related[p]
	if !ok {
		rel = relatedPosts(m.blog, p, maxRelated)
		m.related[p] = rel
	}
	return rel
}

// cycleTheme is T: the next of dark, light and no colour, for the rest of
// the session, named in the help bar for a moment.
func (m *Model) cycleTheme() tea.Cmd {
	m.themeChosen = true
	next := nextStyle(m.style)
	cmd := m.setStyle(next)
	return tea.Batch(cmd, m.setStatus(fmt.Sprintf(m.t.ThemeStatus, m.themeName(next))))
}

// setStatus shows s in place of the help bar for statusTime.
func (m *Model) setStatus(s string) tea.Cmd {
	m.status = s
	m.statusID++
	return m.after(statusTime, statusDoneMsg{id: m.statusID})
}

// setStyle switches between dark, light and colourless styles and
// re-renders the open post to match.
func (m *Model) setStyle(style render.Style) tea.Cmd {
	m.noColor = style == render.NoColor
	*m.st = newStyles(style != render.Light, m.noColor)
	m.help.Styles = m.st.help
	m.list.applyStyles()
	m.tags.applyStyles()
	m.reader.search.input.SetStyles(m.st.filterInputStyles())
	if style == m.style {
		return nil
	}
	m.style = style
	m.reader.style = style
	if m.reader.shown() {
		m.reader.compose() // the related posts in the new colours
	}
	if m.page == pageReader {
		return m.reader.refresh()
	}
	return nil
}

// activeKeys is the help.KeyMap of the screen on display.
func (m *Model) activeKeys() help.KeyMap {
	switch m.page {
	case pageReader:
		return &m.reader
	case pageTags:
		return &m.tags
	case pageAbout:
		return &m.about
	}
	return &m.list
}

func (m *Model) typing() bool {
	switch m.page {
	case pageList:
		return m.list.typing()
	case pageTags:
		return m.tags.typing()
	case pageReader:
		return m.reader.typing()
	}
	return false
}

// helpView is the help at the bottom: one line of the main keys, or every
// key of the screen in columns when "?" was pressed. The "?" toggle is kept
// at the right end of the line so that it is never cut off.
func (m *Model) helpView() string {
	g := gutter(m.width)
	inner := max(0, m.width-2*g)
	keys := m.activeKeys()
	toggle := helpBinding(m.showHelp, m.t)
	if m.helpPane() {
		return indent(m.helpPaneBar(inner), g)
	}
	if m.showHelp {
		return indent(m.fullHelp(m.helpGroups(), inner), g)
	}
	if m.status != "" {
		return indent(m.st.notice.Render(truncate(m.status, inner)), g)
	}
	short := keys.ShortHelp()
	if m.typing() {
		m.help.SetWidth(inner)
		return indent(m.help.ShortHelpView(short), g)
	}
	m.help.SetWidth(0)
	if all := m.help.ShortHelpView(append(slices.Clip(short), toggle)); lipgloss.Width(all) <= inner {
		return indent(all, g)
	}
	// Not everything fits: cut the screen's keys, keep "?" at the right.
	right := m.help.ShortHelpView([]key.Binding{toggle})
	m.help.SetWidth(max(0, inner-lipgloss.Width(right)-2))
	return indent(spread(m.help.ShortHelpView(short), right, inner), g)
}

// fullHelp lays the help columns side by side while they fit in width and
// starts a new row of columns when they do not, so that narrow windows
// still show every key (bubbles' help would cut the columns off).
func (m *Model) fullHelp(groups [][]key.Binding, width int) string {
	m.help.SetWidth(0)
	var rows []string
	var row [][]key.Binding
	for _, g := range groups {
		if !slices.ContainsFunc(g, key.Binding.Enabled) {
			continue
		}
		try := append(slices.Clip(row), g)
		if len(row) > 0 && lipgloss.Width(m.help.FullHelpView(try)) > width {
			rows = append(rows, m.help.FullHelpView(row))
			try = [][]key.Binding{g}
		}
		row = try
	}
	if len(row) > 0 {
		rows = append(rows, m.help.FullHelpView(row))
	}
	return strings.Join(rows, "\n")
}

// layout gives each screen the room left by the help, and returns the
// render command a resized reader may need.
func (m *Model) layout() tea.Cmd {
	bodyH, _, _ := m.split()
	if m.showHelp {
		// The full help lists the keys that work, and which work depends
		// on the room the lists get (one page has no page keys): size
		// them for all the room first, then for what the help leaves,
		// until the two agree.
		m.sizeLists(m.height)
		for range 3 {
			bodyH, _, _ = m.split()
			m.sizeLists(bodyH)
			if b, _, _ := m.split(); b == bodyH {
				break
			}
		}
		bodyH, _, _ = m.split()
	}
	m.bodyH = bodyH
	m.sizeLists(bodyH)
	m.reader.setSize(m.width, bodyH)
	m.about.SetSize(m.width, bodyH)
	if m.page == pageReader && !m.tooSmall() {
		return m.reader.refresh()
	}
	return nil
}

// sizeLists gives the post and tag lists height lines.
func (m *Model) sizeLists(height int) {
	m.list.setSize(m.width, height)
	m.list.updateKeys()
	m.tags.setSize(m.width, height)
	m.tags.updateKeys()
}

// split divides the height between the screen, the banner and the help
// below it.
func (m *Model) split() (body, bannerH, helpH int) {
	helpH = 1
	if m.showHelp && !m.helpPane() {
		helpH = lipgloss.Height(m.helpView()) + 1 // a blank line above
	}
	// The screen keeps at least a few lines; one-line windows get no help.
	helpH = max(0, min(helpH, m.height-3))
	if m.height < 3 {
		helpH = 0
	}
	if m.banner != "" {
		bannerH = min(strings.Count(m.bannerView(), "\n")+1, max(0, m.height-helpH-1))
	}
	return m.height - helpH - bannerH, bannerH, helpH
}

// bannerView is the NoticeMsg, wrapped to the window, at most three lines.
func (m *Model) bannerView() string {
	g := gutter(m.width)
	inner := max(1, m.width-2*g)
	lines := strings.Split(ansi.Wordwrap(m.banner, inner, ""), "\n")
	if len(lines) > 3 {
		lines = lines[:3]
	}
	for i, line := range lines {
		lines[i] = m.st.notice.Render(truncate(line, inner))
	}
	return indent(strings.Join(lines, "\n"), g)
}

func (m *Model) View() tea.View {
	if m.tooSmall() {
		v := tea.NewView(m.tooSmallView())
		v.AltScreen = true
		v.WindowTitle = m.name
		return v
	}
	bodyH, bannerH, helpH := m.split()
	pane := m.helpPane()
	var body, title string
	switch m.page {
	case pageReader:
		body = m.reader.view(m.name)
		title = m.reader.doc.Title + " · " + m.name
	case pageTags:
		body = m.tags.view(m.name)
		title = m.t.TagsScreen + " · " + m.name
	case pageAbout:
		body = m.about.view()
		title = m.t.AboutScreen + " · " + m.name
	default:
		body = m.list.view(m.name, m.notice)
		title = m.name
		if m.list.tag != "" {
			title = m.list.tag + " · " + m.name
		}
	}
	if pane {
		body = m.helpPaneView(bodyH) // over the screen, which keeps its title
	}
	s := fit(body, m.width, bodyH)
	if bannerH > 0 {
		s += "\n" + fit(m.bannerView(), m.width, bannerH)
	}
	if helpH > 0 {
		hv := m.helpView()
		if m.showHelp && !pane {
			hv = "\n" + hv // a blank line sets the full help apart
		}
		s += "\n" + fit(hv, m.width, helpH)
	}
	v := tea.NewView(s)
	v.AltScreen = true
	v.WindowTitle = title
	if m.page == pageReader {
		v.MouseMode = tea.MouseModeCellMotion
	}
	return v
}
