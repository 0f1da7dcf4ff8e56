package tui

import (
	"fmt"
	"strings"
	"testing"
	"testing/fstest"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// press builds the key press a terminal would report for k: a name such as
// "enter", "esc", "space", "up", "ctrl+c", or a single character.
func press(k string) tea.KeyPressMsg {
	switch k {
	case "enter":
		return tea.KeyPressMsg{Code: tea.KeyEnter}
	case "esc":
		return tea.KeyPressMsg{Code: tea.KeyEscape}
	case "backspace":
		return tea.KeyPressMsg{Code: tea.KeyBackspace}
	case "space":
		return tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}
	case "up":
		return tea.KeyPressMsg{Code: tea.KeyUp}
	case "down":
		return tea.KeyPressMsg{Code: tea.KeyDown}
	case "pgdown":
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	case "tab":
		return tea.KeyPressMsg{Code: tea.KeyTab}
	case "shift+tab":
		return tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}
	case "ctrl+c":
		return tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}
	}
	r, _ := utf8.DecodeRuneInString(k)
	return tea.KeyPressMsg{Code: r, Text: k}
}

// driver runs a Model the way tea.Program does, but synchronously: every
// command is executed and its message fed back to Update, so that a test
// sees the state after all the work a key started.
type driver struct {
	t    *testing.T
	m    *Model
	quit bool

	// timers holds the messages the Model asked to get later (tea.Tick):
	// the driver's clock stands still until fire delivers them.
	timers []tea.Msg
}

func newDriver(t *testing.T, opts Options) *driver {
	t.Helper()
	if opts.Blog == nil {
		opts.Blog = fixtureBlog(t)
	}
	if opts.Renderer == nil {
		opts.Renderer = render.New(render.Options{})
	}
	d := &driver{t: t, m: New(opts)}
	d.m.after = func(_ time.Duration, msg tea.Msg) tea.Cmd {
		d.timers = append(d.timers, msg)
		return nil
	}
	d.run(d.m.Init())
	return d
}

// fire delivers the timers of type T that are due (all of them: time
// jumps forward), and reports how many there were.
func fire[T tea.Msg](d *driver) int {
	d.t.Helper()
	n := 0
	var keep []tea.Msg
	timers := d.timers
	d.timers = nil
	for _, msg := range timers {
		if _, ok := msg.(T); ok {
			d.send(msg)
			n++
			continue
		}
		keep = append(keep, msg)
	}
	d.timers = append(keep, d.timers...)
	return n
}

// send delivers msg and runs what it starts.
func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	_, cmd := d.m.Update(msg)
	d.run(cmd)
}

// keys presses each key in turn.
func (d *driver) keys(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(press(k))
	}
}

// run executes cmd and everything it leads to. Quitting is recorded, not
// obeyed, so a test can check it.
func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	queue := []tea.Cmd{cmd}
	for steps := 0; len(queue) > 0; steps++ {
		if steps > 1000 {
			d.t.Fatal("commands never settle")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			d.quit = true
		default:
			_, next := d.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

func (d *driver) view() string { return d.m.View().Content }

func (d *driver) screen() string { return ansi.Strip(d.view()) }

// checkFits fails unless the view is at most width columns wide on every
// line and exactly height lines tall.
func checkFits(t *testing.T, what, view string, width, height int) {
	t.Helper()
	lines := strings.Split(view, "\n")
	if len(lines) != height {
		t.Errorf("%s: %d lines, want %d", what, len(lines), height)
	}
	for i, line := range lines {
		if w := ansi.StringWidth(line); w > width {
			t.Errorf("%s: line %d is %d columns, window is %d: %q", what, i+1, w, width, ansi.Strip(line))
		}
	}
}

// Every screen, in every state the keys below reach, fits the window: no
// line wider than it, no more lines than it has, at sizes from 1x1 to
// 300x100, including the Korean post with its double-width characters.
func TestViewFitsEverySize(t *testing.T) {
	blog := fixtureBlog(t)
	renderer := render.New(render.Options{}) // shared: each width renders once
	sizes := [][2]int{
		{1, 1}, {1, 5}, {5, 1}, {2, 2}, {3, 3}, {8, 4}, {10, 3}, {19, 6}, {20, 5},
		{21, 9}, {30, 10}, {39, 12}, {40, 20}, {41, 11}, {60, 15}, {80, 24},
		{100, 30}, {120, 40}, {160, 50}, {300, 100}, {300, 3}, {3, 100},
	}
	steps := []struct {
		name string
		keys []string
	}{
		{"list", nil},
		{"list help", []string{"?"}},
		{"list help closed", []string{"?"}},
		{"filter typing", []string{"/", "a", "w", "s"}},
		{"filter applied", []string{"enter"}},
		{"filter cleared", []string{"esc"}},
		{"list bottom", []string{"G"}},
		{"reader korean", []string{"enter"}},
		{"reader scrolled", []string{"space", "j", "j"}},
		{"search typing", []string{"/", "인", "프", "라"}},
		{"search applied", []string{"enter", "n", "n", "N"}},
		{"search cleared", []string{"esc"}},
		{"links", []string{"l"}},
		{"link copied", []string{"1"}},
		{"links closed", []string{"esc"}},
		{"contents", []string{"c"}},
		{"contents jump", []string{"down", "enter"}},
		{"related", []string{"G", "tab"}},
		{"theme", []string{"T", "T", "T"}},
		{"reader help", []string{"?"}},
		{"reader bottom", []string{"G"}},
		{"about", []string{"i"}},
		{"about help", []string{"?"}},
		{"about bottom", []string{"?", "G"}},
		{"about back", []string{"esc"}},
		{"reader prev", []string{"?", "p"}},
		{"reader tags", []string{"t"}},
		{"tags help", []string{"?"}},
		{"tag list", []string{"?", "enter"}},
		{"all tags", []string{"esc", "t"}},
		{"tags filter", []string{"/", "e"}},
		{"notice", nil},
	}
	// Korean too: its help and headers are double-width text.
	for _, lang := range []string{"", "ko_KR.UTF-8"} {
		for _, size := range sizes {
			w, h := size[0], size[1]
			t.Run(fmt.Sprintf("%s%dx%d", lang, w, h), func(t *testing.T) {
				d := newDriver(t, Options{Blog: blog, Renderer: renderer, Width: w, Height: h, Lang: lang})
				for _, step := range steps {
					if step.name == "notice" {
						d.send(NoticeMsg("This server is restarting: this session ends in 30s."))
					}
					d.keys(step.keys...)
					checkFits(t, step.name, d.view(), w, h)
				}
				// Resizing in the middle of reading reflows to the new size.
				d.keys("esc", "esc", "esc", "enter")
				for _, to := range [][2]int{{w + 7, h + 3}, {max(1, w/2), max(1, h/2)}, {w, h}} {
					d.send(tea.WindowSizeMsg{Width: to[0], Height: to[1]})
					checkFits(t, fmt.Sprintf("resized to %dx%d", to[0], to[1]), d.view(), to[0], to[1])
				}
			})
		}
	}
}

// A window of no size (or a nonsensical one) is treated as 80x24, never as
// an empty screen.
func TestZeroSizeMeansDefault(t *testing.T) {
	for _, size := range [][2]int{{0, 0}, {-3, -1}, {0, 30}, {100, 0}} {
		d := newDriver(t, Options{Width: size[0], Height: size[1]})
		wantW, wantH := size[0], size[1]
		if wantW <= 0 {
			wantW = defaultWidth
		}
		if wantH <= 0 {
			wantH = defaultHeight
		}
		checkFits(t, fmt.Sprintf("new %dx%d", size[0], size[1]), d.view(), wantW, wantH)
		if !strings.Contains(d.screen(), "sshblog · 4 posts") {
			t.Errorf("new %dx%d: empty screen:\n%s", size[0], size[1], d.screen())
		}

		d = newDriver(t, Options{Width: 50, Height: 10})
		d.send(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		checkFits(t, fmt.Sprintf("resized to %dx%d", size[0], size[1]), d.view(), wantW, wantH)
		if !strings.Contains(d.screen(), "sshblog · 4 posts") {
			t.Errorf("resized to %dx%d: empty screen:\n%s", size[0], size[1], d.screen())
		}
	}
}

func TestEnterOpensAndEscOrQReturns(t *testing.T) {
	for _, back := range []string{"esc", "q"} {
		d := newDriver(t, Options{Width: 80, Height: 24})
		d.keys("down", "down") // the third post
		want := fixtureBlog(t).Posts()[2]
		d.keys("enter")
		if d.m.page != pageReader || d.m.reader.post.Slug != want.Slug {
			t.Fatalf("enter opened %v on screen %d, want %s", d.m.reader.post, d.m.page, want.Slug)
		}
		if !strings.Contains(d.screen(), "sshblog · "+want.Title) {
			t.Fatalf("reader header missing:\n%s", d.screen())
		}
		d.keys(back)
		if d.m.page != pageList {
			t.Fatalf("%s did not return to the list", back)
		}
		if d.quit {
			t.Fatalf("%s in the reader quit the app", back)
		}
		if got := d.m.list.selected(); got == nil || got.Slug != want.Slug {
			t.Fatalf("%s: selection not preserved: %v", back, got)
		}
	}
}

func TestNextAndPrevFollowTheList(t *testing.T) {
	d := newDriver(t, Options{Width: 80, Height: 24})
	posts := fixtureBlog(t).Posts()
	d.keys("enter")
	for i := 1; i < len(posts); i++ {
		d.keys("n")
		if got := d.m.reader.post.Slug; got != posts[i].Slug {
			t.Fatalf("after %d n: reading %s, want %s", i, got, posts[i].Slug)
		}
	}
	d.keys("n") // past the end: stays
	if got := d.m.reader.post.Slug; got != posts[len(posts)-1].Slug {
		t.Fatalf("n past the end moved to %s", got)
	}
	d.keys("p")
	if got := d.m.reader.post.Slug; got != posts[len(posts)-2].Slug {
		t.Fatalf("p: reading %s, want %s", got, posts[len(posts)-2].Slug)
	}
	d.keys("esc")
	if got := d.m.list.selected(); got.Slug != posts[len(posts)-2].Slug {
		t.Fatalf("back on the list, %s selected, want the post last read", got.Slug)
	}

	// In a tag's list, n and p stay within the tag.
	d.keys("t", "down", "enter") // Review: aws-in-action and go-generics
	if d.m.list.tag != "Review" {
		t.Fatalf("tag list is %q, want Review", d.m.list.tag)
	}
	d.keys("g", "enter", "n")
	if got := d.m.reader.post.Slug; got != "aws-in-action" {
		t.Fatalf("n in tag Review went to %s", got)
	}
}

func TestTagsFilterAndEscClears(t *testing.T) {
	d := newDriver(t, Options{Width: 80, Height: 24})
	d.keys("t")
	if d.m.page != pageTags {
		t.Fatal("t did not open the tags")
	}
	scr := d.screen()
	for _, want := range []string{"tags · 5 tags", "Tech    4 posts", "Review  2 posts", "SSH     1 post"} {
		if !strings.Contains(scr, want) {
			t.Errorf("tags screen lacks %q:\n%s", want, scr)
		}
	}
	d.keys("enter") // Tech, the most used
	if d.m.page != pageList || d.m.list.tag != "Tech" {
		t.Fatalf("choosing Tech: screen %d, tag %q", d.m.page, d.m.list.tag)
	}
	if !strings.Contains(d.screen(), "sshblog · tag: Tech · 4 posts") {
		t.Errorf("header does not name the tag:\n%s", d.screen())
	}
	d.keys("t", "down", "enter") // Review
	if got := len(d.m.list.visible()); got != 2 || !strings.Contains(d.screen(), "tag: Review · 2 posts") {
		t.Fatalf("tag Review shows %d posts:\n%s", got, d.screen())
	}
	for _, p := range d.m.list.visible() {
		if !p.HasTag("Review") {
			t.Errorf("%s is listed under Review", p.Slug)
		}
	}

	// esc first clears a typed filter, then the tag.
	d.keys("/", "a", "w", "s", "enter")
	if !strings.Contains(d.screen(), "tag: Review · 1 of 2 posts") {
		t.Fatalf("filter within a tag:\n%s", d.screen())
	}
	d.keys("esc")
	if d.m.list.tag != "Review" || !strings.Contains(d.screen(), "tag: Review · 2 posts") {
		t.Fatalf("first esc should clear only the filter:\n%s", d.screen())
	}
	d.keys("esc")
	if d.m.list.tag != "" || !strings.Contains(d.screen(), "sshblog · 4 posts") {
		t.Fatalf("second esc should clear the tag:\n%s", d.screen())
	}
	if d.quit {
		t.Fatal("esc quit the app")
	}

	// From the reader, t lists the post's own tags.
	d.keys("G", "enter", "t")
	if !strings.Contains(d.screen(), "tags of AWS in action 리뷰") || len(d.m.tags.list.Items()) != 2 {
		t.Fatalf("reader t:\n%s", d.screen())
	}
	d.keys("esc")
	if d.m.page != pageReader {
		t.Fatal("esc from the post's tags should go back to the reader")
	}
	d.keys("t", "down", "enter")
	if d.m.page != pageList || d.m.list.tag != "Review" {
		t.Fatalf("choosing the post's tag: screen %d tag %q", d.m.page, d.m.list.tag)
	}
	if got := d.m.list.selected(); got == nil || got.Slug != "aws-in-action" {
		t.Fatalf("the post read should stay selected, got %v", got)
	}
}

func TestFilterMatchesTitleTagsAndDescription(t *testing.T) {
	for _, tc := range []struct {
		query string
		want  []string
	}{
		{"aws", []string{"aws-in-action"}},
		{"리뷰", []string{"aws-in-action"}},            // Korean title
		{"essay", []string{"quiet-tools"}},           // a tag
		{"calm place", []string{"reading-over-ssh"}}, // the description
		{"gnrcs", []string{"go-generics"}},           // fuzzy inside a word
		{"qtt", []string{"quiet-tools"}},             // fuzzy across the title
		{"yat", nil},                                 // but not across a description
		{"tech", []string{"reading-over-ssh", "quiet-tools", "go-generics", "aws-in-action"}},
		{"zzz", nil},
	} {
		d := newDriver(t, Options{Width: 80, Height: 24})
		d.keys("/")
		d.keys(strings.Split(tc.query, "")...)
		if tc.query == "리뷰" {
			d = newDriver(t, Options{Width: 80, Height: 24})
			d.keys("/", "리", "뷰")
		}
		var got []string
		for _, p := range d.m.list.visible() {
			got = append(got, p.Slug)
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") {
			t.Errorf("filter %q shows %v, want %v", tc.query, got, tc.want)
		}
		if tc.want == nil && !strings.Contains(d.screen(), "No post matches") {
			t.Errorf("filter %q: no empty-result message:\n%s", tc.query, d.screen())
		}
	}
}

func TestHelpToggles(t *testing.T) {
	d := newDriver(t, Options{Width: 100, Height: 30})
	short := d.screen()
	if !strings.Contains(short, "? more") || strings.Contains(short, "next page") {
		t.Fatalf("short help expected:\n%s", short)
	}
	d.keys("?")
	full := d.screen()
	for _, want := range []string{"? close help", "g/home", "ctrl+c", "t tags"} {
		if !strings.Contains(strings.Join(strings.Fields(full), " "), want) {
			t.Errorf("full help lacks %q:\n%s", want, full)
		}
	}
	d.keys("?")
	if d.screen() != short {
		t.Errorf("? again should restore the short help:\n%s", d.screen())
	}

	// The reader's help lists the reader's keys.
	d.keys("enter", "?")
	full = strings.Join(strings.Fields(d.screen()), " ")
	for _, want := range []string{"G bottom", "n next", "esc/q back", "½ page down"} {
		if !strings.Contains(full, want) {
			t.Errorf("reader full help lacks %q:\n%s", want, d.screen())
		}
	}

	// While typing a filter, ? is text.
	d = newDriver(t, Options{Width: 100, Height: 30})
	d.keys("/", "?")
	if d.m.showHelp || d.m.list.list.FilterValue() != "?" {
		t.Fatalf("? while filtering: help %v, filter %q", d.m.showHelp, d.m.list.list.FilterValue())
	}
}

func TestQuit(t *testing.T) {
	d := newDriver(t, Options{Width: 80, Height: 24})
	d.keys("q")
	if !d.quit {
		t.Error("q on the home list did not quit")
	}

	d = newDriver(t, Options{Width: 80, Height: 24})
	d.keys("/", "q")
	if d.quit || d.m.list.list.FilterValue() != "q" {
		t.Error("q while filtering should be typed, not quit")
	}

	d = newDriver(t, Options{Width: 80, Height: 24})
	d.keys("enter", "ctrl+c")
	if !d.quit {
		t.Error("ctrl+c in the reader did not quit")
	}

	d = newDriver(t, Options{Width: 80, Height: 24})
	d.keys("t", "ctrl+c")
	if !d.quit {
		t.Error("ctrl+c on the tags did not quit")
	}
}

// A post not in the cache shows "Rendering…" at once, and its text when the
// render arrives; a post already rendered shows in the same frame.
func TestReaderPlaceholderThenText(t *testing.T) {
	renderer := render.New(render.Options{})
	m := New(Options{Blog: fixtureBlog(t), Renderer: renderer, Width: 60, Height: 20})
	m.Init()
	_, cmd := m.Update(press("G"))
	if cmd != nil {
		cmd()
	}
	_, cmd = m.Update(press("enter"))
	if m.page != pageReader {
		t.Fatal("enter did not open the reader")
	}
	scr := ansi.Strip(m.View().Content)
	if !strings.Contains(scr, "Rendering…") || strings.Contains(scr, "장별 요약") {
		t.Fatalf("first frame should be the placeholder:\n%s", scr)
	}
	if cmd == nil {
		t.Fatal("no render command for a post not in the cache")
	}
	msg := cmd()
	if _, ok := msg.(renderedMsg); !ok {
		t.Fatalf("render command returned %T", msg)
	}
	m.Update(msg)
	scr = ansi.Strip(m.View().Content)
	if strings.Contains(scr, "Rendering…") || !strings.Contains(scr, "한빛출판사의") {
		t.Fatalf("rendered text not shown:\n%s", scr)
	}

	// Same post again: it is cached, so no placeholder and no command.
	m.Update(press("esc"))
	_, cmd = m.Update(press("enter"))
	scr = ansi.Strip(m.View().Content)
	if strings.Contains(scr, "Rendering…") || !strings.Contains(scr, "한빛출판사의") {
		t.Fatalf("cached post should show at once:\n%s", scr)
	}
	if cmd != nil {
		if _, ok := cmd().(renderedMsg); ok {
			t.Fatal("a cached post was rendered again")
		}
	}
}

// Renders that arrive for another post, width or style are ignored.
func TestStaleRenderIgnored(t *testing.T) {
	blog := fixtureBlog(t)
	m := New(Options{Blog: blog, Renderer: render.New(render.Options{}), Width: 60, Height: 20})
	_, first := m.Update(press("enter"))
	m.Update(press("n")) // now reading the second post, first render still out
	stale := first().(renderedMsg)
	m.Update(stale)
	if m.reader.text != "" {
		t.Fatal("a render of the previous post was shown")
	}
	want := m.reader.want()
	for _, k := range []renderKey{
		{slug: want.slug, width: want.width + 1, style: want.style},
		{slug: want.slug, width: want.width, style: render.Light},
	} {
		m.Update(renderedMsg{key: k, text: "STALE"})
		if strings.Contains(m.View().Content, "STALE") {
			t.Fatalf("stale render %+v shown", k)
		}
	}
	m.Update(renderedMsg{key: want, text: "  fresh text"})
	if !strings.Contains(m.View().Content, "fresh text") {
		t.Fatal("the render asked for was not shown")
	}
}

// Resizing re-renders the post at the new width and keeps the reading
// position at about the same fraction of the post.
func TestResizeKeepsPosition(t *testing.T) {
	d := newDriver(t, Options{Width: 120, Height: 40})
	d.keys("G", "enter")
	d.keys("space", "space")
	before := float64(d.m.reader.vp.YOffset()) / float64(d.m.reader.vp.TotalLineCount())
	d.send(tea.WindowSizeMsg{Width: 40, Height: 20})
	if got := d.m.reader.textKey.width; got != 40 {
		t.Fatalf("text rendered at %d columns after resize to 40", got)
	}
	after := float64(d.m.reader.vp.YOffset()) / float64(d.m.reader.vp.TotalLineCount())
	if before < 0.1 || after < before-0.05 || after > before+0.05 {
		t.Fatalf("position moved from %.2f to %.2f of the post", before, after)
	}
}

func TestMouseWheelScrolls(t *testing.T) {
	d := newDriver(t, Options{Width: 60, Height: 20})
	d.keys("G", "enter")
	if d.m.View().MouseMode != tea.MouseModeCellMotion {
		t.Error("reader should turn on mouse cell motion")
	}
	d.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if d.m.reader.vp.YOffset() == 0 {
		t.Fatal("wheel down did not scroll")
	}
	d.send(tea.MouseWheelMsg{Button: tea.MouseWheelUp})
	if d.m.reader.vp.YOffset() != 0 {
		t.Fatal("wheel up did not scroll back")
	}
	d.keys("esc")
	if d.m.View().MouseMode != tea.MouseModeNone {
		t.Error("the list does not need the mouse")
	}
}

func TestScrollKeysAndFooter(t *testing.T) {
	d := newDriver(t, Options{Width: 60, Height: 20})
	d.keys("G", "enter")
	vp := &d.m.reader.vp
	total := vp.TotalLineCount()
	if !strings.Contains(d.screen(), fmt.Sprintf("0%% · 3 min left · line %d/%d", vp.Height(), total)) {
		t.Fatalf("footer at the top:\n%s", d.screen())
	}
	d.keys("j", "j", "down")
	if vp.YOffset() != 3 {
		t.Fatalf("j j down: offset %d", vp.YOffset())
	}
	d.keys("k")
	if vp.YOffset() != 2 {
		t.Fatalf("k: offset %d", vp.YOffset())
	}
	d.keys("space")
	if vp.YOffset() != 2+vp.Height() {
		t.Fatalf("space: offset %d", vp.YOffset())
	}
	d.keys("G")
	if !vp.AtBottom() || !strings.Contains(d.screen(), fmt.Sprintf("100%% · the end · line %d/%d", total, total)) {
		t.Fatalf("G: not at the bottom:\n%s", d.screen())
	}
	d.keys("g")
	if vp.YOffset() != 0 {
		t.Fatalf("g: offset %d", vp.YOffset())
	}
	d.keys("pgdown")
	if vp.YOffset() != vp.Height() {
		t.Fatalf("pgdown: offset %d", vp.YOffset())
	}
}

func TestDeepLinks(t *testing.T) {
	d := newDriver(t, Options{Width: 80, Height: 24, Start: "aws-in-action"})
	if d.m.page != pageReader || !strings.Contains(d.screen(), "한빛출판사의") {
		t.Fatalf("slug deep link:\n%s", d.screen())
	}
	d.keys("esc")
	if got := d.m.list.selected(); got == nil || got.Slug != "aws-in-action" {
		t.Fatalf("back from a deep link: %v selected", got)
	}

	d = newDriver(t, Options{Width: 80, Height: 24, Start: "tag/review"})
	if d.m.page != pageList || !strings.Contains(d.screen(), "tag: Review · 2 posts") {
		t.Fatalf("tag deep link:\n%s", d.screen())
	}

	d = newDriver(t, Options{Width: 80, Height: 24, Start: "no-such-post"})
	if d.m.page != pageList || !strings.Contains(d.screen(), "No post named “no-such-post”") {
		t.Fatalf("unknown deep link:\n%s", d.screen())
	}
}

// The background colour decides light or dark; NO_COLOR wins over both.
func TestColoursFollowTheClient(t *testing.T) {
	d := newDriver(t, Options{Width: 80, Height: 24, Start: "quiet-tools"})
	if d.m.style != render.Dark {
		t.Fatalf("starts %v, want dark", d.m.style)
	}
	d.send(tea.BackgroundColorMsg{Color: lightGrey{}})
	if d.m.style != render.Light || d.m.reader.textKey.style != render.Light {
		t.Fatalf("light background: style %v, post rendered %v", d.m.style, d.m.reader.textKey.style)
	}
	if !strings.Contains(d.view(), "\x1b[") {
		t.Fatal("styles should be coloured")
	}

	d.send(tea.EnvMsg{"TERM=xterm", "NO_COLOR=1"})
	if d.m.style != render.NoColor || d.m.reader.textKey.style != render.NoColor {
		t.Fatalf("NO_COLOR: style %v, post rendered %v", d.m.style, d.m.reader.textKey.style)
	}
	d.send(tea.BackgroundColorMsg{Color: lightGrey{}})
	if d.m.style != render.NoColor {
		t.Fatal("a background reply after NO_COLOR brought colour back")
	}
	for _, step := range [][]string{nil, {"esc"}, {"t"}, {"esc", "/", "a"}} {
		d.keys(step...)
		if v := d.view(); strings.Contains(v, "\x1b[38") || strings.Contains(v, "\x1b[48") {
			t.Fatalf("colour after NO_COLOR (%v): %q", step, v)
		}
	}

	d = newDriver(t, Options{Width: 80, Height: 24, Style: render.NoColor})
	d.send(tea.BackgroundColorMsg{Color: lightGrey{}})
	if d.m.style != render.NoColor {
		t.Fatal("Style NoColor must stay colourless")
	}
}

type lightGrey struct{}

func (lightGrey) RGBA() (r, g, b, a uint32) { return 0xeeee, 0xeeee, 0xeeee, 0xffff }

// Wide characters are measured in columns: a Korean title is cut to the
// window, not by bytes or runes (odd widths end in half a syllable).
// Narrower windows say they are too small: see TestTooSmallWindow.
func TestWideTitlesTruncatedByColumns(t *testing.T) {
	blog, _, err := content.Load(mapFS(map[string]string{
		"2020-01-01-wide.md": "---\ntitle: 아주 긴 한국어 제목이 있는 글입니다 정말로 길어요\ntags: [한글]\n---\n\n본문입니다.\n",
	}), content.Options{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []int{20, 21, 24, 25, 31} {
		d := newDriver(t, Options{Blog: blog, Width: w, Height: 12})
		checkFits(t, fmt.Sprintf("list %d", w), d.view(), w, 12)
		if !strings.Contains(d.screen(), "…") {
			t.Errorf("width %d: long title not cut with an ellipsis:\n%s", w, d.screen())
		}
		d.keys("enter")
		checkFits(t, fmt.Sprintf("reader %d", w), d.view(), w, 12)
		d.keys("t")
		checkFits(t, fmt.Sprintf("tags %d", w), d.view(), w, 12)
	}
}

// An empty blog is a calm empty list, not a crash.
func TestEmptyBlog(t *testing.T) {
	blog, _, err := content.Load(mapFS(nil), content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, Options{Blog: blog, Width: 40, Height: 10})
	d.keys("enter", "t", "n", "/", "x", "esc", "?")
	checkFits(t, "empty", d.view(), 40, 10)
	if !strings.Contains(d.screen(), "No posts yet.") {
		t.Fatalf("empty blog:\n%s", d.screen())
	}
}

func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, text := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	return fsys
}

// A NoticeMsg from the server stays on every screen until replaced, wrapped
// to the window.
func TestNoticeOnEveryScreen(t *testing.T) {
	const notice = "This server is restarting: this session ends in 30s. Reconnect in a moment."
	for _, size := range [][2]int{{80, 24}, {40, 20}, {20, 5}, {3, 2}} {
		w, h := size[0], size[1]
		d := newDriver(t, Options{Width: w, Height: h})
		d.send(NoticeMsg(notice))
		for _, keys := range [][]string{nil, {"enter"}, {"t"}, {"?"}, {"esc", "/", "x"}} {
			d.keys(keys...)
			checkFits(t, fmt.Sprintf("%dx%d after %v", w, h, keys), d.view(), w, h)
			if w >= 20 && !strings.Contains(d.screen(), "restarting") {
				t.Errorf("%dx%d after %v: notice not shown:\n%s", w, h, keys, d.screen())
			}
		}
	}
	d := newDriver(t, Options{Width: 80, Height: 24})
	d.send(NoticeMsg(notice))
	d.send(NoticeMsg(""))
	if strings.Contains(d.screen(), "restarting") {
		t.Error("an empty NoticeMsg should remove the notice")
	}
}

// A post with no body says so instead of waiting for a render forever.
func TestEmptyPost(t *testing.T) {
	blog, _, err := content.Load(mapFS(map[string]string{
		"2020-01-01-empty.md": "---\ntitle: Nothing here\n---\n",
	}), content.Options{Now: fixtureNow})
	if err != nil || blog.Len() != 1 {
		t.Fatalf("loading: %v, %d posts", err, blog.Len())
	}
	d := newDriver(t, Options{Blog: blog, Width: 60, Height: 15})
	d.keys("enter")
	if scr := d.screen(); strings.Contains(scr, "Rendering…") || !strings.Contains(scr, "This post is empty.") {
		t.Fatalf("empty post:\n%s", scr)
	}
}
