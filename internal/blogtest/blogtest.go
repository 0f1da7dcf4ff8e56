// Package blogtest makes blogs for tests and benchmarks.
package blogtest

import (
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/sshblog/sshblog/internal/content"
)

// Generated is a blog of n short posts, "Post number N about the
// terminal", all of one date, with a few tags (one of them Korean).
func Generated(tb testing.TB, n int) *content.Blog {
	tb.Helper()
	fsys := fstest.MapFS{}
	tags := []string{"go", "ssh", "terminal", "review", "한국어"}
	for i := range n {
		fsys[fmt.Sprintf("posts/post-%06d.md", i)] = &fstest.MapFile{Data: fmt.Appendf(nil,
			"---\ntitle: Post number %d about the terminal\ndate: 2020-01-01T00:00:00Z\ntags: [%s, %s]\n---\nA description of post %d, one line for the list.\n",
			i, tags[i%len(tags)], tags[(i/5)%len(tags)], i)}
	}
	blog, problems, err := content.Load(fsys, content.Options{})
	if err != nil || len(problems) > 0 {
		tb.Fatal(err, problems)
	}
	return blog
}
