package server_test

import (
	"strings"
	"testing"

	"github.com/sshblog/sshblog/internal/sshtest"
)

// "/AWS" and enter twice in one write at the first frame, as a reader's
// keys arrive over a slow link: the filter's matches were computed
// asynchronously, and another post opened in 12 of 60 runs.
func TestFastTypingOpensTheRightPost(t *testing.T) {
	addr, _ := startServer(t)
	runs := 200
	if testing.Short() {
		runs = 40
	}
	for i := 0; i < runs; {
		c := sshtest.Dial(t, addr)
		for j := 0; j < 10 && i < runs; j, i = j+1, i+1 {
			tm := sshtest.OpenOn(t, c, 100, 30, sshtest.TermOptions{})
			tm.WaitFor("sshblog ·", "posts")
			tm.Type("/AWS\r\r")
			screen := tm.WaitUntil("a post open", func(s string) bool { return strings.Contains(s, "min read") })
			if first, _, _ := strings.Cut(strings.TrimSpace(screen), "\n"); !strings.Contains(first, "AWS in action 리뷰") {
				t.Fatalf("run %d opened another post:\n%s", i, screen)
			}
			tm.Type("\x03") // ctrl+c quits
			tm.WaitExit()
		}
		c.Close()
	}
}
