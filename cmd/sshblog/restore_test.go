package main

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Issue 13: however a session ends, the reader's terminal is left as it
// was found: main screen, cursor shown, no mouse mode, the window title
// popped back, and a line on the main screen saying why when the server
// ended it. Read back from a real terminal (tmux) running OpenSSH's ssh.
func TestTerminalRestoredAfterEveryEnd(t *testing.T) {
	requireTools(t, "ssh", "tmux")

	cases := []struct {
		name   string
		env    []string
		end    func(t *testing.T, p *serverProcess, tm *tmuxSession)
		reason string // the line on the main screen; "" for none
	}{
		{
			name: "quit with q",
			end: func(t *testing.T, p *serverProcess, tm *tmuxSession) {
				tm.keys("q") // back to the list
				tm.waitModes("1 0 0")
				tm.keys("q")
			},
		},
		{
			name: "ctrl+c",
			end:  func(t *testing.T, p *serverProcess, tm *tmuxSession) { tm.keys("C-c") },
		},
		{
			name:   "idle timeout",
			env:    []string{"SSHBLOG_IDLE_TIMEOUT=2s"},
			end:    func(t *testing.T, p *serverProcess, tm *tmuxSession) {}, // no key: wait
			reason: "Closed after 2 seconds without a key.",
		},
		{
			name: "max session time",
			env:  []string{"SSHBLOG_MAX_SESSION_TIME=3s"},
			end: func(t *testing.T, p *serverProcess, tm *tmuxSession) {
				// Keep typing, so that it is the session's length that
				// ends it, not idleness.
				deadline := time.Now().Add(15 * time.Second)
				for !strings.Contains(tm.screen(), "SSH-EXITED") {
					if time.Now().After(deadline) {
						t.Fatalf("the session outlived a 3s limit by 12s; screen:\n%s", tm.screen())
					}
					tm.keys("j")
					time.Sleep(300 * time.Millisecond)
				}
			},
			reason: "Closed: a session lasts at most 3 seconds.",
		},
		{
			name: "SIGTERM, grace period over",
			env:  []string{"SSHBLOG_SHUTDOWN_GRACE=1s"},
			end: func(t *testing.T, p *serverProcess, tm *tmuxSession) {
				p.cmd.Process.Signal(syscall.SIGTERM)
				waitServerExit(t, p)
			},
			reason: "This server is restarting: please reconnect in a moment.",
		},
		{
			name: "second signal",
			env:  []string{"SSHBLOG_SHUTDOWN_GRACE=60s"},
			end: func(t *testing.T, p *serverProcess, tm *tmuxSession) {
				p.cmd.Process.Signal(syscall.SIGTERM)
				tm.waitFor("restarting") // the notice: the first signal is handled
				p.cmd.Process.Signal(syscall.SIGINT)
				waitServerExit(t, p)
			},
			reason: "This server is stopping: please reconnect in a moment.",
		},
	}

	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := startProcess(t, c.env...)
			host, port, _ := strings.Cut(p.addr, ":")
			ssh := fmt.Sprintf("ssh -p %s -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o BatchMode=yes reader@%s", port, host)
			// The pane outlives ssh, so its state afterwards can be read;
			// the title is set first to something known.
			tm := newTmux(t, 100, 30, `sh -c 'printf "\033]2;before\007"; `+ssh+`; echo SSH-EXITED $?; sleep 30'`)

			tm.waitFor("sshblog ·")
			// Open a post: the reader's screen turns the mouse on, so
			// that every mode the server sets is on when the session ends.
			tm.keys("Enter")
			during := tm.waitModes("1 0 1")
			title := tm.title()
			if title == "before" {
				t.Errorf("during the session the pane title is still %q: the test cannot tell a restored title", title)
			}
			t.Logf("during the session: modes %q, title %q", during, title)

			start := time.Now()
			c.end(t, p, tm)
			screen := tm.waitFor("SSH-EXITED")
			t.Logf("ssh ended %s after the end began; screen:\n%s", time.Since(start).Round(10*time.Millisecond), strings.TrimRight(screen, "\n "))

			if got := tm.modes(); got != "0 1 0" {
				t.Errorf("after the session #{alternate_on} #{cursor_flag} #{mouse_any_flag} = %q, want \"0 1 0\"", got)
			}
			// tmux (3.3a here) keeps the title stack: the server's pop
			// brings back the reader's own title.
			if got := tm.title(); got != "before" {
				t.Errorf("after the session the pane title is %q, want %q (the title before ssh)", got, "before")
			}
			if strings.Contains(screen, "sshblog ·") {
				t.Errorf("the app's screen is left on the main screen:\n%s", screen)
			}
			lines := strings.Split(screen, "\n")
			if c.reason != "" {
				found := false
				for _, line := range lines {
					found = found || strings.TrimRight(line, " ") == c.reason
				}
				if !found {
					t.Errorf("no line %q on the main screen:\n%s", c.reason, screen)
				}
			} else {
				for _, line := range lines {
					if strings.HasPrefix(line, "Closed") || strings.Contains(line, "This server is") {
						t.Errorf("a reason %q on the main screen after the reader quit", line)
					}
				}
			}
		})
	}
}

// modes is the pane's alternate screen, cursor and mouse state.
func (s *tmuxSession) modes() string {
	return strings.TrimSpace(s.run("display-message", "-p", "#{alternate_on} #{cursor_flag} #{mouse_any_flag}"))
}

// waitModes waits for modes to be want, and returns them.
func (s *tmuxSession) waitModes(want string) string {
	s.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := s.modes()
		if got == want {
			return got
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for #{alternate_on} #{cursor_flag} #{mouse_any_flag} = %q, have %q; screen:\n%s", want, got, s.screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *tmuxSession) title() string {
	return strings.TrimSpace(s.run("display-message", "-p", "#{pane_title}"))
}

// waitServerExit waits (bounded) for the server process to exit and puts
// the result back for startProcess's cleanup.
func waitServerExit(t *testing.T, p *serverProcess) {
	t.Helper()
	select {
	case err := <-p.done:
		t.Logf("server exited: %v", err)
		p.done <- err
	case <-time.After(15 * time.Second):
		t.Fatalf("server still running 15s after the signal\n%s", p.logs.String())
	}
}
