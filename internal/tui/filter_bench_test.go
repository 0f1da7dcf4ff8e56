package tui

import (
	"fmt"
	"strings"
	"testing"
)

// BenchmarkFilter10000 runs the list's "/" filter over 10,000 posts' filter
// texts (title, tags, description), as a reader typing "aws".
func BenchmarkFilter10000(b *testing.B) {
	words := strings.Fields("terminal ssh blog hosting go review cloud infra 한국어 글쓰기 데이터베이스 server")
	targets := make([]string, 10000)
	for i := range targets {
		w := func(k int) string { return words[(i*7+k*3)%len(words)] }
		targets[i] = fmt.Sprintf("Post %d about %s and %s %s %s A description of %s, %s and more %s.",
			i, w(0), w(1), w(2), w(3), w(4), w(5), w(6))
	}
	targets[9000] = "AWS in action 리뷰 Tech Review 한빛출판사의 Amazon Web Service in action 를 읽고"
	b.ReportAllocs()
	for b.Loop() {
		if ranks := wordFilter("aws", targets); len(ranks) == 0 {
			b.Fatal("no match")
		}
	}
}
