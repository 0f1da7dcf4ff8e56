package server_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/sshtest"
)

func TestCommandsWithoutPTY(t *testing.T) {
	addr, _ := startServer(t)
	tests := []struct {
		name       string
		command    string
		wantStatus int
		wantStdout []string
		wantStderr string
	}{
		{"ls", "ls", 0, []string{"2017-06-11  aws-in-action", "AWS in action 리뷰", "Tech, Review"}, ""},
		{"ls by tag", "ls --tag review", 0, []string{"aws-in-action"}, ""},
		{"ls by unknown tag", "ls --tag nope", 1, nil, `no tag "nope": try 'ssh `},
		{"ls bad flag", "ls --frob", 1, nil, "flag provided but not defined: -frob"},
		{"tags", "tags", 0, []string{"Review", "Tech"}, ""},
		{"read", "read aws-in-action", 0, []string{"AWS in action 리뷰", "2017-06-11", "장별 요약", "고가용성 달성하기"}, ""},
		{"read width flag after slug", "read aws-in-action --width 40", 0, []string{"장별 요약"}, ""},
		{"read unknown slug", "read nope", 1, nil, `no post "nope": try 'ssh `},
		{"read no slug", "read", 2, nil, "usage: ssh "},
		{"read two slugs", "read aws-in-action welcome-to-sshblog", 2, nil, "usage: ssh "},
		{"ls extra argument", "ls now", 2, nil, `ls: unexpected argument "now"`},
		{"read absurd width", "read aws-in-action --width 100000", 1, nil, "--width 100000"},
		{"raw", "raw aws-in-action", 0, []string{"layout: post", "title: AWS in action 리뷰", "### RDS"}, ""},
		{"help", "help", 0, []string{"ls [--tag TAG] [--json]", "read SLUG", "ssh -t "}, ""},
		{"feed", "feed", 0, []string{`<feed xmlns="http://www.w3.org/2005/Atom"`, `<title type="text">AWS in action 리뷰</title>`, `href="/posts/aws-in-action"`, "ssh -t "}, ""},
		{"feed of a tag", "feed review", 0, []string{`<title type="text">AWS in action 리뷰</title>`, `<category term="Review"`}, ""},
		{"feed of a Korean tag", "feed 한국어", 0, []string{"<entry>"}, ""},
		{"feed of an unknown tag", "feed nope", 1, nil, `no tag "nope": try 'ssh `},
		{"feed of two tags", "feed a b", 2, nil, "usage: ssh "},
		{"unknown command", "frobnicate", 1, nil, `unknown command "frobnicate": try 'ssh `},
		{"slug without pty", "aws-in-action", 1, nil, `"aws-in-action" is a post: open it with ssh -t`},
		{"escape sequences shown back sanitized", "read \x1b]52;c;aGk=\x07\x1b[31mred", 1, nil, `no post "red"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := sshtest.Run(t, addr, tt.command)
			if res.Status != tt.wantStatus {
				t.Errorf("exit status %d, want %d\nstdout: %s\nstderr: %s", res.Status, tt.wantStatus, res.Stdout, res.Stderr)
			}
			for _, want := range tt.wantStdout {
				if !strings.Contains(res.Stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, res.Stdout)
				}
			}
			if !strings.Contains(res.Stderr, tt.wantStderr) {
				t.Errorf("stderr %q lacks %q", res.Stderr, tt.wantStderr)
			}
			if tt.wantStatus != 0 && strings.Count(strings.TrimSpace(res.Stderr), "\n") != 0 {
				t.Errorf("error is more than one line: %q", res.Stderr)
			}
			if strings.ContainsAny(res.Stdout+res.Stderr, "\x1b\x07") {
				t.Errorf("output without a PTY contains escape bytes: %q", res.Stdout+res.Stderr)
			}
		})
	}
}

func TestLsJSON(t *testing.T) {
	addr, srv := startServer(t)
	res := sshtest.Run(t, addr, "ls --json")
	if res.Status != 0 {
		t.Fatalf("ls --json: status %d, stderr %s", res.Status, res.Stderr)
	}
	var posts []struct {
		Slug           string    `json:"slug"`
		Title          string    `json:"title"`
		Date           time.Time `json:"date"`
		Updated        *string   `json:"updated"`
		Tags           []string  `json:"tags"`
		Description    string    `json:"description"`
		Words          int       `json:"words"`
		ReadingMinutes int       `json:"reading_minutes"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &posts); err != nil {
		t.Fatalf("ls --json is not JSON: %v\n%s", err, res.Stdout)
	}
	if len(posts) != srv.Blog.Len() {
		t.Fatalf("ls --json has %d posts, the blog %d", len(posts), srv.Blog.Len())
	}
	for i := 1; i < len(posts); i++ {
		if posts[i].Date.After(posts[i-1].Date) {
			t.Errorf("not newest first: %s after %s", posts[i].Slug, posts[i-1].Slug)
		}
	}
	seed := posts[len(posts)-1]
	if seed.Slug != "aws-in-action" || seed.Title != "AWS in action 리뷰" ||
		!seed.Date.Equal(time.Date(2017, 6, 11, 21, 6, 0, 0, time.UTC)) || seed.Updated != nil ||
		strings.Join(seed.Tags, ",") != "Tech,Review" || seed.Words < 100 || seed.ReadingMinutes < 1 ||
		seed.Description != "한빛출판사의 Amazon Web Service in action 를 읽고" {
		t.Errorf("seed post in ls --json = %+v", seed)
	}

	res = sshtest.Run(t, addr, "tags --json")
	var tags []struct {
		Tag   string `json:"tag"`
		Posts int    `json:"posts"`
	}
	if err := json.Unmarshal([]byte(res.Stdout), &tags); err != nil || len(tags) == 0 {
		t.Fatalf("tags --json: %v\n%s", err, res.Stdout)
	}
	for i := 1; i < len(tags); i++ {
		if tags[i].Posts > tags[i-1].Posts {
			t.Errorf("tags not most used first: %v", tags)
		}
	}
}

func TestNoCommandNoPTYIsLsWithHint(t *testing.T) {
	addr, _ := startServer(t, func(s *server.Server) { s.PublicAddr = "blog.example.com" })
	res := sshtest.Run(t, addr, "")
	if res.Status != 0 {
		t.Fatalf("status %d, stderr %s", res.Status, res.Stderr)
	}
	if !strings.Contains(res.Stdout, "aws-in-action") {
		t.Errorf("no-PTY default does not list posts:\n%s", res.Stdout)
	}
	if !strings.Contains(res.Stderr, "ssh -t blog.example.com") || strings.Count(res.Stderr, "\n") != 1 {
		t.Errorf("no-PTY default does not say in one line how to open the app: %q", res.Stderr)
	}
}

func TestReadPlainHasNoEscapesAndReadWithPTYIsStyled(t *testing.T) {
	addr, _ := startServer(t)
	plain := sshtest.Run(t, addr, "read aws-in-action --width 60")
	if strings.Contains(plain.Stdout, "\x1b") {
		t.Fatal("plain read contains an ESC byte")
	}
	if strings.Contains(plain.Stdout, " \n") {
		t.Error("plain read has lines padded with trailing spaces")
	}
	for i, line := range strings.Split(plain.Stdout, "\n") {
		if w := displayWidth(line); w > 60 {
			t.Errorf("--width 60: line %d is %d columns: %q", i+1, w, line)
		}
	}

	tm := sshtest.Open(t, addr, 70, 24, sshtest.TermOptions{Command: "read aws-in-action"})
	if status := tm.WaitExit(); status != 0 {
		t.Fatalf("read with PTY: status %d", status)
	}
	raw := string(tm.Raw())
	if !strings.Contains(raw, "\x1b[") {
		t.Error("read with a PTY has no ANSI styling")
	}
}

func TestDeepLinks(t *testing.T) {
	addr, _ := startServer(t)

	post := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{Command: "aws-in-action"})
	post.WaitFor("AWS in action 리뷰", "한빛출판사의")
	post.WaitFor("line ") // the reader's footer: "42%  line 30/120"
	post.Type("\x1b")     // esc leads back to the home list
	post.WaitGone("line ")
	post.WaitFor("sshblog · 9 posts", "AWS in action 리뷰") // the home list, the post still selected

	tag := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{Command: "tag/review"})
	screen := tag.WaitFor("Review", "AWS in action 리뷰")
	if strings.Contains(screen, "Welcome to sshblog") {
		t.Errorf("tag/review list shows a post without that tag:\n%s", screen)
	}
}

// ls with a PTY fits the client's window; without one it never cuts a
// line (a pipe has no width).
func TestLsFitsThePTYWidth(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 40, 24, sshtest.TermOptions{Command: "ls"})
	if status := tm.WaitExit(); status != 0 {
		t.Fatalf("ls with a PTY: status %d", status)
	}
	lines := strings.Split(strings.TrimRight(strings.ReplaceAll(string(tm.Raw()), "\r", ""), "\n"), "\n")
	for _, line := range lines {
		if w := displayWidth(line); w > 40 {
			t.Errorf("line %d columns wide in a 40-column PTY: %q", w, line)
		}
	}
	if !strings.Contains(lines[len(lines)-1], "2017-06-11  aws-in-action") {
		t.Errorf("last line %q is not the seed post's row", lines[len(lines)-1])
	}
	plain := sshtest.Run(t, addr, "ls")
	if !regexp.MustCompile(`aws-in-action +AWS in action 리뷰 +Tech, Review\n`).MatchString(plain.Stdout) {
		t.Errorf("ls without a PTY cut the seed post's row:\n%s", plain.Stdout)
	}
}
