package tui

import "github.com/sshblog/sshblog/internal/render"

// RenderWidth is the width the reader renders posts at in a window
// windowWidth columns wide, so a server can render posts ahead of time for
// common window sizes and have them hit the cache.
func RenderWidth(windowWidth int) int {
	return max(render.MinWidth, min(windowWidth, maxReadingWidth))
}
