package tui

import (
	"fmt"
	"strings"
	"unicode"

	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/locale"
)

// match is one occurrence of the search in the rendered text: columns
// [start, end) of a line, counted as the terminal counts them (a Korean
// syllable is two columns).
type match struct {
	line, start, end int
}

// search is the reader's search: the query being typed or applied, and
// where it matches in the text on screen.
type search struct {
	keys   searchKeyMap
	t      *locale.Messages
	input  textinput.Model
	typing bool   // the query is being typed: keys are text
	query  string // what the matches are for; "" when there is no search

	matches []match
	cur     int // the current match, or -1
	origin  int // the scroll position when "/" was pressed, for esc
}

func newSearch(st *styles, t *locale.Messages) search {
	in := textinput.New()
	in.Prompt = "/ "
	in.Placeholder = t.SearchHint
	in.CharLimit = 100
	in.SetStyles(st.filterInputStyles())
	return search{keys: newSearchKeyMap(t), t: t, input: in, cur: -1}
}

// active reports whether a search is applied: its matches are shown and n
// and N move between them.
func (s *search) active() bool { return !s.typing && s.query != "" }

// shown reports whether matches are highlighted: while typing too, so
// that the reader sees what the query finds as it grows.
func (s *search) shown() bool { return s.query != "" }

// clear ends the search.
func (s *search) clear() {
	s.typing = false
	s.query = ""
	s.matches = nil
	s.cur = -1
	s.input.Reset()
	s.input.Blur()
}

// status is the footer's account of the search: "match 3 of 12".
func (s *search) status() string {
	switch {
	case s.query == "":
		return ""
	case len(s.matches) == 0:
		return s.t.NoMatch
	case s.cur < 0:
		return s.t.Matches.N(len(s.matches))
	}
	return fmt.Sprintf(s.t.MatchOf, s.cur+1, len(s.matches))
}

// findMatches finds query in the plain lines, ignoring case. Matches do not
// span lines (the text is wrapped for the window, so a phrase cut by the
// wrap is not found) and do not overlap.
func findMatches(plain []string, query string) []match {
	q := lowerRunes(query)
	if len(q) == 0 {
		return nil
	}
	var out []match
	var lower []rune
	var offs []int
	for i, line := range plain {
		if line == "" {
			continue
		}
		lower, offs = lower[:0], offs[:0]
		for off, r := range line {
			lower = append(lower, unicode.ToLower(r))
			offs = append(offs, off)
		}
		offs = append(offs, len(line))
		for k := 0; k+len(q) <= len(lower); {
			if !runesEqual(lower[k:k+len(q)], q) {
				k++
				continue
			}
			start := ansi.StringWidth(line[:offs[k]])
			end := start + ansi.StringWidth(line[offs[k]:offs[k+len(q)]])
			if end > start {
				out = append(out, match{line: i, start: start, end: end})
			}
			k += len(q)
		}
	}
	return out
}

func lowerRunes(s string) []rune {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		out = append(out, unicode.ToLower(r))
	}
	return out
}

func runesEqual(a, b []rune) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// highlightLine re-styles the cells of ms (all on this line, in order) in
// a styled line: the rest of the line keeps its styles, the matched cells
// get style, or cur for the current match, and stay inside the hyperlink
// they are part of. Cells are cut as the terminal counts them, so wide
// characters stay whole.
func highlightLine(line string, ms []match, curIdx int, style, cur lipgloss.Style) string {
	plain := ansi.Strip(line)
	var b strings.Builder
	last := 0
	for i, m := range ms {
		if m.start > last {
			b.WriteString(ansi.Cut(line, last, m.start))
		}
		st := style
		if i == curIdx {
			st = cur
		}
		text := st.Render(ansi.Cut(plain, m.start, m.end))
		if link := linkAt(line, m.start); link != "" {
			text = link + text + ansi.ResetHyperlink()
		}
		b.WriteString(text)
		last = m.end
	}
	b.WriteString(ansi.TruncateLeft(line, last, ""))
	return b.String()
}

// linkAt is the OSC 8 sequence that opened the hyperlink the cell at col
// is part of, or "" when it is in none.
func linkAt(line string, col int) string {
	var state byte
	open := ""
	w := 0
	for s := line; s != ""; {
		seq, width, n, newState := ansi.DecodeSequence(s, state, nil)
		if n <= 0 {
			break
		}
		if width > 0 {
			if w+width > col {
				return open
			}
			w += width
		} else if strings.HasPrefix(seq, "\x1b]8;") {
			body := strings.TrimSuffix(strings.TrimSuffix(seq[4:], "\a"), "\x1b\\")
			if _, uri, _ := strings.Cut(body, ";"); uri != "" {
				open = seq
			} else {
				open = ""
			}
		}
		state = newState
		s = s[n:]
	}
	return ""
}
