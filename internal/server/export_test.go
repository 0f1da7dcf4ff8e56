package server

import (
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	tea "charm.land/bubbletea/v2"
)

// InjectPanic makes every app session of s panic when the reader types
// key, to prove that one session's panic ends only that session.
func InjectPanic(s *Server, key string) {
	s.wrapModel = func(m tea.Model) tea.Model { return panicky{m, key} }
}

type panicky struct {
	tea.Model
	key string
}

func (p panicky) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyPressMsg); ok && k.String() == p.key {
		panic("injected panic")
	}
	m, cmd := p.Model.Update(msg)
	return panicky{m, p.key}, cmd
}

// InjectPanicIn makes the server panic in every goroutine of the given
// kind ("session requests", "input reader", "input delivery", "screen",
// "connection timer") the first time it runs, to prove a panic there ends
// only its own session. once: only the first such goroutine panics.
func InjectPanicIn(s *Server, where string, once bool) {
	var fired atomic.Bool
	s.panicIn = func(w string) bool {
		if w != where {
			return false
		}
		if once {
			return fired.CompareAndSwap(false, true)
		}
		return true
	}
}

// AddrKey is the key the per-address limits count addr under.
func AddrKey(addr net.Addr) netip.Addr { return addrOf(addr) }

// HoldFirstJoin makes the first app session, its first frame drawn, wait
// to join the server's set of apps until release is called: the moment a
// shutdown could miss it.
func HoldFirstJoin(s *Server) (release func()) {
	ch := make(chan struct{})
	var first atomic.Bool
	s.beforeJoin = func() {
		if first.CompareAndSwap(false, true) {
			<-ch
		}
	}
	var once sync.Once
	return func() { once.Do(func() { close(ch) }) }
}
