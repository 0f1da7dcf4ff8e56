package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"charm.land/log/v2"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/net/netutil"

	blogposts "github.com/sshblog/sshblog/content"
	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/web"
)

// contentFlags are the flags of every command that loads posts.
type contentFlags struct {
	dir      string
	future   bool
	drafts   bool
	title    string
	timezone string
}

func (c *contentFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&c.dir, "content", "", "`DIR` to serve instead of the embedded posts: a Jekyll site (_config.yml, _posts), a Hugo site (hugo.toml, content/) or a folder of Markdown posts (subfolders too)")
	fs.BoolVar(&c.future, "future", false, "also show posts dated in the future (default: the site's future / buildFuture)")
	fs.BoolVar(&c.drafts, "drafts", false, "also show drafts and unpublished posts (_drafts/, draft: true, published: false)")
	fs.StringVar(&c.title, "title", "", "the blog's `NAME` in headers (default: the site's title, else sshblog)")
	fs.StringVar(&c.timezone, "timezone", "", "`ZONE` (IANA name, e.g. Asia/Seoul) of dates written without one, and of dates shown (default: the site's timezone, else UTC)")
}

// open returns the posts' folder and the name to show for it in messages.
//
// The folder is an os.Root: no path read through it, symbolic links
// included, can leave it (content.Load also names such a link as a
// problem, and the server skips that post). --content itself may be a link
// to the folder, as in git-sync setups: it is resolved once, here. The
// Root is not closed: its one descriptor goes when nothing refers to it.
func (c *contentFlags) open() (fs.FS, string, error) {
	if c.dir == "" {
		return blogposts.Posts(), "content", nil
	}
	st, err := os.Stat(c.dir)
	if err != nil {
		return nil, "", fmt.Errorf("--content %s: %w", c.dir, err)
	}
	if !st.IsDir() {
		return nil, "", fmt.Errorf("--content %s: not a directory", c.dir)
	}
	root, err := os.OpenRoot(c.dir)
	if err != nil {
		return nil, "", fmt.Errorf("--content %s: %w", c.dir, err)
	}
	return root.FS(), c.dir, nil
}

func (c *contentFlags) options(root string) (content.Options, error) {
	opts := content.Options{Future: c.future, Drafts: c.drafts, Name: c.title, Root: root}
	if c.timezone != "" {
		loc, err := time.LoadLocation(c.timezone)
		if err != nil {
			return opts, usageError{fmt.Sprintf("--timezone %q: not a time zone: give an IANA name such as Asia/Seoul or UTC", c.timezone)}
		}
		opts.Location = loc
	}
	return opts, nil
}

// load reads the posts. Problems name files under the folder the operator
// gave, so they can open the file as printed. previous is the blog this
// load replaces, nil at start (see content.Options.Previous).
func (c *contentFlags) load(previous *content.Blog) (*content.Blog, []error, error) {
	fsys, root, err := c.open()
	if err != nil {
		return nil, nil, err
	}
	opts, err := c.options(root)
	if err != nil {
		return nil, nil, err
	}
	opts.Previous = previous
	blog, problems, err := content.Load(fsys, opts)
	if err != nil {
		return nil, problems, fmt.Errorf("--content %s: %w", root, err)
	}
	return blog, problems, nil
}

func serveFlags(fs *flag.FlagSet) func(context.Context, io.Writer, io.Writer) error {
	var (
		posts   contentFlags
		addr    string
		hostKey string
		public  string
		grace   time.Duration
	)
	fs.StringVar(&addr, "addr", ":23234", "`ADDRESS` to listen on for SSH, host:port")
	fs.StringVar(&hostKey, "host-key", ".ssh/id_ed25519", "`PATH` of the ed25519 host key; generated (mode 0600) if missing")
	fs.StringVar(&public, "public-addr", "", "`HOST[:PORT]` readers use to reach the server, shown in hints like \"ssh -t HOST\" (default: the address they connected to)")
	fs.DurationVar(&grace, "shutdown-grace", 10*time.Second, "how long open sessions may go on after SIGTERM before they are closed")
	posts.register(fs)
	var watchPosts bool
	fs.BoolVar(&watchPosts, "watch", true, "reload the posts when files under --content change (SIGHUP reloads them too); --watch=false: on SIGHUP only")
	limits := server.DefaultLimits
	d := server.DefaultLimits
	fs.Var((*windowFlag)(&limits.MaxWindow), "max-window", "largest window a session gets, `COLSxROWS`; larger requests are clamped")
	fs.DurationVar(&limits.HandshakeTimeout, "handshake-timeout", d.HandshakeTimeout, "drop connections that have not finished the SSH handshake in this time")
	fs.DurationVar(&limits.IdleTimeout, "idle-timeout", d.IdleTimeout, "close connections with no traffic for this long")
	fs.DurationVar(&limits.MaxSessionTime, "max-session-time", d.MaxSessionTime, "close connections this long after they opened")
	fs.IntVar(&limits.SessionsPerConn, "sessions-per-conn", d.SessionsPerConn, "sessions one connection may have open at once")
	fs.IntVar(&limits.MaxSessions, "max-sessions", d.MaxSessions, "sessions open at once, from all clients")
	fs.IntVar(&limits.MaxSessionsPerIP, "max-sessions-per-ip", d.MaxSessionsPerIP, "sessions (and connections) one client address may have open at once")
	fs.IntVar(&limits.ConnRate, "conn-rate", d.ConnRate, "new connections per client address per minute")
	fs.IntVar(&limits.ConnBurst, "conn-burst", d.ConnBurst, "new connections one client address may open at once before --conn-rate applies")
	fs.IntVar(&limits.MaxConnections, "max-connections", d.MaxConnections, "connections open at once, from all clients, with or without a session")
	var httpAddr, webAddr, webURL, logFormat, logLevel string
	fs.StringVar(&httpAddr, "http-addr", "", "`ADDRESS` for /healthz, /readyz and /metrics over HTTP; empty: off")
	fs.StringVar(&webAddr, "web-addr", "", "`ADDRESS` for the public web mirror of the blog (/, /posts/SLUG, /tags/TAG, /feed.xml); empty: off")
	fs.StringVar(&webURL, "web-url", "", "`URL` readers reach the web mirror at (https://blog.example.com), for the links of 'ssh HOST feed'; empty: links relative to the feed")
	fs.StringVar(&logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&logLevel, "log-level", "info", "least important log level shown: debug, info, warn or error")
	var proxyFrom string
	fs.StringVar(&proxyFrom, "proxy-protocol-from", "", "`CIDR`s (comma-separated) of load balancers that send a PROXY protocol header; empty: PROXY protocol off")

	return func(ctx context.Context, _ io.Writer, stderr io.Writer) error {
		if webURL != "" {
			u, err := url.Parse(webURL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
				return usageError{fmt.Sprintf("--web-url %q: give an absolute http(s) URL such as https://blog.example.com", webURL)}
			}
			webURL = strings.TrimSuffix(webURL, "/")
		}
		trusted, err := server.ParsePrefixes(proxyFrom)
		if err != nil {
			return usageError{fmt.Sprintf("--proxy-protocol-from: %v", err)}
		}
		for name, v := range map[string]int{"sessions-per-conn": limits.SessionsPerConn, "max-sessions": limits.MaxSessions,
			"max-sessions-per-ip": limits.MaxSessionsPerIP, "conn-rate": limits.ConnRate, "conn-burst": limits.ConnBurst,
			"max-connections": limits.MaxConnections} {
			if v <= 0 {
				return usageError{fmt.Sprintf("--%s %d: must be at least 1", name, v)}
			}
		}
		for name, v := range map[string]time.Duration{"handshake-timeout": limits.HandshakeTimeout, "idle-timeout": limits.IdleTimeout,
			"max-session-time": limits.MaxSessionTime, "shutdown-grace": grace} {
			if v <= 0 {
				return usageError{fmt.Sprintf("--%s %s: must be longer than 0", name, v)}
			}
		}
		logger, err := newLogger(stderr, logFormat, logLevel)
		if err != nil {
			return err
		}
		blog, problems, err := posts.load(nil)
		if err != nil {
			return err
		}
		for _, p := range problems {
			logger.Warn("skipping post", "problem", p.Error())
		}
		for _, w := range blog.Warnings() {
			logger.Warn("post", "warning", w.Error())
		}
		if blog.Len() == 0 {
			return fmt.Errorf("no post could be loaded (%d problems, %d hidden): run 'sshblog check' to see why", len(problems), blog.Hidden())
		}

		signer, created, err := server.LoadHostKey(hostKey)
		if err != nil {
			return fmt.Errorf("--host-key: %w", err)
		}
		if created {
			logger.Info("generated a new host key", "path", hostKey)
		}

		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("--addr %s: %w", addr, err)
		}
		srv := &server.Server{
			Blog:              blog,
			HostKey:           signer,
			Logger:            logger,
			PublicAddr:        public,
			Limits:            limits,
			ProxyProtocolFrom: trusted,
			Metrics:           server.NewMetrics(versionString()),
			Broken:            len(problems),
			Version:           "sshblog",
			WebURL:            webURL,
		}
		logger.Info("serving", "addr", ln.Addr().String(), "title", blog.Name, "site", blog.Site().Kind.String(),
			"posts", blog.Len(), "hidden", blog.Hidden(),
			"fingerprint", server.Fingerprint(signer.PublicKey()), "version", versionString())

		var httpSrv *http.Server
		if httpAddr != "" {
			hl, err := net.Listen("tcp", httpAddr)
			if err != nil {
				ln.Close()
				return fmt.Errorf("--http-addr %s: %w", httpAddr, err)
			}
			httpSrv = web.NewServer(srv.HTTPHandler()) // the mirror's limits suit probes and scrapers too
			go httpSrv.Serve(hl)
			logger.Info("serving HTTP", "addr", hl.Addr().String(), "endpoints", "/healthz /readyz /metrics")
		}

		var webSrv *http.Server
		if webAddr != "" {
			wl, err := net.Listen("tcp", webAddr)
			if err != nil {
				ln.Close()
				return fmt.Errorf("--web-addr %s: %w", webAddr, err)
			}
			webSrv = web.NewServer(&web.Mirror{Blog: srv.CurrentBlog, SSHHost: server.LinkHost(public, ln.Addr()), Base: webURL, Logger: logger})
			go webSrv.Serve(netutil.LimitListener(wl, web.MaxConnections))
			logger.Info("serving the web mirror", "addr", wl.Addr().String())
		}

		// SIGHUP reloads the posts, as changes under --content do; it
		// never drops a reader.
		reloadCtx, stopReloads := context.WithCancel(ctx)
		defer stopReloads()
		newReloader(&posts, srv, logger, blog, problems).run(reloadCtx, watchPosts)

		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		select {
		case err := <-served:
			return err
		case <-ctx.Done():
		}

		// A second signal means "now": don't make the operator wait out the
		// grace period.
		again := make(chan os.Signal, 1)
		signal.Notify(again, os.Interrupt, syscall.SIGTERM)
		forced := make(chan struct{})
		go func() {
			<-again
			logger.Warn("second signal: exiting at once")
			close(forced)
			// Still restore every reader's terminal first (a second at most).
			srv.StopSessions()
			os.Exit(1)
		}()
		defer func() {
			select {
			case <-forced: // the sessions just ended for the second signal: it exits
				select {}
			default:
			}
		}()
		logger.Info("shutting down", "grace", grace)
		shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		if err := srv.Shutdown(shutdownCtx); err != nil {
			logger.Warn("sessions still open after the grace period: closing them", "err", err)
		}
		srv.Close()
		for _, hs := range []*http.Server{httpSrv, webSrv} {
			if hs != nil {
				httpCtx, cancel := context.WithTimeout(context.Background(), time.Second)
				defer cancel()
				hs.Shutdown(httpCtx)
			}
		}
		logger.Info("stopped")
		return nil
	}
}

// newLogger makes the server's structured logger.
func newLogger(w io.Writer, format, level string) (*log.Logger, error) {
	opts := log.Options{ReportTimestamp: true, TimeFormat: time.RFC3339}
	switch format {
	case "text":
		opts.Formatter = log.TextFormatter
	case "json":
		opts.Formatter = log.JSONFormatter
	default:
		return nil, usageError{fmt.Sprintf("--log-format %q: use text or json", format)}
	}
	lvl, err := log.ParseLevel(level)
	if err != nil {
		return nil, usageError{fmt.Sprintf("--log-level %q: use debug, info, warn or error", level)}
	}
	opts.Level = lvl
	return log.NewWithOptions(w, opts), nil
}

func checkFlags(fs *flag.FlagSet) func(context.Context, io.Writer, io.Writer) error {
	var posts contentFlags
	posts.register(fs)
	return func(_ context.Context, stdout, _ io.Writer) error {
		fsys, root, err := posts.open()
		if err != nil {
			return err
		}
		opts, err := posts.options(root)
		if err != nil {
			return err
		}
		if content.Check(stdout, fsys, root, opts) > 0 {
			return errReported
		}
		return nil
	}
}

func fingerprintFlags(fs *flag.FlagSet) func(context.Context, io.Writer, io.Writer) error {
	var hostKey string
	fs.StringVar(&hostKey, "host-key", ".ssh/id_ed25519", "`PATH` of the ed25519 host key")
	return func(_ context.Context, stdout, _ io.Writer) error {
		if _, err := os.Stat(hostKey); err != nil {
			return fmt.Errorf("--host-key %s: %w (the server creates it on its first start)", hostKey, err)
		}
		signer, _, err := server.LoadHostKey(hostKey)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s (ED25519)\n", server.Fingerprint(signer.PublicKey()))
		return nil
	}
}

func healthcheckFlags(fs *flag.FlagSet) func(context.Context, io.Writer, io.Writer) error {
	var (
		addr    string
		timeout time.Duration
	)
	fs.StringVar(&addr, "addr", ":23234", "`ADDRESS` the server listens on; an empty host means 127.0.0.1")
	fs.DurationVar(&timeout, "healthcheck-timeout", 5*time.Second, "how long the handshake may take")
	return func(ctx context.Context, stdout, _ io.Writer) error {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return usageError{fmt.Sprintf("--addr %q: %v", addr, err)}
		}
		if host == "" || host == "0.0.0.0" || host == "::" {
			host = "127.0.0.1"
		}
		target := net.JoinHostPort(host, port)
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		start := time.Now()
		fp, err := handshake(ctx, target)
		if err != nil {
			return fmt.Errorf("%s: %w", target, err)
		}
		fmt.Fprintf(stdout, "ok: %s answered in %s, host key %s\n", target, time.Since(start).Round(time.Millisecond), fp)
		return nil
	}
}

// handshake completes an SSH handshake and authentication with target and
// returns the host key's fingerprint.
func handshake(ctx context.Context, target string) (string, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", target)
	if err != nil {
		return "", err
	}
	defer conn.Close()
	if deadline, ok := ctx.Deadline(); ok {
		conn.SetDeadline(deadline)
	}
	var fp string
	cfg := &gossh.ClientConfig{
		User: "healthcheck",
		HostKeyCallback: func(_ string, _ net.Addr, key gossh.PublicKey) error {
			fp = server.Fingerprint(key)
			return nil
		},
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, target, cfg)
	if err != nil {
		return "", fmt.Errorf("ssh handshake: %w", err)
	}
	go gossh.DiscardRequests(reqs)
	go func() {
		for ch := range chans {
			ch.Reject(gossh.Prohibited, "")
		}
	}()
	c.Close()
	return fp, nil
}

// windowFlag is a COLSxROWS flag value.
type windowFlag server.Window

func (w *windowFlag) String() string { return fmt.Sprintf("%dx%d", w.Cols, w.Rows) }

func (w *windowFlag) Set(s string) error {
	var cols, rows int
	var rest string
	if n, _ := fmt.Sscanf(s, "%dx%d%s", &cols, &rows, &rest); n != 2 || cols < 20 || rows < 5 {
		return fmt.Errorf("want COLSxROWS with at least 20x5, like 500x200")
	}
	w.Cols, w.Rows = cols, rows
	return nil
}
