package main

import (
	"net"
	"syscall"
)

// quickAckConn turns delayed ACKs off again after every read: Linux turns
// TCP_QUICKACK back off by itself.
type quickAckConn struct{ net.Conn }

func (c quickAckConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if tc, ok := c.Conn.(*net.TCPConn); ok {
		if rc, err := tc.SyscallConn(); err == nil {
			rc.Control(func(fd uintptr) {
				syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
			})
		}
	}
	return n, err
}

// quickAckSupported: --quickack works here.
const quickAckSupported = true
