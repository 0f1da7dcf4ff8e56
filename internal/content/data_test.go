package content

import (
	"os"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
)

func TestReadData(t *testing.T) {
	tests := []struct {
		name  string
		fs    fstest.MapFS
		want  map[string]any
		probs []string // substrings of the problems, in order
	}{
		{"no folder", files("a.md", "x"), map[string]any{}, nil},
		{"kinds", files(
			"_data/nav.yml", "- title: Home\n  url: /\n",
			"_data/conf.yaml", "a: 1\n",
			"_data/info.json", `{"n": 2, "list": [1, "x"]}`,
			"_data/people.csv", "name,age\nKim,30\nLee\n",
			"_data/t.tsv", "a\tb\n1\t2\n",
			"_data/sub/deep/x.yml", "k: v\n",
			"_data/notes.txt", "ignored",
			"_data/.hidden.yml", "a: 1",
			"_data/My File!.yml", "a: 1",
		), map[string]any{
			"nav":     []any{map[string]any{"title": "Home", "url": "/"}},
			"conf":    map[string]any{"a": 1},
			"info":    map[string]any{"n": float64(2), "list": []any{float64(1), "x"}},
			"people":  []any{map[string]any{"name": "Kim", "age": "30"}, map[string]any{"name": "Lee", "age": nil}},
			"t":       []any{map[string]any{"a": "1", "b": "2"}},
			"sub":     map[string]any{"deep": map[string]any{"x": map[string]any{"k": "v"}}},
			"My_File": map[string]any{"a": 1},
		}, nil},
		{"later extension wins", files("_data/a.yml", "v: yml", "_data/a.json", `{"v": "json"}`), map[string]any{"a": map[string]any{"v": "json"}}, nil},
		{"broken yaml", files("_data/a.yml", "x: 1\ny: [\n", "_data/b.yml", "ok: true\n"),
			map[string]any{"b": map[string]any{"ok": true}}, []string{"_data/a.yml:", "YAML:", "site.data lacks it"}},
		{"broken json", files("_data/a.json", "{\n\"x\": }\n"), map[string]any{}, []string{"_data/a.json:2: JSON:"}},
		{"broken csv", files("_data/a.csv", "a,b\n1,\"2\n3\"x\n"), map[string]any{}, []string{"_data/a.csv:", "CSV:"}},
		{"duplicate key", files("_data/a.yml", "x: 1\nx: 2\n"), map[string]any{"a": map[string]any{"x": 2}}, []string{"_data/a.yml:1: x is set again at line 2"}},
		{"too big", files("_data/big.yml", strings.Repeat("# pad\n", maxDataFileSize/6+1), "_data/small.yml", "a: 1"),
			map[string]any{"small": map[string]any{"a": 1}}, []string{"_data/big.yml:0: the file is over 1024 KB"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, probs := readData(tt.fs, "_data")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("data = %#v\nwant %#v", got, tt.want)
			}
			checkParseErrors(t, probs, tt.probs)
		})
	}
}

func TestReadDataBounds(t *testing.T) {
	many := fstest.MapFS{}
	for i := 0; i < maxDataFiles+5; i++ {
		many["_data/f"+strconv.Itoa(i)+".yml"] = &fstest.MapFile{Data: []byte("a: 1\n")}
	}
	got, probs := readData(many, "_data")
	if len(got) != maxDataFiles || len(probs) != 1 || !strings.Contains(probs[0].Msg, "more than 1000 files") {
		t.Errorf("%d files read, problems %s", len(got), problemsText(probs))
	}

	total := fstest.MapFS{}
	chunk := []byte("a: 1\n" + strings.Repeat("#", maxDataFileSize-10) + "\n")
	for i := 0; i < 10; i++ {
		total["_data/"+strconv.Itoa(i)+".yml"] = &fstest.MapFile{Data: chunk}
	}
	got, probs = readData(total, "_data")
	if len(got) != 8 || len(probs) != 1 || !strings.Contains(probs[0].Msg, "over 8 MB in all") {
		t.Errorf("%d files read, problems %s", len(got), problemsText(probs))
	}
}

// TestReadSiteData reads a whole small Jekyll site from testdata.
func TestReadSiteData(t *testing.T) {
	fsys := os.DirFS("testdata/siteconfig/jekyll")
	s, probs := ReadSite(fsys)
	if len(probs) > 0 {
		t.Fatalf("problems: %s", problemsText(probs))
	}
	want := `kind=Jekyll site config=_config.yml title="예제 블로그" desc="A Jekyll site for ReadSite and readData tests" author="Kim Minji" url="https://example.org/blog" base="/blog" tz="Asia/Seoul" loc=Asia/Seoul future=false ext=markdown,mkdown,mkdn,mkd,md lang="ko" perm="date"`
	if got := siteSummary(s); got != want {
		t.Errorf("site\n%s\nwant\n%s", got, want)
	}
	if got := s.postDirs(fsys, false); !reflect.DeepEqual(got, []string{"_posts"}) {
		t.Errorf("postDirs = %q", got)
	}
	data, probs := readData(fsys, "_data")
	if len(probs) > 0 {
		t.Fatalf("problems: %s", problemsText(probs))
	}
	wantData := map[string]any{
		"navigation": []any{map[string]any{"title": "Home", "url": "/"}, map[string]any{"title": "About", "url": "/about/"}},
		"site-info":  map[string]any{"version": float64(3), "tags": []any{"go", "ssh"}},
		"team": map[string]any{
			"members": []any{map[string]any{"name": "Kim", "role": "editor"}, map[string]any{"name": "Lee", "role": "writer"}},
			"guests":  []any{map[string]any{"name": "Park", "role": "designer"}},
		},
	}
	if !reflect.DeepEqual(data, wantData) {
		t.Errorf("data = %#v", data)
	}
}
