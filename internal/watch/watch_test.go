package watch

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// wait is how long a test waits for a change before it fails: far more
// than any settle time here, so a slow machine does not fail it.
const wait = 10 * time.Second

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func start(t *testing.T, dir string) *Watcher {
	t.Helper()
	w, err := New(dir, Options{Settle: 50 * time.Millisecond, OnError: func(err error) { t.Log(err) }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

func expectChange(t *testing.T, w *Watcher, what string) {
	t.Helper()
	select {
	case <-w.Changes():
	case <-time.After(wait):
		t.Fatalf("no change reported after %s", what)
	}
}

// Files added, changed and removed anywhere under the folder are changes,
// in folders made after the watch began too.
func TestChangesUnderTheFolder(t *testing.T) {
	dir := t.TempDir()
	write(t, filepath.Join(dir, "_posts", "2020-01-01-a.md"), "a")
	write(t, filepath.Join(dir, ".git", "HEAD"), "ref")
	write(t, filepath.Join(dir, "_site", "index.html"), "built")
	w := start(t, dir)
	if n := w.Folders(); n != 2 {
		t.Errorf("%d folders watched, want 2: the root and _posts, not .git or _site", n)
	}
	steps := []struct {
		what string
		do   func()
	}{
		{"a new post", func() { write(t, filepath.Join(dir, "_posts", "2020-01-02-b.md"), "b") }},
		{"an edit", func() { write(t, filepath.Join(dir, "_posts", "2020-01-01-a.md"), "a, edited") }},
		{"a post in a new folder", func() { write(t, filepath.Join(dir, "_posts", "2021", "2021-01-01-c.md"), "c") }},
		{"an edit in that folder", func() { write(t, filepath.Join(dir, "_posts", "2021", "2021-01-01-c.md"), "c, edited") }},
		{"a removal", func() { os.Remove(filepath.Join(dir, "_posts", "2020-01-02-b.md")) }},
		{"a config change", func() { write(t, filepath.Join(dir, "_config.yml"), "title: x") }},
	}
	for _, s := range steps {
		s.do()
		expectChange(t, w, s.what)
	}
}

// git-sync's flip: the link is replaced by a rename; the watch follows it
// to the new checkout.
func TestFollowsALinkFlip(t *testing.T) {
	root := t.TempDir()
	a, b := filepath.Join(root, ".worktrees", "a"), filepath.Join(root, ".worktrees", "b")
	write(t, filepath.Join(a, "_posts", "2020-01-01-a.md"), "a")
	write(t, filepath.Join(b, "_posts", "2020-01-01-a.md"), "a")
	write(t, filepath.Join(b, "_posts", "2020-01-02-b.md"), "b")
	link := filepath.Join(root, "current")
	if err := os.Symlink(filepath.Join(".worktrees", "a"), link); err != nil {
		t.Fatal(err)
	}
	w := start(t, link)

	tmp := filepath.Join(root, "tmp-link")
	if err := os.Symlink(filepath.Join(".worktrees", "b"), tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, link); err != nil {
		t.Fatal(err)
	}
	expectChange(t, w, "the flip")
	if err := os.RemoveAll(a); err != nil { // as git-sync removes the old worktree
		t.Fatal(err)
	}
	write(t, filepath.Join(b, "_posts", "2020-01-03-c.md"), "c")
	expectChange(t, w, "a post in the new checkout")
}

// Changes that never stop are still reported, MaxDelay after the first.
func TestChangesThatNeverSettle(t *testing.T) {
	dir := t.TempDir()
	w, err := New(dir, Options{Settle: 200 * time.Millisecond, MaxDelay: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	stop := time.After(wait)
	tick := time.NewTicker(20 * time.Millisecond) // faster than Settle
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-w.Changes():
			return
		case <-tick.C:
			write(t, filepath.Join(dir, "busy.md"), time.Now().String())
		case <-stop:
			t.Fatal("a file rewritten faster than Settle was never reported")
		}
	}
}

// A folder that is not there is an error naming it.
func TestMissingFolder(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nope")
	if _, err := New(missing, Options{}); err == nil {
		t.Fatal("New of a missing folder succeeded")
	}
}
