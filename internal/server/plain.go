package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"charm.land/ssh"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
	"github.com/sshblog/sshblog/internal/render"
	"github.com/sshblog/sshblog/internal/sanitize"
)

// The plain mode is the blog for a terminal that takes no escape sequences
// (TERM=dumb: Emacs shells, some serial consoles and screen readers' modes)
// and for a client that asked for a shell without a PTY: the list as text,
// a prompt for a number or a slug, the post as plain text. Not one escape
// sequence is sent.

// maxPlainLine bounds a line typed at the prompt.
const maxPlainLine = 256

type plainTerm struct {
	sess ssh.Session
	pty  bool // the client's terminal is raw: echo, and end lines with CRLF
	buf  []byte
}

func (p *plainTerm) print(format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if p.pty {
		text = strings.ReplaceAll(text, "\n", "\r\n")
	}
	_, _ = io.WriteString(p.sess, text)
}

// readLine reads one line, echoing it on a PTY. It returns io.EOF at the
// end of the input, or when the reader types ctrl+c or ctrl+d.
func (p *plainTerm) readLine() (string, error) {
	var line []byte
	one := make([]byte, 1)
	for {
		if len(p.buf) == 0 {
			n, err := p.sess.Read(one)
			if n == 0 {
				if err == nil {
					continue
				}
				if len(line) > 0 && errors.Is(err, io.EOF) {
					return string(line), nil
				}
				return "", err
			}
			p.buf = append(p.buf, one[:n]...)
		}
		c := p.buf[0]
		p.buf = p.buf[1:]
		switch {
		case c == '\r' || c == '\n':
			if p.pty {
				p.print("\n")
			}
			return string(line), nil
		case c == 3 || c == 4: // ctrl+c, ctrl+d
			return "", io.EOF
		case c == 0x7f || c == 0x08:
			if len(line) > 0 {
				line = line[:len(line)-1]
				for len(line) > 0 && line[len(line)-1]&0xc0 == 0x80 {
					line = line[:len(line)-1]
				}
				if p.pty {
					p.print("\b \b")
				}
			}
		case c < 0x20 || c == 0x1b:
			// Control keys and escape sequences mean nothing here.
		case len(line) < maxPlainLine:
			line = append(line, c)
			if p.pty {
				_, _ = p.sess.Write([]byte{c})
			}
		}
	}
}

// runPlain serves the plain mode until the reader quits or the input ends.
func (s *Server) runPlain(sess ssh.Session, hasPty bool) {
	pty, _, _ := sess.Pty()
	width := 80
	if hasPty {
		width, _ = saneWindow(pty.Window)
	}
	host := s.hostHint(sess)
	term := &plainTerm{sess: sess, pty: hasPty}
	stats := statsOf(sess)
	// The numbers a reader types are those of the list last printed; a
	// reload reaches the next list.
	posts := s.CurrentBlog().Posts()
	lang := locale.FromEnv(sess.Environ())
	t := locale.For(lang)
	list := func() {
		blog := s.CurrentBlog()
		posts = blog.Posts()
		rows := make([][]string, 0, len(posts))
		for i, p := range posts {
			rows = append(rows, []string{strconv.Itoa(i+1) + ".", p.Date.Format(time.DateOnly), p.Slug, p.In(lang).Title})
		}
		term.print("%s: %s\n\n%s\n", blog.Name, t.Posts.N(len(posts)), alignColumns(rows))
	}
	prompt := func() {
		msg := t.PlainPrompt
		if hasPty {
			term.print("%s", msg)
			return
		}
		// Without a PTY the prompt goes to stderr, so that stdout stays the
		// text a script asked for.
		fmt.Fprint(sess.Stderr(), msg)
	}
	if hasPty {
		list()
	} else {
		s.Metrics.commandRun("ls")
		env := commandEnv{out: sess, host: host, stats: stats, lang: lang, blog: s.CurrentBlog()}
		if err := s.cmdLs(env, nil); err != nil {
			_ = sess.Exit(1)
			return
		}
		fmt.Fprintf(sess.Stderr(), t.PlainAppHint+"\n", host, host)
	}
	// A deep link (ssh -t HOST SLUG) opens its post first.
	pending := strings.Join(sess.Command(), " ")
	for {
		line := pending
		if pending == "" {
			prompt()
			var err error
			if line, err = term.readLine(); err != nil {
				_ = sess.Exit(0)
				return
			}
		}
		pending = ""
		line = strings.TrimSpace(line)
		var post *content.Post
		switch {
		case line == "":
			list()
			continue
		case line == "q" || line == "quit" || line == "exit":
			_ = sess.Exit(0)
			return
		default:
			if n, err := strconv.Atoi(line); err == nil && n >= 1 && n <= len(posts) {
				post = posts[n-1]
			} else if p, ok := s.CurrentBlog().Post(line); ok {
				post = p
			}
		}
		if post == nil {
			term.print(t.PlainNoPost+"\n", sanitize.Line(clipBytes(line, 80)), len(posts))
			continue
		}
		s.Metrics.postViewed(post)
		stats.viewed.Add(1)
		ctx := context.Context(sess.Context())
		if own, ok := sess.(*session); ok {
			ctx = own.ctx
		}
		doc := post.In(lang)
		text, err := s.Renderer.RenderContext(ctx, doc, min(width, maxReadWidth), render.NoColor)
		if err != nil {
			term.print(t.PlainCannotShow+"\n", post.Slug)
			continue
		}
		term.print("\n%s\n\n", postText(doc, text, true))
	}
}
