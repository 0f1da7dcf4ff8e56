package server

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"charm.land/ssh"
	"github.com/anmitsu/go-shlex"
	"github.com/sshblog/sshblog/internal/sanitize"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"
)

// session is one SSH session channel, owned from the moment it is opened to
// the moment its slot is given back. It stands in for charm.land/ssh's
// session (DefaultSessionHandler), whose request loop blocks on a one-slot
// window-change channel that only the app drains: a client that sends a
// pty-req and a window change but no shell, or a burst of window changes,
// wedged the loop, so the channel, its slot and the connection were never
// let go (docs/upstream.md). Here the request loop never blocks: window
// sizes go to a mailbox that keeps only the latest, and everything a client
// can send is bounded before it is stored.
type session struct {
	gossh.Channel
	srv  *Server
	conn *gossh.ServerConn
	sctx ssh.Context // the connection's context (shared by its sessions)

	// ctx ends when the session does: the channel closed, the connection
	// went away, or the server ended the session.
	ctx    context.Context
	cancel context.CancelFunc

	// Set by the request loop before the handler starts, read-only after.
	env      []string
	envBytes int
	pty      *ssh.Pty
	rawCmd   string
	args     []string // rawCmd split once, as a shell would

	win windowBox

	stats sessionStats

	exitOnce sync.Once
	onExit   func() // once the channel is closed

	// endReason, when set before the app ends, is the line the reader sees
	// on their main screen after the app is gone.
	mu        sync.Mutex
	endReason words
}

// Limits on what one session's requests may store or cost. They are far
// above what any SSH client sends (OpenSSH sends a handful of variables,
// one pty-req, one exec of a few words).
const (
	maxEnvVars    = 32   // env requests kept per session
	maxEnvBytes   = 4096 // total size of the kept variables
	maxEnvName    = 64
	maxEnvValue   = 256
	maxCommandLen = 4096 // an exec's command line, before anything parses it
	maxTermName   = 64
	// Session requests (window changes, env, signals...) per second, after
	// a burst: a terminal being dragged to a new size sends dozens.
	sessionRequestRate  = 100
	sessionRequestBurst = 200
)

// setupTimeout bounds how long a session may stay open without asking for
// a shell or a command: such a session holds a slot and does nothing.
func (s *Server) setupTimeout() time.Duration { return s.Limits.HandshakeTimeout }

// closeAckTimeout is how long a client gets to answer our channel close
// before the whole connection is dropped: until it answers, x/crypto keeps
// the channel (and this session's goroutine) alive.
const closeAckTimeout = 2 * time.Second

// sessionChannelHandler admits a session channel within the limits and
// serves it until it is gone.
func (s *Server) sessionChannelHandler() ssh.ChannelHandler {
	return func(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
		if newChan.ChannelType() != "session" {
			_ = newChan.Reject(gossh.UnknownChannelType, "only sessions are served")
			return
		}
		if st := connStateOf(ctx); st != nil && !st.channelOpens.Allow() {
			// Counted before the answer, so that whoever sees the no sees it counted.
			s.refuse(RefusedChannelOpens, conn.RemoteAddr().String(), "")
			_ = newChan.Reject(gossh.ResourceShortage, "too many sessions opened on one connection, reconnect")
			return
		}
		release, ok := s.limits.acquire(ctx, conn, newChan)
		if !ok {
			return
		}
		defer release()
		ch, reqs, err := newChan.Accept()
		if err != nil {
			return
		}
		sess := &session{Channel: ch, srv: s, conn: conn, sctx: ctx}
		if st := connStateOf(ctx); st != nil {
			st.sessions.Add(1)
			sess.onExit = func() { st.sessions.Add(-1) }
		}
		sess.ctx, sess.cancel = context.WithCancel(ctx)
		defer sess.cancel()
		sess.serve(reqs)
	}
}

// serve runs the session's request loop, starts the handler on shell or
// exec, and returns once the handler has ended and the channel is closed
// (or the client failed to acknowledge the close in time).
func (sess *session) serve(reqs <-chan *gossh.Request) {
	s := sess.srv
	var handlerDone chan struct{} // nil until the handler starts
	defer func() {
		// Whatever ended the loop, the session ends: the handler sees its
		// context done, and the slot is released only once it has returned.
		sess.cancel()
		if handlerDone != nil {
			<-handlerDone
		}
		sess.closeChannel()
		if sess.onExit != nil {
			sess.onExit()
		}
		sess.drain(reqs)
	}()
	defer s.recoverPanic("session requests", sess.remote(), func() { sess.cancel() })

	setup := time.NewTimer(s.setupTimeout())
	defer setup.Stop()
	limiter := rate.NewLimiter(sessionRequestRate, sessionRequestBurst)
	for {
		var req *gossh.Request
		var ok bool
		select {
		case req, ok = <-reqs:
			if !ok {
				return // the channel or the connection is gone
			}
		case <-handlerDone:
			return // the app or command has finished
		case <-setup.C:
			if handlerDone == nil {
				s.refuse(RefusedSetupTimeout, sess.remote(), "")
				return
			}
			continue
		case <-sess.ctx.Done():
			return
		}
		s.testPanic("session requests")
		if !limiter.Allow() {
			sess.refuse(req, RefusedRequestRate, req.Type)
			continue
		}
		if start := sess.handle(req, handlerDone != nil); start {
			handlerDone = make(chan struct{})
			go sess.runHandler(handlerDone)
		}
	}
}

// handle answers one request; it reports whether the session's handler
// should start now (an accepted shell or exec).
func (sess *session) handle(req *gossh.Request, started bool) (start bool) {
	s := sess.srv
	switch req.Type {
	case "shell", "exec":
		if started {
			return sess.reply(req, false)
		}
		if req.Type == "exec" {
			cmd, _, ok := sshString(req.Payload)
			if !ok {
				return sess.refuse(req, RefusedRequest, "malformed exec request")
			}
			if len(cmd) > maxCommandLen {
				fmt.Fprintf(sess.Stderr(), "sshblog: the command is %d bytes long, at most %d are accepted\r\n", len(cmd), maxCommandLen)
				return sess.refuse(req, RefusedCommandLength, "")
			}
			args, err := shlex.Split(string(cmd), true)
			if err != nil {
				// Unbalanced quotes: take the words as they are.
				args = strings.Fields(string(cmd))
			}
			sess.rawCmd, sess.args = string(cmd), args
		}
		_ = req.Reply(true, nil)
		return true
	case "pty-req":
		if started || sess.pty != nil {
			return sess.reply(req, false)
		}
		// string TERM, then uint32 cols, rows, px width, px height, modes.
		term, rest, ok := sshString(req.Payload)
		if !ok || len(rest) < 16 || len(term) > maxTermName {
			return sess.refuse(req, RefusedRequest, "malformed pty request")
		}
		cols, rows := s.clampWindow(rest[:8])
		modes, _, _ := sshString(rest[16:])
		sess.pty = &ssh.Pty{Term: string(term), Window: ssh.Window{Width: cols, Height: rows}, Modes: parseModes(modes)}
		sess.win.set(ssh.Window{Width: cols, Height: rows})
		return sess.reply(req, true)
	case "window-change":
		if sess.pty == nil || len(req.Payload) < 8 {
			return sess.refuse(req, RefusedRequest, "window change without a pty")
		}
		cols, rows := s.clampWindow(req.Payload[:8])
		sess.win.set(ssh.Window{Width: cols, Height: rows})
		return sess.reply(req, true)
	case "env":
		if started {
			return sess.reply(req, false)
		}
		name, rest, ok := sshString(req.Payload)
		value, _, ok2 := sshString(rest)
		if !ok || !ok2 {
			return sess.refuse(req, RefusedRequest, "malformed env request")
		}
		if len(name) > maxEnvName || len(value) > maxEnvValue || !allowedEnv(string(name)) {
			return sess.refuse(req, RefusedRequest, string(name))
		}
		if len(sess.env) >= maxEnvVars || sess.envBytes+len(name)+len(value) > maxEnvBytes {
			return sess.refuse(req, RefusedEnv, "")
		}
		sess.env = append(sess.env, string(name)+"="+string(value))
		sess.envBytes += len(name) + len(value)
		return sess.reply(req, true)
	case "signal", "break", "keepalive@openssh.com":
		return sess.reply(req, false)
	}
	// Agent and X11 forwarding, subsystems (sftp) and anything else.
	return sess.refuse(req, RefusedRequest, req.Type)
}

func (sess *session) reply(req *gossh.Request, ok bool) bool {
	if req.WantReply {
		_ = req.Reply(ok, nil)
	}
	return false
}

// refuse counts the refusal, logs it (rate-limited) and answers no: counted
// first, so that whoever sees the no sees it counted.
func (sess *session) refuse(req *gossh.Request, reason, detail string) bool {
	s := sess.srv
	s.Metrics.refusal(reason)
	if reason == RefusedRequest {
		s.Logger.Debug("refused request", "type", sanitize.Line(clipBytes(req.Type, 64)), "detail", sanitize.Line(clipBytes(detail, 64)))
	} else {
		s.refusals.refuse(reason, sess.remote(), detail)
	}
	sess.reply(req, false)
	return false
}

// runHandler runs the middleware chain (the app or a command), then ends
// the session with status 0 unless the handler set one.
func (sess *session) runHandler(done chan struct{}) {
	defer close(done)
	defer sess.srv.recoverPanic("session", sess.remote(), func() { _ = sess.Exit(1) })
	sess.srv.ssh.Handler(sess)
	_ = sess.Exit(0)
}

// drain answers what the client still sends after the session ended, until
// x/crypto closes the channel (the client acknowledged our close) or the
// client has had closeAckTimeout to do so; then the connection is dropped,
// since x/crypto keeps an unacknowledged channel for the connection's life.
func (sess *session) drain(reqs <-chan *gossh.Request) {
	t := time.NewTimer(closeAckTimeout)
	defer t.Stop()
	for {
		select {
		case req, ok := <-reqs:
			if !ok {
				return
			}
			if req.WantReply {
				_ = req.Reply(false, nil)
			}
		case <-t.C:
			_ = sess.conn.Close()
			return
		}
	}
}

func (sess *session) closeChannel() {
	sess.exitOnce.Do(func() { _ = sess.Channel.Close() })
}

// setReason sets the line the reader sees after the app is gone.
func (sess *session) setReason(r words) {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	if sess.endReason == nil {
		sess.endReason = r
	}
}

func (sess *session) reason() words {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	return sess.endReason
}

func (sess *session) remote() string { return sess.conn.RemoteAddr().String() }

// clampWindow reads a cols, rows pair (two big-endian uint32s) and fits it
// to the maximum window before anything allocates for it; zero stays zero
// (the app then uses its default).
func (s *Server) clampWindow(b []byte) (cols, rows int) {
	c := min(binary.BigEndian.Uint32(b[0:4]), uint32(s.Limits.MaxWindow.Cols))
	r := min(binary.BigEndian.Uint32(b[4:8]), uint32(s.Limits.MaxWindow.Rows))
	return int(c), int(r)
}

// parseModes decodes the terminal modes of a pty-req (RFC 4254 8), at most
// a few hundred bytes since the whole request was bounded.
func parseModes(b []byte) gossh.TerminalModes {
	modes := gossh.TerminalModes{}
	for len(b) >= 5 && b[0] != 0 && b[0] < 160 {
		modes[b[0]] = binary.BigEndian.Uint32(b[1:5])
		b = b[5:]
	}
	return modes
}

// windowBox holds a session's latest window size: a window change never
// waits for the app to take the previous one.
type windowBox struct {
	mu      sync.Mutex
	win     ssh.Window
	changed chan struct{} // one slot: "there is a newer size"
}

func (w *windowBox) init() {
	if w.changed == nil {
		w.changed = make(chan struct{}, 1)
	}
}

func (w *windowBox) set(win ssh.Window) {
	w.mu.Lock()
	w.init()
	w.win = win
	w.mu.Unlock()
	select {
	case w.changed <- struct{}{}:
	default: // a wake-up is pending already; it will read this size
	}
}

func (w *windowBox) get() ssh.Window {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.win
}

// notify is the channel that receives after each change.
func (w *windowBox) notify() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.init()
	return w.changed
}

// The ssh.Session interface, for the middleware chain.

func (sess *session) User() string              { return sess.conn.User() }
func (sess *session) RemoteAddr() net.Addr      { return sess.conn.RemoteAddr() }
func (sess *session) LocalAddr() net.Addr       { return sess.conn.LocalAddr() }
func (sess *session) Environ() []string         { return append([]string(nil), sess.env...) }
func (sess *session) Command() []string         { return append([]string(nil), sess.args...) }
func (sess *session) RawCommand() string        { return sess.rawCmd }
func (sess *session) Subsystem() string         { return "" }
func (sess *session) PublicKey() ssh.PublicKey  { return nil }
func (sess *session) Context() ssh.Context      { return sess.sctx }
func (sess *session) EmulatedPty() bool         { return false }
func (sess *session) Signals(chan<- ssh.Signal) {}
func (sess *session) Break(chan<- bool)         {}

func (sess *session) Permissions() ssh.Permissions {
	if p, ok := sess.sctx.Value(ssh.ContextKeyPermissions).(*ssh.Permissions); ok {
		return *p
	}
	return ssh.Permissions{Permissions: &gossh.Permissions{}}
}

// Pty reports the PTY the client asked for, with its latest size. The
// window channel is nil: sizes come from the session's mailbox.
func (sess *session) Pty() (ssh.Pty, <-chan ssh.Window, bool) {
	if sess.pty == nil {
		return ssh.Pty{}, nil, false
	}
	p := *sess.pty
	p.Window = sess.win.get()
	return p, nil, true
}

// Exit sends the exit status and closes the channel, once.
func (sess *session) Exit(code int) error {
	err := errors.New("session already ended")
	sess.exitOnce.Do(func() {
		status := struct{ Status uint32 }{uint32(code)}
		_, err = sess.SendRequest("exit-status", false, gossh.Marshal(&status))
		if cerr := sess.Channel.Close(); err == nil {
			err = cerr
		}
	})
	return err
}

// recoverPanic recovers a panic in one of the server's goroutines: it logs
// it with the stack, counts it, and runs cleanup (which ends only the
// goroutine's own session). Deferred first thing in every goroutine.
func (s *Server) recoverPanic(where, remote string, cleanup func()) {
	r := recover()
	if r == nil {
		return
	}
	s.Metrics.panicked(where)
	s.Logger.Error("panic", "in", where, "remote", remote, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
	if cleanup != nil {
		defer func() { _ = recover() }() // a second panic must not escape
		cleanup()
	}
}

// testPanic panics when a test asked for a panic in this kind of goroutine.
func (s *Server) testPanic(where string) {
	if s.panicIn != nil && s.panicIn(where) {
		panic("injected panic in " + where)
	}
}

// Write sends session data, counting it, and marks it in progress for the
// connection's stuck-write check.
func (sess *session) Write(p []byte) (int, error) {
	if st := connStateOf(sess.sctx); st != nil {
		st.beginWrite()
		defer st.endWrite()
	}
	n, err := sess.Channel.Write(p)
	sess.stats.sent.Add(int64(n))
	return n, err
}
