package server_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	blogposts "github.com/sshblog/sshblog/content"
	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/sshtest"
)

// withPost is the embedded blog plus one post file (or without the file
// named, when text is "").
func withPost(t *testing.T, name, text string) *content.Blog {
	t.Helper()
	fsys := fstest.MapFS{}
	err := fs.WalkDir(blogposts.Posts(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(blogposts.Posts(), p)
		fsys[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if text == "" {
		delete(fsys, name)
	} else {
		fsys[name] = &fstest.MapFile{Data: []byte(text)}
	}
	blog, problems, err := content.Load(fsys, content.Options{})
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	return blog
}

// SetBlog reaches a reader already on the list, the commands and the
// metrics; a reader in a post keeps it, and leaving a post that went says
// so; their session goes on.
func TestSetBlogReachesOpenSessions(t *testing.T) {
	addr, srv := startServer(t, withMetrics)
	tm := sshtest.Open(t, addr, 100, 40, sshtest.TermOptions{})
	tm.WaitFor("Welcome to sshblog")
	loaded := metric(t, srv, "sshblog_content_loaded_timestamp_seconds")
	if loaded <= 0 {
		t.Errorf("loaded timestamp %v at start", loaded)
	}

	fresh := withPost(t, "_posts/2026-11-30-fresh.md", "---\ntitle: A fresh post\n---\nJust published, read it now.\n")
	srv.SetBlog(fresh, 0)
	tm.WaitFor("A fresh post", "Welcome to sshblog")
	if out := sshtest.Run(t, addr, "ls"); !strings.Contains(out.Stdout, "fresh") {
		t.Errorf("ls after the reload:\n%s", out.Stdout)
	}
	if n := metric(t, srv, `sshblog_posts{state="loaded"}`); n != float64(fresh.Len()) {
		t.Errorf("loaded posts metric %v, want %d", n, fresh.Len())
	}
	if n := metric(t, srv, "sshblog_content_loaded_timestamp_seconds"); n < loaded {
		t.Errorf("loaded timestamp went from %v to %v", loaded, n)
	}

	// The new post is the newest: open it, then it is taken down.
	tm.Type("g\r")
	tm.WaitFor("Just published, read it now.", "esc/q back") // the reader's help, not the list's summary
	srv.SetBlog(withPost(t, "_posts/2026-11-30-fresh.md", ""), 0)
	// Another reader's list no longer has it, while this reader reads on.
	other := sshtest.Open(t, addr, 100, 40, sshtest.TermOptions{})
	other.WaitFor("Welcome to sshblog")
	if s := other.Screen(); strings.Contains(s, "A fresh post") {
		t.Errorf("a new reader sees the removed post:\n%s", s)
	}
	tm.Type("j")
	if s := tm.WaitFor("Just published, read it now."); tm.Exited() {
		t.Fatalf("the session ended under the reload:\n%s", s)
	}
	tm.Type("\x1b")
	tm.WaitFor("“A fresh post” has been taken down")
	if out := sshtest.Run(t, addr, "read fresh"); out.Status == 0 {
		t.Errorf("read of a removed post succeeded:\n%s", out.Stdout)
	}
}
