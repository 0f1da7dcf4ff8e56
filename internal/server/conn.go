package server

import (
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"github.com/sshblog/sshblog/internal/locale"
)

// connState is what the server keeps per connection: its slot in the
// limits, when a byte last went either way, the timers that end it, and the
// app sessions to say goodbye to first.
//
// The ssh package's own idle and session-time deadlines stay as a backstop
// a little later; these timers come first so that the readers' terminals
// are restored and told why before the connection closes.
type connState struct {
	net.Conn
	srv     *Server
	release func()
	closed  atomic.Bool

	lastIO atomic.Int64 // unix nanoseconds of the last byte read or written

	// writing is when the oldest session write still in progress began
	// (0: none): a client that stops reading blocks our writes (on the SSH
	// window or on TCP), and is cut off after the idle timeout even while
	// it keeps sending.
	writing atomic.Int64
	writers atomic.Int32

	sessions atomic.Int32 // session channels being served

	channelOpens *rate.Limiter // session channels opened
	globalReqs   *rate.Limiter // global requests (keepalives and the like)

	mu     sync.Mutex
	apps   map[*appSession]struct{}
	ending words // why the apps were ended, for one that joins after
	timer  *time.Timer
	ends   time.Time // MaxSessionTime after the connection opened
}

// Per-connection request bounds: OpenSSH opens one session per connection
// (a few with ControlMaster) and sends a keepalive every few seconds at
// most.
const (
	channelOpenRate   = 1.0 // per second, after a burst
	channelOpenBurst  = 10
	globalReqRate     = 2.0
	globalReqBurst    = 20
	connGraceBackstop = 5 * time.Second // the ssh package's deadlines, after ours
)

type connStateKey struct{}

func connStateOf(ctx ssh.Context) *connState {
	st, _ := ctx.Value(connStateKey{}).(*connState)
	return st
}

func (s *Server) newConnState(conn net.Conn, release func()) *connState {
	c := &connState{
		Conn:         conn,
		srv:          s,
		release:      release,
		channelOpens: rate.NewLimiter(channelOpenRate, channelOpenBurst),
		globalReqs:   rate.NewLimiter(globalReqRate, globalReqBurst),
		ends:         time.Now().Add(s.Limits.MaxSessionTime),
	}
	c.touch()
	c.mu.Lock()
	c.timer = time.AfterFunc(c.nextCheck(time.Now()), c.check)
	c.mu.Unlock()
	return c
}

func (c *connState) touch() { c.lastIO.Store(time.Now().UnixNano()) }

func (c *connState) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 {
		c.touch()
	}
	return n, err
}

func (c *connState) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if n > 0 {
		c.touch()
	}
	return n, err
}

// beginWrite and endWrite bracket every write of session data.
func (c *connState) beginWrite() {
	if c.writers.Add(1) == 1 {
		c.writing.Store(time.Now().UnixNano())
	}
}

func (c *connState) endWrite() {
	if c.writers.Add(-1) == 0 {
		c.writing.Store(0)
	}
}

// Close gives the connection's slot back, once, and stops its timer.
func (c *connState) Close() error {
	if c.closed.CompareAndSwap(false, true) {
		c.mu.Lock()
		if c.timer != nil {
			c.timer.Stop()
		}
		c.mu.Unlock()
		c.release()
	}
	return c.Conn.Close()
}

// nextCheck is how long until the connection could next be idle for the
// idle timeout, or reach its maximum time.
func (c *connState) nextCheck(now time.Time) time.Duration {
	idle := c.srv.Limits.IdleTimeout
	next := c.ends
	if idle > 0 {
		last := time.Unix(0, c.lastIO.Load())
		if w := c.writing.Load(); w != 0 {
			last = time.Unix(0, w)
		}
		if t := last.Add(idle); t.Before(next) {
			next = t
		}
	}
	return max(next.Sub(now), 10*time.Millisecond)
}

// check runs on the connection's timer: it ends the connection once it has
// been idle (or a write has been stuck) for the idle timeout, or has lasted
// MaxSessionTime, and otherwise sets the timer again.
func (c *connState) check() {
	defer c.srv.recoverPanic("connection timer", c.RemoteAddr().String(), func() { _ = c.Close() })
	c.srv.testPanic("connection timer")
	if c.closed.Load() {
		return
	}
	now := time.Now()
	idle := c.srv.Limits.IdleTimeout
	var reason words
	switch {
	case !now.Before(c.ends):
		reason = func(t *locale.Messages) string {
			return fmt.Sprintf(t.ClosedSessionTime, roundDuration(t, c.srv.Limits.MaxSessionTime))
		}
	case idle > 0 && c.writing.Load() != 0 && now.Sub(time.Unix(0, c.writing.Load())) >= idle:
		reason = func(t *locale.Messages) string { return t.ClosedNotReading }
	case idle > 0 && now.Sub(time.Unix(0, c.lastIO.Load())) >= idle:
		reason = func(t *locale.Messages) string { return fmt.Sprintf(t.ClosedIdle, roundDuration(t, idle)) }
	}
	if reason == nil {
		c.mu.Lock()
		if !c.closed.Load() {
			c.timer.Reset(c.nextCheck(now))
		}
		c.mu.Unlock()
		return
	}
	c.srv.Logger.Debug("closing connection", "remote", c.RemoteAddr().String(), "reason", reason.in(locale.English()))
	c.endApps(reason)
	// Let the sessions send their exit status, so the reader's ssh exits
	// cleanly rather than with "closed by remote host".
	for deadline := time.Now().Add(endFlushTimeout); c.sessions.Load() > 0 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	_ = c.Close()
}

// endApps ends every app session on the connection with a reason, each
// restoring its reader's terminal first (bounded by a short write timeout).
func (c *connState) endApps(reason words) {
	c.mu.Lock()
	c.ending = reason
	apps := make([]*appSession, 0, len(c.apps))
	for a := range c.apps {
		apps = append(apps, a)
	}
	c.mu.Unlock()
	endAll(c.srv, apps, reason)
}

// endAll ends apps with a reason, in parallel, waiting at most
// endFlushTimeout: a terminal that does not read cannot hold anyone up,
// since the caller closes its connection next.
func endAll(s *Server, apps []*appSession, reason words) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	for _, a := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer s.recoverPanic("ending a session", a.sess.remote(), nil)
			a.end(reason)
		}()
	}
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(endFlushTimeout)
	defer t.Stop()
	select {
	case <-done:
	case <-t.C:
	}
}

// endFlushTimeout bounds how long ending a session waits for the reader's
// terminal to take the sequences that restore it.
const endFlushTimeout = time.Second

// addApp puts a in the connection's set and returns why the apps were
// ended, if they were.
func (c *connState) addApp(a *appSession) (ending words) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.apps == nil {
		c.apps = map[*appSession]struct{}{}
	}
	c.apps[a] = struct{}{}
	return c.ending
}

func (c *connState) removeApp(a *appSession) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.apps, a)
}

// globalRequestHandler refuses every global request (no port forwarding,
// nothing else is offered) and drops connections that send them faster
// than any client's keepalives.
func (s *Server) globalRequestHandler(ctx ssh.Context, _ *ssh.Server, req *gossh.Request) (bool, []byte) {
	if st := connStateOf(ctx); st != nil && !st.globalReqs.Allow() {
		s.refuse(RefusedGlobalRequests, st.RemoteAddr().String(), "")
		_ = st.Close()
	}
	return false, nil
}
