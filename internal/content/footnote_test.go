package content

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	xansi "github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// notesOf splits d at the notes: the plain text before them, and the
// plain text of each note, or nil if d has no notes. The notes must be a
// thematic break and an ordered list from 1 ending the document.
func notesOf(t *testing.T, d *Doc) (text string, notes []string) {
	t.Helper()
	list, ok := d.Root.LastChild().(*ast.List)
	if !ok || list.PreviousSibling() == nil || list.PreviousSibling().Kind() != ast.KindThematicBreak {
		return d.PlainText(d.Root), nil
	}
	if !list.IsOrdered() || list.Start != 1 {
		t.Errorf("the notes are not an ordered list from 1 (ordered %v, start %d)", list.IsOrdered(), list.Start)
	}
	for it := list.FirstChild(); it != nil; it = it.NextSibling() {
		notes = append(notes, d.PlainText(it))
	}
	all, tail := d.PlainText(d.Root), d.PlainText(list)
	if !strings.HasSuffix(all, tail) {
		t.Fatalf("the document's text %q does not end with the notes' %q", all, tail)
	}
	return strings.TrimSpace(strings.TrimSuffix(all, tail)), notes
}

// footnoteNodesLeft names the nodes glamour has no case for that are left
// in d: footnote nodes, strikethrough delimiters never paired, strings.
func footnoteNodesLeft(d *Doc) []string {
	var left []string
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n.(type) {
		case *extast.Footnote, *extast.FootnoteList, *extast.FootnoteLink, *extast.FootnoteBacklink,
			*parser.Delimiter, *ast.String:
			if entering {
				left = append(left, n.Kind().String())
			}
		}
		return ast.WalkContinue, nil
	})
	return left
}

var footnoteCases = []struct {
	name, in, text string
	notes          []string
}{
	// The case: the definitions ran into the paragraph.
	{"issue", "The slides are in the pdf [^30] and the code [^31].\n" +
		"[^30]: http://www.example.com/talk.pdf\n[^31]: https://github.com/example/code\n",
		"The slides are in the pdf [1] and the code [2].",
		[]string{"http://www.example.com/talk.pdf", "https://github.com/example/code"}},
	{"numbered by first reference", "b [^b], a [^a], b again [^b]\n\n[^a]: note a\n[^b]: note b\n",
		"b [1], a [2], b again [1]", []string{"note b", "note a"}},
	{"defined first", "[^x]: note x\n\nsee [^x]", "see [1]", []string{"note x"}},
	{"never referenced", "text\n\n[^1]: dropped\n[^2]: kept\n\nmore [^2]",
		"text\nmore [1]", []string{"kept"}},
	{"none referenced", "text\n\n[^1]: dropped\n", "text", nil},
	{"undefined", "a [^nope] b", "a [^nope] b", nil},
	{"names", "one[^note] two[^2nd]\n\n[^2nd]: second\n[^note]: *first*",
		"one[1] two[2]", []string{"first", "second"}},
	{"several blocks", "x [^1]\n\n[^1]: para one\n\n    para two\n\n        code\n",
		"x [1]", []string{"para one\npara two\ncode"}},
	{"reference in a note", "x [^1]\n\n[^1]: see [^2]\n[^2]: deeper\n",
		"x [1]", []string{"see [2]", "deeper"}},
	// kramdown's order: the text first, then the notes; goldmark would
	// number [^3] 2, reading the notes where the first definition is.
	{"notes after the text", "a [^1]\n\n[^1]: see [^3]\n\nb [^2]\n\n[^2]: two\n[^3]: three\n",
		"a [1]\nb [2]", []string{"see [3]", "two", "three"}},
	{"referred to by a dropped note", "x\n\n[^1]: see [^2]\n[^2]: two\n", "x", nil},
	// goldmark loses the text of both: the list lands inside the outer note.
	{"definition in a definition", "x [^a] [^b]\n\n[^a]: outer\n    [^b]: inner\n",
		"x [1] [2]", []string{"outer", "inner"}},
	{"definitions on one line", "x [^a] [^b]\n\n[^a]: [^b]: inner\n", "x [1] [2]", []string{"", "inner"}},
	{"defined in a quote", "> q [^1]\n>\n> [^1]: in the quote\n\nafter\n",
		"q [1]\n\nafter", []string{"in the quote"}},
	{"defined in a list", "- item [^1]\n\n  [^1]: in the list\n- two\n",
		"item [1]\n\ntwo", []string{"in the list"}},
	{"in a link and a heading", "# H [^1]\n\n[x [^1]](http://a.example/)\n\n[^1]: n",
		"H [1]\nx [1]", []string{"n"}},
	{"bang", "wow![^1]\n\n[^1]: n", "wow![1]", []string{"n"}},
	{"empty note", "x [^1]\n\n[^1]:\n", "x [1]", []string{""}},
	{"defined twice", "x [^1]\n\n[^1]: first\n[^1]: second\n", "x [1]", []string{"first"}},
	{"in code", "`[^1]` [^1]\n\n    [^1]\n\n[^1]: n", "[^1] [1]\n[^1]", []string{"n"}},
	{"control characters", "x [^1]\n\n[^1]: a\x1b[31mb\u009bc\n", "x [1]", []string{"ab"}},
}

func TestFootnotes(t *testing.T) {
	for _, tc := range footnoteCases {
		for _, hugo := range []bool{false, true} {
			d := parseDoc(tc.in, hugo)
			got, notes := notesOf(t, d)
			if got != tc.text {
				t.Errorf("%s (hugo %v): text is %q, want %q", tc.name, hugo, got, tc.text)
			}
			if !slices.Equal(notes, tc.notes) {
				t.Errorf("%s (hugo %v): notes are %q, want %q", tc.name, hugo, notes, tc.notes)
			}
			if left := footnoteNodesLeft(d); left != nil {
				t.Errorf("%s (hugo %v): nodes glamour cannot show are left: %v", tc.name, hugo, left)
			}
		}
	}
}

// Should extension.Footnote be registered too, goldmark's parts never see
// a footnote and the parse is the same.
func TestFootnotesBesideGoldmarks(t *testing.T) {
	md := goldmark.New(goldmark.WithExtensions(extension.Linkify, extension.Footnote, footnoteExtension{}))
	for _, tc := range footnoteCases {
		src := []byte(tc.in)
		tb := &textBuf{base: len(src)}
		pc := parser.NewContext()
		pc.Set(textBufKey, tb)
		root := md.Parser().Parse(text.NewReader(src), parser.WithContext(pc)).(*ast.Document)
		d := &Doc{Root: root, Source: append(src, tb.extra...)}
		got, notes := notesOf(t, d)
		if got != tc.text || !slices.Equal(notes, tc.notes) {
			t.Errorf("%s: text %q, notes %q; want %q, %q", tc.name, got, notes, tc.text, tc.notes)
		}
		if left := footnoteNodesLeft(d); left != nil {
			t.Errorf("%s: nodes glamour cannot show are left: %v", tc.name, left)
		}
	}
}

// The notes' URLs are links, as the rest of the post's.
func TestFootnoteURLsAreLinks(t *testing.T) {
	d := parseDoc("pdf [^30] code [^31]\n[^30]: http://www.example.com/talk.pdf\n"+
		"[^31]: see [the code](https://github.com/example/code)\n", false)
	var links []string
	list := d.Root.LastChild()
	_ = ast.Walk(list, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.AutoLink:
			if entering {
				links = append(links, string(n.URL(d.Source)))
			}
		case *ast.Link:
			if entering {
				links = append(links, string(n.Destination))
			}
		}
		return ast.WalkContinue, nil
	})
	want := []string{"http://www.example.com/talk.pdf", "https://github.com/example/code"}
	if !slices.Equal(links, want) {
		t.Errorf("the notes link to %q, want %q", links, want)
	}
}

// renderPlain renders d with glamour's ANSI renderer, as the reader sees
// it without colours.
func renderPlain(t *testing.T, d *Doc) string {
	t.Helper()
	ar := ansi.NewRenderer(ansi.Options{WordWrap: 80, Styles: styles.NoTTYStyleConfig})
	r := renderer.NewRenderer(renderer.WithNodeRenderers(util.Prioritized(ar, 1000)))
	var b bytes.Buffer
	if err := r.Render(&b, d.Source, d.Root); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for l := range strings.SplitSeq(xansi.Strip(b.String()), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// What glamour shows: the marker in the text is the number of the note.
func TestFootnotesRendered(t *testing.T) {
	d := parseDoc("The slides are in the pdf [^30] and the code [^31].\n"+
		"[^30]: http://www.example.com/talk.pdf\n[^31]: https://github.com/example/code\n", false)
	got := renderPlain(t, d)
	want := "The slides are in the pdf [1] and the code [2].\n" +
		"--------\n" +
		"1. http://www.example.com/talk.pdf\n" +
		"2. https://github.com/example/code"
	if got != want {
		t.Errorf("rendered\n%s\nwant\n%s", got, want)
	}
}

// FuzzStrikeFootnote parses arbitrary bodies full of tildes and footnotes:
// no panic, no node glamour has no case for, nothing it cannot render, no
// control character in the plain text.
//
//	go test -run XXX -fuzz FuzzStrikeFootnote -fuzztime 60s ./internal/content/
func FuzzStrikeFootnote(f *testing.F) {
	for _, s := range []string{
		"1~9장에서는, 10~14장에서는", "~~struck~~ text", "a ~b~ c", "`a~b`", "~~~a~~~~",
		"http://www.chiark.greenend.org.uk/~sgtatham/putty/ [x](http://x/~y) <http://x/~~z~~>",
		"pdf [^30]\n[^30]: http://a.example/\n[^31]: https://b.example/\n",
		"a [^1] [^2] [^1]\n\n[^2]: two [^1]\n\n    more\n[^1]: one\n",
		"> [^a]: q\n>\n> x[^a]\n- [^b]\n\n  [^b]: ~~l~~\n",
		"![^1] [^1]: [^1]\n[^1]: [^1]: x\x1b[31m\u009b",
		"~~[^1]~~ ~~a [^1] b~~\n\n[^1]: ~~n~~",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		if !utf8.ValidString(body) {
			body = strings.ToValidUTF8(body, "\uFFFD")
		}
		for _, hugo := range []bool{false, true} {
			watchdog := time.AfterFunc(20*time.Second, func() {
				panic(fmt.Sprintf("parsing %d bytes takes over 20s: %q", len(body), body[:min(len(body), 200)]))
			})
			d := parseDoc(body, hugo)
			watchdog.Stop()
			if left := footnoteNodesLeft(d); left != nil {
				t.Errorf("nodes glamour cannot show are left: %v", left)
			}
			if p := d.PlainText(d.Root); sanitize.HasControls(p) {
				t.Errorf("control characters in %q", p)
			}
			if nestingDepth(d.Root) <= 20 { // glamour takes the cube of the depth to render
				renderPlain(t, d)
			}
		}
	})
}

// nestingDepth is how deep the blocks in n nest.
func nestingDepth(n ast.Node) int {
	depth, deepest := 0, 0
	_ = ast.Walk(n, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if n.Type() != ast.TypeBlock {
			return ast.WalkSkipChildren, nil
		}
		if entering {
			depth++
			deepest = max(deepest, depth)
		} else {
			depth--
		}
		return ast.WalkContinue, nil
	})
	return deepest
}

// BenchmarkStrikeFootnote parses bodies made of one thing many times over;
// MB/s should not fall as n grows ("many notes" did, with goldmark's own
// footnote parser). Runs of "~*_" without spaces are left out: goldmark's
// Linkify is quadratic on them (docs/upstream.md).
func BenchmarkStrikeFootnote(b *testing.B) {
	const n = 20_000
	var many strings.Builder
	for i := range n {
		fmt.Fprintf(&many, "x [^%d]\n", i)
	}
	for i := range n {
		fmt.Fprintf(&many, "\n[^%d]: note\n", i)
	}
	for name, body := range map[string]string{
		"tildes":     strings.Repeat("a ~~b ~c~ ~~~d ", n),
		"openers":    strings.Repeat("~~a ", n),
		"closers":    strings.Repeat("a~~ ", n),
		"references": strings.Repeat("x [^1] [^2] ", n) + "\n\n[^1]: one\n[^2]: two\n",
		"one label":  "x [^0]\n\n" + strings.Repeat("[^0]: n [^0]\n", n),
		"notes":      strings.Repeat("x [^0]\n\n[^0]: n\n\n", n),
		"many notes": many.String(),
		"undefined":  strings.Repeat("x [^nope]\n\n", n) + "[^1]: n\n",
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				parseDoc(body, false)
			}
		})
	}
}
