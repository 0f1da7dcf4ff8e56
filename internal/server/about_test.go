package server_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	gossh "golang.org/x/crypto/ssh"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/sshtest"
)

// aboutBlog is a small blog with a Korean name; its first post links to
// the second as post_url and ref leave links (sshblog:SLUG).
func aboutBlog(t *testing.T) *content.Blog {
	t.Helper()
	fsys := fstest.MapFS{
		"2020-02-01-links.md":  {Data: []byte("---\ntitle: Links\ntags: [Go]\n---\nRead [the target](sshblog:target) and [](sshblog:target).\n")},
		"2020-01-01-target.md": {Data: []byte("---\ntitle: 목표 글\ntags: [Go, 한국어]\n---\nThe target.\n")},
	}
	blog, problems, err := content.Load(fsys, content.Options{Name: "한국어 블로그\x1b[31m"})
	if err != nil || len(problems) > 0 {
		t.Fatalf("load: %v %v", err, problems)
	}
	return blog
}

func TestAboutCommand(t *testing.T) {
	addr, srv := startServer(t, func(s *server.Server) { s.Blog = aboutBlog(t) })
	fp := gossh.FingerprintSHA256(srv.HostKey.PublicKey())
	_, port, _ := strings.Cut(addr, ":")

	res := sshtest.Run(t, addr, "about")
	if res.Status != 0 {
		t.Fatalf("about: status %d, stderr %s", res.Status, res.Stderr)
	}
	for _, want := range []string{
		"Title      한국어 블로그\n",
		"Posts      2\n",
		"Tags       2 (most used: Go, 한국어)\n",
		"Time zone  UTC\n",
		"SSH        ssh -t -p " + port + " 127.0.0.1\n",
		"Host key   " + fp + "\n",
	} {
		if !strings.Contains(res.Stdout, want) {
			t.Errorf("about lacks %q:\n%s", want, res.Stdout)
		}
	}
	if strings.ContainsAny(res.Stdout, "\x1b\x07") {
		t.Errorf("about prints control characters: %q", res.Stdout)
	}
	if strings.Contains(res.Stdout, "Description") || strings.Contains(res.Stdout, "Author") {
		t.Errorf("about shows what the site does not say:\n%s", res.Stdout)
	}

	res = sshtest.Run(t, addr, "about --json")
	if res.Status != 0 {
		t.Fatalf("about --json: status %d, stderr %s", res.Status, res.Stderr)
	}
	var got struct {
		Title       string   `json:"title"`
		Description *string  `json:"description"`
		Posts       int      `json:"posts"`
		Tags        int      `json:"tags"`
		TopTags     []string `json:"top_tags"`
		Languages   []any    `json:"languages"`
		TimeZone    string   `json:"time_zone"`
		SSH         string   `json:"ssh"`
		HostKey     string   `json:"host_key"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &got); err != nil {
		t.Fatalf("about --json is not JSON: %v\n%s", err, res.Stdout)
	}
	if got.Title != "한국어 블로그" || got.Description == nil || *got.Description != "" || got.Posts != 2 || got.Tags != 2 ||
		strings.Join(got.TopTags, ",") != "Go,한국어" || got.Languages == nil || len(got.Languages) != 0 ||
		got.TimeZone != "UTC" || got.SSH != "ssh -t -p "+port+" 127.0.0.1" || got.HostKey != fp {
		t.Errorf("about --json = %+v", got)
	}

	for _, tt := range []struct {
		cmd    string
		status int
		stderr string
	}{
		{"about now", 2, `about: unexpected argument "now"`},
		{"about --frob", 1, "flag provided but not defined: -frob"},
	} {
		res := sshtest.Run(t, addr, tt.cmd)
		if res.Status != tt.status || !strings.Contains(res.Stderr, tt.stderr) {
			t.Errorf("%s: status %d, stderr %q; want %d, %q", tt.cmd, res.Status, res.Stderr, tt.status, tt.stderr)
		}
	}
	if res := sshtest.Run(t, addr, "help"); !strings.Contains(res.Stdout, "about [--json]") {
		t.Errorf("help does not list about:\n%s", res.Stdout)
	}
}

// A link to another post reads, in `read`, as the post's title and the
// deep link, with PublicAddr as the host: the renderer is shared, so every
// reader sees the host the operator named.
func TestReadShowsDeepLinksToPosts(t *testing.T) {
	addr, _ := startServer(t, func(s *server.Server) {
		s.Blog = aboutBlog(t)
		s.PublicAddr = "blog.example.com:2222"
	})
	res := sshtest.Run(t, addr, "read links --width 100")
	if res.Status != 0 {
		t.Fatalf("read: status %d, stderr %s", res.Status, res.Stderr)
	}
	text := strings.Join(strings.Fields(res.Stdout), " ")
	for _, want := range []string{
		"Read the target (ssh -t -p 2222 blog.example.com target)",
		"and 목표 글 (ssh -t -p 2222 blog.example.com target).",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("read lacks %q:\n%s", want, res.Stdout)
		}
	}
	if strings.Contains(res.Stdout, "sshblog:") {
		t.Errorf("read shows a raw sshblog: URL:\n%s", res.Stdout)
	}
}

// The about page in the app names the host key the reader's client just
// accepted.
func TestAboutPageOverSSH(t *testing.T) {
	addr, srv := startServer(t)
	fp := gossh.FingerprintSHA256(srv.HostKey.PublicKey())
	tm := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{})
	tm.WaitFor("sshblog · " + strconv.Itoa(srv.Blog.Len()) + " posts")
	tm.Type("i")
	tm.WaitFor("sshblog · about", "Host key", fp)
	tm.Type("q")
	tm.WaitFor("sshblog · " + strconv.Itoa(srv.Blog.Len()) + " posts")
}
