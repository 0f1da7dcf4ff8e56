package tui

import (
	"strings"
	"testing"

	"github.com/sshblog/sshblog/internal/content"
)

const korean = "ko_KR.UTF-8"

// words joins a screen's words with single spaces, so that a test can look
// for "n 다음 글" however the help columns are spaced.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// A reader whose client sends a Korean locale gets the interface in
// Korean: headers, the help bar, the full help, the reader's header and
// footer; everyone else gets English.
func TestKoreanInterface(t *testing.T) {
	d := newDriver(t, Options{Width: 100, Height: 40, Lang: korean})
	scr := words(d.screen())
	for _, want := range []string{"sshblog · 글 4개", "enter 읽기", "/ 거르기", "t 태그", "q 종료", "? 더보기"} {
		if !strings.Contains(scr, want) {
			t.Errorf("Korean list lacks %q:\n%s", want, d.screen())
		}
	}
	d.keys("?")
	if scr := words(d.screen()); !strings.Contains(scr, "g/home 처음") || !strings.Contains(scr, "? 도움말 닫기") || !strings.Contains(scr, "T 테마") {
		t.Errorf("Korean full help:\n%s", d.screen())
	}
	d.keys("?", "G", "enter", "?")
	scr = words(d.screen())
	for _, want := range []string{"3분 분량", "/ 검색", "l 링크", "c 목차", "esc/q 뒤로", "p 이전 글", "G 맨 아래"} {
		if !strings.Contains(scr, want) {
			t.Errorf("Korean reader lacks %q:\n%s", want, d.screen())
		}
	}
	if strings.Contains(scr, "L 언어") {
		t.Errorf("L is listed for a post without translations:\n%s", d.screen())
	}
	d.keys("?", "T")
	if scr := d.screen(); !strings.Contains(scr, "테마: 밝음 · T로 바꾸기") {
		t.Errorf("theme status in Korean:\n%s", scr)
	}

	for _, lang := range []string{"", "C", "en_US.UTF-8", "fr_FR.UTF-8"} {
		d := newDriver(t, Options{Width: 100, Height: 40, Lang: lang})
		if scr := words(d.screen()); !strings.Contains(scr, "sshblog · 4 posts") || !strings.Contains(scr, "enter read") {
			t.Errorf("LANG=%q: want English:\n%s", lang, d.screen())
		}
	}
}

// Broken deep links and empty states speak the reader's language too.
func TestKoreanNotices(t *testing.T) {
	d := newDriver(t, Options{Width: 60, Height: 20, Lang: korean, Start: "no-such-post"})
	if scr := d.screen(); !strings.Contains(scr, "“no-such-post” 글이 없습니다.") {
		t.Errorf("deep link notice:\n%s", scr)
	}
	d = newDriver(t, Options{Width: 60, Height: 20, Lang: korean})
	d.keys("/", "z", "q", "x")
	if scr := d.screen(); !strings.Contains(scr, "“zqx”에 맞는 글이 없습니다.") || !strings.Contains(scr, "글 4개 중 0") {
		t.Errorf("no match:\n%s", scr)
	}
	blog, _, err := content.Load(mapFS(map[string]string{}), content.Options{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	d = newDriver(t, Options{Blog: blog, Width: 60, Height: 20, Lang: korean})
	if scr := d.screen(); !strings.Contains(scr, "아직 글이 없습니다.") {
		t.Errorf("empty blog:\n%s", scr)
	}
}

func TestNextTranslation(t *testing.T) {
	en, ko, ja := &content.Post{Lang: "en"}, &content.Post{Lang: "ko"}, &content.Post{Lang: "ja"}
	ts := []*content.Post{en, ko, ja}
	for _, tc := range []struct {
		cur, want *content.Post
	}{
		{en, ko}, {ko, ja}, {ja, en}, // round and round, in the order given
		{&content.Post{}, en}, // not among them: the first
	} {
		if got := nextTranslation(ts, tc.cur); got != tc.want {
			t.Errorf("after %q: %q, want %q", tc.cur.Lang, got.Lang, tc.want.Lang)
		}
	}
	if got := nextTranslation(nil, en); got != nil {
		t.Errorf("no translations: %v", got)
	}
}

// translatedBlog is a Hugo site with one post in English and Korean, and
// one in English only.
func translatedBlog(t *testing.T) (*content.Blog, *content.Post) {
	t.Helper()
	blog, _, err := content.Load(mapFS(map[string]string{
		"hugo.toml": "title = \"Site\"\ndefaultContentLanguage = \"en\"\n" +
			"[languages.en]\nweight = 1\nlanguageName = \"English\"\n" +
			"[languages.ko]\nweight = 2\nlanguageName = \"한국어\"\n",
		"content/posts/hello.md":    "---\ntitle: Hello\ndate: 2024-01-02\ndescription: In English\n---\nEnglish body, about greetings.\n",
		"content/posts/hello.ko.md": "---\ntitle: 안녕하세요\ndate: 2024-01-02\ndescription: 한국어로\n---\n인사에 관한 한국어 본문.\n",
		"content/posts/other.md":    "---\ntitle: Only English\ndate: 2023-01-02\n---\nNo translation.\n",
	}), content.Options{Now: fixtureNow})
	if err != nil {
		t.Fatal(err)
	}
	var hello *content.Post
	for _, p := range blog.Posts() {
		if len(p.Translations()) > 1 {
			hello = p
		}
	}
	if hello == nil {
		t.Skip("needs translations in Load")
	}
	return blog, hello
}

// Posts show in the reader's language when they have a translation into
// it, else in the site's default; L goes through the translations of the
// open post, and the header names the one shown.
func TestTranslations(t *testing.T) {
	blog, _ := translatedBlog(t)
	d := newDriver(t, Options{Blog: blog, Width: 80, Height: 30, Lang: korean})
	scr := d.screen()
	if !strings.Contains(scr, "안녕하세요") || !strings.Contains(scr, "한국어로") || !strings.Contains(scr, "Only English") {
		t.Fatalf("Korean list:\n%s", scr)
	}
	if strings.Count(scr, "2024-01-02") != 1 {
		t.Errorf("the translated post is listed more than once:\n%s", scr)
	}
	d.keys("enter")
	scr = d.screen()
	if !strings.Contains(scr, "인사에 관한") || !strings.Contains(scr, "ko") {
		t.Fatalf("Korean reader:\n%s", scr)
	}
	if d.keys("?"); !strings.Contains(words(d.screen()), "L 언어") {
		t.Errorf("help lacks L for a translated post:\n%s", d.screen())
	}
	d.keys("?", "L")
	scr = d.screen()
	if !strings.Contains(scr, "English body") || strings.Contains(scr, "인사에 관한") || !strings.Contains(scr, "English · L로 바꾸기") {
		t.Errorf("after L:\n%s", scr)
	}
	d.keys("L")
	if scr := d.screen(); !strings.Contains(scr, "인사에 관한") {
		t.Errorf("L again, back to Korean:\n%s", scr)
	}
	// The next post has no translation: L does nothing and is not offered.
	d.keys("n")
	scr = d.screen()
	if !strings.Contains(scr, "No translation.") {
		t.Fatalf("next post:\n%s", scr)
	}
	if d.keys("L"); d.screen() != scr {
		t.Errorf("L changed a post without translations")
	}

	d = newDriver(t, Options{Blog: blog, Width: 80, Height: 30, Lang: "de_DE.UTF-8"})
	if scr := d.screen(); !strings.Contains(scr, "Hello") || strings.Contains(scr, "안녕하세요") {
		t.Errorf("a German reader gets the default language:\n%s", scr)
	}
}

// A render for the language the reader has just left is stale.
func TestTranslationRenderStale(t *testing.T) {
	blog, hello := translatedBlog(t)
	m := New(Options{Blog: blog, Width: 80, Height: 30, Lang: korean})
	m.Update(press("enter"))
	want := m.reader.want()
	m.Update(press("L"))
	if m.reader.doc == hello.In(korean) {
		t.Fatal("L did not switch")
	}
	m.Update(renderedMsg{key: want, text: "STALE KOREAN"})
	if strings.Contains(m.View().Content, "STALE KOREAN") {
		t.Errorf("a render for the other language was shown")
	}
}

func TestLanguageName(t *testing.T) {
	m := New(Options{})
	for code, want := range map[string]string{"ko": "한국어", "en": "English", "xx": "xx"} {
		if got := m.languageName(code); got != want {
			t.Errorf("languageName(%q) = %q, want %q", code, got, want)
		}
	}
}

// The Korean interface in a real terminal: the list, the reader, and the
// help and the too-small message where double-width text is tightest.
func TestGoldenKorean(t *testing.T) {
	s := startSession(t, Options{Width: 40, Height: 20, Lang: korean})
	s.golden("ko_list_40x20", "sshblog · 글 4개", "? 더보기")
	s.send("G", keyEnter)
	s.golden("ko_reader_40x20", "3분 분량", "한빛출판사의", "0% · 3분 남음")
	t.Run("20x10 help", func(t *testing.T) {
		s := startSession(t, Options{Width: 20, Height: 10, Lang: korean})
		s.waitFor("sshblog · 글 4개")
		s.send("?")
		s.golden("ko_help_20x10", "키 · 14개 중 1–8", "? 닫기")
	})
	t.Run("19x24", func(t *testing.T) {
		s := startSession(t, Options{Width: 19, Height: 24, Lang: korean})
		s.golden("ko_small_19x24", "최소 20x8")
	})
}
