package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/sshtest"
	"github.com/sshblog/sshblog/internal/web"
)

// SIGHUP killed the server at once (status 129), dropping every reader; it
// now reloads the posts, and embedded posts have nothing to reload.
func TestSIGHUPKeepsReaders(t *testing.T) {
	p := startProcess(t)
	tm := sshtest.Open(t, p.addr, 100, 30, sshtest.TermOptions{})
	tm.WaitFor("Welcome to sshblog")
	p.cmd.Process.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(p.logs.String(), "the posts are embedded") {
		if time.Now().After(deadline) {
			t.Fatalf("no log line for SIGHUP:\n%s", p.logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	select {
	case err := <-p.done:
		t.Fatalf("the server exited on SIGHUP: %v", err)
	default:
	}
	// The reader is still served, and so is a new one.
	tm.Type("?")
	tm.WaitFor("close help")
	sshtest.Open(t, p.addr, 80, 24, sshtest.TermOptions{}).WaitFor("Welcome to sshblog")
}

// A second signal means "now": an operator who presses ctrl+c twice does
// not wait out the grace period. Each reader's terminal is still restored
// first and told why.
func TestSecondSignalRestoresReadersTerminals(t *testing.T) {
	p := startProcess(t, "SSHBLOG_SHUTDOWN_GRACE=60s")
	tm := sshtest.Open(t, p.addr, 100, 30, sshtest.TermOptions{})
	tm.WaitFor("Welcome to sshblog")
	p.cmd.Process.Signal(syscall.SIGTERM)
	tm.WaitFor("restarting")
	p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case err := <-p.done:
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("exit after a second signal: %v, want status 1", err)
		}
		p.done <- err
	case <-time.After(10 * time.Second):
		t.Fatal("server still running 10s after a second signal")
	}
	tm.WaitExit()
	raw := string(tm.Raw())
	end := raw[strings.LastIndex(raw, "\x1b[?1049h")+1:]
	for _, want := range []string{"\x1b[?1049l", "\x1b[?25h", "\x1b[?1002l", "\x1b[?2004l", "\x1b[23;0t", "This server is stopping"} {
		if !strings.Contains(end, want) {
			t.Errorf("after the second signal the reader never got %q", want)
		}
	}
}

// Keep-alive connections to --http-addr were held forever, using the fds
// SSH needs: idle ones are closed.
func TestHTTPIdleConnectionsAreClosed(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := web.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) }))
	srv.IdleTimeout = 200 * time.Millisecond // a minute in the server
	go srv.Serve(ln)
	defer srv.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprintf(conn, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	// Now idle: the server closes the connection after its idle timeout.
	start := time.Now()
	if _, err := conn.Read(make([]byte, 1)); err == nil || time.Since(start) > 3*time.Second {
		t.Fatalf("idle keep-alive connection still open after %s (err %v)", time.Since(start), err)
	}
	// A header larger than MaxHeaderBytes is refused.
	c2, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	fmt.Fprintf(c2, "GET / HTTP/1.1\r\nHost: x\r\nX: %s\r\n\r\n", strings.Repeat("a", 64<<10))
	c2.SetReadDeadline(time.Now().Add(5 * time.Second))
	resp, err = http.ReadResponse(bufio.NewReader(c2), nil)
	if err != nil || resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("64 KB header: %v %v, want 431", resp, err)
	}
}
