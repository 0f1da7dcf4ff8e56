package tui

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkFilter10000 runs the list's "/" filter over 10,000 posts' filter
// texts (title, tags, description), as a reader typing "aws". The texts
// are lowered once, outside the loop, as a list's shared texts are.
func BenchmarkFilter10000(b *testing.B) {
	words := strings.Fields("terminal ssh blog hosting go review cloud infra 한국어 글쓰기 데이터베이스 server")
	targets := make([]string, 10000)
	for i := range targets {
		w := func(k int) string { return words[(i*7+k*3)%len(words)] }
		targets[i] = fmt.Sprintf("Post %d about %s and %s %s %s A description of %s, %s and more %s.",
			i, w(0), w(1), w(2), w(3), w(4), w(5), w(6))
	}
	targets[9000] = "AWS in action 리뷰 Tech Review 한빛출판사의 Amazon Web Service in action 를 읽고"
	texts := newFilterTexts(targets)
	b.ReportAllocs()
	for b.Loop() {
		if ranks := texts.filter("aws", nil, false); len(ranks) == 0 {
			b.Fatal("no match")
		}
	}
}

// BenchmarkFilterKeystroke100000 is one key typed into the "/" filter of
// a 100,000-post blog's list, over the posts' real filter texts (the
// shared Lists' rows): the first key ("p", which nearly every post
// matches), a key that refines it ("po": only "p"'s matches are tried),
// and a first key that matches almost nothing ("zq").
//
//	go test -run XXX -bench 'Filter' -benchmem ./internal/tui/
func BenchmarkFilterKeystroke100000(b *testing.B) {
	blog := manyPosts(b, 100000)
	items, texts := NewLists(blog).items("", "")
	texts.get() // lowered once per list, when it is first filtered
	p := texts.filter("p", nil, false)
	if len(p) != len(items) {
		b.Fatalf("p matches %d of %d", len(p), len(items))
	}
	run := func(name, q string, refine bool) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				texts.filter(q, p, refine)
			}
		})
	}
	run("first=p", "p", false)
	run("refine=po", "po", true)
	run("first=zq", "zq", false)
}
