package main

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/sshtest"
)

// published is how soon a change must reach a connected reader.
const published = 2 * time.Second

// site is a small Jekyll site for the reload tests.
var site = map[string]string{
	"_config.yml":                   "title: Live notes\ntimezone: UTC\n",
	"_posts/2020-01-01-first.md":    "---\ntitle: The first post\n---\nFirst words.\n",
	"_posts/2020-02-01-second.md":   "---\ntitle: The second post\n---\nSecond words.\n\nTo be read while they go.\n",
	"_posts/2020-03-01-editable.md": "---\ntitle: Before the edit\n---\nOld text.\n",
}

func writeSite(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		// Written whole, then renamed, as editors and git do: a reload
		// never sees half a file.
		if err := os.WriteFile(p+".tmp~", []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(p+".tmp~", p); err != nil {
			t.Fatal(err)
		}
	}
}

// within waits for the screen to satisfy ok, failing if it takes longer
// than published (a slow machine gets the terminal's own timeout to show
// what it did see).
func within(t *testing.T, tm *sshtest.Terminal, what string, ok func(string) bool) string {
	t.Helper()
	start := time.Now()
	s := tm.WaitUntil(what, ok)
	if took := time.Since(start); took > published {
		t.Errorf("%s took %s, want at most %s", what, took.Round(time.Millisecond), published)
	}
	return s
}

func shows(texts ...string) func(string) bool {
	return func(s string) bool {
		for _, text := range texts {
			if !strings.Contains(s, text) {
				return false
			}
		}
		return true
	}
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// scrape reads one metric from the operator's endpoint.
func scrape(t *testing.T, httpAddr, name string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + httpAddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatal(err)
			}
			return f
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// An operator edits the site while a reader is connected: each change
// reaches the reader's screen within 2 s, the session is never dropped,
// a broken edit keeps the last good version (logged once, counted, and
// shown by check), and a post removed while it is read says so when the
// reader leaves it.
func TestEditsReachAConnectedReader(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, site)
	httpAddr, webAddr := sshtest.FreeAddr(t), sshtest.FreeAddr(t)
	p := startProcess(t, "SSHBLOG_CONTENT="+dir, "SSHBLOG_HTTP_ADDR="+httpAddr, "SSHBLOG_WEB_ADDR="+webAddr)
	tm := sshtest.Open(t, p.addr, 100, 40, sshtest.TermOptions{})
	tm.WaitFor("Live notes", "Before the edit")
	loaded := scrape(t, httpAddr, "sshblog_content_loaded_timestamp_seconds")

	writeSite(t, dir, map[string]string{"_posts/2020-04-01-added.md": "---\ntitle: A post just added\n---\nNew.\n"})
	within(t, tm, "the added post", shows("A post just added", "The first post"))
	// The feed over SSH, and the web mirror's pages and feed, have it too.
	if out := sshtest.Run(t, p.addr, "feed"); !strings.Contains(out.Stdout, "A post just added") {
		t.Errorf("ssh feed after the reload:\n%s", out.Stdout)
	}
	for _, path := range []string{"/", "/feed.xml", "/posts/added"} {
		if code, body := get(t, "http://"+webAddr+path); code != 200 || !strings.Contains(body, "A post just added") {
			t.Errorf("GET %s after the reload: %d\n%s", path, code, body)
		}
	}

	writeSite(t, dir, map[string]string{"_posts/2020-03-01-editable.md": "---\ntitle: After the edit\n---\nNew text.\n"})
	within(t, tm, "the edited title", func(s string) bool {
		return strings.Contains(s, "After the edit") && !strings.Contains(s, "Before the edit")
	})
	if n := scrape(t, httpAddr, "sshblog_content_loaded_timestamp_seconds"); n < loaded {
		t.Errorf("loaded timestamp %v, was %v", n, loaded)
	}

	// A broken edit: the post stays as it was.
	writeSite(t, dir, map[string]string{"_posts/2020-03-01-editable.md": "---\ntitle: [After the edit\n---\nBroken.\n"})
	deadline := time.Now().Add(sshtest.DefaultTimeout)
	for scrape(t, httpAddr, "sshblog_content_reload_errors_total") < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the broken edit was not counted:\n%s", p.logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if s := tm.Screen(); !strings.Contains(s, "After the edit") {
		t.Errorf("a broken edit took the post away:\n%s", s)
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	out, _ := exec.Command(bin, "check", "--content", dir).CombinedOutput()
	if !strings.Contains(string(out), "2020-03-01-editable.md:3") {
		t.Errorf("check does not show the broken post:\n%s", out)
	}
	// Another change elsewhere: the broken post is neither logged nor
	// counted again.
	writeSite(t, dir, map[string]string{"_posts/2020-05-01-more.md": "---\ntitle: One more post\n---\nMore.\n"})
	within(t, tm, "another added post", shows("One more post", "After the edit"))
	if n := strings.Count(p.logs.String(), "2020-03-01-editable.md:3"); n != 1 {
		t.Errorf("the broken post was logged %d times, want once:\n%s", n, p.logs.String())
	}
	if n := scrape(t, httpAddr, "sshblog_content_reload_errors_total"); n != 1 {
		t.Errorf("reload errors %v, want 1", n)
	}

	// Removed while read.
	tm.Type("/second\r")
	tm.WaitFor("1 of 5 posts")
	tm.Type("\r")
	tm.WaitFor("To be read while they go.")
	if err := os.Remove(filepath.Join(dir, "_posts", "2020-02-01-second.md")); err != nil {
		t.Fatal(err)
	}
	other := sshtest.Open(t, p.addr, 100, 40, sshtest.TermOptions{})
	within(t, other, "the removal, for a new reader", func(s string) bool {
		return strings.Contains(s, "The first post") && !strings.Contains(s, "The second post")
	})
	tm.Type("j")
	if s := tm.WaitFor("To be read while they go."); tm.Exited() {
		t.Fatalf("the reader was dropped:\n%s", s)
	}
	tm.Type("\x1b")
	tm.WaitFor("“The second post” has been taken down")
}

// With --watch=false, SIGHUP reloads.
func TestSIGHUPReloads(t *testing.T) {
	dir := t.TempDir()
	writeSite(t, dir, site)
	p := startProcess(t, "SSHBLOG_CONTENT="+dir, "SSHBLOG_WATCH=false")
	tm := sshtest.Open(t, p.addr, 100, 40, sshtest.TermOptions{})
	tm.WaitFor("Before the edit")
	writeSite(t, dir, map[string]string{"_posts/2020-04-01-added.md": "---\ntitle: A post for SIGHUP\n---\nNew.\n"})
	p.cmd.Process.Signal(syscall.SIGHUP)
	within(t, tm, "the post after SIGHUP", shows("A post for SIGHUP", "Before the edit"))
	if !strings.Contains(p.logs.String(), "why=SIGHUP") {
		t.Errorf("no reload logged for SIGHUP:\n%s", p.logs.String())
	}
}

// Three replicas serve git-sync's link, as the Kubernetes overlay does: a
// push reaches every replica's connected reader, and nobody is dropped.
func TestGitSyncPublishesToEveryReplica(t *testing.T) {
	g := newGitSync(t, site)
	var replicas []*serverProcess
	var readers []*sshtest.Terminal
	for range 3 {
		p := startProcess(t, "SSHBLOG_CONTENT="+g.Link())
		tm := sshtest.Open(t, p.addr, 100, 40, sshtest.TermOptions{})
		tm.WaitFor("Live notes", "Before the edit")
		replicas, readers = append(replicas, p), append(readers, tm)
	}
	readers[0].Type("\r") // one reader is in a post, the others on the list
	readers[0].WaitFor("Old text.")

	g.commit(t, map[string]string{
		"_posts/2020-06-01-pushed.md":   "---\ntitle: A pushed post\n---\nFrom git.\n",
		"_posts/2020-03-01-editable.md": "---\ntitle: Edited in git\n---\nNew text.\n",
	}, "_posts/2020-01-01-first.md")
	g.sync()
	for i, tm := range readers[1:] {
		within(t, tm, "the push on replica "+strconv.Itoa(i+2), func(s string) bool {
			return strings.Contains(s, "A pushed post") && strings.Contains(s, "Edited in git") && !strings.Contains(s, "The first post")
		})
	}
	readers[0].Type("\x1b")
	within(t, readers[0], "the push on replica 1, back on the list", shows("A pushed post", "Edited in git"))

	// Every replica followed the flip and still serves: a new session, and
	// the old checkout is gone from disk.
	for i, p := range replicas {
		if out := sshtest.Run(t, p.addr, "ls"); !strings.Contains(out.Stdout, "pushed") || out.Status != 0 {
			t.Errorf("replica %d ls after the push:\n%s%s", i+1, out.Stdout, out.Stderr)
		}
		if readers[i].Exited() {
			t.Errorf("replica %d dropped its reader", i+1)
		}
	}

	// A second push: the watch moved to the new checkout with the link.
	g.commit(t, map[string]string{"_posts/2020-07-01-again.md": "---\ntitle: Pushed again\n---\nAgain.\n"})
	g.sync()
	for i, tm := range readers {
		within(t, tm, "the second push on replica "+strconv.Itoa(i+1), shows("Pushed again"))
	}
}
