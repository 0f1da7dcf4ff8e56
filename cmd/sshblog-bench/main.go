// Command sshblog-bench measures an SSH blog from a separate process, as
// readers experience it, and serves the baselines it is compared with.
//
//	sshblog-bench firstframe --addr 127.0.0.1:23234 -n 30
//	sshblog-bench open --addr 127.0.0.1:23234 -n 30
//	sshblog-bench serve-floor --addr 127.0.0.1:24000 --host-key /tmp/k
//
// Every measuring command prints the median and p90 of what it measured;
// with --out FILE it also appends them to FILE as JSON lines, which the
// table command turns into the comparison table scripts/bench.sh prints.
// Run "sshblog-bench help" for the commands.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

type command struct {
	name    string
	summary string
	run     func(fs *flag.FlagSet, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"serve-floor", "the barest server of the stack (charm.land/ssh, no wish): writes one frame as soon as the shell opens", serveFloor},
		{"serve-minimal", "a minimal wish + Bubble Tea program (default options): the per-session memory baseline", serveMinimal},
		{"firstframe", "x/crypto client: dial to the title on screen, and the handshake", firstFrame},
		{"capture", "save a server's first frame, as sent, for serve-floor --frame", capture},
		{"openssh-firstframe", "OpenSSH's ssh in a real PTY: start of ssh to the title on screen", opensshFirstFrame},
		{"open", "enter to the post's text on screen (cached, or uncached with a placeholder)", openPost},
		{"idle", "hold N idle PTY sessions; the server's RSS and CPU from /proc", idle},
		{"filter", "one keystroke of the list filter -> its matches on screen", filterKey},
		{"rate", "complete sessions per second: connect, first frame, ctrl+c, close", rate},
		{"startup", "start a server binary and time it until it completes an SSH handshake", startup},
		{"wait-ready", "wait until a server answers with an SSH banner", waitReady},
		{"free-ports", "print free loopback ports", freePorts},
		{"gen-posts", "write N small posts (and optionally one long post) into a folder", genPosts},
		{"table", "print the comparison table from the results of the other commands", table},
	}
}

func main() {
	args := os.Args[1:]
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(os.Stdout)
		return
	}
	name := args[0]
	if strings.HasPrefix(name, "-") {
		// The first version's interface: sshblog-bench -addr A -n 20 measured
		// the first frame and opening a post.
		name = "open"
	} else {
		args = args[1:]
	}
	for _, c := range commands {
		if c.name != name {
			continue
		}
		fs := flag.NewFlagSet("sshblog-bench "+c.name, flag.ExitOnError)
		if err := c.run(fs, args); err != nil {
			var ue usageError
			if errors.As(err, &ue) {
				fmt.Fprintf(os.Stderr, "sshblog-bench %s: %v\n", c.name, err)
				os.Exit(2)
			}
			fmt.Fprintf(os.Stderr, "sshblog-bench %s: %v\n", c.name, err)
			os.Exit(1)
		}
		return
	}
	fmt.Fprintf(os.Stderr, "sshblog-bench: unknown command %q\n\n", name)
	usage(os.Stderr)
	os.Exit(2)
}

type usageError string

func (e usageError) Error() string { return string(e) }

func usage(w io.Writer) {
	fmt.Fprintf(w, "sshblog-bench measures an SSH blog over SSH, from a separate process.\n\nUsage: sshblog-bench COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-19s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'sshblog-bench COMMAND -h' for a command's flags; scripts/bench.sh runs them all.\n")
}

// parse parses a command's flags and refuses stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	return nil
}
