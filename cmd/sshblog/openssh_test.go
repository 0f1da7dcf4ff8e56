package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/sshtest"
)

// requireTools skips when a reader's tool is missing on a developer's
// machine, but fails in CI, where scripts/test.sh installs them.
func requireTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed: scripts/test.sh installs it", tool)
			}
			t.Skipf("%s is not installed (scripts/test.sh installs it)", tool)
		}
	}
}

// buildBinary builds sshblog once per test binary run.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "sshblog-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "sshblog")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// syncBuffer is a bytes.Buffer safe for the process writer and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serverProcess is sshblog running as its own process.
type serverProcess struct {
	cmd  *exec.Cmd
	addr string
	logs *syncBuffer
	done chan error
}

// startProcess runs the real binary on a loopback port and waits until it
// completes an SSH handshake.
func startProcess(t *testing.T, extraEnv ...string) *serverProcess {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	addr := sshtest.FreeAddr(t)
	p := &serverProcess{addr: addr, logs: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = append(os.Environ(),
		"SSHBLOG_ADDR="+addr,
		"SSHBLOG_HOST_KEY="+filepath.Join(t.TempDir(), "host_key"),
	)
	p.cmd.Env = append(p.cmd.Env, extraEnv...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() {
		p.cmd.Process.Kill()
		<-p.done
		if t.Failed() {
			t.Logf("server log:\n%s", p.logs.String())
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := handshake(ctx, addr)
		cancel()
		if err == nil {
			return p
		}
		if time.Now().After(deadline) {
			t.Fatalf("server at %s never answered: %v\nlog:\n%s", addr, err, p.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// tmuxSession runs a command in a detached tmux session on a private
// server socket and reads its screen back.
type tmuxSession struct {
	t      *testing.T
	socket string
}

func newTmux(t *testing.T, cols, rows int, command string) *tmuxSession {
	t.Helper()
	s := &tmuxSession{t: t, socket: filepath.Join(t.TempDir(), "tmux.sock")}
	s.run("-f", "/dev/null", "new-session", "-d", "-x", fmt.Sprint(cols), "-y", fmt.Sprint(rows), command)
	s.run("set-option", "-g", "remain-on-exit", "on")
	t.Cleanup(func() { exec.Command("tmux", "-S", s.socket, "kill-server").Run() })
	return s
}

func (s *tmuxSession) run(args ...string) string {
	s.t.Helper()
	cmd := exec.Command("tmux", append([]string{"-u", "-S", s.socket}, args...)...)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "TERM=xterm-256color")
	out, err := cmd.CombinedOutput()
	if err != nil {
		s.t.Fatalf("tmux %v: %v\n%s", args, err, out)
	}
	return string(out)
}

func (s *tmuxSession) screen() string { return s.run("capture-pane", "-p") }

func (s *tmuxSession) waitFor(texts ...string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		screen := s.screen()
		ok := true
		for _, text := range texts {
			ok = ok && strings.Contains(screen, text)
		}
		if ok {
			return screen
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %q; screen:\n%s", texts, screen)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *tmuxSession) waitGone(text string) {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for strings.Contains(s.screen(), text) {
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %q to go; screen:\n%s", text, s.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitExit waits for the pane's command to end and returns its exit status.
func (s *tmuxSession) waitExit() string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	deadSince := time.Now()
	for {
		// tmux sometimes marks the pane dead without recording a status:
		// wait a moment for one, then report it as unknown ("").
		dead, status, _ := strings.Cut(strings.TrimSpace(s.run("list-panes", "-F", "#{pane_dead} #{pane_dead_status}")), " ")
		if dead == "1" {
			if status != "" || time.Since(deadSince) > time.Second {
				return status
			}
		} else {
			deadSince = time.Now()
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("ssh still running; screen:\n%s", s.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *tmuxSession) keys(keys ...string) { s.run(append([]string{"send-keys"}, keys...)...) }

// A newcomer's path: OpenSSH's ssh, in a real terminal (tmux), reads the
// seed post from the real binary, then the server stops cleanly on SIGTERM.
func TestOpenSSHReadsSeedPostInTmux(t *testing.T) {
	requireTools(t, "ssh", "tmux")
	p := startProcess(t)
	host, port, _ := strings.Cut(p.addr, ":")
	ssh := fmt.Sprintf("ssh -p %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes reader@%s", port, host)
	tm := newTmux(t, 100, 30, ssh)

	tm.waitFor("sshblog ·", "posts")
	tm.keys("/")
	tm.keys("-l", "aws in action")
	tm.waitGone("Welcome to sshblog") // the filter has applied
	tm.keys("Enter")                  // leave the filter line
	tm.keys("Enter")                  // open the selected post
	tm.waitFor("장별 요약", "한빛출판사의")
	tm.keys("q") // back to the filtered list
	tm.waitGone("장별 요약")
	tm.keys("Escape") // clear the filter
	tm.waitFor("Welcome to sshblog")
	tm.keys("q")
	if status := tm.waitExit(); status != "0" && status != "" {
		t.Errorf("ssh exited with status %s, want 0", status)
	}

	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("server exited with %v after SIGTERM\n%s", err, p.logs.String())
		}
		p.done <- err // for the cleanup
	case <-time.After(15 * time.Second):
		t.Fatal("server did not exit after SIGTERM")
	}
	if !strings.Contains(p.logs.String(), "session ended") {
		t.Errorf("server log has no session line:\n%s", p.logs.String())
	}
}

func TestSIGTERMShowsNoticeThenExits(t *testing.T) {
	httpAddr := sshtest.FreeAddr(t)
	p := startProcess(t, "SSHBLOG_SHUTDOWN_GRACE=2s", "SSHBLOG_HTTP_ADDR="+httpAddr)
	tm := sshtest.Open(t, p.addr, 100, 30, sshtest.TermOptions{})
	tm.WaitFor("Welcome to sshblog")
	if code := httpStatus(t, "http://"+httpAddr+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d before SIGTERM, want 200", code)
	}

	start := time.Now()
	p.cmd.Process.Signal(syscall.SIGTERM)
	tm.WaitFor("restarting")
	// The reader is still connected: the load balancer is told to drain.
	if code := httpStatus(t, "http://"+httpAddr+"/readyz"); code != 503 {
		t.Errorf("/readyz = %d during the shutdown, want 503", code)
	}
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", err, p.logs.String())
		}
		p.done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("server still running 10s after SIGTERM with a 2s grace period")
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("shutdown took %s with a 2s grace period", took)
	}
	tm.WaitExit()
	// The new connection is refused: the listener is closed.
	if _, err := handshake(context.Background(), p.addr); err == nil {
		t.Error("server still accepts connections after exiting")
	}
}

func httpStatus(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
