package tui

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/sshblog/sshblog/internal/blogtest"
	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// manyPosts is a blog of n short posts with a few tags.
func manyPosts(b *testing.B, n int) *content.Blog { return blogtest.Generated(b, n) }

// BenchmarkReaderFirstScreen is what one more reader of a blog costs the
// app: a Model at 100x30 and its first frame, with the blog's lists shared
// (as the server shares them), for 9, 10,000 and 100,000 posts. The heap a
// reader keeps is reported as kept-B/reader (allocs/op includes garbage):
//
//	go test -run XXX -bench ReaderFirstScreen -benchmem ./internal/tui/
func BenchmarkReaderFirstScreen(b *testing.B) {
	for _, n := range []int{9, 10000, 100000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
			blog := manyPosts(b, n)
			lists := NewLists(blog)
			r := render.New(render.Options{})
			New(Options{Blog: blog, Lists: lists, Renderer: r, Width: 100, Height: 30}).View() // the first reader builds the lists
			const held = 200
			models := make([]*Model, 0, held)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for range held {
				m := New(Options{Blog: blog, Lists: lists, Renderer: r, Width: 100, Height: 30})
				m.View()
				models = append(models, m)
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			kept := (float64(after.HeapAlloc) - float64(before.HeapAlloc)) / held
			runtime.KeepAlive(models)
			b.ResetTimer()
			b.ReportAllocs()
			for b.Loop() {
				New(Options{Blog: blog, Lists: lists, Renderer: r, Width: 100, Height: 30}).View()
			}
			b.ReportMetric(kept, "kept-B/reader")
		})
	}
}
