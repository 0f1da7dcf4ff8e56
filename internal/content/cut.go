package content

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
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

// closeFence closes a fenced code block that the end of body leaves open,
// so that what follows is not shown as code. goldmark does not say whether
// a block's closing fence is missing, so a line is put after body: if it is
// read as code, the last block is open. Only a block at the top can take a
// line at column 0, so only its opening fence is looked at.
func closeFence(body string) string {
	body = endLine(body)
	const probe = "sshblog-probe\n"
	src := []byte(body + probe)
	root := goldmark.DefaultParser().Parse(text.NewReader(src))
	fb, ok := root.LastChild().(*ast.FencedCodeBlock)
	if !ok || fb.Lines().Len() == 0 || fb.Lines().At(fb.Lines().Len()-1).Stop != len(src) {
		return body
	}
	// The opening fence is the line before the first line of code.
	first := bytes.LastIndexByte(src[:fb.Lines().At(0).Start], '\n')
	open := bytes.TrimLeft(src[bytes.LastIndexByte(src[:first], '\n')+1:first], " ")
	n := len(open) - len(bytes.TrimLeft(open, string(open[:1])))
	return body + string(open[:n]) + "\n"
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
