package tui

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
	"github.com/sshblog/sshblog/internal/render"
)

// renderKey names one rendering of a post. A rendered text is only shown
// for the key the reader wants now; anything else is stale.
type renderKey struct {
	slug  string
	lang  string // translations may share a slug
	width int
	style render.Style
}

// renderedMsg delivers a post rendered in the background.
type renderedMsg struct {
	key  renderKey
	text string
	err  error
}

// renderCmd renders p off the update loop: a miss in the renderer's cache
// takes tens of milliseconds, far too long to block every key press.
func renderCmd(r *render.Renderer, p *content.Post, k renderKey) tea.Cmd {
	return func() tea.Msg {
		text, err := r.Render(p, k.width, k.style)
		return renderedMsg{key: k, text: text, err: err}
	}
}

// prefetchCmd renders p into the shared cache and reports nothing, so that
// opening it next shows it at once.
func prefetchCmd(r *render.Renderer, p *content.Post, k renderKey) tea.Cmd {
	if _, ok := r.Cached(p, k.width, k.style); ok {
		return nil
	}
	return func() tea.Msg {
		_, _ = r.Render(p, k.width, k.style)
		return nil
	}
}

// reader shows one post: a header, the rendered body in a viewport and a
// footer with the position. Below the text come the related posts. Over
// the text it can show the post's links or headings (a picker), and it
// searches the text.
type reader struct {
	keys     readerKeyMap
	vp       viewport.Model
	st       *styles
	dates    *dates
	renderer *render.Renderer

	post  *content.Post // the post open, as the lists know it
	doc   *content.Post // what is shown of it: post, or one of its translations
	style render.Style
	t     *locale.Messages
	lang  string // the reader's locale: posts open in its translation

	text     string    // rendered body being shown
	textKey  renderKey // what text was rendered for; zero until one arrives
	inflight renderKey // the render asked for and not yet delivered

	lines []string // what the viewport scrolls: the post's lines, then the related posts
	plain []string // the post's lines without escape sequences
	postN int      // how many of lines are the post's

	outline *content.Outline // the post's links and headings; nil with no post
	related []*content.Post  // shown below the text
	relSel  int              // the related post chosen with tab, or -1

	hasNext, hasPrev bool // n and p have somewhere to go

	search search
	panel  *picker     // links or contents shown over the text; nil when closed
	links  linkTargets // links to other posts: how they show and open

	width, height int
}

func newReader(r *render.Renderer, st *styles, d *dates, style render.Style, t *locale.Messages, lang string) reader {
	rd := reader{keys: newReaderKeyMap(t), renderer: r, st: st, dates: d, style: style, relSel: -1, t: t, lang: lang}
	rd.vp = viewport.New()
	rd.vp.KeyMap = rd.keys.viewportKeyMap()
	rd.vp.SetHorizontalStep(0)
	rd.vp.MouseWheelEnabled = true
	rd.vp.MouseWheelDelta = 3
	rd.search = newSearch(st, t)
	return rd
}

// columnWidth is the width of the reading column: the window, up to a
// comfortable line length.
func (r *reader) columnWidth() int { return min(r.width, maxReadingWidth) }

// want is the rendering the reader needs now.
func (r *reader) want() renderKey {
	if r.post == nil {
		return renderKey{}
	}
	return renderKey{
		slug:  r.doc.Slug,
		lang:  r.doc.Lang,
		width: max(render.MinWidth, r.columnWidth()),
		style: r.style,
	}
}

// chrome is how many lines the header and footer take at the current
// height; small windows get a one-line header so the text keeps the room.
func (r *reader) chrome() (top, bottom int) {
	switch {
	case r.height >= 10:
		return 3, 1
	case r.height >= 3:
		return 1, 1
	}
	return 1, 0
}

// open puts p in the reader, from its top, with nothing rendered yet; the
// next refresh fetches the body. related is shown below its text.
func (r *reader) open(p *content.Post, related []*content.Post) {
	r.post = p
	r.related = related
	r.show(p.In(r.lang))
}

// show puts doc, the open post or one of its translations, in the reader
// from its top, with nothing rendered yet.
func (r *reader) show(doc *content.Post) {
	r.doc = doc
	r.text, r.textKey, r.inflight = "", renderKey{}, renderKey{}
	r.lines, r.plain, r.postN = nil, nil, 0
	r.outline = &doc.Outline
	r.relSel = -1
	r.search.clear()
	r.panel = nil
	r.vp.SetContent("")
	r.vp.SetYOffset(0)
}

// setSize lays the reader out; the caller refreshes the body when the
// reader is on screen, so that hidden readers cost no rendering.
func (r *reader) setSize(width, height int) {
	r.width, r.height = width, height
	top, bottom := r.chrome()
	r.vp.SetWidth(r.columnWidth())
	r.vp.SetHeight(max(0, height-top-bottom))
	// The query scrolls sideways past the room left by the prompt and the
	// match count.
	r.search.input.SetWidth(max(1, r.columnWidth()-2*gutter(r.columnWidth())-ansi.StringWidth(r.search.input.Prompt)-16))
	if r.shown() {
		r.setText(r.text, r.textKey) // re-clip the lines to the new width
	}
}

// refresh gets the body the reader wants: from the cache right away, or by
// asking for a render in the background. Until it arrives the text already
// shown (the same post at another width or style) stays, so a resize does
// not blank the screen.
func (r *reader) refresh() tea.Cmd {
	if r.post == nil {
		return nil
	}
	want := r.want()
	if r.shown() && r.textKey == want {
		return nil
	}
	if text, ok := r.renderer.Cached(r.doc, want.width, want.style); ok {
		r.setText(text, want)
		return nil
	}
	if r.inflight == want {
		return nil
	}
	r.inflight = want
	return renderCmd(r.renderer, r.doc, want)
}

// shown reports whether a rendering of the post is on screen (possibly for
// another width or style, until the right one arrives).
func (r *reader) shown() bool { return r.textKey != renderKey{} }

// setText shows text, keeping the reading position at the same fraction of
// the post when the text replaces an earlier rendering of it.
func (r *reader) setText(text string, k renderKey) {
	if strings.TrimSpace(ansi.Strip(text)) == "" {
		text = indent(r.st.muted.Render(r.t.PostEmpty), 2)
	}
	var frac float64
	atBottom := false
	if total := r.vp.TotalLineCount(); r.shown() && total > 0 {
		frac = float64(r.vp.YOffset()) / float64(total)
		atBottom = r.vp.AtBottom() && r.vp.YOffset() > 0
	}
	r.text, r.textKey = text, k
	width := r.columnWidth()
	// A tab is zero columns to ansi.StringWidth but up to eight to a
	// terminal: make it spaces so that measuring tells the truth.
	lines := strings.Split(strings.ReplaceAll(text, "\t", "    "), "\n")
	plain := make([]string, len(lines))
	for i, line := range lines {
		// Below render.MinWidth the renderer's lines are wider than the
		// window; cut them rather than let the terminal wrap them.
		if ansi.StringWidth(line) > width {
			lines[i] = ansi.Truncate(line, width, "")
		}
		plain[i] = ansi.Strip(lines[i])
	}
	r.plain, r.postN = plain, len(lines)
	r.lines = lines
	r.compose()
	if atBottom {
		r.vp.GotoBottom()
	} else {
		r.vp.SetYOffset(int(math.Round(frac * float64(r.vp.TotalLineCount()))))
	}
	if r.search.shown() {
		r.runSearch(false)
	}
}

// compose gives the viewport the post's lines followed by the related
// posts, drawn as they are now (the chosen one marked).
func (r *reader) compose() {
	all := make([]string, 0, r.postN+len(r.related)+3)
	all = append(all, r.lines[:r.postN]...)
	all = append(all, r.relatedLines()...)
	r.lines = all
	y := r.vp.YOffset()
	r.vp.SetContentLines(all)
	r.vp.SetYOffset(y)
}

// update handles the reader's own messages: renders arriving, scrolling
// keys and the mouse wheel. Keys that leave the post are the Model's.
func (r *reader) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case renderedMsg:
		if r.post == nil || msg.key != r.want() {
			return nil // stale: another post, width or style
		}
		r.inflight = renderKey{}
		if msg.err != nil {
			r.setText(r.fallback(msg.err), msg.key)
			return nil
		}
		r.setText(msg.text, msg.key)
		return nil
	case tea.KeyPressMsg:
		switch {
		case key.Matches(msg, r.keys.Top):
			r.vp.GotoTop()
			return nil
		case key.Matches(msg, r.keys.Bottom):
			r.vp.GotoBottom()
			return nil
		}
	case tea.MouseWheelMsg:
		if r.panel != nil {
			return nil
		}
	}
	var cmd tea.Cmd
	r.vp, cmd = r.vp.Update(msg)
	return cmd
}

// fallback is shown when glamour fails: the Markdown itself, wrapped, is
// still worth reading.
func (r *reader) fallback(err error) string {
	width := max(1, r.columnWidth()-4)
	body := ansi.Wrap(r.doc.Body, width, "")
	return indent(r.st.notice.Render(truncate(r.t.NotFormatted, width))+
		"\n"+r.st.muted.Render(truncate(err.Error(), width))+"\n\n"+body, 2)
}

// setOrder tells the reader whether n and p have a post to go to.
func (r *reader) setOrder(order []*content.Post) {
	next, prev := neighbours(order, r.post)
	r.hasNext, r.hasPrev = next != nil, prev != nil
}

// syncKeys enables the bindings that would do something now, so that the
// help shows only those.
func (r *reader) syncKeys() {
	k := &r.keys
	searching := r.search.active()
	k.Next.SetEnabled(r.hasNext && !searching)
	k.Prev.SetEnabled(r.hasPrev && !searching)
	k.Tags.SetEnabled(r.post != nil && len(r.post.Tags) > 0)
	k.Language.SetEnabled(r.post != nil && len(r.post.Translations()) > 1)
	k.Search.SetEnabled(r.shown())
	k.NextMatch.SetEnabled(searching && len(r.search.matches) > 0)
	k.PrevMatch.SetEnabled(searching && len(r.search.matches) > 0)
	k.ClearSearch.SetEnabled(searching)
	if searching {
		k.Back.SetHelp("q", r.t.KeyBack)
	} else {
		k.Back.SetHelp("esc/q", r.t.KeyBack)
	}
	k.Links.SetEnabled(r.outline != nil && len(r.outline.Links) > 0)
	k.Contents.SetEnabled(r.outline != nil && len(r.outline.Headings) > 0)

	visible := r.relatedVisible()
	if !visible && r.relSel >= 0 {
		r.relSel = -1 // scrolled away: forget the choice
		r.compose()
	}
	k.RelatedNext.SetEnabled(visible)
	k.RelatedPrev.SetEnabled(visible)
	k.RelatedOpen.SetEnabled(visible && r.relSel >= 0)
	n := len(r.related)
	keys := make([]string, n)
	for i := range keys {
		keys[i] = strconv.Itoa(i + 1)
	}
	k.RelatedPick.SetKeys(keys...)
	k.RelatedPick.SetHelp(pickRange(n), r.t.KeyOpenRel)
	k.RelatedPick.SetEnabled(visible && n > 0)
}

// relatedVisible reports whether the first related post is on screen.
func (r *reader) relatedVisible() bool {
	if len(r.related) == 0 || !r.shown() || r.panel != nil {
		return false
	}
	first := r.postN + 2 // after a blank line and the title
	return r.vp.YOffset()+r.vp.Height() > first
}

// chooseRelated moves the related choice by delta, wrapping around.
func (r *reader) chooseRelated(delta int) {
	n := len(r.related)
	if n == 0 {
		return
	}
	if r.relSel < 0 {
		if delta > 0 {
			r.relSel = 0
		} else {
			r.relSel = n - 1
		}
	} else {
		r.relSel = (r.relSel + delta + n) % n
	}
	r.compose()
	// Make sure the chosen line is on screen.
	line := r.postN + 2 + r.relSel
	if bottom := r.vp.YOffset() + r.vp.Height(); line >= bottom {
		r.vp.SetYOffset(r.vp.YOffset() + line - bottom + 1)
	}
}

// startSearch opens the search line.
func (r *reader) startSearch() tea.Cmd {
	s := &r.search
	s.clear()
	s.typing = true
	s.origin = r.vp.YOffset()
	return s.input.Focus()
}

// searchKey handles a key while the query is typed: enter keeps the
// search, esc drops it and goes back to where the reader was, anything
// else edits the query, and the matches follow as it is typed.
func (r *reader) searchKey(msg tea.KeyPressMsg) tea.Cmd {
	s := &r.search
	switch {
	case key.Matches(msg, s.keys.Accept):
		s.typing = false
		s.input.Blur()
		if s.query == "" {
			s.clear()
		}
		return nil
	case key.Matches(msg, s.keys.Cancel):
		s.clear()
		r.vp.SetYOffset(s.origin)
		return nil
	}
	return r.searchInput(msg)
}

// searchInput gives the search line a key or its own message (a paste, the
// cursor's), and follows the query with the matches.
func (r *reader) searchInput(msg tea.Msg) tea.Cmd {
	s := &r.search
	var cmd tea.Cmd
	s.input, cmd = s.input.Update(msg)
	if q := s.input.Value(); q != s.query {
		s.query = q
		r.runSearch(true)
	}
	return cmd
}

// runSearch finds the query in the text. The current match becomes the
// first at or below the top of the screen (from where the search started,
// when typing) and is scrolled into view if jump is set.
func (r *reader) runSearch(jump bool) {
	s := &r.search
	s.matches = findMatches(r.plain, s.query)
	s.cur = -1
	if len(s.matches) == 0 {
		return
	}
	from := r.vp.YOffset()
	if s.typing {
		from = s.origin
	}
	s.cur = 0
	for i, m := range s.matches {
		if m.line >= from {
			s.cur = i
			break
		}
	}
	if jump {
		r.showMatch()
	} else if m := s.matches[s.cur]; !r.lineVisible(m.line) {
		// Re-rendered: keep the place, point at the first match on screen
		// or below.
		s.cur = r.nearestMatch(1)
	}
}

func (r *reader) lineVisible(line int) bool {
	y := r.vp.YOffset()
	return line >= y && line < y+r.vp.Height()
}

// nearestMatch is the first match on screen or below it (dir > 0), or the
// last on screen or above it (dir < 0), wrapping around.
func (r *reader) nearestMatch(dir int) int {
	ms := r.search.matches
	y := r.vp.YOffset()
	if dir > 0 {
		for i, m := range ms {
			if m.line >= y {
				return i
			}
		}
		return 0
	}
	bottom := y + r.vp.Height()
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].line < bottom {
			return i
		}
	}
	return len(ms) - 1
}

// jumpMatch moves to the next (dir 1) or previous (dir -1) match. After the
// reader scrolled the current one out of sight, it goes to the first one
// from what is on screen.
func (r *reader) jumpMatch(dir int) {
	s := &r.search
	n := len(s.matches)
	if n == 0 {
		return
	}
	if s.cur < 0 || !r.lineVisible(s.matches[s.cur].line) {
		s.cur = r.nearestMatch(dir)
	} else {
		s.cur = (s.cur + dir + n) % n
	}
	r.showMatch()
}

// showMatch scrolls the current match into view, a third of the way down
// the screen when it has to move, so the lines before it give context.
func (r *reader) showMatch() {
	s := &r.search
	if s.cur < 0 {
		return
	}
	line := s.matches[s.cur].line
	if r.lineVisible(line) {
		return
	}
	r.vp.SetYOffset(line - r.vp.Height()/3)
}

// openPanel shows the links or the headings over the text.
func (r *reader) openPanel(kind pickerKind) {
	if r.outline == nil {
		return
	}
	var items []pickItem
	if kind == pickLinks {
		for _, l := range r.outline.Links {
			it := r.links.item(l)
			if l.Image {
				it.title = fmt.Sprintf(r.t.ImageLink, it.title)
			}
			items = append(items, it)
		}
	} else {
		hs := r.outline.Headings
		lines := render.HeadingLines(r.plain[:r.postN], hs)
		// Indent by rank among the levels used: a post with # and ###
		// but no ## gets one step, not two.
		var levels []int
		for _, h := range hs {
			if !slices.Contains(levels, h.Level) {
				levels = append(levels, h.Level)
			}
		}
		slices.Sort(levels)
		for i, h := range hs {
			items = append(items, pickItem{title: h.Text, indent: 2 * slices.Index(levels, h.Level), line: lines[i]})
		}
	}
	if len(items) == 0 {
		return
	}
	r.panel = newPicker(kind, r.st, r.t, items)
	r.panel.syncChoose()
	if kind == pickContents {
		// Start on the heading being read.
		y := r.vp.YOffset()
		for i, it := range items {
			if it.line >= 0 && it.line <= y {
				r.panel.cursor = i
			}
		}
	}
}

// panelKey handles a key while the links or contents are shown.
func (r *reader) panelKey(msg tea.KeyPressMsg) tea.Cmd {
	p := r.panel
	if key.Matches(msg, p.keys.Close) ||
		(p.kind == pickLinks && key.Matches(msg, r.keys.Links)) ||
		(p.kind == pickContents && key.Matches(msg, r.keys.Contents)) {
		r.panel = nil
		return nil
	}
	i := p.update(msg)
	p.syncChoose()
	if i < 0 {
		return nil
	}
	it := p.items[i]
	if p.kind == pickLinks && it.slug != "" {
		return openSlug(it.slug) // a post of the blog: open it
	}
	if p.kind == pickLinks {
		p.copied, p.copiedNum = it.url, i+1
		return tea.SetClipboard(it.url)
	}
	if it.line < 0 {
		return nil
	}
	r.panel = nil
	r.vp.SetYOffset(it.line)
	return nil
}

// neighbours are the posts after and before p in order.
func neighbours(order []*content.Post, p *content.Post) (next, prev *content.Post) {
	for i, q := range order {
		if !samePost(q, p) {
			continue
		}
		if i+1 < len(order) {
			next = order[i+1]
		}
		if i > 0 {
			prev = order[i-1]
		}
		break
	}
	return next, prev
}

// progress is how far the reader is: the percentage scrolled, and how
// many minutes of reading are left at that pace.
func (r *reader) progress() (pct int, left string) {
	frac := r.vp.ScrollPercent()
	pct = int(math.Round(frac * 100))
	minutes := float64(r.doc.ReadingMinutes()) * (1 - frac)
	switch {
	case frac >= 1 || r.vp.AtBottom():
		left = r.t.TheEnd
	default:
		left = fmt.Sprintf(r.t.MinLeft, max(1, int(math.Round(minutes))))
	}
	return pct, left
}

// position is the footer's "42% · 3 min left · line 30/120", with the
// search's "match 3 of 12" first; the parts that do not fit in width go,
// least useful first.
func (r *reader) position(width int) string {
	total := r.vp.TotalLineCount()
	if total == 0 {
		return ""
	}
	bottom := min(total, r.vp.YOffset()+r.vp.Height())
	pct, left := r.progress()
	line := fmt.Sprintf(r.t.LineOf, bottom, total)
	p := strconv.Itoa(pct) + "%"
	var variants []string
	if s := r.search.status(); s != "" {
		variants = []string{
			s + " · " + p + " · " + line,
			s + " · " + p,
			s,
		}
	} else {
		variants = []string{
			p + " · " + left + " · " + line,
			p + " · " + left,
			p,
		}
	}
	for _, v := range variants {
		if ansi.StringWidth(v)+2 <= width {
			return v
		}
	}
	return variants[len(variants)-1]
}

func (r *reader) view(blogName string) string {
	if r.post == nil {
		return fit("", r.width, r.height)
	}
	st := r.st
	p := r.doc
	col := r.columnWidth()
	g := gutter(col)
	inner := max(0, col-2*g)
	top, bottom := r.chrome()

	var b strings.Builder
	header := st.name.Render(blogName) + st.muted.Render(" · ") + st.title.Render(p.Title)
	if len(r.post.Translations()) > 1 && p.Lang != "" {
		// Which of the translations this is, kept at the right.
		code := st.muted.Render(p.Lang)
		header = spread(truncate(header, max(0, inner-ansi.StringWidth(p.Lang)-1)), code, inner)
	}
	b.WriteString(indent(truncate(header, inner), g))
	if top == 3 {
		meta := r.dates.format(p.Date)
		if !p.Updated.IsZero() && !p.Updated.Equal(p.Date) {
			meta += " " + fmt.Sprintf(r.t.UpdatedOn, r.dates.format(p.Updated))
		}
		meta += " · " + fmt.Sprintf(r.t.MinRead, p.ReadingMinutes())
		if len(p.Tags) > 0 {
			meta += " · #" + strings.Join(p.Tags, " #")
		}
		b.WriteString("\n" + indent(st.muted.Render(truncate(meta, inner)), g))
		b.WriteString("\n" + indent(st.faint.Render(strings.Repeat("─", inner)), g))
	}

	var body string
	switch {
	case !r.shown():
		body = indent(st.muted.Render(r.t.Rendering), g)
	case r.panel != nil:
		body = r.panel.view(col, r.vp.Height())
	default:
		body = r.bodyView()
	}
	b.WriteString("\n" + fit(body, col, r.vp.Height()))

	if bottom == 1 {
		b.WriteString("\n" + indent(r.footer(inner), g))
	}
	return fit(b.String(), r.width, r.height)
}

// bodyView is the part of the text on screen, with the search's matches
// highlighted.
func (r *reader) bodyView() string {
	y := r.vp.YOffset()
	end := min(len(r.lines), y+r.vp.Height())
	if y >= end {
		return ""
	}
	lines := make([]string, end-y)
	copy(lines, r.lines[y:end])
	s := &r.search
	if !s.shown() || len(s.matches) == 0 {
		return strings.Join(lines, "\n")
	}
	// Matches are in line order: walk those on screen, line by line.
	i := 0
	for i < len(s.matches) && s.matches[i].line < y {
		i++
	}
	for i < len(s.matches) && s.matches[i].line < end {
		line := s.matches[i].line
		j := i
		for j < len(s.matches) && s.matches[j].line == line {
			j++
		}
		cur := -1
		if s.cur >= i && s.cur < j {
			cur = s.cur - i
		}
		lines[line-y] = highlightLine(lines[line-y], s.matches[i:j], cur, r.st.searchMatch, r.st.searchCurrent)
		i = j
	}
	return strings.Join(lines, "\n")
}

// footer is the line under the text: the search being typed, or a rule
// with the position at its right.
func (r *reader) footer(width int) string {
	st := r.st
	if r.search.typing {
		right := ""
		if r.search.query != "" {
			right = st.muted.Render(r.search.status())
		}
		return spread(r.search.input.View(), right, width)
	}
	pos := ""
	if r.shown() {
		pos = st.muted.Render(r.position(width))
	}
	rule := st.faint.Render(strings.Repeat("─", width))
	return truncate(spreadRule(rule, pos, width), width)
}

// spreadRule draws the footer: a rule that leaves room for pos at its right.
func spreadRule(rule, pos string, width int) string {
	if pos == "" {
		return rule
	}
	pw := ansi.StringWidth(pos)
	if pw+2 > width {
		return truncate(pos, width)
	}
	return ansi.Truncate(rule, width-pw-1, "") + " " + pos
}

// typing reports whether keys are text: the search is being typed.
func (r *reader) typing() bool { return r.search.typing }

func (r *reader) ShortHelp() []key.Binding {
	if r.search.typing {
		return []key.Binding{r.search.keys.Accept, r.search.keys.Cancel}
	}
	if r.panel != nil {
		return r.panel.ShortHelp()
	}
	k := r.keys
	return []key.Binding{
		k.RelatedPick, k.RelatedNext, k.RelatedOpen,
		k.PageDown, k.NextMatch, k.PrevMatch, k.ClearSearch,
		k.Search, k.Next, k.Prev, k.Links, k.Contents, k.Tags, k.Language, k.Back, k.Down, k.Up,
	}
}

func (r *reader) FullHelp() [][]key.Binding {
	if r.search.typing {
		return [][]key.Binding{{r.search.keys.Accept, r.search.keys.Cancel}}
	}
	if r.panel != nil {
		return r.panel.FullHelp()
	}
	k := r.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageDown, k.PageUp, k.HalfPageDown, k.HalfPageUp},
		{k.Top, k.Bottom, k.Next, k.Prev, k.Tags, k.Language, k.Back},
		{k.Search, k.NextMatch, k.PrevMatch, k.ClearSearch, k.Links, k.Contents},
		{k.RelatedNext, k.RelatedPrev, k.RelatedOpen, k.RelatedPick},
	}
}
