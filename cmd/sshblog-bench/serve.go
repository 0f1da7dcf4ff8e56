package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	gossh "golang.org/x/crypto/ssh"
)

// serverFlags are the flags of the two baseline servers.
type serverFlags struct {
	addr, hostKey, httpAddr string
	maxTime                 time.Duration
	quickAck                bool
}

func (f *serverFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.addr, "addr", "127.0.0.1:24000", "`ADDRESS` to listen on")
	fs.StringVar(&f.hostKey, "host-key", "", "`PATH` of the ed25519 host key; generated if missing (default: a file in the temp dir)")
	fs.StringVar(&f.httpAddr, "http-addr", "", "`ADDRESS` to serve /metrics (go_goroutines) on; empty: off")
	fs.DurationVar(&f.maxTime, "max-time", 30*time.Minute, "stop by itself after this long")
	fs.BoolVar(&f.quickAck, "quickack", false, "experiment: set TCP_QUICKACK after every read, so the client's small handshake packets are never left waiting on a delayed ACK")
}

// sameAlgorithms offers what sshblog offers, so the baselines negotiate the
// same key exchange and cipher with every client.
func sameAlgorithms(ssh.Context) *gossh.ServerConfig {
	return &gossh.ServerConfig{
		Config: gossh.Config{
			KeyExchanges: []string{"mlkem768x25519-sha256", "curve25519-sha256"},
			Ciphers:      []string{"chacha20-poly1305@openssh.com", "aes256-gcm@openssh.com", "aes128-gcm@openssh.com"},
			MACs:         []string{"hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"},
		},
	}
}

// serve runs a wish server with mw until a signal or --max-time.
func (f *serverFlags) serve(name string, mw wish.Middleware) error {
	if err := f.check(name); err != nil {
		return err
	}
	srv, err := wish.NewServer(
		wish.WithAddress(f.addr),
		wish.WithHostKeyPath(f.hostKey),
		func(s *ssh.Server) error {
			f.configure(s)
			return nil
		},
		wish.WithMiddleware(mw),
	)
	if err != nil {
		return err
	}
	return f.run(name, srv)
}

// serveBare runs the barest server of the stack, a charm.land/ssh Server
// with an ed25519 host key and handler h (no wish), until a signal or
// --max-time.
func (f *serverFlags) serveBare(name string, h ssh.Handler) error {
	if err := f.check(name); err != nil {
		return err
	}
	signer, err := ed25519HostKey(f.hostKey)
	if err != nil {
		return err
	}
	srv := &ssh.Server{Addr: f.addr, Handler: h}
	srv.AddHostKey(signer)
	f.configure(srv)
	return f.run(name, srv)
}

func (f *serverFlags) check(name string) error {
	if f.quickAck && !quickAckSupported {
		return usageError(fmt.Sprintf("--quickack: TCP_QUICKACK is Linux's, not %s's", runtime.GOOS))
	}
	if f.hostKey == "" {
		f.hostKey = fmt.Sprintf("%s/sshblog-bench-%s-host-key", os.TempDir(), name)
	}
	return nil
}

// configure gives every baseline sshblog's algorithms (so the handshake
// costs the same) and the --quickack experiment.
func (f *serverFlags) configure(s *ssh.Server) {
	s.ServerConfigCallback = sameAlgorithms
	if f.quickAck {
		s.ConnCallback = func(_ ssh.Context, c net.Conn) net.Conn { return quickAckConn{c} }
	}
}

// ed25519HostKey reads the OpenSSH private key at path, or makes one there.
func ed25519HostKey(path string) (gossh.Signer, error) {
	if pem, err := os.ReadFile(path); err == nil {
		return gossh.ParsePrivateKey(pem)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	block, err := gossh.MarshalPrivateKey(key, "sshblog-bench")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, err
	}
	return gossh.NewSignerFromKey(key)
}

// run serves srv until a signal or --max-time.
func (f *serverFlags) run(name string, srv *ssh.Server) error {
	ln, err := net.Listen("tcp", f.addr)
	if err != nil {
		return err
	}
	if f.httpAddr != "" {
		hl, err := net.Listen("tcp", f.httpAddr)
		if err != nil {
			return err
		}
		mux := http.NewServeMux()
		mux.HandleFunc("/metrics", func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprintf(w, "go_goroutines %d\n", runtime.NumGoroutine())
		})
		go (&http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}).Serve(hl)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(os.Stderr, "sshblog-bench %s: serving on %s (pid %d)\n", name, ln.Addr(), os.Getpid())
	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	case <-time.After(f.maxTime):
		fmt.Fprintf(os.Stderr, "sshblog-bench %s: --max-time %s reached: stopping\n", name, f.maxTime)
	}
	srv.Close()
	if err := <-served; err != nil && !errors.Is(err, ssh.ErrServerClosed) {
		return err
	}
	return nil
}

// floorFrame is one screen like the app's home list: what a server that
// does nothing else can show at the earliest.
var floorFrame = strings.Join([]string{
	"\x1b[?1049h\x1b[?25l\x1b[H\x1b[2J",
	"\r\n  \x1b[1msshblog\x1b[0m · 1 post\r\n\r\n",
	"  \x1b[1;35m│ Welcome to sshblog\x1b[0m\r\n",
	"  \x1b[35m│ A blog you read with ssh: what sshblog is, why it exists, and how to find your way around.\x1b[0m\r\n",
	"  \x1b[35m│ 2026-11-20 · sshblog terminal\x1b[0m\r\n",
	"\x1b[30;1H  \x1b[2m↑/↓ move · enter read · / filter · t tags · ? help · q quit\x1b[0m",
}, "")

func serveFloor(fs *flag.FlagSet, args []string) error {
	var f serverFlags
	f.register(fs)
	framePath := fs.String("frame", "", "`FILE` whose bytes are the one frame (sshblog-bench capture saves sshblog's); default: a short home list")
	if err := parse(fs, args); err != nil {
		return err
	}
	frame := floorFrame
	if *framePath != "" {
		b, err := os.ReadFile(*framePath)
		if err != nil {
			return fmt.Errorf("--frame: %w", err)
		}
		if len(b) == 0 {
			return usageError(fmt.Sprintf("--frame %s: the file is empty; capture a frame into it first (sshblog-bench capture)", *framePath))
		}
		frame = string(b)
	}
	return f.serveBare("serve-floor", func(s ssh.Session) {
		if _, _, ok := s.Pty(); !ok {
			io.WriteString(s.Stderr(), "serve-floor: this server only draws to a PTY (ssh -t)\n")
			s.Exit(1)
			return
		}
		io.WriteString(s, frame)
		buf := make([]byte, 512)
		for {
			n, err := s.Read(buf)
			if err != nil {
				return
			}
			if bytes.ContainsAny(buf[:n], "\x03q") {
				io.WriteString(s, "\x1b[?1049l\x1b[?25h")
				s.Exit(0)
				return
			}
		}
	})
}

// minimalModel is the smallest Bubble Tea program worth measuring: one
// short line on the alt screen, quit on q or ctrl+c.
type minimalModel struct{}

func (minimalModel) Init() tea.Cmd { return nil }

func (m minimalModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok {
		switch k.String() {
		case "q", "ctrl+c":
			return m, tea.Quit
		}
	}
	return m, nil
}

func (minimalModel) View() tea.View {
	v := tea.NewView("Welcome to sshblog")
	v.AltScreen = true
	return v
}

func serveMinimal(fs *flag.FlagSet, args []string) error {
	var f serverFlags
	f.register(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	return f.serve("serve-minimal", bm.Middleware(func(ssh.Session) (tea.Model, []tea.ProgramOption) {
		return minimalModel{}, nil
	}))
}
