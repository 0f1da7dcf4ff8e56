package tui

import (
	"fmt"
	"math"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// renderKey names one rendering of a post. A rendered text is only shown
// for the key the reader wants now; anything else is stale.
type renderKey struct {
	slug  string
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
// footer with the position.
type reader struct {
	keys     readerKeyMap
	vp       viewport.Model
	st       *styles
	renderer *render.Renderer

	post  *content.Post
	style render.Style

	text     string    // rendered body being shown
	textKey  renderKey // what text was rendered for; zero until one arrives
	inflight renderKey // the render asked for and not yet delivered

	width, height int
}

func newReader(r *render.Renderer, st *styles, style render.Style) reader {
	rd := reader{keys: newReaderKeyMap(), renderer: r, st: st, style: style}
	rd.vp = viewport.New()
	rd.vp.KeyMap = rd.keys.viewportKeyMap()
	rd.vp.SetHorizontalStep(0)
	rd.vp.MouseWheelEnabled = true
	rd.vp.MouseWheelDelta = 3
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
		slug:  r.post.Slug,
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
// next refresh fetches the body.
func (r *reader) open(p *content.Post) {
	r.post = p
	r.text, r.textKey, r.inflight = "", renderKey{}, renderKey{}
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
	if text, ok := r.renderer.Cached(r.post, want.width, want.style); ok {
		r.setText(text, want)
		return nil
	}
	if r.inflight == want {
		return nil
	}
	r.inflight = want
	return renderCmd(r.renderer, r.post, want)
}

// shown reports whether a rendering of the post is on screen (possibly for
// another width or style, until the right one arrives).
func (r *reader) shown() bool { return r.textKey != renderKey{} }

// setText shows text, keeping the reading position at the same fraction of
// the post when the text replaces an earlier rendering of it.
func (r *reader) setText(text string, k renderKey) {
	if strings.TrimSpace(ansi.Strip(text)) == "" {
		text = indent(r.st.muted.Render("This post is empty."), 2)
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
	for i, line := range lines {
		// Below render.MinWidth the renderer's lines are wider than the
		// window; cut them rather than let the terminal wrap them.
		if ansi.StringWidth(line) > width {
			lines[i] = ansi.Truncate(line, width, "")
		}
	}
	r.vp.SetContentLines(lines)
	if atBottom {
		r.vp.GotoBottom()
	} else {
		r.vp.SetYOffset(int(math.Round(frac * float64(r.vp.TotalLineCount()))))
	}
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
	}
	var cmd tea.Cmd
	r.vp, cmd = r.vp.Update(msg)
	return cmd
}

// fallback is shown when glamour fails: the Markdown itself, wrapped, is
// still worth reading.
func (r *reader) fallback(err error) string {
	width := max(1, r.columnWidth()-4)
	body := ansi.Wrap(r.post.Body, width, "")
	return indent(r.st.notice.Render(truncate("This post could not be formatted; here is its source.", width))+
		"\n"+r.st.muted.Render(truncate(err.Error(), width))+"\n\n"+body, 2)
}

// updateKeys enables n, p and t when they would do something.
func (r *reader) updateKeys(order []*content.Post) {
	next, prev := neighbours(order, r.post)
	r.keys.Next.SetEnabled(next != nil)
	r.keys.Prev.SetEnabled(prev != nil)
	r.keys.Tags.SetEnabled(r.post != nil && len(r.post.Tags) > 0)
}

// neighbours are the posts after and before p in order.
func neighbours(order []*content.Post, p *content.Post) (next, prev *content.Post) {
	for i, q := range order {
		if q != p {
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

// position is the footer's "42%  line 30/120": how far down the post the
// bottom of the window is.
func (r *reader) position() string {
	total := r.vp.TotalLineCount()
	if total == 0 {
		return ""
	}
	bottom := min(total, r.vp.YOffset()+r.vp.Height())
	pct := int(math.Round(r.vp.ScrollPercent() * 100))
	return fmt.Sprintf("%d%%  line %d/%d", pct, bottom, total)
}

func (r *reader) view(blogName string) string {
	if r.post == nil {
		return fit("", r.width, r.height)
	}
	st := r.st
	p := r.post
	col := r.columnWidth()
	g := gutter(col)
	inner := max(0, col-2*g)
	top, bottom := r.chrome()

	var b strings.Builder
	header := st.name.Render(blogName) + st.muted.Render(" · ") + st.title.Render(p.Title)
	b.WriteString(indent(truncate(header, inner), g))
	if top == 3 {
		meta := p.Date.Format(dateLayout)
		if !p.Updated.IsZero() && !p.Updated.Equal(p.Date) {
			meta += " (updated " + p.Updated.Format(dateLayout) + ")"
		}
		meta += " · " + plural(p.ReadingMinutes(), "min read", "min read")
		if len(p.Tags) > 0 {
			meta += " · #" + strings.Join(p.Tags, " #")
		}
		b.WriteString("\n" + indent(st.muted.Render(truncate(meta, inner)), g))
		b.WriteString("\n" + indent(st.faint.Render(strings.Repeat("─", inner)), g))
	}

	body := ""
	if !r.shown() {
		body = indent(st.muted.Render("Rendering…"), g)
	} else {
		body = r.vp.View()
	}
	b.WriteString("\n" + fit(body, col, r.vp.Height()))

	if bottom == 1 {
		pos := ""
		if r.shown() {
			pos = st.muted.Render(r.position())
		}
		rule := st.faint.Render(strings.Repeat("─", inner))
		b.WriteString("\n" + indent(truncate(spreadRule(rule, pos, inner), inner), g))
	}
	return fit(b.String(), r.width, r.height)
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

func (r *reader) ShortHelp() []key.Binding {
	k := r.keys
	return []key.Binding{k.PageDown, k.Next, k.Prev, k.Tags, k.Back, k.Down, k.Up}
}

func (r *reader) FullHelp() [][]key.Binding {
	k := r.keys
	return [][]key.Binding{
		{k.Up, k.Down, k.PageDown, k.PageUp, k.HalfPageDown, k.HalfPageUp},
		{k.Top, k.Bottom, k.Next, k.Prev},
		{k.Tags, k.Back},
	}
}
