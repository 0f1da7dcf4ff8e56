package content

import (
	"html"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// plainInline turns one line of Markdown (a title, a description) into
// plain text for lists: emphasis, code marks, links, images, HTML tags and
// Liquid go, their text stays, and HTML entities are decoded.
func plainInline(s string) string {
	return plainInlineDepth(s, 0)
}

// piece is a run of plain text or of emphasis delimiters.
type piece struct {
	text        string
	delim       byte // '*', '_' or '~' for a delimiter run; 0 for text
	n           int  // delimiters left in the run
	open, close bool
	literal     bool // code or escaped text: entities are not decoded
}

// maxLine bounds a one-line field (a title, a description); longer text
// is cut before it is read.
const maxLine = 8 << 10

func plainInlineDepth(s string, depth int) string {
	if len(s) > maxLine {
		cut := maxLine
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	s = sanitize.Line(s)
	if !strings.ContainsAny(s, "\\`![<{*_~&") {
		return s
	}
	links := strings.Contains(s, "](") || strings.Contains(s, "][")
	var ps []piece
	text := func(t string) {
		if t != "" {
			ps = append(ps, piece{text: t})
		}
	}
	for i := 0; i < len(s); {
		j := strings.IndexAny(s[i:], "\\`![<{*_~")
		if j < 0 {
			text(s[i:])
			break
		}
		text(s[i : i+j])
		i += j
		switch c := s[i]; c {
		case '\\':
			if i+1 < len(s) && isASCIIPunct(s[i+1]) {
				ps = append(ps, piece{text: s[i+1 : i+2], literal: true})
				i += 2
			} else {
				text(`\`)
				i++
			}
		case '`':
			n := runLen(s, i, '`')
			end, ok := codeSpanEnd(s, i, n)
			if !ok {
				text(s[i : i+n])
				i += n
				continue
			}
			inner := s[i+n : end-n]
			if len(inner) >= 2 && inner[0] == ' ' && inner[len(inner)-1] == ' ' && strings.Trim(inner, " ") != "" {
				inner = inner[1 : len(inner)-1]
			}
			ps = append(ps, piece{text: inner, literal: true})
			i = end
		case '!', '[':
			k := i
			if c == '!' {
				if i+1 >= len(s) || s[i+1] != '[' {
					text("!")
					i++
					continue
				}
				k++
			}
			if links && depth < 4 {
				if label, end, ok := linkAt(s, k); ok {
					ps = append(ps, piece{text: plainInlineDepth(label, depth+1), literal: true})
					i = end
					continue
				}
			}
			text(s[i : k+1])
			i = k + 1
		case '<':
			if strings.HasPrefix(s[i:], "<!--") {
				if e := strings.Index(s[i+4:], "-->"); e >= 0 {
					i += 4 + e + 3
					continue
				}
			}
			if t, ok := parseTag(s, i); ok {
				if _, known := elements[t.name]; known {
					if t.name == "br" {
						text(" ")
					}
					i = t.end
					continue
				}
			}
			if e := strings.IndexByte(s[i:min(len(s), i+maxTag)], '>'); e > 0 && isAutolink(s[i+1:i+e]) {
				text(s[i+1 : i+e])
				i += e + 1
				continue
			}
			text("<")
			i++
		case '{':
			if strings.HasPrefix(s[i:], "{%") {
				if _, _, end, ok := liquidTag(s, i); ok {
					i = end
					continue
				}
			}
			if strings.HasPrefix(s[i:], "{{") {
				if end, ok := liquidOutput(s, i); ok {
					i = end
					continue
				}
			}
			text("{")
			i++
		default: // '*', '_', '~'
			n := runLen(s, i, c)
			ps = append(ps, delimiterRun(s, i, n))
			i += n
		}
	}
	matchDelimiters(ps)
	var b strings.Builder
	b.Grow(len(s))
	for _, p := range ps {
		switch {
		case p.delim != 0:
			for range p.n {
				b.WriteByte(p.delim)
			}
		case p.literal:
			b.WriteString(p.text)
		default:
			b.WriteString(html.UnescapeString(p.text))
		}
	}
	return sanitize.Line(b.String())
}

// delimiterRun describes the run of n emphasis characters at s[i], with
// CommonMark's rules for when it can open or close emphasis.
func delimiterRun(s string, i, n int) piece {
	c := s[i]
	prev, next := ' ', ' '
	if i > 0 {
		prev, _ = utf8.DecodeLastRuneInString(s[:i])
	}
	if i+n < len(s) {
		next, _ = utf8.DecodeRuneInString(s[i+n:])
	}
	prevSpace, nextSpace := unicode.IsSpace(prev), unicode.IsSpace(next)
	prevPunct := unicode.IsPunct(prev) || unicode.IsSymbol(prev)
	nextPunct := unicode.IsPunct(next) || unicode.IsSymbol(next)
	left := !nextSpace && (!nextPunct || prevSpace || prevPunct)
	right := !prevSpace && (!prevPunct || nextSpace || nextPunct)
	p := piece{delim: c, n: n}
	switch c {
	case '*':
		p.open, p.close = left, right
	case '_':
		p.open = left && (!right || prevPunct)
		p.close = right && (!left || nextPunct)
	case '~':
		if n != 2 {
			return piece{text: s[i : i+n]}
		}
		p.open, p.close = left, right
	}
	return p
}

// matchDelimiters pairs openers with closers and uses up the delimiters
// of each pair, which are emphasis and not text.
func matchDelimiters(ps []piece) {
	var openers []int
	for k := range ps {
		p := &ps[k]
		if p.delim == 0 {
			continue
		}
		if p.close {
			// Look at the nearest openers only, which bounds the work on
			// text made of delimiters.
			for m := len(openers) - 1; m >= max(0, len(openers)-64); m-- {
				o := &ps[openers[m]]
				if o.delim != p.delim || o.n == 0 || p.delim == '~' && o.n != p.n {
					continue
				}
				use := min(o.n, p.n)
				o.n -= use
				p.n -= use
				idx := openers[m]
				openers = openers[:m]
				if o.n > 0 {
					openers = append(openers, idx)
				}
				break
			}
		}
		if p.n > 0 && p.open {
			openers = append(openers, k)
		}
	}
}

// linkAt parses "[text](target)" or "[text][ref]" at s[i] == '['.
func linkAt(s string, i int) (label string, end int, ok bool) {
	rb := matchBracket(s, i, '[', ']')
	if rb < 0 || rb+1 >= len(s) {
		return "", 0, false
	}
	switch s[rb+1] {
	case '(':
		e := matchBracket(s, rb+1, '(', ')')
		if e < 0 {
			return "", 0, false
		}
		return s[i+1 : rb], e + 1, true
	case '[':
		e := matchBracket(s, rb+1, '[', ']')
		if e < 0 {
			return "", 0, false
		}
		return s[i+1 : rb], e + 1, true
	}
	return "", 0, false
}

// matchBracket finds the bracket closing the one at s[i], skipping escapes.
func matchBracket(s string, i int, open, shut byte) int {
	depth := 0
	for j := i; j < len(s) && j < i+maxTag; j++ {
		switch s[j] {
		case '\\':
			j++
		case open:
			depth++
		case shut:
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// isAutolink reports whether s (between < and >) is a URL or an e-mail
// address, which Markdown shows as a link.
func isAutolink(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t\n<>") {
		return false
	}
	if scheme, _, ok := strings.Cut(s, ":"); ok && len(scheme) >= 2 && len(scheme) <= 32 && isASCIIAlpha(scheme[0]) {
		for i := 0; i < len(scheme); i++ {
			if c := scheme[i]; !isASCIIAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '.' && c != '-' {
				return false
			}
		}
		return true
	}
	at := strings.IndexByte(s, '@')
	return at > 0 && strings.IndexByte(s[at:], '.') > 0
}

func isASCIIPunct(c byte) bool {
	return c >= '!' && c <= '/' || c >= ':' && c <= '@' || c >= '[' && c <= '`' || c >= '{' && c <= '~'
}

// leadingHeading finds a level-one heading ("# Title", or "Title" over
// "=====") before any other text of body, and returns its plain text and
// the body without it.
func leadingHeading(body string) (title, rest string, ok bool) {
	for off := 0; off < len(body); {
		line, next := nextLine(body, off)
		ind, t := indentOf(line)
		if t == "" {
			off = next
			continue
		}
		if ind > 3 {
			return "", body, false
		}
		if t[0] == '#' {
			if len(t) > 1 && t[1] != ' ' && t[1] != '\t' {
				return "", body, false
			}
			h := strings.TrimSpace(t[1:])
			if k := strings.TrimRight(h, "#"); k != h && (k == "" || strings.HasSuffix(k, " ") || strings.HasSuffix(k, "\t")) {
				h = strings.TrimSpace(k)
			}
			if title = plainInline(h); title == "" {
				return "", body, false
			}
			return title, body[next:], true
		}
		if next < len(body) && !startsBlock(t) {
			under, after := nextLine(body, next)
			u := strings.TrimSpace(under)
			if u != "" && strings.Trim(u, "=") == "" {
				if title = plainInline(t); title == "" {
					return "", body, false
				}
				return title, body[after:], true
			}
		}
		return "", body, false
	}
	return "", body, false
}

// nextLine returns the line of s starting at off, without its newline,
// and the offset of the line after it.
func nextLine(s string, off int) (line string, next int) {
	end := strings.IndexByte(s[off:], '\n')
	if end < 0 {
		return s[off:], len(s)
	}
	return s[off : off+end], off + end + 1
}

// startsBlock reports whether a line (without indentation) starts a
// Markdown block other than a paragraph.
func startsBlock(t string) bool {
	if t == "" {
		return false
	}
	switch t[0] {
	case '#', '>', '<', '|':
		return true
	}
	if _, _, ok := fenceOpen(t); ok {
		return true
	}
	return isListItem(t) || isThematicBreak(t)
}

func isThematicBreak(t string) bool {
	if t == "" || t[0] != '-' && t[0] != '*' && t[0] != '_' {
		return false
	}
	n := 0
	for i := 0; i < len(t); i++ {
		switch t[i] {
		case t[0]:
			n++
		case ' ', '\t':
		default:
			return false
		}
	}
	return n >= 3
}

// firstParagraph is the first paragraph of prose in body, as plain text,
// cut at a word boundary to at most limit runes. When the body has no
// paragraph, the first list item or quote stands in.
func firstParagraph(body string, limit int) string {
	var para []string
	fallback := ""
	var sc blockScanner
	table := false // inside a table, skipped
	size := 0
	for off := 0; off < len(body); {
		line, next := nextLine(body, off)
		off = next
		if sc.classify(line) != lineProse {
			if len(para) > 0 {
				break
			}
			continue
		}
		_, t := indentOf(line)
		switch {
		case t == "":
			if len(para) > 0 {
				return cutWords(plainInline(strings.Join(para, " ")), limit)
			}
			table = false
			continue
		case table:
			continue
		case len(para) > 0 && (strings.Trim(t, "=") == "" || strings.Trim(t, "-") == ""):
			para = para[:0] // the "paragraph" was a heading underlined with === or ---
			continue
		case len(para) > 0 && isTableDelimiter(t):
			para, table = para[:0], true // it was the header of a table
			continue
		case startsBlock(t) || isReference(t) || isImageLine(t):
			if len(para) > 0 {
				return cutWords(plainInline(strings.Join(para, " ")), limit)
			}
			if fallback == "" && (t[0] == '>' || isListItem(t)) {
				fallback = strings.TrimLeft(t, ">-*+0123456789.) \t")
			}
			continue
		}
		para = append(para, strings.TrimRight(strings.TrimSuffix(t, `\`), " "))
		if size += len(t); size > 16*limit {
			break // far more than a description needs
		}
	}
	if len(para) == 0 {
		para = append(para, fallback)
	}
	return cutWords(plainInline(strings.Join(para, " ")), limit)
}

// isTableDelimiter reports a table's delimiter row, such as "|---|:--:|".
func isTableDelimiter(t string) bool {
	return strings.Contains(t, "-") && strings.Trim(t, "|-: \t") == "" && (strings.Contains(t, "|") || strings.Contains(t, ":"))
}

// isReference reports a link reference definition or footnote, "[x]: url".
func isReference(t string) bool {
	if !strings.HasPrefix(t, "[") {
		return false
	}
	e := matchBracket(t, 0, '[', ']')
	return e > 0 && e+1 < len(t) && t[e+1] == ':'
}

// isImageLine reports a line holding nothing but an image (or a linked
// one), which says nothing in a description.
func isImageLine(t string) bool {
	if strings.HasPrefix(t, "[![") {
		t = t[1:]
	}
	if !strings.HasPrefix(t, "![") {
		return false
	}
	_, end, ok := linkAt(t, 1)
	return ok && (end == len(t) || strings.HasPrefix(t[end:], "](") && strings.HasSuffix(t, ")"))
}

// cutWords shortens s to at most limit runes, at a word boundary, with an
// ellipsis when something was cut.
func cutWords(s string, limit int) string {
	cut, space, n := -1, -1, 0 // byte offsets of rune limit-1 and of the last space after rune limit/2
	for i, r := range s {
		if n == limit-1 {
			cut = i
		}
		if n == limit {
			if space >= 0 {
				cut = space
			}
			return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + "…"
		}
		if n > limit/2 && unicode.IsSpace(r) {
			space = i
		}
		n++
	}
	return s
}
