package server

import (
	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"

	"github.com/sshblog/sshblog/internal/render"
	"github.com/sshblog/sshblog/internal/tui"
)

// A reader on the home screen who has not pressed anything yet costs the
// server only what the screen holds: no model, no Bubble Tea program, and
// of the session's goroutines only the input reader besides what the SSH
// connection needs. Most sessions of a public blog look at the first screen
// and leave, and thousands of them may sit there at once; a model (about
// 100 KB: the lists, the reader, the help) and a program (four goroutines)
// each would be most of what they cost.
//
// The home screen answers what it can by itself: the terminal's answer to
// the background colour query when it agrees with the frame's colours, a
// newer blog (the frame is drawn again from it), a notice (drawn with a
// throwaway model), and quitting. Anything else, a key, a click, a paste,
// a new window size, starts the app, built as the screen shows it.

// drawFirst shows the app's first screen of sv at cols x rows: the home
// list's frame from the shared cache, else drawn by the app (a deep link,
// a notice). It returns the app it built, nil when the frame came from the
// cache.
func (a *appSession) drawFirst(sv *served, cols, rows int) tea.Model {
	s := a.srv
	a.mu.Lock()
	notice := a.notice
	a.mu.Unlock()
	// Keyed by what the frame depends on, the catalogue and the site's
	// language the reader gets, so that no client-made LANG value takes a
	// place of its own.
	key := frameKey{cols, rows, a.opts.Style, a.t.Lang + "/" + sv.blog.Language(a.opts.Lang), sv.gen}
	cacheable := a.home && notice == nil
	if cacheable {
		if v, encoded, ok := s.firstFrames.getEncoded(key, a.prof); ok {
			a.screen.showFirst(v, encoded)
			return nil
		}
	}
	m := a.newModel(sv, cols, rows)
	if notice != nil {
		m, _ = m.Update(notice) // the command lays out, which View does too
	}
	v := m.View()
	a.screen.show(v)
	if cacheable {
		s.firstFrames.put(key, v)
	}
	return m
}

// idle keeps the home screen until the reader does something it cannot
// answer. It returns the blog and window to start the app with, or false
// once the session has ended.
func (a *appSession) idle(input *inputPump, now *served, cols, rows int) (*served, int, int, bool) {
	resized := a.sess.win.notify()
	var shown tea.Msg // the notice on screen: none before the app was listed
	for {
		select {
		case <-a.ctx.Done():
			return nil, 0, 0, false
		case <-resized:
			c, r := saneWindow(a.sess.win.get())
			if c == cols && r == rows {
				continue
			}
			return now, c, r, true
		case <-input.wake:
			switch input.homeInput(a.opts.Style) {
			case inputQuits:
				return nil, 0, 0, false // as the app would: the deferred end restores the terminal
			case inputForApp:
				return now, cols, rows, true
			}
		case <-a.wake:
			a.mu.Lock()
			notice := a.notice
			a.mu.Unlock()
			b := a.offered.Load()
			if (b == nil || b == now) && notice == shown {
				continue
			}
			if b != nil {
				now = b
			}
			shown = notice
			a.drawFirst(now, cols, rows)
		}
	}
}

// What the home screen makes of the input so far.
const (
	inputAnswered = iota // nothing, or the terminal's answers it can take
	inputQuits           // the reader quit (q, ctrl+c)
	inputForApp          // anything else: the app's to take
)

// homeInput takes the terminal's answers to the app's query off the head
// of the queue, keeping the latest for the program, and tells what else is
// queued. style is the one the screen shows.
func (p *inputPump) homeInput(style render.Style) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	used := 0
	defer func() { p.queue = append(p.queue[:0], p.queue[used:]...) }()
	for used < len(p.queue) && !p.flooded {
		rest := p.queue[used:]
		n, ev := p.dec.Decode(rest)
		if n <= 0 {
			return inputForApp
		}
		switch ev := ev.(type) {
		case uv.KeyPressEvent:
			if tui.HomeQuits(tea.KeyPressMsg(ev)) {
				return inputQuits
			}
		case uv.BackgroundColorEvent:
			if style == render.NoColor || ev.IsDark() {
				p.early = ev
				used += n
				continue
			}
		}
		// A key, a light background, or the start of a sequence still
		// coming in: the app takes it from here.
		return inputForApp
	}
	if p.flooded {
		return inputForApp
	}
	return inputAnswered
}
