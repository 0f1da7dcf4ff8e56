package web

import (
	"crypto/sha1"
	"encoding/xml"
	"errors"
	"fmt"
	"html"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// MaxFeedEntries bounds a feed to its newest posts. Readers poll a feed
// and keep what they saw, so a feed needs only what is new since a
// reader's last poll; 50 covers a year of weekly posts. Each entry holds
// a whole post, so the bound is what keeps a feed, fetched by anyone at
// any rate, from growing with the blog.
const MaxFeedEntries = 50

// MaxFeedContentBytes bounds the HTML of the entries' content in one
// feed. Past it, entries carry their summary and link only, which Atom
// allows: fifty long posts would otherwise make a feed of tens of
// megabytes. The newest entry always has its content.
const MaxFeedContentBytes = 2 << 20

// ErrNoTag is WriteFeed's error for a tag no visible post carries.
var ErrNoTag = errors.New("no such tag")

// FeedOptions say where the feed's links point.
type FeedOptions struct {
	// Base is the absolute URL of the web mirror ("https://blog.example.com"),
	// for the feed's and entries' links (Base+"/posts/SLUG", Base+"/feed.xml");
	// "" writes links relative to the feed's own URL, which RFC 4287 allows
	// (resolved against the document's URI).
	Base string
	// Host is the SSH host hint for the deep link shown in each entry
	// ("ssh -t HOST SLUG"); "" shows HOST.
	Host string
	// Now is the feed's updated when the blog has no posts; zero: time.Now().
	Now time.Time
}

// WriteFeed writes the Atom feed (RFC 4287) of blog's posts, newest first,
// or of the posts tagged tag (compared case-insensitively) when tag != "";
// an unknown tag is an error (ErrNoTag) and nothing is written. Bounded:
// at most MaxFeedEntries entries (the newest), and MaxFeedContentBytes of
// content.
//
// # Ids
//
// An entry's id is "urn:uuid:" and a name-based UUID (version 5, RFC
// 9562) of the post's date (UTC, RFC 3339 to the second) and title: not
// its slug or file, so that renaming or moving the file, or a slug that
// changes when another post takes the same name, does not make readers
// show the post again as new. Editing the title or the date does; no other
// field of a post is both stable and unique. The feed's id is one of the
// site's URL (its config's url), else of the blog's name and Base, and,
// for a tag's feed, the tag.
func WriteFeed(w io.Writer, blog *content.Blog, tag string, opts FeedOptions) error {
	base := strings.TrimRight(opts.Base, "/")
	site := blog.Site()

	posts := blog.Posts()
	title := blog.Name
	self, alternate := base+"/feed.xml", base+"/"
	key := site.URL
	if key == "" {
		key = blog.Name + "\n" + base
	}
	key = "feed\n" + key
	if tag != "" {
		t, ok := blog.Tag(tag)
		if !ok {
			return fmt.Errorf("%w: %q", ErrNoTag, tag)
		}
		posts = blog.Tagged(t.Name)
		title = blog.Name + ": " + t.Name
		alternate = base + "/tags/" + url.PathEscape(t.Name)
		self = alternate + "/feed.xml"
		key += "\ntag\n" + strings.ToLower(t.Name)
	}
	posts = posts[:min(len(posts), MaxFeedEntries)]

	author := site.Author
	if author == "" {
		author = blog.Name
	}
	f := atomFeed{
		Lang:      langTag(site.DefaultLanguage),
		ID:        "urn:uuid:" + uuid5(feedNamespace, key),
		Title:     atomText{Type: "text", Body: title},
		Author:    atomPerson{Name: author},
		Generator: "sshblog",
		Links: []atomLink{
			{Rel: "self", Type: "application/atom+xml", Href: self},
			{Rel: "alternate", Type: "text/html", Href: alternate},
		},
	}
	if site.Description != "" {
		f.Subtitle = &atomText{Type: "text", Body: site.Description}
	}

	postURL := func(slug string) string { return base + "/posts/" + url.PathEscape(slug) }
	htmlOpts := HTMLOptions{
		PostURL:   postURL,
		PostTitle: blog.PostTitle,
	}
	var updated time.Time
	budget := MaxFeedContentBytes
	for i, p := range posts {
		e := atomEntry{
			Lang:      langTag(p.Lang),
			ID:        entryID(p),
			Title:     atomText{Type: "text", Body: p.Title},
			Published: atomDate(p.Date),
			Updated:   atomDate(postUpdated(p)),
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: postURL(p.Slug)}},
		}
		for _, t := range p.Tags {
			e.Categories = append(e.Categories, atomCategory{Term: t})
		}
		if p.Description != "" {
			e.Summary = &atomText{Type: "text", Body: p.Description}
		}
		body, err := PostHTML(p, htmlOpts)
		if err != nil {
			return err
		}
		c := string(body) + "<p>Read it over SSH: <code>" + html.EscapeString(render.DeepLink(opts.Host, p.Slug)) + "</code></p>"
		if i == 0 || len(c) <= budget {
			budget -= len(c)
			e.Content = &atomText{Type: "html", Body: c}
		}
		f.Entries = append(f.Entries, e)
		if u := postUpdated(p); u.After(updated) {
			updated = u
		}
	}
	if updated.IsZero() {
		updated = opts.Now
		if updated.IsZero() {
			updated = time.Now()
		}
	}
	f.Updated = atomDate(updated)

	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(f); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// The Atom document. encoding/xml escapes every string it writes, and
// writes characters XML 1.0 does not allow (control characters, U+FFFE,
// invalid UTF-8) as U+FFFD: the feed is well-formed whatever the posts
// hold.
type atomFeed struct {
	XMLName   xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string      `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID        string      `xml:"id"`
	Title     atomText    `xml:"title"`
	Subtitle  *atomText   `xml:"subtitle"`
	Updated   string      `xml:"updated"`
	Author    atomPerson  `xml:"author"`
	Links     []atomLink  `xml:"link"`
	Generator string      `xml:"generator"`
	Entries   []atomEntry `xml:"entry"`
}

type atomEntry struct {
	Lang       string         `xml:"http://www.w3.org/XML/1998/namespace lang,attr,omitempty"`
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary"`
	Content    *atomText      `xml:"content"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Body string `xml:",chardata"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

// postUpdated is when the post last changed: its Updated, else its Date.
func postUpdated(p *content.Post) time.Time {
	if !p.Updated.IsZero() {
		return p.Updated
	}
	return p.Date
}

// atomDate writes t as RFC 3339 (to the second, in t's own zone, as the
// post gave it), which is also an xsd:dateTime: within years 1 to 9999,
// the years both can write.
func atomDate(t time.Time) string {
	switch {
	case t.Year() < 1:
		t = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC)
	case t.Year() > 9999:
		t = time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC)
	}
	return t.Format(time.RFC3339)
}

// langRE is RFC 3066's language tag, as Atom's schema checks it.
var langRE = regexp.MustCompile(`^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$`)

// langTag is code as an xml:lang value, or "" when it is not a language
// tag (Hugo allows codes such as "en_US").
func langTag(code string) string {
	code = strings.ReplaceAll(code, "_", "-")
	if !langRE.MatchString(code) {
		return ""
	}
	return code
}

// entryID is the post's id in every feed: see WriteFeed.
func entryID(p *content.Post) string {
	return "urn:uuid:" + uuid5(feedNamespace, "entry\n"+p.Date.UTC().Format(time.RFC3339)+"\n"+p.Title)
}

// feedNamespace is the namespace of sshblog's feed ids: the name-based
// UUID of "https://github.com/sshblog/sshblog#atom" in RFC 9562's URL
// namespace, 7dc9f829-75b5-51ff-a3fa-b3ee75360a0b.
var feedNamespace = uuid5Bytes(
	[16]byte{0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}, // NameSpace_URL
	"https://github.com/sshblog/sshblog#atom")

// uuid5 is the name-based UUID (version 5, SHA-1) of name in namespace
// ns, as RFC 9562 section 5.5 makes it, in its text form.
func uuid5(ns [16]byte, name string) string {
	u := uuid5Bytes(ns, name)
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}

func uuid5Bytes(ns [16]byte, name string) [16]byte {
	h := sha1.New()
	h.Write(ns[:])
	h.Write([]byte(name))
	var u [16]byte
	copy(u[:], h.Sum(nil))
	u[6] = u[6]&0x0f | 0x50 // version 5
	u[8] = u[8]&0x3f | 0x80 // the variant of RFC 9562
	return u
}
