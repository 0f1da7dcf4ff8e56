package main

import (
	"flag"
	"fmt"
	"os"
	"time"
)

// firstFrame times, for n connections one after another, the SSH handshake
// and the time from starting to dial to the title on the screen of a
// terminal emulator that answers the app's queries as a terminal would.
func firstFrame(fs *flag.FlagSet, args []string) error {
	var (
		c      clientFlags
		out    output
		n      int
		warmup int
		title  string
	)
	c.register(fs)
	out.register(fs, "sshblog")
	fs.IntVar(&n, "n", 30, "connections to measure")
	fs.IntVar(&warmup, "warmup", 2, "connections made first and not counted")
	fs.StringVar(&title, "title", "Welcome to sshblog", "text that marks the first frame")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.load(); err != nil {
		return err
	}
	var handshakes, frames []time.Duration
	for i := -warmup; i < n; i++ {
		hs, ff, err := measureFirstFrame(&c, title)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		if i >= 0 {
			handshakes = append(handshakes, hs)
			frames = append(frames, ff)
		}
		time.Sleep(5 * time.Millisecond) // let the server finish the last session
	}
	note := fmt.Sprintf("x/crypto client, %dx%d", c.cols, c.rows)
	out.durations("handshake", handshakes, note)
	out.durations("firstframe", frames, note)
	return out.flush(fmt.Sprintf("first frame, %s", c.addr))
}

func measureFirstFrame(c *clientFlags, title string) (handshake, frame time.Duration, err error) {
	scr := newScreen(c.cols, c.rows)
	scr.watchStream(title)
	start := time.Now()
	cn, err := dialPTY(c, c.cols, c.rows, scr, start)
	if err != nil {
		return 0, 0, err
	}
	defer cn.close()
	scr.answer(cn.stdin)
	defer scr.stop()
	seen, err := scr.waitAppeared(title, c.timeout)
	if err != nil {
		return 0, 0, err
	}
	if !cn.quit(2 * time.Second) {
		fmt.Fprintf(os.Stderr, "note: session at %s did not end within 2s of ctrl+c\n", c.addr)
	}
	return cn.handshake, seen.Sub(start), nil
}
