package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
	"github.com/sshblog/sshblog/internal/sanitize"
)

// About is what the about command and the about screen tell of the blog.
// Every text in it is one line without control characters.
type About struct {
	Title       string
	Description string
	Author      string
	URL         string
	Posts       int
	Tags        int
	TopTags     []string // the most used tags, at most aboutTopTags
	Languages   []AboutLanguage
	TimeZone    string // as the site names it; "UTC" when it names none
	SSH         string // how to open the app: "ssh -t HOST"
	HostKey     string // the server's host key fingerprint ("SHA256:…"); "" when unknown
}

// AboutLanguage is one of the site's languages.
type AboutLanguage struct {
	Code string // "ko"
	Name string // "한국어"; "" when the config has none
}

// aboutTopTags is how many tags About names.
const aboutTopTags = 5

// NewAbout gathers About for blog, reached as host ("blog.example.com",
// "-p 2222 blog.example.com"), with the server's host key fingerprint
// hostKey ("" when unknown).
func NewAbout(blog *content.Blog, host, hostKey string) About {
	site := blog.Site()
	a := About{
		Title:       aboutClean(blog.Name),
		Description: aboutClean(site.Description),
		Author:      aboutClean(site.Author),
		URL:         aboutClean(site.URL),
		Posts:       blog.Len(),
		Tags:        len(blog.Tags()),
		TimeZone:    aboutClean(site.TimeZone),
		HostKey:     aboutClean(hostKey),
	}
	if a.Title == "" {
		a.Title = "sshblog"
	}
	if a.TimeZone == "" {
		a.TimeZone = "UTC"
	}
	if host = aboutClean(host); host != "" {
		a.SSH = "ssh -t " + host
	}
	for _, t := range blog.Tags() {
		if len(a.TopTags) == aboutTopTags {
			break
		}
		a.TopTags = append(a.TopTags, aboutClean(t.Name))
	}
	for _, l := range site.Languages {
		a.Languages = append(a.Languages, AboutLanguage{Code: aboutClean(l.Code), Name: aboutClean(l.Name)})
	}
	if len(a.Languages) == 0 && site.DefaultLanguage != "" {
		a.Languages = []AboutLanguage{{Code: aboutClean(site.DefaultLanguage)}}
	}
	return a
}

// aboutClean makes text from a site's config or a post one line that is safe
// to print, of bounded length.
func aboutClean(s string) string {
	s = strings.TrimSpace(sanitize.Line(s))
	if r := []rune(s); len(r) > 500 {
		s = string(r[:500]) + "…"
	}
	return s
}

// AboutField is a line of About as text: what it is and its value.
type AboutField struct{ Label, Value string }

// Fields is About as labelled lines, in the order they are shown; what the
// site does not say is left out.
func (a About) Fields(t *locale.Messages) []AboutField {
	var out []AboutField
	add := func(label, value string) {
		if value != "" {
			out = append(out, AboutField{label, value})
		}
	}
	add(t.AboutTitle, a.Title)
	add(t.AboutDescription, a.Description)
	add(t.AboutAuthor, a.Author)
	add(t.AboutURL, a.URL)
	add(t.AboutPosts, strconv.Itoa(a.Posts))
	tags := strconv.Itoa(a.Tags)
	if len(a.TopTags) > 0 {
		tags += " (" + fmt.Sprintf(t.AboutMostUsed, strings.Join(a.TopTags, ", ")) + ")"
	}
	add(t.AboutTags, tags)
	var langs []string
	for _, l := range a.Languages {
		s := l.Code
		if l.Name != "" {
			s += " (" + l.Name + ")"
		}
		langs = append(langs, s)
	}
	add(t.AboutLanguages, strings.Join(langs, ", "))
	add(t.AboutZone, a.TimeZone)
	add(t.AboutSSH, a.SSH)
	add(t.AboutHostKey, a.HostKey)
	return out
}

// navigateMsg asks the Model to show another page: the way a page leaves
// without knowing the others.
type navigateMsg struct{ to page }

func navigate(to page) tea.Cmd {
	return func() tea.Msg { return navigateMsg{to} }
}

// aboutKeyMap holds the about page's bindings.
type aboutKeyMap struct {
	Up, Down, PageDown, PageUp, Top, Bottom, Back key.Binding
}

// newAboutKeyMap scrolls as the reader does; i, which opened the page,
// closes it too.
func newAboutKeyMap(t *locale.Messages) aboutKeyMap {
	r := newReaderKeyMap(t)
	back := r.Back
	back.SetKeys(append(back.Keys(), "i")...)
	return aboutKeyMap{Up: r.Up, Down: r.Down, PageDown: r.PageDown, PageUp: r.PageUp, Top: r.Top, Bottom: r.Bottom, Back: back}
}

// aboutPage is the about screen: About, scrollable, under a header. It
// asks the Model to go back with a navigateMsg.
type aboutPage struct {
	keys aboutKeyMap
	st   *styles
	t    *locale.Messages
	vp   viewport.Model
	info About
	from page // where Back goes

	width, height int
}

func newAboutPage(st *styles, t *locale.Messages, info About) aboutPage {
	a := aboutPage{keys: newAboutKeyMap(t), st: st, t: t, info: info}
	a.vp = viewport.New()
	a.vp.KeyMap = viewport.KeyMap{
		Up: a.keys.Up, Down: a.keys.Down, PageDown: a.keys.PageDown, PageUp: a.keys.PageUp,
	}
	a.vp.SetHorizontalStep(0)
	a.vp.MouseWheelEnabled = true
	a.vp.MouseWheelDelta = 3
	return a
}

// show opens the page from the top, to go back to from.
func (a *aboutPage) show(from page) {
	a.from = from
	a.vp.SetContentLines(a.lines())
	a.vp.GotoTop()
}

// SetSize gives the page width x height: a line of header, the rest text.
func (a *aboutPage) SetSize(width, height int) {
	a.width, a.height = width, height
	a.vp.SetWidth(width)
	a.vp.SetHeight(max(0, height-1))
	y := a.vp.YOffset()
	a.vp.SetContentLines(a.lines())
	a.vp.SetYOffset(y)
}

// Update scrolls, or on Back asks to go back where the page was opened.
func (a *aboutPage) Update(msg tea.Msg) tea.Cmd {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(k, a.keys.Back):
			return navigate(a.from)
		case key.Matches(k, a.keys.Top):
			a.vp.GotoTop()
			return nil
		case key.Matches(k, a.keys.Bottom):
			a.vp.GotoBottom()
			return nil
		}
	}
	var cmd tea.Cmd
	a.vp, cmd = a.vp.Update(msg)
	return cmd
}

// lines is About laid out for the width: label and value side by side
// when there is room, else each label over its value; values wrapped,
// wide (CJK) characters counted as two columns.
func (a *aboutPage) lines() []string {
	g := gutter(a.width)
	inner := max(1, a.width-2*g)
	fields := a.info.Fields(a.t)
	labelW := 0
	for _, f := range fields {
		labelW = max(labelW, ansi.StringWidth(f.Label))
	}
	side := inner >= labelW+2+24
	var out []string
	for _, f := range fields {
		if side {
			vals := wrapLines(f.Value, inner-labelW-2)
			pad := strings.Repeat(" ", labelW+2)
			for i, v := range vals {
				head := pad
				if i == 0 {
					head = a.st.muted.Render(f.Label) + strings.Repeat(" ", labelW+2-ansi.StringWidth(f.Label))
				}
				out = append(out, head+v)
			}
			continue
		}
		out = append(out, a.st.muted.Render(truncate(f.Label, inner)))
		for _, v := range wrapLines(f.Value, inner-2) {
			out = append(out, "  "+v)
		}
	}
	for i, l := range out {
		out[i] = indent(truncate(l, inner), g)
	}
	return out
}

// wrapLines wraps plain text to width columns, breaking long words.
func wrapLines(s string, width int) []string {
	width = max(1, width)
	lines := strings.Split(ansi.Wrap(s, width, ""), "\n")
	for i, l := range lines {
		lines[i] = truncate(strings.TrimRight(l, " "), width)
	}
	return lines
}

// view draws the page without the help bar, width x height.
func (a *aboutPage) view() string {
	g := gutter(a.width)
	inner := max(0, a.width-2*g)
	header := a.st.name.Render(a.info.Title) + a.st.muted.Render(" · "+a.t.AboutScreen)
	if a.vp.TotalLineCount() > a.vp.Height() {
		end := min(a.vp.TotalLineCount(), a.vp.YOffset()+a.vp.Height())
		header = spread(header, a.st.muted.Render(strconv.Itoa(end)+"/"+strconv.Itoa(a.vp.TotalLineCount())), inner)
	}
	return fit(indent(truncate(header, inner), g)+"\n"+a.vp.View(), a.width, a.height)
}

func (a *aboutPage) syncKeys() {
	scroll := a.vp.TotalLineCount() > a.vp.Height()
	for _, b := range []*key.Binding{&a.keys.Up, &a.keys.Down, &a.keys.PageDown, &a.keys.PageUp, &a.keys.Top, &a.keys.Bottom} {
		b.SetEnabled(scroll)
	}
}

func (a *aboutPage) ShortHelp() []key.Binding {
	a.syncKeys()
	k := a.keys
	return []key.Binding{k.Back, k.PageDown, k.Down, k.Up}
}

func (a *aboutPage) FullHelp() [][]key.Binding {
	a.syncKeys()
	k := a.keys
	return [][]key.Binding{{k.Up, k.Down, k.PageDown, k.PageUp, k.Top, k.Bottom}, {k.Back}}
}
