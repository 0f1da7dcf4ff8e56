package server

import (
	"context"
	"errors"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	bm "charm.land/wish/v2/bubbletea"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
	"github.com/sshblog/sshblog/internal/tui"
)

// Default window for clients that report none (0x0, as `ssh -tt` from a
// script does).
const (
	defaultCols = 80
	defaultRows = 24
)

// sessionMiddleware runs the app for sessions with a PTY and the SSH
// commands for the others.
func (s *Server) sessionMiddleware() wish.Middleware {
	return func(next ssh.Handler) ssh.Handler {
		return func(sess ssh.Session) {
			_, _, hasPty := sess.Pty()
			args := sess.Command()
			_, isCommand := commandNames[first(args)]
			if hasPty && !isCommand {
				s.runApp(sess) // the app, or a deep link: ssh -t host SLUG
			} else {
				s.runCommand(sess)
			}
			next(sess)
		}
	}
}

func first(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// saneWindow replaces a missing or nonsensical size with the default.
func saneWindow(w ssh.Window) (cols, rows int) {
	cols, rows = w.Width, w.Height
	if cols <= 0 || rows <= 0 {
		return defaultCols, defaultRows
	}
	return cols, rows
}

// runApp runs one Bubble Tea program for the session until the reader
// quits or the connection ends.
func (s *Server) runApp(sess ssh.Session) {
	pty, windowChanges, _ := sess.Pty()
	cols, rows := saneWindow(pty.Window)
	env := append(sess.Environ(), "TERM="+pty.Term)

	stats := statsOf(sess)
	style := styleFor(env)
	out := countingWriter{sess, stats}
	scr := newScreen(out, cols, rows, colorprofile.Env(env))
	defer scr.close()
	// The app asks for the terminal's background colour in Init; Bubble Tea
	// would send that query on its next tick, so send it with the first
	// frame instead. (A second reply to the later copy changes nothing.)
	scr.write(ansi.RequestBackgroundColor)

	// A reader who opens the home list at a size someone already had sees
	// that first frame before their app is even built.
	home := frameKey{cols, rows, style}
	cacheable := len(sess.Command()) == 0 && !hasEnv(env, "TZ")
	cached := false
	if cacheable {
		var v tea.View
		if v, cached = s.firstFrames.get(home); cached {
			scr.show(v)
		}
	}

	var model tea.Model = tui.New(tui.Options{
		Blog:     s.Blog,
		Renderer: s.Renderer,
		Width:    cols,
		Height:   rows,
		Style:    style,
		Start:    strings.Join(sess.Command(), " "),
		OnOpen: func(p *content.Post) {
			s.Metrics.postViewed(p)
			stats.viewed.Add(1)
		},
	})
	if s.wrapModel != nil {
		model = s.wrapModel(model)
	}
	// Without a cached frame, draw the first one now, before Bubble Tea
	// sets up its input reader; with one, Init checks it against the app.
	host := &appHost{app: model, screen: scr, width: cols, height: rows}
	if !cached {
		first := model.View()
		scr.show(first)
		host.fresh = true
		if cacheable {
			s.firstFrames.put(home, first)
		}
	}

	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	opts := append(bm.MakeOptions(sess),
		tea.WithOutput(out), // after MakeOptions: replaces its output
		tea.WithContext(ctx),
		tea.WithWindowSize(cols, rows), // after MakeOptions: replaces a 0x0 size
		tea.WithoutSignalHandler(),     // signals are the server's, not a session's
		// The screen draws each change at once; Bubble Tea's ticker only
		// flushes what the app writes besides frames (terminal queries and
		// the clipboard, which the screen sends at once too), so a slow
		// tick costs an idle session next to nothing.
		tea.WithoutRenderer(),
		tea.WithFPS(1),
	)
	program := tea.NewProgram(host, opts...)
	s.programs.add(program)
	defer s.programs.remove(program)

	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w, ok := <-windowChanges:
				if !ok {
					return
				}
				cols, rows := saneWindow(w)
				program.Send(tea.WindowSizeMsg{Width: cols, Height: rows})
			}
		}
	}()

	_, err := program.Run()
	program.Kill()
	switch {
	case errors.Is(err, tea.ErrProgramPanic):
		// Bubble Tea printed the stack to the server's stderr and restored
		// the reader's terminal; this reader's session ends, nobody else's.
		s.Logger.Error("session panicked", "remote", sess.RemoteAddr().String())
		_ = sess.Exit(1)
	case err != nil && !errors.Is(err, tea.ErrProgramKilled):
		s.Logger.Error("app ended with an error", "remote", sess.RemoteAddr().String(), "err", err)
	}
}

func hasEnv(env []string, name string) bool {
	for _, kv := range env {
		if k, _, _ := strings.Cut(kv, "="); k == name {
			return true
		}
	}
	return false
}

// styleFor picks the glamour style from the client's environment before the
// app can ask the terminal: no colour when NO_COLOR is set or the terminal
// is dumb, dark otherwise (the app switches to light if the terminal
// answers that its background is light).
func styleFor(env []string) render.Style {
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		if k == "NO_COLOR" && v != "" {
			return render.NoColor
		}
		if k == "TERM" && (v == "dumb" || v == "") {
			return render.NoColor
		}
	}
	return render.Dark
}
