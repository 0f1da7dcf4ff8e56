package main

import (
	"errors"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/sshtest"
)

// SIGHUP killed the server at once (status 129), dropping every reader; it
// is now logged and ignored.
func TestSIGHUPKeepsReaders(t *testing.T) {
	p := startProcess(t)
	tm := sshtest.Open(t, p.addr, 100, 30, sshtest.TermOptions{})
	tm.WaitFor("Welcome to sshblog")
	p.cmd.Process.Signal(syscall.SIGHUP)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(p.logs.String(), "SIGHUP ignored") {
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

// A second signal exits at once, but each reader's terminal is restored
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
