package server_test

import (
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/log/v2"

	blogposts "github.com/sshblog/sshblog/content"
	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/sshtest"
	"github.com/sshblog/sshblog/internal/tui"
)

// startServer serves the embedded posts on a loopback port with a fresh
// host key and returns its address. The server stops with the test.
func startServer(t testing.TB, configure ...func(*server.Server)) (string, *server.Server) {
	t.Helper()
	blog, problems, err := content.Load(blogposts.Posts(), content.Options{})
	if err != nil || len(problems) > 0 {
		t.Fatalf("loading embedded posts: %v %v", err, problems)
	}
	signer, created, err := server.LoadHostKey(filepath.Join(t.TempDir(), "keys", "host_ed25519"))
	if err != nil || !created {
		t.Fatalf("host key: created=%v err=%v", created, err)
	}
	tw := &testWriter{t: t}
	t.Cleanup(tw.stop) // registered first, so it runs after the server is closed
	srv := &server.Server{Blog: blog, HostKey: signer, Logger: log.New(tw)}
	// Tests make many connections from one address quickly; the tests of the
	// limits themselves set their own.
	srv.Limits.ConnRate, srv.Limits.ConnBurst = 100000, 1000
	srv.Prerender = []int{} // tests that count renders start from an empty cache
	for _, c := range configure {
		c(srv)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		select {
		case err := <-served:
			if !errors.Is(err, server.ErrServerClosed) {
				t.Errorf("Serve returned %v, want ErrServerClosed", err)
			}
		case <-time.After(5 * time.Second):
			t.Error("Serve did not return after Close")
		}
	})
	// Serving: its metrics registered, its listener taking connections.
	ready := srv.HTTPHandler()
	for deadline := time.Now().Add(sshtest.DefaultTimeout); ; {
		rec := httptest.NewRecorder()
		ready.ServeHTTP(rec, httptest.NewRequest("GET", "/readyz", nil))
		if rec.Code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server is not ready after %s: %s", sshtest.DefaultTimeout, rec.Body)
		}
		time.Sleep(time.Millisecond)
	}
	return l.Addr().String(), srv
}

// testWriter sends a server's log to the test's log, until the test ends:
// session goroutines may still log while the server closes, and testing
// panics on a Log after the test.
type testWriter struct {
	t       testing.TB
	mu      sync.Mutex
	stopped bool
}

func (w *testWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.stopped {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func (w *testWriter) stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.stopped = true
}

// openSeedPost filters the list down to the seed post and opens it.
func openSeedPost(t *testing.T, tm *sshtest.Terminal) {
	t.Helper()
	tm.WaitFor("Welcome to sshblog")
	tm.Type("/aws in action")
	tm.WaitGone("Welcome to sshblog") // the filter has applied
	tm.Type("\r")                     // leave the filter line
	tm.Type("\r")                     // open the selected post
	tm.WaitFor("장별 요약")
}

func TestReaderOpensSeedPostOverSSH(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{})

	list := tm.WaitFor("sshblog ·", "posts", "Welcome to sshblog")
	if !strings.Contains(list, "2026-11-20") {
		t.Errorf("list row of the newest post shows no date:\n%s", list)
	}
	openSeedPost(t, tm)
	screen := tm.WaitFor("AWS in action 리뷰", "한빛출판사의 Amazon Web Service in action 를 읽고")
	for i, line := range strings.Split(screen, "\n") {
		if w := displayWidth(line); w > 100 {
			t.Errorf("line %d is %d columns wide, window is 100: %q", i+1, w, line)
		}
	}

	// Scroll to the end: the last paragraph of the post shows.
	tm.Type("G")
	tm.WaitFor("오토스케일링 그룹을 통해")

	// Back to the list, then quit: the session ends cleanly.
	tm.Type("\x1b")
	tm.WaitGone("오토스케일링 그룹을 통해")
	tm.WaitFor("AWS in action 리뷰")
	tm.Type("\x1b") // clear the filter
	tm.WaitFor("Welcome to sshblog")
	tm.Type("q")
	if status := tm.WaitExit(); status != 0 {
		t.Errorf("exit status after q = %d, want 0", status)
	}
}

func TestResizeReflowsThePost(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 120, 40, sshtest.TermOptions{})
	openSeedPost(t, tm)
	tm.Resize(40, 20)
	screen := tm.WaitUntil("the post reflowed to 40 columns", func(s string) bool {
		return strings.Contains(s, "AWS") && maxWidth(s) <= 40 && len(strings.Split(s, "\n")) <= 20
	})
	if maxWidth(screen) > 40 {
		t.Fatalf("after resize to 40 columns a line is %d wide:\n%s", maxWidth(screen), screen)
	}
	tm.Resize(160, 50)
	tm.WaitFor("한빛출판사의 Amazon Web Service in action 를 읽고")
}

func TestZeroSizedWindowGetsDefault(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 0, 0, sshtest.TermOptions{})
	screen := tm.WaitFor("sshblog ·", "posts")
	if n := len(strings.Split(strings.TrimRight(screen, "\n"), "\n")); n < 10 {
		t.Errorf("0x0 client got a screen of %d lines, want the 80x24 default:\n%s", n, screen)
	}
}

func TestSessionsDoNotShareState(t *testing.T) {
	addr, _ := startServer(t)
	a := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{})
	b := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	openSeedPost(t, a)
	// b still sees its own list, unaffected by a's navigation.
	screen := b.WaitFor("Welcome to sshblog")
	if strings.Contains(screen, "장별 요약") {
		t.Fatalf("second reader's screen shows the first reader's post:\n%s", screen)
	}
	b.Type("q")
	b.WaitExit()
	a.WaitFor("장별 요약") // a unaffected by b quitting
}

func TestHostKeyIsStableAndCorruptKeyIsAnError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "id_ed25519")
	first, created, err := server.LoadHostKey(path)
	if err != nil || !created {
		t.Fatalf("first load: created=%v err=%v", created, err)
	}
	again, created, err := server.LoadHostKey(path)
	if err != nil || created {
		t.Fatalf("second load: created=%v err=%v", created, err)
	}
	if server.Fingerprint(first.PublicKey()) != server.Fingerprint(again.PublicKey()) {
		t.Fatal("host key changed between loads")
	}
	assertMode(t, path, 0o600)

	corrupt := filepath.Join(t.TempDir(), "bad")
	writeFile(t, corrupt, "not a key")
	if _, _, err := server.LoadHostKey(corrupt); err == nil || !strings.Contains(err.Error(), corrupt) {
		t.Fatalf("corrupt key: err = %v, want an error naming the file", err)
	}
	if got := readFile(t, corrupt); got != "not a key" {
		t.Fatalf("corrupt key was replaced: %q", got)
	}
}

// An idle reader costs nothing: once the screen is drawn, nothing is sent
// until something changes (Bubble Tea's own renderer would wake 60 times a
// second to compare frames).
func TestIdleSessionSendsNothing(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{})
	tm.WaitFor("Welcome to sshblog")
	// Let the start settle: the background-colour reply, and Bubble Tea's
	// own copy of that query, which it sends on its first tick (1 s).
	time.Sleep(1200 * time.Millisecond)
	before := len(tm.Raw())
	time.Sleep(1500 * time.Millisecond)
	if after := len(tm.Raw()); after != before {
		t.Fatalf("idle session received %d bytes in 1.5s", after-before)
	}
	// And a change is drawn: a key moves the selection.
	tm.Type("j")
	tm.WaitUntil("a redraw after a key", func(string) bool { return len(tm.Raw()) > before })
}

func TestPrerenderWarmsCommonWidths(t *testing.T) {
	renderer := render.New(render.Options{})
	_, srv := startServer(t, func(s *server.Server) {
		s.Prerender = nil // the default widths
		s.Renderer = renderer
	})
	want := 2 * srv.Blog.Len() // 80 and 100 columns; 120-column windows read at 100
	deadline := time.Now().Add(sshtest.DefaultTimeout)
	for renderer.Stats().Entries < want {
		if time.Now().After(deadline) {
			t.Fatalf("%d posts rendered ahead, want %d", renderer.Stats().Entries, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, p := range srv.Blog.Posts() {
		for _, window := range []int{80, 100, 120} {
			if _, ok := renderer.Cached(p, tui.RenderWidth(window), render.Dark); !ok {
				t.Errorf("%s not pre-rendered for a %d-column window", p.Slug, window)
			}
		}
	}
}

// Choosing a link copies it with OSC 52 over SSH: the screen sends what
// Bubble Tea would hold for its (slow) tick.
func TestLinkCopiedWithOSC52OverSSH(t *testing.T) {
	addr, _ := startServer(t)
	// xterm: 16 colours, so the colour conversion runs over the hyperlinks.
	tm := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{Term: "xterm", Command: "aws-in-action"})
	tm.WaitFor("장별 요약")
	// The link is clickable: glamour's OSC 8 survives the screen and the
	// colour conversion.
	if !strings.Contains(string(tm.Raw()), "\x1b]8;") {
		t.Error("no OSC 8 hyperlink in the post's output")
	}
	tm.Type("l")
	tm.WaitFor("user-images.githubusercontent.com")
	tm.Type("\r")
	url := "https://user-images.githubusercontent.com/2344830/27011262-039af6c2-4ef3-11e7-8187-ab229ccf8911.JPG"
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(url))
	tm.WaitUntil("OSC 52 with the link's URL", func(string) bool { return strings.Contains(string(tm.Raw()), want) })
	tm.WaitFor("Copied")
}

// Colour follows the client: what its TERM, COLORTERM and NO_COLOR say
// it can show is all it gets.
func TestColourFollowsTheClient(t *testing.T) {
	addr, _ := startServer(t)
	tests := []struct {
		name      string
		opts      sshtest.TermOptions
		want      string   // a kind of colour that must appear
		forbidden []string // kinds that must not
	}{
		{"true colour", sshtest.TermOptions{Term: "xterm-256color", Env: map[string]string{"COLORTERM": "truecolor"}}, "24-bit", nil},
		{"256 colours", sshtest.TermOptions{Term: "xterm-256color"}, "256", []string{"24-bit"}},
		{"16 colours", sshtest.TermOptions{Term: "xterm"}, "16", []string{"24-bit", "256"}},
		{"NO_COLOR", sshtest.TermOptions{Term: "xterm-256color", Env: map[string]string{"NO_COLOR": "1", "COLORTERM": "truecolor"}}, "", []string{"24-bit", "256", "16"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tm := sshtest.Open(t, addr, 100, 30, tt.opts)
			tm.WaitFor("Welcome to sshblog")
			tm.Type("\r") // a post, with glamour's colours
			tm.WaitFor("You are reading this inside an SSH session")
			kinds := colourKinds(tm.Raw())
			if tt.want != "" && !kinds[tt.want] {
				t.Errorf("no %s colour in the output (found %v)", tt.want, kinds)
			}
			for _, f := range tt.forbidden {
				if kinds[f] {
					t.Errorf("%s colour in the output", f)
				}
			}
		})
	}
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;:]*)m`)

// colourKinds reports which kinds of colour ("16", "256", "24-bit") the
// SGR sequences in raw set.
func colourKinds(raw []byte) map[string]bool {
	kinds := map[string]bool{}
	for _, m := range sgr.FindAllSubmatch(raw, -1) {
		params := strings.FieldsFunc(string(m[1]), func(r rune) bool { return r == ';' || r == ':' })
		for i := 0; i < len(params); i++ {
			n, _ := strconv.Atoi(params[i])
			switch {
			case (n == 38 || n == 48 || n == 58) && i+1 < len(params):
				if params[i+1] == "5" {
					kinds["256"] = true
					i += 2
				} else if params[i+1] == "2" {
					kinds["24-bit"] = true
					i += 4
				}
			case n >= 30 && n <= 37, n >= 40 && n <= 47, n >= 90 && n <= 97, n >= 100 && n <= 107:
				kinds["16"] = true
			}
		}
	}
	return kinds
}
