package main

import (
	"flag"
	"fmt"
	"io"
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

// capture saves the bytes a server sends up to and including its first
// frame (the title, then no more output for a moment), so that the floor
// can send exactly the same screen: the first-frame comparison is then of
// the servers, not of how much a terminal has to draw.
func capture(fs *flag.FlagSet, args []string) error {
	var (
		c     clientFlags
		title string
		path  string
		quiet time.Duration
	)
	c.register(fs)
	fs.StringVar(&title, "title", "Welcome to sshblog", "text that marks the first frame")
	fs.StringVar(&path, "out", "", "`FILE` to write the frame to (required)")
	fs.DurationVar(&quiet, "quiet", 300*time.Millisecond, "the frame is over after no output for this long")
	if err := parse(fs, args); err != nil {
		return err
	}
	if path == "" {
		return usageError("capture: --out FILE is required")
	}
	if err := c.load(); err != nil {
		return err
	}
	scr := newScreen(c.cols, c.rows)
	scr.watchStream(title)
	scr.record()
	cn, err := dialPTY(&c, c.cols, c.rows, scr, time.Now())
	if err != nil {
		return err
	}
	defer cn.close()
	scr.answer(io.Discard) // the frame as a terminal gets it, before any reply
	defer scr.stop()
	if _, err := scr.waitAppeared(title, c.timeout); err != nil {
		return err
	}
	for n := scr.writeCount(); ; {
		if _, err := scr.waitWrite(n, quiet); err != nil {
			break // quiet: the frame is complete
		}
		n = scr.writeCount()
	}
	frame := scr.recorded()
	if err := os.WriteFile(path, frame, 0o644); err != nil {
		return err
	}
	fmt.Printf("captured %d bytes of %s's first frame at %dx%d into %s\n", len(frame), c.addr, c.cols, c.rows, path)
	return nil
}
