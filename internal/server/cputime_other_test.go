//go:build !unix

package server_test

import "time"

// cpuTime is not measured here: the CPU bounds are checked on unix.
func cpuTime() time.Duration { return 0 }
