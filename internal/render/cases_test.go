package render

import (
	"os"
	"path"
	"strings"
	"testing"

	"github.com/sshblog/sshblog/internal/content"
)

// The cases issue 14 found in real blogs, each a post in testdata/cases
// read as a Jekyll post, rendered at 80 columns without colour, and
// compared with testdata/cases/NAME.golden. Each golden was checked
// against what Jekyll 4.3 (kramdown) builds from the same post; the
// comments in TestIssueCases say what must hold whatever the layout.
func TestIssueCases(t *testing.T) {
	blog, problems, err := content.Load(os.DirFS("testdata/cases"), content.Options{})
	if err != nil || len(problems) > 0 {
		t.Fatalf("load: %v %v", err, problems)
	}
	must := map[string]struct{ has, hasNot []string }{
		"tilde-url": {
			has:    []string{"http://www.chiark.greenend.org.uk/~sgtatham/putty/", "1~9장에서는", "10~14장에서는", "~5 min", "Struck"},
			hasNot: []string{"&#126;", "~~"},
		},
		"footnotes": {
			has:    []string{"pdf [1]", "video [2]", "1. http://example.com/slides.pdf", "2. https://example.com/video"},
			hasNot: []string{"[^30]", "[^31]"},
		},
		"list-code": {has: []string{"<b>x</b>", "in list"}},
		"html-table": {
			has:    []string{"Name", "Score", "Kim", "90", "Lee", "85", "Before.", "After."},
			hasNot: []string{"<td>", "<tr>", "<table>", "</"},
		},
		"html-post": {
			has:    []string{"First paragraph", "with a break.", "Second bold and a link", "• one", "• two"},
			hasNot: []string{"<p>", "<br>", "<ul>", "<li>", "<b>", "alert", "comment"},
		},
		"kramdown": {
			has:    []string{"A note.", "sum", "Name", "Value"},
			hasNot: []string{"{:", "+---", "===", "circle"},
		},
		"wide": {
			has: []string{"이름: 키보드", "가격: 120,000원", "↪"},
		},
	}
	for _, p := range blog.Posts() {
		name := strings.TrimSuffix(path.Base(p.Path), ".md")
		t.Run(name, func(t *testing.T) {
			r := New(Options{})
			out, err := r.Render(p, 80, NoColor)
			if err != nil {
				t.Fatal(err)
			}
			got := plainLines(out)
			checkFits(t, name, out, 80)
			checkGolden(t, "cases/"+name, got)
			// What must hold is checked in the dark style, which shows
			// emphasis as colour rather than as marks, at 40 columns for
			// the wide things.
			width := 80
			if name == "wide" {
				width = 40
			}
			dark, err := r.Render(p, width, Dark)
			if err != nil {
				t.Fatal(err)
			}
			checkFits(t, name, dark, width)
			got = plainLines(dark)
			if name == "wide" {
				checkGolden(t, "cases/wide_40", got)
			}
			squashed := strings.Join(strings.Fields(got), " ")
			for _, s := range must[name].has {
				if !strings.Contains(got, s) && !strings.Contains(squashed, s) {
					t.Errorf("lacks %q", s)
				}
			}
			for _, s := range must[name].hasNot {
				if strings.Contains(got, s) {
					t.Errorf("holds %q", s)
				}
			}
		})
	}
	if len(must) != blog.Len() {
		t.Errorf("%d cases checked, %d posts", len(must), blog.Len())
	}
}
