package server

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"charm.land/ssh"
	"github.com/charmbracelet/x/ansi"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
	"github.com/sshblog/sshblog/internal/render"
	"github.com/sshblog/sshblog/internal/sanitize"
	"github.com/sshblog/sshblog/internal/web"
)

// commandNames are the SSH commands; anything else given with a PTY is a
// deep link (a slug or tag/NAME).
var commandNames = map[string]string{
	"ls":    "ls [--tag TAG] [--json] [--lang L]   the posts, newest first",
	"tags":  "tags [--json]                        every tag with its post count",
	"read":  "read SLUG [--width N] [--lang L]     a post rendered for a terminal",
	"raw":   "raw SLUG [--lang L]                  a post's Markdown source",
	"about": "about [--json]                       the blog: title, author, languages, host key",
	"feed":  "feed [TAG]                           the Atom feed of the newest posts (of a tag)",
	"help":  "help                                 this list",
}

var commandOrder = []string{"ls", "tags", "read", "raw", "about", "feed", "help"}

// cmdError is a failed command: its one-line message goes to stderr and
// its status is the exit status: 1 for unknown commands, posts, tags and
// bad flags; 2 for a command called with the wrong arguments.
type cmdError struct {
	status int
	msg    string
}

func (e *cmdError) Error() string { return e.msg }

func failure(format string, args ...any) error {
	return &cmdError{1, fmt.Sprintf(format, args...)}
}

func usage(format string, args ...any) error {
	return &cmdError{2, fmt.Sprintf(format, args...)}
}

// shown makes a client's argument safe to print back: no control
// characters, bounded length.
func shown(s string) string {
	return sanitize.Line(clipBytes(s, 80))
}

// commandEnv is what a command needs to know about its session.
type commandEnv struct {
	out   io.Writer
	pty   bool
	width int // the PTY's width, 0 without a PTY
	host  string
	stats *sessionStats
	// lang is the client's locale (see locale.FromEnv): posts are shown
	// in their translation into it unless --lang says otherwise.
	lang string
	// blog is the blog the command reads, one for the whole command
	// whatever reloads meanwhile.
	blog *content.Blog
}

// runCommand runs the session's command and ends the session with its exit
// status.
func (s *Server) runCommand(sess ssh.Session) {
	pty, _, hasPty := sess.Pty()
	stats := statsOf(sess)
	env := commandEnv{out: sess, pty: hasPty, host: s.hostHint(sess), stats: stats, lang: locale.FromEnv(sess.Environ()), blog: s.CurrentBlog()}
	// A command reads nothing: take what the client sends anyway, so it
	// does not pile up in the channel's buffer (up to 2 MB).
	go func() {
		defer s.recoverPanic("command input", sess.RemoteAddr().String(), nil)
		_, _ = io.Copy(io.Discard, sess)
	}()
	if hasPty {
		env.width, _ = saneWindow(pty.Window)
	}
	args := sess.Command() // never empty: a shell is the plain mode (plain.go)
	s.Metrics.commandRun(args[0])
	err := s.dispatch(env, args[0], args[1:])
	status := 0
	if err != nil {
		var ce *cmdError
		if !errors.As(err, &ce) {
			ce = &cmdError{1, err.Error()}
		}
		fmt.Fprintf(sess.Stderr(), "%s\n", ce.msg)
		status = ce.status
	}
	_ = sess.Exit(status)
}

func (s *Server) dispatch(env commandEnv, name string, args []string) error {
	switch name {
	case "ls":
		return s.cmdLs(env, args)
	case "tags":
		return s.cmdTags(env, args)
	case "read":
		return s.cmdRead(env, args)
	case "raw":
		return s.cmdRaw(env, args)
	case "about":
		return s.cmdAbout(env, args)
	case "feed":
		return s.cmdFeed(env, args)
	case "help", "--help", "-h":
		return s.cmdHelp(env)
	}
	if _, ok := env.blog.Post(name); ok {
		return failure("%q is a post: open it with %s, or print it with ssh %s read %s", shown(name), render.DeepLink(env.host, shown(name)), env.host, shown(name))
	}
	return failure("unknown command %q: try 'ssh %s help'", shown(name), env.host)
}

// parseArgs parses flags anywhere among the arguments and returns the
// positional ones.
func parseArgs(fs *flag.FlagSet, host string, args []string) ([]string, error) {
	fs.SetOutput(io.Discard)
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, failure("%s: %s: try 'ssh %s help'", fs.Name(), shown(err.Error()), host)
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func (s *Server) cmdHelp(env commandEnv) error {
	fmt.Fprintf(env.out, "%s over SSH. Commands (ssh %s COMMAND):\n\n", env.blog.Name, env.host)
	for _, name := range commandOrder {
		fmt.Fprintf(env.out, "  %s\n", commandNames[name])
	}
	fmt.Fprintf(env.out, "\nRead in the app:  ssh -t %s\nOpen one post:    ssh -t %s SLUG\nOpen one tag:     ssh -t %s tag/TAG\n", env.host, env.host, env.host)
	return nil
}

// postJSON is one post in `ls --json`.
type postJSON struct {
	Slug           string    `json:"slug"`
	Title          string    `json:"title"`
	Date           time.Time `json:"date"`
	Updated        *string   `json:"updated"`
	Tags           []string  `json:"tags"`
	Description    string    `json:"description"`
	Words          int       `json:"words"`
	ReadingMinutes int       `json:"reading_minutes"`
	// For a post with translations: the language shown, and all of them
	// in the order of Post.Translations.
	Lang      string   `json:"lang,omitempty"`
	Languages []string `json:"languages,omitempty"`
}

func (s *Server) cmdLs(env commandEnv, args []string) error {
	fs := flag.NewFlagSet("ls", flag.ContinueOnError)
	tag := fs.String("tag", "", "only posts with this tag")
	asJSON := fs.Bool("json", false, "print JSON")
	lang := langFlag(fs, env)
	rest, err := parseArgs(fs, env.host, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usage("ls: unexpected argument %q: try 'ssh %s help'", shown(rest[0]), env.host)
	}
	if err := s.checkLang(fs.Name(), *lang, env); err != nil {
		return err
	}
	posts := env.blog.Posts()
	if *tag != "" {
		if _, ok := env.blog.Tag(*tag); !ok {
			return failure("no tag %q: try 'ssh %s tags'", shown(*tag), env.host)
		}
		posts = env.blog.Tagged(*tag)
	}
	if *asJSON {
		out := make([]postJSON, 0, len(posts))
		for _, base := range posts {
			p := base.In(*lang)
			j := postJSON{
				Slug: base.Slug, Title: p.Title, Date: p.Date, Tags: p.Tags,
				Description: p.Description, Words: p.Words, ReadingMinutes: p.ReadingMinutes(),
			}
			if ts := base.Translations(); len(ts) > 1 {
				j.Lang = p.Lang
				for _, t := range ts {
					j.Languages = append(j.Languages, t.Lang)
				}
			}
			if j.Tags == nil {
				j.Tags = []string{}
			}
			if !p.Updated.IsZero() {
				u := p.Updated.Format(time.RFC3339)
				j.Updated = &u
			}
			out = append(out, j)
		}
		return writeJSON(env.out, out)
	}
	rows := make([][]string, 0, len(posts))
	for _, p := range posts {
		shown := p.In(*lang)
		rows = append(rows, []string{p.Date.Format(time.DateOnly), p.Slug, shown.Title, strings.Join(shown.Tags, ", ")})
	}
	return writeTable(env, rows)
}

// cmdFeed prints the Atom feed of the blog, or of one tag, for a feed
// reader that runs a command ("ssh HOST feed > feed.xml"). Its links go
// to the web mirror at WebURL.
func (s *Server) cmdFeed(env commandEnv, args []string) error {
	fs := flag.NewFlagSet("feed", flag.ContinueOnError)
	rest, err := parseArgs(fs, env.host, args)
	if err != nil {
		return err
	}
	if len(rest) > 1 {
		return usage("usage: ssh %s feed [TAG] (the tags: ssh %s tags)", env.host, env.host)
	}
	tag := ""
	if len(rest) == 1 {
		tag = rest[0]
		if _, ok := env.blog.Tag(tag); !ok {
			return failure("no tag %q: try 'ssh %s tags'", shown(tag), env.host)
		}
	}
	return web.WriteFeed(env.out, env.blog, tag, web.FeedOptions{Base: s.WebURL, Host: env.host})
}

func (s *Server) cmdTags(env commandEnv, args []string) error {
	fs := flag.NewFlagSet("tags", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parseArgs(fs, env.host, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usage("tags: unexpected argument %q: try 'ssh %s help'", shown(rest[0]), env.host)
	}
	tags := env.blog.Tags()
	if *asJSON {
		type tagJSON struct {
			Tag   string `json:"tag"`
			Posts int    `json:"posts"`
		}
		out := make([]tagJSON, 0, len(tags))
		for _, t := range tags {
			out = append(out, tagJSON{t.Name, t.Count})
		}
		return writeJSON(env.out, out)
	}
	rows := make([][]string, 0, len(tags))
	for _, t := range tags {
		rows = append(rows, []string{strconv.Itoa(t.Count), t.Name})
	}
	return writeTable(env, rows)
}

func (s *Server) postArg(env commandEnv, cmd string, rest []string) (*content.Post, error) {
	if len(rest) != 1 {
		return nil, usage("usage: ssh %s %s SLUG (the slugs: ssh %s ls)", env.host, cmd, env.host)
	}
	p, ok := env.blog.Post(rest[0])
	if !ok {
		return nil, failure("no post %q: try 'ssh %s ls'", shown(rest[0]), env.host)
	}
	return p, nil
}

func (s *Server) cmdRead(env commandEnv, args []string) error {
	fs := flag.NewFlagSet("read", flag.ContinueOnError)
	width := fs.Int("width", 0, "columns to wrap at when there is no terminal")
	lang := langFlag(fs, env)
	rest, err := parseArgs(fs, env.host, args)
	if err != nil {
		return err
	}
	if err := s.checkLang(fs.Name(), *lang, env); err != nil {
		return err
	}
	if *width < 0 || *width > maxReadWidth {
		return failure("read: --width %d: use 20 to %d", *width, maxReadWidth)
	}
	p, err := s.postArg(env, "read", rest)
	if err != nil {
		return err
	}
	w := env.width
	if w == 0 {
		w = *width
	}
	if w == 0 {
		w = 80
	}
	style := render.Dark
	if !env.pty {
		style = render.NoColor
	}
	s.Metrics.postViewed(p)
	env.stats.viewed.Add(1)
	doc := p.In(*lang)
	text, err := s.Renderer.Render(doc, w, style)
	if err != nil {
		s.Logger.Error("rendering failed", "post", doc.Path, "err", err)
		return failure("cannot render %q right now", p.Slug)
	}
	_, err = io.WriteString(env.out, postText(doc, text, !env.pty)+"\n")
	return err
}

// postText is a post as read prints it: title, date and tags, then the
// rendered text. plain strips it for a pipe or a dumb terminal: not a
// single escape sequence, and none of the spaces glamour pads lines with.
func postText(p *content.Post, rendered string, plain bool) string {
	header := p.Title + "\n" + p.Date.Format(time.DateOnly)
	if len(p.Tags) > 0 {
		header += " · " + strings.Join(p.Tags, ", ")
	}
	if plain {
		lines := strings.Split(ansi.Strip(rendered), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimRight(l, " ")
		}
		rendered = strings.Join(lines, "\n")
	}
	return header + "\n\n" + strings.TrimRight(rendered, "\n")
}

// maxReadWidth bounds --width, so one request cannot make the server render
// (and cache) absurdly wide text.
const maxReadWidth = 500

func (s *Server) cmdRaw(env commandEnv, args []string) error {
	fs := flag.NewFlagSet("raw", flag.ContinueOnError)
	lang := langFlag(fs, env)
	rest, err := parseArgs(fs, env.host, args)
	if err != nil {
		return err
	}
	if err := s.checkLang(fs.Name(), *lang, env); err != nil {
		return err
	}
	p, err := s.postArg(env, "raw", rest)
	if err != nil {
		return err
	}
	p = p.In(*lang)
	_, err = io.WriteString(env.out, p.Source)
	if err == nil && !strings.HasSuffix(p.Source, "\n") {
		_, err = io.WriteString(env.out, "\n")
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// writeTable prints aligned columns. With a PTY, rows are cut to the
// window so nothing wraps; without one, nothing is cut.
func writeTable(env commandEnv, rows [][]string) error {
	text := alignColumns(rows)
	if env.pty && env.width > 0 {
		lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
		for i, l := range lines {
			lines[i] = ansi.Truncate(strings.TrimRight(l, " "), env.width, "…")
		}
		text = strings.Join(lines, "\n") + "\n"
	}
	_, err := io.WriteString(env.out, text)
	return err
}

// hostHint is how readers reach the server, for messages that say what to
// type next: PublicAddr when set, else the address they connected to.
func (s *Server) hostHint(sess ssh.Session) string {
	addr := s.PublicAddr
	if addr == "" {
		addr = sess.LocalAddr().String()
	}
	return hintFor(addr)
}

// hintFor writes addr ("host:port") as ssh takes it: "host" for port 22,
// else "-p PORT host".
func hintFor(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr // a bare host name
	}
	if port == "22" {
		return host
	}
	return "-p " + port + " " + host
}

// alignColumns pads cells to their column's display width, measured in
// terminal columns so Korean and Japanese text (two columns a character)
// lines up; text/tabwriter counts runes and would not.
func alignColumns(rows [][]string) string {
	var widths []int
	for _, r := range rows {
		for i, cell := range r {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			widths[i] = max(widths[i], ansi.StringWidth(cell))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, cell := range r {
			b.WriteString(cell)
			if i < len(r)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(cell)+2))
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// langFlag is --lang: the language to show posts in, the client's locale
// by default.
func langFlag(fs *flag.FlagSet, env commandEnv) *string {
	return fs.String("lang", env.lang, "the language to show posts in")
}

// checkLang refuses a --lang that is no language code, or names a
// language the site does not have (when its config lists them); the
// client's own locale is never refused, posts then show in the site's
// default language.
func (s *Server) checkLang(cmd, lang string, env commandEnv) error {
	if lang == env.lang {
		return nil
	}
	if locale.FromEnv([]string{"LANG=" + lang}) != lang || locale.Base(lang) == "" {
		return failure("%s: --lang %q: give a language code such as en or ko", cmd, shown(lang))
	}
	langs := env.blog.Site().Languages
	if len(langs) == 0 {
		return nil
	}
	codes := make([]string, 0, len(langs))
	for _, l := range langs {
		if locale.Base(l.Code) == locale.Base(lang) {
			return nil
		}
		codes = append(codes, l.Code)
	}
	return failure("%s: --lang %q: this blog is in %s", cmd, shown(lang), strings.Join(codes, ", "))
}
