package server

import (
	"encoding/binary"
	"strings"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"

	"github.com/sshblog/sshblog/internal/content"
)

// Window bounds a terminal size.
type Window struct{ Cols, Rows int }

// DefaultMaxWindow is the largest window a session gets when
// Limits.MaxWindow is zero: a 500x200 screen costs a few MB, while an
// unbounded one lets one client exhaust the server's memory.
var DefaultMaxWindow = Window{Cols: 500, Rows: 200}

// allowedEnv reports whether a client may set the environment variable:
// only what changes how text is shown.
func allowedEnv(name string) bool {
	switch name {
	case "TERM", "LANG", "COLORTERM", "NO_COLOR", "TZ":
		return true
	}
	return strings.HasPrefix(name, "LC_")
}

// maxEnvValue caps an environment value a client sends; longer values are
// refused.
const maxEnvValue = 256

// requestFilter sits between the SSH channel and the session: it refuses
// what a reader never needs (agent and X11 forwarding, subsystems, most
// environment variables) with a "no" reply, and clamps every window size
// before anything allocates for it.
type requestFilter struct {
	maxWindow Window
	onRefuse  func(reqType, detail string)
}

// filteredChannel wraps a session's NewChannel so its requests pass
// through the filter.
type filteredChannel struct {
	gossh.NewChannel
	filter *requestFilter
}

func (c filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		for req := range reqs {
			if c.filter.pass(req) {
				out <- req
			}
		}
	}()
	return ch, out, nil
}

// pass rewrites req in place where needed and reports whether it goes on
// to the session; refused requests are answered here.
func (f *requestFilter) pass(req *gossh.Request) bool {
	refuse := func(detail string) bool {
		if req.WantReply {
			_ = req.Reply(false, nil)
		}
		if f.onRefuse != nil {
			f.onRefuse(req.Type, detail)
		}
		return false
	}
	switch req.Type {
	case "pty-req":
		// string TERM, then uint32 cols, rows, px width, px height, modes.
		term, rest, ok := sshString(req.Payload)
		if !ok || len(rest) < 16 || len(term) > 64 {
			return refuse("malformed pty request")
		}
		f.clamp(rest[:8])
	case "window-change":
		if len(req.Payload) < 8 {
			return refuse("malformed window change")
		}
		f.clamp(req.Payload[:8])
	case "env":
		name, rest, ok := sshString(req.Payload)
		value, _, ok2 := sshString(rest)
		if !ok || !ok2 {
			return refuse("malformed env request")
		}
		if !allowedEnv(string(name)) || len(value) > maxEnvValue {
			return refuse(string(name))
		}
	case "auth-agent-req@openssh.com", "x11-req", "subsystem":
		return refuse("")
	}
	return true
}

// clamp rewrites a cols, rows pair (two big-endian uint32s) to fit the
// maximum window; zero stays zero (the session then uses its default).
func (f *requestFilter) clamp(b []byte) {
	cols := binary.BigEndian.Uint32(b[0:4])
	rows := binary.BigEndian.Uint32(b[4:8])
	cols = min(cols, uint32(f.maxWindow.Cols))
	rows = min(rows, uint32(f.maxWindow.Rows))
	binary.BigEndian.PutUint32(b[0:4], cols)
	binary.BigEndian.PutUint32(b[4:8], rows)
}

func sshString(b []byte) (s, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	n := binary.BigEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}

// sessionHandler wraps the default session channel handler with the
// request filter.
func (s *Server) sessionChannelHandler() ssh.ChannelHandler {
	filter := &requestFilter{
		maxWindow: s.Limits.MaxWindow,
		onRefuse: func(reqType, detail string) {
			s.Metrics.refusal(RefusedRequest)
			s.Logger.Debug("refused request", "type", reqType, "detail", content.SanitizeLine(truncate(detail, 64)))
		},
	}
	return func(srv *ssh.Server, conn *gossh.ServerConn, newChan gossh.NewChannel, ctx ssh.Context) {
		if newChan.ChannelType() != "session" {
			_ = newChan.Reject(gossh.UnknownChannelType, "only sessions are served")
			return
		}
		release, ok := s.limits.acquire(ctx, conn, newChan)
		if !ok {
			return
		}
		defer release()
		ssh.DefaultSessionHandler(srv, conn, filteredChannel{newChan, filter}, ctx)
	}
}
