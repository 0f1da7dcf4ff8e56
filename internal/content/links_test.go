package content

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The secrets a link must not show: one outside the posts' folder, one in a
// hidden file inside it. secret is in both.
const (
	secret    = "SECRET-e1f4c2"
	secretOut = secret + "-outside"
	secretIn  = secret + "-hidden"
)

// linkTree makes a posts folder next to a folder it must not leak, with
// links of every kind in it. It returns the posts folder and the secret
// file outside it.
func linkTree(t *testing.T) (posts, outside string) {
	t.Helper()
	dir := t.TempDir()
	posts = filepath.Join(dir, "posts")
	outDir := filepath.Join(dir, "outside")
	outside = filepath.Join(outDir, "passwd")
	for _, d := range []string{posts, outDir, filepath.Join(posts, "shared"), filepath.Join(posts, ".ssh")} {
		must(t, os.MkdirAll(d, 0o755))
	}
	write := func(name, text string) { must(t, os.WriteFile(name, []byte(text), 0o600)) }
	write(outside, "root:x:0:0:"+secretOut+":/root:/bin/sh\n")
	write(filepath.Join(outDir, "2020-01-01-secret.md"), "# "+secretOut+"\n")
	write(filepath.Join(posts, ".ssh", "id_ed25519"), "-----BEGIN OPENSSH PRIVATE KEY-----\n"+secretIn+"\n")
	write(filepath.Join(posts, "notes.txt"), secretIn+"\n")
	write(filepath.Join(posts, "2020-01-01-real.md"), "A real post.\n")
	write(filepath.Join(posts, "shared", "2020-01-02-target.md"), "---\ntitle: Target\n---\nThe linked text.\n")

	link := func(target, name string) { must(t, os.Symlink(target, filepath.Join(posts, name))) }
	link("shared/2020-01-02-target.md", "2020-01-03-alias.md")     // inside: followed
	link("shared", "linked-folder")                                // a folder inside: not walked twice
	link(outside, "2020-02-01-passwd.md")                          // absolute, out
	link("../outside/2020-01-01-secret.md", "2020-02-02-climb.md") // relative, out
	link("../outside", "outdir")                                   // a folder outside: not walked
	link("outdir/2020-01-01-secret.md", "2020-02-03-via-dir.md")   // out through a folder link
	link(".ssh/id_ed25519", "2020-02-04-key.md")                   // hidden, inside
	link("notes.txt", "2020-02-05-notes.md")                       // not Markdown, inside
	link("missing.md", "2020-02-06-gone.md")                       // nothing
	link("shared", "2020-02-07-folder.md")                         // a folder
	link("2020-02-08-loop.md", "2020-02-08-loop.md")               // itself
	return posts, outside
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func openRoot(t *testing.T, dir string) fs.FS {
	t.Helper()
	root, err := os.OpenRoot(dir)
	must(t, err)
	t.Cleanup(func() { root.Close() })
	return root.FS()
}

// wantLinkProblems are the problems of linkTree, by file.
var wantLinkProblems = []string{
	`2020-02-01-passwd.md: is a link to "OUTSIDE", which leads outside the posts' folder: sshblog does not follow links out of it; copy the file into the folder or remove the link`,
	`2020-02-02-climb.md: is a link to "../outside/2020-01-01-secret.md", which leads outside the posts' folder: sshblog does not follow links out of it; copy the file into the folder or remove the link`,
	`2020-02-03-via-dir.md: is a link to "outdir/2020-01-01-secret.md", which leads outside the posts' folder: sshblog does not follow links out of it; copy the file into the folder or remove the link`,
	`2020-02-04-key.md: is a link to ".ssh/id_ed25519", which is hidden (.ssh/id_ed25519): sshblog does not read hidden files, through a link or not; remove the link`,
	`2020-02-05-notes.md: is a link to "notes.txt", which is not a Markdown file (notes.txt): sshblog follows links only to .md and .markdown posts; remove the link`,
	`2020-02-06-gone.md: is a link to "missing.md", which does not exist: fix the link or remove it`,
	`2020-02-07-folder.md: is a link to "shared", a folder: sshblog does not follow links to folders; remove the link (the folder's own posts are loaded if it is inside the posts' folder)`,
	`2020-02-08-loop.md: is a link to "2020-02-08-loop.md", which goes through more than 40 links (a loop?): fix the link or remove it`,
}

func TestLoadFollowsOnlyLinksInside(t *testing.T) {
	posts, outside := linkTree(t)
	for name, fsys := range map[string]fs.FS{"os.Root": openRoot(t, posts), "os.DirFS": os.DirFS(posts)} {
		t.Run(name, func(t *testing.T) {
			blog, problems, err := Load(fsys, Options{})
			must(t, err)
			var got []string
			for _, p := range blog.Posts() {
				got = append(got, p.Path)
				if strings.Contains(p.Source+p.Body+p.Title+p.Description, secret) {
					t.Errorf("%s shows the secret:\n%s", p.Path, p.Source)
				}
			}
			want := []string{"2020-01-03-alias.md", "shared/2020-01-02-target.md", "2020-01-01-real.md"}
			if strings.Join(got, " ") != strings.Join(want, " ") {
				t.Errorf("posts %q, want %q (the link inside followed, the folder link not walked)", got, want)
			}
			if p, ok := blog.Post("alias"); !ok || p.Title != "Target" || strings.TrimSpace(p.Body) != "The linked text." {
				t.Errorf("the link inside: %+v", p)
			}
			if len(problems) != len(wantLinkProblems) {
				t.Errorf("%d problems, want %d: one per bad link", len(problems), len(wantLinkProblems))
			}
			for i, p := range problems {
				if i < len(wantLinkProblems) {
					if want := strings.Replace(wantLinkProblems[i], "OUTSIDE", outside, 1); p.Error() != want {
						t.Errorf("problem %d\n%s\nwant\n%s", i, p, want)
					}
				}
				if strings.Contains(p.Error(), secret) {
					t.Errorf("a problem shows the secret: %s", p)
				}
			}
		})
	}
}

// Without the links' own checks (a file system that cannot read links),
// os.Root still refuses every path out of the folder. (Links inside to a
// hidden or non-Markdown file are then followed: only Load's checks know
// what a post is.)
func TestRootRefusesEscapeOnItsOwn(t *testing.T) {
	posts, _ := linkTree(t)
	fsys := struct{ fs.FS }{openRoot(t, posts)} // Open only: no ReadLink, no Lstat
	blog, problems, err := Load(fsys, Options{})
	must(t, err)
	for _, p := range blog.Posts() {
		if strings.Contains(p.Source, secretOut) {
			t.Errorf("%s shows the secret:\n%s", p.Path, p.Source)
		}
	}
	refused := map[string]bool{}
	for _, p := range problems {
		refused[p.(*ParseError).Path] = true
		if p.(*ParseError).Path == "2020-02-01-passwd.md" {
			want := "2020-02-01-passwd.md: is a link that cannot be followed (path escapes from parent): sshblog follows links only to posts inside the posts' folder; fix the link or remove it"
			if p.Error() != want {
				t.Errorf("problem\n%s\nwant\n%s", p, want)
			}
		}
	}
	for _, name := range []string{"2020-02-01-passwd.md", "2020-02-02-climb.md", "2020-02-03-via-dir.md"} {
		if !refused[name] {
			t.Errorf("%s loaded; problems %q", name, problems)
		}
	}
}

func TestCheckNamesEscapingLink(t *testing.T) {
	posts, outside := linkTree(t)
	var out strings.Builder
	errs := Check(&out, openRoot(t, posts), posts, Options{})
	if errs != len(wantLinkProblems) {
		t.Errorf("Check = %d, want %d", errs, len(wantLinkProblems))
	}
	want := filepath.Join(posts, "2020-02-01-passwd.md") + `: is a link to "` + outside + `", which leads outside the posts' folder`
	if !strings.Contains(out.String(), want+":") {
		t.Errorf("output does not name the link:\n%s\nwant a line starting %s", out.String(), want)
	}
	if !strings.HasSuffix(out.String(), "\n3 posts, 0 hidden, 8 errors\n") {
		t.Errorf("summary:\n%s", out.String())
	}
	if strings.Contains(out.String(), secret) {
		t.Errorf("Check shows the secret:\n%s", out.String())
	}
}

// A git-sync checkout: the content folder is a link to the real one, which
// the sync replaces.
func TestContentFolderIsLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, ".worktrees", "abc123", "posts")
	must(t, os.MkdirAll(real, 0o755))
	must(t, os.WriteFile(filepath.Join(real, "2020-01-01-a.md"), []byte("a\n"), 0o644))
	must(t, os.Symlink("2020-01-01-a.md", filepath.Join(real, "2020-01-02-b.md")))
	current := filepath.Join(dir, "current")
	must(t, os.Symlink(filepath.Join(".worktrees", "abc123", "posts"), current))

	var out strings.Builder
	if errs := Check(&out, openRoot(t, current), current, Options{}); errs != 0 || out.String() != "2 posts, 0 hidden, 0 errors\n" {
		t.Errorf("Check = %d:\n%s", errs, out.String())
	}
}

func TestResolveLink(t *testing.T) {
	posts, _ := linkTree(t)
	fsys := openRoot(t, posts)
	must(t, os.Symlink("../shared/./2020-01-02-target.md", filepath.Join(posts, "shared", "up-and-back.md")))
	must(t, os.Symlink("linked-folder/../2020-01-01-real.md", filepath.Join(posts, "through.md")))
	must(t, os.Symlink("..", filepath.Join(posts, "shared", "parent")))
	for _, tt := range []struct{ name, want, err string }{
		{"2020-01-03-alias.md", "shared/2020-01-02-target.md", ""},
		{"shared/up-and-back.md", "shared/2020-01-02-target.md", ""},
		{"through.md", "2020-01-01-real.md", ""},
		{"shared/parent", ".", ""},
		{"shared/parent/shared/parent/2020-01-01-real.md", "2020-01-01-real.md", ""},
		{"shared/parent/..", "", "leads out of the folder"},
		{"2020-01-01-real.md/x", "", "file does not exist"},
	} {
		got, _, err := resolveLink(fsys, tt.name)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("resolveLink(%q) = %q, %v; want error %q", tt.name, got, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("resolveLink(%q) = %q, %v; want %q", tt.name, got, err, tt.want)
		}
	}
}
