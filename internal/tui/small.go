package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/locale"
)

// The smallest window the screens are drawn in. Below it every screen
// would be cut mid-word (posts are rendered at least render.MinWidth
// wide), so the app says so instead.
const (
	minWidth  = 20
	minHeight = 8
)

var minSize = strconv.Itoa(minWidth) + "x" + strconv.Itoa(minHeight)

// tooSmallAlts is what a window below minWidth x minHeight shows; the
// shorter ones are for windows where the first does not fit whole.
func tooSmallAlts(t *locale.Messages) []string {
	return []string{fmt.Sprintf(t.TooSmall, minSize), fmt.Sprintf(t.TooSmallShort, minSize), minSize}
}

// tooSmallLines is the longest of tooSmallAlts that fits in w x h without
// cutting a word, wrapped; the shortest, cut, when none does.
func tooSmallLines(t *locale.Messages, w, h int) []string {
	var lines []string
	for _, text := range tooSmallAlts(t) {
		lines = strings.Split(ansi.Wrap(text, max(1, w), " "), "\n")
		for i, line := range lines {
			lines[i] = strings.TrimSpace(line)
		}
		if len(lines) > h {
			continue
		}
		if !slices.ContainsFunc(strings.Fields(text), func(word string) bool { return ansi.StringWidth(word) > w }) {
			break
		}
	}
	return lines
}

// tooSmall reports whether the window is below the smallest the screens
// are drawn in.
func (m *Model) tooSmall() bool { return m.width < minWidth || m.height < minHeight }

// tooSmallView is the whole window when it is too small: the message,
// wrapped to the window and centred in it, then the server's notice and
// "q quits" when there is room for them.
func (m *Model) tooSmallView() string {
	w, h := m.width, m.height
	wrap := func(s string, st lipgloss.Style) []string {
		lines := strings.Split(ansi.Wrap(s, max(1, w), " "), "\n")
		for i, line := range lines {
			lines[i] = st.Render(strings.TrimSpace(line))
		}
		return lines
	}
	lines := tooSmallLines(m.t, w, h)
	for i, line := range lines {
		lines[i] = m.st.notice.Render(line)
	}
	// add appends more below, after a blank line if there is room for it.
	add := func(more []string) {
		if len(lines)+1+len(more) <= h {
			lines = append(lines, "")
		}
		for _, line := range more {
			if len(lines) < h {
				lines = append(lines, line)
			}
		}
	}
	if m.banner != "" {
		banner := wrap(m.banner, m.st.notice)
		add(banner[:min(3, len(banner))])
	}
	if quit := m.st.muted.Render(m.t.QQuits); len(lines)+2 <= h && ansi.StringWidth(quit) <= w {
		add([]string{quit})
	}
	for i, line := range lines {
		if line != "" {
			lines[i] = strings.Repeat(" ", max(0, (w-ansi.StringWidth(line))/2)) + line
		}
	}
	top := max(0, (h-len(lines))/2)
	return fit(strings.Repeat("\n", top)+strings.Join(lines, "\n"), w, h)
}

// tooSmallKey is a key while the window is too small: nothing on screen
// says what the others would do, so only q and ctrl+c work; they quit.
func (m *Model) tooSmallKey(msg tea.KeyPressMsg) tea.Cmd {
	if msg.String() == "q" {
		return tea.Quit
	}
	return nil
}

// helpPaneKeys scroll and close the help when it takes the whole window.
type helpPaneKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Close key.Binding
}

func newHelpPaneKeys() helpPaneKeys {
	return helpPaneKeys{
		Up:       key.NewBinding(key.WithKeys("k", "up")),
		Down:     key.NewBinding(key.WithKeys("j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "b", "left")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "space", "f", "right")),
		Top:      key.NewBinding(key.WithKeys("g", "home")),
		Bottom:   key.NewBinding(key.WithKeys("G", "end")),
		Close:    key.NewBinding(key.WithKeys("?", "esc", "q")),
	}
}

// helpGroups is every key of the screen on display, in groups, then the
// keys that work everywhere.
func (m *Model) helpGroups() [][]key.Binding {
	return append(m.activeKeys().FullHelp(), []key.Binding{helpBinding(true, m.t), m.keys.About, m.keys.Theme, m.keys.ForceQuit})
}

// helpPane reports whether the full help takes the whole window, one key a
// line, scrolled: the columns of fullHelp would leave the screen fewer
// than three lines, or be cut.
func (m *Model) helpPane() bool {
	if !m.showHelp || m.tooSmall() {
		return false
	}
	inner := max(0, m.width-2*gutter(m.width))
	need := lipgloss.Height(m.fullHelp(m.helpGroups(), inner)) + 1 // and a blank line
	banner := 0
	if m.banner != "" {
		banner = strings.Count(m.bannerView(), "\n") + 1
	}
	return need > m.height-3-banner
}

// helpLines is the full help in one column: every enabled key, then what
// it does, at most width columns.
func (m *Model) helpLines(width int) []string {
	groups := m.helpGroups()
	keyW := 0
	for _, g := range groups {
		for _, b := range g {
			if b.Enabled() {
				keyW = max(keyW, lipgloss.Width(b.Help().Key))
			}
		}
	}
	var lines []string
	for _, g := range groups {
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			k := b.Help().Key
			k += strings.Repeat(" ", max(0, keyW-lipgloss.Width(k)))
			line := m.st.help.FullKey.Render(k) + " " + m.st.help.FullDesc.Render(b.Help().Desc)
			lines = append(lines, truncate(line, width))
		}
	}
	return lines
}

// helpPaneView is the help taking the whole window, height lines: a
// header saying which lines are shown, and the keys from helpY on.
func (m *Model) helpPaneView(height int) string {
	g := gutter(m.width)
	inner := max(0, m.width-2*g)
	lines := m.helpLines(inner)
	rows := max(0, height-1)
	m.helpY = clampInt(m.helpY, 0, max(0, len(lines)-rows))
	end := min(len(lines), m.helpY+rows)
	header := m.st.name.Render(m.t.KeysTitle) + m.st.muted.Render(" · "+
		fmt.Sprintf(m.t.KeysRange, m.helpY+1, end, len(lines)))
	body := strings.Join(lines[m.helpY:end], "\n")
	return indent(truncate(header, inner)+"\n"+body, g)
}

// helpPaneBar is the line under the help pane: how to scroll and close it.
func (m *Model) helpPaneBar(inner int) string {
	m.help.SetWidth(0)
	scroll := key.NewBinding(key.WithKeys("j"), key.WithHelp("↑/↓", m.t.KeyScroll))
	closeHelp := key.NewBinding(key.WithKeys("?"), key.WithHelp("?", m.t.KeyClose))
	left := m.help.ShortHelpView([]key.Binding{scroll})
	right := m.help.ShortHelpView([]key.Binding{closeHelp})
	return spread(left, right, inner)
}

// helpPaneKey scrolls or closes the help pane; other keys do nothing while
// it covers the screen they would act on.
func (m *Model) helpPaneKey(msg tea.KeyPressMsg) tea.Cmd {
	k := m.paneKeys
	rows := max(1, m.bodyH-1)
	switch {
	case key.Matches(msg, k.Close):
		return m.toggleHelp()
	case key.Matches(msg, k.Up):
		m.helpY--
	case key.Matches(msg, k.Down):
		m.helpY++
	case key.Matches(msg, k.PageUp):
		m.helpY -= rows
	case key.Matches(msg, k.PageDown):
		m.helpY += rows
	case key.Matches(msg, k.Top):
		m.helpY = 0
	case key.Matches(msg, k.Bottom):
		m.helpY = 1 << 30 // clamped as it is drawn
	}
	m.clampHelpY()
	return nil
}

// clampHelpY keeps the help pane's scroll inside its lines.
func (m *Model) clampHelpY() {
	n := len(m.helpLines(1 << 20))
	m.helpY = clampInt(m.helpY, 0, max(0, n-max(1, m.bodyH-1)))
}

func clampInt(v, lo, hi int) int { return max(lo, min(v, hi)) }
