// Command sshblog serves a blog over SSH.
//
//	sshblog [serve] [flags]   start the server (the default)
//	sshblog check [flags]     load the posts and report every problem
//	sshblog healthcheck       complete an SSH handshake with the local server
//	sshblog fingerprint       print the host key's fingerprint
//	sshblog version           print the version
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	_ "time/tzdata" // readers' TZ names work on hosts without zoneinfo
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version or VCS revision is used.
var version = ""

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.LookupEnv))
}

// command is one subcommand: its flags and what it does once they parsed.
type command struct {
	name    string
	summary string
	flags   func(fs *flag.FlagSet) func(ctx context.Context, stdout, stderr io.Writer) error
}

var commands = []command{
	{"serve", "start the SSH server (the default)", serveFlags},
	{"check", "load the posts and print every problem", checkFlags},
	{"healthcheck", "complete an SSH handshake with the local server", healthcheckFlags},
	{"fingerprint", "print the host key's SHA256 fingerprint", fingerprintFlags},
	{"version", "print the version", versionFlags},
}

// run is main without the process: it returns the exit status (0 success,
// 1 failure, 2 usage error).
func run(args []string, stdout, stderr io.Writer, lookupEnv func(string) (string, bool)) int {
	name := "serve"
	if len(args) > 0 && !isFlag(args[0]) {
		name, args = args[0], args[1:]
	}
	if name == "help" {
		usage(stdout, nil)
		return 0
	}
	var cmd *command
	for i := range commands {
		if commands[i].name == name {
			cmd = &commands[i]
		}
	}
	if cmd == nil {
		fmt.Fprintf(stderr, "sshblog: unknown command %q\n\n", name)
		usage(stderr, nil)
		return 2
	}
	fs := flag.NewFlagSet("sshblog "+cmd.name, flag.ContinueOnError)
	action := cmd.flags(fs)
	if err := parseFlags(fs, args, lookupEnv); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			if cmd.name == "serve" {
				usage(stdout, nil) // the commands, then serve's flags
			} else {
				usage(stdout, fs)
			}
			return 0
		}
		fmt.Fprintf(stderr, "sshblog %s: %v\nRun 'sshblog %s --help' for the flags.\n", cmd.name, err, cmd.name)
		return 2
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := action(ctx, stdout, stderr); err != nil {
		var ue usageError
		if errors.As(err, &ue) {
			fmt.Fprintf(stderr, "sshblog %s: %v\n", cmd.name, err)
			return 2
		}
		if !errors.Is(err, errReported) {
			fmt.Fprintf(stderr, "sshblog %s: %v\n", cmd.name, err)
		}
		return 1
	}
	return 0
}

// errReported is returned by commands that already printed why they failed.
var errReported = errors.New("failed")

func isFlag(arg string) bool { return len(arg) > 1 && arg[0] == '-' }

func usage(w io.Writer, fs *flag.FlagSet) {
	if fs != nil {
		fmt.Fprintf(w, "Usage: %s [flags]\n\nFlags (each can also be set by its environment variable; flags win):\n", fs.Name())
		printFlags(w, fs)
		return
	}
	fmt.Fprintf(w, "sshblog serves a blog over SSH.\n\nUsage: sshblog [command] [flags]\n\nCommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nRun 'sshblog COMMAND --help' for a command's flags.\n\nFlags of serve:\n")
	serve := flag.NewFlagSet("serve", flag.ContinueOnError)
	serveFlags(serve)
	printFlags(w, serve)
}

func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			return "devel-" + s.Value[:12]
		}
	}
	return "devel"
}

func versionFlags(*flag.FlagSet) func(context.Context, io.Writer, io.Writer) error {
	return func(_ context.Context, stdout, _ io.Writer) error {
		fmt.Fprintf(stdout, "sshblog %s\n", versionString())
		return nil
	}
}
