//go:build !linux

package server

import "net"

// withQuickAck leaves the connection as it is: TCP_QUICKACK is Linux's
// (see quickack_linux.go), and other systems' delayed ACKs are not worked
// around.
func withQuickAck(c net.Conn) net.Conn { return c }
