package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/signal"
	"runtime/debug"
	"sync"
	"syscall"
	"time"

	"charm.land/log/v2"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/watch"
)

// reloader loads the posts again when --content changes or on SIGHUP, and
// swaps the new blog in. A reload never makes things worse: a broken post
// keeps its last good version (content.Options.Previous), and a load that
// cannot read the folder at all, or finds no post where there were some,
// keeps the whole last good blog. Each problem is logged once, when it
// first appears, and counted in sshblog_content_reload_errors_total.
type reloader struct {
	posts  *contentFlags
	srv    *server.Server
	logger *log.Logger

	mu     sync.Mutex // one reload at a time
	blog   *content.Blog
	logged map[string]bool // problems and warnings already logged, as printed
}

func newReloader(posts *contentFlags, srv *server.Server, logger *log.Logger, blog *content.Blog, problems []error) *reloader {
	r := &reloader{posts: posts, srv: srv, logger: logger, blog: blog, logged: map[string]bool{}}
	for _, e := range append(problems, blog.Warnings()...) {
		r.logged[e.Error()] = true // logged at start
	}
	return r
}

// loadRetries is how often a load that found the folder gone is tried
// again: git-sync removes the old checkout right after the flip, so a load
// that began on it can lose it. (Files lost under it are problems, whose
// last good versions stand in until the flip's own change reloads.)
const loadRetries = 3

// reload loads the posts and swaps them in; why says what asked for it.
func (r *reloader) reload(why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	start := time.Now()
	var (
		blog     *content.Blog
		problems []error
		err      error
	)
	for try := 0; ; try++ {
		blog, problems, err = r.posts.load(r.blog)
		if try == loadRetries || !errors.Is(err, fs.ErrNotExist) {
			break
		}
		time.Sleep(time.Duration(try+1) * 50 * time.Millisecond)
	}
	if err != nil {
		r.fail("reload failed: still serving the posts loaded before", err)
		return
	}
	if blog.Len() == 0 && r.blog.Len() > 0 {
		r.fail("reload found no post: still serving the posts loaded before", fmt.Errorf("--content %s: %d problems, %d hidden: run 'sshblog check' to see why", r.posts.dir, len(problems), blog.Hidden()))
		return
	}
	fresh := 0
	seen := map[string]bool{}
	for _, p := range problems {
		msg := p.Error()
		seen[msg] = true
		if !r.logged[msg] {
			r.logger.Warn("post", "problem", msg)
			fresh++
		}
	}
	for _, w := range blog.Warnings() {
		msg := w.Error()
		seen[msg] = true
		if !r.logged[msg] {
			r.logger.Warn("post", "warning", msg)
		}
	}
	r.logged = seen // a problem fixed and broken again is logged again
	added, changed, removed := blog.Changes(r.blog)
	r.srv.SetBlog(blog, len(problems))
	r.srv.ReloadFailed(fresh)
	r.blog = blog
	r.logger.Info("reloaded posts", "why", why, "posts", blog.Len(), "added", added, "changed", changed,
		"removed", removed, "problems", len(problems), "took", time.Since(start).Round(time.Millisecond))
}

// fail logs a failed reload once per distinct error and counts it.
func (r *reloader) fail(msg string, err error) {
	key := msg + err.Error()
	if r.logged[key] {
		return
	}
	r.logged[key] = true
	r.logger.Error(msg, "err", err)
	r.srv.ReloadFailed(1)
}

// run reloads on SIGHUP and, when watching, on every settled change under
// --content, until ctx ends.
func (r *reloader) run(ctx context.Context, watching bool) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	var w *watch.Watcher
	var changes <-chan struct{}
	if r.posts.dir != "" && watching {
		var err error
		w, err = watch.New(r.posts.dir, watch.Options{OnError: func(err error) {
			r.logger.Warn("watching posts", "err", err)
		}})
		if err != nil {
			r.logger.Warn("not watching the posts: reload them with SIGHUP", "err", err)
		} else {
			changes = w.Changes()
		}
	}
	go func() {
		defer signal.Stop(hup)
		if w != nil {
			defer w.Close()
		}
		defer func() {
			if p := recover(); p != nil {
				r.logger.Error("panic", "in", "reload", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
		}()
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				if r.posts.dir == "" {
					r.logger.Info("SIGHUP: the posts are embedded in the binary; serve a folder with --content to reload them")
					continue
				}
				r.reload("SIGHUP")
			case <-changes:
				r.reload("files changed")
			}
		}
	}()
}
