package content

import (
	"strconv"
	"strings"
	"testing"
)

// Hugo 0.111 was run on a site holding these shortcodes: they run inside
// fenced code and code spans too, {{</* x */>}} shows as {{< x >}} there as
// elsewhere, and an unclosed highlight, a ref to no page, a stray closing
// tag, a closing tag for youtube and mixed parameters each fail the build.
func TestExpandShortcodes(t *testing.T) {
	ref := func(target string) (string, bool) {
		switch target {
		case "other.md", "posts/other.md", "/posts/other", "other":
			return "other", true
		case "posts/2017-03-30-word2vec.md":
			return "2017-03-30-word2vec", true
		}
		return "", false
	}
	for _, tc := range []struct {
		name, in, want string
		problems       []string // each a part of one problem's message, "@N" its line
	}{
		{name: "none", in: "plain {{ .Title }} text {% raw %}", want: "plain {{ .Title }} text {% raw %}"},
		{name: "figure block", in: "{{< figure src=\"/img/a.png\" title=\"T\" caption=\"Cap *em*\" alt=\"Alt\" >}}\n\nnext",
			want: "![Alt](/img/a.png)\n\n**T** — Cap *em*\n\nnext"},
		{name: "figure all", in: "{{< figure src=\"/a b.png\" link=\"https://ex.com\" caption=\"C\" attr=\"Me\" attrlink=\"https://me.com\" >}}",
			want: "![C](</a b.png>)\n\nC — [Me](https://me.com) — [link](https://ex.com)"},
		{name: "figure inline", in: "Fig: {{< figure src=a.png caption=\"A [x]\" >}} after",
			want: "Fig: ![A \\[x\\]](a.png) A [x] after"},
		{name: "figure only src", in: "{{< figure src=\"a.png\" >}}", want: "![](a.png)"},
		{name: "figure in list", in: "- item\n  {{< figure src=a.png title=T >}}",
			want: "- item\n  ![T](a.png)\n\n  **T**"},
		{name: "youtube", in: "{{< youtube w7Ft2ymGmfc >}}", want: "[YouTube: w7Ft2ymGmfc](https://www.youtube.com/watch?v=w7Ft2ymGmfc)"},
		{name: "youtube named", in: `{{< youtube id="abc" title="My [talk]" autoplay="true" >}}`, want: `[YouTube: My \[talk\]](https://www.youtube.com/watch?v=abc)`},
		{name: "youtube no id", in: "a {{< youtube >}} b", want: "a  b", problems: []string{"@10|youtube needs the video's id"}},
		{name: "vimeo", in: "{{< vimeo 146022717 >}}", want: "[Vimeo: 146022717](https://vimeo.com/146022717)"},
		{name: "vimeo title", in: `{{< vimeo id="1" title="Talk" >}} {{< vimeo 2 cls "Pos" >}}`,
			want: "[Vimeo: Talk](https://vimeo.com/1) [Vimeo: Pos](https://vimeo.com/2)"},
		{name: "gist", in: `{{< gist spf13 7896402 "img.html" >}} {{< gist spf13 7896402 >}}`,
			want: "[Gist spf13/7896402: img.html](https://gist.github.com/spf13/7896402) [Gist spf13/7896402](https://gist.github.com/spf13/7896402)"},
		{name: "tweet", in: `{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}`,
			want: "[Post by @SanDiegoZoo on X](https://x.com/SanDiegoZoo/status/1453110110599868418)"},
		{name: "tweet positional", in: `{{< tweet 877500564405444608 >}} {{< x user=a id=1 >}}`,
			want: "[Post 877500564405444608 on X](https://x.com/i/status/877500564405444608) [Post by @a on X](https://x.com/a/status/1)"},
		{name: "instagram", in: `{{< instagram BWNjjyYFxVx hidecaption >}}`, want: "[Instagram post BWNjjyYFxVx](https://www.instagram.com/p/BWNjjyYFxVx/)"},
		{name: "ref in link", in: `[other]({{< ref "other.md" >}}) and [w]({{< relref "posts/2017-03-30-word2vec.md#intro" >}})`,
			want: "[other](sshblog:other) and [w](sshblog:2017-03-30-word2vec)"},
		{name: "ref bare", in: `see {{< ref "/posts/other" >}}; {{< relref path="other" >}}`, want: "see sshblog:other; sshblog:other"},
		{name: "ref anchor only", in: `[s]({{< ref "#intro" >}})`, want: "[s](#intro)"},
		{name: "ref missing in link", in: "x\n[gone]({{< ref \"nope.md\" >}})", want: "x\n[gone]()",
			problems: []string{"@11|" + `ref "nope.md" names no post|Hugo fails the build`}},
		{name: "ref missing bare", in: `see {{< relref "nope.md" >}}`, want: "see nope.md", problems: []string{"@10|relref"}},
		{name: "param", in: "Param: {{< param title >}}.", want: "Param: ."},
		{name: "highlight", in: "{{< highlight go \"linenos=table\" >}}\n    func main() {\n        x := `{{</* y */>}}`\n    }\n{{< /highlight >}}\nafter",
			want: "```go\nfunc main() {\n    x := `{{< y >}}`\n}\n```\nafter"},
		{name: "highlight backticks", in: "{{< highlight md >}}\n```go\nx\n```\n{{< /highlight >}}",
			want: "````md\n```go\nx\n```\n````"},
		{name: "highlight mid line", in: "Code: {{< highlight sh >}}ls{{< /highlight >}} done",
			want: "Code: \n```sh\nls\n```\n done"},
		{name: "highlight in list", in: "1. step\n   {{< highlight sh >}}\n   ls\n   pwd\n   {{< /highlight >}}",
			want: "1. step\n   ```sh\n   ls\n   pwd\n   ```"},
		{name: "highlight unclosed", in: "a\n{{< highlight go >}}\ncode", want: "a\n{{< highlight go >}}\ncode",
			problems: []string{"@11|{{< highlight >}} is not closed|{{< /highlight >}}"}},
		{name: "details", in: "{{< details summary=\"More\" >}}\nHidden *text*.\n{{< /details >}}", want: "**More**\n\nHidden *text*."},
		{name: "details default", in: "{{% details %}}x{{% /details %}}", want: "**Details**\n\nx"},
		{name: "qr", in: "{{< qr >}}https://example.org{{< /qr >}} {{< qr text=\"hi\" />}}", want: "https://example.org hi"},
		{name: "comment", in: "a{{< comment >}}secret{{< /comment >}}b", want: "ab"},
		{name: "escaped", in: "Esc: {{</* youtube abc */>}} and {{%/* box */%}}x{{%/* /box */%}}",
			want: "Esc: {{< youtube abc >}} and {{% box %}}x{{% /box %}}"},
		// Hugo looks for the first "*/>}}", as this does.
		{name: "escaped reaches on", in: "{{</* youtube abc >}} {{</* x */>}}", want: "{{< youtube abc >}} {{</* x >}}"},
		{name: "escaped unclosed", in: "a\n{{</* youtube abc >}} {{</* x */%}}", want: "a\n{{</* youtube abc >}} {{</* x */%}}",
			problems: []string{"@11|comment {{</* is not closed|*/>}}"}},
		{name: "code fence", in: "```go\ncode {{< youtube x >}} and {{</* note x */>}}\n```\nInline `{{< note span >}}`.",
			want: "```go\ncode [YouTube: x](https://www.youtube.com/watch?v=x) and {{< note x >}}\n```\nInline ``."},
		{name: "unknown paired", in: "{{< box >}}inner *text*{{< /box >}} / {{% box %}}inner *md*{{% /box %}}",
			want: "inner *text* / inner *md*"},
		{name: "unknown standalone", in: "a {{< note x >}} b {{< note />}} c {{< ns/sub-name a=1 >}} d", want: "a  b  c  d"},
		{name: "unknown open passed over", in: "{{< box >}}a {{< note >}} b{{< /box >}}", want: "a  b"},
		{name: "nesting", in: "{{< box >}}a {{< box >}}b {{< youtube x >}}{{< /box >}}{{< /box >}}",
			want: "a b [YouTube: x](https://www.youtube.com/watch?v=x)"},
		{name: "inline shortcode", in: "{{< time.inline >}}{{ now }}{{< /time.inline >}}x", want: "x"},
		{name: "quoting", in: "{{< box t=`raw \"q\"` u=\"esc \\\"q\\\"\" v=3.5 >}}in{{< /box >}}", want: "in"},
		{name: "spaces and lines in tag", in: "{{<\n  youtube\n  id = \"abc\"\n>}}", want: "[YouTube: abc](https://www.youtube.com/watch?v=abc)"},
		{name: "cjk", in: "한국어 {{< youtube id=\"abc\" title=\"한국어 영상\" >}} 끝 {{< box >}}中文{{< /box >}}",
			want: "한국어 [YouTube: 한국어 영상](https://www.youtube.com/watch?v=abc) 끝 中文"},
		{name: "stray close", in: "a\n{{< /box >}} b", want: "a\n{{< /box >}} b", problems: []string{"@11|closes no open {{< box >}}"}},
		{name: "close of standalone", in: "{{< youtube x >}}in{{< /youtube >}}",
			want: "[YouTube: x](https://www.youtube.com/watch?v=x)in{{< /youtube >}}", problems: []string{"takes no inner text"}},
		{name: "mixed params", in: "{{< youtube a=1 b >}}", want: "[YouTube: b](https://www.youtube.com/watch?v=b)", problems: []string{"mixes named and positional"}},
		{name: "malformed", in: "x {{< note {{ >}} y", want: "x {{< note {{ >}} y", problems: []string{`@10|"{" cannot start a parameter`}},
		{name: "no name", in: "{{< >}} {{% %}} {{< 😀 >}}", want: "{{< >}} {{% %}} {{< 😀 >}}", problems: []string{"no name", "no name", "no name"}},
		{name: "unterminated quote", in: "{{< note \"a >}}\n{{< youtube x >}}",
			want: "{{< note \"a >}}\n[YouTube: x](https://www.youtube.com/watch?v=x)", problems: []string{"quoted parameter"}},
		{name: "unterminated raw", in: "{{< note `a >}}\n{{< youtube x >}}", want: "{{< note `a >}}\n{{< youtube x >}}", problems: []string{"`raw`"}},
		{name: "unclosed tag", in: "{{< youtube x", want: "{{< youtube x", problems: []string{"not closed with >}}"}},
		{name: "not a shortcode", in: "{{ x }} {{- y -}} {{<x", want: "{{ x }} {{- y -}} {{<x", problems: []string{"not closed"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, problems := expandShortcodes(tc.in, 10, shortcodeEnv{Ref: ref})
			if got != tc.want {
				t.Errorf("expandShortcodes(%q)\n got %q\nwant %q", tc.in, got, tc.want)
			}
			checkProblems(t, problems, tc.problems)
		})
	}
}

// checkProblems matches problems with wants, one want a problem: parts
// split by "|", each in the problem's message, or "@N" its line.
func checkProblems(t *testing.T, problems []bodyProblem, wants []string) {
	t.Helper()
	if len(problems) != len(wants) {
		t.Errorf("problems %+v: want %d", problems, len(wants))
		return
	}
	for i, w := range wants {
		for _, part := range strings.Split(w, "|") {
			if line, ok := strings.CutPrefix(part, "@"); ok {
				if strconv.Itoa(problems[i].Line) != line {
					t.Errorf("problem %+v: want line %s", problems[i], line)
				}
			} else if !strings.Contains(problems[i].Msg, part) {
				t.Errorf("problem %+v: want %q", problems[i], part)
			}
		}
	}
}

func TestShortcodeParamFromEnv(t *testing.T) {
	env := shortcodeEnv{Param: func(name string) (string, bool) { return "A title", name == "title" }}
	got, problems := expandShortcodes("{{< param title >}}\n{{< param nope >}}", 4, env)
	if got != "A title\n" {
		t.Errorf("got %q", got)
	}
	checkProblems(t, problems, []string{`@5|param "nope" is not set`})
}

func TestShortcodeNil(t *testing.T) {
	got, problems := expandShortcodes(`[a]({{< ref "x.md" >}})`, 1, shortcodeEnv{})
	if got != "[a]()" || len(problems) != 1 {
		t.Errorf("got %q %+v", got, problems)
	}
}

// Nesting deeper than the bound leaves the deeper pairs as text.
func TestShortcodeDepth(t *testing.T) {
	n := maxShortcodeDepth + 4
	in := strings.Repeat("{{< box >}}", n) + "core" + strings.Repeat("{{< /box >}}", n)
	got, problems := expandShortcodes(in, 1, shortcodeEnv{})
	deep := strings.Repeat("{{< box >}}", 4) + "core" + strings.Repeat("{{< /box >}}", 4)
	if got != deep {
		t.Errorf("got %q, want %q", got, deep)
	}
	checkProblems(t, problems, []string{"nest more than 16 deep"})
}

// Bodies built to make a careless scanner quadratic; each is large enough
// that quadratic work would take minutes.
func TestShortcodeLinear(t *testing.T) {
	const n = 100000
	for name, in := range map[string]string{
		"opens":           strings.Repeat("{{< box >}}", n) + strings.Repeat("{{< /other >}}", n),
		"unclosed tags":   strings.Repeat("{{< box ", n),
		"unclosed quotes": strings.Repeat(`{{< box "`, n),
		"unclosed raw":    strings.Repeat("{{< box `", n),
		"comments":        strings.Repeat("{{</* ", n),
		"highlights":      strings.Repeat("{{< highlight >}}", n),
		"figures":         strings.Repeat("{{< figure src=a caption=b >}}", n),
		"paired figures":  strings.Repeat("{{< highlight >}}x{{< /highlight >}}", n),
	} {
		got, problems := expandShortcodes(in, 1, shortcodeEnv{})
		if len(got) > 2*len(in) || len(problems) > maxShortcodeProblems+1 {
			t.Errorf("%s: %d bytes out, %d problems", name, len(got), len(problems))
		}
	}
}
