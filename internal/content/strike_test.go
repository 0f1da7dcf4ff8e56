package content

import (
	"slices"
	"testing"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
)

// struckTexts is the text of each Strikethrough in d, in order.
func struckTexts(d *Doc) []string {
	var out []string
	_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if s, ok := n.(*extast.Strikethrough); ok && entering {
			out = append(out, d.inlineText(s))
		}
		return ast.WalkContinue, nil
	})
	return out
}

func TestStrikethroughOnlyTwoTildes(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		struck         []string
	}{
		// The seed line: with one-tilde strikethrough, "~9장에서는, 10~" was struck.
		{"ranges", "1~9장에서는, 10~14장에서는", "1~9장에서는, 10~14장에서는", nil},
		{"two", "~~struck~~ text", "struck text", []string{"struck"}},
		{"one", "a ~b~ c", "a ~b~ c", nil},
		{"three", "a ~~~b~~~ c", "a ~~~b~~~ c", nil},
		{"four", "a ~~~~b~~~~", "a ~~~~b~~~~", nil}, // not at a line start: that is a code fence
		{"two closed by three", "~~b~~~", "~~b~~~", nil},
		{"single inside", "~~a ~b~ c~~", "a ~b~ c", []string{"a ~b~ c"}},
		{"two pairs", "~~a~~ and ~~b~~", "a and b", []string{"a", "b"}},
		{"emphasis inside", "~~*em* x~~", "em x", []string{"em x"}},
		{"unclosed", "~~open and shut", "~~open and shut", nil},
		{"flanking", "a ~~ b ~~ c", "a ~~ b ~~ c", nil},
		{"code", "`a~b` and `~~c~~`", "a~b and ~~c~~", nil},
		{"escaped", `\~~a~~`, "~~a~~", nil},
		{"heading", "# 1~9 ~~x~~", "1~9 x", []string{"x"}},
	} {
		for _, hugo := range []bool{false, true} {
			d := parseDoc(tc.in, hugo)
			if got := d.PlainText(d.Root); got != tc.want {
				t.Errorf("%s (hugo %v): %q is %q, want %q", tc.name, hugo, tc.in, got, tc.want)
			}
			if got := struckTexts(d); !slices.Equal(got, tc.struck) {
				t.Errorf("%s (hugo %v): %q strikes %q, want %q", tc.name, hugo, tc.in, got, tc.struck)
			}
		}
	}
}

// The tilde escaping of the old pipeline printed this URL with &#126;.
func TestTildeInURLs(t *testing.T) {
	const url = "http://www.chiark.greenend.org.uk/~sgtatham/putty/"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"bare", "Get " + url + " now", "Get " + url + " now"},
		{"bare with strike", "~~old~~ " + url, "old " + url},
		{"autolink", "<" + url + ">", url},
		{"link", "[x](" + url + ")", "x"},
		{"link in strike", "~~[x](" + url + ")~~", "x"},
		{"reference", "[x][p]\n\n[p]: " + url, "x"},
	} {
		for _, hugo := range []bool{false, true} {
			d := parseDoc(tc.in, hugo)
			if got := d.PlainText(d.Root); got != tc.want {
				t.Errorf("%s (hugo %v): %q is %q, want %q", tc.name, hugo, tc.in, got, tc.want)
			}
			var dests []string
			_ = ast.Walk(d.Root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
				switch n := n.(type) {
				case *ast.AutoLink:
					if entering {
						dests = append(dests, string(n.URL(d.Source)))
					}
				case *ast.Link:
					if entering {
						dests = append(dests, string(n.Destination))
					}
				}
				return ast.WalkContinue, nil
			})
			if !slices.Equal(dests, []string{url}) {
				t.Errorf("%s (hugo %v): %q links to %q, want [%s]", tc.name, hugo, tc.in, dests, url)
			}
		}
	}
}
