package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/content"
)

// validate checks feed against RFC 4287's schema (testdata/atom.rng) with
// xmllint, which is Debian's libxml2-utils: scripts/test.sh installs it.
func validate(t *testing.T, feed []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Fatal("xmllint not found: run scripts/test.sh, which installs libxml2-utils (apt-get install libxml2-utils)")
	}
	file := filepath.Join(t.TempDir(), "feed.xml")
	if err := os.WriteFile(file, feed, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, xmllint, "--noout", "--relaxng", "testdata/atom.rng", file).CombinedOutput()
	if err != nil {
		t.Fatalf("the feed is not valid Atom: xmllint: %v\n%s\nfeed:\n%s", err, out, head(feed))
	}
}

// head is the start of a long feed, for a failure message.
func head(b []byte) []byte {
	if len(b) > 4000 {
		return append(b[:4000:4000], "…"...)
	}
	return b
}

// feed writes the feed and reads it back.
func feed(t *testing.T, b *content.Blog, tag string, opts FeedOptions) ([]byte, atomFeed) {
	t.Helper()
	var buf bytes.Buffer
	if err := WriteFeed(&buf, b, tag, opts); err != nil {
		t.Fatalf("WriteFeed(%q): %v", tag, err)
	}
	var f atomFeed
	if err := xml.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatalf("the feed is not well-formed: %v\n%s", err, head(buf.Bytes()))
	}
	return buf.Bytes(), f
}

// TestFeedValid writes every corpus blog's feed, and three of its tags'
// feeds, with absolute and relative links, and has xmllint check each
// against the Atom schema; and checks what the schema cannot: order,
// links, ids, tags.
func TestFeedValid(t *testing.T) {
	opts := []FeedOptions{
		{Base: "https://blog.example.com", Host: "blog.example.com"},
		{Host: "-p 2222 localhost"},
	}
	for name, b := range corpus(t) {
		tags := []string{""}
		for i, tag := range b.Tags() {
			if i == 3 {
				break
			}
			tags = append(tags, tag.Name)
		}
		for _, tag := range tags {
			for _, o := range opts {
				t.Run(fmt.Sprintf("%s/%s/%s", name, tag, o.Base), func(t *testing.T) {
					raw, f := feed(t, b, tag, o)
					validate(t, raw)
					checkFeed(t, b, tag, o, f)
				})
			}
		}
	}
}

// checkFeed checks f, the feed of b (or of its tag), beyond its schema.
func checkFeed(t *testing.T, b *content.Blog, tag string, o FeedOptions, f atomFeed) {
	t.Helper()
	want := b.Posts()
	title, self := b.Name, o.Base+"/feed.xml"
	if tag != "" {
		want = b.Tagged(tag)
		title = b.Name + ": " + tag
		self = o.Base + "/tags/" + url.PathEscape(tag) + "/feed.xml"
	}
	want = want[:min(len(want), MaxFeedEntries)]
	if f.Title.Body != title {
		t.Errorf("title %q, want %q", f.Title.Body, title)
	}
	if f.Generator != "sshblog" {
		t.Errorf("generator %q", f.Generator)
	}
	if !hasLink(f.Links, "self", self) {
		t.Errorf("no self link %q in %+v", self, f.Links)
	}
	if len(f.Entries) != len(want) {
		t.Fatalf("%d entries, want %d", len(f.Entries), len(want))
	}
	ids := map[string]bool{f.ID: true}
	var newest time.Time
	for i, e := range f.Entries {
		p := want[i]
		if e.Title.Body != p.Title {
			t.Errorf("entry %d is %q, want %q (newest first)", i, e.Title.Body, p.Title)
		}
		if i > 0 && parseDate(t, e.Published).After(parseDate(t, f.Entries[i-1].Published)) {
			t.Errorf("entry %d (%s) is newer than entry %d (%s)", i, e.Published, i-1, f.Entries[i-1].Published)
		}
		if ids[e.ID] {
			t.Errorf("entry %d: id %s is taken", i, e.ID)
		}
		ids[e.ID] = true
		if !strings.HasPrefix(e.ID, "urn:uuid:") || strings.Contains(e.ID, p.Slug) {
			t.Errorf("entry %d: id %s: want a urn:uuid not made of the slug", i, e.ID)
		}
		if !hasLink(e.Links, "alternate", o.Base+"/posts/"+url.PathEscape(p.Slug)) {
			t.Errorf("entry %d: no alternate link to the post in %+v", i, e.Links)
		}
		if tag != "" && !p.HasTag(tag) {
			t.Errorf("entry %d (%s) is not tagged %s", i, p.Path, tag)
		}
		var terms []string
		for _, c := range e.Categories {
			terms = append(terms, c.Term)
		}
		if strings.Join(terms, "\n") != strings.Join(p.Tags, "\n") {
			t.Errorf("entry %d: categories %q, want %q", i, terms, p.Tags)
		}
		if e.Content != nil && !strings.Contains(e.Content.Body, "ssh -t ") {
			t.Errorf("entry %d: no deep link in the content", i)
		}
		if e.Content != nil {
			checkSafe(t, e.Content.Body)
		}
		if u := parseDate(t, e.Updated); u.After(newest) {
			newest = u
		}
	}
	if len(f.Entries) > 0 && !parseDate(t, f.Updated).Equal(newest) {
		t.Errorf("feed updated %s, want the newest entry's, %s", f.Updated, newest)
	}
}

func hasLink(links []atomLink, rel, href string) bool {
	for _, l := range links {
		if l.Rel == rel && l.Href == href {
			return true
		}
	}
	return false
}

func parseDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Errorf("date %q is not RFC 3339: %v", s, err)
	}
	return d
}

// TestFeedIDStable loads one post under two file names (so two slugs,
// two paths): its id must be the same, and so must the feed's; another
// post, or the same title on another day, has another.
func TestFeedIDStable(t *testing.T) {
	post := "---\ntitle: \"같은 글\"\ndate: 2021-03-04 05:06:07 +0900\ntags: [a]\n---\nbody\n"
	a := loadMap(t, map[string]string{"2021-03-04-first-name.md": post})
	b := loadMap(t, map[string]string{"drafts/renamed/2021-03-04-other-name.md": post})
	_, fa := feed(t, a, "", FeedOptions{})
	_, fb := feed(t, b, "", FeedOptions{})
	if a.Posts()[0].Slug == b.Posts()[0].Slug {
		t.Fatal("the test wants two slugs")
	}
	if fa.Entries[0].ID != fb.Entries[0].ID {
		t.Errorf("renaming the file changed the id: %s, %s", fa.Entries[0].ID, fb.Entries[0].ID)
	}
	if fa.ID != fb.ID {
		t.Errorf("renaming a file changed the feed's id: %s, %s", fa.ID, fb.ID)
	}
	_, ta := feed(t, a, "a", FeedOptions{})
	if ta.ID == fa.ID {
		t.Errorf("the tag's feed has the blog's id %s", ta.ID)
	}
	if ta.Entries[0].ID != fa.Entries[0].ID {
		t.Errorf("the entry's id differs between the feeds: %s, %s", ta.Entries[0].ID, fa.Entries[0].ID)
	}

	c := loadMap(t, map[string]string{
		"2021-03-04-first-name.md": post,
		"2021-03-05-next-day.md":   strings.Replace(post, "2021-03-04", "2021-03-05", 1),
		"2021-03-04-other.md":      strings.Replace(post, "같은 글", "다른 글", 1),
	})
	_, fc := feed(t, c, "", FeedOptions{})
	seen := map[string]string{}
	for _, e := range fc.Entries {
		if other, ok := seen[e.ID]; ok {
			t.Errorf("%q and %q share id %s", other, e.Title.Body+" "+e.Published, e.ID)
		}
		seen[e.ID] = e.Title.Body + " " + e.Published
	}
	if len(seen) != 3 || seen[fa.Entries[0].ID] == "" {
		t.Errorf("ids %v; want three, the first post's %s among them", seen, fa.Entries[0].ID)
	}
}

// TestUUID5 checks the UUID against RFC 9562's example (appendix A.4).
func TestUUID5(t *testing.T) {
	dns := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8}
	if got, want := uuid5(dns, "www.example.com"), "2ed6657d-e927-568b-95e1-2665a8aea6a2"; got != want {
		t.Errorf("uuid5(DNS, www.example.com) = %s, want %s", got, want)
	}
	if got, want := fmt.Sprintf("%x", feedNamespace), "7dc9f82975b551ffa3fab3ee75360a0b"; got != want {
		t.Errorf("feedNamespace = %s, want %s as documented", got, want)
	}
}

func TestFeedTag(t *testing.T) {
	b := loadMap(t, map[string]string{
		"2020-01-01-a.md": "---\ntitle: A\ntags: [Go, 한글]\n---\na\n",
		"2020-01-02-b.md": "---\ntitle: B\ntags: [rust]\n---\nb\n",
		"2020-01-03-c.md": "---\ntitle: C\ntags: [go]\n---\nc\n",
	})
	raw, f := feed(t, b, "GO", FeedOptions{Base: "https://x.example/"})
	validate(t, raw)
	if got := f.Title.Body; got != b.Name+": Go" {
		t.Errorf("title %q, want the tag as first written", got)
	}
	if len(f.Entries) != 2 || f.Entries[0].Title.Body != "C" || f.Entries[1].Title.Body != "A" {
		t.Errorf("entries %+v, want C then A", f.Entries)
	}
	if !hasLink(f.Links, "self", "https://x.example/tags/Go/feed.xml") || !hasLink(f.Links, "alternate", "https://x.example/tags/Go") {
		t.Errorf("links %+v", f.Links)
	}
	raw, f = feed(t, b, "한글", FeedOptions{})
	validate(t, raw)
	if len(f.Entries) != 1 || f.Title.Body != b.Name+": 한글" || !hasLink(f.Links, "self", "/tags/%ED%95%9C%EA%B8%80/feed.xml") {
		t.Errorf("Korean tag's feed: %q %+v %+v", f.Title.Body, f.Links, f.Entries)
	}

	var buf bytes.Buffer
	err := WriteFeed(&buf, b, "python", FeedOptions{})
	if !errors.Is(err, ErrNoTag) || !strings.Contains(err.Error(), `"python"`) {
		t.Errorf("unknown tag: %v, want ErrNoTag naming it", err)
	}
	if buf.Len() != 0 {
		t.Errorf("an unknown tag wrote %q", buf.String())
	}
}

// TestFeedBound has more posts than a feed takes, each long: the feed
// has the newest MaxFeedEntries, and content only within
// MaxFeedContentBytes.
func TestFeedBound(t *testing.T) {
	files := map[string]string{}
	long := strings.Repeat("A long paragraph of a long post. ", 3000) + "\n" // ~100 KB
	start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	n := MaxFeedEntries + 10
	for i := range n {
		d := start.AddDate(0, 0, i).Format("2006-01-02")
		files[d+"-post.md"] = fmt.Sprintf("---\ntitle: Post %d\n---\n%s", i, long)
	}
	b := loadMap(t, files)
	if b.Len() != n {
		t.Fatalf("%d posts, want %d", b.Len(), n)
	}
	raw, f := feed(t, b, "", FeedOptions{})
	validate(t, raw)
	if len(f.Entries) != MaxFeedEntries {
		t.Fatalf("%d entries, want %d", len(f.Entries), MaxFeedEntries)
	}
	if f.Entries[0].Title.Body != fmt.Sprintf("Post %d", n-1) || f.Entries[MaxFeedEntries-1].Title.Body != fmt.Sprintf("Post %d", n-MaxFeedEntries) {
		t.Errorf("entries from %q to %q, want the newest", f.Entries[0].Title.Body, f.Entries[MaxFeedEntries-1].Title.Body)
	}
	size, with := 0, 0
	for i, e := range f.Entries {
		if e.Content == nil {
			continue
		}
		if with != i {
			t.Errorf("entry %d has content after one without", i)
		}
		with++
		size += len(e.Content.Body)
	}
	if size > MaxFeedContentBytes || with == 0 || with == len(f.Entries) {
		t.Errorf("%d entries with %d bytes of content; want some, within %d", with, size, MaxFeedContentBytes)
	}
	if len(raw) > 2*MaxFeedContentBytes {
		t.Errorf("the feed is %d bytes", len(raw))
	}
}

// TestFeedHostile puts into a feed what XML 1.0 does not allow, what ends
// its elements and what runs script: it must stay well-formed and valid,
// and the content safe. Some of it content would strip at load; the
// fields are set again after Load to check the feed alone.
func TestFeedHostile(t *testing.T) {
	nasty := "a\x00b\x01c\x1bd\x7fe\u0085f\uFFFEg\uFFFFh\xffi\ud7ff\U0010FFFF]]></title></content><script>&amp;&"
	b := loadMap(t, map[string]string{
		"2020-01-01-x.md": "---\ntitle: \"<script>alert(1)</script> & ]]>\"\ndescription: \"</summary>\"\ntags: [\"a&b\", \"<c>\", \"\\\"q\\\"\"]\n---\n" +
			strings.Join(func() []string {
				var bodies []string
				for _, h := range hostile {
					bodies = append(bodies, h.body)
				}
				return bodies
			}(), "\n") + "\n]]> </content> \uFFFE\n",
		"2020-01-02-y.md": "---\ntitle: \"한국어 제목: 日本語のタイトル\"\n---\n본문\n",
	})
	raw, f := feed(t, b, "", FeedOptions{Host: "x'; rm -rf /"})
	validate(t, raw)
	if f.Entries[0].Title.Body != "한국어 제목: 日本語のタイトル" {
		t.Errorf("Korean title %q", f.Entries[0].Title.Body)
	}
	checkFeed(t, b, "", FeedOptions{}, f)

	p := b.Posts()[1]
	p.Title, p.Description, p.Tags = nasty, nasty, []string{nasty}
	for _, o := range []FeedOptions{{}, {Base: "https://x.example/" + nasty}} {
		raw, f = feed(t, b, "", o)
		validate(t, raw)
		if len(f.Entries) != 2 || !strings.Contains(f.Entries[1].Title.Body, "</content><script>&amp;&") {
			t.Errorf("the title did not come through: %q", f.Entries[1].Title.Body)
		}
	}
}

// TestFeedEmpty is a blog without visible posts: its feed is valid, dated
// opts.Now.
func TestFeedEmpty(t *testing.T) {
	b := loadMap(t, map[string]string{"2020-01-01-x.md": "---\ndraft: true\n---\nx\n"})
	if b.Len() != 0 {
		t.Fatalf("%d posts", b.Len())
	}
	now := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	raw, f := feed(t, b, "", FeedOptions{Now: now})
	validate(t, raw)
	if f.Updated != "2024-05-06T07:08:09Z" || len(f.Entries) != 0 {
		t.Errorf("updated %s, %d entries", f.Updated, len(f.Entries))
	}
}

// TestFeedGolden is a small blog's whole feed. go test -update rewrites it.
func TestFeedGolden(t *testing.T) {
	b := loadMap(t, map[string]string{
		"_config.yml": "title: 테스트 블로그\ndescription: A blog & its feed\nauthor: Kim\nurl: https://blog.example.com\nlang: ko\n",
		"_posts/2021-03-04-first.md": "---\ntitle: 첫 글\ntags: [go, 한글]\nupdated: 2021-04-01\n---\n" +
			"See [the next one](sshblog:second) and *this*.\n",
		"_posts/2021-03-05-second.md": "---\ntitle: Second\ndescription: The second post.\n---\n# Heading\n\ntext\n",
	})
	raw, _ := feed(t, b, "", FeedOptions{Base: "https://blog.example.com", Host: "blog.example.com"})
	validate(t, raw)
	golden := "testdata/feed.golden"
	if *update {
		if err := os.WriteFile(golden, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(raw, want) {
		t.Errorf("the feed differs from %s (go test -update rewrites it):\n%s", golden, raw)
	}
}
