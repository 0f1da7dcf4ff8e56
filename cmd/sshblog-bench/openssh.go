package main

import (
	"flag"
	"fmt"
	"net"
	"strings"
	"time"
)

// opensshFirstFrame times OpenSSH's client: from starting ssh in a real
// PTY to the title on the screen of a terminal emulator fed by that PTY
// (which answers the app's queries, as the reader's terminal would).
func opensshFirstFrame(fs *flag.FlagSet, args []string) error {
	var (
		out              output
		addr, user, key  string
		sshBin, quitKeys string
		n, warmup        int
		cols, rows       int
		title            string
		timeout          time.Duration
		extra            string
		measure          string
	)
	out.register(fs, "sshblog")
	fs.StringVar(&addr, "addr", "127.0.0.1:23234", "server `ADDRESS`")
	fs.StringVar(&user, "user", "bench", "SSH user name")
	fs.StringVar(&key, "key", "", "identity `FILE` (ssh -i); default: none")
	fs.StringVar(&sshBin, "ssh", "ssh", "OpenSSH client to run")
	fs.StringVar(&extra, "ssh-options", "", "more ssh arguments, space-separated")
	fs.StringVar(&quitKeys, "quit", "\x03", "keys typed once the title is on screen (ssh is stopped 2s later if still running)")
	fs.IntVar(&n, "n", 30, "connections to measure")
	fs.IntVar(&warmup, "warmup", 2, "connections made first and not counted")
	fs.IntVar(&cols, "cols", 100, "window width")
	fs.IntVar(&rows, "rows", 30, "window height")
	fs.StringVar(&title, "title", "Welcome to sshblog", "text that marks the first frame")
	fs.DurationVar(&timeout, "timeout", 15*time.Second, "give up on one connection after this long")
	fs.StringVar(&measure, "measure", "openssh", "name of the measure in the results")
	if err := parse(fs, args); err != nil {
		return err
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usageError(fmt.Sprintf("--addr %q: %v", addr, err))
	}
	sshArgs := []string{"-tt", "-F", "/dev/null", "-p", port,
		"-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
		"-o", "LogLevel=ERROR", "-o", "BatchMode=yes"}
	if key != "" {
		sshArgs = append(sshArgs, "-i", key, "-o", "IdentitiesOnly=yes")
	}
	sshArgs = append(sshArgs, strings.Fields(extra)...)
	sshArgs = append(sshArgs, user+"@"+host)

	var frames []time.Duration
	for i := -warmup; i < n; i++ {
		d, err := measureOpenSSH(sshBin, sshArgs, cols, rows, title, quitKeys, timeout)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		if i >= 0 {
			frames = append(frames, d)
		}
	}
	out.durations(measure, frames, fmt.Sprintf("%s -tt, real PTY %dx%d", sshBin, cols, rows))
	return out.flush(fmt.Sprintf("first frame with OpenSSH's client, %s", addr))
}
