package tui

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/locale"
)

type pickerKind int

const (
	pickLinks    pickerKind = iota // the post's links: choosing one copies it
	pickContents                   // the post's headings: choosing one goes there
)

// pickItem is a row of a picker.
type pickItem struct {
	title  string // one line of plain text
	url    string // links: where it goes, shown under the title
	slug   string // links to a post of the blog: its slug; url is then the deep link
	indent int    // contents: columns before the title, by heading level
	line   int    // contents: the heading's line in the text; -1 if not found
}

// picker is a numbered list shown over the post's text: its links or its
// headings. Up and down move, enter or a number chooses, esc closes it.
type picker struct {
	kind   pickerKind
	keys   pickerKeyMap
	st     *styles
	t      *locale.Messages
	items  []pickItem
	cursor int
	offset int // first item shown

	// copied is the URL last copied from a links picker: it is shown in
	// full below the list, for terminals that do not allow OSC 52.
	copied    string
	copiedNum int
}

func newPicker(kind pickerKind, st *styles, t *locale.Messages, items []pickItem) *picker {
	p := &picker{kind: kind, keys: newPickerKeyMap(t), st: st, t: t, items: items}
	if kind == pickLinks {
		p.keys.Choose.SetHelp("enter", t.KeyCopy)
	} else {
		p.keys.Choose.SetHelp("enter", t.KeyGoTo)
	}
	n := min(9, len(items))
	keys := make([]string, n)
	for i := range keys {
		keys[i] = strconv.Itoa(i + 1)
	}
	p.keys.Pick.SetKeys(keys...)
	p.keys.Pick.SetHelp(pickRange(n), t.KeyPick)
	p.keys.Pick.SetEnabled(n > 0)
	p.keys.Choose.SetEnabled(len(items) > 0)
	p.keys.Up.SetEnabled(len(items) > 1)
	p.keys.Down.SetEnabled(len(items) > 1)
	return p
}

// pickRange is how number keys are shown in the help: "1", "1-3".
func pickRange(n int) string {
	if n <= 1 {
		return "1"
	}
	return "1-" + strconv.Itoa(n)
}

// update moves the cursor or reports the item chosen (-1 for none).
func (p *picker) update(msg tea.KeyPressMsg) (chosen int) {
	switch {
	case key.Matches(msg, p.keys.Up):
		p.cursor = (p.cursor - 1 + len(p.items)) % len(p.items)
	case key.Matches(msg, p.keys.Down):
		p.cursor = (p.cursor + 1) % len(p.items)
	case key.Matches(msg, p.keys.Choose):
		return p.cursor
	case key.Matches(msg, p.keys.Pick):
		n, err := strconv.Atoi(msg.String())
		if err == nil && n >= 1 && n <= len(p.items) {
			p.cursor = n - 1
			return n - 1
		}
	}
	return -1
}

func (p *picker) title() string {
	if p.kind == pickLinks {
		return fmt.Sprintf(p.t.LinksTitle, len(p.items))
	}
	return fmt.Sprintf(p.t.ContentsTitle, p.t.Headings.N(len(p.items)))
}

// rowsPer is how many lines an item takes: a link shows its URL under it.
func (p *picker) rowsPer() int {
	if p.kind == pickLinks {
		return 2
	}
	return 1
}

// noteLines is the message after a copy: what was copied, and the URL in
// full, wrapped, for terminals that do not allow OSC 52 (and clickable for
// those that know OSC 8).
func (p *picker) noteLines(width int) []string {
	if p.copied == "" || width <= 0 {
		return nil
	}
	msg := fmt.Sprintf(p.t.Copied, p.copiedNum)
	var out []string
	for _, l := range strings.Split(ansi.Wordwrap(msg, width, ""), "\n") {
		out = append(out, p.st.notice.Render(truncate(l, width)))
	}
	for _, l := range strings.Split(ansi.Hardwrap(p.copied, width, true), "\n") {
		out = append(out, hyperlink(p.copied, truncate(l, width)))
	}
	return out
}

// hyperlink makes text an OSC 8 link to url: clickable in terminals that
// support it, plain text elsewhere.
func hyperlink(url, text string) string {
	return ansi.SetHyperlink(url) + text + ansi.ResetHyperlink()
}

// view draws the picker width x height.
func (p *picker) view(width, height int) string {
	st := p.st
	g := gutter(width)
	inner := max(0, width-2*g)
	lines := []string{st.title.Render(truncate(p.title(), inner)), ""}

	note := p.noteLines(inner)
	room := height - len(lines)
	if len(note) > 0 {
		room -= len(note) + 1
	}
	per := p.rowsPer()
	if len(note) > 0 && room < per {
		// No room for the list: what was copied matters more.
		return fit(indent(strings.Join(append(lines, note...), "\n"), g), width, height)
	}
	fits := max(1, room/per)
	if len(p.items) > fits {
		fits = max(1, (room-1)/per) // a line for "3 of 12"
	}
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+fits {
		p.offset = p.cursor - fits + 1
	}
	p.offset = max(0, min(p.offset, len(p.items)-fits))

	numW := len(strconv.Itoa(len(p.items)))
	for i := p.offset; i < len(p.items) && i < p.offset+fits; i++ {
		it := p.items[i]
		prefix := "  "
		titleStyle := st.rowTitle
		if i == p.cursor {
			prefix = st.bar.Render("┃") + " "
			titleStyle = st.rowTitleSel
		}
		if p.kind == pickContents && it.line < 0 {
			titleStyle = st.dim
		}
		num := strconv.Itoa(i + 1)
		num = strings.Repeat(" ", numW-len(num)) + num
		head := prefix + st.muted.Render(num) + "  " + strings.Repeat(" ", it.indent)
		text := max(0, inner-ansi.StringWidth(head))
		lines = append(lines, head+titleStyle.Render(truncate(it.title, text)))
		if per == 2 {
			pad := strings.Repeat(" ", 2+numW+2)
			u := st.muted.Render(truncate(it.url, max(0, inner-len(pad))))
			if it.slug == "" {
				u = hyperlink(it.url, u) // a deep link is a command, not a URL
			}
			lines = append(lines, pad+u)
		}
	}
	if len(p.items) > fits {
		// A hint that there is more than what fits.
		lines = append(lines, st.muted.Render(truncate(fmt.Sprintf(p.t.NOfM, p.cursor+1, len(p.items)), inner)))
	}
	if len(note) > 0 {
		lines = append(append(lines, ""), note...)
	}
	return fit(indent(strings.Join(lines, "\n"), g), width, height)
}

func (p *picker) ShortHelp() []key.Binding {
	k := p.keys
	return []key.Binding{k.Choose, k.Pick, k.Close, k.Down, k.Up}
}

func (p *picker) FullHelp() [][]key.Binding {
	k := p.keys
	return [][]key.Binding{{k.Up, k.Down}, {k.Choose, k.Pick, k.Close}}
}
