package tui

import (
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
)

// styles is every look the app uses. Colours are written once as light/dark
// pairs; Bubble Tea downsamples them to the client's colour profile, so the
// same styles serve a truecolor terminal and a 16-colour one.
type styles struct {
	noColor bool

	name   lipgloss.Style // the blog's name in headers
	title  lipgloss.Style // a post's title in the reader header
	muted  lipgloss.Style // secondary text: counts, dates, descriptions
	faint  lipgloss.Style // rules and separators
	notice lipgloss.Style // one-off messages ("no post named …")

	// Rows of the post and tag lists.
	rowTitle    lipgloss.Style
	rowTitleSel lipgloss.Style
	rowMeta     lipgloss.Style
	rowDesc     lipgloss.Style
	bar         lipgloss.Style // the selection bar left of a selected row
	match       lipgloss.Style // characters matched by the filter
	dim         lipgloss.Style // rows while the filter is still empty

	filterPrompt lipgloss.Style
	filterText   lipgloss.Style
	accent       color.Color

	// Search matches in the reader: reverse video, which every terminal
	// shows, colour or not; the current match stands out more.
	searchMatch   lipgloss.Style
	searchCurrent lipgloss.Style

	help help.Styles
}

// newStyles builds the styles for a dark or light background. noColor drops
// every colour and keeps only bold, underline and reverse, for NO_COLOR.
func newStyles(isDark, noColor bool) styles {
	if noColor {
		return plainStyles()
	}
	// Each colour stands out from its background as a terminal of any
	// profile shows it, not only in true colour: 4.5:1 for text, 3:1 for
	// rules, dimmed rows and key hints (TestThemeContrast). On 16 colours
	// the light greys become white (\e[37m, \e[97m) on the white of
	// xterm's and PuTTY's default, so the light theme's greys are dark
	// enough to become bright black or blue, and the dark theme's light
	// enough never to become black. Greys that convert to 256-colour 244
	// to 246 become white on 16 colours: they are avoided.
	ld := lipgloss.LightDark(isDark)
	var (
		accent  = ld(lipgloss.Color("#5A3FD0"), lipgloss.Color("#A594F9"))
		text    = ld(lipgloss.Color("#1F1F24"), lipgloss.Color("#E4E4EA"))
		muted   = ld(lipgloss.Color("#6B6B76"), lipgloss.Color("#8C8C98"))
		desc    = ld(lipgloss.Color("#707079"), lipgloss.Color("#78787F"))
		faint   = ld(lipgloss.Color("#84848C"), lipgloss.Color("#5C5C66"))
		dim     = ld(lipgloss.Color("#84848C"), lipgloss.Color("#5C5C66"))
		hkey    = ld(lipgloss.Color("#77777F"), lipgloss.Color("#7E7E89"))
		hdesc   = ld(lipgloss.Color("#84848C"), lipgloss.Color("#5E5E69"))
		current = ld(lipgloss.Color("#5A3FD0"), lipgloss.Color("#C792EA")) // the current search match
	)
	s := styles{
		name:   lipgloss.NewStyle().Foreground(accent).Bold(true),
		title:  lipgloss.NewStyle().Foreground(text).Bold(true),
		muted:  lipgloss.NewStyle().Foreground(muted),
		faint:  lipgloss.NewStyle().Foreground(faint),
		notice: lipgloss.NewStyle().Foreground(accent),

		rowTitle:    lipgloss.NewStyle().Foreground(text),
		rowTitleSel: lipgloss.NewStyle().Foreground(accent).Bold(true),
		rowMeta:     lipgloss.NewStyle().Foreground(muted),
		rowDesc:     lipgloss.NewStyle().Foreground(desc),
		bar:         lipgloss.NewStyle().Foreground(accent),
		match:       lipgloss.NewStyle().Underline(true),
		dim:         lipgloss.NewStyle().Foreground(dim),

		filterPrompt: lipgloss.NewStyle().Foreground(accent).Bold(true),
		filterText:   lipgloss.NewStyle().Foreground(text),
		accent:       accent,

		searchMatch:   lipgloss.NewStyle().Reverse(true),
		searchCurrent: lipgloss.NewStyle().Background(current).Foreground(ld(lipgloss.Color("#FFFFFF"), lipgloss.Color("#14141A"))).Bold(true),
	}
	s.help = help.Styles{
		ShortKey:       lipgloss.NewStyle().Foreground(hkey),
		ShortDesc:      lipgloss.NewStyle().Foreground(hdesc),
		ShortSeparator: lipgloss.NewStyle().Foreground(faint),
		Ellipsis:       lipgloss.NewStyle().Foreground(faint),
		FullKey:        lipgloss.NewStyle().Foreground(hkey),
		FullDesc:       lipgloss.NewStyle().Foreground(hdesc),
		FullSeparator:  lipgloss.NewStyle().Foreground(faint),
	}
	return s
}

// plainStyles are the NO_COLOR styles: structure comes from bold, underline
// and reverse video only.
func plainStyles() styles {
	plain := lipgloss.NewStyle()
	bold := lipgloss.NewStyle().Bold(true)
	return styles{
		noColor: true,
		name:    bold,
		title:   bold,
		muted:   plain,
		faint:   plain,
		notice:  bold,

		rowTitle:    plain,
		rowTitleSel: lipgloss.NewStyle().Bold(true).Reverse(true),
		rowMeta:     plain,
		rowDesc:     plain,
		bar:         bold,
		match:       lipgloss.NewStyle().Underline(true),
		dim:         plain,

		filterPrompt: bold,
		filterText:   plain,

		searchMatch:   lipgloss.NewStyle().Reverse(true),
		searchCurrent: lipgloss.NewStyle().Reverse(true).Bold(true).Underline(true),

		help: help.Styles{
			ShortKey: bold, ShortDesc: plain, ShortSeparator: plain, Ellipsis: plain,
			FullKey: bold, FullDesc: plain, FullSeparator: plain,
		},
	}
}

// filterInputStyles styles the list filter's text input. The cursor does not
// blink: a blinking cursor redraws the screen twice a second for every
// reader, over SSH, for nothing.
func (s styles) filterInputStyles() textinput.Styles {
	ts := textinput.DefaultStyles(true)
	ts.Focused.Prompt = s.filterPrompt
	ts.Blurred.Prompt = s.filterPrompt
	ts.Focused.Text = s.filterText
	ts.Blurred.Text = s.muted
	ts.Focused.Placeholder = s.muted
	ts.Blurred.Placeholder = s.muted
	ts.Focused.Suggestion = s.muted
	ts.Blurred.Suggestion = s.muted
	ts.Cursor.Blink = false
	ts.Cursor.Color = s.accent // nil without colour: a plain reverse block
	return ts
}
