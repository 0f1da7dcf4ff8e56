package content

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sshblog/sshblog/internal/sanitize"
)

func TestExpandLiquid(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"output and tags go", "Hi {{ page.title }} and {% include x.html a=\"b\" %}.\n", "Hi  and .\n"},
		{"a line of tags only goes", "a\n{% if x %}\nb\n{%- endif -%}\nc\n", "a\nb\nc\n"},
		{"unclosed tag is text", "a {% b and {{ c\n", "a {% b and {{ c\n"},
		{"tag across lines", "a\n{% include x.html\n   y=1 %}\nb\n", "a\nb\n"},
		{"highlight", "{% highlight go linenos %}\nx := 1\n{% endhighlight %}\n", "```go\nx := 1\n```\n"},
		{"highlight on one line", "{% highlight sh %}ls{% endhighlight %}\n", "```sh\nls\n```\n"},
		{"highlight end after code", "{% highlight sh %}\nls\npwd{% endhighlight %}\n", "```sh\nls\npwd\n```\n"},
		{"highlight holding a fence", "{% highlight md %}\n```\nx\n```\n{% endhighlight %}\n", "````md\n```\nx\n```\n````\n"},
		{"highlight keeps liquid", "{% highlight liquid %}\n{{ x }} {% if %}\n{% endhighlight %}\n", "```liquid\n{{ x }} {% if %}\n```\n"},
		{"highlight loses raw markers", "{% highlight liquid %}\n{% raw %}\n{{ x }}{% endraw %}\n{% endhighlight %}\n", "```liquid\n{{ x }}\n```\n"},
		{"unclosed highlight", "{% highlight go %}\nx\n", "```go\nx\n```\n"},
		{"hugo highlight", "{{< highlight go \"linenos=table\" >}}\nx\n{{< / highlight >}}\n", "```go\nx\n```\n"},
		{"raw block", "{% raw %}\n{{ x }} {% y %}\n{% endraw %}\n", "{{ x }} {% y %}\n"},
		{"raw inline", "a {% raw %}{{ x }}{% endraw %} b\n", "a {{ x }} b\n"},
		{"raw around a fence", "{% raw %}\n```\n{{ x }}\n```\n{% endraw %}\n", "```\n{{ x }}\n```\n"},
		{"raw across a fence", "{% raw %}\n```\nx\n```\n{{ y }}\n{% endraw %}\n", "```\nx\n```\n{{ y }}\n"},
		{"raw around a highlight", "{% raw %}\n{% highlight go %}\nx\n{% endhighlight %}\n{% endraw %}\n", "{% highlight go %}\nx\n{% endhighlight %}\n"},
		{"comment", "a\n{% comment %}\nsecret {{ x }}\n{% endcomment %}\nb\n", "a\nb\n"},
		{"nested comment", "a{% comment %}x{% comment %}y{% endcomment %}z{% endcomment %}b\n", "ab\n"},
		{"comment hides code", "{% comment %}\n```\ncode\n```\n{% endcomment %}\nb\n", "b\n"},
		{"comment hides a highlight", "{% comment %}\n{% highlight go %}\nx\n{% endhighlight %}\n{% endcomment %}\nb\n", "b\n"},
		{"capture", "{% capture x %}hidden{% endcapture %}shown\n", "shown\n"},
		{"fenced code untouched", "```\n{{ x }} {% y %}\n```\n", "```\n{{ x }} {% y %}\n```\n"},
		{"fenced code loses raw markers", "```\n{% raw %}{{ x }}{% endraw %}\n{% raw %}\n```\n", "```\n{{ x }}\n```\n"},
		{"tilde fence", "~~~\n{{ x }}\n~~~\n{{ y }}\n", "~~~\n{{ x }}\n~~~\n"},
		{"indented code untouched", "a\n\n    {{ x }}\n\nb {{ y }}\n", "a\n\n    {{ x }}\n\nb \n"},
		{"indented list text is not code", "- a\n\n    more {{ x }}\n", "- a\n\n    more \n"},
		{"code span untouched", "`{{ x }}` and `` {% y %} ``\n", "`{{ x }}` and `` {% y %} ``\n"},
		{"code span loses raw markers", "`{% raw %}{{ x }}{% endraw %}`\n", "`{{ x }}`\n"},
		{"hugo shortcodes", "{{< figure src=\"x\" >}}\n{{% notice %}}\nkept\n{{% /notice %}}\n", "kept\n"},
		{"hugo escaped shortcode", "`{{</* x */>}}` and {{%/* y */%}}\n", "`{{< x >}}` and {{% y %}}\n"},
		{"kramdown is not Liquid", "[a](b){:target=\"_blank\"} {{ c }}\n{: .note}\n", "[a](b){:target=\"_blank\"} \n{: .note}\n"},
		{"no final newline", "a {{ x }}", "a "},
		{"no liquid", "plain `code` and {braces}\n", "plain `code` and {braces}\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := expandLiquid(tt.in, false); got != tt.want {
				t.Errorf("expandLiquid(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// goldmark, not a line scanner of our own, says what is code; most of
// these are where the scanner the Liquid pass had was wrong.
func TestExpandLiquidCodeAsGoldmarkSeesIt(t *testing.T) {
	tests := []struct{ name, in, want string }{
		// Code: Liquid stays as written.
		{"fence on a list item's line", "- ```\n  {{ x }}\n  ```\n", "- ```\n  {{ x }}\n  ```\n"},
		{"fence in a nested list item", "- a\n  - ```\n    {% y %}\n    ```\n", "- a\n  - ```\n    {% y %}\n    ```\n"},
		{"fence in a blockquote", "> ```\n> {{ x }} {% y %}\n> ```\n", "> ```\n> {{ x }} {% y %}\n> ```\n"},
		{"raw marker line in a quoted fence", "> ```\n> {% raw %}\n> {{ x }}\n> ```\n", "> ```\n> {{ x }}\n> ```\n"},
		{"indented code in a list item", "1. a\n\n        {{ x }}\n", "1. a\n\n        {{ x }}\n"},
		{"indented code after a list and a quote", "1. a\n> q\n\n    {{ x }}\n", "1. a\n> q\n\n    {{ x }}\n"},
		{"indented code after a list and a fence", "- a\n```\nb\n```\n\n    {{ x }}\n", "- a\n```\nb\n```\n\n    {{ x }}\n"},
		{"code span across a line break", "Use `{{ site.url\n}}/feed` here.\n", "Use `{{ site.url\n}}/feed` here.\n"},
		{"code span across quoted lines", "> `{{ a\n> b }}` {{ c }}\n", "> `{{ a\n> b }}` \n"},
		{"code span in a table cell", "| a | b |\n| - | - |\n| `{{ x }}` | {{ y }} |\n", "| a | b |\n| - | - |\n| `{{ x }}` |  |\n"},
		{"fence in a footnote", "a[^1]\n\n[^1]: n\n\n    ```\n    {{ x }}\n    ```\n", "a[^1]\n\n[^1]: n\n\n    ```\n    {{ x }}\n    ```\n"},
		{"a tag starting in code is left alone", "`{{ x` }}\n", "`{{ x` }}\n"},
		// Not code, though a line scanner would take it for code: Liquid goes.
		{"escaped backticks", "\\`{{ x }}\\`\n", "\\`\\`\n"},
		{"backticks in an HTML attribute", "<a title=\"`\">{{ x }}</a> `y`\n", "<a title=\"`\"></a> `y`\n"},
		{"fence in an HTML block", "<div>\n```\n{{ x }}\n```\n</div>\n", "<div>\n```\n```\n</div>\n"},
		// Liquid runs before Markdown: a tag that starts in prose ends where
		// Liquid says, whatever goldmark made of its text.
		{"a tag in prose takes a code span in it", "{% include x.html t=\"`a`\" %} b\n", " b\n"},
		{"a comment takes code in it", "{% comment %}\n```\n{% endcomment %}\n```\n{{ x }}\n", "```\n"},
		// Highlight blocks are blocks to goldmark too.
		{"highlight in a list item", "1. Run:\n\n   {% highlight sh %}\n   ls\n   {% endhighlight %}\n\n2. Done {{ x }}\n",
			"1. Run:\n\n   ```sh\n   ls\n   ```\n\n2. Done \n"},
		{"highlight holding an unclosed fence", "{% highlight md %}\n```\n{{ x }}\n{% endhighlight %}\n{{ y }}\n`z`\n",
			"````md\n```\n{{ x }}\n````\n`z`\n"},
		{"highlight holding indented lines", "{% highlight py %}\nif x:\n\n    {{ y }}\n{% endhighlight %} then {{ z }} `{{ w }}`\n",
			"```py\nif x:\n\n    {{ y }}\n```\nthen  `{{ w }}`\n"},
		{"highlight in code is code", "```\n{% highlight go %}\n```\n", "```\n{% highlight go %}\n```\n"},
		{"highlight in a blockquote is only tags", "> {% highlight go %}\n> x\n", "> \n> x\n"},
		{"highlight ended by its list item", "- {{ a }}\n\n  {% highlight sh %}\n  ls\nb {{ c }}\n",
			"- \n\n  ```sh\n  ls\n  ```\nb \n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := expandLiquid(tt.in, false); got != tt.want {
				t.Errorf("expandLiquid(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// Hugo does not run Liquid: in a post with TOML front matter only
// shortcodes go.
func TestExpandLiquidHugo(t *testing.T) {
	in := "Use {{ .Title }}, {% x %} and {: .c}.\n{{< figure src=\"x\" >}}\n{{% note %}}n{{% /note %}}\n" +
		"{% highlight go %}\n```\n{% raw %}{{</* y */>}}\n```\n{{< highlight sh >}}\nls\n{{< /highlight >}}\n"
	want := "Use {{ .Title }}, {% x %} and {: .c}.\nn\n" +
		"{% highlight go %}\n```\n{% raw %}{{< y >}}\n```\n```sh\nls\n```\n"
	if got := expandLiquid(in, true); got != want {
		t.Errorf("expandLiquid(hugo)\n got %q\nwant %q", got, want)
	}
}

// FuzzExpandLiquid: no input panics; valid UTF-8 stays valid; nothing a
// terminal acts on appears that was not there; the body grows by little
// (parsePost cuts it again, but only by what fits); a body without "{%"
// and "{{" is returned as it is.
//
//	go test -run XXX -fuzz FuzzExpandLiquid -fuzztime 60s ./internal/content/
func FuzzExpandLiquid(f *testing.F) {
	for _, s := range []string{
		"{% highlight go %}\n```\nx\n{% endhighlight %}\n", "- ```\n  {{ x }}\n", "> `{{ a\n> b }}`",
		"{% raw %}`{% endraw %}`{{ x }}", "{% comment %}\n```\n{% endcomment %}\n```\n", "{{< highlight x >}}\ty{{< /highlight >}} z",
		"1. a\n\n   {% highlight sh %}\n\tls\nb", "\t{% raw %}\n\t\t{% raw %}", "[^1]: {{ x }}\n\n    `{%`",
	} {
		f.Add(s, false)
		f.Add(s, true)
	}
	f.Fuzz(func(t *testing.T, in string, hugo bool) {
		got := expandLiquid(in, hugo)
		if utf8.ValidString(in) && !utf8.ValidString(got) {
			t.Fatalf("expandLiquid(%q) = %q: invalid UTF-8", in, got)
		}
		if sanitize.IsClean(in) && !sanitize.IsClean(got) {
			t.Fatalf("expandLiquid(%q) = %q holds a control character", in, got)
		}
		if len(got) > 3*len(in)+8 {
			t.Fatalf("expandLiquid(%q) grew to %d bytes", in, len(got))
		}
		if !strings.Contains(in, "{%") && !strings.Contains(in, "{{") && got != in {
			t.Fatalf("expandLiquid(%q) = %q, but there is no Liquid", in, got)
		}
		if rs := codeRegions(in, hugo); !mayHoldCode(in) && len(rs) > 0 {
			t.Fatalf("mayHoldCode(%q) is false, but goldmark finds code at %d", in, rs[0].start)
		}
	})
}

// BenchmarkExpandLiquid runs the Liquid pass over the bodies of
// BenchmarkLoad10000's posts (most hold some Liquid):
//
//	go test -run XXX -bench ExpandLiquid -benchmem ./internal/content/
func BenchmarkExpandLiquid(b *testing.B) {
	fsys, size := benchPosts(1000)
	var bodies []string
	for _, f := range fsys {
		bodies = append(bodies, string(f.Data))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, s := range bodies {
			expandLiquid(s, false)
		}
	}
}
