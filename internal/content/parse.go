package content

import (
	"bytes"
	"fmt"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/sshblog/sshblog/internal/sanitize"
	"golang.org/x/text/unicode/norm"
)

// ParseError is a problem with one post file. Every problem Load reports is
// a *ParseError.
type ParseError struct {
	Path string // the file's path inside the loaded fs.FS, slash-separated
	Line int    // 1-based line in the file (the opening --- is line 1); 0 when the problem has no single line
	Msg  string // what is wrong, and what to do about it

	// Root is the folder the fs.FS was opened from, as the operator wrote it
	// (see Options.Root). When set, Error shows the file as Root/Path, e.g.
	// "content/posts/x.md:3: ...".
	Root string

	// Warning marks something the operator should know about a post that
	// did load (Blog.Warnings), rather than a problem that kept it out.
	Warning bool

	// Kept marks a problem with a post file that a reload (Options.Previous)
	// answered by showing the post's last good version.
	Kept bool
}

// Error formats the problem as "file:line: message", or "file: message"
// when there is no line; a warning's message starts with "warning: ". It is one line and holds no control characters,
// whatever the file is called.
func (e *ParseError) Error() string {
	msg := sanitize.Line(e.Msg)
	if e.Warning {
		msg = "warning: " + msg
	}
	if e.Kept {
		msg += " (its last good version is still shown)"
	}
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Name(), e.Line, msg)
	}
	return fmt.Sprintf("%s: %s", e.Name(), msg)
}

// Name is the file as the operator knows it: Root and Path joined, quoted
// when the name holds control characters.
func (e *ParseError) Name() string {
	name := joinRoot(e.Root, e.Path)
	if !sanitize.IsClean(name) || strings.ContainsAny(name, "\n\t") {
		return strconv.Quote(name)
	}
	return name
}

// joinRoot puts root, as typed, in front of a slash-separated path inside it.
func joinRoot(root, p string) string {
	if root == "" {
		return p
	}
	if p == "" || p == "." {
		return root
	}
	p = filepath.FromSlash(p)
	if strings.HasSuffix(root, "/") || strings.HasSuffix(root, string(filepath.Separator)) {
		return root + p
	}
	return root + string(filepath.Separator) + p
}

// maxFileSize bounds one post file; anything larger is surely not a blog
// post, and is a problem rather than a post shown cut. Load does not read
// such a file at all when the file system tells its size.
const maxFileSize = 16 << 20

// MaxPostBytes bounds the Markdown body of a post: a longer one is shown
// cut, at the end of the last line that fits, with a last paragraph saying
// so, and Check warns about it. Post.Source is cut at the same line.
//
// 512 KiB is some 80,000 words, a short book: no real post comes near it.
// The bound is there because every reader's window width renders the body
// once more and keeps the result: a 10 MB post read at 10 widths at once
// took 5.2 GB. Memory grows with the body, so this keeps that case to a
// twentieth.
const MaxPostBytes = 512 << 10

// readLimit is how much of a file Load reads: a body of MaxPostBytes, with
// room for its front matter. The rest of a longer file is never read.
const readLimit = MaxPostBytes + 64<<10

// parseOptions is what parsing needs from Options, the site and the file
// system.
type parseOptions struct {
	loc         *time.Location // zone of dates written without one
	kind        SiteKind       // the site the file belongs to: decides its dates' zones, its templates and its Markdown
	modTime     time.Time      // the file's modification time, the date of an undated draft
	size        int64          // the file's size as the file system tells it; 0 when it does not
	truncated   bool           // the file goes on after the data parsed (readLimit)
	contentLang string         // the language of the folder the file is in (Hugo's contentDir per language); "" when shared
	contentDir  string         // the folder of posts the file was found in: translations share their path below it
	langs       []string       // the site's language codes, for Hugo's post.ko.md names
	emoji       bool           // the site shows emoji codes as emoji (Site.Emoji)
}

// parsed is a post plus what the loader needs to decide whether to show it
// and to finish it once the whole site is known.
type parsed struct {
	post       *Post
	draft      bool      // draft: true, published: false, or under _drafts/
	publish    time.Time // when the post goes public: its date, or a later publishDate
	expiry     time.Time // when it stops being shown (Hugo's expiryDate); zero for never
	slugLine   int       // line of "slug:", for messages; 0 when the slug comes from the name
	sharedSlug string    // the slug it shares with other posts, lower case; "" when its own
	undated    bool      // dated by its file's modification time, having no date of its own
	cutKB      int       // the body was cut (MaxPostBytes): the file's size in KiB
	cutOver    bool      // the file's size is not known: it is over cutKB
	doc        *Doc      // the post's tree, offered to the Blog's cache

	// What the second step (parseBody) needs.
	body      string         // the text after the front matter, cut at MaxPostBytes
	bodyLine  int            // the line of the file the body starts at
	fmLang    string         // "yaml", "toml" or ""
	header    string         // the front matter's text
	hugo      bool           // Hugo's: shortcodes rather than Liquid, and Markdown without kramdown's syntax
	jekyll    bool           // in a Jekyll site
	emoji     bool           // the site shows emoji codes as emoji
	cut       bool           // the body was cut
	size      int64          // the file's size, for the cut note
	sizeOver  bool           // the size is not known: the file is longer
	headTitle bool           // the title came from the front matter
	stem      string         // the file name without date and extension, as Jekyll's slug
	fileDate  string         // the date in the file name, "" when none
	key       string         // what the post's translations share (Hugo: its path without language)
	problems  []bodyProblem  // found while running its templates
	page      map[string]any // page.* for Liquid, built once
}

// cutWarning is the warning for a post whose body was cut, or nil.
func (pp *parsed) cutWarning() *ParseError {
	if pp.cutKB == 0 {
		return nil
	}
	over := ""
	if pp.cutOver {
		over = "over "
	}
	return &ParseError{Path: pp.post.Path, Warning: true, Msg: fmt.Sprintf(
		"post is %s%d KB: sshblog shows its first %d KB, cut at a line, then a note that the rest is in this file; split it into shorter posts",
		over, pp.cutKB, MaxPostBytes>>10)}
}

var utf8BOM = []byte("\xef\xbb\xbf")

// parseHead reads one file up to its body: front matter, title, dates,
// slug, tags, language. name is the file's path inside the loaded fs.FS;
// it is used in error messages and for the date, slug and title of posts
// that do not give them. The body is read by parseBody, once every post's
// head is known, so that it can link to any of them.
func parseHead(name string, data []byte, po parseOptions) (*parsed, error) {
	fail := func(line int, format string, args ...any) error {
		return &ParseError{Path: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	failFM := func(err error) error {
		if fe, ok := err.(*fmError); ok {
			return &ParseError{Path: name, Line: fe.line, Msg: fe.msg}
		}
		return &ParseError{Path: name, Msg: err.Error()}
	}
	if len(data) > maxFileSize {
		return nil, fail(0, "file is %d MB: a post may be at most %d MB; is it really a post?", len(data)>>20, maxFileSize>>20)
	}
	if bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff}) {
		return nil, fail(1, "file is UTF-16: save it as UTF-8")
	}
	data = bytes.TrimPrefix(data, utf8BOM)
	if po.truncated {
		data = trimPartialRune(data) // the read stopped inside a character
	}
	if !utf8.Valid(data) {
		line, b := invalidUTF8(data)
		return nil, fail(line, "not valid UTF-8 (byte 0x%02x): save the file as UTF-8", b)
	}
	text := string(data)
	if strings.IndexByte(text, '\r') >= 0 {
		text = strings.ReplaceAll(text, "\r\n", "\n")
		text = strings.ReplaceAll(text, "\r", "\n")
	}
	if sanitize.HasControls(text) {
		text = sanitize.Text(text)
	}
	text = toNFC(text)

	lang, header, body, err := splitFrontMatter(text)
	if err != nil {
		return nil, failFM(err)
	}
	fm, err := decodeFrontMatter(lang, header, 2)
	if err != nil {
		return nil, failFM(err)
	}

	// The file name: "2017-06-11-my-post.md", or a Hugo page bundle
	// "my-post/index.md" named by its folder. Hugo names a translation
	// "my-post.ko.md" (or index.ko.md in a bundle).
	dir, base := path.Split(name)
	stem := strings.TrimSuffix(base, path.Ext(base))
	postLang := po.contentLang
	if i := strings.LastIndexByte(stem, '.'); i > 0 && slices.Contains(po.langs, strings.ToLower(stem[i+1:])) {
		postLang, stem = strings.ToLower(stem[i+1:]), stem[:i]
	}
	relDir := strings.TrimPrefix(dir, po.contentDir+"/")
	if po.contentDir == "." || po.contentDir == "" {
		relDir = dir
	}
	key := path.Join(relDir, stem)
	if strings.EqualFold(stem, "index") && dir != "" {
		stem = path.Base(dir)
		key = path.Clean(relDir)
	}
	stem = toNFC(stem)
	fileDate, stemRest := splitFileDate(stem)

	// A body over MaxPostBytes is cut before it is transformed, which
	// costs as much as the text it is given; Source is cut at the same
	// place. A file longer than what was read ends mid-line: that line goes.
	cut := po.truncated || len(body) > MaxPostBytes
	if cut {
		kept := cutAtLine(body, MaxPostBytes)
		text = text[:len(text)-len(body)+len(kept)] // body is the end of text
		body = kept
	}
	p := &Post{Path: name, Source: text, Lang: postLang}
	hugo := po.kind == Hugo || po.kind == PostsFolder && (lang == "toml" || looksHugo(body))
	pp := &parsed{post: p, draft: inDrafts(name), body: body, fmLang: lang, header: header, hugo: hugo,
		cut: cut, size: po.size, jekyll: po.kind == Jekyll, emoji: po.emoji, stem: cmpOr(stemRest, stem), fileDate: fileDate, key: key,
		bodyLine: strings.Count(text[:len(text)-len(body)], "\n") + 1}
	if pp.size <= 0 || pp.size < int64(len(data)) {
		// The file system did not tell, or the file grew: what was read
		// is all that is known, and a file cut by the read is longer.
		pp.size, pp.sizeOver = int64(len(data)), po.truncated
	}

	tv, _ := fm.get("title")
	rawTitle, err := tv.textValue("title")
	if err != nil {
		return nil, failFM(err)
	}
	p.Title = plainInline(rawTitle)
	pp.headTitle = p.Title != ""
	if v, _ := fm.get("lang", "language"); v.kind == fmText && p.Lang == "" {
		p.Lang = strings.ToLower(v.text)
	}
	if v, _ := fm.get("translationkey"); v.kind == fmText {
		pp.key = "key:" + v.text
	}

	// Dates. A date without a zone is in po.loc, except that Jekyll reads
	// one that YAML takes for a timestamp ("2014-10-1 12:00:00") as UTC.
	loc := po.loc
	if loc == nil {
		loc = time.UTC
	}
	dateOf := func(key string) (time.Time, bool, error) {
		v := fm[key]
		if v.kind == fmNone {
			return time.Time{}, false, nil
		}
		s, err := v.textValue(key)
		if err != nil {
			return time.Time{}, false, err
		}
		var t time.Time
		if po.kind == Jekyll && lang == "yaml" {
			t, err = jekyllDate(s, !v.quoted, loc)
		} else {
			t, err = parseLenientDate(s, loc)
			if err == nil && po.loc != nil {
				t = t.In(po.loc) // shown in the site's zone, as the site shows it
			}
		}
		if err != nil {
			return time.Time{}, false, &fmError{line: v.line, msg: fmt.Sprintf("%s %q: %v", key, s, err)}
		}
		return t, true, nil
	}
	firstDate := func(keys ...string) (time.Time, bool, error) {
		for _, k := range keys {
			if t, ok, err := dateOf(k); ok || err != nil {
				return t, ok, err
			}
		}
		return time.Time{}, false, nil
	}

	if v := fm["draft"]; v.kind != fmNone {
		b, err := v.boolValue("draft")
		if err != nil {
			return nil, failFM(err)
		}
		pp.draft = pp.draft || b
	}
	// "published" is a true/false in Jekyll and a date in Hugo.
	publishedKey := ""
	if v := fm["published"]; v.kind != fmNone {
		if b, err := v.boolValue("published"); err == nil {
			pp.draft = pp.draft || !b
		} else {
			publishedKey = "published"
		}
	}
	publishDate, hasPublish, err := firstDate("publishdate", "pubdate", publishedKey)
	if err != nil {
		return nil, failFM(err)
	}
	date, hasDate, err := dateOf("date")
	if err != nil {
		return nil, failFM(err)
	}
	switch {
	case hasDate:
	case hasPublish:
		date = publishDate
	case fileDate != "":
		date, err = parseLenientDate(fileDate, loc)
		if err != nil {
			return nil, fail(0, "date in file name %q: %v: name the file YYYY-MM-DD-slug.md with a real date", base, dateErr(err))
		}
	default:
		date, hasDate, err = firstDate("lastmod", "modified")
		if err != nil {
			return nil, failFM(err)
		}
		if !hasDate && (pp.draft || po.kind == Hugo) {
			// Jekyll dates a draft by its file's modification time; Hugo
			// shows an undated page, with no date: sshblog lists it by the
			// same time, and says so.
			date, hasDate = po.modTime.In(loc), true
			pp.undated = !pp.draft
		}
		if !hasDate {
			return nil, fail(0, "no date: add \"date: YYYY-MM-DD\" to the front matter or name the file YYYY-MM-DD-%s", cmpOr(stemRest, stem)+path.Ext(base))
		}
	}
	p.Draft = pp.draft
	p.Date = date
	pp.publish = date
	if hasPublish && publishDate.After(date) {
		pp.publish = publishDate
	}
	if p.Updated, _, err = firstDate("updated", "last_modified_at", "lastmod", "modified"); err != nil {
		return nil, failFM(err)
	}
	if pp.expiry, _, err = firstDate("expirydate", "unpublishdate"); err != nil {
		return nil, failFM(err)
	}

	// Tags and categories: Jekyll reads the singular key first, and splits
	// only the plural one when it is a string.
	readWords := func(singular, plural string) ([]string, error) {
		if v := fm[singular]; v.kind != fmNone {
			return v.words(singular, false)
		}
		return fm[plural].words(plural, true)
	}
	tags, err := readWords("tag", "tags")
	if err != nil {
		return nil, failFM(err)
	}
	cats, err := readWords("category", "categories")
	if err != nil {
		return nil, failFM(err)
	}
	if po.kind == Jekyll {
		// Jekyll makes the folders above _posts categories: blog/_posts/x.md is in "blog".
		cats = append(folderCategories(name), cats...)
	}
	p.Tags = mergeTags(tags, cats)
	p.Categories = mergeTags(cats)

	sv := fm["slug"]
	slug, err := sv.textValue("slug")
	if err != nil {
		return nil, failFM(err)
	}
	p.Slug = slugify(slug)
	if p.Slug != "" {
		pp.slugLine = sv.line
		pp.stem = slug
	}
	for _, s := range []string{stemRest, stem, p.Title} {
		if p.Slug == "" {
			p.Slug = slugify(s)
		}
	}
	if p.Slug == "" {
		return nil, fail(0, "cannot make a slug from the file name: rename the file or set \"slug:\"")
	}
	if p.Title == "" {
		// For now: the body's heading may still give one (parseBody).
		p.Title = titleize(cmpOr(stemRest, stem))
	}
	if v, _ := fm.get("permalink", "url"); v.kind == fmText {
		p.URL = v.text
	}

	dv, dk := fm.get("description", "excerpt", "summary")
	desc, err := dv.textValue(dk)
	if err != nil {
		return nil, failFM(err)
	}
	p.Description = plainInline(desc)
	return pp, nil
}

// looksHugo tells a Hugo post in a bare posts folder by its shortcodes:
// "{{<" or "{{%", and no Liquid tag.
func looksHugo(body string) bool {
	return (strings.Contains(body, "{{<") || strings.Contains(body, "{{%")) && !strings.Contains(body, "{%")
}

// parseBodySafe is parseBody where a panic (a bug) costs the post its
// body only: it is shown with a note, and a warning says what happened.
func (pp *parsed) parseBodySafe(site *bodySite) {
	defer func() {
		if r := recover(); r != nil {
			p := pp.post
			p.Body = "This post could not be shown: sshblog failed on it (internal error). The operator has been told."
			p.markdown = p.Body
			pp.doc = parseDoc(p.markdown, false)
			p.Outline = Outline{}
			pp.problems = append(pp.problems, bodyProblem{Msg: fmt.Sprintf("cannot show this post (internal error: %v): please report it", r)})
		}
	}()
	pp.parseBody(site)
}

// parseBody finishes a post once every post's head is known: its Liquid or
// shortcodes run, then goldmark parses the result. The heading that starts
// the body becomes the title of a post that has none in its front matter.
// site may be nil: templates then see no other post.
func (pp *parsed) parseBody(site *bodySite) {
	p := pp.post
	body := pp.body
	switch {
	case pp.hugo:
		env := shortcodeEnv{Param: pp.param(site)}
		if site != nil {
			env.Ref = site.ref
		}
		body, pp.problems = expandShortcodes(body, pp.bodyLine, env)
	case pp.hasLiquid():
		ls := site.liquidSite()
		body, pp.problems = ls.render(p.Path, body, pp.bodyLine, pp.pageVars())
	}
	body = sanitize.DropControlRefs(body)
	cut := pp.cut
	if len(body) > MaxPostBytes { // HTML tables and templates can grow a little
		body, cut = cutAtLine(body, MaxPostBytes), true
	}

	p.Body = trimLeadingBlankLines(body)
	p.markdown, p.flavour = p.Body, flavour{hugo: pp.hugo, emoji: pp.emoji}
	doc := p.flavour.parse(p.markdown)
	if h, _, ok := doc.leadingHeading(); ok {
		switch {
		case !pp.headTitle && !pp.jekyll:
			// Jekyll titles such a post by its file name, and shows the
			// heading; elsewhere the heading is the better title.
			p.Title, p.dropHeading = h, true // so it is not shown twice
		case strings.EqualFold(h, p.Title):
			p.dropHeading = true // the same title again as the first heading
		}
	}
	if cut {
		pp.cutKB, pp.cutOver = max(1, int(pp.size>>10)), pp.sizeOver
		p.note = cutNote(pp.cutKB, pp.cutOver)
		p.Body = appendParagraph(p.Body, p.note)
		p.Source = appendParagraph(p.Source, p.note)
	}
	p.shape(doc) // as Doc shapes a tree parsed again
	p.Words = countWords(doc.PlainText(doc.Root))
	p.Outline = doc.outline()
	pp.doc = doc
	if p.Description == "" {
		p.Description = doc.description(descriptionRunes)
	}
	pp.body, pp.header, pp.page = "", "", nil // done with: free them
}

// descriptionRunes bounds a description taken from the body.
const descriptionRunes = 160

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// folderCategories are the folders above a Jekyll _posts (or _drafts)
// folder: "blog/news/_posts/x.md" is in "blog" and "news".
func folderCategories(name string) []string {
	parts := strings.Split(path.Dir(name), "/")
	for i, part := range parts {
		if part == "_posts" || part == "_drafts" {
			return parts[:i]
		}
	}
	return nil
}

// inDrafts reports whether the file is in a Jekyll _drafts folder.
func inDrafts(name string) bool {
	for _, part := range strings.Split(path.Dir(name), "/") {
		if part == "_drafts" {
			return true
		}
	}
	return false
}

// invalidUTF8 finds the line and value of the first byte that is not UTF-8.
func invalidUTF8(data []byte) (line int, b byte) {
	line = 1
	for i := 0; i < len(data); {
		r, size := utf8.DecodeRune(data[i:])
		if r == utf8.RuneError && size == 1 {
			return line, data[i]
		}
		if r == '\n' {
			line++
		}
		i += size
	}
	return line, 0
}

// dateErr reduces time's parse errors to their reason.
func dateErr(err error) error {
	if pe, ok := err.(*time.ParseError); ok && pe.Message != "" {
		return fmt.Errorf("%s", strings.TrimPrefix(pe.Message, ": "))
	}
	return err
}

// mergeTags joins lists of tags, keeping the first spelling of each and
// dropping case-insensitive repeats and empty ones.
func mergeTags(lists ...[]string) []string {
	var out []string
	var seen map[string]bool // lower-cased, once there are many tags
	for _, l := range lists {
	next:
		for _, t := range l {
			t = sanitize.Line(toNFC(t))
			if t == "" {
				continue
			}
			switch {
			case seen != nil:
				key := strings.ToLower(t)
				if seen[key] {
					continue next
				}
				seen[key] = true
			default:
				for _, o := range out {
					if strings.EqualFold(o, t) {
						continue next
					}
				}
				if len(out) == 16 {
					seen = make(map[string]bool, 32)
					for _, o := range out {
						seen[strings.ToLower(o)] = true
					}
					seen[strings.ToLower(t)] = true
				}
			}
			out = append(out, t)
		}
	}
	return out
}

// slugify keeps a name readable: Unicode letters, marks and digits stay
// (lower-cased), "_" and "." stay, and anything else becomes a single dash.
func slugify(s string) string {
	s = toNFC(s)
	b := make([]byte, 0, len(s))
	dash := false
	for _, r := range s {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) || r == '_' || r == '.':
			if dash && len(b) > 0 {
				b = append(b, '-')
			}
			dash = false
			b = utf8.AppendRune(b, unicode.ToLower(r))
		default:
			dash = true
		}
	}
	return string(b)
}

// countWords counts what strings.Fields would return, without the slice.
func countWords(s string) int {
	n, inWord := 0, false
	for _, r := range s {
		space := r < utf8.RuneSelf && (r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\v' || r == '\f') ||
			r >= utf8.RuneSelf && unicode.IsSpace(r)
		if !space && !inWord {
			n++
		}
		inWord = !space
	}
	return n
}

// toNFC puts s in Unicode normalization form C, so that text saved
// decomposed (file names on macOS, some editors) shows and compares like
// everything else. Only text holding a combining character can change, and
// that is rare, so the others skip the work.
func toNFC(s string) string {
	for i := 0; i < len(s); i++ {
		if nfcLead[s[i]] {
			return norm.NFC.String(s)
		}
	}
	return s
}

// nfcLead marks the lead bytes of the blocks that hold combining
// characters: U+0300–U+037F (diacritical marks), U+0591–U+08FF (Hebrew,
// Arabic…), U+0900–U+1FFF (Indic scripts, Hangul jamo…), U+2000–U+3FFF
// (marks for symbols, kana voicing marks).
var nfcLead = [256]bool{0xcc: true, 0xcd: true, 0xd6: true, 0xd7: true, 0xd8: true, 0xd9: true,
	0xdb: true, 0xdc: true, 0xdd: true, 0xdf: true, 0xe0: true, 0xe1: true, 0xe2: true, 0xe3: true}

func trimLeadingBlankLines(s string) string {
	for {
		line, rest, ok := strings.Cut(s, "\n")
		if !ok || strings.TrimSpace(line) != "" {
			return s
		}
		s = rest
	}
}
