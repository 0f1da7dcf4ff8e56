package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"
	"unsafe"
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

func measureOpenSSH(sshBin string, args []string, cols, rows int, title, quitKeys string, timeout time.Duration) (time.Duration, error) {
	master, slave, err := openPTY(cols, rows)
	if err != nil {
		return 0, fmt.Errorf("opening a PTY: %w", err)
	}
	defer master.Close()
	scr := newScreen(cols, rows)
	scr.watchStream(title)
	cmd := exec.Command(sshBin, args...)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "LANG=C.UTF-8")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = slave, slave, slave
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		slave.Close()
		return 0, err
	}
	slave.Close()
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	defer func() {
		select {
		case <-exited:
		case <-time.After(2 * time.Second):
			cmd.Process.Signal(syscall.SIGTERM)
			select {
			case <-exited:
			case <-time.After(2 * time.Second):
				cmd.Process.Kill()
				<-exited
			}
		}
	}()
	go io.Copy(scr, master) // ends with EIO once ssh exits, or when master closes
	scr.answer(master)
	defer scr.stop()
	seen, err := scr.waitAppeared(title, timeout)
	if err != nil {
		return 0, err
	}
	if quitKeys != "" {
		io.WriteString(master, quitKeys)
	}
	return seen.Sub(start), nil
}

// openPTY opens a pseudo-terminal pair of cols x rows with the standard
// library only: /dev/ptmx, unlock, find the slave's number.
func openPTY(cols, rows int) (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	var num uint32
	var unlock int32
	if err := ioctl(master, syscall.TIOCSPTLCK, unsafe.Pointer(&unlock)); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("TIOCSPTLCK: %w", err)
	}
	if err := ioctl(master, syscall.TIOCGPTN, unsafe.Pointer(&num)); err != nil {
		master.Close()
		return nil, nil, fmt.Errorf("TIOCGPTN: %w", err)
	}
	slave, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", num), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	ws := struct{ rows, cols, x, y uint16 }{uint16(rows), uint16(cols), 0, 0}
	if err := ioctl(slave, syscall.TIOCSWINSZ, unsafe.Pointer(&ws)); err != nil {
		master.Close()
		slave.Close()
		return nil, nil, fmt.Errorf("TIOCSWINSZ: %w", err)
	}
	return master, slave, nil
}

func ioctl(f *os.File, req uintptr, arg unsafe.Pointer) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	if err := rc.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, req, uintptr(arg))
	}); err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}
