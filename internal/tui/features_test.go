package tui

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	blogposts "github.com/sshblog/sshblog/content"
	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// typeText types s one character at a time, as a terminal sends it.
func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		d.keys(string(r))
	}
}

// The search finds Korean words in the Korean seed post, case-insensitively
// for Latin ones, and every match it reports covers exactly the query's
// cells on its line, wide characters and all.
func TestSearchKoreanSeedPost(t *testing.T) {
	blog, _, err := content.Load(blogposts.Posts(), content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, width := range []int{24, 40, 80, 120} {
		for _, query := range []string{"인프라", "가용성", "aws", "Scale out", "(?)", "1~9장"} {
			d := newDriver(t, Options{Blog: blog, Width: width, Height: 30, Start: "aws-in-action"})
			d.keys("/")
			d.typeText(query)
			d.keys("enter")
			r := &d.m.reader
			if !r.search.active() {
				t.Fatalf("width %d %q: search not active", width, query)
			}
			// What a reader would count: the query's occurrences in the
			// plain lines, ignoring case.
			want := 0
			for _, line := range r.plain {
				want += strings.Count(strings.ToLower(line), strings.ToLower(query))
			}
			if query != "Scale out" && want == 0 {
				t.Fatalf("width %d: %q not in the post", width, query)
			}
			if got := len(r.search.matches); got != want {
				t.Errorf("width %d %q: %d matches, want %d", width, query, got, want)
			}
			for _, m := range r.search.matches {
				cells := ansi.Cut(r.plain[m.line], m.start, m.end)
				if !strings.EqualFold(cells, query) {
					t.Errorf("width %d %q: match %+v covers %q", width, query, m, cells)
				}
			}
			if want > 0 && !strings.Contains(d.screen(), fmt.Sprintf("match 1 of %d", want)) &&
				!strings.Contains(d.screen(), fmt.Sprintf("match 1 of")) {
				t.Errorf("width %d %q: footer lacks the match count:\n%s", width, query, d.screen())
			}
			checkFits(t, fmt.Sprintf("search %q at %d", query, width), d.view(), width, 30)
		}
	}
}

func TestSearchKeys(t *testing.T) {
	d := newDriver(t, Options{Width: 60, Height: 20, Start: "aws-in-action"})
	r := &d.m.reader
	d.keys("/")
	if !d.m.typing() || !strings.Contains(d.screen(), "/ ") {
		t.Fatalf("/ did not open the search line:\n%s", d.screen())
	}
	// Keys that mean something elsewhere are text while typing.
	d.keys("q", "?", "T", "n")
	if got := r.search.input.Value(); got != "q?Tn" || d.quit || d.m.showHelp || d.m.themeChosen {
		t.Fatalf("typed %q, quit %v, help %v, theme %v", got, d.quit, d.m.showHelp, d.m.themeChosen)
	}
	if !strings.Contains(d.screen(), "no match") {
		t.Errorf("footer should say there is no match:\n%s", d.screen())
	}
	d.keys("esc") // cancels the search
	if r.search.shown() || d.m.page != pageReader {
		t.Fatal("esc while typing should cancel the search and stay in the post")
	}
	// A paste is typed too.
	d.keys("/")
	d.send(tea.PasteMsg{Content: "가용성"})
	if r.search.query != "가용성" || len(r.search.matches) == 0 {
		t.Fatalf("pasted query %q: %d matches", r.search.query, len(r.search.matches))
	}
	d.keys("esc")

	d.keys("/")
	d.typeText("인프라")
	n := len(r.search.matches)
	if n < 3 {
		t.Fatalf("인프라: %d matches", n)
	}
	if !strings.Contains(d.screen(), fmt.Sprintf("match 1 of %d", n)) {
		t.Fatalf("matches are counted while typing:\n%s", d.screen())
	}
	d.keys("enter")
	help := d.screen()
	if !strings.Contains(help, "n next match") {
		t.Errorf("help should offer n next match:\n%s", help)
	}
	slug := r.post.Slug
	for i := 2; i <= n+1; i++ {
		d.keys("n")
		want := (i-1)%n + 1
		if r.search.cur != want-1 || !strings.Contains(d.screen(), fmt.Sprintf("match %d of %d", want, n)) {
			t.Fatalf("n #%d: current %d:\n%s", i-1, r.search.cur, d.screen())
		}
		if !r.lineVisible(r.search.matches[r.search.cur].line) {
			t.Fatalf("n #%d: the match is not on screen", i-1)
		}
	}
	if r.post.Slug != slug {
		t.Fatal("n went to another post during a search")
	}
	d.keys("N")
	if r.search.cur != n-1 {
		t.Fatalf("N from the first match: current %d, want %d (wrapping)", r.search.cur, n-1)
	}
	d.keys("p") // no other post while searching
	if r.post.Slug != slug {
		t.Fatal("p left the post during a search")
	}

	// esc clears the search first, then goes back.
	d.keys("esc")
	if r.search.shown() || d.m.page != pageReader {
		t.Fatal("first esc should only clear the search")
	}
	if !strings.Contains(d.screen(), "min left") || strings.Contains(d.screen(), "match") {
		t.Errorf("footer after clearing:\n%s", d.screen())
	}
	d.keys("esc")
	if d.m.page != pageList {
		t.Fatal("second esc should go back to the list")
	}

	// Without a search, n and p go to other posts as before.
	d.keys("g", "enter", "n")
	if r.post.Slug != fixtureBlog(t).Posts()[1].Slug {
		t.Fatalf("n without a search: reading %s", r.post.Slug)
	}
}

// Matches are drawn in reverse video around exactly the matched text, in
// the raw view; the current one differs from the others. The lines keep
// their width.
func TestSearchHighlightRaw(t *testing.T) {
	for _, style := range []render.Style{render.NoColor, render.Dark} {
		d := newDriver(t, Options{Width: 80, Height: 40, Start: "aws-in-action", Style: style})
		d.keys("/")
		d.typeText("인프라")
		d.keys("enter")
		view := d.view()
		checkFits(t, "highlighted", view, 80, 40)
		reverse := regexp.MustCompile(`\x1b\[([0-9;]*;)?7(;[0-9;]*)?m인프라\x1b\[m`)
		if len(reverse.FindAllString(view, -1)) < 2 {
			t.Errorf("%s: matches not in reverse video: %q", style, view)
		}
		cur := d.m.st.searchCurrent.Render("인프라")
		if strings.Count(view, cur) != 1 {
			t.Errorf("%s: the current match should be drawn once as %q: %q", style, cur, view)
		}
		// The highlighted screen reads the same as the plain one.
		before := d.screen()
		d.keys("esc")
		d.keys("/")
		d.typeText("인프라")
		d.keys("enter")
		if got := d.screen(); got != before {
			t.Errorf("%s: screen text changed between identical searches", style)
		}
	}
}

// Highlighting keeps a hyperlink's OSC 8 around the cells that are not
// matched, and measures wide characters right.
func TestHighlightLineKeepsStylesAndWidth(t *testing.T) {
	link := ansi.SetHyperlink("https://example.com") + "\x1b[1m링크 text\x1b[m" + ansi.ResetHyperlink()
	line := "  가나 " + link + " 다라"
	ms := findMatches([]string{ansi.Strip(line)}, "TEXT")
	if len(ms) != 1 || ms[0].start != 12 || ms[0].end != 16 {
		t.Fatalf("matches %+v", ms)
	}
	st := plainStyles()
	out := highlightLine(line, ms, 0, st.searchMatch, st.searchCurrent)
	if ansi.Strip(out) != ansi.Strip(line) || ansi.StringWidth(out) != ansi.StringWidth(line) {
		t.Fatalf("highlight changed the text: %q", out)
	}
	// The matched cells are reversed and still part of the link.
	inLink := regexp.MustCompile(`\x1b\]8;;https://example\.com\x07(\x1b\[[0-9;]*7[0-9;]*m[a-z]\x1b\[m)+\x1b\]8;;\x07`)
	if !inLink.MatchString(out) {
		t.Fatalf("match not reversed inside its link: %q", out)
	}
	if linkAt(line, 3) != "" || linkAt(line, 8) == "" || linkAt(line, 17) != "" {
		t.Errorf("linkAt: %q %q %q", linkAt(line, 3), linkAt(line, 8), linkAt(line, 17))
	}
}

func TestLinksListAndCopy(t *testing.T) {
	d := newDriver(t, Options{Width: 80, Height: 30, Start: "reading-over-ssh"})
	d.keys("l")
	scr := d.screen()
	for _, want := range []string{"Links in this post · 4", "1  Bubble Tea", "https://github.com/charmbracelet/bubbletea", "3  https://no-color.org", "4  The hosting guide"} {
		if !strings.Contains(scr, want) {
			t.Errorf("links list lacks %q:\n%s", want, scr)
		}
	}
	// Choosing a link copies it with OSC 52 (tea.SetClipboard) and shows
	// the whole URL.
	_, cmd := d.m.Update(press("4"))
	if cmd == nil {
		t.Fatal("choosing a link did nothing")
	}
	const long = "https://example.com/docs/hosting/a-rather-long-path/that-does-not-fit-in-a-narrow-window?section=ssh&lang=en"
	if got := fmt.Sprint(cmd()); got != long {
		t.Fatalf("clipboard got %q, want %q", got, long)
	}
	scr = d.screen()
	if !strings.Contains(scr, "Copied link 4 to your clipboard (if your terminal allows OSC 52)") {
		t.Errorf("no copy message:\n%s", scr)
	}
	if !strings.Contains(strings.ReplaceAll(scr, "\n  ", ""), long) {
		t.Errorf("the URL is not shown in full:\n%s", scr)
	}
	checkFits(t, "copied", d.view(), 80, 30)
	d.keys("down", "enter") // wraps around to the first
	if !strings.Contains(d.screen(), "Copied link 1") {
		t.Errorf("down and enter should copy the first link:\n%s", d.screen())
	}
	d.keys("esc")
	if d.m.reader.panel != nil || d.m.page != pageReader {
		t.Fatal("esc should close the links and stay in the post")
	}

	// A post without links offers no l.
	d = newDriver(t, Options{Width: 80, Height: 30, Start: "quiet-tools"})
	if strings.Contains(d.screen(), "l links") {
		t.Errorf("l offered for a post without links:\n%s", d.screen())
	}
	d.keys("l")
	if d.m.reader.panel != nil {
		t.Fatal("l opened an empty list")
	}
}

func TestContentsJump(t *testing.T) {
	d := newDriver(t, Options{Width: 60, Height: 20, Start: "aws-in-action"})
	d.keys("c")
	scr := d.screen()
	for _, want := range []string{"Contents · 9 headings", "1  장별 요약 및 소감", "6    RDS"} {
		if !strings.Contains(scr, want) {
			t.Errorf("contents lack %q:\n%s", want, scr)
		}
	}
	d.keys("6")
	r := &d.m.reader
	if r.panel != nil {
		t.Fatal("choosing a heading should close the contents")
	}
	top := r.plain[r.vp.YOffset()]
	if !strings.Contains(top, "RDS") {
		t.Fatalf("the heading is not at the top: %q\n%s", top, d.screen())
	}
	// Opened again, the contents start at the heading being read.
	d.keys("c")
	if r.panel.cursor != 5 {
		t.Errorf("contents reopened on heading %d, want 6", r.panel.cursor+1)
	}
	d.keys("up", "enter")
	if !strings.Contains(r.plain[r.vp.YOffset()], "배포 자동화") {
		t.Errorf("up and enter: top line %q", r.plain[r.vp.YOffset()])
	}
}

func TestRelatedPosts(t *testing.T) {
	blog := fixtureBlog(t)
	slugs := func(ps []*content.Post) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Slug)
		}
		return out
	}
	for slug, want := range map[string][]string{
		// Go, Tech, Review: aws-in-action shares two; then newest first.
		"go-generics": {"aws-in-action", "reading-over-ssh", "quiet-tools"},
		// Tech, Review: go-generics shares both.
		"aws-in-action":    {"go-generics", "reading-over-ssh", "quiet-tools"},
		"reading-over-ssh": {"quiet-tools", "go-generics", "aws-in-action"},
	} {
		p, _ := blog.Post(slug)
		if got := slugs(relatedPosts(blog, p, maxRelated)); !slices.Equal(got, want) {
			t.Errorf("related to %s: %v, want %v", slug, got, want)
		}
	}
	lonely, _, _ := content.Load(mapFS(map[string]string{
		"2020-01-01-a.md": "---\ntitle: A\ntags: [x]\n---\n\ntext\n",
		"2020-01-02-b.md": "---\ntitle: B\ntags: [y]\n---\n\ntext\n",
		"2020-01-03-c.md": "---\ntitle: C\n---\n\ntext\n",
	}), content.Options{Now: fixtureNow})
	for _, p := range lonely.Posts() {
		if rel := relatedPosts(lonely, p, maxRelated); len(rel) != 0 {
			t.Errorf("%s: related %v without a shared tag", p.Slug, slugs(rel))
		}
	}

	d := newDriver(t, Options{Width: 80, Height: 24, Start: "go-generics"})
	r := &d.m.reader
	d.keys("1", "tab", "enter") // not at the end yet: nothing
	if r.post.Slug != "go-generics" {
		t.Fatalf("related keys worked before the end of the post: reading %s", r.post.Slug)
	}
	d.keys("G")
	scr := d.screen()
	for _, want := range []string{"Related posts", "1  AWS in action 리뷰 · 2017-06-11", "2  Reading a blog over SSH", "3  Quiet tools", "1-3 open related"} {
		if !strings.Contains(scr, want) {
			t.Errorf("end of the post lacks %q:\n%s", want, scr)
		}
	}
	d.keys("tab", "tab")
	if r.relSel != 1 || !strings.Contains(d.screen(), "┃ 2  Reading a blog over SSH") {
		t.Fatalf("tab tab should choose the second:\n%s", d.screen())
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyRight})
	if r.relSel != 2 {
		t.Fatalf("→: chosen %d", r.relSel)
	}
	d.send(tea.KeyPressMsg{Code: tea.KeyLeft})
	d.send(tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift})
	if r.relSel != 0 {
		t.Fatalf("shift+tab: chosen %d", r.relSel)
	}
	d.keys("enter")
	if r.post.Slug != "aws-in-action" {
		t.Fatalf("enter opened %s", r.post.Slug)
	}
	d.keys("G", "3")
	if r.post.Slug != "quiet-tools" {
		t.Fatalf("3 opened %s", r.post.Slug)
	}
	d.keys("esc")
	if got := d.m.list.selected(); got == nil || got.Slug != "quiet-tools" {
		t.Fatalf("back on the list, %v selected", got)
	}
}

func TestProgressFooter(t *testing.T) {
	d := newDriver(t, Options{Width: 80, Height: 24, Start: "aws-in-action"})
	if !strings.Contains(d.screen(), "0% · 3 min left · line") {
		t.Fatalf("top:\n%s", d.screen())
	}
	r := &d.m.reader
	r.vp.SetYOffset(r.vp.TotalLineCount() / 2)
	pct, left := r.progress()
	if pct < 40 || pct > 60 || left != "1 min left" {
		t.Errorf("halfway: %d%% · %s", pct, left)
	}
	d.keys("G")
	if !strings.Contains(d.screen(), "100% · the end") {
		t.Errorf("bottom:\n%s", d.screen())
	}
	// Narrow windows keep the percentage.
	d.send(tea.WindowSizeMsg{Width: 24, Height: 10})
	d.keys("G")
	if !strings.Contains(d.screen(), "100%") {
		t.Errorf("narrow footer:\n%s", d.screen())
	}
}

// The background colour's answer counts only until the timeout; after
// it the theme stays dark. T then cycles dark, light and no colour for the
// rest of the session, whatever the terminal says.
func TestBackgroundTimeoutAndThemeCycle(t *testing.T) {
	d := newDriver(t, Options{Width: 80, Height: 24, Start: "quiet-tools"})
	if !slices.ContainsFunc(d.timers, func(m tea.Msg) bool { _, ok := m.(bgTimeoutMsg); return ok }) {
		t.Fatal("Init set no timeout for the background colour")
	}
	if fire[bgTimeoutMsg](d) != 1 || !d.m.bgSettled {
		t.Fatal("the timeout did not settle the theme")
	}
	d.send(tea.BackgroundColorMsg{Color: lightGrey{}})
	if d.m.style != render.Dark {
		t.Fatalf("a late answer switched the theme to %v", d.m.style)
	}

	var styles []render.Style
	for range 4 {
		d.keys("T")
		styles = append(styles, d.m.style)
		if d.m.reader.textKey.style != d.m.style {
			t.Fatalf("post rendered %v, theme %v", d.m.reader.textKey.style, d.m.style)
		}
		if want := "Theme: " + d.m.style.String(); !strings.Contains(d.screen(), want) {
			t.Errorf("T should name the theme %q:\n%s", want, d.screen())
		}
		v := d.view()
		coloured := strings.Contains(v, "\x1b[38") || strings.Contains(v, "\x1b[1;38")
		if coloured == (d.m.style == render.NoColor) {
			t.Errorf("%v: coloured %v", d.m.style, coloured)
		}
	}
	if want := []render.Style{render.Light, render.NoColor, render.Dark, render.Light}; !slices.Equal(styles, want) {
		t.Fatalf("T cycled %v, want %v", styles, want)
	}
	// The name goes away after a moment, and the help comes back.
	fire[statusDoneMsg](d)
	if strings.Contains(d.screen(), "Theme:") || !strings.Contains(d.screen(), "? more") {
		t.Errorf("status did not expire:\n%s", d.screen())
	}
	// The reader's choice holds against the terminal and NO_COLOR.
	d.send(tea.BackgroundColorMsg{Color: darkGrey{}})
	d.send(tea.EnvMsg{"NO_COLOR=1"})
	if d.m.style != render.Light {
		t.Fatalf("the chosen theme changed to %v", d.m.style)
	}

	// An answer before the timeout counts.
	d = newDriver(t, Options{Width: 80, Height: 24})
	d.send(tea.BackgroundColorMsg{Color: lightGrey{}})
	if d.m.style != render.Light || !d.m.bgSettled {
		t.Fatalf("a prompt answer: %v", d.m.style)
	}

	// NO_COLOR starts without colour; T goes on to dark.
	d = newDriver(t, Options{Width: 80, Height: 24})
	d.send(tea.EnvMsg{"NO_COLOR=1"})
	if d.m.style != render.NoColor {
		t.Fatalf("NO_COLOR: %v", d.m.style)
	}
	d.keys("T")
	if d.m.style != render.Dark {
		t.Fatalf("T after NO_COLOR: %v", d.m.style)
	}
	// T is text while a filter is typed.
	d.keys("/", "T")
	if d.m.style != render.Dark || d.m.list.list.FilterValue() != "T" {
		t.Fatalf("T while filtering: style %v, filter %q", d.m.style, d.m.list.list.FilterValue())
	}
}

type darkGrey struct{}

func (darkGrey) RGBA() (r, g, b, a uint32) { return 0x1111, 0x1111, 0x1111, 0xffff }

func TestTimeZoneFromClient(t *testing.T) {
	for _, tc := range []struct {
		tz   string
		want string // the Korean post's date (2017-06-11 21:06 UTC)
	}{
		{"", "2017-06-11"},
		{"Asia/Seoul", "2017-06-12"},
		{"UTC", "2017-06-11"},
		{"America/Argentina/Buenos_Aires", "2017-06-11"},
		{"Pacific/Kiritimati", "2017-06-12"},
		{":/etc/localtime", "2017-06-11"}, // a path: ignored
		{"/usr/share/zoneinfo/Asia/Seoul", "2017-06-11"},
		{"../../../../usr/share/zoneinfo/Asia/Seoul", "2017-06-11"},
		{"Asia/../Asia/Seoul", "2017-06-11"},
		{"Local", "2017-06-11"},
		{"KST-9", "2017-06-11"}, // POSIX rules: not a zone name
		{"No/Such_Zone", "2017-06-11"},
	} {
		d := newDriver(t, Options{Width: 80, Height: 40})
		d.send(tea.EnvMsg{"TERM=xterm", "TZ=" + tc.tz})
		if !strings.Contains(d.screen(), tc.want+" · #Tech #Review") {
			t.Errorf("TZ=%q: list does not date the Korean post %s:\n%s", tc.tz, tc.want, d.screen())
		}
		// Posts dated without a time keep their day in every zone.
		if !strings.Contains(d.screen(), "2022-05-14 · #Go") {
			t.Errorf("TZ=%q: a date-only post moved:\n%s", tc.tz, d.screen())
		}
		d.keys("G", "enter")
		if !strings.Contains(d.screen(), tc.want+" · 3 min read") {
			t.Errorf("TZ=%q: reader header:\n%s", tc.tz, d.screen())
		}
	}
	if validZoneName(strings.Repeat("A", 65)) || validZoneName("") || !validZoneName("Etc/GMT+9") {
		t.Error("validZoneName")
	}
}

func TestDateOnlyPostsKeepTheirDay(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip(err)
	}
	d := &dates{loc: ny}
	if got := d.format(time.Date(2022, 5, 14, 0, 0, 0, 0, time.UTC)); got != "2022-05-14" {
		t.Errorf("date-only post in New York: %s", got)
	}
	if got := d.format(time.Date(2022, 5, 14, 2, 0, 0, 0, time.UTC)); got != "2022-05-13" {
		t.Errorf("02:00 UTC in New York: %s", got)
	}
}

// Help lists the new keys, and the one-line bar still fits.
func TestReaderHelpListsNewKeys(t *testing.T) {
	d := newDriver(t, Options{Width: 100, Height: 40, Start: "reading-over-ssh"})
	d.keys("?")
	full := strings.Join(strings.Fields(d.screen()), " ")
	for _, want := range []string{"/ search", "l links", "c contents", "T theme", "n next", "esc/q back"} {
		if !strings.Contains(full, want) {
			t.Errorf("reader help lacks %q:\n%s", want, d.screen())
		}
	}
	d.keys("?", "G", "?")
	full = strings.Join(strings.Fields(d.screen()), " ")
	for _, want := range []string{"tab/→ choose related", "1-3 open related"} {
		if !strings.Contains(full, want) {
			t.Errorf("help at the end lacks %q:\n%s", want, d.screen())
		}
	}
	d.keys("?", "/", "x", "enter", "?")
	full = strings.Join(strings.Fields(d.screen()), " ")
	for _, want := range []string{"n next match", "N prev match", "esc clear search", "q back"} {
		if !strings.Contains(full, want) {
			t.Errorf("help during a search lacks %q:\n%s", want, d.screen())
		}
	}
	for _, w := range []int{20, 40, 60, 80, 120} {
		d := newDriver(t, Options{Width: w, Height: 20, Start: "reading-over-ssh"})
		for _, keys := range [][]string{nil, {"G"}, {"/", "a"}, {"enter"}, {"l"}, {"esc", "c"}} {
			d.keys(keys...)
			lines := strings.Split(d.view(), "\n")
			last := lines[len(lines)-1]
			if ansi.StringWidth(last) > w {
				t.Errorf("width %d after %v: help bar %d columns", w, keys, ansi.StringWidth(last))
			}
			// "?" stays at the right end, except while typing, when it is text.
			if !d.m.typing() && !strings.HasSuffix(ansi.Strip(last), "? more") {
				t.Errorf("width %d after %v: help bar lost \"? more\": %q", w, keys, ansi.Strip(last))
			}
		}
	}
}

// Runes typed into the search are counted as runes, not bytes.
func TestSearchInputKorean(t *testing.T) {
	d := newDriver(t, Options{Width: 40, Height: 20, Start: "aws-in-action"})
	d.keys("/")
	d.typeText("고가용성")
	if got := d.m.reader.search.input.Value(); utf8.RuneCountInString(got) != 4 {
		t.Fatalf("typed %q", got)
	}
	if !strings.Contains(d.screen(), "/ 고가용성") {
		t.Errorf("search line:\n%s", d.screen())
	}
}
