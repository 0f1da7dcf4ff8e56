package content

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// A date without a zone is in Options.Location, UTC by default.
func TestDateLocation(t *testing.T) {
	seoul := time.FixedZone("KST", 9*3600)
	fsys := fstest.MapFS{
		"a.md": {Data: []byte("---\ndate: 2017-06-11 21:06:00\n---\nx\n")},
		"b.md": {Data: []byte("---\ndate: 2017-06-11 21:06:00 +0100\n---\nx\n")},
		"c.md": {Data: []byte("+++\ndate = 2017-06-11T21:06:00\n+++\nx\n")},
		"d.md": {Data: []byte("+++\ndate = 2017-06-11\n+++\nx\n")},
	}
	want := map[string]time.Time{
		"a": time.Date(2017, 6, 11, 21, 6, 0, 0, seoul),
		"b": time.Date(2017, 6, 11, 21, 6, 0, 0, time.FixedZone("", 3600)),
		"c": time.Date(2017, 6, 11, 21, 6, 0, 0, seoul),
		"d": time.Date(2017, 6, 11, 0, 0, 0, 0, seoul),
	}
	blog, problems, err := Load(fsys, Options{Location: seoul})
	if err != nil || len(problems) > 0 {
		t.Fatal(err, problems)
	}
	for slug, w := range want {
		p, _ := blog.Post(slug)
		if !p.Date.Equal(w) {
			t.Errorf("%s: Date = %v, want %v", slug, p.Date, w)
		}
	}
	blog, _, _ = Load(fsys, Options{})
	if p, _ := blog.Post("a"); p.Date.Location() != time.UTC || p.Date.Hour() != 21 {
		t.Errorf("default zone: Date = %v, want 21:06 UTC", p.Date)
	}
}

// Every problem names the file and the line it is on, counting the opening
// --- as line 1, whatever the line ends and byte order mark.
func TestParseErrors(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"date line", "---\ntitle: x\n\n# comment\ndate: 2017-05-29 24:12:00\n---\n", `x.md:5: date "2017-05-29 24:12:00": hour out of range`},
		{"date line CRLF BOM", "\ufeff---\r\ntitle: x\r\ndate: 2017-05-29 24:12:00\r\n---\r\n", `x.md:3: date "2017-05-29 24:12:00": hour out of range`},
		{"quoted date", "---\ndate: \"2017-02-31x\"\n---\n", `x.md:2: date "2017-02-31x": not a date: write it as 2006-01-02 15:04:05 -0700`},
		{"not a date", "---\ndate: soon\n---\n", `x.md:2: date "soon": not a date: write it as 2006-01-02 15:04:05 -0700`},
		{"updated", "---\ndate: 2017-01-01\nlast_modified_at: 2017-01-32\n---\n", `x.md:3: last_modified_at "2017-01-32": day out of range`},
		{"date list", "---\ndate: [2017-01-01]\ntitle: [a, b]\n---\n", ""},
		{"title list", "---\ndate: 2017-01-01\ntitle: [a, b]\n---\n", `x.md:3: title: expected text, found a list: write it as title: "..."`},
		{"title map", "---\ndate: 2017-01-01\ntitle:\n  en: x\n---\n", `x.md:3: title: expected text, found a map: write it as title: "..."`},
		{"draft", "---\ndate: 2017-01-01\ndraft: maybe\n---\n", `x.md:3: draft: expected true or false, found "maybe"`},
		{"nested tags", "---\ndate: 2017-01-01\ntags:\n  - a\n  - [b, c]\n---\n", `x.md:5: tags: expected words, found a nested list or map: write tags: [go, ssh]`},
		{"tags map", "---\ndate: 2017-01-01\ntags: {a: b}\n---\n", `x.md:3: tags: expected a list like [go, ssh] or words separated by spaces, found a map`},
		{"yaml syntax", "---\ndate: 2017-01-01\ntitle: a: b\n---\n", `x.md:3: front matter: mapping values are not allowed in this context: check the YAML syntax (quote values that hold a colon)`},
		{"yaml key", "---\ndate: 2017-01-01\n- item\n---\n", `x.md:3: front matter: did not find expected key: check the YAML syntax (quote values that hold a colon)`},
		{"yaml tab", "---\ndate: 2017-01-01\n\ttitle: x\n---\n", `x.md:3: front matter: found a tab character that violates indentation: check the YAML syntax (quote values that hold a colon)`},
		{"not a map", "---\njust some text\n---\n", `x.md:2: front matter: expected "key: value" lines, found a single value`},
		{"unclosed", "---\ntitle: x\n", `x.md:1: front matter opened with --- is never closed: add a --- line after the last setting`},
		{"unclosed toml", "+++\ntitle = 'x'\n", `x.md:1: front matter opened with +++ is never closed: add a +++ line after the last setting`},
		{"toml string date", "+++\ntitle = 'x'\ndate = \"2017-05-29 24:12:00\"\n+++\n", `x.md:3: date "2017-05-29 24:12:00": hour out of range`},
		{"toml date", "+++\ntitle = 'x'\n\ndate = 2017-05-29T24:12:00 # late\n+++\n", `x.md:4: date "2017-05-29T24:12:00": hour out of range`},
		{"toml syntax", "+++\ntitle = x\n+++\n", ""},
		{"utf-16", "\xff\xfe-\x00-\x00", `x.md:1: file is UTF-16: save it as UTF-8`},
		{"invalid utf-8", "---\ndate: 2017-01-01\n---\n\nok\n\xc3\x28\n", `x.md:6: not valid UTF-8 (byte 0xc3): save the file as UTF-8`},
		{"no date", "no front matter\n", `x.md: no date: add "date: YYYY-MM-DD" to the front matter or name the file YYYY-MM-DD-x.md`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parsePost("x.md", []byte(tt.in), parseOptions{})
			switch {
			case tt.want == "":
				if err == nil {
					t.Fatal("no error")
				}
				t.Log(err)
			case err == nil:
				t.Fatalf("no error, want %s", tt.want)
			case err.Error() != tt.want:
				t.Fatalf("error\n got: %s\nwant: %s", err, tt.want)
			}
		})
	}
}

func TestParseErrorName(t *testing.T) {
	tests := []struct {
		e    ParseError
		want string
	}{
		{ParseError{Path: "x.md", Line: 3, Msg: "m"}, "x.md:3: m"},
		{ParseError{Path: "a/x.md", Msg: "m"}, "a/x.md: m"},
		{ParseError{Root: "content/posts", Path: "a/x.md", Line: 1, Msg: "m"}, "content/posts/a/x.md:1: m"},
		{ParseError{Root: "./content/", Path: "x.md", Line: 1, Msg: "m"}, "./content/x.md:1: m"},
		{ParseError{Root: "content", Path: ".", Msg: "m"}, "content: m"},
		{ParseError{Path: "evil\x1b[31m.md", Msg: "two\nlines\x1b]0;x\x07"}, `"evil\x1b[31m.md": two lines`},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestLoadDeterministic(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 300 {
		data := fmt.Sprintf("---\ntitle: Post %d\ndate: 2020-01-%02d\ntags: [t%d, T%d]\n---\nBody %d\n", i, i%28+1, i%7, i%5, i)
		switch i % 50 {
		case 3:
			data = "---\ndate: 2020-01-01 24:30:00\n---\n"
		case 7:
			data = "---\ntitle: dup\nslug: dup\ndate: 2020-01-01\n---\n"
		}
		fsys[fmt.Sprintf("p/%03d-post.md", i)] = &fstest.MapFile{Data: []byte(data)}
	}
	describe := func() string {
		blog, problems, err := Load(fsys, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for _, p := range blog.Posts() {
			fmt.Fprintln(&b, p.Slug, p.Date, p.Tags)
		}
		for _, tag := range blog.Tags() {
			fmt.Fprintln(&b, tag)
		}
		for _, p := range problems {
			fmt.Fprintln(&b, p)
		}
		return b.String()
	}
	first := describe()
	for range 5 {
		if got := describe(); got != first {
			t.Fatal("two loads differ")
		}
	}
	if !strings.Contains(first, "2020-01-01-dup-6") {
		t.Errorf("the posts sharing a slug are not all shown:\n%s", first)
	}
}

// A hidden post (a forgotten draft of the same post) takes nothing from a
// visible one with its slug.
func TestDuplicateSlugHiddenTakesNothing(t *testing.T) {
	fsys := fstest.MapFS{
		"_drafts/post.md":           {Data: []byte("draft\n")},
		"_posts/2020-01-01-post.md": {Data: []byte("published\n")},
	}
	blog, problems, err := Load(fsys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := blog.Post("post"); !ok || p.Path != "_posts/2020-01-01-post.md" || p.Slug != "post" {
		t.Errorf("Post(post) = %v, %v; want the published one, as post", p, ok)
	}
	if len(problems) != 0 || len(blog.Warnings()) != 0 {
		t.Errorf("problems %v, warnings %v", problems, blog.Warnings())
	}
}

// Posts sharing a slug are all shown, each under the date form of Jekyll's
// URL; the plain slug opens the newest.
func TestDuplicateSlugsAllShown(t *testing.T) {
	fsys := fstest.MapFS{
		"posts/2017-03-08-word2vec.md": {Data: []byte("first\n")},
		"posts/2017-03-30-word2vec.md": {Data: []byte("second\n")},
		"notes/2017-03-30-word2vec.md": {Data: []byte("the same day\n")},
		"posts/2017-04-01-other.md":    {Data: []byte("other\n")},
	}
	blog, problems, err := Load(fsys, Options{})
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}
	var got []string
	for _, p := range blog.Posts() {
		got = append(got, p.Slug+" "+p.Path)
	}
	want := []string{"other posts/2017-04-01-other.md", "2017-03-30-word2vec notes/2017-03-30-word2vec.md",
		"2017-03-30-word2vec-2 posts/2017-03-30-word2vec.md", "2017-03-08-word2vec posts/2017-03-08-word2vec.md"}
	if !slices.Equal(got, want) {
		t.Errorf("posts\n%q\nwant\n%q", got, want)
	}
	for slug, path := range map[string]string{"word2vec": "notes/2017-03-30-word2vec.md",
		"2017-03-08-word2vec": "posts/2017-03-08-word2vec.md", "2017-03-30-WORD2VEC-2": "posts/2017-03-30-word2vec.md"} {
		if p, ok := blog.Post(slug); !ok || p.Path != path {
			t.Errorf("Post(%q) = %v, want %s", slug, p, path)
		}
	}
	if len(blog.Warnings()) != 3 {
		t.Errorf("warnings %q: want one per post sharing the slug", blog.Warnings())
	}
	for _, w := range blog.Warnings() {
		if !strings.Contains(w.Error(), `slug "word2vec" is also used by`) {
			t.Errorf("warning %q does not name the others", w)
		}
	}
}

func TestLoadUnreadable(t *testing.T) {
	if _, _, err := Load(fstest.MapFS{}, Options{}); err != nil {
		t.Errorf("an empty folder is not an error for Load: %v", err)
	}
	big := make([]byte, maxFileSize+1)
	_, problems, _ := Load(fstest.MapFS{"big.md": {Data: big}}, Options{})
	if len(problems) != 1 || !strings.Contains(problems[0].Error(), "big.md: file is 16 MB: a post may be at most 16 MB") {
		t.Errorf("problems = %v", problems)
	}
}

func TestSlugify(t *testing.T) {
	tests := []struct{ in, want string }{
		{"my-first_post", "my-first_post"},
		{"Hello, World!", "hello-world"},
		{"  spaced  out  ", "spaced-out"},
		{"한글 제목", "한글-제목"},
		{"हिन्दी", "हिन्दी"},        // combining marks stay
		{"\u1112\u1161\u11ab", "한"}, // NFD (macOS file names) becomes NFC
		{"C++ & Go", "c-go"},
		{"!!!", ""},
	}
	for _, tt := range tests {
		if got := slugify(tt.in); got != tt.want {
			t.Errorf("slugify(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// parsePost turns one file into a Post on its own, as Load does for a site
// with no other post: parseHead, then parseBody.
func parsePost(name string, data []byte, po parseOptions) (*parsed, error) {
	pp, err := parseHead(name, data, po)
	if err != nil {
		return nil, err
	}
	pp.parseBody(nil)
	return pp, nil
}
