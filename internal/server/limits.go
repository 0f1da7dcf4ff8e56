package server

import (
	"net"
	"net/netip"
	"sync"
	"time"

	"charm.land/ssh"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"
)

// Limits bound what one stranger can make the server spend. The zero value
// of each field means its safe default; a negative value turns that limit
// off (for tests and private servers only).
type Limits struct {
	// MaxWindow clamps every window size a client asks for. Zero means
	// DefaultMaxWindow (500x200).
	MaxWindow Window

	// HandshakeTimeout drops connections that have not finished the SSH
	// handshake in time. Zero means 10s.
	HandshakeTimeout time.Duration

	// IdleTimeout closes connections with no traffic either way. Zero means
	// 30m.
	IdleTimeout time.Duration

	// MaxSessionTime closes a connection this long after it opened. Zero
	// means 12h.
	MaxSessionTime time.Duration

	// SessionsPerConn is how many sessions one connection may have open at
	// once. Zero means 2.
	SessionsPerConn int

	// MaxSessions is how many sessions the server runs at once, from all
	// clients. Zero means 2000.
	MaxSessions int

	// MaxSessionsPerIP is how many sessions one client address may have
	// open at once; it also bounds that address's open connections. Zero
	// means 20.
	MaxSessionsPerIP int

	// ConnRate is how many new connections one address may open per
	// minute, after a burst of ConnBurst. Zero means 60 and 10.
	ConnRate  int
	ConnBurst int

	// MaxConnections is how many connections the server keeps open at
	// once, from all clients, sessions or not. Zero means 4000.
	MaxConnections int
}

// DefaultLimits are the safe defaults each zero field of Limits stands for.
var DefaultLimits = Limits{
	MaxWindow:        DefaultMaxWindow,
	HandshakeTimeout: 10 * time.Second,
	IdleTimeout:      30 * time.Minute,
	MaxSessionTime:   12 * time.Hour,
	SessionsPerConn:  2,
	MaxSessions:      2000,
	MaxSessionsPerIP: 20,
	ConnRate:         60,
	ConnBurst:        10,
	MaxConnections:   4000,
}

// withDefaults fills zero fields from DefaultLimits and turns negative ones
// into "no limit".
func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	dur := func(v *time.Duration, def time.Duration) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			*v = 0 // the ssh package reads zero as none
		}
	}
	num := func(v *int, def int) {
		switch {
		case *v == 0:
			*v = def
		case *v < 0:
			*v = 0 // read as none below
		}
	}
	if l.MaxWindow.Cols <= 0 || l.MaxWindow.Rows <= 0 {
		l.MaxWindow = d.MaxWindow
	}
	dur(&l.HandshakeTimeout, d.HandshakeTimeout)
	dur(&l.IdleTimeout, d.IdleTimeout)
	dur(&l.MaxSessionTime, d.MaxSessionTime)
	num(&l.SessionsPerConn, d.SessionsPerConn)
	num(&l.MaxSessions, d.MaxSessions)
	num(&l.MaxSessionsPerIP, d.MaxSessionsPerIP)
	num(&l.ConnRate, d.ConnRate)
	num(&l.ConnBurst, d.ConnBurst)
	num(&l.MaxConnections, d.MaxConnections)
	return l
}

// Refusal reasons, as logged (and counted by metrics).
const (
	RefusedConnRate        = "connection rate"
	RefusedConnsPerIP      = "connections per address"
	RefusedSessionsPerConn = "sessions per connection"
	RefusedSessionsPerIP   = "sessions per address"
	RefusedMaxSessions     = "max sessions"
	RefusedRequest         = "request"
	RefusedProxyHeader     = "proxy header"
	RefusedMaxConnections  = "max connections"
	RefusedChannelOpens    = "channel opens"
	RefusedGlobalRequests  = "global requests"
	RefusedRequestRate     = "request rate"
	RefusedEnv             = "env requests"
	RefusedCommandLength   = "command length"
	RefusedSetupTimeout    = "setup timeout"
	RefusedInput           = "input flood"
)

// refusalReasons are every reason, for the metrics' label set.
var refusalReasons = []string{RefusedConnRate, RefusedConnsPerIP, RefusedSessionsPerConn, RefusedSessionsPerIP,
	RefusedMaxSessions, RefusedRequest, RefusedProxyHeader, RefusedMaxConnections, RefusedChannelOpens,
	RefusedGlobalRequests, RefusedRequestRate, RefusedEnv, RefusedCommandLength, RefusedSetupTimeout, RefusedInput}

// limiter counts sessions and connections and meters new connections. It
// is shared by every connection of a Server.
type limiter struct {
	limits Limits
	refuse func(reason string, addr string, detail string)

	mu        sync.Mutex
	sessions  int
	conns     int
	perIP     map[netip.Addr]*ipState
	perConn   map[*gossh.ServerConn]int
	lastSweep time.Time
}

type ipState struct {
	sessions, conns int
	bucket          *rate.Limiter
	lastSeen        time.Time
}

func newLimiter(l Limits, refuse func(reason, addr, detail string)) *limiter {
	return &limiter{
		limits:  l,
		refuse:  refuse,
		perIP:   map[netip.Addr]*ipState{},
		perConn: map[*gossh.ServerConn]int{},
	}
}

// addrOf is the key the per-address limits count under: the IPv4
// address, or the /64 of an IPv6 address (one subscriber gets a whole /64,
// so counting single IPv6 addresses would let one client be millions).
func addrOf(a net.Addr) netip.Addr {
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.Addr{}
	}
	ip := ap.Addr().Unmap().WithZone("")
	if ip.Is6() {
		return netip.PrefixFrom(ip, 64).Masked().Addr()
	}
	return ip
}

// state returns the address's entry, creating it; l.mu must be held.
func (l *limiter) state(ip netip.Addr, now time.Time) *ipState {
	st, ok := l.perIP[ip]
	if !ok {
		st = &ipState{}
		if l.limits.ConnRate > 0 {
			st.bucket = rate.NewLimiter(rate.Limit(float64(l.limits.ConnRate)/60), max(l.limits.ConnBurst, 1))
		}
		l.perIP[ip] = st
	}
	st.lastSeen = now
	return st
}

// sweep forgets addresses with nothing open whose bucket has refilled, so
// the map does not grow with every address ever seen; l.mu must be held.
func (l *limiter) sweep(now time.Time) {
	if now.Sub(l.lastSweep) < time.Minute {
		return
	}
	l.lastSweep = now
	for ip, st := range l.perIP {
		if st.sessions == 0 && st.conns == 0 && now.Sub(st.lastSeen) > 2*time.Minute {
			delete(l.perIP, ip)
		}
	}
}

// admitConn decides whether a new connection from addr may proceed. When
// it returns true, the caller must call the returned release when the
// connection closes.
func (l *limiter) admitConn(addr net.Addr) (release func(), ok bool) {
	ip := addrOf(addr)
	now := time.Now()
	l.mu.Lock()
	l.sweep(now)
	st := l.state(ip, now)
	reason := ""
	switch {
	case l.limits.MaxConnections > 0 && l.conns >= l.limits.MaxConnections:
		reason = RefusedMaxConnections
	case st.bucket != nil && !st.bucket.AllowN(now, 1):
		reason = RefusedConnRate
	case l.limits.MaxSessionsPerIP > 0 && st.conns >= l.limits.MaxSessionsPerIP:
		reason = RefusedConnsPerIP
	default:
		st.conns++
		l.conns++
	}
	l.mu.Unlock()
	if reason != "" {
		l.refuse(reason, addr.String(), "")
		return nil, false
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			l.mu.Lock()
			st.conns--
			l.conns--
			l.mu.Unlock()
		})
	}, true
}

// acquire admits a new session channel or rejects it with a reason the
// client prints ("open failed: resource shortage: ...").
func (l *limiter) acquire(ctx ssh.Context, conn *gossh.ServerConn, newChan gossh.NewChannel) (release func(), ok bool) {
	ip := addrOf(conn.RemoteAddr())
	l.mu.Lock()
	st := l.state(ip, time.Now())
	reason, msg := "", ""
	switch {
	case l.limits.SessionsPerConn > 0 && l.perConn[conn] >= l.limits.SessionsPerConn:
		reason, msg = RefusedSessionsPerConn, "too many sessions on one connection"
	case l.limits.MaxSessionsPerIP > 0 && st.sessions >= l.limits.MaxSessionsPerIP:
		reason, msg = RefusedSessionsPerIP, "too many sessions from your address, try again later"
	case l.limits.MaxSessions > 0 && l.sessions >= l.limits.MaxSessions:
		reason, msg = RefusedMaxSessions, "the server is full, try again later"
	default:
		l.sessions++
		st.sessions++
		l.perConn[conn]++
	}
	l.mu.Unlock()
	if reason != "" {
		l.refuse(reason, conn.RemoteAddr().String(), "") // counted before the client sees the no
		_ = newChan.Reject(gossh.ResourceShortage, msg)
		return nil, false
	}
	return func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		l.sessions--
		st.sessions--
		if l.perConn[conn]--; l.perConn[conn] <= 0 {
			delete(l.perConn, conn)
		}
	}, true
}

// Conns is the number of connections open now.
func (l *limiter) Conns() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conns
}

// Sessions is the number of sessions open now.
func (l *limiter) Sessions() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sessions
}

// refusalLog logs each kind of refusal once per address per minute, so a
// flood cannot flood the log too.
type refusalLog struct {
	mu   sync.Mutex
	seen map[string]time.Time
	log  func(reason, addr, detail string, suppressed int)
	skip map[string]int
}

func newRefusalLog(log func(reason, addr, detail string, suppressed int)) *refusalLog {
	return &refusalLog{seen: map[string]time.Time{}, skip: map[string]int{}, log: log}
}

func (r *refusalLog) refuse(reason, addr, detail string) {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	key := reason + "|" + host
	now := time.Now()
	r.mu.Lock()
	last, ok := r.seen[key]
	if ok && now.Sub(last) < time.Minute {
		r.skip[key]++
		r.mu.Unlock()
		return
	}
	suppressed := r.skip[key]
	delete(r.skip, key)
	r.seen[key] = now
	if len(r.seen) > 10000 { // bounded: forget everything rather than grow
		clear(r.seen)
		clear(r.skip)
	}
	r.mu.Unlock()
	r.log(reason, addr, detail, suppressed)
}
