package content

import (
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	blogposts "github.com/sshblog/sshblog/content"
)

// Check prints every problem of the fixtures, prefixed with the folder as
// the operator typed it, then the summary; it counts the errors.
func TestCheckFixtures(t *testing.T) {
	for root, files := range fixtures {
		t.Run(root, func(t *testing.T) {
			var lines []string
			posts, hidden, warns := 0, 0, 0
			for _, w := range files {
				lines = append(lines, w.warn...)
				warns += len(w.warn)
				switch {
				case w.err != "":
					lines = append(lines, w.err)
				case !w.ignored:
					posts++
					if w.hidden {
						hidden++
					}
				}
			}
			// By file, then by line, as Check prints them.
			sort.SliceStable(lines, func(i, j int) bool {
				fi, li := fileLine(lines[i])
				fj, lj := fileLine(lines[j])
				if fi != fj {
					return fi < fj
				}
				return li < lj
			})
			errs := len(lines) - warns
			summary := fmt.Sprintf("%d posts, %d hidden, %d errors", posts, hidden, errs)
			if warns > 0 {
				summary += fmt.Sprintf(", %d warnings", warns)
			}
			want := strings.Join(lines, "\n") + "\n" + summary + "\n"
			if strings.Contains(root, "jekyll") {
				want = root + ": Jekyll site: title \"sshblog\", time zone UTC\n" + want
			}

			var out strings.Builder
			got := Check(&out, os.DirFS(root), root, Options{Now: fixtureNow})
			if got != errs {
				t.Errorf("Check = %d, want %d", got, errs)
			}
			if out.String() != want {
				t.Errorf("output\n%s\nwant\n%s", out.String(), want)
			}
		})
	}
}

func TestCheckSummary(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		errs int
		want string
	}{
		{"one of each", fstest.MapFS{
			"2020-01-01-a.md": {Data: []byte("a\n")},
			"2020-01-02-b.md": {Data: []byte("---\ndraft: true\n---\n")},
			"c.md":            {Data: []byte("---\ndate: 2020-01-01 24:30\n---\n")},
		}, 1, "posts/c.md:2: date \"2020-01-01 24:30\": hour out of range\n2 posts, 1 hidden, 1 error\n"},
		{"clean", fstest.MapFS{
			"2020-01-01-a.md": {Data: []byte("a\n")},
		}, 0, "1 post, 0 hidden, 0 errors\n"},
		{"empty", fstest.MapFS{
			"README.txt": {Data: []byte("x")},
		}, 1, "posts: no posts found: add Markdown files (.md or .markdown)\n0 posts, 0 hidden, 1 error\n"},
		{"only errors", fstest.MapFS{
			"x.md": {Data: []byte("x\n")},
		}, 1, "posts/x.md: no date: add \"date: YYYY-MM-DD\" to the front matter or name the file YYYY-MM-DD-x.md\n0 posts, 0 hidden, 1 error\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out strings.Builder
			if errs := Check(&out, tt.fsys, "posts", Options{}); errs != tt.errs {
				t.Errorf("Check = %d, want %d", errs, tt.errs)
			}
			if out.String() != tt.want {
				t.Errorf("output\n%q\nwant\n%q", out.String(), tt.want)
			}
		})
	}
}

func TestCheckMissingFolder(t *testing.T) {
	var out strings.Builder
	errs := Check(&out, os.DirFS("testdata/no-such-folder"), "testdata/no-such-folder", Options{})
	want := "testdata/no-such-folder: no such folder: check the path to the posts\n0 posts, 0 hidden, 1 error\n"
	if errs != 1 || out.String() != want {
		t.Errorf("Check = %d, %q; want 1, %q", errs, out.String(), want)
	}
}

// The posts embedded in the binary must all load: a broken post in
// content/posts fails this test, and so CI.
func TestEmbeddedPosts(t *testing.T) {
	var out strings.Builder
	errs := Check(&out, blogposts.Posts(), "content/posts", Options{})
	t.Log(strings.TrimSpace(out.String()))
	if errs > 0 {
		t.Fatalf("the embedded posts have problems:\n%s", out.String())
	}
	blog, _, err := Load(blogposts.Posts(), Options{Future: true, Drafts: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range blog.Posts() {
		assertClean(t, p)
	}
}

// fileLine splits "path:12: message" into its file and line (0 when none).
func fileLine(s string) (string, int) {
	file, _, _ := strings.Cut(s, ": ")
	if i := strings.LastIndexByte(file, ':'); i >= 0 {
		if n, err := strconv.Atoi(file[i+1:]); err == nil {
			return file[:i], n
		}
	}
	return file, 0
}
