// Package sanitize makes text from strangers (posts, clients) safe to show on a
// terminal: no control characters, no escape sequences, and no character
// references a renderer would turn into them.
package sanitize

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Text removes terminal control characters and escape sequences from s,
// so text from a post (or a client) can never drive a reader's terminal.
// Newlines and tabs are kept; everything else below U+0020, DEL, and the C1
// controls (U+0080–U+009F) go, and so do whole ESC/CSI/OSC/DCS sequences
// (introduced by ESC or by their C1 form, such as U+009B), not just their
// introducer. A sequence never extends past the end of its line, so the line
// count of s is kept. Invalid UTF-8 bytes are dropped.
func Text(s string) string {
	if IsClean(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == 0x1b:
				i = skipEscape(s, i+1)
				continue
			case c == '\n' || c == '\t':
			case c < 0x20 || c == 0x7f:
				i++
				continue
			}
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			i++
		case r >= 0x80 && r <= 0x9f:
			i = skipC1(s, i+size, r)
		default:
			b = append(b, s[i:i+size]...)
			i += size
		}
	}
	return string(b)
}

// Line is Text for one-line values (titles, tags, user names):
// newlines and tabs become spaces, and runs of spaces collapse.
func Line(s string) string {
	s = Text(s)
	if !needsCollapse(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// needsCollapse reports whether strings.Fields and a join would change s:
// it has white space other than single spaces between words.
func needsCollapse(s string) bool {
	if s == "" {
		return false
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ' ':
			if s[i+1] == ' ' {
				return true
			}
		case c < utf8.RuneSelf:
			if asciiSpace[c] {
				return true
			}
		case maySpaceLead[c]:
			if r, _ := utf8.DecodeRuneInString(s[i:]); unicode.IsSpace(r) {
				return true
			}
		}
	}
	return false
}

// asciiSpace are the ASCII characters unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{' ': true, '\n': true, '\t': true, '\r': true, '\v': true, '\f': true}

// maySpaceLead are the lead bytes of every non-ASCII white space character
// (U+0085, U+00A0, U+1680, U+2000–U+205F, U+3000).
var maySpaceLead = [256]bool{0xc2: true, 0xe1: true, 0xe2: true, 0xe3: true}

// skipEscape skips the escape sequence whose ESC was just before s[i] and
// returns the index after it.
func skipEscape(s string, i int) int {
	if i >= len(s) {
		return i
	}
	switch c := s[i]; {
	case c == '[':
		return skipCSI(s, i+1)
	case c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_':
		return skipControlString(s, i+1)
	case c >= 0x20 && c <= 0x2f: // intermediates, then a final byte
		for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
			i++
		}
		if i < len(s) && s[i] >= 0x30 && s[i] <= 0x7e {
			i++
		}
		return i
	case c >= 0x30 && c <= 0x7e:
		return i + 1
	}
	return i // ESC before a control or non-ASCII: drop the ESC alone
}

// skipCSI skips the parameters, intermediates and final byte of a CSI
// sequence starting at s[i].
func skipCSI(s string, i int) int {
	for i < len(s) && s[i] >= 0x30 && s[i] <= 0x3f {
		i++
	}
	for i < len(s) && s[i] >= 0x20 && s[i] <= 0x2f {
		i++
	}
	if i < len(s) && s[i] >= 0x40 && s[i] <= 0x7e {
		i++
	}
	return i
}

// skipControlString skips the body of an OSC, DCS, SOS, PM or APC string up
// to and including its terminator (BEL, ESC \ or U+009C). It stops before a
// newline or another ESC, so a missing terminator costs at most the rest of
// one line.
func skipControlString(s string, i int) int {
	for i < len(s) {
		switch s[i] {
		case 0x07:
			return i + 1
		case '\n':
			return i
		case 0x1b:
			if i+1 < len(s) && s[i+1] == '\\' {
				return i + 2
			}
			return i
		case 0xc2:
			if i+1 < len(s) && s[i+1] == 0x9c {
				return i + 2
			}
		}
		i++
	}
	return i
}

// skipC1 handles a C1 control r that ended just before s[i]: the
// introducers of sequences take their sequence with them.
func skipC1(s string, i int, r rune) int {
	switch r {
	case 0x9b: // CSI
		return skipCSI(s, i)
	case 0x90, 0x98, 0x9d, 0x9e, 0x9f: // DCS, SOS, OSC, PM, APC
		return skipControlString(s, i)
	}
	return i
}

// IsControl reports whether Text removes r: a control character other than
// newline and tab.
func IsControl(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	}
	return false
}

// IsClean is the fast path: most posts hold no control characters at all.
func IsClean(s string) bool {
	return !HasControls(s) && utf8.ValidString(s)
}

// HasControls reports whether s, valid UTF-8, holds a control character
// Text removes.
func HasControls(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; controlByte[c] {
			if c != 0xc2 || i+1 < len(s) && s[i+1] < 0xa0 { // U+0080–U+009F
				return true
			}
		}
	}
	return false
}

// controlByte marks the bytes that are, or may start, a control character.
var controlByte = func() (t [256]bool) {
	for c := range 0x20 {
		t[c] = c != '\n' && c != '\t'
	}
	t[0x7f], t[0xc2] = true, true
	return t
}()

// DropControlRefs removes numeric character references (&#27; &#x9b;) that
// name a control character: a Markdown renderer would decode them into the
// very bytes Text removes. As with the characters themselves, the rest
// of an escape sequence they introduce goes too ("&#27;[31m"). &#9; and
// &#10; (tab, newline) stay.
func DropControlRefs(s string) string {
	i := strings.Index(s, "&#")
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	for i >= 0 {
		end, r, ok := numericRef(s, i)
		if ok && IsControl(r) {
			b = append(b, s[:i]...)
			switch {
			case r == 0x1b:
				end = skipEscape(s, end)
			case r >= 0x80:
				end = skipC1(s, end, r)
			}
			s = s[end:]
		} else {
			b = append(b, s[:i+2]...)
			s = s[i+2:]
		}
		i = strings.Index(s, "&#")
	}
	return string(append(b, s...))
}

// numericRef parses "&#123;" or "&#x7b;" at s[i:], returning the index after
// the semicolon and the character it names.
func numericRef(s string, i int) (end int, r rune, ok bool) {
	j := i + 2
	hex := j < len(s) && (s[j] == 'x' || s[j] == 'X')
	if hex {
		j++
	}
	start := j
	var v int64
	for j < len(s) && j-start < 16 {
		c := s[j]
		var d int64
		switch {
		case c >= '0' && c <= '9':
			d = int64(c - '0')
		case hex && c >= 'a' && c <= 'f':
			d = int64(c-'a') + 10
		case hex && c >= 'A' && c <= 'F':
			d = int64(c-'A') + 10
		default:
			goto done
		}
		if hex {
			v = v*16 + d
		} else {
			v = v*10 + d
		}
		j++
	}
done:
	if j == start || j >= len(s) || s[j] != ';' {
		return 0, 0, false
	}
	if v > utf8.MaxRune {
		return j + 1, utf8.RuneError, true
	}
	return j + 1, rune(v), true
}
