//go:build unix

package server_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU this process has used (the server runs in it).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
