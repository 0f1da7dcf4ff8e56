package render

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"charm.land/glamour/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	astext "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/sanitize"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// wideTable is too wide for 40 columns and fits in 100.
const wideTable = `연도별 실적입니다.

| 항목 | 2021년 | 2022년 | 증감률 |
|---|---:|---:|---:|
| 매출액 (억 원) | 1,234,567 | 1,456,789 | 18.0% |
| 영업이익 | 98,765 | 123,456 | 25.0% |
| 순이익 | 54,321 | 67,890 | 25.0% |

표 다음 문단.
`

// longCode has lines wider than 40 columns: a string, a Korean comment
// (two columns a letter) and a tab.
const longCode = "코드입니다.\n\n```go\npackage main\n\nfunc main() {\n" +
	"\tfmt.Println(\"a long string that will not fit in forty columns\", 42)\n" +
	"\t// 한국어 주석은 한 글자가 두 칸을 차지하므로 더 일찍 잘립니다\n" +
	"\tx := 1\n}\n```\n"

// plainLines is out as the goldens hold it: without escape sequences or
// the spaces glamour pads lines with.
func plainLines(out string) string {
	lines := strings.Split(ansi.Strip(out), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the rendered text (go test -update rewrites it); rendered:\n%s", path, got)
	}
}

func checkFits(t *testing.T, name, out string, width int) {
	t.Helper()
	for i, line := range strings.Split(out, "\n") {
		if w := ansi.StringWidth(line); w > width {
			t.Errorf("%s: line %d is %d columns, more than %d: %q", name, i+1, w, width, ansi.Strip(line))
		}
	}
}

func TestGoldens(t *testing.T) {
	seed := seedPost(t)
	tests := []struct {
		name  string
		doc   *content.Doc
		width int
		style Style
	}{
		{"wide_table_40", docOf(t, wideTable), 40, Dark},
		{"wide_table_100", docOf(t, wideTable), 100, Dark},
		{"long_code_40", docOf(t, longCode), 40, Dark},
		{"long_code_40_nocolor", docOf(t, longCode), 40, NoColor},
		{"seed_post_80_nocolor", seed.Doc(), 80, NoColor},
	}
	for _, tt := range tests {
		out, err := renderDoc(tt.doc, tt.width, tt.style)
		if err != nil {
			t.Fatal(err)
		}
		checkFits(t, tt.name, out, tt.width)
		checkGolden(t, tt.name, plainLines(out))
	}
}

// A table too wide for the window is shown one row at a time, each cell
// on a line of its own after its header; one that fits stays a table.
func TestWideTables(t *testing.T) {
	tests := []struct {
		name       string
		md         string
		width      int
		want, gone []string
	}{
		{"rows", wideTable, 40,
			[]string{"항목: 매출액 (억 원)\n2021년: 1,234,567\n2022년: 1,456,789\n증감률: 18.0%\n\n항목: 영업이익\n", "실적입니다.\n\n항목", "25.0%\n\n표 다음"},
			[]string{"│", "…"}},
		{"table", wideTable, 100, []string{"│ 2021년 │", "매출액 (억 원) │"}, []string{"항목:"}},
		{"first in the post", strings.TrimPrefix(wideTable, "연도별 실적입니다.\n\n"), 40, []string{"항목: 매출액"}, nil},
		{"in a list item", "- 목록\n\n  | 항목 | 2021년 | 2022년 | 증감률 |\n  |---|---|---|---|\n  | 매출액 (억 원) | 1,234,567 | 1,456,789 | 18.0% |\n", 40,
			[]string{"항목: 매출액 (억 원)", "증감률: 18.0%"}, []string{"│"}},
		{"in a block quote", "> | 항목 | 2021년 | 2022년 | 증감률 |\n> |---|---|---|---|\n> | 매출액 (억 원) | 1,234,567 | 1,456,789 | 18.0% |\n", 40,
			[]string{"항목: 매출액 (억 원)"}, []string{"─"}},
		// Glamour numbers a table's links and lists them below it; the
		// rows show them as in any paragraph.
		{"marks and links in cells", "| Name | Where |\n|---|---|\n| **bold** `code` | [the docs](https://x.io/docs) |\n", 30,
			[]string{"Name: bold code\nWhere: the docs\nhttps://x.io/docs"}, []string{"[1]", "│"}},
		{"code and links count", "| Name | Where |\n|---|---|\n| `code` | [docs](https://example.com/docs) |\n", 20,
			[]string{"Name: code", "Where: docs"}, []string{"│"}},
		{"an empty cell says nothing", "| Name | Note | Other |\n|---|---|---|\n| a rather long name | | something long enough |\n", 40,
			[]string{"Name: a rather long name\nOther: something long enough"}, []string{"Note"}},
		{"a head and no body", "| a rather long header | and another long header |\n|---|---|\n", 40,
			[]string{"a rather long header\nand another long header"}, nil},
	}
	for _, tt := range tests {
		out, err := renderMarkdown(t, tt.md, tt.width, Dark)
		if err != nil {
			t.Fatal(err)
		}
		checkFits(t, tt.name, out, tt.width)
		plain := squashSpaces(ansi.Strip(out))
		for _, w := range tt.want {
			if !strings.Contains(plain, w) {
				t.Errorf("%s: %q not in\n%s", tt.name, w, plain)
			}
		}
		for _, g := range tt.gone {
			if strings.Contains(plain, g) {
				t.Errorf("%s: %q should not be in\n%s", tt.name, g, plain)
			}
		}
	}
}

// squashSpaces trims the lines of s and runs of spaces in them to one.
func squashSpaces(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// In the rows a header is bold, as glamour shows strong text.
func TestWideTableHeadersAreBold(t *testing.T) {
	out, err := renderMarkdown(t, wideTable, 40, Dark)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, ";1m증감률") {
		t.Fatalf("no bold header in %q", out)
	}
	nc, err := renderMarkdown(t, wideTable, 40, NoColor)
	if err != nil {
		t.Fatal(err)
	}
	// The no-colour style marks strong text with asterisks: one pair a
	// header, not one a piece of its text.
	if !strings.Contains(nc, "**매출액 (억 원)") && !strings.Contains(nc, "**항목**: 매출액 (억 원)") {
		t.Fatalf("no-colour rows: %q", nc)
	}
}

// Code keeps every character, in order: a line too wide is cut, and what
// did not fit goes on after the continuation sign on the lines below,
// never past the edge, at every width and in every style.
func TestCodeLinesWrapWithASign(t *testing.T) {
	docs := map[string]string{
		"top level":     longCode,
		"in a list":     "1. step\n\n   ```sh\n   curl -fsSL https://example.com/a/very/long/path/install.sh | sh -s -- --yes\n   ```\n",
		"nested lists":  "- a\n  - b\n\n    ```\n    0123456789012345678901234567890123456789012345678901234567890123456789\n    ```\n",
		"in a quote":    "> ```\n> 0123456789012345678901234567890123456789012345678901234567890123456789\n> ```\n",
		"indented code": "text\n\n    0123456789 0123456789 0123456789 0123456789 0123456789 가나다라마바사\n",
		"wide letters":  "```\n가나다라마바사아자차카타파하가나다라마바사아자차카타파하가나다라마바사아자차카타파하\n```\n",
	}
	for name, md := range docs {
		doc := docOf(t, md)
		var want []string // the code's characters, tabs expanded
		ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if entering && (n.Kind() == ast.KindFencedCodeBlock || n.Kind() == ast.KindCodeBlock) {
				for i := range n.Lines().Len() {
					seg := n.Lines().At(i)
					want = append(want, strings.Fields(strings.ReplaceAll(string(seg.Value(doc.Source)), "\t", "    "))...)
				}
			}
			return ast.WalkContinue, nil
		})
		for _, style := range []Style{Dark, Light, NoColor} {
			for width := 24; width <= 90; width += 6 {
				out, err := renderDoc(doc, width, style)
				if err != nil {
					t.Fatal(err)
				}
				label := fmt.Sprintf("%s, %s, width %d", name, style, width)
				checkFits(t, label, out, width)
				plain := ansi.Strip(out)
				var joined strings.Builder
				for _, line := range strings.Split(plain, "\n") {
					line = strings.TrimLeft(line, " ")
					line = strings.TrimPrefix(strings.TrimPrefix(line, "│"), "|") // a quote's
					joined.WriteString(strings.Join(strings.Fields(strings.ReplaceAll(line, continuation, "")), ""))
				}
				if code := strings.Join(want, ""); !strings.Contains(joined.String(), code) {
					t.Errorf("%s: the code lost characters:\n%s", label, plain)
				}
				if width < 60 && !strings.Contains(plain, continuation) {
					t.Errorf("%s: no continuation sign in\n%s", label, plain)
				}
			}
		}
	}
}

// The cut code is highlighted as the whole line would be: the string's
// second part is still a string, and the sign is not code (no error
// token, which chroma would show on red).
func TestWrappedCodeKeepsItsColours(t *testing.T) {
	for _, style := range []Style{Dark, Light} {
		out, err := renderMarkdown(t, longCode, 40, style)
		if err != nil {
			t.Fatal(err)
		}
		str := fmt.Sprintf("\x1b[38;5;%dm", ansi.Convert256(lipgloss.Color(*codePalettes[style].LiteralString.Color)))
		comment := fmt.Sprintf("\x1b[38;5;%dm%s", ansi.Convert256(lipgloss.Color(*codePalettes[style].Comment.Color)), continuation)
		var cont string
		for _, line := range strings.Split(out, "\n") {
			if strings.Contains(line, continuation) && strings.Contains(ansi.Strip(line), "columns") {
				cont = line
			}
		}
		if cont == "" {
			t.Fatalf("%s: the string was not cut:\n%s", style, ansi.Strip(out))
		}
		if !strings.Contains(cont, comment) {
			t.Errorf("%s: sign not in the comment colour: %q", style, cont)
		}
		if i := strings.Index(cont, continuation); !strings.HasPrefix(cont[i+len(continuation):], "\x1b[0m"+str) {
			t.Errorf("%s: the string's rest is not in the string colour: %q", style, cont)
		}
		if bg := fmt.Sprintf("48;5;%d", ansi.Convert256(lipgloss.Color(*codePalettes[style].Error.BackgroundColor))); strings.Contains(out, bg) {
			t.Errorf("%s: an error token in %q", style, out)
		}
	}
}

// A tab is shown as a space in prose (as a browser shows it) and as four
// in code; glamour would count it as no columns.
func TestTabs(t *testing.T) {
	out, err := renderMarkdown(t, "a\tb and `c\td`\n\n```\n\tx\ty\n```\n", 40, NoColor)
	if err != nil {
		t.Fatal(err)
	}
	plain := ansi.Strip(out)
	for _, want := range []string{"a b and", "c d", "    x    y"} {
		if !strings.Contains(plain, want) {
			t.Errorf("%q not in %q", want, plain)
		}
	}
	if strings.Contains(out, "\t") {
		t.Errorf("a tab in %q", out)
	}
}

// Renders share the post's tree and run at once: none may change it.
func TestRendersLeaveTheTreeAlone(t *testing.T) {
	doc := docOf(t, wideTable+"\n"+longCode+"\n- a\tb\n\n  > | x | y |\n  > |---|---|\n  > | a long cell here | and another long one |\n")
	before, src := dumpTree(doc), string(doc.Source)
	var wg sync.WaitGroup
	for _, style := range []Style{Dark, Light, NoColor} {
		for width := 20; width <= 100; width += 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := renderDoc(doc, width, style); err != nil {
					t.Error(err)
				}
			}()
		}
	}
	wg.Wait()
	if dumpTree(doc) != before || string(doc.Source) != src {
		t.Fatal("rendering changed the tree")
	}
}

// dumpTree is the tree's shape and segments, to compare.
func dumpTree(doc *content.Doc) string {
	var b strings.Builder
	ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			fmt.Fprintf(&b, "%s %p %p", n.Kind(), n.Parent(), n.NextSibling())
			if t, ok := n.(*ast.Text); ok {
				fmt.Fprintf(&b, " %v", t.Segment)
			}
			if n.Type() == ast.TypeBlock {
				fmt.Fprintf(&b, " %v", reflect.ValueOf(n.Lines()).Elem().Interface())
			}
			if n.Kind() == ast.KindFencedCodeBlock {
				// goldmark keeps the language in the node once asked
				fmt.Fprintf(&b, " language cached: %v", !reflect.ValueOf(n).Elem().FieldByName("language").IsNil())
			}
			b.WriteByte('\n')
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

func FuzzRenderDoc(f *testing.F) {
	for _, md := range []string{wideTable, longCode, "| a |\n|---|\n| `x` **y** [z](u) <http://a.b> ~~s~~ <b>h</b> |\n", "> - ```\n>   \tcode\n>   ```\n", "a\tb"} {
		f.Add(md, uint8(20))
	}
	f.Fuzz(func(t *testing.T, md string, w uint8) {
		width := MinWidth + int(w)%100
		doc := docOf(t, sanitize.Text(md))
		for _, style := range []Style{Dark, NoColor} {
			out, err := renderDoc(doc, width, style)
			if err != nil {
				t.Fatal(err)
			}
			checkFits(t, style.String(), out, width)
			for _, r := range ansi.Strip(out) {
				if sanitize.IsControl(r) || r == '\t' {
					t.Fatalf("%s: control character %U in %q", style, r, out)
				}
			}
		}
	})
}

// Glamour has no case for some nodes an extension may leave in a tree
// (String, footnotes): at the top it prints a warning to stdout, and inside
// an emphasis, a link or a table cell it panics. They are shown as their
// text, or walked through.
func TestNodesGlamourCannotDraw(t *testing.T) {
	src := []byte("*em* [link](https://example.com) <https://auto.example>\n\n| head |\n|---|\n| cell |\n")
	root := goldmark.New(goldmark.WithExtensions(extension.Table)).Parser().Parse(text.NewReader(src)).(*ast.Document)
	var em, link, auto, cell, para ast.Node
	ast.Walk(root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			switch n.Kind() {
			case ast.KindEmphasis:
				em = n
			case ast.KindLink:
				link = n
			case ast.KindAutoLink:
				auto = n
			case astext.KindTableCell:
				if n.Parent().Kind() == astext.KindTableRow {
					cell = n
				}
			case ast.KindParagraph:
				if para == nil {
					para = n
				}
			}
		}
		return ast.WalkContinue, nil
	})
	em.AppendChild(em, ast.NewString([]byte(" string-in-em")))
	link.AppendChild(link, astext.NewFootnoteLink(1))
	cell.AppendChild(cell, astext.NewFootnoteLink(2))
	cell.AppendChild(cell, ast.NewString([]byte(" string-in-cell")))
	para.AppendChild(para, ast.NewString([]byte(" string-in-para")))
	list := astext.NewFootnoteList()
	fn := astext.NewFootnote([]byte("1"))
	fnPara := ast.NewParagraph()
	fnPara.AppendChild(fnPara, ast.NewString([]byte("the note")))
	fn.AppendChild(fn, fnPara)
	list.AppendChild(list, fn)
	root.AppendChild(root, list)
	auto.Parent().InsertAfter(auto.Parent(), auto, astext.NewFootnoteLink(3))

	doc := &content.Doc{Root: root, Source: src}
	for _, style := range []Style{Dark, NoColor} {
		for _, width := range []int{20, 120} {
			var out string
			printed := captureStdout(t, func() {
				var err error
				if out, err = renderDoc(doc, width, style); err != nil {
					t.Error(err)
				}
			})
			if printed != "" {
				t.Errorf("%s at %d printed %q", style, width, printed)
			}
			checkFits(t, style.String(), out, width)
			if width < 120 {
				continue // the words are wrapped
			}
			plain := squashSpaces(ansi.Strip(out))
			for _, want := range []string{"string-in-em", "string-in-cell", "string-in-para", "the note", "link"} {
				if !strings.Contains(plain, want) {
					t.Errorf("%s at %d: %q not in\n%s", style, width, want, plain)
				}
			}
		}
	}
}

// captureStdout returns what f prints to stdout.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	old := os.Stdout
	os.Stdout = w
	got := make(chan string)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	defer func() {
		os.Stdout = old
	}()
	f()
	w.Close()
	return <-got
}

// tableWidth is how wide glamour draws a table whole: at that room it
// draws every row on one line, uncut; a column less and it cuts or wraps
// a cell (which is when the rows are shown instead).
func TestTableWidthIsGlamours(t *testing.T) {
	tables := []string{
		"| aaaa | bbbbbb | cc |\n|---|---|---|\n| 1 | 2 | 3 |\n",
		"| a | b |\n|--:|:-:|\n| 12345 | 678 |\n",
		"| 항목 | 2021년 | 증감률 |\n|---|---:|---:|\n| 매출액 (억 원) | 1,234,567 | 18.0% |\n| 순이익 | 54,321 | 25.0% |\n",
		"| Key | Action |\n|---|---|\n| `tab`, `←`/`→` | choose a related post |\n| `esc` | go back |\n",
	}
	for _, md := range tables {
		doc := docOf(t, md)
		var table *astext.Table
		ast.Walk(doc.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if tb, ok := n.(*astext.Table); ok {
				table = tb
			}
			return ast.WalkContinue, nil
		})
		rows := 0
		var cells []string // their text without spaces
		for row := table.FirstChild(); row != nil; row = row.NextSibling() {
			rows++ // the head, then each row
			for c := row.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, noSpace(doc.PlainText(c)))
			}
		}
		for _, style := range []Style{Dark, NoColor} {
			r := newWalk(doc, nil, 0, style)
			var body []ast.Node
			for c := table.FirstChild().NextSibling(); c != nil; c = c.NextSibling() {
				body = append(body, c)
			}
			// The window that leaves the table exactly its width: the
			// document margins take 8 columns.
			width := r.tableWidth(table.FirstChild(), body) + 8
			for _, w := range []int{width, width - 1} {
				tr, err := glamour.NewTermRenderer(glamour.WithStyles(style.config()), glamour.WithWordWrap(w-4))
				if err != nil {
					t.Fatal(err)
				}
				out, err := tr.Render(md)
				if err != nil {
					t.Fatal(err)
				}
				plain := ansi.Strip(out)
				lines := 0
				for _, l := range strings.Split(plain, "\n") {
					if strings.ContainsAny(l, "│|") && !strings.ContainsAny(l, "─-") {
						lines++
					}
				}
				whole := lines == rows
				for _, c := range cells {
					whole = whole && strings.Contains(noSpace(plain), c)
				}
				if whole != (w == width) {
					t.Errorf("%s, window %d (table width %d): glamour drew the table whole: %v\n%s", style, w, width-8, whole, plain)
				}
			}
		}
	}
}

func noSpace(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\n' {
			return -1
		}
		return r
	}, s)
}

// A render that builds substitutes: the table as rows and the code cut
// and highlighted here.
func BenchmarkRenderSubstitutes(b *testing.B) {
	doc := docOf(b, wideTable+"\n"+longCode)
	for b.Loop() {
		if _, err := renderDoc(doc, 40, Dark); err != nil {
			b.Fatal(err)
		}
	}
}
