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
