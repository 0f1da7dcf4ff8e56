package content

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

// longPost is a post of about size bytes: a front matter, then numbered
// lines of mixed ASCII and Korean (three bytes a character), with a fenced
// code block that opens shortly before MaxPostBytes and is still open
// there.
func longPost(size int) (file, body string) {
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		if b.Len() > MaxPostBytes-2000 && b.Len() < MaxPostBytes-1000 && !strings.Contains(b.String()[MaxPostBytes-3000:], "```") {
			b.WriteString("```go\n")
		}
		fmt.Fprintf(&b, "line %d: 한국어 텍스트와 English words side by side, 다시 한 번.\n", i)
		if i%10 == 9 {
			b.WriteString("\n")
		}
	}
	body = b.String()
	return "---\ntitle: Long\ndate: 2020-01-01\n---\n" + body, body
}

func TestLongPostIsCut(t *testing.T) {
	dir := t.TempDir()
	file, full := longPost(2 << 20)
	must(t, os.WriteFile(filepath.Join(dir, "long.md"), []byte(file), 0o644))
	kb := len(file) >> 10

	blog, problems, err := Load(openRoot(t, dir), Options{Root: "posts"})
	must(t, err)
	if len(problems) != 0 {
		t.Fatalf("problems: %v", problems)
	}
	p, ok := blog.Post("long")
	if !ok {
		t.Fatal("the long post did not load")
	}
	note := fmt.Sprintf("This post is longer than sshblog shows (%d KB); the rest is in its source file.", kb)

	// Body: the start of the text, to the end of a line under the cap, the
	// open code block closed, then the note.
	kept, ok := strings.CutSuffix(p.Body, "```\n\n"+note+"\n")
	if !ok {
		t.Fatalf("the body does not end with a closed fence and the note:\n%s", tail(p.Body))
	}
	if !strings.HasPrefix(full, kept) || !strings.HasSuffix(kept, "\n") {
		t.Errorf("the body kept is not whole lines of the post:\n%s", tail(kept))
	}
	if len(kept) > MaxPostBytes || len(kept) < MaxPostBytes-200 {
		t.Errorf("kept %d bytes of the body, want just under %d", len(kept), MaxPostBytes)
	}
	if strings.Count(p.Body, "```")%2 != 0 || !utf8.ValidString(p.Body) {
		t.Errorf("fences %d, valid UTF-8 %v", strings.Count(p.Body, "```"), utf8.ValidString(p.Body))
	}
	if p.Words != countWords(kept) {
		t.Errorf("Words = %d, want %d (the kept text)", p.Words, countWords(kept))
	}

	// Source ("raw"): cut at the same line, then the note.
	src, ok := strings.CutSuffix(p.Source, "\n"+note+"\n")
	if !ok || !strings.HasPrefix(file, src) || !strings.HasSuffix(src, kept) {
		t.Errorf("Source is not the file cut where the body is, then the note:\n%s", tail(p.Source))
	}

	want := fmt.Sprintf("posts/long.md: warning: post is %d KB: sshblog shows its first 512 KB, cut at a line, then a note that the rest is in this file; split it into shorter posts", kb)
	if w := blog.Warnings(); len(w) != 1 || w[0].Error() != want {
		t.Errorf("warnings %q, want %q", w, want)
	}

	var out strings.Builder
	if errs := Check(&out, openRoot(t, dir), "posts", Options{}); errs != 0 || out.String() != want+"\n1 post, 0 hidden, 0 errors, 1 warning\n" {
		t.Errorf("Check = %d:\n%s", errs, out.String())
	}
}

func TestPostUnderCapIsWhole(t *testing.T) {
	_, body := longPost(MaxPostBytes - 100)
	body = cutAtLine(body, MaxPostBytes-100) // whole lines
	file := "---\ntitle: Long\ndate: 2020-01-01\n---\n" + body
	blog, problems, err := Load(fsOf("a.md", file), Options{})
	must(t, err)
	p, _ := blog.Post("a")
	if len(problems) != 0 || len(blog.Warnings()) != 0 || p == nil || p.Body != body || p.Source != file {
		t.Errorf("a post under the cap changed: problems %v, warnings %v", problems, blog.Warnings())
	}
}

func TestCutAtLine(t *testing.T) {
	for _, tt := range []struct {
		s     string
		limit int
		want  string
	}{
		{"ab\ncd\nef", 7, "ab\ncd\n"},
		{"ab\ncd\nef", 6, "ab\ncd\n"},
		{"ab\ncd\nef", 5, "ab\n"},
		{"ab\ncd\n", 100, "ab\ncd\n"},
		{"ab\ncd", 100, "ab\n"}, // the start of a longer text: the last line may be partial
		{"한국어", 7, "한국"},        // one long line: before the character
		{"한국어", 5, "한"},         // never inside it
		{"abc", 0, ""},
	} {
		if got := cutAtLine(tt.s, tt.limit); got != tt.want {
			t.Errorf("cutAtLine(%q, %d) = %q, want %q", tt.s, tt.limit, got, tt.want)
		}
	}
	// A post that is one line of 1 MB.
	long := strings.Repeat("한", 1<<20/3)
	p, err := parsePost("2020-01-01-x.md", []byte(long), parseOptions{})
	must(t, err)
	body, _, _ := strings.Cut(p.post.Body, "\n")
	if !utf8.ValidString(body) || len(body) > MaxPostBytes || len(body) < MaxPostBytes-3 {
		t.Errorf("one long line: kept %d bytes, valid %v", len(body), utf8.ValidString(body))
	}
}

func TestTrimPartialRune(t *testing.T) {
	for in, want := range map[string]string{
		"ab":            "ab",
		"a한":            "a한",
		"a\xed\x95":     "a",
		"a\xed":         "a",
		"":              "",
		"한\xed\x95\x9c": "한한",
	} {
		if got := string(trimPartialRune([]byte(in))); got != want {
			t.Errorf("trimPartialRune(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestCloseFence(t *testing.T) {
	for in, want := range map[string]string{
		"text\n":                   "text\n",
		"```\ncode\n```\n":         "```\ncode\n```\n",
		"````go\ncode\n```\n":      "````go\ncode\n```\n````\n",
		"~~~\ncode":                "~~~\ncode\n~~~\n",
		"    indented\n    code\n": "    indented\n    code\n",
		"  ```\ncode\n":            "  ```\ncode\n```\n",
		"```":                      "```\n```\n",
		"- ```\n  code\n":          "- ```\n  code\n", // the list ends before the note
		"> ~~~\n> code":            "> ~~~\n> code\n",
	} {
		got := closeFence(in)
		if got != want {
			t.Errorf("closeFence(%q) = %q, want %q", in, got, want)
		}
		// What matters: the note after it is not code.
		doc := parseDoc(appendParagraph(got, "note"), false)
		if p, ok := doc.Root.LastChild().(*ast.Paragraph); !ok || doc.PlainText(p) != "note" {
			t.Errorf("after closeFence(%q), the note is a %s", in, doc.Root.LastChild().Kind())
		}
	}
}

// A file of 2 GB (sparse: it takes no disk) is never read whole.
func TestHugeFileIsNotRead(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "2020-01-01-huge.md")
	must(t, os.WriteFile(name, []byte("---\ntitle: Huge\n---\nIt starts like a post.\n"), 0o644))
	must(t, os.Truncate(name, 2<<30))

	measure := func(fsys fs.FS) (*Blog, []error, uint64) {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		blog, problems, err := Load(fsys, Options{})
		runtime.ReadMemStats(&after)
		must(t, err)
		return blog, problems, after.TotalAlloc - before.TotalAlloc
	}

	// The file system tells the size: the file is a problem, unread.
	_, problems, alloc := measure(openRoot(t, dir))
	t.Logf("2 GB file, size known: %d KB allocated in all", alloc>>10)
	want := "2020-01-01-huge.md: file is 2048 MB: a post may be at most 16 MB; is it really a post?"
	if len(problems) != 1 || problems[0].Error() != want {
		t.Errorf("problems %q, want %q", problems, want)
	}
	if alloc > 1<<20 {
		t.Errorf("allocated %d KB for a file that should not be read", alloc>>10)
	}

	// It does not: Load reads readLimit bytes and shows the post cut.
	blog, problems, alloc := measure(noStatFS{openRoot(t, dir)})
	t.Logf("2 GB file, size unknown: %d KB allocated in all (readLimit %d KB)", alloc>>10, readLimit>>10)
	if len(problems) != 0 {
		t.Fatalf("problems %q", problems)
	}
	if alloc > 8<<20 {
		t.Errorf("allocated %d KB: the file was read past readLimit (%d KB)", alloc>>10, readLimit>>10)
	}
	p, ok := blog.Post("huge")
	note := fmt.Sprintf("This post is longer than sshblog shows (over %d KB); the rest is in its source file.", readLimit>>10)
	if !ok || p.Body != "It starts like a post.\n\n"+note+"\n" {
		t.Errorf("post %+v", p)
	}
	if w := blog.Warnings(); len(w) != 1 || !strings.Contains(w[0].Error(), "warning: post is over 576 KB") {
		t.Errorf("warnings %q", w)
	}
}

// noStatFS hides the size of its Markdown files, as a pipe or a file in
// /proc would.
type noStatFS struct{ fs.FS }

func (n noStatFS) Open(name string) (fs.File, error) {
	f, err := n.FS.Open(name)
	if err != nil || !strings.HasSuffix(name, ".md") {
		return f, err
	}
	return noStatFile{f}, nil
}

type noStatFile struct{ fs.File }

func (noStatFile) Stat() (fs.FileInfo, error) { return nil, fs.ErrInvalid }

func fsOf(name, text string) fs.FS {
	return fstest.MapFS{name: {Data: []byte(text)}}
}

func tail(s string) string {
	if len(s) > 300 {
		return "…" + s[len(s)-300:]
	}
	return s
}
