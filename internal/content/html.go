package content

import (
	"bytes"
	"html"
	"slices"
	"strconv"
	"strings"
)

// Raw HTML in posts. A Markdown renderer for terminals shows HTML as its
// source, a wall of tags; these functions turn it into Markdown text the
// way a browser would show it.

type elemInfo uint8

const (
	elemBlock  elemInfo = 1 << iota // a new paragraph starts at its start and end tag
	elemType6                       // starts an HTML block at the beginning of a line (CommonMark type 6)
	elemHidden                      // its content is not text: dropped with the element
	elemInline                      // inline: the tag goes, the text stays
)

// elements are the HTML elements the conversion knows. Tags of other names
// (<T> in "Vec<T>") are left alone as text.
var elements = func() map[string]elemInfo {
	m := map[string]elemInfo{}
	for _, n := range strings.Fields(`address article aside blockquote body caption center col colgroup dd
		details dialog dir div dl dt fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6
		header hgroup hr html legend li main menu menuitem nav ol optgroup option p search section summary
		table tbody td tfoot th thead tr ul`) {
		m[n] = elemBlock | elemType6
	}
	for _, n := range strings.Fields(`base basefont link meta param track`) {
		m[n] = elemType6
	}
	for _, n := range strings.Fields(`head iframe noframes title`) {
		m[n] = elemBlock | elemType6 | elemHidden
	}
	for _, n := range strings.Fields(`script style textarea noscript noembed template svg math select datalist
		object video audio xmp`) {
		m[n] = elemBlock | elemHidden
	}
	m["pre"] = elemBlock
	for _, n := range strings.Fields(`a abbr acronym b bdi bdo big blink br button cite code data del dfn em
		embed font i img input ins kbd label map mark meter nobr output picture progress q rp rt ruby s samp
		small source span strike strong sub sup time tt u var wbr area`) {
		m[n] = elemInline
	}
	return m
}()

// htmlTag is one parsed tag.
type htmlTag struct {
	name        string // lower case
	closing     bool
	selfClosing bool
	attrs       string // the raw attribute text
	end         int    // index just after the tag
}

// parseTag parses an HTML tag at s[i] == '<' with the grammar CommonMark
// uses for raw HTML, so text such as "a < b" or "<https://x>" is not
// mistaken for one.
func parseTag(s string, i int) (t htmlTag, ok bool) {
	limit := min(len(s), i+maxTag)
	j := i + 1
	if j < limit && s[j] == '/' {
		t.closing = true
		j++
	}
	start := j
	for j < limit && (isASCIIAlpha(s[j]) || j > start && (s[j] >= '0' && s[j] <= '9' || s[j] == '-')) {
		j++
	}
	if j == start {
		return t, false
	}
	t.name = asciiLower(s[start:j])
	if t.closing {
		for j < limit && isHTMLSpace(s[j]) {
			j++
		}
		if j < limit && s[j] == '>' {
			t.end = j + 1
			return t, true
		}
		return t, false
	}
	attrStart := j
	for {
		k := j
		for k < limit && isHTMLSpace(s[k]) {
			k++
		}
		if k >= limit {
			return t, false
		}
		if s[k] == '>' || s[k] == '/' && k+1 < limit && s[k+1] == '>' {
			t.attrs = s[attrStart:k]
			t.selfClosing = s[k] == '/'
			t.end = k + 1
			if t.selfClosing {
				t.end++
			}
			return t, true
		}
		if k == j {
			return t, false // attributes need a space before them
		}
		next, _, _, ok := nextAttr(s[:limit], k)
		if !ok {
			return t, false
		}
		j = next
	}
}

// nextAttr reads the attribute at s[i] (after spaces): name and optional
// value. It returns the index after it.
func nextAttr(s string, i int) (next int, name, value string, ok bool) {
	start := i
	if i >= len(s) || !(isASCIIAlpha(s[i]) || s[i] == '_' || s[i] == ':') {
		return 0, "", "", false
	}
	i++
	for i < len(s) && (isASCIIAlpha(s[i]) || s[i] >= '0' && s[i] <= '9' || strings.IndexByte("_.:-", s[i]) >= 0) {
		i++
	}
	name = s[start:i]
	m := i
	for m < len(s) && isHTMLSpace(s[m]) {
		m++
	}
	if m >= len(s) || s[m] != '=' {
		return i, name, "", true
	}
	m++
	for m < len(s) && isHTMLSpace(s[m]) {
		m++
	}
	if m >= len(s) {
		return 0, "", "", false
	}
	if q := s[m]; q == '"' || q == '\'' {
		e := strings.IndexByte(s[m+1:], q)
		if e < 0 {
			return 0, "", "", false
		}
		return m + 1 + e + 1, name, s[m+1 : m+1+e], true
	}
	n := m
	for n < len(s) && !isHTMLSpace(s[n]) && strings.IndexByte("\"'=<>`", s[n]) < 0 {
		n++
	}
	if n == m {
		return 0, "", "", false
	}
	return n, name, s[m:n], true
}

// attr returns the value of the attribute name in a tag's attribute text.
func attr(attrs, name string) string {
	for i := 0; i < len(attrs); {
		for i < len(attrs) && isHTMLSpace(attrs[i]) {
			i++
		}
		next, n, v, ok := nextAttr(attrs, i)
		if !ok {
			return ""
		}
		if strings.EqualFold(n, name) {
			return v
		}
		i = next
	}
	return ""
}

func isASCIIAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isHTMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// asciiLower lower-cases ASCII letters only, so byte offsets stay valid.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if c := b[j]; c >= 'A' && c <= 'Z' {
					b[j] = c + 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// indexFold finds sub (ASCII, lower case) in s from i, ignoring ASCII case.
func indexFold(s string, i int, sub string) int {
	for i < len(s) {
		k := strings.IndexByte(s[i:], sub[0])
		if k < 0 {
			return -1
		}
		k += i
		if k+len(sub) <= len(s) && strings.EqualFold(s[k:k+len(sub)], sub) {
			return k
		}
		i = k + 1
	}
	return -1
}

// endOfElement returns the index after the end tag of the element named
// name whose start tag ended at s[from], or -1.
func endOfElement(s string, from int, name string) int {
	k := indexFold(s, from, "</"+name)
	if k < 0 {
		return -1
	}
	e := strings.IndexByte(s[k:], '>')
	if e < 0 {
		return -1
	}
	return k + e + 1
}

// cleanURL makes a link target safe to put in Markdown, or "" for targets
// that are not links to anywhere (javascript:, data:).
func cleanURL(u string) string {
	u = strings.TrimSpace(u)
	lower := strings.ToLower(u)
	for _, bad := range []string{"javascript:", "vbscript:", "data:"} {
		if strings.HasPrefix(lower, bad) {
			return ""
		}
	}
	if strings.ContainsAny(u, " ()<>\n\t") {
		u = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\n", "", "\t", "").Replace(u)
	}
	return u
}

// mediaLink is the Markdown link standing for an embedded video, frame or
// object, so the reader can still follow it.
func mediaLink(t htmlTag) string {
	switch t.name {
	case "iframe", "video", "audio", "embed", "object":
	default:
		return ""
	}
	src := cleanURL(cmpOr(attr(t.attrs, "src"), attr(t.attrs, "data")))
	if src == "" {
		return ""
	}
	label := strings.Join(strings.Fields(attr(t.attrs, "title")), " ")
	if label == "" {
		switch t.name {
		case "video", "audio":
			label = t.name
		default:
			label = "embedded content"
		}
	}
	return "[" + label + "](" + src + ")"
}

func imageMarkdown(t htmlTag) string {
	alt := strings.Join(strings.Fields(attr(t.attrs, "alt")), " ")
	src := cleanURL(attr(t.attrs, "src"))
	if src == "" {
		return alt
	}
	return "![" + alt + "](" + src + ")"
}

// htmlBlockEnd reports whether line k starts an HTML block and, if so,
// returns the line after its end: the line closing a <pre>, <script>,
// <style> or comment, else the next blank line.
func htmlBlockEnd(s string, offs []int, k int) (int, bool) {
	n := len(offs) - 1
	ind, rest := indentOf(lineAt(s, offs, k))
	if ind > 3 || len(rest) < 2 || rest[0] != '<' {
		return 0, false
	}
	untilBlank := func() int {
		j := k + 1
		for j < n && !isBlank(lineAt(s, offs, j)) {
			j++
		}
		return j
	}
	until := func(closer string, skip int) int {
		for j := k; j < n; j++ {
			line := lineAt(s, offs, j)
			if j == k {
				line = rest[skip:]
			}
			if indexFold(line, 0, closer) >= 0 {
				return j + 1
			}
		}
		return untilBlank()
	}
	if strings.HasPrefix(rest, "<!--") {
		return until("-->", 4), true
	}
	if rest[1] == '?' || rest[1] == '!' && (len(rest) > 2 && isASCIIAlpha(rest[2]) || strings.HasPrefix(rest, "<![CDATA[")) {
		return untilBlank(), true
	}
	i := 1
	if rest[i] == '/' {
		i++
	}
	start := i
	for i < len(rest) && (isASCIIAlpha(rest[i]) || i > start && rest[i] >= '0' && rest[i] <= '9') {
		i++
	}
	if i == start || i < len(rest) && !isHTMLSpace(rest[i]) && rest[i] != '>' && rest[i] != '/' {
		return 0, false
	}
	name := asciiLower(rest[start:i])
	switch name {
	case "pre", "script", "style", "textarea":
		if start == 1 {
			return until("</"+name, 0), true
		}
	}
	if elements[name]&elemType6 != 0 {
		return untilBlank(), true
	}
	return 0, false
}

// convertHTML rewrites the HTML in a Markdown body, outside code.
func convertHTML(body string) string {
	out := make([]byte, 0, len(body)+64)
	offs := lineStarts(body)
	n := len(offs) - 1
	var sc blockScanner
	prose := -1
	flush := func(k int) {
		if prose >= 0 {
			out = inlineHTML(out, body[offs[prose]:offs[k]])
			prose = -1
		}
	}
	for k := 0; k < n; k++ {
		kind := sc.classify(lineAt(body, offs, k))
		if kind != lineProse {
			flush(k)
			out = append(out, body[offs[k]:offs[k+1]]...)
			continue
		}
		if end, ok := htmlBlockEnd(body, offs, k); ok {
			flush(k)
			out = blockHTML(out, body[offs[k]:offs[end]])
			k = end - 1
			sc.afterBlock()
			continue
		}
		if prose < 0 {
			prose = k
		}
	}
	flush(n)
	return string(out)
}

// blockHTML appends the Markdown for the HTML block src to out.
func blockHTML(out []byte, src string) []byte {
	c := htmlConv{}
	c.convert(src)
	if len(c.out) == 0 {
		return out
	}
	if len(out) > 0 && !bytes.HasSuffix(out, []byte("\n\n")) {
		if !bytes.HasSuffix(out, []byte("\n")) {
			out = append(out, '\n')
		}
		out = append(out, '\n')
	}
	out = append(out, c.out...)
	return append(out, "\n\n"...)
}

// htmlConv converts a block of HTML into Markdown blocks.
type htmlConv struct {
	out      []byte // finished Markdown blocks
	para     []byte // the text of the block being built
	space    bool   // a space is due before more text
	heading  int    // level while inside <h1>…<h6>
	quote    int    // blockquote depth
	item     bool   // the block being built starts a list item
	lastItem bool   // the last block written was a list item
	lists    []htmlList
	links    []htmlLink
	table    *htmlTable
}

type htmlList struct {
	ordered bool
	n       int
}

type htmlLink struct {
	pos  int // where the link text starts in para
	href string
}

type htmlTable struct {
	rows    [][]string
	inCell  bool
	caption []byte
}

func (c *htmlConv) convert(src string) {
	for i := 0; i < len(src); {
		j := strings.IndexByte(src[i:], '<')
		if j < 0 {
			c.text(src[i:])
			break
		}
		c.text(src[i : i+j])
		i += j
		switch {
		case strings.HasPrefix(src[i:], "<!--"):
			e := strings.Index(src[i+4:], "-->")
			if e < 0 {
				i = len(src)
				continue
			}
			i += 4 + e + 3
			continue
		case strings.HasPrefix(src[i:], "<!") || strings.HasPrefix(src[i:], "<?"):
			e := strings.IndexByte(src[i:], '>')
			if e < 0 {
				i = len(src)
				continue
			}
			i += e + 1
			continue
		}
		t, ok := parseTag(src, i)
		if !ok {
			c.text("<")
			i++
			continue
		}
		i = c.tag(src, t)
	}
	c.flush()
	if c.table != nil {
		c.endTable()
	}
}

// text adds text, collapsing white space as HTML does. Entities stay as
// written: the Markdown renderer decodes them.
func (c *htmlConv) text(s string) {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		if isHTMLSpace(ch) {
			if len(c.para) > 0 {
				c.space = true
			}
			continue
		}
		if c.space {
			c.para = append(c.para, ' ')
			c.space = false
		}
		c.para = append(c.para, ch)
	}
}

// inline adds Markdown made here (a link, an image) as one word.
func (c *htmlConv) inline(s string) {
	if s == "" {
		return
	}
	if c.space {
		c.para = append(c.para, ' ')
		c.space = false
	}
	c.para = append(c.para, s...)
}

// tag handles one tag of src and returns where to go on.
func (c *htmlConv) tag(src string, t htmlTag) int {
	info, known := elements[t.name]
	if !known {
		return t.end
	}
	level := 0
	if len(t.name) == 2 && t.name[0] == 'h' && t.name[1] >= '1' && t.name[1] <= '6' {
		level = int(t.name[1] - '0')
	}
	if t.closing {
		switch {
		case t.name == "a":
			c.closeLink()
		case t.name == "td" || t.name == "th" || t.name == "tr":
			c.endCell()
		case t.name == "table":
			c.endTable()
		case c.table != nil:
			if info&elemBlock != 0 {
				c.flush()
			}
		case level > 0:
			c.flush()
			c.heading = 0
		case t.name == "ul" || t.name == "ol":
			c.flush()
			if len(c.lists) > 0 {
				c.lists = c.lists[:len(c.lists)-1]
			}
			c.lastItem = false // what follows is not part of this list
		case t.name == "blockquote":
			c.flush()
			c.quote = max(0, c.quote-1)
		case info&elemBlock != 0:
			c.flush()
		}
		return t.end
	}
	if info&elemHidden != 0 {
		c.inline(mediaLink(t))
		if t.selfClosing {
			return t.end
		}
		if e := endOfElement(src, t.end, t.name); e >= 0 {
			return e
		}
		return t.end
	}
	switch {
	case t.name == "br":
		if c.table != nil {
			c.space = len(c.para) > 0
		} else {
			c.para = append(c.para, '\n')
			c.space = false
		}
	case t.name == "img":
		c.inline(imageMarkdown(t))
	case t.name == "embed":
		c.inline(mediaLink(t))
	case t.name == "a":
		if c.space && len(c.para) > 0 {
			c.para = append(c.para, ' ')
			c.space = false
		}
		c.links = append(c.links, htmlLink{pos: len(c.para), href: attr(t.attrs, "href")})
	case t.name == "table":
		if c.table == nil {
			c.flush()
			c.table = &htmlTable{}
		}
	case t.name == "tr":
		if c.table != nil {
			c.endCell()
			c.table.rows = append(c.table.rows, nil)
		}
	case t.name == "td" || t.name == "th":
		if c.table != nil {
			c.endCell()
			c.startCell()
		}
	case c.table != nil:
		if info&elemBlock != 0 {
			c.flush()
		}
	case t.name == "pre":
		return c.pre(src, t)
	case t.name == "hr":
		c.flush()
		c.emit("* * *", false)
	case level > 0:
		c.flush()
		c.heading = level
	case t.name == "li":
		c.flush()
		c.item = true
	case t.name == "ul" || t.name == "ol":
		c.flush()
		c.lists = append(c.lists, htmlList{ordered: t.name == "ol"})
	case t.name == "blockquote":
		c.flush()
		c.quote++
	case info&elemBlock != 0:
		c.flush()
	}
	return t.end
}

func (c *htmlConv) closeLink() {
	if len(c.links) == 0 {
		return
	}
	l := c.links[len(c.links)-1]
	c.links = c.links[:len(c.links)-1]
	if l.pos > len(c.para) {
		return
	}
	href := cleanURL(l.href)
	if href == "" {
		return
	}
	text := strings.TrimSpace(strings.ReplaceAll(string(c.para[l.pos:]), "\n", " "))
	if text == "" {
		text = href
	}
	c.para = append(c.para[:l.pos], "["+text+"]("+href+")"...)
	c.space = false
}

// pre turns <pre> into a fenced code block, its text unescaped.
func (c *htmlConv) pre(src string, t htmlTag) int {
	end := endOfElement(src, t.end, "pre")
	inner := src[t.end:]
	if end >= 0 {
		inner = src[t.end:indexFold(src, t.end, "</pre")]
	} else {
		end = len(src)
	}
	lang := langFromClass(attr(t.attrs, "class"))
	if ct, ok := firstTag(inner); ok && ct.name == "code" && lang == "" {
		lang = langFromClass(attr(ct.attrs, "class"))
	}
	code := html.UnescapeString(stripTags(inner))
	code = strings.TrimPrefix(code, "\n")
	code = strings.TrimRight(code, " \t\n")
	c.flush()
	if code == "" {
		return end
	}
	fence := 3
	for _, l := range strings.Split(code, "\n") {
		fence = max(fence, runLen(strings.TrimLeft(l, " \t"), 0, '`')+1)
	}
	ticks := strings.Repeat("`", fence)
	c.emit(ticks+lang+"\n"+code+"\n"+ticks, false)
	return end
}

// firstTag returns the first tag of s if s starts with one (after spaces).
func firstTag(s string) (htmlTag, bool) {
	s = strings.TrimLeft(s, " \t\n")
	if !strings.HasPrefix(s, "<") {
		return htmlTag{}, false
	}
	return parseTag(s, 0)
}

// langFromClass finds a language in class="language-go" or "lang-go".
func langFromClass(class string) string {
	for _, f := range strings.Fields(class) {
		for _, p := range []string{"language-", "lang-", "highlight-source-"} {
			if l, ok := strings.CutPrefix(f, p); ok {
				return cleanLang(l)
			}
		}
	}
	return ""
}

// stripTags removes the tags from HTML and keeps the text as written.
func stripTags(s string) string {
	if strings.IndexByte(s, '<') < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		b.WriteString(s[i : i+j])
		i += j
		if t, ok := parseTag(s, i); ok {
			if t.name == "br" {
				b.WriteByte('\n')
			}
			i = t.end
			continue
		}
		b.WriteByte('<')
		i++
	}
	return b.String()
}

func (c *htmlConv) startCell() {
	t := c.table
	if len(t.rows) == 0 {
		t.rows = append(t.rows, nil)
	}
	if text := bytes.TrimSpace(c.para); len(text) > 0 {
		t.caption = append(append(t.caption, ' '), text...)
	}
	c.para, c.space, c.links = c.para[:0], false, c.links[:0]
	t.inCell = true
}

func (c *htmlConv) endCell() {
	t := c.table
	if t == nil || !t.inCell {
		return
	}
	cell := strings.Join(strings.Fields(string(c.para)), " ")
	cell = strings.ReplaceAll(cell, "|", `\|`)
	t.rows[len(t.rows)-1] = append(t.rows[len(t.rows)-1], cell)
	c.para, c.space, c.links = c.para[:0], false, c.links[:0]
	t.inCell = false
}

// endTable writes the table as a Markdown table; a table of one column
// (a layout table) becomes paragraphs.
func (c *htmlConv) endTable() {
	c.endCell()
	t := c.table
	if t == nil {
		return
	}
	c.table = nil
	if text := bytes.TrimSpace(append(t.caption, c.para...)); len(text) > 0 {
		c.para = append(c.para[:0], text...)
		c.flush()
	}
	c.para, c.space = c.para[:0], false
	rows := slices.DeleteFunc(t.rows, func(r []string) bool { return len(r) == 0 })
	cols := 0
	for _, r := range rows {
		cols = max(cols, len(r))
	}
	if cols == 0 {
		return
	}
	if cols == 1 {
		for _, r := range rows {
			if r[0] != "" {
				c.emit(escapeBlockStart(r[0]), false)
			}
		}
		return
	}
	var b strings.Builder
	row := func(r []string) {
		b.WriteString("|")
		for i := range cols {
			b.WriteString(" ")
			if i < len(r) {
				b.WriteString(r[i])
			}
			b.WriteString(" |")
		}
	}
	row(rows[0])
	b.WriteString("\n|")
	for range cols {
		b.WriteString(" --- |")
	}
	for _, r := range rows[1:] {
		b.WriteString("\n")
		row(r)
	}
	c.emit(b.String(), false)
}

// flush ends the block being built and writes it.
func (c *htmlConv) flush() {
	if c.table != nil {
		c.space = len(c.para) > 0
		return
	}
	c.links = c.links[:0]
	text := bytes.TrimSpace(c.para)
	if len(text) == 0 {
		c.para, c.space = c.para[:0], false
		return
	}
	var lines []string
	for _, l := range strings.Split(string(text), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	c.para, c.space = c.para[:0], false
	switch {
	case c.heading > 0:
		c.emit(strings.Repeat("#", c.heading)+" "+strings.Join(lines, " "), false)
	case c.item:
		c.item = false
		depth := max(0, len(c.lists)-1)
		marker := "- "
		if len(c.lists) > 0 && c.lists[len(c.lists)-1].ordered {
			l := &c.lists[len(c.lists)-1]
			l.n++
			marker = strconv.Itoa(l.n) + ". "
		}
		indent := strings.Repeat("  ", depth)
		cont := indent + strings.Repeat(" ", len(marker))
		c.emit(indent+marker+strings.Join(lines, "\\\n"+cont), true)
	default:
		lines[0] = escapeBlockStart(lines[0])
		c.emit(strings.Join(lines, "\\\n"), false)
	}
}

// emit writes a finished Markdown block.
func (c *htmlConv) emit(block string, item bool) {
	if c.quote > 0 {
		prefix := strings.Repeat("> ", c.quote)
		block = prefix + strings.ReplaceAll(block, "\n", "\n"+prefix)
	}
	if len(c.out) > 0 {
		c.out = append(c.out, '\n')
		if !item || !c.lastItem {
			c.out = append(c.out, '\n')
		}
	}
	c.out = append(c.out, block...)
	c.lastItem = item
}

// escapeBlockStart keeps text that came from HTML from starting a Markdown
// block (a heading, a list, a quote) it never was.
func escapeBlockStart(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '#', '>', '-', '+', '*', '=', '|', '`', '~':
		return `\` + s
	}
	i := 0
	for i < len(s) && i < 9 && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + `\` + s[i:]
	}
	return s
}

// inlineHTML appends prose s to out with its inline HTML converted: tags
// stripped, links and images made Markdown, <br> a line break, comments,
// scripts and styles dropped. Code spans are left alone.
func inlineHTML(out []byte, s string) []byte {
	var links []htmlLink
	var line lineTracker
	for i := 0; i < len(s); {
		j := strings.IndexAny(s[i:], "`<")
		if j < 0 {
			out = append(out, s[i:]...)
			break
		}
		out = append(out, s[i:i+j]...)
		i += j
		if s[i] == '`' {
			n := runLen(s, i, '`')
			end, ok := codeSpanEnd(s, i, n)
			if !ok {
				end = i + n
			}
			out = append(out, s[i:end]...)
			i = end
			continue
		}
		if strings.HasPrefix(s[i:], "<!--") {
			if e := strings.Index(s[i+4:min(len(s), i+4+4*maxTag)], "-->"); e >= 0 {
				i += 4 + e + 3
				continue
			}
		}
		t, ok := parseTag(s, i)
		info, known := elements[t.name]
		if !ok || !known {
			out = append(out, '<')
			i++
			continue
		}
		i = t.end
		switch {
		case t.closing && t.name == "a":
			if len(links) == 0 {
				continue
			}
			l := links[len(links)-1]
			links = links[:len(links)-1]
			if l.href == "" || l.pos > len(out) {
				continue
			}
			if len(bytes.TrimSpace(out[l.pos:])) == 0 {
				out = append(out, l.href...)
			}
			out = append(out, "]("+l.href+")"...)
		case t.closing:
		case info&elemHidden != 0:
			out = append(out, mediaLink(t)...)
			if !t.selfClosing {
				if e := endOfElement(s, t.end, t.name); e >= 0 {
					i = e
				}
			}
		case t.name == "a":
			// The "[" goes in now: inserting it at the end tag would
			// cost a copy of the rest of the text for every link.
			href := cleanURL(attr(t.attrs, "href"))
			if href != "" {
				out = append(out, '[')
			}
			links = append(links, htmlLink{pos: len(out), href: href})
		case t.name == "img":
			out = append(out, imageMarkdown(t)...)
		case t.name == "embed":
			out = append(out, mediaLink(t)...)
		case t.name == "br":
			out = inlineBreak(out, s, i, &line)
		}
	}
	return out
}

// inlineBreak writes a Markdown line break for a <br> in prose, where
// s[i:] follows the tag: none at the end of a paragraph, a space in a table
// row or heading.
func inlineBreak(out []byte, s string, i int, line *lineTracker) []byte {
	first := line.firstNonBlank(out)
	if first == len(out) {
		return out
	}
	if out[first] == '#' || out[first] == '|' {
		return append(out, ' ')
	}
	j := i
	for j < len(s) && (s[j] == ' ' || s[j] == '\t') {
		j++
	}
	if j >= len(s) {
		return out
	}
	if s[j] == '\n' {
		next := s[j+1:]
		if nl := strings.IndexByte(next, '\n'); nl >= 0 {
			next = next[:nl]
		}
		if isBlank(next) {
			return out
		}
		return append(out, '\\')
	}
	return append(out, "\\\n"...)
}
