package sanitize

import (
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text\n\twith tab", "plain text\n\twith tab"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"\x1b[1;2;38;5;208mx", "x"},
		{"a\x1b]8;;https://evil\x07link\x1b]8;;\x07b", "alinkb"},
		{"a\x1b]52;c;ZXZpbA==\x1b\\b", "ab"},
		{"a\x1b]0;unterminated\nnext line", "a\nnext line"},
		{"a\x1bPdcs string\x1b\\b", "ab"},
		{"a\x1b7b\x1b(Bc\x1bcd", "abcd"},
		{"a\u009b31mb\u009d0;t\u009cc", "abc"},
		{"a\u0085b\u0090q\u009cc", "abc"},
		{"bell\a back\bspace\x7f cr\r nul\x00", "bell backspace cr nul"},
		{"bad \xff\xfe utf8 \xc3", "bad  utf8 "},
		{"\x1b", ""},
		{"\x1b[", ""},
		{"한글 \u00a0 ok", "한글 \u00a0 ok"},
	}
	for _, tt := range tests {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := Line(" a\n\tb \x1b[1m c\u00a0d "); got != "a b c d" {
		t.Errorf("SanitizeLine = %q", got)
	}
}

// Load gives the same result however its parallel parsing is scheduled.

// Numeric character references to control characters would come back as
// escape sequences once a Markdown renderer decodes them.
func TestControlReferences(t *testing.T) {
	tests := []struct{ in, want string }{
		{"a &#27;[31mred&#x1B;[0m b", "a red b"},
		{"&#x9b;31mx &#155;1m", "x "},
		{"&#x9d;8;;http://x&#7;link\nnext", "\nnext"},
		{"&#0000027;[2J&#13;&#127;", ""},
		{"keep &#10; &#9; &#65; &amp; &#x263A; &#", "keep &#10; &#9; &#65; &amp; &#x263A; &#"},
		{"&#99999999999999999999;", "&#99999999999999999999;"},
	}
	for _, tt := range tests {
		if got := DropControlRefs(tt.in); got != tt.want {
			t.Errorf("DropControlRefs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
