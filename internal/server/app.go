package server

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
	"github.com/sshblog/sshblog/internal/render"
	"github.com/sshblog/sshblog/internal/tui"
)

// Default window for clients that report none (0x0, as `ssh -tt` from a
// script does).
const (
	defaultCols = 80
	defaultRows = 24
)

// sessionMiddleware runs the app for sessions with a PTY and the SSH
// commands for the others.
func (s *Server) sessionMiddleware() wish.Middleware {
	return func(next ssh.Handler) ssh.Handler {
		return func(sess ssh.Session) {
			_, _, hasPty := sess.Pty()
			args := sess.Command()
			_, isCommand := commandNames[first(args)]
			pty, _, _ := sess.Pty()
			switch {
			case hasPty && !isCommand && (pty.Term == "dumb" || pty.Term == ""):
				s.runPlain(sess, true) // a terminal that takes no escape sequences
			case hasPty && !isCommand:
				s.runApp(sess) // the app, or a deep link: ssh -t host SLUG
			case len(args) == 0:
				s.runPlain(sess, false) // ssh -T host: the list, and a prompt
			default:
				s.runCommand(sess)
			}
			next(sess)
		}
	}
}

func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// saneWindow replaces a missing or nonsensical size with the default.
func saneWindow(w ssh.Window) (cols, rows int) {
	cols, rows = w.Width, w.Height
	if cols <= 0 || rows <= 0 {
		return defaultCols, defaultRows
	}
	return cols, rows
}

// appSession is one reader's app: what it takes to end it from outside
// (idle timeout, session time, shutdown) with the reader's terminal
// restored and a reason on their screen, and to reach it while it waits on
// the home screen without a program (idle.go).
type appSession struct {
	srv    *Server
	sess   *session
	screen *screen
	ctx    context.Context
	cancel context.CancelFunc
	once   sync.Once
	t      *locale.Messages // the reader's language
	opts   tui.Options      // the app's options but the blog and the window
	env    []string
	prof   colorprofile.Profile
	home   bool // it opens on the home list with the shared first frames

	mu      sync.Mutex
	program *tea.Program  // nil until the app runs (idle.go)
	notice  tea.Msg       // a NoticeMsg that came before the program
	wake    chan struct{} // one slot: offered or notice changed

	offered  atomic.Pointer[served] // the newest blog for the app (offerBlog)
	offering atomic.Bool            // a goroutine is sending it
}

// end restores the reader's terminal, shows reason (if any) on the main
// screen, and stops the program. Safe to call more than once.
func (a *appSession) end(reason words) {
	a.once.Do(func() {
		a.screen.close(reason.in(a.t))
		a.cancel()
	})
}

// running is the app's program, nil while it has none.
func (a *appSession) running() *tea.Program {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.program
}

func (a *appSession) signal() {
	select {
	case a.wake <- struct{}{}:
	default:
	}
}

// notify shows a NoticeMsg: sent to the program, or kept for it and drawn
// on the home screen. It may block until the program takes it.
func (a *appSession) notify(msg tea.Msg) {
	a.mu.Lock()
	p := a.program
	if p == nil {
		a.notice = msg
	}
	a.mu.Unlock()
	if p == nil {
		a.signal()
		return
	}
	p.Send(msg)
}

// appSet is the set of running apps, so that a shutdown can tell each
// reader what is happening. It keeps what it was told to tell them: an
// app whose first frame went out before it joined the set (runApp) is
// told too, when it joins.
type appSet struct {
	mu     sync.Mutex
	set    map[*appSession]struct{}
	notice words // the shutdown's notice, once there is one
	ending words // why every app was ended, once they were
}

// add puts a in the set and returns what the apps in it have been told.
func (as *appSet) add(a *appSession) (notice, ending words) {
	as.mu.Lock()
	defer as.mu.Unlock()
	if as.set == nil {
		as.set = map[*appSession]struct{}{}
	}
	as.set[a] = struct{}{}
	return as.notice, as.ending
}

// announce keeps notice for apps yet to join and returns those in the set.
func (as *appSet) announce(notice words) []*appSession {
	as.mu.Lock()
	as.notice = notice
	as.mu.Unlock()
	return as.list()
}

// endAll keeps reason for apps yet to join and returns those in the set.
func (as *appSet) endAll(reason words) []*appSession {
	as.mu.Lock()
	as.ending = reason
	as.mu.Unlock()
	return as.list()
}

func (as *appSet) remove(a *appSession) {
	as.mu.Lock()
	defer as.mu.Unlock()
	delete(as.set, a)
}

func (as *appSet) list() []*appSession {
	as.mu.Lock()
	defer as.mu.Unlock()
	out := make([]*appSession, 0, len(as.set))
	for a := range as.set {
		out = append(out, a)
	}
	return out
}

// runApp runs the app for the session until the reader quits or the
// session ends.
func (s *Server) runApp(sess ssh.Session) {
	own, ok := sess.(*session)
	if !ok {
		return // only the server's own sessions have the input the app needs
	}
	pty, _, _ := sess.Pty()
	cols, rows := saneWindow(pty.Window)
	env := append(sess.Environ(), "TERM="+pty.Term)
	lang := locale.FromEnv(env)

	stats := statsOf(sess)
	style := styleFor(env)
	profile := colorprofile.Env(env)
	scr := newScreen(sess, cols, rows, profile)
	scr.onPanic = func(r any) { s.screenPanicked(own, r) }
	scr.testHook = func() { s.testPanic("screen") }
	ctx, cancel := context.WithCancel(own.ctx)
	defer cancel()
	app := &appSession{
		srv: s, sess: own, screen: scr, ctx: ctx, cancel: cancel, t: locale.For(lang),
		wake: make(chan struct{}, 1), env: env, prof: profile,
		// The home list, whose first frames are shared; a reader's own
		// time zone changes its dates.
		home: len(sess.Command()) == 0 && !hasEnv(env, "TZ"),
		opts: tui.Options{
			Renderer: s.Renderer,
			Style:    style,
			Lang:     lang,
			Start:    strings.Join(sess.Command(), " "),
			OnOpen: func(p *content.Post) {
				s.Metrics.postViewed(p)
				stats.viewed.Add(1)
			},
			Host:    s.hostHint(sess),
			HostKey: s.fingerprint,
		},
	}
	defer func() { app.end(own.reason()) }()
	// The app asks for the terminal's background colour in Init; Bubble
	// Tea's input is off (input.go reads it), so the query goes out with
	// the first frame.
	scr.write(ansi.RequestBackgroundColor)

	// A reader who opens the home list at a size someone already had sees
	// that first frame before anything of theirs is even built.
	now := s.serving()
	model := app.drawFirst(now, cols, rows)

	if s.beforeJoin != nil {
		s.beforeJoin()
	}
	notice, ending := s.apps.add(app)
	defer s.apps.remove(app)
	if st := connStateOf(own.sctx); st != nil {
		if e := st.addApp(app); e != nil {
			ending = e
		}
		defer st.removeApp(app)
	}
	// A shutdown, or the connection's timer, that listed the apps before
	// this one joined.
	if ending != nil {
		app.end(ending)
		return
	}
	if notice != nil {
		app.notify(tui.NoticeMsg(notice(app.t)))
	}
	// SetBlog swaps, then offers to the apps it lists: an app drawn from
	// the old blog and added after the listing sees the new one here.
	if b := s.serving(); b != now {
		app.offered.Store(b)
		app.signal()
	}
	input := s.newInput(ctx, own)
	go input.read()

	if app.home {
		// Until the reader does something, the home screen is all there
		// is: no model, no program (idle.go).
		model = nil // the first frame's model, if one was built, is not kept
		var more bool
		if now, cols, rows, more = app.idle(input, now, cols, rows); !more {
			return
		}
	}
	app.run(input, now, model, cols, rows)
}

// newModel builds the app for the blog and window.
func (a *appSession) newModel(sv *served, cols, rows int) tea.Model {
	opts := a.opts
	opts.Blog, opts.Lists, opts.Width, opts.Height = sv.blog, sv.lists, cols, rows
	return tui.New(opts)
}

// run runs the program until the reader quits or the session ends; model
// is the app as the screen shows it now, or nil to build it.
func (a *appSession) run(input *inputPump, now *served, model tea.Model, cols, rows int) {
	s, sess := a.srv, a.sess
	host := &appHost{screen: a.screen, width: cols, height: rows, fresh: model != nil}
	if model == nil {
		model = a.newModel(now, cols, rows)
		a.screen.resize(cols, rows)
	}
	if s.wrapModel != nil {
		model = s.wrapModel(model)
	}
	host.app = model
	program := tea.NewProgram(host,
		tea.WithInput(nil), // input.go reads and decodes the keys
		tea.WithOutput(sess),
		tea.WithEnvironment(a.env),
		// The client's terminal, from what it sent: the output here is an
		// SSH channel, which Bubble Tea would take for no terminal at all.
		tea.WithColorProfile(a.prof),
		tea.WithContext(a.ctx),
		tea.WithWindowSize(cols, rows),
		tea.WithoutSignalHandler(), // signals are the server's, not a session's
		// The screen draws each change at once; Bubble Tea's ticker only
		// flushes what the app writes besides frames (the clipboard, which
		// the screen sends at once too), so a slow tick costs an idle
		// session next to nothing.
		tea.WithoutRenderer(),
		tea.WithFPS(1),
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			if _, ok := msg.(tea.SuspendMsg); ok {
				return nil // ctrl+z would stop the server's process
			}
			return msg
		}),
	)
	a.mu.Lock()
	a.program = program
	notice := a.notice
	a.mu.Unlock()
	// What came while there was no program: a newer blog, a notice.
	if b := a.offered.Load(); b != nil && b != now {
		a.offerBlog(b)
	}
	if notice != nil {
		go func() {
			defer s.recoverPanic("notice", sess.remote(), nil)
			program.Send(notice)
		}()
	}
	input.start(program)

	_, err := program.Run()
	program.Kill()
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		// Bubble Tea printed the stack to the server's stderr; the deferred
		// end restores the reader's terminal; nobody else's session ends.
		s.Metrics.panicked("app")
		s.Logger.Error("session panicked", "remote", sess.RemoteAddr().String())
		sess.setReason(func(t *locale.Messages) string { return t.ClosedFailed })
		a.end(sess.reason())
		_ = sess.Exit(1)
	case err != nil && !errors.Is(err, tea.ErrProgramKilled):
		s.Logger.Error("app ended with an error", "remote", sess.RemoteAddr().String(), "err", err)
	}
}

// screenPanicked handles a panic in a screen's frame timer: the session
// ends, nobody else's.
func (s *Server) screenPanicked(sess *session, r any) {
	s.Metrics.panicked("screen")
	s.Logger.Error("panic", "in", "screen", "remote", sess.remote(), "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	sess.cancel()
}

func hasEnv(env []string, name string) bool {
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == name {
			return true
		}
	}
	return false
}

// styleFor picks the glamour style from the client's environment before the
// app can ask the terminal: no colour when NO_COLOR is set or the terminal
// is dumb, dark otherwise (the app switches to light if the terminal
// answers that its background is light).
func styleFor(env []string) render.Style {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "NO_COLOR" && v != "" {
			return render.NoColor
		}
		if k == "TERM" && (v == "dumb" || v == "") {
			return render.NoColor
		}
	}
	return render.Dark
}
