package server

import (
	"context"
	"fmt"
	"time"

	"github.com/sshblog/sshblog/internal/locale"
	"github.com/sshblog/sshblog/internal/tui"
)

// Shutdown stops accepting connections, shows every reader a one-line
// notice, and waits until every session has ended or ctx expires. When ctx
// expires it ends the remaining apps (restoring the readers' terminals,
// with a line saying why) and returns ctx's error. Either way, Close then
// drops the connections that are left (clients that keep a connection
// open without a session).
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.init(); err != nil {
		return err
	}
	s.draining.Store(true) // /readyz answers 503 before the listener closes
	notice := restartReason
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline).Round(time.Second)
		notice = func(t *locale.Messages) string { return fmt.Sprintf(t.RestartingIn, left) }
	}
	for _, a := range s.apps.announce(notice) {
		// Send waits for the app's event loop; one busy app must not hold
		// up the others, and Send gives up once the app has ended.
		go func() {
			defer s.recoverPanic("shutdown notice", a.sess.remote(), nil)
			a.notify(tui.NoticeMsg(notice(a.t)))
		}()
	}

	// The ssh package's Shutdown closes the listeners, then waits for
	// connections, not sessions; with a context already done it only does
	// the first part, and the waiting is for sessions, below.
	closed, cancel := context.WithCancel(context.Background())
	cancel()
	_ = s.ssh.Shutdown(closed)

	if s.waitSessions(ctx) {
		return nil
	}
	s.endSessions(restartReason)
	return ctx.Err()
}

func restartReason(t *locale.Messages) string { return t.Restarting }

// StopSessions ends every app session at once, each reader's terminal
// restored and told, in their language, that the server is stopping, and
// waits (at most a second or two) for the sessions to be gone. For a
// second signal, which cannot wait out the grace period.
func (s *Server) StopSessions() {
	s.endSessions(func(t *locale.Messages) string { return t.Stopping })
}

func (s *Server) endSessions(reason words) {
	if err := s.init(); err != nil {
		return
	}
	endAll(s, s.apps.endAll(reason), reason)
	flush, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	s.waitSessions(flush)
}

// waitSessions reports whether every session ended before ctx expired. It
// counts the limiter's slots, so a session that leaked one would show here.
func (s *Server) waitSessions(ctx context.Context) bool {
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for s.limits.Sessions() > 0 {
		select {
		case <-ctx.Done():
			return false
		case <-tick.C:
		}
	}
	return true
}
