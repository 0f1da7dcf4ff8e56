package content

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ParseError is a problem with one post file. Line is 0 when the problem
// has no single line.
type ParseError struct {
	Path string
	Line int
	Msg  string
}

func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s: %s", e.Path, e.Msg)
}

// frontMatter is what a post's header may say. Fields are raw YAML nodes
// where authors write them in more than one form.
type frontMatter struct {
	Title       string    `yaml:"title"`
	Date        yaml.Node `yaml:"date"`
	Updated     yaml.Node `yaml:"updated"`
	LastMod     yaml.Node `yaml:"lastmod"`
	LastModAt   yaml.Node `yaml:"last_modified_at"`
	Tags        yaml.Node `yaml:"tags"`
	Categories  yaml.Node `yaml:"categories"`
	Description string    `yaml:"description"`
	Excerpt     string    `yaml:"excerpt"`
	Summary     string    `yaml:"summary"`
	Slug        string    `yaml:"slug"`
	Published   *bool     `yaml:"published"`
	Draft       bool      `yaml:"draft"`
}

var datePrefix = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-`)

// parsed is a post plus what the loader needs to decide whether to show it.
type parsed struct {
	post   *Post
	hidden bool // draft or unpublished; future dates are judged by the loader
}

// parsePost turns one file into a Post. name is the file's path inside the
// loaded fs.FS and is used in error messages.
func parsePost(name string, data []byte) (*parsed, error) {
	fail := func(line int, format string, args ...any) error {
		return &ParseError{Path: name, Line: line, Msg: fmt.Sprintf(format, args...)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, fail(invalidUTF8Line(data), "not valid UTF-8: save the file as UTF-8")
	}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")

	header, body, bodyLine, err := splitFrontMatter(text)
	if err != nil {
		return nil, fail(1, "%v", err)
	}
	var fm frontMatter
	if header != "" {
		if err := yaml.Unmarshal([]byte(header), &fm); err != nil {
			line, msg := yamlErrorLine(err)
			if line > 0 {
				line++ // the opening --- is line 1
			}
			return nil, fail(line, "front matter: %s", msg)
		}
	}

	base := path.Base(name)
	stem := strings.TrimSuffix(base, path.Ext(base))

	p := &Post{Path: name, Source: Sanitize(text)}
	body = Sanitize(body)

	// Title: front matter, else the first "# " heading (then dropped from the
	// body so it is not shown twice), else the file name made readable.
	p.Title = SanitizeLine(fm.Title)
	if p.Title == "" {
		if title, rest, ok := leadingHeading(body); ok {
			p.Title, body = title, rest
		}
	}
	if p.Title == "" {
		p.Title = readableName(datePrefix.ReplaceAllString(stem, ""))
	}
	p.Body = body
	p.Words = len(strings.Fields(body))

	// Date: front matter, else the file name's YYYY-MM-DD- prefix.
	if !fm.Date.IsZero() {
		d, err := parseDate(fm.Date.Value)
		if err != nil {
			return nil, fail(fm.Date.Line+1, "date %q: %v", fm.Date.Value, err)
		}
		p.Date = d
	} else if m := datePrefix.FindStringSubmatch(stem); m != nil {
		d, err := time.Parse(time.DateOnly, m[1])
		if err != nil {
			return nil, fail(0, "date in file name %q: %v: name it YYYY-MM-DD-slug.md", base, dateErr(err))
		}
		p.Date = d
	} else {
		return nil, fail(0, "no date: add \"date: YYYY-MM-DD\" to the front matter or name the file YYYY-MM-DD-slug.md")
	}
	for _, n := range []*yaml.Node{&fm.Updated, &fm.LastModAt, &fm.LastMod} {
		if n.IsZero() {
			continue
		}
		d, err := parseDate(n.Value)
		if err != nil {
			return nil, fail(n.Line+1, "updated date %q: %v", n.Value, err)
		}
		p.Updated = d
		break
	}

	tags, err := stringList(&fm.Tags)
	if err != nil {
		return nil, fail(fm.Tags.Line+1, "tags: %v", err)
	}
	cats, err := stringList(&fm.Categories)
	if err != nil {
		return nil, fail(fm.Categories.Line+1, "categories: %v", err)
	}
	p.Tags = mergeTags(tags, cats)

	p.Slug = SanitizeLine(fm.Slug)
	if p.Slug == "" {
		p.Slug = slugify(datePrefix.ReplaceAllString(stem, ""))
	} else {
		p.Slug = slugify(p.Slug)
	}
	if p.Slug == "" {
		return nil, fail(0, "cannot make a slug from the file name: rename the file or set \"slug:\"")
	}

	p.Description = SanitizeLine(firstNonEmpty(fm.Description, fm.Excerpt, fm.Summary))
	if p.Description == "" {
		p.Description = firstParagraph(body, 160)
	}

	hidden := fm.Draft || (fm.Published != nil && !*fm.Published)
	_ = bodyLine
	return &parsed{post: p, hidden: hidden}, nil
}

// splitFrontMatter separates a leading "---" YAML block from the body.
// bodyLine is the 1-based line where the body starts.
func splitFrontMatter(text string) (header, body string, bodyLine int, err error) {
	if !strings.HasPrefix(text, "---\n") && text != "---" {
		return "", text, 1, nil
	}
	rest := text[len("---\n"):]
	line := 2
	for off := 0; off <= len(rest); {
		end := strings.IndexByte(rest[off:], '\n')
		var cur string
		if end < 0 {
			cur = rest[off:]
		} else {
			cur = rest[off : off+end]
		}
		if strings.TrimRight(cur, " \t") == "---" || strings.TrimRight(cur, " \t") == "..." {
			header = rest[:off]
			if end < 0 {
				return header, "", line + 1, nil
			}
			return header, rest[off+end+1:], line + 1, nil
		}
		if end < 0 {
			break
		}
		off += end + 1
		line++
	}
	return "", "", 0, fmt.Errorf("front matter starts with --- but never ends: close it with a --- line")
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// yamlErrorLine pulls the line number out of a YAML error, counted from the
// first line of the front matter.
func yamlErrorLine(err error) (int, string) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var n int
		fmt.Sscan(m[1], &n)
		return n, m[2]
	}
	if te, ok := err.(*yaml.TypeError); ok && len(te.Errors) > 0 {
		msg = te.Errors[0]
		if m := regexp.MustCompile(`^line (\d+): (.*)$`).FindStringSubmatch(msg); m != nil {
			var n int
			fmt.Sscan(m[1], &n)
			return n, m[2]
		}
	}
	return 0, strings.TrimPrefix(msg, "yaml: ")
}

func invalidUTF8Line(data []byte) int {
	line := 1
	for len(data) > 0 {
		r, size := utf8.DecodeRune(data)
		if r == utf8.RuneError && size == 1 {
			return line
		}
		if r == '\n' {
			line++
		}
		data = data[size:]
	}
	return line
}

// dateLayouts are the forms Jekyll and Hugo accept, most specific first.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05 -07:00",
	"2006-01-02 15:04:05 MST",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04 -0700",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	time.DateOnly,
}

func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	var firstErr error
	for _, layout := range dateLayouts {
		t, err := time.Parse(layout, s)
		if err == nil {
			return t, nil
		}
		// Keep the error of a layout whose shape matched (same length), since
		// it says what is wrong ("hour out of range") rather than "cannot parse".
		if pe, ok := err.(*time.ParseError); ok && pe.Message != "" && firstErr == nil {
			firstErr = err
		}
	}
	if firstErr != nil {
		return time.Time{}, dateErr(firstErr)
	}
	return time.Time{}, fmt.Errorf("not a date: write it as 2006-01-02, 2006-01-02 15:04:05 or 2006-01-02 15:04:05 -0700")
}

// dateErr reduces time's parse errors to their reason.
func dateErr(err error) error {
	if pe, ok := err.(*time.ParseError); ok && pe.Message != "" {
		return fmt.Errorf("%s", strings.TrimPrefix(pe.Message, ": "))
	}
	return err
}

// stringList reads tags written as a YAML list, a flow list, or a
// space-separated string (which Jekyll splits).
func stringList(n *yaml.Node) ([]string, error) {
	switch n.Kind {
	case 0:
		return nil, nil
	case yaml.ScalarNode:
		if n.Tag == "!!null" {
			return nil, nil
		}
		return strings.Fields(n.Value), nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: expected a word, found a nested list or map", c.Line+1)
			}
			out = append(out, c.Value)
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected a list like [go, ssh] or words separated by spaces")
}

// mergeTags joins tags and categories, keeping the first spelling of each
// and dropping case-insensitive repeats.
func mergeTags(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range lists {
		for _, t := range l {
			t = SanitizeLine(t)
			key := strings.ToLower(t)
			if t == "" || seen[key] {
				continue
			}
			seen[key] = true
			out = append(out, t)
		}
	}
	return out
}

// slugify keeps a name readable: Unicode letters and digits stay, spaces
// and other separators become single dashes.
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
		case r == '_' || r == '.':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	return b.String()
}

// readableName turns a file stem like "my-first_post" into "My first post".
func readableName(stem string) string {
	s := strings.Join(strings.FieldsFunc(stem, func(r rune) bool { return r == '-' || r == '_' }), " ")
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return "Untitled"
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// leadingHeading finds a "# " heading before any other text and returns it
// with the body minus that line.
func leadingHeading(body string) (title, rest string, ok bool) {
	off := 0
	for off < len(body) {
		end := strings.IndexByte(body[off:], '\n')
		lineEnd := len(body)
		if end >= 0 {
			lineEnd = off + end
		}
		line := strings.TrimSpace(body[off:lineEnd])
		if line == "" {
			off = lineEnd + 1
			continue
		}
		if strings.HasPrefix(line, "# ") {
			title = plainInline(strings.TrimSpace(strings.TrimRight(line[2:], "#")))
			next := min(lineEnd+1, len(body))
			return title, body[:off] + body[next:], title != ""
		}
		return "", body, false
	}
	return "", body, false
}

var (
	mdImage  = regexp.MustCompile(`!\[([^\]]*)\]\([^)]*\)`)
	mdLink   = regexp.MustCompile(`\[([^\]]*)\]\([^)]*\)`)
	mdMarks  = regexp.MustCompile("(\\*\\*|__|\\*|`|~~)")
	htmlTags = regexp.MustCompile(`<[^>]+>`)
)

// plainInline strips inline Markdown (emphasis, links, code marks) for
// one-line places such as lists.
func plainInline(s string) string {
	s = mdImage.ReplaceAllString(s, "$1")
	s = mdLink.ReplaceAllString(s, "$1")
	s = htmlTags.ReplaceAllString(s, "")
	s = mdMarks.ReplaceAllString(s, "")
	return SanitizeLine(s)
}

// firstParagraph is the first paragraph of prose in body, as plain text,
// cut at a word boundary to at most limit runes.
func firstParagraph(body string, limit int) string {
	var para []string
	inFence := false
	for _, line := range strings.Split(body, "\n") {
		t := strings.TrimSpace(line)
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			inFence = !inFence
			if len(para) > 0 {
				break
			}
			continue
		}
		if inFence {
			continue
		}
		if t == "" {
			if len(para) > 0 {
				break
			}
			continue
		}
		if strings.HasPrefix(t, "#") || strings.HasPrefix(t, ">") || strings.HasPrefix(t, "|") ||
			strings.HasPrefix(t, "<") || strings.HasPrefix(t, "{%") || strings.HasPrefix(t, "![") ||
			strings.HasPrefix(t, "- ") || strings.HasPrefix(t, "* ") {
			if len(para) > 0 {
				break
			}
			continue
		}
		para = append(para, t)
	}
	return cutWords(plainInline(strings.Join(para, " ")), limit)
}

// cutWords shortens s to at most limit runes, at a word boundary, with an
// ellipsis when something was cut.
func cutWords(s string, limit int) string {
	if utf8.RuneCountInString(s) <= limit {
		return s
	}
	runes := []rune(s)
	cut := limit - 1
	for i := cut; i > limit/2; i-- {
		if unicode.IsSpace(runes[i]) {
			cut = i
			break
		}
	}
	return strings.TrimRightFunc(string(runes[:cut]), unicode.IsSpace) + "…"
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
