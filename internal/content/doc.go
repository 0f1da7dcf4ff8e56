// Package content loads a blog: a Jekyll site, a Hugo site or a folder of
// Markdown posts, read from an fs.FS and turned into Posts indexed by slug,
// tag and language. Load reads them; Check reports their problems to an
// operator.
//
// # Sites
//
// ReadSite tells what the root is. A Jekyll site has _config.yml (or a
// _posts folder); its posts are the files of every _posts folder (and
// _drafts), named YYYY-MM-DD-title as Jekyll requires (any other Markdown
// file there is a warning), with the folders above _posts as categories. A
// Hugo site has hugo.toml|yaml|json, config.* or config/_default/; its
// posts are the pages of its main sections (params.mainSections, else the
// section with the most pages), in content/ and each language's
// contentDir. Anything else is a posts folder: every Markdown file below
// it. The config gives the blog its title, description, author, URL, time
// zone, future setting, Markdown extensions and languages (Site); Options
// override them.
//
// # Files
//
// Files with the site's Markdown extensions (Jekyll's markdown, mkdown,
// mkdn, mkd, md by default) are read, in any subfolder. Names starting
// with "." are skipped (files and folders), and so are files starting with
// "_" (Hugo's _index.md), "#" or "~". A Hugo page bundle, my-post/index.md,
// is named by its folder; my-post.ko.md and index.ko.md are translations
// when ko is one of the site's languages. Files are UTF-8, with or without
// a byte order mark, with LF or CRLF line ends; anything else is a problem
// for that file.
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
//   - Title: "title"; else, outside Jekyll, a leading level-one heading
//     ("# Title", or "Title" over "===="), which is then left out of the
//     body; else the file name titleized as Jekyll does ("edge-case-no-yaml"
//     reads "Edge Case No Yaml"). A heading repeating the title is left
//     out too. Markdown, HTML tags and entities in titles and descriptions
//     become plain text.
//   - Date: "date"; else Hugo's "publishDate"; else the file name's date
//     (YYYY-MM-DD- or 2017-2-5-, as Jekyll reads it); else "lastmod".
//     Without any, the post is a problem, except a draft, which is dated by
//     its file's modification time as Jekyll does, and a Hugo page, which
//     Hugo shows undated: it is dated the same way, with a warning. Dates are read as
//     leniently as Jekyll (Ruby's Time.parse) and Hugo: 2017-06-11,
//     2014-10-1 12:00:00, 2017-06-11 21:06 +0900, RFC 3339, Jan 2, 2006.
//     A date without a zone is in the site's zone (Options.Location, else
//     the config's, else UTC), except that in a Jekyll site a YAML
//     timestamp without one ("2017-06-11 21:06:00") is UTC, as Psych reads
//     it; dates show in the site's zone. An impossible field (hour 25) is
//     a problem naming its line; 30 February rolls over, as in Ruby.
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
//     Posts sharing a slug are all shown, each under the date form of
//     Jekyll's URL ("2017-03-30-word2vec"); the plain slug opens the newest,
//     and each gets a warning naming the others. Translations share one.
//   - Language: Hugo's file name (post.ko.md) or contentDir, else "lang";
//     translations are one post (Post.Translations, Post.In), listed once in
//     the site's default language.
//   - Description: "description", "excerpt" or "summary"; else the first
//     paragraph (not one of images only, nor in a table), cut at a word
//     boundary to 160 characters.
//
// # Body
//
// Templates run first, once every post's front matter is read, so that
// they can name any post. Jekyll's posts (and a posts folder's, unless
// they look like Hugo's) run through a real Liquid engine,
// github.com/osteele/liquid, with Jekyll's variables (page.*, site.*,
// site.posts, site.data), filters (relative_url, date_to_xmlschema,
// jsonify, markdownify, where_exp, ...) and tags (include and
// include_relative from the site's folders, post_url, link, highlight, raw,
// comment); Liquid runs in code too, as in Jekyll. Hugo's posts run their
// shortcodes: figure as its image and caption, youtube, vimeo, gist,
// tweet as links, highlight as code, ref and relref as post links, param,
// unknown ones as their inner text. A link to another post becomes
// "sshblog:SLUG" (PostLinkScheme), which the renderer shows as the deep
// link that opens it. A tag that fails leaves its post readable, without
// the tag, and is a warning naming the file and line. Post.Body is the
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
