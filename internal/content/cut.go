package content

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// cutAtLine returns the start of s that ends with the last line end within
// its first limit bytes. When there is none (a first line longer than
// limit), it cuts before the character that would cross limit instead.
// The rest of a line is never kept: when s is the start of a longer text,
// its last line may be incomplete.
func cutAtLine(s string, limit int) string {
	if len(s) > limit {
		for limit > 0 && !utf8.RuneStart(s[limit]) {
			limit--
		}
		s = s[:limit]
	}
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[:i+1]
	}
	return s
}

// trimPartialRune drops an incomplete UTF-8 sequence from the end of data,
// which a read that stopped at a byte count can leave.
func trimPartialRune(data []byte) []byte {
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				return data[:i]
			}
			break
		}
	}
	return data
}

// appendParagraph adds a paragraph at the end of Markdown text.
func appendParagraph(s, para string) string {
	if s = endLine(s); s != "" {
		s += "\n"
	}
	return s + para + "\n"
}

// endLine ends s with a newline unless it is empty or has one.
func endLine(s string) string {
	if s != "" && !strings.HasSuffix(s, "\n") {
		return s + "\n"
	}
	return s
}

// cutNote is the paragraph that ends a post cut at MaxPostBytes; kb is the
// size of its file, or what was read of it when over.
func cutNote(kb int, over bool) string {
	size := fmt.Sprintf("%d KB", kb)
	if over {
		size = "over " + size
	}
	return fmt.Sprintf("This post is longer than sshblog shows (%s); the rest is in its source file.", size)
}
