package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/sshtest"
)

var koreanEnv = map[string]string{"LANG": "ko_KR.UTF-8"}

// The client's LANG (or LC_MESSAGES, or LC_ALL, which wins) decides the
// language of the app; readers of both languages with the same window
// each see their own first frame, though the server keeps one per size.
func TestSessionLanguageFromClientLocale(t *testing.T) {
	addr, _ := startServer(t)
	for _, tc := range []struct {
		name  string
		env   map[string]string
		want  []string
		wrong string
	}{
		{"korean", koreanEnv, []string{"sshblog · 글", "? 더보기"}, "? more"},
		{"english", nil, []string{"sshblog ·", "posts", "? more"}, "더보기"},
		{"korean again", map[string]string{"LC_MESSAGES": "ko_KR.UTF-8"}, []string{"? 더보기"}, "? more"},
		{"LC_ALL wins", map[string]string{"LANG": "ko_KR.UTF-8", "LC_ALL": "en_US.UTF-8"}, []string{"? more"}, "더보기"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tm := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{Env: tc.env})
			scr := tm.WaitFor(tc.want...)
			if strings.Contains(scr, tc.wrong) {
				t.Errorf("%q on screen:\n%s", tc.wrong, scr)
			}
			tm.Type("q")
			tm.WaitExit()
		})
	}
	tm := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{Env: koreanEnv})
	tm.WaitFor("? 더보기")
	tm.Type("?")
	tm.WaitFor("도움말 닫기", "테마", "종료")
	tm.Type("?")
	openSeedPost(t, tm)
	tm.WaitFor("3분 분량", "/ 검색")
}

// Korean text in a window too small for the app still fits, and the
// reason a session ends is said in Korean too.
func TestKoreanSmallWindowAndReason(t *testing.T) {
	addr, _ := startServer(t, func(s *server.Server) { s.Limits.MaxSessionTime = time.Second })
	tm := sshtest.Open(t, addr, 19, 24, sshtest.TermOptions{Env: koreanEnv})
	scr := tm.WaitFor("최소 20x8", "q: 종료")
	if w := maxWidth(scr); w > 19 {
		t.Errorf("too-small screen is %d columns wide:\n%s", w, scr)
	}
	tm.WaitExit()
	if raw := string(tm.Raw()); !strings.Contains(raw, "닫힘: 한 세션은 최대 1초입니다.") {
		t.Errorf("no Korean reason after the session time:\n%q", raw[max(0, len(raw)-300):])
	}
}

// A shutdown tells each reader in their own language.
func TestShutdownNoticeInReadersLanguage(t *testing.T) {
	addr, srv := startServer(t)
	ko := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{Env: koreanEnv})
	en := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	ko.WaitFor("? 더보기")
	en.WaitFor("? more")
	done := shutdownInBackground(t, srv, 10*time.Second)
	ko.WaitFor("서버를 다시 시작합니다")
	en.WaitFor("This server is restarting")
	ko.Type("q")
	en.Type("q")
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// A reader whose first frame went out just before a shutdown listed the
// readers is told too, and ends when they like, not when the grace
// period runs out.
func TestShutdownNoticeReachesAReaderStillJoining(t *testing.T) {
	var release func()
	addr, srv := startServer(t, func(s *server.Server) { release = server.HoldFirstJoin(s) })
	defer release()
	late := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	late.WaitFor("? more") // drawn; held before it joins
	other := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	other.WaitFor("? more")
	done := shutdownInBackground(t, srv, time.Minute)
	other.WaitFor("This server is restarting") // the shutdown has listed the readers
	release()
	late.WaitFor("This server is restarting")
	late.Type("q")
	other.Type("q")
	late.WaitExit()
	other.WaitExit()
	if err := <-done; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
}

// StopSessions ends a reader still joining too, with the reason on
// their screen, once it joins.
func TestStopSessionsEndsAReaderStillJoining(t *testing.T) {
	var release func()
	addr, srv := startServer(t, func(s *server.Server) { release = server.HoldFirstJoin(s) })
	defer release()
	late := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	late.WaitFor("? more")
	srv.StopSessions()
	release()
	late.WaitExit()
	if raw := string(late.Raw()); !strings.Contains(raw, "This server is stopping") {
		t.Errorf("no reason on screen:\n%q", raw[max(0, len(raw)-300):])
	}
}

// shutdownInBackground starts srv's Shutdown with grace to wait; its
// result comes on the channel.
func shutdownInBackground(t *testing.T, srv *server.Server, grace time.Duration) <-chan error {
	ctx, cancel := context.WithTimeout(context.Background(), grace)
	t.Cleanup(cancel)
	done := make(chan error, 1)
	go func() { done <- srv.Shutdown(ctx) }()
	return done
}

// The plain mode asks in the reader's language.
func TestPlainModeInKorean(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{Term: "dumb", Env: koreanEnv})
	tm.WaitFor("어떤 글을 읽을까요?")
	tm.Type("nope\r")
	tm.WaitFor(`"nope" 글이 없습니다.`)
	tm.Type("q\r")
	tm.WaitExit()
}

// runEnv runs command without a PTY, with env sent first.
func runEnv(t *testing.T, addr, command string, env map[string]string) sshtest.Result {
	t.Helper()
	sess, err := sshtest.Dial(t, addr).NewSession()
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Close()
	for k, v := range env {
		if err := sess.Setenv(k, v); err != nil {
			t.Fatalf("setenv %s: %v", k, err)
		}
	}
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	err = sess.Run(command)
	return sshtest.Result{Stdout: stdout.String(), Stderr: stderr.String(), Status: sshtest.ExitStatus(err)}
}

// --lang takes a language code; nonsense is refused with a one-line error.
// A posts folder has no list of languages: any code is accepted, and
// posts show as they are.
func TestLangFlag(t *testing.T) {
	addr, _ := startServer(t)
	for _, tc := range []struct {
		command    string
		env        map[string]string
		wantStatus int
		want       string
	}{
		{"ls --lang ko", nil, 0, "aws-in-action"},
		{"read aws-in-action --lang ko", nil, 0, "장별 요약"},
		{"raw aws-in-action --lang en", nil, 0, "title: AWS in action 리뷰"},
		{"ls --lang 'ko;rm -rf'", nil, 1, `ls: --lang "ko;rm -rf": give a language code`},
		{"read aws-in-action --lang ../ko", nil, 1, `read: --lang "../ko": give a language code`},
		{"ls", koreanEnv, 0, "aws-in-action"},
		{"ls", map[string]string{"LANG": "\x1b[31m"}, 0, "aws-in-action"}, // ignored, not refused
	} {
		res := runEnv(t, addr, tc.command, tc.env)
		if res.Status != tc.wantStatus || !strings.Contains(res.Stdout+res.Stderr, tc.want) {
			t.Errorf("%s (env %v): status %d, want %d and %q\nstdout: %.300s\nstderr: %s", tc.command, tc.env, res.Status, tc.wantStatus, tc.want, res.Stdout, res.Stderr)
		}
	}
	// A post without translations lists no languages.
	if res := sshtest.Run(t, addr, "ls --json"); strings.Contains(res.Stdout, `"languages"`) {
		t.Errorf("ls --json lists languages of posts without translations:\n%.500s", res.Stdout)
	}
}

// translatedSite is a Hugo site with a post in English and Korean.
func translatedSite(t *testing.T) *content.Blog {
	t.Helper()
	fsys := fstest.MapFS{
		"hugo.toml": {Data: []byte("title = \"Site\"\ndefaultContentLanguage = \"en\"\n" +
			"[languages.en]\nweight = 1\n[languages.ko]\nweight = 2\n")},
		"content/posts/hello.md":    {Data: []byte("---\ntitle: Hello\ndate: 2024-01-02\n---\nEnglish body.\n")},
		"content/posts/hello.ko.md": {Data: []byte("---\ntitle: 안녕하세요\ndate: 2024-01-02\n---\n한국어 본문.\n")},
		"content/posts/other.md":    {Data: []byte("---\ntitle: Only English\ndate: 2023-01-02\n---\nNo translation.\n")},
	}
	blog, _, err := content.Load(fsys, content.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range blog.Posts() {
		if len(p.Translations()) > 1 {
			return blog
		}
	}
	t.Skip("needs translations in Load")
	return nil
}

// ls --json lists a translated post once, with its languages; --lang and
// the client's locale pick the translation ls and read show.
func TestTranslationsInCommands(t *testing.T) {
	blog := translatedSite(t)
	addr, _ := startServer(t, func(s *server.Server) { s.Blog = blog })
	res := sshtest.Run(t, addr, "ls --json")
	var posts []struct {
		Slug, Title, Lang string
		Languages         []string
	}
	if err := json.Unmarshal([]byte(res.Stdout), &posts); err != nil {
		t.Fatalf("ls --json: %v\n%s", err, res.Stdout)
	}
	if len(posts) != 2 || posts[0].Title != "Hello" || strings.Join(posts[0].Languages, ",") != "en,ko" || posts[0].Lang != "en" || posts[1].Languages != nil {
		t.Errorf("ls --json: %+v", posts)
	}
	slug := posts[0].Slug
	for _, tc := range []struct {
		command string
		env     map[string]string
		want    string
		status  int
	}{
		{"ls --lang ko", nil, "안녕하세요", 0},
		{"ls --json --lang ko_KR.UTF-8", nil, `"title": "안녕하세요"`, 0},
		{"ls", koreanEnv, "안녕하세요", 0},
		{"ls --lang en", koreanEnv, "Hello", 0},
		{"read " + slug + " --lang ko", nil, "한국어 본문", 0},
		{"read " + slug, koreanEnv, "한국어 본문", 0},
		{"read " + slug, nil, "English body", 0},
		{"read " + slug + " --lang ja", nil, `read: --lang "ja": this blog is in en, ko`, 1},
	} {
		res := runEnv(t, addr, tc.command, tc.env)
		if res.Status != tc.status || !strings.Contains(res.Stdout+res.Stderr, tc.want) {
			t.Errorf("%s (env %v): status %d, want %d and %q\nstdout: %s\nstderr: %s", tc.command, tc.env, res.Status, tc.status, tc.want, res.Stdout, res.Stderr)
		}
	}
	// In the app, L switches the open post's language.
	tm := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{Env: koreanEnv})
	tm.WaitFor("안녕하세요")
	tm.Type("\r")
	tm.WaitFor("한국어 본문")
	tm.Type("L")
	tm.WaitFor("English body")
}
