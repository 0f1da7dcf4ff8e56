package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
)

// gitSync stands in for the git-sync sidecar of
// deploy/kubernetes/overlays/git-sync: a blog's repository, and a --root
// that git-sync v4 would keep in its shared volume. Each sync does what
// git-sync's SyncRepo does for a new commit (kubernetes/git-sync, main.go):
// fetch one commit into ROOT's own repository, check it out as a worktree
// at ROOT/.worktrees/HASH, publish it by making ROOT/tmp-link point at
// .worktrees/HASH (relative) and renaming it over ROOT/current, then remove
// every other worktree (the default --stale-worktree-timeout of 0, the
// harshest case for a reader of the old one) and git worktree prune.
//
// Serve it with startProcess(t, "SSHBLOG_CONTENT="+g.Link()).
type gitSync struct {
	t    *testing.T
	repo string // the blog's repository, where commits are made
	root string // git-sync's --root; Link is ROOT/current
	n    int    // commits so far, for their messages
}

// newGitSync makes the blog's repository with files (slash-separated
// paths relative to the repository's root, contents) as its first commit
// and syncs it once, as the native sidecar does before sshblog starts:
// Link is ready on return.
func newGitSync(t *testing.T, files map[string]string) *gitSync {
	t.Helper()
	requireTools(t, "git")
	if runtime.GOOS == "windows" {
		t.Skip("git-sync's layout renames a symbolic link over another; it runs on Linux")
	}
	dir := t.TempDir()
	// The overlay's layout: the volume /git, git-sync's --root /git/root.
	g := &gitSync{t: t, repo: filepath.Join(dir, "blog"), root: filepath.Join(dir, "git", "root")}
	runGit(t, "", "init", "-q", "-b", "main", g.repo)
	g.commit(t, files)
	// git-sync's root is a repository of its own that fetches from --repo.
	runGit(t, "", "init", "-q", "-b", "git-sync", g.root)
	runGit(t, g.root, "remote", "add", "origin", "file://"+filepath.ToSlash(g.repo))
	g.sync()
	return g
}

// Link is the path sshblog's --content names: git-sync's --link.
func (g *gitSync) Link() string { return filepath.Join(g.root, "current") }

// commit writes files (as in newGitSync), deletes removed, and commits the
// result to the blog's repository; it returns the new commit's hash. The
// replicas see it only after sync. A commit that changes nothing is still
// a new commit, which git-sync checks out as a new worktree.
func (g *gitSync) commit(t *testing.T, files map[string]string, removed ...string) string {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(g.repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if len(removed) > 0 {
		runGit(t, g.repo, append([]string{"rm", "-q", "--"}, removed...)...)
	}
	runGit(t, g.repo, "add", "-A")
	g.n++
	runGit(t, g.repo, "commit", "-q", "--allow-empty", "-m", fmt.Sprintf("commit %d", g.n))
	return runGit(t, g.repo, "rev-parse", "HEAD")
}

// sync publishes the repository's newest commit, if it is not already the
// current one, and returns its hash. Call it from the test's goroutine
// (it fails g.t).
func (g *gitSync) sync() string {
	t := g.t
	t.Helper()
	runGit(t, g.root, "fetch", "-q", "--no-progress", "--prune", "--no-auto-gc", "--depth", "1", "origin", "HEAD")
	hash := runGit(t, g.root, "rev-parse", "FETCH_HEAD^{}")
	if g.current() == hash {
		return hash
	}
	runGit(t, g.root, "reset", "-q", "--soft", hash, "--")
	wt := filepath.Join(g.root, ".worktrees", hash)
	runGit(t, g.root, "worktree", "add", "-q", "--force", "--detach", wt, hash)
	// git-sync points the worktree at its repository by a relative path,
	// so that other containers may mount the volume elsewhere.
	gitdir := "gitdir: " + filepath.Join("..", "..", ".git", "worktrees", hash) + "\n"
	if err := os.WriteFile(filepath.Join(wt, ".git"), []byte(gitdir), 0o644); err != nil {
		t.Fatal(err)
	}

	// The flip: a new link beside the old one, renamed over it. rename(2)
	// replaces the old link atomically: it is never absent.
	target, err := filepath.Rel(g.root, wt)
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(g.root, "tmp-link")
	if err := os.Symlink(target, tmp); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, g.Link()); err != nil {
		t.Fatal(err)
	}

	// git-sync's cleanup after each successful sync.
	entries, err := os.ReadDir(filepath.Join(g.root, ".worktrees"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() != hash {
			if err := os.RemoveAll(filepath.Join(g.root, ".worktrees", e.Name())); err != nil {
				t.Fatal(err)
			}
		}
	}
	runGit(t, g.root, "worktree", "prune")
	return hash
}

// current is the hash of the published checkout: the last element of the
// link's target (git-sync's contract); "" before the first sync.
func (g *gitSync) current() string {
	target, err := os.Readlink(g.Link())
	if errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	if err != nil {
		g.t.Fatal(err)
	}
	return filepath.Base(target)
}

// runGit runs git in dir (or the working folder when dir is ""), isolated
// from the user's and the system's git configuration, and returns its
// output trimmed.
func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", append([]string{
		"-c", "user.name=sshblog test", "-c", "user.email=test@sshblog.invalid",
		"-c", "commit.gpgSign=false", "-c", "core.autocrlf=false", "-c", "core.hooksPath=" + os.DevNull,
	}, args...)...)
	cmd.Dir = dir
	// No GIT_DIR, GIT_WORK_TREE... of a surrounding git command (a hook).
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1", "GIT_TERMINAL_PROMPT=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s (in %s): %v\n%s", strings.Join(args, " "), dir, err, out)
	}
	return strings.TrimSpace(string(out))
}

// The stand-in behaves as git-sync does: each sync publishes the new
// commit's files through the link, which always exists and points at
// .worktrees/HASH; old worktrees go.
func TestGitSyncStandIn(t *testing.T) {
	g := newGitSync(t, map[string]string{
		"_config.yml":                    "title: 깃 블로그\n",
		"_posts/2020-01-01-first.md":     "---\ntitle: First\n---\nOne.\n",
		"_posts/2020-01-02-두번째.md":       "---\ntitle: 두 번째\n---\n둘.\n",
		"_posts/2020-01-03-removed.md":   "---\ntitle: Removed\n---\nGone soon.\n",
		"_posts/2020-01-04-unchanged.md": "---\ntitle: Unchanged\n---\nStays.\n",
	})
	read := func(name string) (string, bool) {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(g.Link(), filepath.FromSlash(name)))
		if errors.Is(err, fs.ErrNotExist) {
			return "", false
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(b), true
	}
	checkLayout := func(hash string) {
		t.Helper()
		target, err := os.Readlink(g.Link())
		if err != nil {
			t.Fatal(err)
		}
		if want := filepath.Join(".worktrees", hash); target != want {
			t.Errorf("the link points at %q, want %q (relative, ending in the hash)", target, want)
		}
		entries, err := os.ReadDir(filepath.Join(g.root, ".worktrees"))
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 1 || entries[0].Name() != hash {
			t.Errorf(".worktrees holds %v, want only the current %s", entries, hash)
		}
		if _, err := os.Lstat(filepath.Join(g.root, "tmp-link")); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("tmp-link is left after the flip (%v)", err)
		}
		// git knows only the root's own checkout and the current worktree.
		var trees []string
		for _, line := range strings.Split(runGit(t, g.root, "worktree", "list", "--porcelain"), "\n") {
			if p, ok := strings.CutPrefix(line, "worktree "); ok {
				trees = append(trees, filepath.Base(p))
			}
		}
		if !slices.Equal(trees, []string{filepath.Base(g.root), hash}) {
			t.Errorf("git worktree list: %v, want the root and %s", trees, hash)
		}
	}

	first := g.current()
	checkLayout(first)
	if s, ok := read("_posts/2020-01-02-두번째.md"); !ok || !strings.Contains(s, "둘.") {
		t.Errorf("the first checkout lacks the Korean post: %q", s)
	}
	if again := g.sync(); again != first {
		t.Errorf("a sync without a new commit published %s over %s", again, first)
	}

	commit := g.commit(t, map[string]string{
		"_posts/2020-01-01-first.md": "---\ntitle: First, edited\n---\nOne, edited.\n",
		"_posts/2020-01-05-new.md":   "---\ntitle: New\n---\nFresh.\n",
		"_posts/2020-01-06-새-글.md":   "---\ntitle: 새 글\n---\n새로.\n",
	}, "_posts/2020-01-03-removed.md")
	if s, _ := read("_posts/2020-01-01-first.md"); !strings.Contains(s, "One.\n") {
		t.Errorf("a commit reached the checkout before a sync: %q", s)
	}
	second := g.sync()
	if second != commit || second == first {
		t.Fatalf("sync published %s, want the new commit %s (first %s)", second, commit, first)
	}
	checkLayout(second)
	for name, want := range map[string]string{
		"_posts/2020-01-01-first.md":     "One, edited.",
		"_posts/2020-01-05-new.md":       "Fresh.",
		"_posts/2020-01-06-새-글.md":       "새로.",
		"_posts/2020-01-04-unchanged.md": "Stays.",
	} {
		if s, ok := read(name); !ok || !strings.Contains(s, want) {
			t.Errorf("%s after the sync: %q, want %q", name, s, want)
		}
	}
	if _, ok := read("_posts/2020-01-03-removed.md"); ok {
		t.Error("the removed post is still in the checkout")
	}
	if _, err := os.Stat(filepath.Join(g.root, ".worktrees", first)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the old worktree %s is still there (%v)", first, err)
	}

	// The link is never absent: a reader looking it up during 20 flips
	// always finds it, pointing at a published checkout. (It looks at the
	// link itself, not through it: the old checkout goes right after the
	// flip, which a reader that resolved the link just before may notice.)
	var (
		mu        sync.Mutex
		published = map[string]bool{second: true}
		looks     int
		bad       error
	)
	last := func() string {
		stop, done := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case <-stop:
					return
				default:
				}
				_, err := os.Lstat(g.Link())
				target, rerr := os.Readlink(g.Link())
				mu.Lock()
				looks++
				switch {
				case bad != nil:
				case err != nil || rerr != nil:
					bad = errors.Join(err, rerr)
				case filepath.Dir(target) != ".worktrees" || !published[filepath.Base(target)]:
					bad = fmt.Errorf("the link points at %s, no published checkout", target)
				}
				mu.Unlock()
			}
		}()
		// Stopped however the syncs end (a failed git command ends the test).
		defer func() { close(stop); <-done }()
		var h string
		for i := range 20 {
			c := g.commit(t, map[string]string{"_posts/2020-02-01-flip.md": "---\ntitle: Flip\n---\n" + strings.Repeat("x", i+1) + "\n"})
			mu.Lock()
			published[c] = true // before the flip: the reader may see it at once
			mu.Unlock()
			h = g.sync()
		}
		return h
	}()
	if bad != nil {
		t.Errorf("during 20 syncs a reader of the link saw: %v", bad)
	}
	if looks == 0 {
		t.Error("the reader never looked at the link")
	}
	checkLayout(last)
	if s, _ := read("_posts/2020-02-01-flip.md"); !strings.Contains(s, "\n"+strings.Repeat("x", 20)+"\n") {
		t.Errorf("the last flip's post: %q", s)
	}
}
