package content

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// FuzzParsePost parses arbitrary files: no input may panic or hang, and
// whatever it holds, no field of the post may hold a control character
// (Body and Source keep newlines and tabs, one-line fields nothing).
//
//	go test -run XXX -fuzz FuzzParsePost -fuzztime 60s ./internal/content/
func FuzzParsePost(f *testing.F) {
	for root := range fixtures {
		fsys := os.DirFS(root)
		err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			f.Add(name, data)
			return nil
		})
		if err != nil {
			f.Fatal(err)
		}
	}
	for _, s := range []string{
		"", "---", "---\n", "+++\n+++\n", "---\n---\n", "\ufeff", "\xff\xfe",
		"---\ntitle: &a [x]\ntags: *a\n---\n",
		"---\ntitle: \"\\e[31m\\u009b\\a\"\ndate: 2020-01-01\n---\n&#27;]8;;x&#7;",
		"{% raw %}{% highlight %}{{< highlight x >}}<pre><table><td>",
		"<!--<script><style>{%comment%}{{</*x*/>}}`{{`{:toc}\n* TOC\n{:toc}",
		"# <em>*_`x`_*</em> [a](b) ![c](d) &amp;&#x9b;\n===\n",
	} {
		f.Add("2020-01-01-seed.md", []byte(s))
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		if name == "" || !utf8.ValidString(name) {
			name = "fuzz.md"
		}
		// A hang crashes the fuzzing process, so the fuzzer keeps the input.
		watchdog := time.AfterFunc(20*time.Second, func() {
			panic(fmt.Sprintf("parsing %d bytes takes over 20s: %q", len(data), data[:min(len(data), 200)]))
		})
		pp, err := parsePost(name, data, parseOptions{})
		watchdog.Stop()
		if err != nil {
			pe, ok := err.(*ParseError)
			if !ok || pe.Path != name {
				t.Fatalf("error %T %v does not name the file %q", err, err, name)
			}
			msg := pe.Error()
			if strings.ContainsAny(msg, "\n\t") || !sanitize.IsClean(msg) {
				t.Errorf("error message is not one clean line: %q", msg)
			}
			return
		}
		assertClean(t, pp.post)
		if !utf8.ValidString(pp.post.Body) || !utf8.ValidString(pp.post.Title) {
			t.Error("invalid UTF-8 in the post")
		}
	})
}

// FuzzSanitize checks Sanitize's promises: nothing a terminal would act on
// is left, lines are kept, and clean text is returned as it is.
func FuzzSanitize(f *testing.F) {
	for _, s := range []string{"plain", "\x1b[31mx\x1b]0;t\x07\n\u009b1m\u009dx\u009c", "a\x1b]8;;\nb", "\xff\x1b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := sanitize.Text(s)
		if strings.IndexFunc(got, sanitize.IsControl) >= 0 || !utf8.ValidString(got) {
			t.Fatalf("sanitize.Text(%q) = %q holds a control character", s, got)
		}
		if strings.Count(got, "\n") != strings.Count(s, "\n") {
			t.Fatalf("sanitize.Text(%q) = %q changes the number of lines", s, got)
		}
		if sanitize.Text(got) != got {
			t.Fatalf("Sanitize is not idempotent on %q", s)
		}
		line := sanitize.Line(s)
		if strings.ContainsAny(line, "\n\t") || strings.IndexFunc(line, sanitize.IsControl) >= 0 {
			t.Fatalf("sanitize.Line(%q) = %q", s, line)
		}
		if refs := sanitize.DropControlRefs(got); strings.IndexFunc(refs, sanitize.IsControl) >= 0 {
			t.Fatalf("sanitize.DropControlRefs(%q) = %q", got, refs)
		}
	})
}

// pathologicalInputs are malformed posts that once cost quadratic time.
func pathologicalInputs() map[string]string {
	const n = 200_000
	return map[string]string{
		"liquid tags":      strings.Repeat("{%", n),
		"liquid output":    strings.Repeat("{{ ", n),
		"unclosed raw":     "{% raw %}" + strings.Repeat("{% x", n),
		"backticks":        strings.Repeat("` `` ", n),
		"html":             strings.Repeat("<a href='", n),
		"html block":       "<div>\n" + strings.Repeat("<p a=\"", n),
		"comments":         strings.Repeat("<!--", n),
		"brackets":         "# " + strings.Repeat("[", n),
		"emphasis":         "# " + strings.Repeat("*a _b ", n),
		"nested links":     "# " + strings.Repeat("[", 100) + strings.Repeat("](x)", 100),
		"kramdown":         strings.Repeat("{: ", n),
		"fences":           strings.Repeat("```\n~~~~\n", n/10),
		"lines":            strings.Repeat("\n", n),
		"escapes":          strings.Repeat("\x1b]", n),
		"entities":         strings.Repeat("&#", n),
		"highlights":       strings.Repeat("{% highlight go %}\n", n/200), // failing tags, far more than maxLiquidAttempts: each attempt rescans the body
		"deep html lists":  strings.Repeat("<ul><li>", n/10),
		"yaml":             "---\n" + strings.Repeat("- [", n/10) + "\n---\n",
		"many tags":        "---\ntags: " + strings.Repeat("t ", n) + "\ncategories: [" + strings.Repeat("c, ", n/4) + "]\n---\n",
		"many links":       strings.Repeat("<a href='x'>y</a> ", n/4),
		"tags on a line":   "  " + strings.Repeat("{{x}}", n),
		"spaces and tags":  strings.Repeat(" ", n) + strings.Repeat("{{x}}", n/4) + "x",
		"br in a table":    "| " + strings.Repeat("a<br>", n/2) + "|\n",
		"closers":          "# " + strings.Repeat("a_ ", n),
		"email triggers":   strings.Repeat("a*b", n),
		"nested quotes":    strings.Repeat("> ", n) + "x",
		"nested lists":     strings.Repeat("- ", n) + "x",
		"link labels":      strings.Repeat("x [a]\n", n/4),
		"footnotes":        strings.Repeat("[^a] ", n/4) + "\n\n" + strings.Repeat("[^a]: b\n", n/20),
		"kramdown tables":  strings.Repeat("|a|b|\n|-+-|\n", n/10),
		"html table":       "<table>\n" + strings.Repeat("<tr><td>a</td>\n\n", n/10),
		"footnotes nested": "[^a]\n\n" + strings.Repeat("[^a]: ", n/10) + "x\n",
	}
}

// Malformed input must not hang the loader. This is a guard against
// quadratic time, not a speed target (BenchmarkPathologicalInputs measures
// speed): each input parses in about a second under the race detector, and a
// quadratic pass over 200,000 repeats would take many minutes, so the bound
// is far from both.
func TestPathologicalInputs(t *testing.T) {
	for name, body := range pathologicalInputs() {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, _ = parsePost("2020-01-01-x.md", []byte(body), parseOptions{})
			if d := time.Since(start); d > 30*time.Second {
				t.Errorf("%d bytes took %v: something is quadratic", len(body), d)
			}
		})
	}
}

func BenchmarkPathologicalInputs(b *testing.B) {
	for name, body := range pathologicalInputs() {
		b.Run(strings.ReplaceAll(name, " ", "_"), func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				_, _ = parsePost("2020-01-01-x.md", []byte(body), parseOptions{})
			}
		})
	}
}
