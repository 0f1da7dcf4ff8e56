package content

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// A reload (Options.Previous) shows a broken file's last good version, and
// says so; posts added, changed and removed are what the files say.
func TestReloadKeepsTheLastGoodVersion(t *testing.T) {
	fsys := fstest.MapFS{
		"hugo.toml":                 {Data: []byte("title = \"Notes\"\n[languages.en]\nweight = 1\n[languages.ko]\nweight = 2\n")},
		"content/posts/a.md":        {Data: []byte("---\ntitle: Alpha\ndate: 2020-01-01\n---\nFirst words.\n")},
		"content/posts/a.ko.md":     {Data: []byte("---\ntitle: 알파\ndate: 2020-01-01\n---\n첫 글.\n")},
		"content/posts/b.md":        {Data: []byte("---\ntitle: Beta\ndate: 2020-02-01\n---\nSecond.\n")},
		"content/posts/gone.md":     {Data: []byte("---\ntitle: Gone\ndate: 2020-03-01\n---\nSoon removed.\n")},
		"content/posts/changing.md": {Data: []byte("---\ntitle: Before\ndate: 2020-04-01\n---\nOld text.\n")},
	}
	first, problems, err := Load(fsys, Options{})
	if err != nil || len(problems) != 0 {
		t.Fatal(err, problems)
	}

	fsys["content/posts/a.ko.md"] = &fstest.MapFile{Data: []byte("---\ntitle: [알파\ndate: 2020-01-01\n---\n고친 글.\n")}       // broken YAML
	fsys["content/posts/b.md"] = &fstest.MapFile{Data: []byte("---\ntitle: Beta\ndate: 2020-02-31 25:00\n---\nSecond.\n")} // impossible hour
	delete(fsys, "content/posts/gone.md")
	fsys["content/posts/changing.md"] = &fstest.MapFile{Data: []byte("---\ntitle: After\ndate: 2020-04-01\n---\nNew text.\n")}
	fsys["content/posts/new.md"] = &fstest.MapFile{Data: []byte("---\ntitle: New\ndate: 2020-05-01\n---\nJust published.\n")}
	second, problems, err := Load(fsys, Options{Previous: first})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range second.Posts() {
		got = append(got, p.Slug+" "+p.Title)
	}
	if want := "new New|changing After|b Beta|a Alpha"; strings.Join(got, "|") != want {
		t.Errorf("posts after the reload: %q, want %q", strings.Join(got, "|"), want)
	}
	if added, changed, removed := second.Changes(first); added != 1 || changed != 1 || removed != 1 {
		t.Errorf("Changes: %d added, %d changed, %d removed; want one each (the broken files are unchanged)", added, changed, removed)
	}
	a, _ := second.Post("a")
	if ko := a.In("ko"); ko.Title != "알파" || !strings.Contains(ko.Body, "첫 글") {
		t.Errorf("the broken translation reads %q %q, want its last good version", ko.Title, ko.Body)
	}
	if len(problems) != 2 {
		t.Fatalf("problems %v, want the two broken files", problems)
	}
	for _, p := range problems {
		var pe *ParseError
		if !errors.As(p, &pe) || !pe.Kept || !strings.Contains(p.Error(), "last good version is still shown") {
			t.Errorf("problem %q: want it marked as answered by the last good version", p)
		}
	}

	// Without a previous blog (a first load, or check), a broken file is
	// left out as before.
	fresh, problems, _ := Load(fsys, Options{})
	if _, ok := fresh.Post("b"); ok || len(problems) != 2 {
		t.Errorf("a load without Previous shows the broken post, or reports %v", problems)
	}
	for _, p := range problems {
		if strings.Contains(p.Error(), "last good") {
			t.Errorf("problem %q claims a last good version on a first load", p)
		}
	}

	// A post that was never good has no version to keep; a post removed
	// while broken is gone.
	delete(fsys, "content/posts/b.md")
	third, problems, _ := Load(fsys, Options{Previous: second})
	if _, ok := third.Post("b"); ok || len(problems) != 1 {
		t.Errorf("a removed broken post is still shown, or problems are %v", problems)
	}
}
