package content

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
)

// BenchmarkLoad10000 loads 10,000 posts of 2–6 KB (Jekyll and Hugo front
// matter, prose in English and Korean, code, lists, some Liquid and HTML)
// and reports, besides time and allocations per load, the heap a loaded
// blog keeps per byte of input:
//
//	go test -run XXX -bench Load10000 -benchmem ./internal/content/
func BenchmarkLoad10000(b *testing.B) {
	fsys, size := benchPosts(10000)
	b.SetBytes(size)
	b.ReportAllocs()

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	blog, problems, err := Load(fsys, Options{})
	runtime.GC()
	runtime.ReadMemStats(&after)
	if err != nil || len(problems) > 0 || blog.Len()+blog.Hidden() != 10000 {
		b.Fatalf("load: %v, %d problems (%v), %d posts", err, len(problems), problems[:min(3, len(problems))], blog.Len())
	}
	retained := float64(after.HeapAlloc) - float64(before.HeapAlloc)
	runtime.KeepAlive(blog)

	for b.Loop() {
		if _, _, err := Load(fsys, Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(retained/float64(size), "heap-bytes/input-byte")
	b.ReportMetric(float64(size)/(1<<20), "input-MB")
}

// benchPosts makes n realistic posts, the same on every run.
func benchPosts(n int) (fstest.MapFS, int64) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(`the a terminal blog post over ssh server client key session render markdown
		glamour bubble tea go code file folder front matter tag date title slug reader width color style theme
		하늘 바다 서버 터미널 블로그 글 읽기 쓰기 설정 키 세션 코드 파일`)
	tags := []string{"go", "ssh", "terminal", "review", "Tech", "notes", "linux", "aws", "korean", "writing"}
	sentence := func(b *strings.Builder) {
		k := 6 + rng.IntN(14)
		for i := range k {
			if i > 0 {
				b.WriteByte(' ')
			}
			w := words[rng.IntN(len(words))]
			switch rng.IntN(40) {
			case 0:
				w = "**" + w + "**"
			case 1:
				w = "`" + w + "`"
			case 2:
				w = "[" + w + "](https://example.com/" + w + ")"
			}
			b.WriteString(w)
		}
		b.WriteString(". ")
	}
	fsys := fstest.MapFS{}
	var total int64
	for i := range n {
		var b strings.Builder
		day := fmt.Sprintf("20%02d-%02d-%02d", 10+i%15, 1+i%12, 1+i%28)
		postTags := fmt.Sprintf("%s, %s", tags[rng.IntN(len(tags))], tags[rng.IntN(len(tags))])
		if i%3 == 0 {
			fmt.Fprintf(&b, "+++\ntitle = \"Post number %d about %s\"\ndate = %sT10:%02d:00+09:00\ntags = [\"%s\"]\ndraft = %v\n+++\n\n",
				i, words[i%len(words)], day, i%60, strings.ReplaceAll(postTags, ", ", `", "`), i%97 == 0)
		} else {
			fmt.Fprintf(&b, "---\nlayout: post\ntitle: \"Post number %d about %s\"\ndate: %s 21:%02d:00\ntags: [%s]\ncategories: Blog\n---\n\n",
				i, words[i%len(words)], day, i%60, postTags)
		}
		target := 2048 + rng.IntN(4096)
		for b.Len() < target {
			switch rng.IntN(12) {
			case 0:
				b.WriteString("## A section\n\n")
			case 1:
				b.WriteString("```go\nfunc main() {\n\tfmt.Println(\"hello {{ world }}\")\n}\n```\n\n")
			case 2:
				b.WriteString("- one item\n- two items with `code`\n- three\n\n")
			case 3:
				b.WriteString("{% highlight sh %}\nssh blog.example.com\n{% endhighlight %}\n\n")
			case 4:
				b.WriteString("<div class=\"note\">\n  <p>A note with <a href=\"https://example.com\">a link</a>.</p>\n</div>\n\n")
			default:
				for range 2 + rng.IntN(4) {
					sentence(&b)
				}
				b.WriteString("\n\n")
			}
		}
		name := fmt.Sprintf("posts/%s/%s-post-%05d.md", day[:4], day, i)
		fsys[name] = &fstest.MapFile{Data: []byte(b.String())}
		total += int64(b.Len())
	}
	return fsys, total
}
