package main

import (
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// startup starts a server binary --n times and times it from exec to the
// first completed SSH handshake: loading the posts and accepting
// connections.
func startup(fs *flag.FlagSet, args []string) error {
	var (
		out       output
		bin       string
		contentD  string
		n, warmup int
		timeout   time.Duration
		posts     int
		logFile   string
	)
	out.register(fs, "sshblog")
	fs.StringVar(&bin, "bin", "sshblog", "server `BINARY`, run as: BINARY serve --addr A --host-key K [--content DIR]")
	fs.StringVar(&contentD, "content", "", "`DIR` of posts (--content); empty: the embedded posts")
	fs.IntVar(&posts, "posts", 0, "how many posts DIR holds, for the note")
	fs.IntVar(&n, "n", 5, "starts to measure")
	fs.IntVar(&warmup, "warmup", 1, "starts made first and not counted (the first generates the host key, and fills the page cache)")
	fs.DurationVar(&timeout, "timeout", 30*time.Second, "give up on one start after this long")
	fs.StringVar(&logFile, "log", "", "append the server's output to this `FILE` (default: discarded)")
	if err := parse(fs, args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "sshblog-bench-startup")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var logw *os.File
	if logFile != "" {
		if logw, err = os.OpenFile(logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err != nil {
			return err
		}
		defer logw.Close()
	}
	var times []time.Duration
	for i := -warmup; i < n; i++ {
		addr, err := freeAddr()
		if err != nil {
			return err
		}
		cmdArgs := []string{"serve", "--addr", addr, "--host-key", filepath.Join(dir, "host_key")}
		if contentD != "" {
			cmdArgs = append(cmdArgs, "--content", contentD)
		}
		cmd := exec.Command(bin, cmdArgs...)
		if logw != nil {
			cmd.Stdout, cmd.Stderr = logw, logw
		}
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			return err
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		err = waitHandshake(addr, t0.Add(timeout), exited)
		d := time.Since(t0)
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if err != nil {
			return fmt.Errorf("start %d: %w", i+1, err)
		}
		if i >= 0 {
			times = append(times, d)
		}
	}
	note := "embedded posts"
	if contentD != "" {
		note = contentD
		if posts > 0 {
			note = fmt.Sprintf("%d posts", posts)
		}
	}
	out.durations("startup", times, "exec -> first SSH handshake, "+note)
	return out.flush("startup")
}

// waitHandshake polls addr until an SSH handshake completes.
func waitHandshake(addr string, deadline time.Time, exited <-chan error) error {
	cfg := &gossh.ClientConfig{User: "startup", HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 5 * time.Second}
	for {
		select {
		case err := <-exited:
			return fmt.Errorf("server exited before accepting connections: %v", err)
		default:
		}
		var last error
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.SetDeadline(time.Now().Add(5 * time.Second))
			c, chans, reqs, err := gossh.NewClientConn(conn, addr, cfg)
			if err == nil {
				gossh.NewClient(c, chans, reqs).Close()
				return nil
			}
			conn.Close()
			last = err
		} else {
			last = err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no SSH handshake with %s: %v", addr, last)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// waitReady waits until a server at --addr sends an SSH banner.
func waitReady(fs *flag.FlagSet, args []string) error {
	var (
		addr    string
		timeout time.Duration
	)
	fs.StringVar(&addr, "addr", "127.0.0.1:23234", "server `ADDRESS`")
	fs.DurationVar(&timeout, "timeout", 20*time.Second, "give up after this long")
	if err := parse(fs, args); err != nil {
		return err
	}
	deadline := time.Now().Add(timeout)
	for {
		err := banner(addr)
		if err == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s: no SSH banner after %s: %v", addr, timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func banner(addr string) error {
	conn, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 8)
	if _, err := io.ReadFull(conn, buf); err != nil {
		return err
	}
	if string(buf) != "SSH-2.0-" {
		return fmt.Errorf("not an SSH server: %q", buf)
	}
	return nil
}

// freePorts prints --n loopback ports that were free a moment ago.
func freePorts(fs *flag.FlagSet, args []string) error {
	var n int
	fs.IntVar(&n, "n", 1, "how many ports")
	if err := parse(fs, args); err != nil {
		return err
	}
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := 0; i < n; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		ls = append(ls, l)
		fmt.Println(l.Addr().(*net.TCPAddr).Port)
	}
	return nil
}
