package server

import (
	"flag"
	"net"
	"os"
	"strings"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
	"github.com/sshblog/sshblog/internal/tui"
)

// aboutJSON is `about --json`.
type aboutJSON struct {
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Author      string         `json:"author"`
	URL         string         `json:"url"`
	Posts       int            `json:"posts"`
	Tags        int            `json:"tags"`
	TopTags     []string       `json:"top_tags"`
	Languages   []languageJSON `json:"languages"`
	TimeZone    string         `json:"time_zone"`
	SSH         string         `json:"ssh"`
	HostKey     string         `json:"host_key"`
}

type languageJSON struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// about is what the about command shows, for a reader who reaches the
// server as host.
func (s *Server) about(blog *content.Blog, host string) tui.About {
	return tui.NewAbout(blog, host, s.fingerprint)
}

func (s *Server) cmdAbout(env commandEnv, args []string) error {
	fs := flag.NewFlagSet("about", flag.ContinueOnError)
	asJSON := fs.Bool("json", false, "print JSON")
	rest, err := parseArgs(fs, env.host, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usage("about: unexpected argument %q: try 'ssh %s help'", shown(rest[0]), env.host)
	}
	a := s.about(env.blog, env.host)
	if *asJSON {
		j := aboutJSON{
			Title: a.Title, Description: a.Description, Author: a.Author, URL: a.URL,
			Posts: a.Posts, Tags: a.Tags, TopTags: a.TopTags, Languages: []languageJSON{},
			TimeZone: a.TimeZone, SSH: a.SSH, HostKey: a.HostKey,
		}
		if j.TopTags == nil {
			j.TopTags = []string{}
		}
		for _, l := range a.Languages {
			j.Languages = append(j.Languages, languageJSON(l))
		}
		return writeJSON(env.out, j)
	}
	var rows [][]string
	for _, f := range a.Fields(locale.For("en")) { // script output stays English
		rows = append(rows, []string{f.Label, f.Value})
	}
	return writeTable(env, rows)
}

// LinkHost is the host deep links to posts are shown with in rendered
// text ("ssh -t HOST SLUG"). The renderer's cache is shared by every
// session, so this is one host for all of them, not the address each
// reader connected to (hostHint): PublicAddr when set, which is what an
// operator behind a load balancer or NAT must set anyway; else the
// address the server listens on when it names one; else, for a wildcard
// listener (":2222", "0.0.0.0"), this machine's host name with the port.
// A reader who reached the server another way still has the slug to type.
// The web mirror shows the same host.
func LinkHost(public string, listen net.Addr) string {
	if public != "" {
		return hintFor(public)
	}
	if listen == nil {
		return ""
	}
	addr := listen.String()
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return hintFor(addr)
	}
	if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
		name, err := os.Hostname()
		if err != nil || name == "" || strings.ContainsAny(name, " \t") {
			return ""
		}
		host = name
	}
	return hintFor(net.JoinHostPort(host, port))
}
