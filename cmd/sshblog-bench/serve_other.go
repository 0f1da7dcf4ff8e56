//go:build !linux

package main

import "net"

// quickAckConn is the connection as it is: TCP_QUICKACK is Linux's
// (serve_linux.go), and --quickack is refused elsewhere.
type quickAckConn struct{ net.Conn }

const quickAckSupported = false
