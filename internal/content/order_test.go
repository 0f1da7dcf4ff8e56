package content

import (
	"slices"
	"testing"
	"testing/fstest"
	"time"
)

// Posts are newest first (same moment: by slug), tags most used first
// (same count: by name, case-insensitively), and both lookups ignore case.
func TestSortOrderAndTagIndex(t *testing.T) {
	post := func(date, tags string) *fstest.MapFile {
		return &fstest.MapFile{Data: []byte("---\ndate: " + date + "\ntags: [" + tags + "]\n---\nBody.\n")}
	}
	fsys := fstest.MapFS{
		"2020-01-01-old.md":         post("2020-01-01", "go"),
		"2024-05-01-newest.md":      post("2024-05-01 10:00:00 +0900", "Go, ssh"),
		"2024-05-01-b-same-time.md": post("2024-05-01 01:00:00 +0000", "terminal"),
		"2024-05-01-a-same-time.md": post("2024-05-01 01:00:00 +0000", "SSH, terminal"),
		"2022-03-03-middle.md":      post("2022-03-03", "go, Alpha"),
	}
	blog, problems, err := Load(fsys, Options{Now: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil || len(problems) > 0 {
		t.Fatalf("Load: %v %v", err, problems)
	}
	var slugs []string
	for _, p := range blog.Posts() {
		slugs = append(slugs, p.Slug)
	}
	// 10:00 +0900 is 01:00 UTC: the same moment as the other two.
	want := []string{"a-same-time", "b-same-time", "newest", "middle", "old"}
	if !slices.Equal(slugs, want) {
		t.Errorf("order %v, want %v", slugs, want)
	}
	tags := blog.Tags()
	wantTags := []Tag{{Name: "go", Count: 3}, {Name: "ssh", Count: 2}, {Name: "terminal", Count: 2}, {Name: "Alpha", Count: 1}}
	if len(tags) != len(wantTags) {
		t.Fatalf("tags %+v, want %+v", tags, wantTags)
	}
	for i, w := range wantTags {
		if tags[i].Name != w.Name || tags[i].Count != w.Count {
			t.Errorf("tag %d = %+v, want %+v", i, tags[i], w)
		}
	}
	if got := blog.Tagged("SSH"); len(got) != 2 || got[0].Slug != "a-same-time" {
		t.Errorf("Tagged(SSH) = %d posts", len(got))
	}
	if p, ok := blog.Post("NEWEST"); !ok || p.Slug != "newest" || blog.Index(p) != 2 {
		t.Errorf("Post(NEWEST) = %v, %v", p, ok)
	}
}
