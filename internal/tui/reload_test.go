package tui

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
)

func loadMap(t *testing.T, files map[string]string) *content.Blog {
	t.Helper()
	blog, problems, err := content.Load(mapFS(files), content.Options{})
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	return blog
}

// A reload reaches the list on screen at once, keeps the selected post,
// leaves the post being read as it is, and says so when that post was
// taken down; a query being typed is not lost to it.
func TestBlogMsgReloads(t *testing.T) {
	v1 := map[string]string{
		"a.md": "---\ntitle: Alpha post\ndate: 2020-01-01\ntags: [x]\n---\nAlpha text.\n",
		"b.md": "---\ntitle: Beta post\ndate: 2020-02-01\n---\nBeta text, old.\n",
		"c.md": "---\ntitle: Gamma post\ndate: 2020-03-01\n---\nGamma text.\n",
	}
	d := newDriver(t, Options{Blog: loadMap(t, v1), Width: 80, Height: 30})
	d.keys("down") // Beta
	v2 := map[string]string{
		"a.md": v1["a.md"],
		"b.md": "---\ntitle: Beta post, edited\ndate: 2020-02-01\n---\nBeta text, new.\n",
		"c.md": v1["c.md"],
		"d.md": "---\ntitle: Delta post\ndate: 2020-04-01\n---\nDelta text.\n",
	}
	d.send(BlogMsg{Blog: loadMap(t, v2)})
	if s := d.screen(); !strings.Contains(s, "Delta post") || !strings.Contains(s, "Beta post, edited") {
		t.Fatalf("the list on screen did not take the reload:\n%s", s)
	}
	if got := d.m.list.selected(); got == nil || got.Slug != "b" {
		t.Fatalf("after the reload %v is selected, want b, the post selected before", got)
	}

	// Reading c while it is taken down: the text stays, leaving says so.
	d.keys("g", "down") // Delta, then Gamma
	if got := d.m.list.selected(); got == nil || got.Slug != "c" {
		t.Fatalf("g, down selected %v, want c", got)
	}
	d.keys("enter")
	v3 := map[string]string{"a.md": v1["a.md"], "b.md": v2["b.md"], "d.md": v2["d.md"]}
	d.send(BlogMsg{Blog: loadMap(t, v3)})
	if s := d.screen(); !strings.Contains(s, "Gamma text.") {
		t.Fatalf("the post being read changed under the reader:\n%s", s)
	}
	d.keys("esc")
	s := d.screen()
	if !strings.Contains(s, "“Gamma post” has been taken down") || strings.Contains(s, "Gamma text") {
		t.Fatalf("leaving a removed post, the list does not say so:\n%s", s)
	}
	if strings.Contains(strings.ReplaceAll(s, "“Gamma post” has been taken down", ""), "Gamma post") {
		t.Fatalf("the list still shows the removed post:\n%s", s)
	}
	d.keys("down") // the notice is shown once
	if strings.Contains(d.screen(), "taken down") {
		t.Fatalf("the notice stays after a key:\n%s", d.screen())
	}

	// A query being typed keeps its results until it is done.
	d.keys("/", "A", "l")
	d.send(BlogMsg{Blog: loadMap(t, v2)})
	if s := d.screen(); strings.Contains(s, "Delta") {
		t.Fatalf("a reload changed the list under a query being typed:\n%s", s)
	}
	d.keys("esc", "esc")
	if s := d.screen(); !strings.Contains(s, "Gamma post") {
		t.Fatalf("the reload never reached the list after the query:\n%s", s)
	}
}

// A reader of a big blog costs no more to set up than the rows on screen
// need: bubbles' paginator built the dots of every page by string
// concatenation on each resize (quadratic: 117 KB per post at 10,000
// posts); choosePaginator shows page numbers instead before it does.
func TestBigBlogFirstScreenAllocatesLittle(t *testing.T) {
	files := map[string]string{}
	for i := range 20000 {
		files[fmt.Sprintf("p%05d.md", i)] = fmt.Sprintf("---\ntitle: Post %d\ndate: 2020-01-01\n---\nText %d.\n", i, i)
	}
	blog := loadMap(t, files)
	lists := NewLists(blog)
	New(Options{Blog: blog, Lists: lists, Width: 100, Height: 30}).View() // builds the shared rows
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m := New(Options{Blog: blog, Lists: lists, Width: 100, Height: 30})
	screen := m.View().Content
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 32<<20 {
		t.Errorf("a reader's first screen and one resize allocated %d MB for 20,000 posts, want a few", got>>20)
	}
	if !strings.Contains(ansi.Strip(screen), "1/") {
		t.Errorf("a 20,000-post list shows no page number:\n%s", ansi.Strip(screen))
	}
}

// The tag index is the blog's, like its post lists: a reader who opens the
// tags of a blog with 20,000 of them costs the rows on screen, not a row
// per tag.
func TestBigTagIndexIsShared(t *testing.T) {
	files := map[string]string{}
	for i := range 20000 {
		files[fmt.Sprintf("p%05d.md", i)] = fmt.Sprintf("---\ntitle: Post %d\ndate: 2020-01-01\ntags: [tag%05d]\n---\nText %d.\n", i, i, i)
	}
	blog := loadMap(t, files)
	lists := NewLists(blog)
	opts := Options{Blog: blog, Lists: lists, Width: 100, Height: 30}
	first := New(opts)
	first.View()
	first.Update(press("t")) // builds the shared tag rows
	m := New(opts)
	m.View()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	m.Update(press("t"))
	screen := ansi.Strip(m.View().Content)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 256<<10 {
		t.Errorf("opening the tags of 20,000 allocated %d KB, want what the screen needs", got>>10)
	}
	if !strings.Contains(screen, "tag00000") {
		t.Errorf("the tag screen shows no tag:\n%s", screen)
	}
}
