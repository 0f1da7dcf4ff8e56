package content

import "strings"

// The line-based block scanner that html.go and inline.go still use. The
// Liquid pass finds code with goldmark instead (liquid.go); this file goes
// when those two do.

// lineKind is what a line of Markdown is, as far as the conversions care.
type lineKind uint8

const (
	lineProse      lineKind = iota
	lineFenceOpen           // ``` or ~~~ opening a fenced code block
	lineCode                // inside a fenced code block
	lineFenceClose          // the closing fence
	lineIndented            // an indented code block
)

// blockScanner classifies the lines of a Markdown document, one at a time,
// into prose and code, following CommonMark closely enough for real posts:
// fenced blocks, and indented blocks that do not continue a paragraph or a
// list item.
type blockScanner struct {
	started   bool
	inFence   bool
	fenceChar byte
	fenceLen  int
	canIndent bool // an indented line here starts or continues a code block
	inList    bool // indented lines here belong to a list item
}

func (sc *blockScanner) classify(line string) lineKind {
	if !sc.started {
		sc.started, sc.canIndent = true, true
	}
	if sc.inFence {
		if isFenceClose(line, sc.fenceChar, sc.fenceLen) {
			sc.inFence, sc.canIndent = false, true
			return lineFenceClose
		}
		return lineCode
	}
	ind, rest := indentOf(line)
	if rest == "" {
		sc.canIndent = true
		return lineProse
	}
	if ind >= 4 && sc.canIndent && !sc.inList {
		return lineIndented
	}
	if ch, n, ok := fenceOpen(rest); ok && (ind <= 3 || sc.inList) {
		sc.inFence, sc.fenceChar, sc.fenceLen = true, ch, n
		return lineFenceOpen
	}
	switch {
	case ind <= 3 && isListItem(rest):
		sc.inList = true
	case ind == 0 && sc.canIndent:
		sc.inList = false // a paragraph after a blank line ends the list
	}
	sc.canIndent = false
	return lineProse
}

// afterBlock tells the scanner that a block other than a paragraph just
// ended (an HTML block).
func (sc *blockScanner) afterBlock() {
	sc.started, sc.canIndent = true, true
}

// indentOf measures the indentation of line in columns (a tab reaches the
// next multiple of 4) and returns the rest; rest is "" for a blank line.
func indentOf(line string) (int, string) {
	col := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return col, strings.TrimRight(line[i:], " \t")
		}
	}
	return col, ""
}

// fenceOpen reports whether s (a line without its indentation) opens a
// fenced code block.
func fenceOpen(s string) (ch byte, n int, ok bool) {
	if len(s) < 3 || s[0] != '`' && s[0] != '~' {
		return 0, 0, false
	}
	ch = s[0]
	for n < len(s) && s[n] == ch {
		n++
	}
	if n < 3 || ch == '`' && strings.IndexByte(s[n:], '`') >= 0 {
		return 0, 0, false
	}
	return ch, n, true
}

func isFenceClose(line string, ch byte, n int) bool {
	_, rest := indentOf(line)
	if len(rest) < n {
		return false
	}
	for i := 0; i < len(rest); i++ {
		if rest[i] != ch {
			return false
		}
	}
	return true
}

// isListItem reports whether s (without indentation) starts a list item.
func isListItem(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '-', '*', '+':
		return len(s) == 1 || s[1] == ' ' || s[1] == '\t'
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i >= len(s) || s[i] != '.' && s[i] != ')' {
		return false
	}
	return i+1 == len(s) || s[i+1] == ' ' || s[i+1] == '\t'
}

// lineStarts returns the offset of every line of s, plus len(s).
func lineStarts(s string) []int {
	offs := make([]int, 1, strings.Count(s, "\n")+2)
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		if i < len(s) {
			offs = append(offs, i)
		}
	}
	return append(offs, len(s))
}

// lineAt returns line k of s (without its newline) given lineStarts offs.
func lineAt(s string, offs []int, k int) string {
	return strings.TrimSuffix(s[offs[k]:offs[k+1]], "\n")
}

func runLen(s string, i int, ch byte) int {
	n := 0
	for i+n < len(s) && s[i+n] == ch {
		n++
	}
	return n
}

// codeSpanEnd finds the end of the code span opened by the run of n
// backticks at s[i], within its paragraph.
func codeSpanEnd(s string, i, n int) (int, bool) {
	j := i + n
	win := s[j:min(len(s), j+4*maxTag)]
	if p := strings.Index(win, "\n\n"); p >= 0 {
		win = win[:p]
	}
	for k := 0; k < len(win); {
		m := strings.IndexByte(win[k:], '`')
		if m < 0 {
			return 0, false
		}
		k += m
		r := runLen(win, k, '`')
		if r == n {
			return j + k + r, true
		}
		k += r
	}
	return 0, false
}
