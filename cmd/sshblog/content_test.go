package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A post that is a link out of --content is an error for check, naming the
// link, and its target is never printed.
func TestCheckRefusesLinkOutOfContent(t *testing.T) {
	const secret = "SECRET-3b9d-host-key"
	dir := t.TempDir()
	posts := filepath.Join(dir, "posts")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(posts, 0o755))
	key := filepath.Join(dir, "id_ed25519")
	must(os.WriteFile(key, []byte("-----BEGIN OPENSSH PRIVATE KEY-----\n"+secret+"\n"), 0o600))
	must(os.WriteFile(filepath.Join(posts, "2020-01-01-fine.md"), []byte("A post.\n"), 0o644))
	must(os.Symlink(key, filepath.Join(posts, "2020-01-02-key.md")))
	// --content is itself a link, as git-sync makes it.
	current := filepath.Join(dir, "current")
	must(os.Symlink("posts", current))

	out, errOut, status := runCmd(t, nil, "check", "--content", current)
	if status != 1 {
		t.Errorf("exit status %d, want 1\nstdout: %s\nstderr: %s", status, out, errOut)
	}
	want := filepath.Join(current, "2020-01-02-key.md") + `: is a link to "` + key + `", which leads outside the posts' folder: sshblog does not follow links out of it; copy the file into the folder or remove the link`
	if !strings.Contains(out, want+"\n") {
		t.Errorf("check does not name the link:\n%s\nwant the line\n%s", out, want)
	}
	if !strings.HasSuffix(out, "\n1 post, 0 hidden, 1 error\n") {
		t.Errorf("summary:\n%s", out)
	}
	if strings.Contains(out+errOut, secret) {
		t.Errorf("check printed the key:\n%s%s", out, errOut)
	}
}

// A site's config names the blog and its zone; --title and --timezone (or
// their SSHBLOG_ variables) override them, and check says what it read.
func TestSiteSettingsAndTheirFlags(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "_posts"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "_config.yml"), []byte("title: 블로그\ntimezone: Asia/Seoul\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "_posts", "2020-01-01-a.md"), []byte("A.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		environ map[string]string
		args    []string
		status  int
		want    string
	}{
		{"the config", nil, nil, 0, dir + `: Jekyll site (_config.yml): title "블로그", time zone Asia/Seoul`},
		{"flags", nil, []string{"--title", "Mine", "--timezone", "Europe/Paris"}, 0, `title "Mine", time zone Europe/Paris`},
		{"environment", map[string]string{"SSHBLOG_TITLE": "Env", "SSHBLOG_TIMEZONE": "UTC"}, nil, 0, `title "Env", time zone UTC`},
		{"flag over environment", map[string]string{"SSHBLOG_TITLE": "Env"}, []string{"--title", "Flag"}, 0, `title "Flag"`},
		{"no such zone", nil, []string{"--timezone", "Mars/Olympus"}, 2, `--timezone "Mars/Olympus": not a time zone`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, status := runCmd(t, tt.environ, append([]string{"check", "--content", dir}, tt.args...)...)
			if status != tt.status || !strings.Contains(out+errOut, tt.want) {
				t.Errorf("status %d (want %d)\nstdout: %s\nstderr: %s\nwant %q", status, tt.status, out, errOut, tt.want)
			}
		})
	}
}
