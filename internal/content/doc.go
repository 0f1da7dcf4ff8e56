// Package content loads blog posts from an fs.FS: the Markdown files of a
// Jekyll _posts folder or a Hugo content/posts folder, turned into Posts
// and indexed by slug and tag. Load reads them; Check reports their
// problems to an operator.
//
// # Files
//
// Every .md and .markdown file below the root is a post, in any subfolder.
// Names starting with "." are skipped (files and folders), and so are files
// starting with "_" (Hugo's _index.md), "#" or "~". A Hugo page bundle,
// my-post/index.md, is named by its folder. Files are UTF-8, with or
// without a byte order mark, with LF or CRLF line ends; anything else is a
// problem for that file.
//
// A file may be a symbolic link to another Markdown file inside the root;
// a link out of the root, to a hidden or non-Markdown file, to a folder or
// to nothing is a problem for that file, which is not read. Links to
// folders are not followed (fs.WalkDir does not enter them). Open the root
// with os.OpenRoot so that the operating system refuses any path out of
// it, too.
//
// A post's body is shown up to MaxPostBytes (512 KiB): a longer one ends
// at the last whole line that fits, with an open code block closed, and a
// last paragraph saying the rest is in its source file. Post.Source is cut
// at the same line. Blog.Warnings, and Check, say which posts were cut.
// Load reads no more of a file than that, and a file over 16 MB is a
// problem, not read at all when its size is known.
//
// # Front matter
//
// YAML between "---" lines (Jekyll, Hugo), TOML between "+++" lines (Hugo),
// or none at all. Keys are matched case-insensitively; unknown keys are
// ignored.
//
//   - Title: "title"; else a leading level-one heading ("# Title", or
//     "Title" over "===="), which is then left out of the body; else the
//     file name made readable ("my-first_post" reads "My first post").
//     A heading repeating the title is left out too. Markdown, HTML tags
//     and entities in titles and descriptions become plain text.
//   - Date: "date"; else Hugo's "publishDate"; else the file name's
//     YYYY-MM-DD- prefix; else "lastmod". Without any, the post is a
//     problem, except a draft, which is dated by its file's modification
//     time as Jekyll does. Dates are read in the forms Jekyll and Hugo
//     write: 2017-06-11, 2017-06-11 21:06, 2017-06-11 21:06:00 +0900, RFC
//     3339 (2017-06-11T21:06:00+09:00), TOML dates. A date without a zone
//     is in Options.Location, UTC by default. An impossible date (hour 24,
//     February 30) is a problem naming its line.
//   - Updated: "updated", "last_modified_at", "lastmod" or "modified".
//   - Tags: "tags" (or "tag"): a list, a flow list [a, b], or one string of
//     words separated by spaces or commas, as Jekyll splits it. Categories:
//     "categories" (or "category"), the same way. Categories are merged
//     into Post.Tags after the tags, so they are browsed as tags are;
//     Post.Categories and Tag.Category tell them apart for a UI that wants
//     to. Tags compare case-insensitively and show as first written.
//   - Hidden: "draft: true", "published: false", files under _drafts/, and
//     posts dated (or with a publishDate) after Options.Now, unless
//     Options.Drafts or Options.Future say otherwise; Hugo's "expiryDate"
//     in the past hides a post for good.
//   - Slug: "slug"; else the file name without its date and extension.
//     Slugs keep Unicode letters and digits (and "_" and "."), lower-cased;
//     anything else becomes a dash: "2018-12-12-한글 제목.md" is 한글-제목.
//     Two posts with one slug are a problem naming both.
//   - Description: "description", "excerpt" or "summary"; else the first
//     paragraph (not one of images only, nor in a table), cut at a word
//     boundary to 160 characters.
//
// # Body
//
// Liquid runs first, as in Jekyll and Hugo, over the text:
// {% highlight go %}…{% endhighlight %} (and Hugo's {{< highlight go >}})
// becomes a fenced code block; {% raw %} and {% endraw %} markers go,
// keeping what is between them as written; {% comment %} blocks go with
// their content; every other {% tag %} and {{ output }}, and every Hugo
// shortcode, goes, and a line left empty by that goes with it. In code (as
// goldmark finds it) only the raw markers go, and Hugo's {{</* */>}}
// escapes show as the shortcode. Posts with TOML front matter are Hugo's,
// which does not run Liquid: there only shortcodes go. Post.Body is the
// result.
//
// Then goldmark parses Body, once, into Post.Doc, the tree that the
// renderer renders and that the title, description, word count and
// Post.Outline are read from. It reads GitHub-flavoured Markdown
// (strikethrough only for ~~text~~: a single ~ is a tilde, in URLs too),
// definition lists and footnotes (markers read [1], the notes are a
// numbered list at the end). Raw HTML becomes nodes (paragraphs, lists,
// links, images, tables, code, line breaks; script, style and comments
// go), converted with golang.org/x/net/html. Jekyll posts get kramdown's
// syntax besides: attribute lists ({: .note}, image.jpg{:.x}) go, a
// "* TOC" list with {:toc} becomes the table of contents, kramdown tables
// (|---+---|, |===) are tables, and an HTML block runs to its closing tag
// across blank lines. Hostile input stays linear: lists and quotes nest at
// most 32 deep and a paragraph holds at most 500 lines (the next line
// starts another).
//
// A Blog keeps the trees of its newest posts within Options.DocBytes;
// Post.Doc parses another again, the same way, when it is rendered.
//
// # Security
//
// Post text can come from anywhere. Terminal control characters and
// escape sequences (ESC, BEL, C1 controls, CSI and OSC sequences) are
// removed from every field at load time, and so are character references
// that a renderer would turn into them (&#27;).
package content
