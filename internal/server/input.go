package server

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
	"golang.org/x/time/rate"

	"github.com/sshblog/sshblog/internal/locale"
)

// The app's input is read and decoded here, not by Bubble Tea, for three
// reasons. Bubble Tea's reader (ultraviolet's TerminalReader) sends each
// event on an unbuffered channel with no way out, so keys that arrive as a
// program quits ("q" and three more in one packet) left its goroutines
// blocked for good, with the session's memory (docs/upstream.md). Its paste
// buffer grows with whatever is pasted. And it reads as fast as a client
// sends, so one flooding session took the CPU from everyone else.
//
// Here a reader goroutine moves bytes into a bounded queue (a flood beyond
// it is dropped, not buffered), and a delivery goroutine decodes them and
// hands the events to the program at a bounded rate, together with the
// latest window size. Both end with the session.
const (
	maxQueuedInput = 16 << 10 // bytes read but not yet decoded
	// maxDroppedInput ends a session that keeps sending more than the
	// queue takes: reading (and decrypting) a flood costs CPU even when
	// the bytes are dropped.
	maxDroppedInput = 1 << 20
	inputRate       = 40 // events per second a session may deliver (key repeat is ~30)...
	inputBurst      = 80 // ...after a burst (a trackpad's scroll)
	// maxPasteRunes is what the app's longest input field holds (the
	// filter and the search take 100 characters): a paste is cut to it.
	maxPasteRunes = 100
)

// escTimeout is how long an escape sequence may stay incomplete before the
// bytes so far are taken as they are (a lone ESC is the escape key).
const escTimeout = uv.DefaultEscTimeout

type inputPump struct {
	srv     *Server
	sess    *session
	program *tea.Program // set by start
	ctx     context.Context

	mu      sync.Mutex
	queue   []byte
	eof     bool
	flooded bool // bytes were dropped since the last decode
	wake    chan struct{}
	room    chan struct{} // the queue has room again

	// Delivery state, owned by the delivery goroutine (before start, by
	// the idle home screen).
	dec     uv.EventDecoder
	pasting bool
	paste   []rune
	early   uv.Event // a terminal's answer taken before start
}

// newInput makes the session's input; its reader goroutine (read) may
// start at once, its delivery (start) once there is a program.
func (s *Server) newInput(ctx context.Context, sess *session) *inputPump {
	return &inputPump{srv: s, sess: sess, ctx: ctx, wake: make(chan struct{}, 1), room: make(chan struct{}, 1)}
}

// start delivers the input to program from now on, beginning with what is
// queued already.
func (p *inputPump) start(program *tea.Program) {
	p.program = program
	p.signal()
	go p.deliver()
}

// read moves the client's bytes into the queue until the channel ends.
func (p *inputPump) read() {
	defer p.srv.recoverPanic("input reader", p.sess.remote(), p.sess.cancel)
	var buf [4096]byte
	dropped := 0
	for {
		n, err := p.sess.Read(buf[:])
		p.srv.testPanic("input reader")
		p.waitRoom(n)
		p.mu.Lock()
		room := maxQueuedInput - len(p.queue)
		if n > room {
			p.flooded = true
			if dropped == 0 {
				p.sess.srv.refuse(RefusedInput, p.sess.remote(), "")
			}
			dropped += n - max(room, 0)
			n = max(room, 0)
			if dropped > maxDroppedInput {
				// Nobody types this much: the session costs the server
				// the decryption of all of it, so it ends.
				p.mu.Unlock()
				p.sess.setReason(func(t *locale.Messages) string { return t.ClosedInput })
				p.sess.cancel()
				return
			}
		}
		p.queue = append(p.queue, buf[:n]...)
		if err != nil {
			p.eof = true
		}
		p.mu.Unlock()
		p.signal()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				p.sess.cancel()
			}
			return
		}
	}
}

// waitRoom gives the delivery goroutine a moment to make room for n more
// bytes: a burst (a long paste) then waits instead of being dropped, while
// a flood still overflows.
func (p *inputPump) waitRoom(n int) {
	deadline := time.Now().Add(roomWait)
	for {
		p.mu.Lock()
		full := len(p.queue)+n > maxQueuedInput
		p.mu.Unlock()
		if !full || time.Now().After(deadline) {
			return
		}
		p.signal()
		select {
		case <-p.room:
		case <-time.After(10 * time.Millisecond):
		case <-p.ctx.Done():
			return
		}
	}
}

// roomWait is how long a full queue holds the reader back before it drops.
const roomWait = 200 * time.Millisecond

func (p *inputPump) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// deliver decodes queued bytes and window sizes into the program, at most
// inputRate events a second, until the session ends.
func (p *inputPump) deliver() {
	defer p.srv.recoverPanic("input delivery", p.sess.remote(), p.sess.cancel)
	limiter := rate.NewLimiter(inputRate, inputBurst)
	esc := time.NewTimer(time.Hour)
	esc.Stop()
	defer esc.Stop()
	resized := p.sess.win.notify()
	expired := false
	if p.early != nil {
		p.program.Send(p.early)
	}
	for {
		select {
		case <-p.ctx.Done():
			return
		case <-resized:
			w := p.sess.win.get()
			cols, rows := saneWindow(w)
			p.program.Send(tea.WindowSizeMsg{Width: cols, Height: rows})
			continue
		case <-p.wake:
		case <-esc.C:
			expired = true
		}
		p.srv.testPanic("input delivery")
		events, pending := p.decode(expired)
		expired = false
		for _, ev := range events {
			if err := limiter.Wait(p.ctx); err != nil {
				return
			}
			p.program.Send(ev)
		}
		if pending {
			esc.Reset(escTimeout)
		}
	}
}

// decode takes complete events off the queue. pending reports bytes left
// that may be the start of an escape sequence (decoded as they are once
// expired).
func (p *inputPump) decode(expired bool) (events []uv.Event, pending bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.flooded {
		// Bytes went missing: whatever sequence or paste was open is over.
		p.flooded = false
		expired = true
		if p.pasting {
			events = append(events, p.endPaste())
		}
	}
	buf := p.queue
	used := 0
	for used < len(buf) && len(events) < inputBurst {
		rest := buf[used:]
		n, ev := p.dec.Decode(rest)
		if n <= 0 {
			break
		}
		_, unknown := ev.(uv.UnknownEvent)
		incomplete := n == len(rest) && !expired && !p.eof &&
			(unknown || (rest[0] == 0x1b && n <= 2))
		if incomplete {
			pending = true
			break
		}
		used += n
		switch ev := p.take(ev).(type) {
		case nil:
		case uv.MultiEvent:
			events = append(events, ev...)
		default:
			events = append(events, ev)
		}
	}
	p.queue = append(p.queue[:0], buf[used:]...)
	if used > 0 {
		select {
		case p.room <- struct{}{}:
		default:
		}
	}
	if len(p.queue) > 0 && !pending {
		p.signal() // more than one batch: come back for the rest
	}
	return events, pending
}

// take turns a decoded event into what the program gets: the events of a
// bracketed paste become one PasteEvent, cut to maxPasteRunes.
func (p *inputPump) take(ev uv.Event) uv.Event {
	switch ev := ev.(type) {
	case uv.PasteStartEvent:
		p.pasting, p.paste = true, p.paste[:0]
		return nil
	case uv.PasteEndEvent:
		if !p.pasting {
			return nil
		}
		return p.endPaste()
	case uv.MultiEvent:
		var out uv.MultiEvent
		for _, e := range ev {
			if e := p.take(e); e != nil {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case uv.KeyPressEvent:
		if p.pasting {
			text := ev.Text
			if text == "" && (ev.Code == uv.KeyEnter || ev.Code == uv.KeyTab) {
				text = " "
			}
			for _, r := range text {
				if len(p.paste) < maxPasteRunes && r != utf8.RuneError {
					p.paste = append(p.paste, r)
				}
			}
			return nil
		}
	}
	if p.pasting {
		return nil // inside a paste only text counts
	}
	return ev
}

func (p *inputPump) endPaste() uv.Event {
	p.pasting = false
	return uv.PasteEvent{Content: string(p.paste)}
}
