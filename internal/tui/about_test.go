package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

const testFingerprint = "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s"

// i opens the about page from the list and from a post; esc or q goes
// back to the screen it came from.
func TestAboutPage(t *testing.T) {
	d := newDriver(t, Options{Width: 80, Height: 24, Host: "-p 2222 blog.example.com", HostKey: testFingerprint})
	d.keys("i")
	scr := d.screen()
	for _, want := range []string{
		"sshblog · about",
		"Title      sshblog",
		"Posts      4",
		"Time zone  UTC",
		"SSH        ssh -t -p 2222 blog.example.com",
		"Host key   " + testFingerprint,
		"esc/q back",
	} {
		if !strings.Contains(scr, want) {
			t.Errorf("about page lacks %q:\n%s", want, scr)
		}
	}
	if !strings.Contains(scr, "Tags       5 ") || !strings.Contains(scr, "most used:") {
		t.Errorf("about page does not count the tags:\n%s", scr)
	}
	checkFits(t, "about", d.view(), 80, 24)
	if v := d.m.View(); v.WindowTitle != "about · sshblog" {
		t.Errorf("window title %q", v.WindowTitle)
	}
	d.keys("q")
	if scr := d.screen(); !strings.Contains(scr, "sshblog · 4 posts") {
		t.Fatalf("q did not go back to the list:\n%s", scr)
	}

	d = newDriver(t, Options{Width: 80, Height: 24, Start: "aws-in-action"})
	d.keys("i")
	if scr := d.screen(); !strings.Contains(scr, "sshblog · about") || strings.Contains(scr, "Host key") {
		t.Fatalf("about from a post (no host key given):\n%s", scr)
	}
	d.keys("esc")
	if scr := d.screen(); !strings.Contains(scr, "min read") {
		t.Fatalf("esc did not go back to the post:\n%s", scr)
	}

	// The help lists it; while a filter is typed, i is text.
	d = newDriver(t, Options{Width: 80, Height: 24})
	d.keys("?")
	if scr := d.screen(); !strings.Contains(scr, "i") || !strings.Contains(scr, "about") {
		t.Errorf("the help does not list i about:\n%s", scr)
	}
	d.keys("?", "/", "i")
	if strings.Contains(d.screen(), "· about") {
		t.Errorf("i while typing a filter opened the about page:\n%s", d.screen())
	}
}

// At the smallest window drawn, 20x8, with a Korean name wider than the
// window, the page fits, puts each label over its value and scrolls to the
// last line.
func TestAboutPageTinyWindowKoreanTitle(t *testing.T) {
	blog, problems, err := content.Load(mapFS(map[string]string{
		"2020-01-01-a.md": "---\ntitle: 첫 글\ntags: [한국어, 긴태그이름입니다]\n---\n본문\n",
	}), content.Options{Name: "한국어로 쓴 아주 긴 블로그 이름입니다"})
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	d := newDriver(t, Options{Blog: blog, Width: 20, Height: 8, Host: "blog.example.com", HostKey: testFingerprint})
	d.keys("i")
	scr := d.screen()
	checkFits(t, "about 20x8", d.view(), 20, 8)
	if !strings.Contains(scr, "한국어로") || !strings.Contains(scr, "…") {
		t.Errorf("the header is not the name cut to fit:\n%s", scr)
	}
	lines := strings.Split(scr, "\n")
	if strings.TrimRight(lines[1], " ") != " Title" || !strings.HasPrefix(lines[2], "   한국어로 쓴 아주") {
		t.Errorf("labels are not over their values at 20 columns:\n%s", scr)
	}
	d.keys("G")
	scr = d.screen()
	checkFits(t, "about 20x8 bottom", d.view(), 20, 8)
	// The fingerprint is broken over lines, none lost.
	if joined := strings.Join(strings.Fields(scr), ""); !strings.Contains(joined, strings.TrimPrefix(testFingerprint, "SHA256:")[8:]) {
		t.Errorf("the end of the host key is not shown at the bottom:\n%s", scr)
	}
	for w := 20; w <= 44; w++ {
		for h := 8; h <= 12; h++ {
			d.send(tea.WindowSizeMsg{Width: w, Height: h})
			checkFits(t, "about", d.view(), w, h)
		}
	}
	d.keys("esc")
	if !strings.Contains(d.screen(), "2020-01-01 · #한국어") {
		t.Errorf("esc did not go back to the list:\n%s", d.screen())
	}
}

// The site's description goes under the list's header, one line cut to
// the window, wide characters counted as two columns.
func TestListHeaderShowsDescription(t *testing.T) {
	d := newDriver(t, Options{Width: 20, Height: 8})
	// Load does not read a site config yet on this branch: the field is
	// set as New sets it from Blog.Site().Description.
	d.m.list.desc = "서울에서 쓰는 개발 블로그입니다"
	scr := d.screen()
	checkFits(t, "list 20x8", d.view(), 20, 8)
	lines := strings.Split(scr, "\n")
	if !strings.HasPrefix(lines[1], " 서울에서") || !strings.HasSuffix(strings.TrimRight(lines[1], " "), "…") {
		t.Errorf("second line is not the description cut to fit: %q\n%s", lines[1], scr)
	}
	// The filter being typed takes the line.
	d.keys("/")
	if strings.Contains(d.screen(), "서울에서") {
		t.Errorf("the description stays while a filter is typed:\n%s", d.screen())
	}
}

// linkingBlog's first post links to two others and to one it does not
// have, as Liquid's post_url and Hugo's ref leave links.
func linkingBlog(t *testing.T) *content.Blog {
	t.Helper()
	blog, problems, err := content.Load(mapFS(map[string]string{
		"2020-03-01-links.md":  "---\ntitle: Links\n---\nFirst [](sshblog:target), then [the other](sshblog:other), [a lost one](sshblog:gone) and [a site](https://example.com/).\n",
		"2020-02-01-target.md": "---\ntitle: 목표 글\n---\nThe target's text.\n",
		"2020-01-01-other.md":  "---\ntitle: Other\n---\nThe other's text.\n",
	}), content.Options{Now: fixtureNow})
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	return blog
}

// In the links picker, a link to a post shows the post's title and its
// deep link; choosing it opens the post in the app; one to a post the blog
// lacks says so; other links are still copied.
func TestPickerOpensLinkedPost(t *testing.T) {
	blog := linkingBlog(t)
	r := render.New(render.Options{Host: "blog.example.com", PostTitle: func(slug string) (string, bool) {
		p, ok := blog.Post(slug)
		if !ok {
			return "", false
		}
		return p.Title, true
	}})
	d := newDriver(t, Options{Blog: blog, Renderer: r, Width: 120, Height: 30, Start: "links"})
	// The code style pads the deep link with no-break spaces.
	text := strings.Join(strings.Fields(strings.ReplaceAll(d.screen(), "\u00a0", "")), " ")
	if !strings.Contains(text, "First 목표 글 (ssh -t blog.example.com target), then the other (ssh -t blog.example.com other), a lost one and") {
		t.Errorf("the text does not show the deep links:\n%s", d.screen())
	}
	d.keys("l")
	scr := d.screen()
	for _, want := range []string{
		"1  목표 글", "ssh -t blog.example.com target",
		"2  the other", "ssh -t blog.example.com other",
		"3  a lost one", "ssh -t blog.example.com gone",
		"4  a site", "https://example.com/",
		"enter open",
	} {
		if !strings.Contains(scr, want) {
			t.Errorf("links picker lacks %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "sshblog:") || strings.Contains(d.view(), "\x1b]8;;ssh -t") {
		t.Errorf("the picker shows sshblog: URLs or links to a command:\n%q", d.view())
	}
	d.keys("down", "down", "down")
	if !strings.Contains(d.screen(), "enter copy") {
		t.Errorf("enter on an ordinary link should say copy:\n%s", d.screen())
	}

	d.keys("3")
	if scr := d.screen(); !strings.Contains(scr, "No post named “gone”.") || !strings.Contains(scr, "Links in this post") {
		t.Errorf("a link to a missing post does not say so in the picker:\n%s", scr)
	}

	d.keys("1")
	scr = d.screen()
	if !strings.Contains(scr, "sshblog · 목표 글") || !strings.Contains(scr, "The target's text.") {
		t.Fatalf("choosing the link did not open the post:\n%s", scr)
	}
	d.keys("esc")
	if !strings.Contains(d.screen(), "3 posts") {
		t.Fatalf("esc from the linked post did not go to the list:\n%s", d.screen())
	}
}
