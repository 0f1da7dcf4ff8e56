package content

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/sshblog/sshblog/internal/sanitize"
)

// Check loads the posts of fsys as Load does and writes a report for an
// operator to w: every problem on a line of its own, then a summary line.
// It returns the number of errors, so a command can exit 1 when it is not
// zero. Warnings (Blog.Warnings: posts shown cut) are printed among the
// problems, by file, but are not errors.
//
// root is the folder fsys was opened from, as the operator typed it (the
// --content flag, or "" for the embedded posts); problems name files under
// it, "content/posts/x.md:3: date "2017-05-29 24:12:00": hour out of range".
// opts.Root, when set, wins over root. opts.Future and opts.Drafts count the
// posts they show as visible, as the server would.
//
// The summary reads "12 posts, 3 hidden, 1 error" ("12 posts (and 5
// translations), ..." when posts have translations): posts counts every post
// that loaded, visible or hidden (drafts, unpublished, future, expired);
// hidden counts those of them the blog would not show; errors counts the
// problems. A folder that cannot be read, or that holds no post at all, is
// an error too: the server would refuse to start. When there are warnings,
// ", 2 warnings" follows.
func Check(w io.Writer, fsys fs.FS, root string, opts Options) (errs int) {
	if opts.Root == "" {
		opts.Root = root
	}
	where := opts.Root
	if where == "" {
		where = "."
	}
	blog, problems, err := Load(fsys, opts)
	errs = len(problems)
	if blog != nil {
		if line := describeSite(blog, opts); line != "" {
			fmt.Fprintln(w, sanitize.Line(where+": "+line))
		}
	}
	var warnings []error
	if blog != nil {
		warnings = blog.Warnings()
	}
	// Both lists are sorted by file: merge them.
	for len(problems) > 0 || len(warnings) > 0 {
		if len(warnings) == 0 || len(problems) > 0 && pathOf(problems[0]) <= pathOf(warnings[0]) {
			fmt.Fprintln(w, problems[0])
			problems = problems[1:]
		} else {
			fmt.Fprintln(w, warnings[0])
			warnings = warnings[1:]
		}
	}
	nwarn := 0
	if blog != nil {
		nwarn = len(blog.Warnings())
	}
	posts, hidden := 0, 0
	switch {
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(w, "%s: no such folder: check the path to the posts\n", sanitize.Line(where))
		} else {
			fmt.Fprintf(w, "%s: %s\n", sanitize.Line(where), sanitize.Line(err.Error()))
		}
		errs++
	default:
		hidden = blog.Hidden()
		posts = blog.Len() + hidden
		if posts == 0 && errs == 0 {
			fmt.Fprintf(w, "%s: no posts found: add Markdown files (.md or .markdown)\n", sanitize.Line(where))
			errs++
		}
	}
	fmt.Fprintf(w, "%d %s", posts, plural(posts, "post", "posts"))
	if blog != nil {
		tr := 0
		for _, p := range blog.Posts() {
			tr += max(0, len(p.Translations())-1)
		}
		if tr > 0 {
			fmt.Fprintf(w, " (and %d %s)", tr, plural(tr, "translation", "translations"))
		}
	}
	fmt.Fprintf(w, ", %d hidden, %d %s", hidden, errs, plural(errs, "error", "errors"))
	if nwarn > 0 {
		fmt.Fprintf(w, ", %d %s", nwarn, plural(nwarn, "warning", "warnings"))
	}
	fmt.Fprintln(w)
	return errs
}

// describeSite says what Load read of the site's config, as one line:
// `Jekyll site (_config.yml): title "Notes", time zone Asia/Seoul,
// languages ko (default), en`. A posts folder with no config says nothing.
func describeSite(blog *Blog, opts Options) string {
	site := blog.Site()
	if site.Kind == PostsFolder && site.Config == "" && opts.Name == "" && opts.Location == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(site.Kind.String())
	if site.Config != "" {
		fmt.Fprintf(&b, " (%s)", site.Config)
	}
	fmt.Fprintf(&b, ": title %q", blog.Name)
	if site.Author != "" {
		fmt.Fprintf(&b, ", author %q", site.Author)
	}
	zone := "UTC"
	if opts.Location != nil {
		zone = opts.Location.String()
	} else if site.Location != nil {
		zone = site.Location.String()
	}
	fmt.Fprintf(&b, ", time zone %s", zone)
	if len(site.Languages) > 0 {
		var ls []string
		for _, l := range site.Languages {
			if l.Code == site.DefaultLanguage {
				ls = append(ls, l.Code+" (default)")
			} else {
				ls = append(ls, l.Code)
			}
		}
		fmt.Fprintf(&b, ", languages %s", strings.Join(ls, ", "))
	} else if site.DefaultLanguage != "" {
		fmt.Fprintf(&b, ", language %s", site.DefaultLanguage)
	}
	if site.Future || opts.Future {
		b.WriteString(", future posts shown")
	}
	return b.String()
}

// pathOf is the file a problem is about.
func pathOf(err error) string {
	if pe, ok := err.(*ParseError); ok {
		return pe.Path
	}
	return ""
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
