package content

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/osteele/liquid/expressions"
	"github.com/osteele/liquid/filters"
	"github.com/osteele/liquid/parser"
	"github.com/osteele/liquid/render"
	"github.com/osteele/liquid/tags"
)

// Jekyll runs Liquid over a post's body before Markdown; so does Load, with
// github.com/osteele/liquid (the engine of gojekyll) and Jekyll's own tags,
// filters and variables added to it. What a reader sees is what Jekyll's
// site shows, as text: post_url and link become sshblog: links, highlight
// a fenced code block.
//
// Jekyll stops the build at a failing tag. A blog over SSH shows the post
// instead: the tag is left out, the rest evaluated, and the failure is a
// bodyProblem at the file's line.

// Bounds on what one post's Liquid may cost.
const (
	// maxLiquidOutput bounds the text one body (or include) renders to;
	// parsePost cuts the body at MaxPostBytes afterwards.
	maxLiquidOutput = MaxPostBytes + 64<<10
	maxIncludeDepth = 16      // includes within includes
	maxIncludeBytes = 1 << 20 // one include file
	// maxLoopSteps bounds the iterations of every for and tablerow loop of
	// a body together: an empty loop over (1..1000000000) writes nothing
	// the output bound could stop.
	maxLoopSteps = 200_000
	// maxVarBytes bounds the strings and arrays a loop may build in
	// variables ({% assign s = s | append: s %} doubles each time).
	maxVarBytes = 8 << 20
	// maxRange bounds a literal range (1..N): filters turn a range into an
	// array of N items.
	maxRange = 1_000_000
	// maxLiquidAttempts bounds how often a body is evaluated again after a
	// failing tag was left out; beyond, the body is shown without its tags.
	maxLiquidAttempts = 16
)

// liquidSite evaluates the Liquid of a Jekyll site's posts. Built once per
// Load; safe for concurrent use by render.
type liquidSite struct {
	cfg     render.Config
	fsys    fs.FS
	site    map[string]any // site.*
	loc     *time.Location
	baseURL string // Jekyll's baseurl, "/blog" or ""
	url     string // the site's URL with baseurl, no final slash

	byPath map[string]*postRef   // "_posts/2016-07-26-name.md"
	byStem map[string][]*postRef // "2016-07-26-name": newest first
	byURL  map[string]*postRef   // "/2016/07/26/name.html"

	includes sync.Map // FS path -> *liquidInclude
}

// liquidInput is what a site's Liquid may see.
type liquidInput struct {
	Site  *Site          // config (Params for site.*, Title, URL, BaseURL, Location for date filters...)
	FS    fs.FS          // the site root: {% include x %} reads _includes/x, include_relative reads relative to the post's folder; nil: includes fail as problems
	Data  map[string]any // site.data (may be nil)
	Posts []postRef      // every post (site.posts newest first, post_url, link); see site.go
}

// liquidInclude is an include file, compiled once per Load.
type liquidInclude struct {
	src string
	err error // reading it failed
}

// liquidRun is the state of one render call, reached from tags through a
// binding no template can name.
type liquidRun struct {
	ls       *liquidSite
	path     string // the post's file
	steps    int
	depth    int    // includes entered
	incLine  int    // the post's line of the outermost include being rendered
	incName  string // the include being rendered
	problems []bodyProblem
}

const liquidRunKey = "\x00sshblog"

func newLiquidSite(in liquidInput) *liquidSite {
	site := in.Site
	if site == nil {
		site = &Site{}
	}
	ls := &liquidSite{
		fsys:   in.FS,
		loc:    time.UTC,
		byPath: make(map[string]*postRef, len(in.Posts)),
		byStem: make(map[string][]*postRef, len(in.Posts)),
		byURL:  make(map[string]*postRef, len(in.Posts)),
	}
	if site.Location != nil {
		ls.loc = site.Location
	}
	ls.baseURL = strings.TrimRight(site.BaseURL, "/")
	if ls.baseURL != "" && !strings.HasPrefix(ls.baseURL, "/") {
		ls.baseURL = "/" + ls.baseURL
	}
	ls.url = strings.TrimRight(site.URL, "/")

	posts := make([]*postRef, len(in.Posts))
	for i := range in.Posts {
		posts[i] = &in.Posts[i]
	}
	slices.SortStableFunc(posts, func(a, b *postRef) int { return b.Date.Compare(a.Date) })
	list := make([]any, len(posts))
	byTag, byCat := map[string][]any{}, map[string][]any{}
	for i, p := range posts {
		ls.byPath[p.Path] = p
		stem := strings.TrimSuffix(path.Base(p.Path), path.Ext(p.Path))
		ls.byStem[stem] = append(ls.byStem[stem], p)
		if p.URL != "" {
			ls.byURL[p.URL] = p
		}
		m := postLiquid(p, stem)
		list[i] = m
		for _, t := range p.Tags {
			byTag[t] = append(byTag[t], m)
		}
		for _, c := range p.Categories {
			byCat[c] = append(byCat[c], m)
		}
	}

	vars := make(map[string]any, len(site.Params)+8)
	maps.Copy(vars, site.Params)
	setDefault := func(k string, v any) {
		if _, ok := vars[k]; !ok {
			vars[k] = v
		}
	}
	setDefault("title", site.Title)
	setDefault("description", site.Description)
	setDefault("url", strings.TrimSuffix(ls.url, ls.baseURL))
	setDefault("baseurl", ls.baseURL)
	vars["posts"] = list
	vars["tags"] = anyMap(byTag)
	vars["categories"] = anyMap(byCat)
	data := in.Data
	if data == nil {
		data = map[string]any{}
	}
	vars["data"] = data
	vars["time"] = time.Now().In(ls.loc)
	ls.site = vars
	ls.cfg = ls.newConfig()
	return ls
}

func anyMap(m map[string][]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// postLiquid is a post as an item of site.posts: its front matter and
// what Jekyll adds.
func postLiquid(p *postRef, stem string) map[string]any {
	m := make(map[string]any, len(p.Page)+10)
	maps.Copy(m, p.Page)
	m["title"] = p.Title
	m["url"] = p.URL
	m["id"] = strings.TrimSuffix(p.URL, ".html")
	m["date"] = p.Date
	m["path"] = p.Path
	m["tags"] = stringsAny(p.Tags)
	m["categories"] = stringsAny(p.Categories)
	if _, ok := m["slug"]; !ok {
		m["slug"] = jekyllDatePrefix.ReplaceAllString(stem, "")
	}
	if p.Lang != "" {
		if _, ok := m["lang"]; !ok {
			m["lang"] = p.Lang
		}
	}
	return m
}

var jekyllDatePrefix = regexp.MustCompile(`^\d+-\d+-\d+-`)

func stringsAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// newConfig is the engine: Liquid's standard tags and filters, Jekyll's,
// and a few replaced to keep their cost bounded.
func (ls *liquidSite) newConfig() render.Config {
	cfg := render.NewConfig()
	filters.AddStandardFilters(&cfg)
	tags.AddStandardTags(cfg)
	ls.addFilters(&cfg)
	cfg.AddTag("include", ls.includeTag(false))
	cfg.AddTag("include_relative", ls.includeTag(true))
	cfg.AddTag("post_url", ls.postURLTag)
	cfg.AddTag("link", ls.linkTag)
	cfg.AddTag(loopStepTag, loopStep)
	cfg.AddBlock("highlight").Compiler(highlightCompiler)
	return cfg
}

// render evaluates one post body. path is the post file's path in FS;
// bodyLine is the file line the body starts at (so problems carry FILE
// lines); page is page.* (front matter + url, date, slug, tags,
// categories, title, id, path, filled by Load). It never fails: it
// returns the text a reader should see and the problems.
func (ls *liquidSite) render(path, body string, bodyLine int, page map[string]any) (string, []bodyProblem) {
	if !strings.Contains(body, "{{") && !strings.Contains(body, "{%") {
		return body, nil // most posts
	}
	run := &liquidRun{ls: ls, path: path}
	if page == nil {
		page = map[string]any{}
	}
	vars := map[string]any{"site": ls.site, "page": page, liquidRunKey: run}
	out := run.eval(joinObjectLines(body), path, max(bodyLine, 1), vars)
	return out, dedupeProblems(run.problems)
}

// rawStart finds {% raw %} in any of its spellings.
var rawStart = regexp.MustCompile(`\{%-?\s*raw\s*-?%\}`)
var rawEnd = regexp.MustCompile(`\{%-?\s*endraw\s*-?%\}`)

// joinObjectLines puts an output tag that spans lines ("{{ site.posts\n
// | size }}") on one line: Ruby's Liquid reads it, osteele/liquid's scanner
// matches {{ }} only within a line and would show it as text
// (docs/upstream.md). Text between raw and endraw is left as written.
// Lines after such a tag are reported one line early per line it joined.
func joinObjectLines(src string) string {
	if !strings.Contains(src, "{{") || !strings.Contains(src, "\n") {
		return src
	}
	var b []byte
	for i := 0; i < len(src); {
		if loc := rawStart.FindStringIndex(src[i:]); loc != nil && loc[0] == 0 {
			end := len(src)
			if e := rawEnd.FindStringIndex(src[i+loc[1]:]); e != nil {
				end = i + loc[1] + e[1]
			}
			b = append(b, src[i:end]...)
			i = end
			continue
		}
		open := strings.Index(src[i:], "{{")
		rawAt := strings.Index(src[i:], "{%")
		if open < 0 {
			b = append(b, src[i:]...)
			break
		}
		if rawAt >= 0 && rawAt < open {
			if loc := rawStart.FindStringIndex(src[i+rawAt:]); loc != nil && loc[0] == 0 {
				b = append(b, src[i:i+rawAt]...)
				i += rawAt
				continue
			}
		}
		open += i
		closeAt := strings.Index(src[open+2:], "}}")
		if closeAt < 0 {
			b = append(b, src[i:]...)
			break
		}
		closeAt += open + 2
		inner := src[open+2 : closeAt]
		b = append(b, src[i:open+2]...)
		if strings.Contains(inner, "\n") && !strings.Contains(inner, "{{") && !strings.Contains(inner, "{%") {
			inner = strings.ReplaceAll(inner, "\n", " ")
		}
		b = append(b, inner...)
		b = append(b, "}}"...)
		i = closeAt + 2
	}
	if b == nil {
		return src
	}
	return string(b)
}

// eval renders src (of file name, starting at line firstLine) with vars.
// A failing tag is left out and src evaluated again. Problems go to
// run.problems.
func (run *liquidRun) eval(src, name string, firstLine int, vars map[string]any) string {
	problem := func(line int, msg string) { run.problem(line, msg) }
	src = run.ls.prepare(src, firstLine, problem)
	loc := parser.SourceLoc{Pathname: name, LineNo: firstLine}
	for range maxLiquidAttempts {
		out, err, stop := run.ls.try(src, loc, vars)
		if err == nil {
			return out
		}
		line, msg := liquidErrorLine(err, name)
		if stop == stopBound {
			problem(line, msg)
			return out
		}
		tok, ok := offendingToken(src, loc, line, msg)
		if stop == stopPanic || !ok {
			problem(line, "Liquid: "+msg+": sshblog shows this text without its Liquid tags")
			return liquidText(src, loc)
		}
		if !isTagError(err) {
			msg += ": fix the tag (jekyll build stops at it)"
		}
		problem(line, fmt.Sprintf("Liquid: %s: %s; the post is shown without the tag", shortTag(tok.Source), msg))
		src = run.ls.blankOutBlock(src, loc, tok)
	}
	problem(firstLine, fmt.Sprintf("Liquid: more than %d failing tags: sshblog shows this text without its Liquid tags; fix them (jekyll build names them)", maxLiquidAttempts))
	return liquidText(src, loc)
}

// problem records a problem at line of the source being evaluated; inside
// an include, at the post's line of the include, naming the file.
func (run *liquidRun) problem(line int, msg string) {
	if run.depth > 0 {
		msg = fmt.Sprintf("in %s line %d: %s", run.incName, line, msg)
		line = run.incLine
	}
	run.problems = append(run.problems, bodyProblem{Line: line, Msg: msg})
}

// tagError is a failure our own tags explain, advice included.
type tagError struct{ msg string }

func (e *tagError) Error() string { return e.msg }

func tagErrorf(format string, args ...any) error { return &tagError{fmt.Sprintf(format, args...)} }

func isTagError(err error) bool {
	for err != nil {
		if _, ok := err.(*tagError); ok {
			return true
		}
		e, ok := err.(interface{ Cause() error })
		if !ok {
			return false
		}
		err = e.Cause()
	}
	return false
}

// errLiquidStop ends a render that went over a bound; what was rendered
// so far is kept.
type errLiquidStop struct{ msg string }

func (e *errLiquidStop) Error() string { return e.msg }

// Why a render stopped short.
const (
	stopNo    = iota
	stopBound // over a bound: what was rendered up to there is kept
	stopPanic // the engine panicked
)

// try renders src once.
func (ls *liquidSite) try(src string, loc parser.SourceLoc, vars map[string]any) (out string, err error, stop int) {
	w := &limitWriter{max: maxLiquidOutput}
	defer func() {
		if r := recover(); r != nil {
			out = w.String()
			if e, ok := r.(error); ok && asStop(e) != nil {
				err, stop = asStop(e), stopBound
				return
			}
			err, stop = fmt.Errorf("the Liquid engine failed (%v)", r), stopPanic
		}
	}()
	root, perr := ls.cfg.Compile(src, loc)
	if perr != nil {
		return "", perr, stopNo
	}
	if rerr := render.Render(root, w, vars, ls.cfg); rerr != nil {
		if s := asStop(rerr); s != nil {
			return w.String(), rerr, stopBound
		}
		return "", rerr, stopNo
	}
	return w.String(), nil, stopNo
}

func asStop(err error) *errLiquidStop {
	for err != nil {
		if s, ok := err.(*errLiquidStop); ok {
			return s
		}
		if f, ok := err.(expressions.FilterError); ok {
			err = f.Err
			continue
		}
		if e, ok := err.(interface{ Cause() error }); ok && e.Cause() != nil {
			err = e.Cause()
			continue
		}
		err = errors.Unwrap(err)
	}
	return nil
}

// limitWriter keeps up to max bytes and fails past them.
type limitWriter struct {
	b   bytes.Buffer
	max int
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if w.b.Len()+len(p) > w.max {
		n := w.max - w.b.Len()
		w.b.Write(p[:n])
		return n, &errLiquidStop{fmt.Sprintf(
			"Liquid output is over %d KB: the rest of the post is not shown; does a loop or include run away?", w.max>>10)}
	}
	return w.b.Write(p)
}

// String is the text written, without a character cut in two.
func (w *limitWriter) String() string {
	b := w.b.Bytes()
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if r, n := utf8.DecodeLastRune(b); r != utf8.RuneError || n > 1 {
			break
		}
		b = b[:len(b)-1]
	}
	return string(b)
}

// liquidErrorLine is the line of an engine error and its message without
// the engine's decoration ("Liquid error (line 3): ... in file").
func liquidErrorLine(err error, name string) (int, string) {
	line := 0
	if e, ok := err.(interface{ LineNumber() int }); ok {
		line = e.LineNumber()
	}
	if s := asStop(err); s != nil {
		return line, s.msg
	}
	msg := err.Error()
	if i := strings.Index(msg, "): "); strings.HasPrefix(msg, "Liquid error") && i >= 0 {
		msg = msg[i+3:]
	} else {
		msg = strings.TrimPrefix(msg, "Liquid error: ")
	}
	msg = strings.TrimSuffix(msg, " in "+name)
	return line, msg
}

// liquidToken is a token of a source and where it is.
type liquidToken struct {
	parser.Token
	start, end int
}

// liquidTokens are src's tokens as the engine's scanner finds them, with
// their offsets (the scanner's tokens, trims left out, cover src in order).
func liquidTokens(src string, loc parser.SourceLoc) []liquidToken {
	var out []liquidToken
	off := 0
	for _, t := range parser.Scan(src, loc, nil) {
		if t.Type == parser.TrimLeftTokenType || t.Type == parser.TrimRightTokenType {
			continue
		}
		out = append(out, liquidToken{t, off, off + len(t.Source)})
		off += len(t.Source)
	}
	return out
}

// offendingToken finds the tag or output an error at line is about: on
// that line, the one the message names, else the first.
func offendingToken(src string, loc parser.SourceLoc, line int, msg string) (liquidToken, bool) {
	var first liquidToken
	found := false
	for _, t := range liquidTokens(src, loc) {
		if t.Type == parser.TextTokenType || t.SourceLoc.LineNo != line {
			continue
		}
		if t.Type == parser.TagTokenType && (strings.Contains(msg, strconv.Quote(t.Name)) || namesFile(msg, t.Args)) ||
			t.Type == parser.ObjTokenType && mentions(msg, t.Args) {
			return t, true
		}
		if !found {
			first, found = t, true
		}
	}
	return first, found
}

// namesFile reports whether msg names the file a tag's arguments start
// with ("_includes/note.html is missing" for include note.html).
func namesFile(msg, args string) bool {
	f := strings.Fields(args)
	return len(f) > 0 && len(f[0]) > 2 && strings.Contains(msg, f[0])
}

var quotedWord = regexp.MustCompile(`"([^"]+)"`)

// mentions reports whether msg quotes a word of args ("undefined filter
// \"x\"").
func mentions(msg, args string) bool {
	for _, q := range quotedWord.FindAllStringSubmatch(msg, 4) {
		if strings.Contains(args, q[1]) {
			return true
		}
	}
	return false
}

// blankOut removes tok from src, keeping its line breaks so lines stay.
func blankOut(src string, tok liquidToken) string {
	return src[:tok.start] + strings.Repeat("\n", strings.Count(tok.Source, "\n")) + src[tok.end:]
}

// blankOutBlock removes tok from src and, when tok opens a block, the
// block's clauses and end tag: its text stays, without the tags that
// would now fail one by one.
func (ls *liquidSite) blankOutBlock(src string, loc parser.SourceLoc, tok liquidToken) string {
	syn, ok := ls.cfg.BlockSyntax(tok.Name)
	if tok.Type != parser.TagTokenType || !ok || !syn.IsBlockStart() || tok.Name == "raw" || tok.Name == "comment" {
		return blankOut(src, tok)
	}
	toks := liquidTokens(src, loc)
	remove := []liquidToken{tok}
	depth := 0
	for _, t := range toks {
		if t.start <= tok.start || t.Type != parser.TagTokenType {
			continue
		}
		switch ts, ok := ls.cfg.BlockSyntax(t.Name); {
		case !ok:
		case ts.IsBlockStart():
			depth++
		case ts.IsBlockEnd() && depth > 0:
			depth--
		case ts.IsBlockEnd() && t.Name == "end"+tok.Name:
			remove = append(remove, t)
			depth = -1
		case ts.IsClause() && depth == 0 && ts.CanHaveParent(syn):
			remove = append(remove, t)
		}
		if depth < 0 {
			break
		}
	}
	for i := len(remove) - 1; i >= 0; i-- {
		src = blankOut(src, remove[i])
	}
	return src
}

// liquidText is src without its tags and outputs: the last resort.
func liquidText(src string, loc parser.SourceLoc) string {
	var b strings.Builder
	for _, t := range liquidTokens(src, loc) {
		if t.Type == parser.TextTokenType {
			b.WriteString(t.Source)
		} else {
			b.WriteString(strings.Repeat("\n", strings.Count(t.Source, "\n")))
		}
	}
	return b.String()
}

// shortTag is a tag as a message quotes it.
func shortTag(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) > 60 {
		r := []rune(s)
		s = string(r[:57]) + "..."
	}
	return s
}

func dedupeProblems(ps []bodyProblem) []bodyProblem {
	seen := map[bodyProblem]bool{}
	out := ps[:0]
	for _, p := range ps {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// loopStepTag is put first in every loop's body by prepare; it counts the
// iterations of the render.
const loopStepTag = "sshblog_loop_step"

var literalRange = regexp.MustCompile(`\(\s*(-?\d+)\s*\.\.\s*(-?\d+)\s*\)`)

// prepare readies src for the engine, in one pass over its tokens:
//   - a tag Liquid does not know is left out, a problem (Jekyll stops the
//     build at it; here the rest of the post still shows);
//   - a comment inside a comment is taken out of the way, as Ruby's Liquid
//     nests them and the engine does not;
//   - a literal range larger than maxRange is left out, a problem;
//   - every for and tablerow loop gets a step counter.
func (ls *liquidSite) prepare(src string, firstLine int, problem func(int, string)) string {
	loc := parser.SourceLoc{LineNo: firstLine}
	toks := liquidTokens(src, loc)
	var b strings.Builder
	last := 0
	drop := func(t liquidToken) {
		b.WriteString(src[last:t.start])
		b.WriteString(strings.Repeat("\n", strings.Count(t.Source, "\n")))
		last = t.end
	}
	comment, raw := 0, false
	for _, t := range toks {
		switch {
		case t.Type == parser.TextTokenType:
		case raw:
			if t.Type == parser.TagTokenType && t.Name == "endraw" {
				raw = false
			}
		case comment > 0:
			if t.Type != parser.TagTokenType {
				continue
			}
			switch t.Name {
			case "comment":
				comment++
				drop(t)
			case "endcomment":
				if comment--; comment > 0 {
					drop(t)
				}
			}
		case t.Type == parser.ObjTokenType && ls.hugeRange(t.Args):
			problem(t.SourceLoc.LineNo, fmt.Sprintf("Liquid: %s holds a range of more than %d numbers: sshblog leaves it out", shortTag(t.Source), maxRange))
			drop(t)
		case t.Type == parser.TagTokenType:
			_, isTag := ls.cfg.FindTagDefinition(t.Name)
			_, isBlock := ls.cfg.BlockSyntax(t.Name)
			switch {
			case t.Name == loopStepTag || !isTag && !isBlock:
				problem(t.SourceLoc.LineNo, fmt.Sprintf(
					"Liquid: unknown tag %q in %s (a Jekyll plugin's?): sshblog leaves it out; remove it, or write {%% raw %%}…{%% endraw %%} around it to show it as text",
					t.Name, shortTag(t.Source)))
				drop(t)
			case ls.hugeRange(t.Args):
				problem(t.SourceLoc.LineNo, fmt.Sprintf("Liquid: %s holds a range of more than %d numbers: sshblog leaves it out", shortTag(t.Source), maxRange))
				drop(t)
			case t.Name == "raw":
				raw = true
			case t.Name == "comment":
				comment = 1
			case t.Name == "for" || t.Name == "tablerow":
				end := t.end
				// After the tag's trim marker, so that a step writing
				// nothing leaves the trim to the text that follows.
				b.WriteString(src[last:end])
				b.WriteString("{% " + loopStepTag + " %}")
				last = end
			}
		}
	}
	if last == 0 {
		return src
	}
	b.WriteString(src[last:])
	return b.String()
}

func (ls *liquidSite) hugeRange(args string) bool {
	if !strings.Contains(args, "..") {
		return false
	}
	for _, m := range literalRange.FindAllStringSubmatch(args, -1) {
		a, err1 := strconv.ParseInt(m[1], 10, 64)
		z, err2 := strconv.ParseInt(m[2], 10, 64)
		if err1 != nil || err2 != nil || z-a > maxRange {
			return true
		}
	}
	return false
}

// loopStep counts a loop iteration, and stops a render whose loops run
// too long or grow their variables too large.
func loopStep(string) (func(io.Writer, render.Context) error, error) {
	return func(_ io.Writer, ctx render.Context) error {
		run, _ := ctx.Get(liquidRunKey).(*liquidRun)
		if run == nil {
			return nil
		}
		run.steps++
		if run.steps > maxLoopSteps {
			return &errLiquidStop{fmt.Sprintf("Liquid loops run more than %d times: sshblog stops here; the rest of the post is not shown", maxLoopSteps)}
		}
		if run.steps%64 == 0 || run.steps < 64 {
			size := 0
			for k, v := range ctx.Bindings() {
				switch v := v.(type) {
				case string:
					size += len(v)
				case []any:
					size += 16 * len(v)
				}
				_ = k
			}
			if size > maxVarBytes {
				return &errLiquidStop{fmt.Sprintf("Liquid variables grow past %d MB in a loop: sshblog stops here; the rest of the post is not shown", maxVarBytes>>20)}
			}
		}
		return nil
	}, nil
}

func runOf(ctx render.Context) *liquidRun {
	run, _ := ctx.Get(liquidRunKey).(*liquidRun)
	if run == nil {
		run = &liquidRun{} // a template rendered outside render
	}
	return run
}

// tagLine is the line of the tag being rendered, counted as the source
// it is in counts (the post's file, or an include).
func tagLine(ctx render.Context) int {
	return ctx.Errorf("").LineNumber()
}

// problemAt records a problem with the tag being rendered.
func (run *liquidRun) problemAt(ctx render.Context, msg string) { run.problem(tagLine(ctx), msg) }

// Tags.

// includeParam is Jekyll's syntax for an include's parameters.
var includeParam = regexp.MustCompile(`([\w-]+)\s*=\s*(?:"([^"\\]*(?:\\.[^"\\]*)*)"|'([^'\\]*(?:\\.[^'\\]*)*)'|([\w.-]+))`)

// includeTag is Jekyll's {% include file.html key=value %} (from
// _includes/) or {% include_relative file.md %} (from the post's folder).
func (ls *liquidSite) includeTag(relative bool) render.TagCompiler {
	return func(string) (func(io.Writer, render.Context) error, error) {
		return func(w io.Writer, ctx render.Context) error {
			run := runOf(ctx)
			args, err := ctx.ExpandTagArg()
			if err != nil {
				return err
			}
			file, params, _ := strings.Cut(strings.TrimSpace(args), " ")
			if file == "" {
				return tagErrorf("include names no file: write {%% include file.html %%}")
			}
			var name string
			if relative {
				name = path.Join(path.Dir(run.path), file)
			} else {
				name = path.Join("_includes", file)
			}
			if strings.Contains(file, "..") || !fs.ValidPath(name) {
				return tagErrorf("include %q leaves the site's folder: name a file inside it", file)
			}
			if run.depth >= maxIncludeDepth {
				return tagErrorf("includes nest more than %d deep: does %s include itself?", maxIncludeDepth, file)
			}
			inc := ls.include(name)
			if inc.err != nil {
				return inc.err
			}
			vars := maps.Clone(ctx.Bindings())
			if !relative {
				p := map[string]any{}
				for _, m := range includeParam.FindAllStringSubmatchIndex(params, -1) {
					key := params[m[2]:m[3]]
					switch {
					case m[4] >= 0:
						p[key] = strings.ReplaceAll(params[m[4]:m[5]], `\"`, `"`)
					case m[6] >= 0:
						p[key] = strings.ReplaceAll(params[m[6]:m[7]], `\'`, `'`)
					default:
						v, err := ctx.EvaluateString(params[m[8]:m[9]])
						if err != nil {
							return err
						}
						p[key] = v
					}
				}
				vars["include"] = p
			}
			outerLine, outerName := run.incLine, run.incName
			if run.depth == 0 {
				run.incLine = tagLine(ctx)
			}
			run.incName = name
			run.depth++
			out := run.eval(inc.src, name, 1, vars)
			run.depth--
			run.incLine, run.incName = outerLine, outerName
			_, err = io.WriteString(w, out)
			return err
		}, nil
	}
}

// include reads an include file once per Load.
func (ls *liquidSite) include(name string) *liquidInclude {
	if v, ok := ls.includes.Load(name); ok {
		return v.(*liquidInclude)
	}
	inc := &liquidInclude{}
	if ls.fsys == nil {
		inc.err = tagErrorf("%s cannot be read here (no site folder)", name)
	} else if f, err := ls.fsys.Open(name); err != nil {
		inc.err = tagErrorf("%s is missing: add it, or remove the tag", name)
	} else {
		data, err := io.ReadAll(io.LimitReader(f, maxIncludeBytes+1))
		f.Close()
		switch {
		case err != nil:
			inc.err = tagErrorf("%s cannot be read: %v", name, err)
		case len(data) > maxIncludeBytes:
			inc.err = tagErrorf("%s is over %d MB: sshblog includes files up to that size", name, maxIncludeBytes>>20)
		case !utf8.Valid(data):
			inc.err = tagErrorf("%s is not valid UTF-8: save it as UTF-8", name)
		default:
			inc.src = strings.ReplaceAll(string(bytes.TrimPrefix(data, utf8BOM)), "\r\n", "\n")
		}
	}
	v, _ := ls.includes.LoadOrStore(name, inc)
	return v.(*liquidInclude)
}

// postURLTag is Jekyll's {% post_url 2010-07-21-name %} or
// {% post_url folder/2010-07-21-name %}.
func (ls *liquidSite) postURLTag(args string) (func(io.Writer, render.Context) error, error) {
	name := strings.TrimPrefix(strings.TrimSpace(args), "/")
	return func(w io.Writer, ctx render.Context) error {
		p := ls.findPost(name)
		if p == nil {
			runOf(ctx).problemAt(ctx, fmt.Sprintf("{%% post_url %s %%}: no post is named %s: the link shows as text only; check the name (date-slug, as the file is named)", name, name))
			return nil
		}
		_, err := io.WriteString(w, PostLinkScheme+p.Slug)
		return err
	}, nil
}

// findPost finds the post post_url names, as Jekyll 4 does: "dir/" before
// the name is a folder in or around _posts; failing that, any post of that
// file name (what Jekyll did before 4, with a deprecation warning).
func (ls *liquidSite) findPost(name string) *postRef {
	dir, base := path.Split(name)
	cands := ls.byStem[base]
	for _, p := range cands {
		pd := path.Dir(p.Path) + "/"
		if pd == "./" {
			pd = ""
		}
		if pd == "_posts/"+dir || pd == dir+"_posts/" || dir == "" && pd == "" || strings.HasSuffix(pd, "/"+dir) && dir != "" {
			return p
		}
	}
	if len(cands) > 0 {
		return cands[0]
	}
	return nil
}

// linkTag is Jekyll's {% link _posts/2016-07-26-name.md %}.
func (ls *liquidSite) linkTag(string) (func(io.Writer, render.Context) error, error) {
	return func(w io.Writer, ctx render.Context) error {
		args, err := ctx.ExpandTagArg()
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(strings.TrimSpace(args), "/")
		p := ls.byPath[name]
		if p == nil {
			runOf(ctx).problemAt(ctx, fmt.Sprintf("{%% link %s %%}: no post is at %s: the link shows as text only; name the post's file from the site's folder", name, name))
			return nil
		}
		_, err = io.WriteString(w, PostLinkScheme+p.Slug)
		return err
	}, nil
}

var highlightArgs = regexp.MustCompile(`^([a-zA-Z0-9.+#_-]+)((\s+\w+(=(\w+|"([0-9]+\s)*[0-9]+"))?)*)$`)

// highlightCompiler is Jekyll's {% highlight LANG [linenos] %}: its body
// (Liquid evaluated, as Jekyll does) becomes a fenced code block.
func highlightCompiler(node render.BlockNode) (func(io.Writer, render.Context) error, error) {
	args := strings.TrimSpace(node.Args)
	m := highlightArgs.FindStringSubmatch(args)
	if m == nil {
		return nil, tagErrorf("highlight %q: write {%% highlight LANG %%}, as in {%% highlight go linenos %%}", args)
	}
	lang := m[1]
	return func(w io.Writer, ctx render.Context) error {
		code, err := ctx.InnerString()
		if err != nil {
			return err
		}
		code = strings.TrimLeft(code, "\r\n")
		// The closing fence goes where the end tag was: indented as it,
		// in a list item.
		indent := ""
		if i := strings.LastIndexByte(code, '\n'); i >= 0 && strings.Trim(code[i+1:], " \t") == "" {
			code, indent = code[:i], code[i+1:]
		}
		code = strings.TrimRight(code, "\r\n")
		fence := 3
		for _, l := range strings.Split(code, "\n") {
			t := strings.TrimLeft(l, " \t")
			fence = max(fence, len(t)-len(strings.TrimLeft(t, "`"))+1)
		}
		ticks := strings.Repeat("`", fence)
		_, err = io.WriteString(w, ticks+lang+"\n"+code+"\n"+indent+ticks)
		return err
	}, nil
}
