package server_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/sshblog/sshblog/internal/sshtest"
)

// TERM=dumb gets the blog line by line, and not one escape sequence.
func TestDumbTerminalGetsPlainMode(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{Term: "dumb"})
	tm.WaitFor("Read which post?")
	tm.Type("1\r")
	// The post is longer than the window: look for its text in all that
	// came, not on the screen, where it may have scrolled off already.
	tm.WaitUntil("the first post's text", func(string) bool {
		return strings.Contains(string(tm.Raw()), "Why read a blog over SSH?")
	})
	tm.WaitFor("Read which post?")
	tm.Type("aws-in-action\r")
	tm.WaitUntil("the post's text", func(string) bool { return strings.Contains(string(tm.Raw()), "장별 요약") })
	tm.WaitFor("Read which post?")
	tm.Type("nope\r")
	tm.WaitFor(`No post "nope"`)
	tm.Type("q\r")
	if status := tm.WaitExit(); status != 0 {
		t.Errorf("exit status %d, want 0", status)
	}
	if raw := tm.Raw(); bytes.ContainsRune(raw, 0x1b) {
		i := bytes.IndexByte(raw, 0x1b)
		t.Errorf("escape sequence sent to a dumb terminal: %q", raw[max(0, i-20):min(len(raw), i+20)])
	}
}

// A deep link on a dumb terminal prints its post first.
func TestDumbTerminalDeepLink(t *testing.T) {
	addr, _ := startServer(t)
	tm := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{Term: "dumb", Command: "aws-in-action"})
	tm.WaitUntil("the post's text", func(string) bool { return strings.Contains(string(tm.Raw()), "장별 요약") })
	tm.WaitFor("Read which post?")
	tm.Type("q\r")
	tm.WaitExit()
}

// ssh -T HOST with input: the list, then the post asked for, as plain
// text; the prompt goes to stderr.
func TestNoPTYShellReadsPostsFromInput(t *testing.T) {
	addr, _ := startServer(t)
	c := sshtest.Dial(t, addr)
	sess, err := c.NewSession()
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	sess.Stdin = strings.NewReader("aws-in-action\nq\n")
	if err := sess.Shell(); err != nil {
		t.Fatal(err)
	}
	if err := sess.Wait(); err != nil {
		t.Fatalf("exit: %v\nstderr: %s", err, stderr.String())
	}
	out := stdout.String()
	if !strings.Contains(out, "aws-in-action") || !strings.Contains(out, "장별 요약") {
		t.Errorf("stdout lacks the list or the post:\n%s", out)
	}
	if strings.Contains(out, "\x1b") || strings.Contains(out, "Read which post?") {
		t.Errorf("stdout has escapes or the prompt")
	}
	if !strings.Contains(stderr.String(), "Read which post?") {
		t.Errorf("no prompt on stderr: %q", stderr.String())
	}
}
