package render

import (
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/charmbracelet/x/ansi"

	blogposts "github.com/sshblog/sshblog/content"
	"github.com/sshblog/sshblog/internal/content"
)

// postOf is a post whose body is md, loaded as posts are.
func postOf(t testing.TB, md string) *content.Post {
	t.Helper()
	fsys := fstest.MapFS{"2020-01-02-test.md": {Data: []byte("---\ntitle: Test\n---\n" + md)}}
	blog, problems, err := content.Load(fsys, content.Options{})
	if err != nil || len(problems) > 0 || blog.Len() != 1 {
		t.Fatalf("loading a post: %v %v", err, problems)
	}
	return blog.Posts()[0]
}

func docOf(t testing.TB, md string) *content.Doc { return postOf(t, md).Doc() }

// renderMarkdown renders md as the body of a post.
func renderMarkdown(t testing.TB, md string, width int, style Style) (string, error) {
	t.Helper()
	return renderDoc(docOf(t, md), width, style)
}

func seedPost(t testing.TB) *content.Post {
	t.Helper()
	blog, problems, err := content.Load(blogposts.Posts(), content.Options{})
	if err != nil || len(problems) > 0 {
		t.Fatalf("loading embedded posts: %v %v", err, problems)
	}
	p, ok := blog.Post("aws-in-action")
	if !ok {
		t.Fatal("seed post aws-in-action not found")
	}
	return p
}

// The Korean seed post must fit inside the window at every width a reader
// may have: a line wider than the window makes the terminal wrap it and
// breaks the screen.
func TestKoreanPostFitsEveryWidth(t *testing.T) {
	p := seedPost(t)
	r := New(Options{})
	// Every width in the dark style (the default); the other styles share
	// its layout, so a sample of widths is enough for them.
	widths := map[Style][]int{Light: {40, 41, 57, 80, 99, 120, 163, 200}, NoColor: {40, 43, 64, 80, 101, 137, 200}}
	for width := 40; width <= 200; width++ {
		widths[Dark] = append(widths[Dark], width)
	}
	for _, style := range []Style{Dark, Light, NoColor} {
		for _, width := range widths[style] {
			out, err := r.Render(p, width, style)
			if err != nil {
				t.Fatal(err)
			}
			for i, line := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(line); w > width {
					t.Fatalf("%s width %d: line %d is %d columns: %q", style, width, i+1, w, ansi.Strip(line))
				}
			}
			if !strings.Contains(ansi.Strip(out), "장애허용") {
				t.Fatalf("%s width %d: rendered text lost the post's words", style, width)
			}
		}
	}
}

func TestNoColorHasNoColour(t *testing.T) {
	out, err := New(Options{}).Render(seedPost(t), 80, NoColor)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out, "\x1b[38;") || strings.Contains(out, "\x1b[48;") {
		t.Fatalf("no-colour rendering contains colour sequences")
	}
}

func TestCacheSharesAndCounts(t *testing.T) {
	p := seedPost(t)
	r := New(Options{})
	if _, ok := r.Cached(p, 80, Dark); ok {
		t.Fatal("empty cache reported a hit")
	}
	var wg sync.WaitGroup
	results := make([]string, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out, err := r.Render(p, 80, Dark)
			if err != nil {
				t.Error(err)
			}
			results[i] = out
		}()
	}
	wg.Wait()
	for _, out := range results[1:] {
		if out != results[0] {
			t.Fatal("concurrent renders of one key returned different text")
		}
	}
	st := r.Stats()
	if st.Misses != 1 || st.Hits != 7 || st.Entries != 1 {
		t.Fatalf("stats after 8 concurrent renders of one key = %+v, want 1 miss, 7 hits, 1 entry", st)
	}
	if got, ok := r.Cached(p, 80, Dark); !ok || got != results[0] {
		t.Fatal("Cached did not return the rendered text")
	}
	if _, ok := r.Cached(p, 81, Dark); ok {
		t.Fatal("another width hit the cache")
	}
}

func TestCacheIsBounded(t *testing.T) {
	p := seedPost(t)
	one, _ := New(Options{}).Render(p, 60, Dark)
	limit := int64(len(one)+64) * 3
	r := New(Options{CacheBytes: limit})
	for w := 60; w < 70; w++ {
		if _, err := r.Render(p, w, Dark); err != nil {
			t.Fatal(err)
		}
	}
	st := r.Stats()
	if st.Bytes > limit {
		t.Fatalf("cache holds %d bytes, limit %d", st.Bytes, limit)
	}
	if _, ok := r.Cached(p, 69, Dark); !ok {
		t.Fatal("most recent render was evicted")
	}
	if _, ok := r.Cached(p, 60, Dark); ok {
		t.Fatal("least recent render was kept past the limit")
	}
}

func BenchmarkRenderSeedPost(b *testing.B) {
	doc := seedPost(b).Doc()
	for b.Loop() {
		if _, err := renderDoc(doc, 80, Dark); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCacheHit(b *testing.B) {
	p := seedPost(b)
	r := New(Options{})
	r.Render(p, 80, Dark)
	for b.Loop() {
		r.Render(p, 80, Dark)
	}
}

func TestSingleTildesStayLiteral(t *testing.T) {
	tests := []struct{ in, want, gone string }{
		{"1~9장에서는, 10~14장에서는", "1~9장에서는, 10~14장에서는", ""},
		{"~~struck~~ text", "struck text", "~"},
		{"`a~b` and c~d", "a~b and c~d", ""},
		{"```\na~b\n```", "a~b", ""},
		{"<http://www.chiark.greenend.org.uk/~sgtatham/putty/>", "http://www.chiark.greenend.org.uk/~sgtatham/putty/", "&#126;"},
		{"[PuTTY](http://www.chiark.greenend.org.uk/~sgtatham/putty/)", "http://www.chiark.greenend.org.uk/~sgtatham/putty/", "&#126;"},
	}
	for _, tt := range tests {
		out, err := renderMarkdown(t, tt.in, 120, Dark)
		if err != nil {
			t.Fatal(err)
		}
		plain := strings.Join(strings.Fields(ansi.Strip(out)), " ")
		if !strings.Contains(plain, tt.want) {
			t.Errorf("%q rendered as %q, want it to contain %q", tt.in, plain, tt.want)
		}
		if tt.gone != "" && strings.Contains(plain, tt.gone) {
			t.Errorf("%q rendered as %q: %q should be gone", tt.in, plain, tt.gone)
		}
	}
}

// renderDoc renders a tree with no links to posts resolved.
func renderDoc(doc *content.Doc, width int, style Style) (string, error) {
	return renderLinked(doc, width, style, postLinks{})
}
