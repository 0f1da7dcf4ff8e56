package render

import (
	"strings"
	"unicode"

	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
)

// HeadingLines finds each heading in the rendered text, given as plain lines
// (ansi.Strip'd), in order: the index of the line where it starts, or -1
// when it cannot be found. Glamour puts a blank line before a heading, may
// put "##" before it and pad it, and wraps a long one over several lines,
// breaking words anywhere in a narrow window, so text is compared without
// its white space.
func HeadingLines(plain []string, headings []content.Heading) []int {
	out := make([]int, len(headings))
	from := 0
	for i, h := range headings {
		out[i] = -1
		want := squash(h.Text)
		if want == "" {
			continue
		}
		for j := from; j < len(plain); j++ {
			if headingAt(plain, j, want) {
				out[i] = j
				from = j + 1
				break
			}
		}
	}
	return out
}

// headingAt reports whether the heading text want (squashed) starts on
// line j.
func headingAt(plain []string, j int, want string) bool {
	if j > 0 && strings.TrimSpace(plain[j-1]) != "" {
		return false // a heading is a block of its own
	}
	line := strings.TrimSpace(plain[j])
	got := squash(strings.TrimLeft(line, "#"))
	if got == "" && !strings.HasPrefix(line, "#") {
		return false
	}
	// Wrapped: the lines that follow continue it, up to a blank line.
	for k := j + 1; len(got) < len(want) && strings.HasPrefix(want, got) && k < len(plain) && k <= j+8; k++ {
		next := squash(plain[k])
		if next == "" {
			break
		}
		got += next
	}
	return strings.HasPrefix(got, want)
}

// squash drops the white space of s, for comparing text however it was
// wrapped and padded.
func squash(s string) string {
	return strings.Join(strings.FieldsFunc(s, unicode.IsSpace), "")
}

// PlainLines is the rendered text as plain lines: no escape sequences.
func PlainLines(rendered string) []string {
	lines := strings.Split(rendered, "\n")
	for i, l := range lines {
		lines[i] = ansi.Strip(l)
	}
	return lines
}
