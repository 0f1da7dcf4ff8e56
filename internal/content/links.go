package content

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"strings"
)

// Symbolic links
//
// A post file may be a symbolic link to another Markdown file in the same
// folder tree: Load follows it. A link that leads anywhere else is a
// problem for that file and is not read:
//
//   - out of the folder (an absolute target, or one that climbs out with
//     ".."): "raw" would otherwise print /etc/passwd or the host key;
//   - to a hidden file or into a hidden folder (".ssh/id_ed25519"), or to a
//     file that is not Markdown: Load would not read those as posts, so it
//     does not read them through a link either;
//   - to a folder, to nothing, or round in a loop.
//
// Load decides from the links themselves (fs.ReadLinkFS, which os.DirFS
// and os.Root's FS implement), so the problem names the link and says what
// to do. Opening the folder with os.OpenRoot, as sshblog does, also makes
// the operating system refuse any path out of it, so a link changed
// between the check and the read cannot escape either.
//
// Links to folders are not followed at all: fs.WalkDir does not enter them
// (nor did it before), and a folder inside the tree is walked under its own
// name anyway, so following a link to it would only load its posts twice.
// The folder given to Load may itself be a link (a git-sync checkout):
// os.OpenRoot and os.DirFS resolve it when they open it.

// maxLinks bounds how many links one path may go through, as Linux does.
const maxLinks = 40

var (
	errLinkEscapes = errors.New("leads out of the folder")
	errLinkLoop    = errors.New("too many links")
)

// checkLink decides whether Load may read the post file name, a symbolic
// link. It returns nil when the link leads to a Markdown file inside fsys
// that Load would read as a post itself, and otherwise the problem.
func checkLink(fsys fs.FS, name string) *ParseError {
	if _, ok := fsys.(fs.ReadLinkFS); !ok {
		return nil // cannot tell: the file system decides when opening it
	}
	target, err := fs.ReadLink(fsys, name)
	if err != nil {
		return &ParseError{Path: name, Msg: "cannot read the link: " + errText(err) + ": check its permissions"}
	}
	problem := func(format string, args ...any) *ParseError {
		return &ParseError{Path: name, Msg: fmt.Sprintf("is a link to %q, "+format, append([]any{target}, args...)...)}
	}
	resolved, info, err := resolveLink(fsys, name)
	switch {
	case errors.Is(err, errLinkEscapes):
		return problem("which leads outside the posts' folder: sshblog does not follow links out of it; copy the file into the folder or remove the link")
	case errors.Is(err, errLinkLoop):
		return problem("which goes through more than %d links (a loop?): fix the link or remove it", maxLinks)
	case errors.Is(err, fs.ErrNotExist):
		return problem("which does not exist: fix the link or remove it")
	case err != nil:
		return problem("which cannot be followed: %s", errText(err))
	case info.IsDir():
		return problem("a folder: sshblog does not follow links to folders; remove the link (the folder's own posts are loaded if it is inside the posts' folder)")
	case isHidden(resolved):
		return problem("which is hidden (%s): sshblog does not read hidden files, through a link or not; remove the link", resolved)
	case !isMarkdown(resolved):
		return problem("which is not a Markdown file (%s): sshblog follows links only to .md and .markdown posts; remove the link", resolved)
	}
	return nil
}

// resolveLink follows the links on the way to name inside fsys, as the
// kernel and os.Root do, and returns the path inside fsys it leads to and
// what is there. It never looks outside fsys: a path that would leave it
// is errLinkEscapes.
func resolveLink(fsys fs.FS, name string) (string, fs.FileInfo, error) {
	var done []string // resolved components: real folders, then the file
	todo := strings.Split(name, "/")
	links := 0
	var info fs.FileInfo
	for len(todo) > 0 {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) == 0 {
				return "", nil, errLinkEscapes
			}
			done = done[:len(done)-1]
			info = nil
			continue
		}
		cur := path.Join(path.Join(done...), c)
		var err error
		info, err = fs.Lstat(fsys, cur)
		if err != nil {
			return cur, nil, err
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			if len(todo) > 0 && !info.IsDir() {
				return cur, nil, fs.ErrNotExist // a file used as a folder
			}
			done = append(done, c)
			continue
		}
		if links++; links > maxLinks {
			return "", nil, errLinkLoop
		}
		target, err := fs.ReadLink(fsys, cur)
		if err != nil {
			return cur, nil, err
		}
		if path.IsAbs(target) || filepath.IsAbs(target) || filepath.VolumeName(target) != "" {
			return "", nil, errLinkEscapes
		}
		// The target replaces the link, relative to the link's folder.
		todo = append(strings.Split(filepath.ToSlash(target), "/"), todo...)
	}
	if len(done) == 0 || info == nil {
		// The link leads back to the folder itself, or to a parent of
		// where it started: a folder.
		resolved := path.Join(done...)
		if resolved == "" {
			resolved = "."
		}
		st, err := fs.Stat(fsys, resolved)
		return resolved, st, err
	}
	return path.Join(done...), info, nil
}

// isHidden reports whether a path inside fsys has a component Load skips
// for starting with ".".
func isHidden(name string) bool {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") && part != "." {
			return true
		}
	}
	return false
}
