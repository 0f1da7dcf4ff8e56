package content

import (
	"testing"

	"github.com/sshblog/sshblog/internal/sanitize"
)

func TestTransformLiquid(t *testing.T) {
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
		{"unclosed highlight", "{% highlight go %}\nx\n", "```go\nx\n```\n"},
		{"hugo highlight", "{{< highlight go \"linenos=table\" >}}\nx\n{{< / highlight >}}\n", "```go\nx\n```\n"},
		{"raw block", "{% raw %}\n{{ x }} {% y %}\n{% endraw %}\n", "{{ x }} {% y %}\n"},
		{"raw inline", "a {% raw %}{{ x }}{% endraw %} b\n", "a {{ x }} b\n"},
		{"raw around a fence", "{% raw %}\n```\n{{ x }}\n```\n{% endraw %}\n", "```\n{{ x }}\n```\n"},
		{"raw across a fence", "{% raw %}\n```\nx\n```\n{{ y }}\n{% endraw %}\n", "```\nx\n```\n{{ y }}\n"},
		{"comment", "a\n{% comment %}\nsecret {{ x }}\n{% endcomment %}\nb\n", "a\nb\n"},
		{"nested comment", "a{% comment %}x{% comment %}y{% endcomment %}z{% endcomment %}b\n", "ab\n"},
		{"comment hides code", "{% comment %}\n```\ncode\n```\n{% endcomment %}\nb\n", "b\n"},
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
		{"kramdown attributes", "[a](b){:target=\"_blank\"} c\n{: .note #id}\n> q\n", "[a](b) c\n> q\n"},
		{"kramdown toc", "* TOC\n{:toc}\n\ntext\n", "\ntext\n"},
		{"braces that are not kramdown", "a {:>10} b\n", "a {:>10} b\n"},
		{"no final newline", "a {{ x }}", "a "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := transformBody(tt.in, false); got != tt.want {
				t.Errorf("transformBody(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

// Hugo does not run Liquid: in a post with TOML front matter only
// shortcodes go.
func TestTransformHugo(t *testing.T) {
	in := "Use {{ .Title }}, {% x %} and {: .c}.\n{{< figure src=\"x\" >}}\n{{% note %}}n{{% /note %}}\n" +
		"{% highlight go %}\n```\n{% raw %}{{</* y */>}}\n```\n{{< highlight sh >}}\nls\n{{< /highlight >}}\n"
	want := "Use {{ .Title }}, {% x %} and {: .c}.\nn\n" +
		"{% highlight go %}\n```\n{% raw %}{{< y >}}\n```\n```sh\nls\n```\n"
	if got := transformBody(in, true); got != want {
		t.Errorf("transformBody(hugo)\n got %q\nwant %q", got, want)
	}
}

func TestTransformHTML(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"paragraphs", "<p>One  <b>two</b></p>\n<p>Three\n  four</p>\n", "One two\n\nThree four\n\n"},
		{"line breaks", "<div>a<br>b<br/>c</div>\n", "a\\\nb\\\nc\n\n"},
		{"links and images", "<div><a href=\"https://x.y/a b\">the <em>x</em></a> <img src=\"i.png\" alt=\"an  image\"></div>\n",
			"[the x](https://x.y/a%20b) ![an image](i.png)\n\n"},
		{"empty link text", "<div><a href=\"https://x.y\"></a></div>\n", "[https://x.y](https://x.y)\n\n"},
		{"javascript link", "<div><a href=\"javascript:alert(1)\">click</a></div>\n", "click\n\n"},
		{"script and style go", "<script>\nvar a = '<p>x</p>';\n</script>\n<style>p{}</style>\n\nafter\n", "\nafter\n"},
		{"comment goes", "a\n\n<!-- x\n\ny -->\n\nb\n", "a\n\n\nb\n"},
		{"inline comment goes", "a <!--more--> b\n", "a  b\n"},
		{"lists", "<ul>\n<li>a</li>\n<li><p>b</p></li>\n</ul>\n<ol><li>x</li><li>y</li></ol>\n",
			"- a\n- b\n\n1. x\n2. y\n\n"},
		{"headings", "<h2>Sub <i>title</i></h2>\n<p>text</p>\n", "## Sub title\n\ntext\n\n"},
		{"blockquote", "<blockquote><p>q</p></blockquote>\n", "> q\n\n"},
		{"table", "<table><tr><th>a</th><th>b|c</th></tr><tr><td>1<br>2</td></tr></table>\n",
			"| a | b\\|c |\n| --- | --- |\n| 1 2 |  |\n\n"},
		{"layout table", "<table><tr><td>only</td></tr></table>\n", "only\n\n"},
		{"pre", "<pre class=\"language-go\">x &lt; y &amp;&amp; <b>z</b></pre>\n", "```go\nx < y && z\n```\n\n"},
		{"pre with code and blank lines", "<pre><code class=\"lang-sh\">\na\n\nb\n</code></pre>\n", "```sh\na\n\nb\n```\n\n"},
		{"iframe", "<iframe src=\"https://www.youtube.com/embed/x\" title=\"A talk\"></iframe>\n", "[A talk](https://www.youtube.com/embed/x)\n\n"},
		{"entities stay for the renderer", "<p>Tom &amp; Jerry</p>\n", "Tom &amp; Jerry\n\n"},
		{"text that looks like Markdown", "<p># not a heading</p><p>1. not a list</p>\n", "\\# not a heading\n\n1\\. not a list\n\n"},
		{"indented HTML is not code", "<div>\n        <p>deep</p>\n</div>\n", "deep\n\n"},
		{"inline tags", "Press <kbd>Ctrl</kbd>+<kbd>C</kbd>, <span style=\"x\">ok</span>.\n", "Press Ctrl+C, ok.\n"},
		{"inline link", "See <a href=\"/x\">this</a>.\n", "See [this](/x).\n"},
		{"inline br", "a<br>b\nc<br>\nd<br>\n\ne\n", "a\\\nb\nc\\\nd\n\ne\n"},
		{"inline br in a table row", "| a<br>b | c |\n", "| a b | c |\n"},
		{"not tags", "Vec<T> and a < b and <https://x.y> and <me@x.y>\n", "Vec<T> and a < b and <https://x.y> and <me@x.y>\n"},
		{"code untouched", "`<b>x</b>`\n\n```html\n<div>\n<p>x</p>\n</div>\n```\n\n    <div>indented</div>\n",
			"`<b>x</b>`\n\n```html\n<div>\n<p>x</p>\n</div>\n```\n\n    <div>indented</div>\n"},
		{"html block after a list keeps the list", "- a\n\n<div>b</div>\n\n- c\n", "- a\n\nb\n\n\n- c\n"},
		{"details", "<details>\n<summary>More</summary>\n\n```go\nx\n```\n\n</details>\n", "More\n\n\n```go\nx\n```\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := transformBody(tt.in, false); got != tt.want {
				t.Errorf("transformBody(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

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
		if got := sanitize.DropControlRefs(tt.in); got != tt.want {
			t.Errorf("sanitize.DropControlRefs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"my-first_post", "my-first_post"},
		{"Hello, World!", "hello-world"},
		{"  spaced  out  ", "spaced-out"},
		{"한글 제목", "한글-제목"},
		{"हिन्दी", "हिन्दी"},        // combining marks stay
		{"\u1112\u1161\u11ab", "한"}, // NFD (macOS file names) becomes NFC
		{"C++ & Go", "c-go"},
		{"!!!", ""},
	}
	for _, tt := range tests {
		if got := slugify(tt.in); got != tt.want {
			t.Errorf("slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
