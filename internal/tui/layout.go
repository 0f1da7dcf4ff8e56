package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Default window when the client does not say (or says 0x0).
const (
	defaultWidth  = 80
	defaultHeight = 24
)

// maxReadingWidth caps the width a post is rendered at: lines much longer
// than this are tiring to read, whatever the window.
const maxReadingWidth = 100

// gutter is the blank margin left of every screen, narrowed on small
// windows so that text keeps the room.
func gutter(width int) int {
	switch {
	case width >= 40:
		return 2
	case width >= 20:
		return 1
	}
	return 0
}

// truncate cuts s, which may hold ANSI styles, to at most width columns,
// ending with an ellipsis when something was cut. Columns are measured as
// the terminal does: wide (CJK) characters count two.
func truncate(s string, width int) string {
	if width <= 0 {
		return ""
	}
	if ansi.StringWidth(s) <= width {
		return s
	}
	return ansi.Truncate(s, width, "…")
}

// fit makes s exactly height lines, none wider than width columns: longer
// lines are cut, missing lines are added empty. It is the last guard that
// keeps the terminal from wrapping or scrolling.
func fit(s string, width, height int) string {
	if height <= 0 {
		return ""
	}
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, line := range lines {
		if width <= 0 {
			lines[i] = ""
			continue
		}
		if ansi.StringWidth(line) > width {
			lines[i] = ansi.Truncate(line, width, "")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

// indent puts n spaces in front of every line of s.
func indent(s string, n int) string {
	if n <= 0 {
		return s
	}
	pad := strings.Repeat(" ", n)
	return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
}

// spread lays out left and right on one line width columns wide, with the
// right part flush right; the left part is cut when both do not fit.
func spread(left, right string, width int) string {
	rw := ansi.StringWidth(right)
	if rw >= width {
		return truncate(right, width)
	}
	left = truncate(left, width-rw-1)
	gap := width - ansi.StringWidth(left) - rw
	return left + strings.Repeat(" ", max(1, gap)) + right
}
