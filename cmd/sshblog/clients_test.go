package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

var updateClients = flag.Bool("update", false, "rewrite testdata/clients.md with the results and this machine's client versions")

// clientTimeout bounds every process the client test starts.
const clientTimeout = 20 * time.Second

// clientsGolden is the compatibility table README.md shows.
const clientsGolden = "testdata/clients.md"

// The columns of the compatibility table, after Client and Version.
var clientColumns = []string{"Host key, no prompt", "`ls`", "`read aws-in-action`", "unknown command", "app in a PTY, then `q`"}

// sshClientSpec is one SSH client as the test drives it.
type sshClientSpec struct {
	name     string // in the table
	noPrompt string // how it takes the host key without asking
	tool     string // the executable; empty for a Python module
	module   string // the Python module, run by testdata/clients/MODULE_client.py
	// version runs the client's version option; versionRE's first group
	// is the version.
	version   []string
	versionRE *regexp.Regexp
	// exec is the command line that runs a command without a PTY, app the
	// one that opens the app in a PTY (in tmux; a Python client's script
	// asks for the PTY itself).
	exec, app func(args ...string) []string
}

// clientRow is one row of the table.
type clientRow struct {
	name, version string
	cells         []string // clientColumns
}

// Each SSH client Debian packages (and scripts/test.sh installs) connects
// to the real binary without a prompt, runs commands without a PTY and the
// app in one. The results are the README's compatibility table.
func TestClients(t *testing.T) {
	// Each client opens four connections in a second or so: more than the
	// default burst.
	p := startProcess(t, "SSHBLOG_CONN_BURST=100")
	host, port, _ := strings.Cut(p.addr, ":")
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	fingerprint, err := handshake(ctx, p.addr) // server.Fingerprint of its key
	cancel()
	if err != nil {
		t.Fatal(err)
	}
	user := "reader@" + host
	clients := []sshClientSpec{
		{
			name:      "OpenSSH `ssh`",
			noPrompt:  "`-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null`",
			tool:      "ssh",
			version:   []string{"ssh", "-V"},
			versionRE: regexp.MustCompile(`OpenSSH_([^\s,]+)`),
			exec: func(args ...string) []string {
				return append([]string{"ssh", "-T", "-F", "/dev/null", "-p", port, "-o", "StrictHostKeyChecking=no",
					"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", user}, args...)
			},
			app: func(...string) []string {
				return []string{"ssh", "-t", "-F", "/dev/null", "-p", port, "-o", "StrictHostKeyChecking=no",
					"-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", user}
			},
		},
		{
			name:      "PuTTY `plink`",
			noPrompt:  "`-batch -hostkey SHA256:...` (`sshblog fingerprint`)",
			tool:      "plink",
			version:   []string{"plink", "-V"},
			versionRE: regexp.MustCompile(`Release (\S+)`),
			exec: func(args ...string) []string {
				return append([]string{"plink", "-batch", "-noagent", "-T", "-P", port, "-hostkey", fingerprint, user}, args...)
			},
			app: func(...string) []string {
				return []string{"plink", "-batch", "-noagent", "-t", "-P", port, "-hostkey", fingerprint, user}
			},
		},
		{
			name:      "Dropbear `dbclient`",
			noPrompt:  "`-y -y` (no check at all)",
			tool:      "dbclient",
			version:   []string{"dbclient", "-V"},
			versionRE: regexp.MustCompile(`Dropbear v(\S+)`),
			exec: func(args ...string) []string {
				return append([]string{"dbclient", "-y", "-y", "-T", "-p", port, user}, args...)
			},
			app: func(...string) []string {
				return []string{"dbclient", "-y", "-y", "-t", "-p", port, user}
			},
		},
		{
			name:      "asyncssh",
			noPrompt:  "`known_hosts=None`",
			module:    "asyncssh",
			versionRE: regexp.MustCompile(`asyncssh (\S+)`),
		},
		{
			name:      "paramiko",
			noPrompt:  "`Transport.auth_none` (takes any host key)",
			module:    "paramiko",
			versionRE: regexp.MustCompile(`paramiko (\S+)`),
		},
	}

	var rows []*clientRow
	for _, c := range clients {
		t.Run(strings.Fields(strings.Trim(c.name, "`"))[0], func(t *testing.T) {
			home := t.TempDir() // no user configuration, keys or known hosts
			if c.module != "" {
				py := requirePython(t, c.module)
				script, err := filepath.Abs(filepath.Join("testdata", "clients", c.module+"_client.py"))
				if err != nil {
					t.Fatal(err)
				}
				c.version = []string{py, script, "version"}
				c.exec = func(args ...string) []string {
					return append([]string{py, script, "exec", host, port}, args...)
				}
				c.app = func(...string) []string {
					return []string{py, script, "pty", host, port, appTitle}
				}
			} else {
				requireTools(t, c.tool, "tmux", "timeout")
			}
			row := &clientRow{name: c.name, cells: []string{c.noPrompt, "✗", "✗", "✗", "✗"}}
			rows = append(rows, row)
			row.version = clientVersion(t, home, c)

			r := runClient(t, home, c.exec("ls")...)
			if r.status == 0 && strings.Contains(r.stdout, "aws-in-action") {
				row.cells[1] = "✓ exit 0"
			} else {
				t.Errorf("ls: exit %d, want 0 and a list with aws-in-action\n%s", r.status, r)
			}

			r = runClient(t, home, c.exec("read", "aws-in-action")...)
			switch {
			case r.status != 0 || !strings.Contains(r.stdout, "AWS in action 리뷰"):
				t.Errorf("read aws-in-action: exit %d, want 0 and the title\n%s", r.status, r)
			case strings.Contains(r.stdout, "\x1b"):
				t.Errorf("read aws-in-action without a PTY wrote escape sequences:\n%q", r.stdout)
				row.cells[2] = "✗ escape sequences"
			default:
				row.cells[2] = "✓ plain text, exit 0"
			}

			r = runClient(t, home, c.exec("no-such-command")...)
			if r.status == 1 && strings.Contains(r.stdout+r.stderr, "unknown command") {
				row.cells[3] = "✓ message, exit 1"
			} else {
				t.Errorf("an unknown command: exit %d, want 1 and a message\n%s", r.status, r)
			}

			if c.module != "" {
				row.cells[4] = pythonApp(t, home, c)
			} else {
				row.cells[4] = tmuxApp(t, home, c)
			}
		})
	}

	table := clientsTable(rows)
	if *updateClients {
		if len(rows) < len(clients) {
			t.Fatalf("-update needs every client; %d of %d ran", len(rows), len(clients))
		}
		if err := os.WriteFile(clientsGolden, []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	golden, err := os.ReadFile(clientsGolden)
	if err != nil {
		t.Fatalf("%v (go test -run Clients -update ./cmd/sshblog writes it)", err)
	}
	want := parseClientsTable(string(golden))
	for _, row := range rows {
		w, ok := want[row.name]
		if !ok {
			t.Errorf("%s is not in %s: run with -update", row.name, clientsGolden)
			continue
		}
		if got := strings.Join(row.cells, " | "); got != strings.Join(w.cells, " | ") {
			t.Errorf("%s in %s (the README's table) says\n\t%s\nbut this run got\n\t%s", row.name, clientsGolden, strings.Join(w.cells, " | "), got)
		}
	}
	t.Logf("\n%s", table)
}

// clientResult is what a client printed and its exit status.
type clientResult struct {
	stdout, stderr string
	status         int
}

func (r clientResult) String() string {
	return fmt.Sprintf("stdout:\n%s\nstderr:\n%s", r.stdout, r.stderr)
}

// runClient runs a client without a terminal, stdin empty, HOME its own.
func runClient(t *testing.T, home string, argv ...string) clientResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, argv[0], argv[1:]...)
	cmd.Env = clientEnv(home)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := clientResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Errorf("%s: timed out after %s\n%s", argv[0], clientTimeout, r)
		r.status = -1
	case errors.As(err, &exit):
		r.status = exit.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", argv[0], err)
	}
	return r
}

func clientEnv(home string) []string {
	return append(os.Environ(), "HOME="+home, "LANG=C.UTF-8", "LC_ALL=C.UTF-8", "PYTHONWARNINGS=ignore", "PYTHONDONTWRITEBYTECODE=1")
}

// clientVersion is the version the client reports, or "?".
func clientVersion(t *testing.T, home string, c sshClientSpec) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.version[0], c.version[1:]...)
	cmd.Env = clientEnv(home)
	out, _ := cmd.CombinedOutput() // dbclient -V exits with 1
	m := c.versionRE.FindSubmatch(out)
	if m == nil {
		t.Errorf("%v printed no version:\n%s", c.version, out)
		return "?"
	}
	return string(m[1])
}

// requirePython returns a python3 that imports module: the one on PATH,
// or Debian's /usr/bin/python3, which the python3-* packages install into
// (a pyenv python3 on PATH does not see them).
func requirePython(t *testing.T, module string) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if _, err := exec.LookPath(py); err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
		cmd := exec.CommandContext(ctx, py, "-c", "import sys, "+module+"; print(sys.executable)")
		cmd.Env = append(os.Environ(), "PYTHONWARNINGS=ignore")
		out, err := cmd.Output()
		cancel()
		if err == nil {
			return strings.TrimSpace(string(out))
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("python3 cannot import %s: scripts/test.sh installs python3-%s", module, module)
	}
	t.Skipf("python3 cannot import %s (scripts/test.sh installs python3-%s)", module, module)
	return ""
}

const appTitle = "sshblog ·"

// tmuxApp opens the app with the client in tmux, waits for the list, types
// q and checks the client exits with 0 back on the main screen.
func tmuxApp(t *testing.T, home string, c sshClientSpec) string {
	t.Helper()
	argv := append([]string{"env", "HOME=" + home, "timeout", "--foreground", fmt.Sprint(clientTimeout.Seconds())}, c.app()...)
	quoted := make([]string, len(argv))
	for i, a := range argv {
		quoted[i] = shellQuote(a)
	}
	// The exit status is printed on the pane, as tmux does not always
	// record one for a dead pane, after an empty line: a pane's death
	// scrolls its top line away.
	tm := newTmux(t, 100, 30, strings.Join(quoted, " ")+`; printf '\n[exit %d]\n' $?`)
	tm.waitFor(appTitle, "Welcome to sshblog")
	if alt := strings.TrimSpace(tm.run("display-message", "-p", "#{alternate_on}")); alt != "1" {
		t.Errorf("the app is not on the alternate screen (alternate_on=%s)", alt)
	}
	tm.keys("q")
	screen := tm.waitFor("[exit ")
	status := regexp.MustCompile(`\[exit (\d+)\]`).FindStringSubmatch(screen)
	switch {
	case status == nil || status[1] != "0":
		t.Errorf("after q: want exit 0; screen:\n%s", screen)
		return "✗ draws, but q does not exit 0"
	case strings.TrimSpace(tm.run("display-message", "-p", "#{alternate_on}")) != "0" || strings.Contains(screen, appTitle):
		t.Errorf("after q the pane is still on the alternate screen:\n%s", screen)
		return "✗ left on the alternate screen"
	}
	return "✓ draws; `q` restores the screen, exit 0"
}

// pythonApp has the client's script ask for a PTY, wait for the list, type
// q and exit with the session's status.
func pythonApp(t *testing.T, home string, c sshClientSpec) string {
	t.Helper()
	r := runClient(t, home, c.app()...)
	enter, leave := strings.LastIndex(r.stdout, "\x1b[?1049h"), strings.LastIndex(r.stdout, "\x1b[?1049l")
	switch {
	case r.status != 0:
		t.Errorf("app in a PTY: exit %d, want 0\nstderr:\n%s\nstdout:\n%q", r.status, r.stderr, r.stdout)
		return fmt.Sprintf("✗ exit %d", r.status)
	case enter < 0:
		t.Errorf("the app never switched to the alternate screen:\n%q", r.stdout)
		return "✗ no alternate screen"
	case leave < enter:
		t.Errorf("after q the app did not leave the alternate screen:\n%q", r.stdout[enter:])
		return "✗ left on the alternate screen"
	}
	return "✓ draws; `q` restores the screen, exit 0"
}

func shellQuote(s string) string {
	if regexp.MustCompile(`^[A-Za-z0-9_@%+=:,./-]+$`).MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// clientsTable is the Markdown table of rows.
func clientsTable(rows []*clientRow) string {
	var b strings.Builder
	b.WriteString("| Client | Version | " + strings.Join(clientColumns, " | ") + " |\n")
	b.WriteString("|---|---|" + strings.Repeat("---|", len(clientColumns)) + "\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s |\n", r.name, r.version, strings.Join(r.cells, " | "))
	}
	return b.String()
}

// parseClientsTable reads back what clientsTable wrote, by client name.
func parseClientsTable(s string) map[string]*clientRow {
	rows := map[string]*clientRow{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		cols := strings.Split(strings.Trim(line, "|"), " | ")
		for i := range cols {
			cols[i] = strings.TrimSpace(cols[i])
		}
		if len(cols) != 2+len(clientColumns) || cols[0] == "Client" {
			continue
		}
		rows[cols[0]] = &clientRow{name: cols[0], version: cols[1], cells: cols[2:]}
	}
	return rows
}
