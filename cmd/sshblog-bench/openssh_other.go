//go:build !linux

package main

import (
	"fmt"
	"runtime"
	"time"
)

// measureOpenSSH needs a PTY opened with Linux's ioctls (openssh_linux.go).
func measureOpenSSH(sshBin string, args []string, cols, rows int, title, quitKeys string, timeout time.Duration) (time.Duration, error) {
	return 0, fmt.Errorf("openssh: measuring OpenSSH's client in a PTY needs Linux, not %s", runtime.GOOS)
}
