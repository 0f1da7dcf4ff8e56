package server

import (
	"net"
	"syscall"
)

// quickAckReads is how many reads get TCP_QUICKACK: enough to cover the
// SSH handshake, the session's requests and the first keys, after which
// delayed ACKs are harmless and the system calls are saved.
const quickAckReads = 64

// quickAckConn acknowledges the client's packets at once during the
// handshake. Linux delays ACKs by up to 40 ms, and OpenSSH's client, which
// sends its handshake in small writes, waits for them (Nagle): two such
// stalls made up most of OpenSSH's connect-to-first-frame time. Linux
// clears TCP_QUICKACK by itself, so it is set again after each read, which
// also sends the ACK for what was just read at once. Other systems have no
// TCP_QUICKACK: quickack_other.go leaves their connections alone.
type quickAckConn struct {
	net.Conn
	raw   syscall.RawConn
	reads int
}

func withQuickAck(c net.Conn) net.Conn {
	tcp := tcpConn(c)
	if tcp == nil {
		return c
	}
	raw, err := tcp.SyscallConn()
	if err != nil {
		return c
	}
	q := &quickAckConn{Conn: c, raw: raw}
	q.setQuickAck()
	return q
}

func tcpConn(c net.Conn) *net.TCPConn {
	switch c := c.(type) {
	case *net.TCPConn:
		return c
	case interface{ TCPConn() (*net.TCPConn, bool) }: // PROXY protocol connections
		if tcp, ok := c.TCPConn(); ok {
			return tcp
		}
	}
	return nil
}

func (q *quickAckConn) setQuickAck() {
	_ = q.raw.Control(func(fd uintptr) {
		_ = syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}

func (q *quickAckConn) Read(p []byte) (int, error) {
	n, err := q.Conn.Read(p)
	if q.reads < quickAckReads {
		q.reads++
		q.setQuickAck()
	}
	return n, err
}
