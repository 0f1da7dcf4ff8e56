// Package watch tells when the files under a folder have changed, so that
// the blog can be loaded again: it watches the folder and its subfolders
// with fsnotify and reports each burst of changes once, when it has
// settled.
//
// The folder may be a symbolic link that is re-pointed at a new folder as
// a whole, as git-sync publishes each commit (ROOT/current ->
// .worktrees/HASH, replaced by a rename): the link's own folder is watched
// for that, and the watches move to the link's new target.
package watch

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Defaults for a Watcher's zero fields.
const (
	// DefaultSettle is how long the files must stay unchanged before a
	// burst of changes is reported: an editor's save, a git checkout or an
	// rsync is many events in a few milliseconds.
	DefaultSettle = 200 * time.Millisecond
	// DefaultMaxDelay bounds the wait when changes never stop (a process
	// rewriting a file in a loop): a change is reported at most this long
	// after it was made.
	DefaultMaxDelay = time.Second
	// DefaultMaxFolders bounds the folders watched, each an inotify watch
	// (Linux allows 8,192 per user by default, shared by every process).
	DefaultMaxFolders = 4096
)

// Watcher watches a folder. Create it with New; read Changes; Close it.
type Watcher struct {
	dir      string // as given: perhaps a link
	settle   time.Duration
	maxDelay time.Duration
	max      int
	onError  func(error)

	fsw     *fsnotify.Watcher
	changes chan struct{}
	done    chan struct{}
	closed  sync.Once
	wg      sync.WaitGroup

	// Owned by the loop goroutine (and New, before it starts).
	target  string          // dir with links resolved
	watched map[string]bool // folders under target that are watched
	full    bool            // MaxFolders reached: some folders are not watched
}

// Options configures New. The zero value is ready to use.
type Options struct {
	// Settle is how long the files must stay unchanged before a change is
	// reported; zero means DefaultSettle.
	Settle time.Duration
	// MaxDelay is the longest a change waits to be reported while others
	// keep coming; zero means DefaultMaxDelay.
	MaxDelay time.Duration
	// MaxFolders bounds the folders watched; zero means DefaultMaxFolders.
	// Changes in the folders past it are not seen (a reload on demand
	// still reads them); OnError is told once.
	MaxFolders int
	// OnError, when set, is told what the watch could not do (a folder it
	// cannot watch, the kernel's event queue overflowing). The watch goes
	// on with what it can; an overflow is reported as a change too, since
	// some changes were lost.
	OnError func(error)
}

// skipDir tells the folders that hold no posts and change on their own: a
// site's build output and tools' folders. Names starting with "." are
// skipped too (.git, .worktrees), as the blog skips them.
func skipDir(name string) bool {
	return strings.HasPrefix(name, ".") || name == "_site" || name == "node_modules"
}

// New starts watching dir and everything under it.
func New(dir string, opts Options) (*Watcher, error) {
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("watching %s: %w", dir, err)
	}
	w := &Watcher{
		dir:      filepath.Clean(dir),
		settle:   cmp.Or(opts.Settle, DefaultSettle),
		maxDelay: cmp.Or(opts.MaxDelay, DefaultMaxDelay),
		max:      cmp.Or(opts.MaxFolders, DefaultMaxFolders),
		onError:  opts.OnError,
		fsw:      fsw,
		changes:  make(chan struct{}, 1),
		done:     make(chan struct{}),
		watched:  map[string]bool{},
	}
	// The link's folder, for a flip of the link itself (or a folder
	// renamed into place).
	if parent := filepath.Dir(w.dir); parent != w.dir {
		if err := fsw.Add(parent); err != nil {
			fsw.Close()
			return nil, fmt.Errorf("watching %s: %w", parent, err)
		}
	}
	if err := w.follow(); err != nil {
		fsw.Close()
		return nil, err
	}
	w.wg.Add(1)
	go w.loop()
	return w, nil
}

// Changes receives a value after each settled burst of changes. It holds
// one at most: changes made before the last one was received are reported
// together.
func (w *Watcher) Changes() <-chan struct{} { return w.changes }

// Close stops the watch and waits for its goroutine. Changes is not
// closed.
func (w *Watcher) Close() error {
	var err error
	w.closed.Do(func() {
		close(w.done)
		err = w.fsw.Close()
		w.wg.Wait()
	})
	return err
}

// Folders is how many folders are watched, for tests and logs. Safe only
// before the first change or after Close.
func (w *Watcher) Folders() int { return len(w.watched) }

// follow resolves dir and watches its target's folders, dropping the
// watches of a previous target.
func (w *Watcher) follow() error {
	target, err := filepath.EvalSymlinks(w.dir)
	if err != nil {
		return fmt.Errorf("watching %s: %w", w.dir, err)
	}
	if target == w.target {
		return nil
	}
	for d := range w.watched {
		_ = w.fsw.Remove(d) // gone already, most likely
	}
	w.watched = map[string]bool{}
	w.target = target
	w.full = false
	w.addTree(target)
	return nil
}

// addTree watches root and the folders under it.
func (w *Watcher) addTree(root string) {
	_ = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p != root {
				w.report(fmt.Errorf("watching %s: %w", p, err))
			}
			return nil
		}
		if !d.IsDir() {
			return nil
		}
		if p != root && skipDir(d.Name()) {
			return fs.SkipDir
		}
		if w.watched[p] {
			return nil
		}
		if len(w.watched) >= w.max {
			if !w.full {
				w.full = true
				w.report(fmt.Errorf("watching %s: more than %d folders; changes past them are seen on SIGHUP only", w.dir, w.max))
			}
			return fs.SkipAll
		}
		if err := w.fsw.Add(p); err != nil {
			w.report(fmt.Errorf("watching %s: %w", p, err))
			return fs.SkipDir
		}
		w.watched[p] = true
		return nil
	})
}

func (w *Watcher) report(err error) {
	if w.onError != nil {
		w.onError(err)
	}
}

// loop turns fsnotify's events into settled changes.
func (w *Watcher) loop() {
	defer w.wg.Done()
	defer func() {
		if r := recover(); r != nil {
			w.report(fmt.Errorf("watching %s stopped (internal error: %v); reload with SIGHUP", w.dir, r))
		}
	}()
	var (
		timer   *time.Timer
		fire    <-chan time.Time // nil until a change is pending
		pending time.Time        // when the first unreported change came
	)
	changed := func() {
		now := time.Now()
		if fire == nil {
			pending = now
		}
		wait := min(w.settle, w.maxDelay-now.Sub(pending))
		if timer == nil {
			timer = time.NewTimer(wait)
		} else {
			timer.Reset(wait)
		}
		fire = timer.C
	}
	for {
		select {
		case <-w.done:
			if timer != nil {
				timer.Stop()
			}
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if w.relevant(ev) {
				changed()
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			w.report(fmt.Errorf("watching %s: %w", w.dir, err))
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				changed() // events were lost: read everything again
			}
		case <-fire:
			fire = nil
			select {
			case w.changes <- struct{}{}:
			default: // one is waiting already
			}
		}
	}
}

// relevant updates the watches for ev and tells whether it may change the
// blog.
func (w *Watcher) relevant(ev fsnotify.Event) bool {
	name := filepath.Clean(ev.Name)
	if filepath.Dir(name) == filepath.Dir(w.dir) && name != w.dir {
		return false // a neighbour of the folder (git-sync's tmp-link)
	}
	if name == w.dir {
		// The link was re-pointed, or the folder replaced: watch the new
		// one. Until it exists there is nothing to watch, and nothing to
		// load either.
		if err := w.follow(); err != nil {
			w.report(err)
		}
		return true
	}
	if ev.Has(fsnotify.Create) {
		if st, err := os.Lstat(name); err == nil && st.IsDir() && !skipDir(filepath.Base(name)) {
			w.addTree(name) // a new folder: its files may be posts
		}
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		delete(w.watched, name) // the kernel dropped its watch
	}
	// Everything else counts, a change of mode too: a post may have
	// become readable, or unreadable.
	return true
}
