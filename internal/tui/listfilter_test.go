package tui

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"

	blogposts "github.com/sshblog/sshblog/content"
	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// embeddedBlog is the blog's own posts, as the binary ships them.
func embeddedBlog(t testing.TB) *content.Blog {
	t.Helper()
	blog, _, err := content.Load(blogposts.Posts(), content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := blog.Post("aws-in-action"); !ok {
		t.Fatal("no aws-in-action among the embedded posts")
	}
	return blog
}

// hugeBlog is n generated posts and the AWS review: more than the lists
// filter inside Update (syncFilterMax), so they filter in the background.
func hugeBlog(t testing.TB, n int) *content.Blog {
	t.Helper()
	files := map[string]string{
		"2017-06-11-aws-in-action.md": "---\ntitle: AWS in action 리뷰\ntags: [Tech, Review]\n---\n한빛출판사의 Amazon Web Service in action 를 읽고\n",
	}
	// No w: "aws" matches the review only.
	words := strings.Fields("terminal ssh blog hosting go notes cloud infra 한국어 데이터베이스 server")
	for i := range n {
		w := func(k int) string { return words[(i*7+k*3)%len(words)] }
		date := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Hour)
		files[fmt.Sprintf("%s-post-%d.md", date.Format("2006-01-02"), i)] = fmt.Sprintf(
			"---\ntitle: Post %d about %s and %s\ndate: %s\ntags: [%s]\n---\nA note on %s, %s and more.\n",
			i, w(0), w(1), date.Format(time.RFC3339), w(2), w(3), w(4))
	}
	blog, problems, err := content.Load(mapFS(files), content.Options{Now: fixtureNow})
	if err != nil || len(problems) > 0 || blog.Len() != n+1 {
		t.Fatalf("huge blog: %v %v, %d posts", err, problems, blog.Len())
	}
	return blog
}

// scrambled runs a Model the way tea.Program does when keys arrive in one
// write: the keys reach Update back to back, and the messages of the
// commands they start come back in any order, before, between or after
// the keys, as rng decides.
type scrambled struct {
	t       *testing.T
	m       *Model
	rng     *rand.Rand
	pending []tea.Msg
	check   func() // run after every Update
}

// newScrambled starts m with seed. Timers fire at once: their messages
// come back in any order too.
func newScrambled(t *testing.T, m *Model, seed1, seed2 uint64) *scrambled {
	m.after = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		return func() tea.Msg { return msg }
	}
	s := &scrambled{t: t, m: m, rng: rand.New(rand.NewPCG(seed1, seed2))}
	return s
}

func (s *scrambled) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case nil, tea.QuitMsg:
	case tea.BatchMsg:
		for _, c := range msg {
			s.exec(c)
		}
	default:
		s.pending = append(s.pending, msg)
	}
}

func (s *scrambled) update(msg tea.Msg) {
	_, cmd := s.m.Update(msg)
	if s.check != nil {
		s.check()
	}
	s.exec(cmd)
}

// play presses keys, delivering the commands' messages interleaved at
// random, until nothing is left.
func (s *scrambled) play(keys ...string) {
	msgs := make([]tea.Msg, len(keys))
	for i, k := range keys {
		msgs[i] = press(k)
	}
	s.playMsgs(msgs...)
}

// playMsgs is play with any messages in place of the keys.
func (s *scrambled) playMsgs(msgs ...tea.Msg) {
	for steps := 0; len(msgs) > 0 || len(s.pending) > 0; steps++ {
		if steps > 10000 {
			s.t.Fatal("messages never settle")
		}
		if len(msgs) > 0 && (len(s.pending) == 0 || s.rng.IntN(2) == 0) {
			msg := msgs[0]
			msgs = msgs[1:]
			s.update(msg)
			continue
		}
		i := s.rng.IntN(len(s.pending))
		msg := s.pending[i]
		s.pending = slices.Delete(s.pending, i, i+1)
		s.update(msg)
	}
}

// wantMatches checks that a list shows the matches of the query typed in
// it, or, while they are being worked out, none. cache keeps the matches
// of each query, for one set of items.
func wantMatches(t *testing.T, what string, l *list.Model, f *listFilter, cache map[string][]list.Item) {
	t.Helper()
	if l.FilterState() == list.Unfiltered {
		return
	}
	q := l.FilterValue()
	if f.stale(l) {
		if len(l.Items()) <= syncFilterMax || l.FilterState() != list.Filtering {
			t.Fatalf("%s: matches for %q are not ready, in a list of %d", what, q, len(l.Items()))
		}
		return
	}
	want, ok := cache[q]
	if !ok {
		for _, r := range refWordFilter(q, itemTexts(l.Items())) {
			want = append(want, l.Items()[r.Index])
		}
		if q == "" {
			want = l.Items()
		}
		cache[q] = want
	}
	if got := l.VisibleItems(); !slices.Equal(got, want) {
		t.Fatalf("%s: %q shows %d items, its matches are %d", what, q, len(got), len(want))
	}
}

// The regression of issue 13: "/AWS" and enter twice, sent in one write,
// open the AWS review however the filter's work and the keys interleave,
// and the list never shows the matches of another query than the one on
// screen.
func TestFastFilterOpensTheRightPost(t *testing.T) {
	blog := embeddedBlog(t)
	r := render.New(render.Options{})
	cache := map[string][]list.Item{}
	for i := range 300 {
		m := New(Options{Blog: blog, Renderer: r, Width: 80, Height: 24})
		s := newScrambled(t, m, uint64(i), 13)
		s.check = func() {
			if m.page == pageList {
				wantMatches(t, fmt.Sprintf("run %d", i), &m.list.list, &m.list.flt, cache)
			}
		}
		s.exec(m.Init())
		s.play("/", "A", "W", "S", "enter", "enter")
		if m.page != pageReader || m.reader.post.Title != "AWS in action 리뷰" {
			title := ""
			if m.reader.post != nil {
				title = m.reader.post.Title
			}
			t.Fatalf("run %d: screen %d, post %q:\n%s", i, m.page, title, m.View().Content)
		}
	}
}

// The same in the tag list: "t", "/Rev" and enter twice show the posts
// tagged Review.
func TestFastTagFilterChoosesTheRightTag(t *testing.T) {
	blog := fixtureBlog(t)
	r := render.New(render.Options{})
	cache := map[string][]list.Item{}
	for i := range 300 {
		m := New(Options{Blog: blog, Renderer: r, Width: 80, Height: 24})
		s := newScrambled(t, m, uint64(i), 14)
		s.check = func() {
			if m.page == pageTags {
				wantMatches(t, fmt.Sprintf("run %d", i), &m.tags.list, &m.tags.flt, cache)
			}
		}
		s.exec(m.Init())
		s.play("t", "/", "R", "e", "v", "enter", "enter")
		if m.page != pageList || m.list.tag != "Review" {
			t.Fatalf("run %d: screen %d, tag %q:\n%s", i, m.page, m.list.tag, m.View().Content)
		}
	}
}

// A list too big to filter inside Update filters in the background; a
// result for a query that is no longer the one typed is dropped, the
// screen says it is still filtering rather than show it, and enter waits
// for the matches of the query typed.
func TestHugeListDropsStaleMatches(t *testing.T) {
	blog := hugeBlog(t, syncFilterMax+500)
	r := render.New(render.Options{})
	cache := map[string][]list.Item{}
	for i := range 10 {
		m := New(Options{Blog: blog, Renderer: r, Width: 80, Height: 24})
		s := newScrambled(t, m, uint64(i), 15)
		s.check = func() {
			if m.page != pageList {
				return
			}
			l := &m.list.list
			wantMatches(t, fmt.Sprintf("run %d", i), l, &m.list.flt, cache)
			if m.list.flt.stale(l) {
				if scr := m.View().Content; !strings.Contains(scr, "… of ") || !strings.Contains(scr, "Filtering…") {
					t.Fatalf("run %d: stale matches on screen:\n%s", i, scr)
				}
			}
		}
		s.exec(m.Init())
		// "AWSX" and a backspace: the result for "AWSX" may come last.
		s.play("/", "A", "W", "S", "X", "backspace", "enter", "enter")
		if m.page != pageReader || m.reader.post.Title != "AWS in action 리뷰" {
			t.Fatalf("run %d: screen %d:\n%s", i, m.page, m.View().Content)
		}
	}

	// A result for an older query, delivered last, changes nothing.
	d := newDriver(t, Options{Blog: blog, Width: 80, Height: 24})
	d.keys("/", "A", "W", "S")
	m := d.m
	if got := m.list.visible(); len(got) != 1 || got[0].Slug != "aws-in-action" {
		t.Fatalf("aws: %d posts shown", len(got))
	}
	_, cmd := m.Update(press("X")) // the filter for "AWSX", held back
	_, _ = m.Update(press("backspace"))
	if cmd == nil {
		t.Fatal("no background filter for AWSX")
	}
	run := func(cmd tea.Cmd) {
		var msgs []tea.Msg
		var walk func(tea.Cmd)
		walk = func(c tea.Cmd) {
			if c == nil {
				return
			}
			switch msg := c().(type) {
			case nil:
			case tea.BatchMsg:
				for _, c := range msg {
					walk(c)
				}
			default:
				msgs = append(msgs, msg)
			}
		}
		walk(cmd)
		for _, msg := range msgs {
			_, _ = m.Update(msg)
		}
	}
	run(cmd)
	if got := m.list.visible(); len(got) != 1 || got[0].Slug != "aws-in-action" || !strings.Contains(d.screen(), "1 of 2501 posts") {
		t.Fatalf("a stale result for AWSX replaced the matches of AWS:\n%s", d.screen())
	}
}

// The in-post search works on the text on screen, at once: while the
// window is resized and renders for other widths arrive in any order, its
// matches are always those of the query typed in the lines shown.
func TestSearchMatchesFollowTheText(t *testing.T) {
	blog := embeddedBlog(t)
	for i := range 12 {
		// A renderer of its own: every width is rendered in the background.
		r := render.New(render.Options{})
		m := New(Options{Blog: blog, Renderer: r, Width: 80, Height: 24, Start: "aws-in-action"})
		s := newScrambled(t, m, uint64(i), 16)
		s.check = func() {
			rd := &m.reader
			if m.page != pageReader || !rd.search.shown() {
				return
			}
			if q := rd.search.input.Value(); q != rd.search.query {
				t.Fatalf("run %d: matches for %q, %q typed", i, rd.search.query, q)
			}
			if want := findMatches(rd.plain, rd.search.query); !slices.Equal(rd.search.matches, want) {
				t.Fatalf("run %d: %d matches of %q shown, %d in the text", i, len(rd.search.matches), rd.search.query, len(want))
			}
		}
		s.exec(m.Init())
		s.playMsgs() // the post is on screen: "/" searches it
		var msgs []tea.Msg
		for _, k := range []string{"/", "인", "프", "라"} {
			msgs = append(msgs, press(k))
		}
		msgs = append(msgs, tea.WindowSizeMsg{Width: 40, Height: 20}, press("backspace"),
			tea.WindowSizeMsg{Width: 120, Height: 30}, press("라"), press("enter"), press("n"))
		s.playMsgs(msgs...)
		if rd := &m.reader; rd.search.query != "인프라" || len(rd.search.matches) == 0 || rd.textKey != rd.want() {
			t.Fatalf("run %d: search %q, %d matches, text for %+v, want %+v", i, rd.search.query, len(rd.search.matches), rd.textKey, rd.want())
		}
	}
}

// The real program: "/AWS" and enter twice in one write, at the first
// frame, open the AWS review every time.
func TestFastFilterInTerminal(t *testing.T) {
	blog := embeddedBlog(t)
	r := render.New(render.Options{})
	for i := range 30 {
		s := startSession(t, Options{Blog: blog, Renderer: r, Width: 80, Height: 24})
		s.send("/AWS" + keyEnter + keyEnter)
		scr := s.waitFor("min left")
		if first, _, _ := strings.Cut(scr, "\n"); !strings.Contains(first, "AWS in action 리뷰") {
			t.Fatalf("run %d opened another post:\n%s", i, scr)
		}
	}
}
