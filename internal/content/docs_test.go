package content

import (
	"fmt"
	"testing"
	"testing/fstest"
)

// A post whose tree the Blog dropped reads the same when parsed again: the
// heading that became its title still left out.
func TestDocParsedAgainReadsTheSame(t *testing.T) {
	fsys := fstest.MapFS{}
	for i := range 50 {
		fsys[fmt.Sprintf("2020-01-%02d-p%d.md", i%28+1, i)] = &fstest.MapFile{Data: []byte(fmt.Sprintf(
			"# Post %d\n\nText of post %d, with a [link](https://example.com/%d).\n\n```go\ncode %d\n```\n", i, i, i, i))}
	}
	all, _, err := Load(fsys, Options{})
	must(t, err)
	small, _, err := Load(fsys, Options{DocBytes: 3 * docCost(all.Posts()[0].markdown)})
	must(t, err)
	for _, p := range small.Posts() {
		q, _ := all.Post(p.Slug)
		got, want := p.Doc(), q.Doc()
		if a, b := got.PlainText(got.Root), want.PlainText(want.Root); a != b {
			t.Errorf("%s: parsed again reads %q, want %q", p.Slug, a, b)
		}
		if _, _, ok := got.leadingHeading(); ok {
			t.Errorf("%s: the title heading is back", p.Slug)
		}
	}
	// Within its budget a blog serves trees without parsing; past it, a
	// round of every post parses them again.
	round := func(b *Blog) float64 {
		return testing.AllocsPerRun(3, func() {
			for _, p := range b.Posts() {
				p.Doc()
			}
		})
	}
	if n := round(all); n > 0 {
		t.Errorf("a blog within budget allocated %v times serving its trees", n)
	}
	if n := round(small); n < 50*10 {
		t.Errorf("a blog over budget allocated only %v times: it keeps every tree", n)
	}
}
