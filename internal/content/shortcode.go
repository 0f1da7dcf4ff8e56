package content

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Hugo's shortcodes, rewritten into Markdown for a terminal reader before
// goldmark parses the body. Hugo lexes shortcodes before Markdown, so they
// work inside code blocks and code spans too (checked with Hugo 0.111); so
// does this. What Hugo would fail the build on (an unclosed highlight, a
// ref to no page, a stray closing tag) is left as text and reported.

// maxShortcodeDepth bounds how deeply paired shortcodes nest; deeper pairs
// are left as their source text.
const maxShortcodeDepth = 16

// maxShortcodeProblems bounds the problems one body reports.
const maxShortcodeProblems = 20

// shortcodeEnv is what a body's shortcodes may ask about the site.
type shortcodeEnv struct {
	// Ref resolves a ref/relref target, without its #anchor, to the
	// target's unique slug; nil: none resolve.
	Ref func(target string) (slug string, ok bool)
	// Param reads {{< param NAME >}} (the page's parameter, else the
	// site's); nil: param shows nothing and is not reported, as its value
	// is not known.
	Param func(name string) (value string, ok bool)
}

// expandShortcodes rewrites Hugo's shortcodes in body for a terminal
// reader. bodyLine is the file line the body starts at (problems carry
// file lines); env answers what a shortcode may ask (ref, param).
func expandShortcodes(body string, bodyLine int, env shortcodeEnv) (string, []bodyProblem) {
	if !strings.Contains(body, "{{<") && !strings.Contains(body, "{{%") {
		return body, nil
	}
	x := &scExpander{src: body, env: env, line: bodyLine}
	x.lex()
	x.pair()
	var b strings.Builder
	b.Grow(len(body))
	x.render(&b, 0, len(x.items), 0)
	if x.dropped > 0 {
		x.problems = append(x.problems, bodyProblem{Line: 0, Msg: fmt.Sprintf("%d more shortcode problems not shown", x.dropped)})
	}
	return b.String(), x.problems
}

// scTag is one shortcode tag: {{< name args >}}, {{< /name >}} or
// {{< name />}}.
type scTag struct {
	name        string
	closing     bool
	selfClosing bool
	markup      bool // {{% %}} rather than {{< >}}
	pos         []string
	named       map[string]string
	mixed       bool // named and positional parameters both: Hugo fails
}

// arg is the named parameter, else the i-th positional one (i < 0: none).
func (t *scTag) arg(name string, i int) string {
	if v, ok := t.named[name]; ok {
		return v
	}
	if i >= 0 && i < len(t.pos) {
		return t.pos[i]
	}
	return ""
}

// scItem is a run of text or one tag of the body.
type scItem struct {
	start, end int    // the source
	lit        string // text to show instead of the source (an escaped shortcode)
	isLit      bool
	tag        *scTag
	line       int // file line of start
	match      int // an opening tag's closing item; -1 if it has none
}

type scExpander struct {
	src      string
	env      shortcodeEnv
	items    []scItem
	problems []bodyProblem
	dropped  int
	line     int // file line at linePos
	linePos  int
	deep     bool // the nesting bound was reported
}

func (x *scExpander) problem(line int, format string, args ...any) {
	if len(x.problems) >= maxShortcodeProblems {
		x.dropped++
		return
	}
	x.problems = append(x.problems, bodyProblem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// lineAt is the file line of byte i; calls come with i not decreasing.
func (x *scExpander) lineAt(i int) int {
	x.line += strings.Count(x.src[x.linePos:i], "\n")
	x.linePos = i
	return x.line
}

func (x *scExpander) text(start, end int) {
	if start < end {
		x.items = append(x.items, scItem{start: start, end: end, match: -1})
	}
}

// lex splits the body into text and tags. Every byte is looked at a bounded
// number of times: a tag that does not parse becomes text up to where its
// reading stopped, and reading goes on from there.
func (x *scExpander) lex() {
	s := x.src
	textStart, i := 0, 0
	noClose := map[byte]bool{} // no "*/>}}" (or "*/%}}") after some point
	for i < len(s) {
		j := strings.Index(s[i:], "{{")
		if j < 0 {
			break
		}
		i += j
		if i+2 >= len(s) || (s[i+2] != '<' && s[i+2] != '%') {
			i += 2
			continue
		}
		delim := s[i+2]
		right := rightDelim(delim)
		if strings.HasPrefix(s[i+3:], "/*") {
			// {{</* name */>}} shows as {{< name >}}.
			k := -1
			if !noClose[delim] {
				k = strings.Index(s[i+5:], "*/"+right)
			}
			if k < 0 {
				if !noClose[delim] {
					x.problem(x.lineAt(i), "shortcode comment %s is not closed: end it with */%s (Hugo fails the build)", s[i:i+5], right)
				}
				noClose[delim] = true
				i += 5
				continue
			}
			x.text(textStart, i)
			end := i + 5 + k + 2 + len(right)
			x.items = append(x.items, scItem{start: i, end: end, isLit: true,
				lit: s[i:i+3] + s[i+5:i+5+k] + right, match: -1})
			i, textStart = end, end
			continue
		}
		tag, end, err := lexShortcodeTag(s, i)
		if err != "" {
			x.problem(x.lineAt(i), "shortcode %s left as text: %s (Hugo fails the build)", clip(s[i:end], 40), err)
			i = end
			continue
		}
		x.text(textStart, i)
		x.items = append(x.items, scItem{start: i, end: end, tag: tag, line: x.lineAt(i), match: -1})
		i, textStart = end, end
	}
	x.text(textStart, len(s))
}

// clip shortens s to about n bytes on one line, for a message.
func clip(s string, n int) string {
	if k := strings.IndexByte(s, '\n'); k >= 0 {
		s = s[:k]
	}
	if len(s) > n {
		n = len(trimPartialRune([]byte(s[:n])))
		s = s[:n] + "…"
	}
	return s
}

// rightDelim ends a tag opened with "{{" and c.
func rightDelim(c byte) string {
	if c == '%' {
		return "%}}"
	}
	return ">}}"
}

func isScSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// lexShortcodeTag reads the tag at s[i:] ("{{<" or "{{%"). On failure it
// says why and end is where reading stopped (past i).
func lexShortcodeTag(s string, i int) (tag *scTag, end int, err string) {
	tag = &scTag{markup: s[i+2] == '%'}
	right := rightDelim(s[i+2])
	p := i + 3
	skip := func() {
		for p < len(s) && isScSpace(s[p]) {
			p++
		}
	}
	fail := func(msg string) (*scTag, int, string) {
		return nil, max(p, i+3), msg
	}
	skip()
	if p < len(s) && s[p] == '/' {
		tag.closing = true
		p++
		skip()
	}
	// The name: letters, digits, _ - and / for namespaces, or NAME.inline.
	nameStart := p
	for p < len(s) {
		r, size := utf8.DecodeRuneInString(s[p:])
		if r == '_' || r == '-' || r == '/' || unicode.IsLetter(r) || unicode.IsDigit(r) {
			p += size
			continue
		}
		if r == '.' && strings.HasPrefix(s[p:], ".inline") {
			p += len(".inline")
		}
		break
	}
	// "/>}}" ends a self-closing tag, not the name.
	for p > nameStart && s[p-1] == '/' {
		p--
	}
	tag.name = s[nameStart:p]
	if tag.name == "" || tag.name[0] == '-' || tag.name[0] == '_' {
		return fail("it has no name")
	}
	for {
		skip()
		switch {
		case p >= len(s):
			return fail("it is not closed with " + right)
		case strings.HasPrefix(s[p:], right):
			return tag, p + len(right), ""
		case s[p] == '/':
			p++
			skip()
			if !strings.HasPrefix(s[p:], right) {
				return fail("/ must end it: " + "/" + right)
			}
			if tag.closing {
				return fail("a closing tag cannot be self-closing")
			}
			tag.selfClosing = true
			return tag, p + len(right), ""
		case tag.closing:
			return fail("a closing tag has no parameters")
		}
		val, q, e := lexShortcodeValue(s, p, right, false)
		if e != "" {
			p = q
			return fail(e)
		}
		p = q
		// name=value, spaces allowed around "=".
		r := p
		for r < len(s) && (s[r] == ' ' || s[r] == '\t') {
			r++
		}
		if r < len(s) && s[r] == '=' && s[p-1] != '"' && s[p-1] != '`' {
			p = r + 1
			skip()
			v, q, e := lexShortcodeValue(s, p, right, true)
			if e != "" {
				p = q
				return fail(e)
			}
			p = q
			if tag.named == nil {
				tag.named = map[string]string{}
			}
			tag.named[val] = v
			tag.mixed = tag.mixed || len(tag.pos) > 0
			continue
		}
		tag.pos = append(tag.pos, val)
		tag.mixed = tag.mixed || len(tag.named) > 0
	}
}

// lexShortcodeValue reads a parameter at s[p:]: "quoted" (\" a quote, no
// line breaks), `raw` (anything but a backtick), or a bare word. A bare
// word stops at space, "=" (unless it is a value), the right delimiter, and
// "{{", which no parameter of a well-formed tag holds unquoted.
func lexShortcodeValue(s string, p int, right string, isValue bool) (val string, end int, err string) {
	switch s[p] {
	case '"':
		var b strings.Builder
		q := p + 1
		for q < len(s) {
			switch c := s[q]; {
			case c == '\\' && q+1 < len(s) && s[q+1] == '"':
				b.WriteByte('"')
				q += 2
				continue
			case c == '"':
				return b.String(), q + 1, ""
			case c == '\n':
				return "", q, "a quoted parameter ends at the line's end without its closing \""
			}
			b.WriteByte(s[q])
			q++
		}
		return "", q, "a quoted parameter is not closed with \""
	case '`':
		k := strings.IndexByte(s[p+1:], '`')
		if k < 0 {
			return "", len(s), "a `raw` parameter is not closed with `"
		}
		return s[p+1 : p+1+k], p + 1 + k + 1, ""
	}
	q := p
	for q < len(s) && !isScSpace(s[q]) && !strings.HasPrefix(s[q:], right) && !strings.HasPrefix(s[q:], "{{") &&
		(isValue || s[q] != '=') && s[q] != '"' && s[q] != '`' {
		if s[q] == '/' && strings.HasPrefix(strings.TrimLeft(s[q+1:], " \t\r\n"), right) {
			break
		}
		q++
	}
	if q == p {
		r, _ := utf8.DecodeRuneInString(s[p:])
		return "", p + 1, fmt.Sprintf("%q cannot start a parameter: quote it", string(r))
	}
	return s[p:q], q, ""
}

// Hugo's built-in shortcodes that take no inner text, and those that need it.
var (
	scStandalone = map[string]bool{
		"figure": true, "youtube": true, "vimeo": true, "vimeo_simple": true, "gist": true,
		"tweet": true, "twitter": true, "twitter_simple": true, "x": true, "x_simple": true,
		"instagram": true, "instagram_simple": true, "ref": true, "relref": true, "param": true,
	}
	scPaired = map[string]bool{"highlight": true, "details": true, "qr": true, "comment": true}
)

// pair matches each closing tag with the nearest open tag of its name.
// Open tags passed over stand alone (a theme's shortcode that takes no inner
// text). Each open tag is pushed and popped once: linear.
func (x *scExpander) pair() {
	var stack []int
	open := map[string]int{} // open tags of each name on the stack
	for i := range x.items {
		t := x.items[i].tag
		switch {
		case t == nil || t.selfClosing:
		case !t.closing:
			if !scStandalone[t.name] {
				stack = append(stack, i)
				open[t.name]++
			}
		case open[t.name] > 0:
			for {
				top := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				name := x.items[top].tag.name
				open[name]--
				if name == t.name {
					x.items[top].match = i
					x.items[i].match = top
					break
				}
			}
		}
	}
}

// render writes items[from:to].
func (x *scExpander) render(b *strings.Builder, from, to, depth int) {
	for i := from; i < to; i++ {
		it := &x.items[i]
		t := it.tag
		switch {
		case it.isLit:
			b.WriteString(it.lit)
			continue
		case t == nil:
			b.WriteString(x.src[it.start:it.end])
			continue
		case t.closing:
			if it.match < 0 {
				if scStandalone[t.name] {
					x.problem(it.line, "{{< /%s >}} closes a shortcode that takes no inner text: remove it (Hugo fails the build)", t.name)
				} else {
					x.problem(it.line, "{{< /%s >}} closes no open {{< %s >}} (Hugo fails the build)", t.name, t.name)
				}
				b.WriteString(x.src[it.start:it.end])
			}
			continue
		}
		if t.mixed {
			x.problem(it.line, "shortcode %s mixes named and positional parameters: use one kind (Hugo fails the build)", t.name)
		}
		if it.match < 0 {
			if scPaired[t.name] && !t.selfClosing {
				x.problem(it.line, "{{< %s >}} is not closed: end it with {{< /%s >}} (Hugo fails the build)", t.name, t.name)
				b.WriteString(x.src[it.start:it.end])
				continue
			}
			x.expand(b, it, "", i+1)
			continue
		}
		j := it.match
		if depth >= maxShortcodeDepth {
			if !x.deep {
				x.deep = true
				x.problem(it.line, "shortcodes nest more than %d deep: the deeper ones are left as text", maxShortcodeDepth)
			}
			b.WriteString(x.src[it.start:x.items[j].end])
			i = j
			continue
		}
		var inner strings.Builder
		x.render(&inner, i+1, j, depth+1)
		x.expand(b, it, inner.String(), j+1)
		i = j
	}
}

// after is (the start of) the source text that follows the tag on its
// line; next is the item after the tag.
func (x *scExpander) after(next int) string {
	if next >= len(x.items) {
		return ""
	}
	rest := x.src[x.items[next].start:]
	rest = rest[:min(len(rest), 256)] // enough to tell text from blanks
	if k := strings.IndexByte(rest, '\n'); k >= 0 {
		rest = rest[:k]
	}
	return rest
}

// lineStart reports whether b ends at the start of a line (after blanks)
// and the blanks that indent it. It looks back a bounded way.
func lineStart(b *strings.Builder) (ok bool, indent string) {
	s := b.String()
	from := max(0, len(s)-256)
	k := strings.LastIndexByte(s[from:], '\n')
	if k < 0 && from > 0 {
		return false, ""
	}
	line := s[from+k+1:]
	if strings.TrimLeft(line, " \t") != "" {
		return false, leadingBlanks(line)
	}
	return true, line
}

func leadingBlanks(s string) string {
	return s[:len(s)-len(strings.TrimLeft(s, " \t"))]
}

// expand writes what one shortcode shows; inner is its rendered inner text
// and next the item after it.
func (x *scExpander) expand(b *strings.Builder, it *scItem, inner string, next int) {
	t := it.tag
	switch t.name {
	case "figure":
		x.figure(b, t, next)
	case "youtube":
		id := t.arg("id", 0)
		x.video(b, it, "YouTube", id, t.arg("title", -1), "https://www.youtube.com/watch?v="+url.QueryEscape(id))
	case "vimeo", "vimeo_simple":
		id := t.arg("id", 0)
		title := t.arg("title", -1)
		if title == "" && len(t.pos) == 3 {
			title = t.pos[2]
		}
		x.video(b, it, "Vimeo", id, title, "https://vimeo.com/"+url.PathEscape(id))
	case "gist":
		user, id, file := t.arg("user", 0), t.arg("id", 1), t.arg("file", 2)
		if user == "" || id == "" {
			x.problem(it.line, "gist needs a user and a gist id: {{< gist USER ID >}}")
			return
		}
		label := "Gist " + user + "/" + id
		if file != "" {
			label += ": " + file
		}
		writeLink(b, label, "https://gist.github.com/"+url.PathEscape(user)+"/"+url.PathEscape(id))
	case "tweet", "twitter", "twitter_simple", "x", "x_simple":
		user, id := t.arg("user", 0), t.arg("id", 1)
		if len(t.named) == 0 && len(t.pos) == 1 {
			user, id = "", t.pos[0]
		}
		if id == "" {
			x.problem(it.line, "%s needs user= and id= of the post", t.name)
			return
		}
		label, u := "Post "+id+" on X", "https://x.com/i/status/"+url.PathEscape(id)
		if user != "" {
			label, u = "Post by @"+strings.TrimPrefix(user, "@")+" on X", "https://x.com/"+url.PathEscape(strings.TrimPrefix(user, "@"))+"/status/"+url.PathEscape(id)
		}
		writeLink(b, label, u)
	case "instagram", "instagram_simple":
		id := t.arg("id", 0)
		if id == "" {
			x.problem(it.line, "instagram needs the post's id: {{< instagram ID >}}")
			return
		}
		writeLink(b, "Instagram post "+id, "https://www.instagram.com/p/"+url.PathEscape(id)+"/")
	case "ref", "relref":
		x.ref(b, it)
	case "param":
		name := t.arg("name", 0)
		if name == "" {
			x.problem(it.line, "param needs a name: {{< param NAME >}} (Hugo fails the build)")
			return
		}
		if x.env.Param == nil {
			return
		}
		v, ok := x.env.Param(name)
		if !ok {
			x.problem(it.line, "param %q is not set in the front matter or the site's params (Hugo fails the build)", name)
			return
		}
		b.WriteString(v)
	case "highlight":
		x.highlight(b, t.arg("lang", 0), inner, next)
	case "details":
		summary := t.arg("summary", -1)
		if summary == "" {
			summary = "Details"
		}
		text := "**" + escapeMarkdown(summary) + "**"
		if inner = trimBlankLines(inner); inner != "" {
			text += "\n\n" + inner
		}
		x.block(b, text, next)
	case "qr":
		text := inner
		if strings.TrimSpace(text) == "" {
			text = t.arg("text", -1)
		}
		b.WriteString(strings.TrimSpace(text))
	case "comment":
	default:
		// A theme's shortcode: its inner text, or nothing. Inline
		// shortcodes' inner text is a template, not text.
		if !strings.HasSuffix(t.name, ".inline") {
			b.WriteString(inner)
		}
	}
}

// block writes text as its own paragraphs, indented like the tag's line.
func (x *scExpander) block(b *strings.Builder, text string, next int) {
	start, indent := lineStart(b)
	if !start {
		b.WriteString("\n\n" + indent)
	}
	b.WriteString(indentLines(text, indent))
	if strings.TrimSpace(x.after(next)) != "" {
		b.WriteString("\n\n" + indent)
	}
}

// indentLines prefixes every non-empty line of s but the first with indent.
func indentLines(s, indent string) string {
	if indent == "" {
		return s
	}
	lines := strings.Split(s, "\n")
	for i := 1; i < len(lines); i++ {
		if lines[i] != "" {
			lines[i] = indent + lines[i]
		}
	}
	return strings.Join(lines, "\n")
}

// trimBlankLines drops the blank lines that start and end s.
func trimBlankLines(s string) string {
	for {
		k := strings.IndexByte(s, '\n')
		if k < 0 || strings.TrimSpace(s[:k]) != "" {
			break
		}
		s = s[k+1:]
	}
	for {
		k := strings.LastIndexByte(s, '\n')
		if k < 0 || strings.TrimSpace(s[k+1:]) != "" {
			break
		}
		s = s[:k]
	}
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return s
}

func (x *scExpander) figure(b *strings.Builder, t *scTag, next int) {
	src := t.arg("src", -1)
	alt := cmpOr(t.arg("alt", -1), cmpOr(t.arg("caption", -1), t.arg("title", -1)))
	var parts []string
	if title := t.arg("title", -1); title != "" {
		parts = append(parts, "**"+escapeMarkdown(title)+"**")
	}
	if c := t.arg("caption", -1); c != "" {
		parts = append(parts, c) // Hugo runs it through markdownify
	}
	if a := t.arg("attr", -1); a != "" {
		if l := t.arg("attrlink", -1); l != "" {
			a = "[" + a + "](" + markdownURL(l) + ")"
		}
		parts = append(parts, a)
	}
	if l := t.arg("link", -1); l != "" {
		parts = append(parts, "[link]("+markdownURL(l)+")")
	}
	caption := strings.Join(parts, " — ")
	if src == "" {
		b.WriteString(caption)
		return
	}
	img := "![" + escapeMarkdown(alt) + "](" + markdownURL(src) + ")"
	start, _ := lineStart(b)
	if !start || caption == "" || strings.TrimSpace(x.after(next)) != "" {
		// Inside a line of text: keep it one line.
		b.WriteString(strings.TrimSpace(img + " " + caption))
		return
	}
	x.block(b, img+"\n\n"+caption, next)
}

func (x *scExpander) video(b *strings.Builder, it *scItem, site, id, title, link string) {
	if id == "" {
		x.problem(it.line, "%s needs the video's id: {{< %s ID >}}", it.tag.name, it.tag.name)
		return
	}
	writeLink(b, site+": "+cmpOr(title, id), link)
}

func (x *scExpander) ref(b *strings.Builder, it *scItem) {
	target := it.tag.arg("path", 0)
	page, anchor, _ := strings.Cut(target, "#")
	if page == "" {
		// An anchor in the page itself.
		if anchor != "" {
			b.WriteString("#" + anchor)
		}
		return
	}
	if x.env.Ref != nil {
		if slug, ok := x.env.Ref(page); ok {
			b.WriteString(PostLinkScheme + slug)
			return
		}
	}
	x.problem(it.line, "%s %q names no post of this site: Hugo fails the build on it; name the post's file, like \"posts/my-post.md\"", it.tag.name, target)
	// In a link's (URL), an empty URL leaves the link's text alone.
	if !strings.HasSuffix(b.String(), "](") {
		b.WriteString(target)
	}
}

func (x *scExpander) highlight(b *strings.Builder, lang, inner string, next int) {
	lang = strings.Map(func(r rune) rune {
		if r == '`' || r == '~' || unicode.IsSpace(r) {
			return -1
		}
		return r
	}, lang)
	// Hugo trims the line breaks around the code and de-indents it.
	code := dedent(trimBlankLines(inner))
	fence := strings.Repeat("`", max(3, longestRun(code, '`')+1))
	start, indent := lineStart(b)
	if !start {
		b.WriteString("\n" + indent)
	}
	b.WriteString(fence + lang + "\n" + indent)
	b.WriteString(indentLines(code, indent))
	b.WriteString("\n" + indent + fence)
	if strings.TrimSpace(x.after(next)) != "" {
		b.WriteString("\n" + indent)
	}
}

// dedent removes the blanks every non-blank line of s starts with.
func dedent(s string) string {
	lines := strings.Split(s, "\n")
	prefix, first := "", true
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			continue
		}
		lead := leadingBlanks(l)
		if first {
			prefix, first = lead, false
			continue
		}
		n := 0
		for n < len(prefix) && n < len(lead) && prefix[n] == lead[n] {
			n++
		}
		prefix = prefix[:n]
	}
	if prefix == "" {
		return s
	}
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, prefix)
	}
	return strings.Join(lines, "\n")
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

func writeLink(b *strings.Builder, label, link string) {
	b.WriteString("[" + escapeMarkdown(label) + "](" + markdownURL(link) + ")")
}

// escapeMarkdown makes text read as itself in a link's text.
func escapeMarkdown(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', '[', ']', '*', '_', '`', '<', '>', '!':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '\n', '\r':
			b.WriteByte(' ')
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

var urlCleaner = strings.NewReplacer("\n", "", "\r", "", "<", "%3C", ">", "%3E")

// markdownURL writes u as a link destination: <u> when it holds spaces or
// parentheses.
func markdownURL(u string) string {
	u = urlCleaner.Replace(strings.TrimSpace(u))
	if strings.ContainsAny(u, " \t()") {
		return "<" + u + ">"
	}
	return u
}
