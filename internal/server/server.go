// Package server serves the blog over SSH: the wish server, its
// middleware, the per-session Bubble Tea program and the SSH commands.
package server

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/log/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	"github.com/pires/go-proxyproto"
	gossh "golang.org/x/crypto/ssh"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
	"github.com/sshblog/sshblog/internal/sanitize"
	"github.com/sshblog/sshblog/internal/tui"
)

// Server serves one Blog over SSH to anonymous readers. Set its fields,
// then call Serve; the fields must not change after that (SetBlog swaps
// the blog served).
type Server struct {
	// Blog is the posts to serve first. Required. SetBlog replaces it.
	Blog *content.Blog

	// HostKey identifies the server to readers. Required: see LoadHostKey.
	HostKey gossh.Signer

	// Renderer renders posts for every session, sharing its cache. Nil
	// means a Renderer with default options, whose links to posts show
	// the deep link with the host LinkHost chooses and the Blog's titles.
	Renderer *render.Renderer

	// Logger receives one structured line per session and server events.
	// Nil means log.Default().
	Logger *log.Logger

	// PublicAddr is how readers reach the server ("blog.example.com" or
	// "blog.example.com:2222"), used in hints such as "ssh -t HOST". Empty
	// means the address the client connected to.
	PublicAddr string

	// Limits bound what one client can make the server spend; the zero
	// value is the safe defaults.
	Limits Limits

	// ProxyProtocolFrom lists the networks of load balancers that send a
	// PROXY protocol header (v1 or v2). Empty means PROXY protocol is off
	// and no header is believed. When set, peers in these networks must
	// send one, others must not.
	ProxyProtocolFrom []netip.Prefix

	// Prerender lists window widths whose posts are rendered in the
	// background as soon as the server starts, so that the first readers
	// at common sizes open posts from the cache: the newest
	// prerenderPosts posts, which is every post of most blogs. Nil means
	// 80, 100 and 120 columns; an empty slice turns it off.
	Prerender []int

	// Metrics, when set, counts sessions, refusals, views and renders for
	// Prometheus (see HTTPHandler). Nil means no metrics.
	Metrics *Metrics

	// Broken is how many posts failed to load, for the posts metric.
	Broken int

	// WebURL is the web mirror's public URL ("https://blog.example.com"),
	// for the links of the feed command's Atom feed. Empty writes them
	// relative ("/posts/SLUG"), as the mirror's own feeds are.
	WebURL string

	// Version is shown in the SSH identification string
	// ("SSH-2.0-sshblog"). Empty means "sshblog".
	Version string

	initOnce    sync.Once
	fingerprint string // the host key as ssh-keygen -l and OpenSSH's prompt show it, once init has run
	initErr     error
	current     atomic.Pointer[served] // Blog, until SetBlog
	blogGen     atomic.Uint64          // SetBlog calls (served.gen)
	ssh         *ssh.Server
	limits      *limiter
	refusals    *refusalLog

	listenAddr atomic.Pointer[net.Addr] // the first listener's, for LinkHost

	prerenderOnce sync.Once
	prerendering  atomic.Bool // a reload's prerender is running
	firstFrames   frameCache
	apps          appSet

	accepting atomic.Bool // the SSH listener is serving
	started   atomic.Bool // init has run: the metrics are registered
	draining  atomic.Bool // a shutdown has begun

	wrapModel  func(tea.Model) tea.Model // tests: inject faults
	panicIn    func(where string) bool   // tests: panic in this kind of goroutine
	beforeJoin func()                    // tests: runs as an app joins the set
}

// ErrServerClosed is returned by Serve after Shutdown or Close.
var ErrServerClosed = ssh.ErrServerClosed

func (s *Server) init() error {
	s.initOnce.Do(func() {
		if s.Blog == nil {
			s.initErr = errors.New("server: no Blog to serve")
			return
		}
		s.current.CompareAndSwap(nil, &served{s.Blog, tui.NewLists(s.Blog), 0})
		if s.HostKey == nil {
			s.initErr = errors.New("server: no HostKey")
			return
		}
		s.fingerprint = Fingerprint(s.HostKey.PublicKey()) // in every session's about screen
		if s.Renderer == nil {
			var listen net.Addr
			if a := s.listenAddr.Load(); a != nil {
				listen = *a
			}
			s.Renderer = render.New(render.Options{
				OnRender:  func(d time.Duration) { s.Metrics.rendered(d.Seconds()) },
				Host:      LinkHost(s.PublicAddr, listen),
				PostTitle: s.CurrentBlog().PostTitle,
			})
		}
		if s.Metrics != nil {
			s.Metrics.observeBlog(s.CurrentBlog(), nil, s.Broken)
			s.Metrics.observeRenderer(s.Renderer)
		}
		if s.Logger == nil {
			s.Logger = log.Default()
		}
		version := s.Version
		if version == "" {
			version = "sshblog"
		}
		lim := s.Limits.withDefaults()
		s.Limits = lim
		s.refusals = newRefusalLog(func(reason, addr, detail string, suppressed int) {
			kv := []any{"reason", reason, "remote", addr}
			if detail != "" {
				kv = append(kv, "detail", sanitize.Line(clipBytes(detail, 64)))
			}
			if suppressed > 0 {
				kv = append(kv, "suppressed", suppressed)
			}
			s.Logger.Warn("refused", kv...)
		})
		s.limits = newLimiter(lim, s.refuse)
		s.Metrics.observeLimits(s.limits)
		srv, err := wish.NewServer(
			wish.WithVersion(version),
			func(srv *ssh.Server) error {
				srv.AddHostKey(s.HostKey)
				srv.HandshakeTimeout = lim.HandshakeTimeout
				// The connection's own timers (conn.go) end sessions first,
				// restoring the readers' terminals; these are the backstop.
				srv.IdleTimeout = backstop(lim.IdleTimeout)
				srv.MaxTimeout = backstop(lim.MaxSessionTime)
				srv.ServerConfigCallback = serverConfig
				srv.ConnCallback = s.admitConn
				srv.ConnectionFailedCallback = s.connFailed
				srv.ChannelHandlers = map[string]ssh.ChannelHandler{
					"session": s.sessionChannelHandler(),
				}
				// No port forwarding of either kind, no subsystems: nil
				// callbacks and empty maps refuse them; global requests
				// are refused and metered.
				srv.RequestHandlers = map[string]ssh.RequestHandler{"default": s.globalRequestHandler}
				srv.SubsystemHandlers = map[string]ssh.SubsystemHandler{}
				return nil
			},
			wish.WithMiddleware(
				s.sessionMiddleware(), // innermost: runs the app or a command
				s.logMiddleware(),     // outermost: sees every session end
			),
		)
		if err != nil {
			s.initErr = fmt.Errorf("server: %w", err)
			return
		}
		s.ssh = srv
		s.started.Store(true)
	})
	return s.initErr
}

// Serve accepts SSH connections on l until Shutdown or Close. It always
// returns a non-nil error; ErrServerClosed after Shutdown or Close.
func (s *Server) Serve(l net.Listener) error {
	addr := l.Addr()
	s.listenAddr.CompareAndSwap(nil, &addr)
	if err := s.init(); err != nil {
		return err
	}
	if len(s.ProxyProtocolFrom) > 0 {
		l = proxyListener(l, s.ProxyProtocolFrom, s.Limits.HandshakeTimeout)
	}
	s.accepting.Store(true)
	defer s.accepting.Store(false)
	s.prerenderOnce.Do(func() { go s.prerender() })
	return s.ssh.Serve(l)
}

// Close closes the listeners and every open connection at once.
func (s *Server) Close() error {
	if err := s.init(); err != nil {
		return err
	}
	return s.ssh.Close()
}

// prerenderPosts bounds the background work: a blog of 10,000 posts would
// otherwise keep a core busy for minutes after every start.
const prerenderPosts = 200

// prerender renders every post at the reader's width for each of the
// Prerender window widths, one at a time so readers keep the other core.
func (s *Server) prerender() {
	defer s.recoverPanic("prerender", "", nil)
	windows := s.Prerender
	if windows == nil {
		windows = []int{80, 100, 120}
	}
	seen := map[int]bool{}
	start := time.Now()
	misses := s.Renderer.Stats().Misses // after a reload, most posts are cached already
	for _, w := range windows {
		width := tui.RenderWidth(w)
		if seen[width] {
			continue
		}
		seen[width] = true
		posts := s.CurrentBlog().Posts()
		for _, p := range posts[:min(len(posts), prerenderPosts)] {
			if s.draining.Load() {
				return
			}
			if _, err := s.Renderer.Render(p, width, render.Dark); err != nil {
				s.Logger.Warn("pre-rendering failed", "post", p.Path, "err", err)
			}
		}
	}
	// Other sessions' misses count too: near enough for a log line.
	if n := s.Renderer.Stats().Misses - misses; n > 0 {
		s.Logger.Info("pre-rendered posts", "renders", n, "took", time.Since(start).Round(time.Millisecond))
	}
}

// refuse counts every refusal and logs it (at most once a minute per kind
// and address).
func (s *Server) refuse(reason, addr, detail string) {
	s.Metrics.refusal(reason)
	s.refusals.refuse(reason, addr, detail)
}

// serverConfig offers only modern algorithms: post-quantum hybrid and
// X25519 key exchange, AEAD ciphers (and AES-CTR, for clients such as
// paramiko 2.12 and dropbear builds without GCM, only with the
// encrypt-then-MAC MACs). x/crypto adds
// strict key exchange (the Terrapin fix) by itself.
func serverConfig(ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		Config: gossh.Config{
			KeyExchanges: []string{"mlkem768x25519-sha256", "curve25519-sha256"},
			Ciphers:      []string{"chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-gcm@openssh.com", "aes256-ctr", "aes128-ctr"},
			MACs:         []string{"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"},
		},
	}
}

// admitConn applies the connection limits before the handshake; returning
// nil closes the connection.
func (s *Server) admitConn(ctx ssh.Context, conn net.Conn) net.Conn {
	release, ok := s.limits.admitConn(conn.RemoteAddr())
	if !ok {
		return nil
	}
	st := s.newConnState(withQuickAck(conn), release)
	ctx.SetValue(connStateKey{}, st)
	return st
}

// backstop is when the ssh package's own deadline ends a connection that
// the server's timers (conn.go) should have ended a moment before.
func backstop(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return d + connGraceBackstop
}

// connFailed logs connections that never became SSH sessions for a reason
// worth an operator's attention (bad PROXY headers); scanners and clients
// that hang up are not news.
func (s *Server) connFailed(conn net.Conn, err error) {
	if errors.Is(err, proxyproto.ErrNoProxyProtocol) || errors.Is(err, proxyproto.ErrSuperfluousProxyHeader) ||
		strings.Contains(err.Error(), "proxyproto:") {
		s.refuse(RefusedProxyHeader, conn.RemoteAddr().String(), err.Error())
		return
	}
	s.Logger.Debug("connection failed", "remote", conn.RemoteAddr().String(), "err", sanitize.Line(err.Error()))
}

// sessionStats is what the session's end-of-session log line reports.
type sessionStats struct {
	viewed atomic.Int64 // posts opened or read
	sent   atomic.Int64 // bytes written to the client
}

// statsOf is the session's counters (a fresh, uncounted set for sessions
// that are not the server's own, as in tests).
func statsOf(sess ssh.Session) *sessionStats {
	if ss, ok := sess.(*session); ok {
		return &ss.stats
	}
	return &sessionStats{}
}

// logMiddleware counts sessions and logs one line per session at its end.
func (s *Server) logMiddleware() wish.Middleware {
	return func(next ssh.Handler) ssh.Handler {
		return func(sess ssh.Session) {
			start := time.Now()
			kind := kindApp
			if _, _, ok := sess.Pty(); !ok {
				kind = kindCommand
			} else if _, isCommand := commandNames[first(sess.Command())]; isCommand {
				kind = kindCommand
			}
			stats := statsOf(sess)
			s.Metrics.sessionStarted(kind)
			defer func() {
				d := time.Since(start)
				s.Metrics.sessionEnded(kind, d.Seconds())
				pty, _, _ := sess.Pty()
				s.Logger.Info("session ended",
					"remote", sess.RemoteAddr().String(),
					"user", sanitize.Line(clipBytes(sess.User(), 64)),
					"kind", kind,
					"command", sanitize.Line(clipBytes(sess.RawCommand(), 128)),
					"term", sanitize.Line(clipBytes(pty.Term, 32)),
					"duration", d.Round(time.Millisecond),
					"viewed", stats.viewed.Load(),
					"sent", stats.sent.Load(),
				)
			}()
			next(sess)
		}
	}
}

// clipBytes caps s at n bytes without splitting a UTF-8 sequence.
func clipBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xc0 == 0x80 {
		n--
	}
	return s[:n] + "…"
}
