package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshblog/sshblog/internal/tui"
)

// programs is the set of running app sessions, so that a shutdown can tell
// each reader what is happening.
type programs struct {
	mu  sync.Mutex
	set map[*tea.Program]struct{}
}

func (ps *programs) add(p *tea.Program) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.set == nil {
		ps.set = map[*tea.Program]struct{}{}
	}
	ps.set[p] = struct{}{}
}

func (ps *programs) remove(p *tea.Program) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	delete(ps.set, p)
}

func (ps *programs) each(fn func(*tea.Program)) {
	ps.mu.Lock()
	list := make([]*tea.Program, 0, len(ps.set))
	for p := range ps.set {
		list = append(list, p)
	}
	ps.mu.Unlock()
	for _, p := range list {
		fn(p)
	}
}

// Shutdown stops accepting connections, shows every reader a one-line
// notice, and waits until every session has ended or ctx expires. When ctx
// expires it quits the remaining apps (restoring the readers' terminals)
// and returns ctx's error. Either way, Close then drops the connections
// that are left (clients that keep a connection open without a session).
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.init(); err != nil {
		return err
	}
	s.draining.Store(true) // /readyz answers 503 before the listener closes
	notice := "This server is restarting: please reconnect in a moment."
	if deadline, ok := ctx.Deadline(); ok {
		notice = fmt.Sprintf("This server is restarting: this session ends in %s. Reconnect in a moment.",
			time.Until(deadline).Round(time.Second))
	}
	s.programs.each(func(p *tea.Program) { p.Send(tui.NoticeMsg(notice)) })

	// The ssh package's Shutdown closes the listeners, then waits for
	// connections, not sessions; with a context already done it only does
	// the first part, and the waiting is for sessions, below.
	closed, cancel := context.WithCancel(context.Background())
	cancel()
	_ = s.ssh.Shutdown(closed)

	if s.waitSessions(ctx) {
		return nil
	}
	// Out of time: end the apps cleanly so each reader's terminal leaves the
	// alternate screen, and give them a moment to flush.
	s.programs.each(func(p *tea.Program) { p.Quit() })
	flush, cancelFlush := context.WithTimeout(context.Background(), time.Second)
	defer cancelFlush()
	s.waitSessions(flush)
	return ctx.Err()
}

// waitSessions reports whether every session ended before ctx expired.
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
