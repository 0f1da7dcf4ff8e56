package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/sshblog/sshblog/internal/render"
)

// RenderWidth must agree with what the reader asks the renderer for, or
// pre-rendering warms entries nobody reads.
func TestRenderWidthMatchesTheReader(t *testing.T) {
	blog := fixtureBlog(t)
	p := blog.Posts()[0]
	for _, window := range []int{40, 80, 99, 100, 120, 200} {
		r := render.New(render.Options{})
		m := New(Options{Blog: blog, Renderer: r, Width: window, Height: 30})
		_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyEnter}) // open the newest post
		runCmds(cmd, 4)                                         // the reader renders off the update loop
		if _, ok := r.Cached(p, RenderWidth(window), render.Dark); !ok {
			t.Errorf("window %d: the reader did not render at RenderWidth %d", window, RenderWidth(window))
		}
	}
}

// runCmds runs cmd and the commands of any batch it returns, depth levels
// deep, discarding their messages.
func runCmds(cmd tea.Cmd, depth int) {
	if cmd == nil || depth == 0 {
		return
	}
	if batch, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range batch {
			runCmds(c, depth-1)
		}
	}
}
