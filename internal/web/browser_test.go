package web

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sshblog/sshblog/internal/content"
)

var (
	updateScreenshot = flag.Bool("update-screenshot", false, "write ../../docs/web.png, the README's screenshot, from the browser test")
	screenshotDir    = flag.String("screenshots", "", "keep the browser test's screenshots in this folder, to look at them")
)

// readmePost is the post docs/web.png shows, in the dark scheme.
const readmePost = "how-sshblog-works"

// chromiumPath finds Debian's chromium; the test needs it (scripts/test.sh
// installs it).
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed: run scripts/test.sh, which installs it (apt-get install chromium)")
	return ""
}

// runChromium runs one headless chromium with its own profile, bounded in
// time, and returns what it printed on stdout.
func runChromium(t *testing.T, args ...string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{
		"--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--user-data-dir=" + t.TempDir(),
		"--no-first-run", "--no-default-browser-check", "--disable-extensions",
		"--disable-background-networking", "--disable-sync", "--disable-component-update",
		"--mute-audio", "--lang=en-US",
	}
	cmd := exec.CommandContext(ctx, chromiumPath(t), append(base, args...)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium %s: %v (timed out: %v)\n%s", strings.Join(args, " "), err, ctx.Err() != nil, stderr.String())
	}
	return stdout.Bytes()
}

// screenshot is the page at url as chromium draws it in a window of w×h
// CSS pixels, dark asks for the dark colour scheme.
func screenshot(t *testing.T, url string, w, h int, dark bool, name string) (image.Image, []byte) {
	t.Helper()
	file := filepath.Join(t.TempDir(), name)
	args := []string{"--screenshot=" + file, fmt.Sprintf("--window-size=%d,%d", w, h)}
	if dark {
		// Dark browser chrome makes prefers-color-scheme: dark.
		args = append(args, "--force-dark-mode")
	}
	runChromium(t, append(args, url)...)
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("chromium wrote no screenshot of %s: %v", url, err)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the screenshot of %s is not a PNG: %v", url, err)
	}
	if *screenshotDir != "" {
		if err := os.WriteFile(filepath.Join(*screenshotDir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return img, data
}

// colours counts the distinct colours of img, up to limit.
func colours(img image.Image, limit int) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
			if len(seen) >= limit {
				return len(seen)
			}
		}
	}
	return len(seen)
}

// luma is the brightness of img's pixel at (x, y), 0 to 255.
func luma(img image.Image, x, y int) int {
	r, g, b, _ := img.At(x, y).RGBA()
	return int((299*r + 587*g + 114*b) / 1000 >> 8)
}

// The post pages render in a real browser at phone and desktop widths,
// light and dark, with the post's text in the DOM.
func TestBrowser(t *testing.T) {
	chromiumPath(t)
	if *screenshotDir != "" {
		if err := os.MkdirAll(*screenshotDir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	blog := embeddedBlog(t)
	korean := koreanBlog(t)
	ts := serve(t, &Mirror{Blog: func() *content.Blog { return blog }, SSHHost: "blog.example.com"})
	ko := serve(t, &Mirror{Blog: func() *content.Blog { return korean }, SSHHost: "blog.example.com"})

	post, ok := blog.Post(readmePost)
	if !ok {
		t.Fatalf("the embedded blog has no post %q", readmePost)
	}
	hangul, ok := blog.Post("hangul-in-the-terminal")
	if !ok {
		t.Fatal("the embedded blog has no post hangul-in-the-terminal")
	}

	// The DOM as chromium built it holds the post's text, and no script.
	for _, c := range []struct {
		url  string
		want []string
	}{
		{ts.URL + postHref(post.Slug), []string{post.Title, firstSentence(post), "ssh -t blog.example.com " + post.Slug}},
		{ts.URL + postHref(hangul.Slug), []string{hangul.Title, firstSentence(hangul)}},
		{ts.URL + "/", []string{blog.Name, post.Title, hangul.Title}},
		{ko.URL + postHref("터미널-한글"), []string{"터미널의 한글", "한글 음절은 터미널에서 두 칸을 차지합니다."}},
	} {
		dom := string(runChromium(t, "--dump-dom", c.url))
		got := visible(dom)
		for _, want := range c.want {
			if !strings.Contains(got, want) {
				t.Errorf("%s: the rendered DOM lacks %q", c.url, want)
			}
		}
		if strings.Contains(strings.ToLower(dom), "<script") {
			t.Errorf("%s: the DOM has a script", c.url)
		}
	}

	for _, c := range []struct {
		name string
		url  string
		w, h int
		dark bool
	}{
		{"post-phone.png", ts.URL + postHref(hangul.Slug), 390, 844, false},
		{"post-phone-dark.png", ts.URL + postHref(hangul.Slug), 390, 844, true},
		{"post-desktop.png", ts.URL + postHref(post.Slug), 1280, 800, false},
		{"post-desktop-dark.png", ts.URL + postHref(post.Slug), 1280, 800, true},
		{"list-phone.png", ts.URL + "/", 390, 844, false},
		{"korean-desktop.png", ko.URL + postHref("터미널-한글"), 1280, 800, false},
	} {
		img, data := screenshot(t, c.url, c.w, c.h, c.dark, c.name)
		if b := img.Bounds(); b.Dx() != c.w || b.Dy() != c.h {
			t.Errorf("%s: %dx%d, want %dx%d", c.name, b.Dx(), b.Dy(), c.w, c.h)
		}
		// Text is drawn: a blank or one-colour page has a handful of
		// colours, anti-aliased text hundreds.
		if n := colours(img, 64); n < 64 {
			t.Errorf("%s: only %d colours: is the page drawn?", c.name, n)
		}
		// The page follows prefers-color-scheme: the margin beside the
		// text column is the background.
		bg := luma(img, 2, c.h-2)
		if c.dark && bg > 60 || !c.dark && bg < 200 {
			t.Errorf("%s: the background's brightness is %d, want it %s", c.name, bg, map[bool]string{true: "dark", false: "light"}[c.dark])
		}
		if *updateScreenshot && c.name == "post-desktop-dark.png" {
			if err := os.WriteFile(filepath.Join("..", "..", "docs", "web.png"), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
