package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"net/url"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"text/tabwriter"
	"time"
	"unicode"

	gossh "golang.org/x/crypto/ssh"

	"github.com/sshblog/sshblog/internal/sshtest"
)

// The differential test: each site of the corpus (docs/corpus.md) is built
// by the real Jekyll or Hugo (scripts/faithful.sh) and served by sshblog;
// every post the built site shows must be listed by `ls --json` and read by
// `read` with the same title, date, tags and text.
//
// sshblog does not agree on every post yet. The posts and fields known to
// disagree are listed in faithfulFloor; the test fails only on a
// disagreement not listed there (a regression), and logs listed ones that
// now agree. `go test ./cmd/sshblog -run Faithful -update` rewrites the
// list from this run, to tighten it as features land.

const (
	faithfulSitesDir = "../../internal/content/testdata/sites"
	faithfulFloor    = faithfulSitesDir + "/agreement.txt"
	faithfulScript   = "../../scripts/faithful.sh"
	// faithfulBuildTimeout bounds one reference build; Jekyll takes a few
	// seconds for the largest site of the corpus on an idle machine.
	faithfulBuildTimeout = 3 * time.Minute
	// faithfulWidth is the width read wraps at: wide, so that wrapping
	// never splits what the reference has in one piece.
	faithfulWidth = 200
	// faithfulTextRatio is how alike two texts' words must be: terminal
	// rendering differs from HTML (list bullets, link targets, table
	// rules), so the texts are compared as word multisets.
	faithfulTextRatio = 0.9
)

// faithfulSite is one site of the corpus; --content is its root.
type faithfulSite struct {
	name, tool string
}

var faithfulSites = []faithfulSite{
	{"jekyll-news", "jekyll"},
	{"jekyll-basically-basic", "jekyll"},
	{"hugo-stack", "hugo"},
	{"hugo-even", "hugo"},
	{"hugo-k8s-ko", "hugo"},
}

// refPost is one post as scripts/faithful.sh lists it.
type refPost struct {
	Path         string   `json:"path"`
	URL          string   `json:"url"`
	Title        string   `json:"title"`
	Date         string   `json:"date"`
	Tags         []string `json:"tags"`
	Lang         string   `json:"lang"`
	Text         string   `json:"text"`
	Main         *bool    `json:"main"` // Hugo: in a main section
	Draft        bool     `json:"draft"`
	Translations []struct {
		Lang string `json:"lang"`
		Path string `json:"path"`
	} `json:"translations"`
}

type refListing struct {
	Tool            string    `json:"tool"`
	TimeZone        string    `json:"timezone"`
	DefaultLanguage string    `json:"defaultLanguage"`
	Posts           []refPost `json:"posts"`
}

// lsPost is one post of `ls --json` (internal/server/commands.go).
// Languages is read when sshblog lists a post's translations.
type lsPost struct {
	Slug      string    `json:"slug"`
	Title     string    `json:"title"`
	Date      time.Time `json:"date"`
	Tags      []string  `json:"tags"`
	Lang      string    `json:"lang"`
	Languages []string  `json:"languages"`
	URL       string    `json:"url"`
}

// disagreement is one field of one post that sshblog shows otherwise than
// the real site.
type disagreement struct {
	post   string // SITE/PATH
	field  string // missing, title, date, tags, text, template
	detail string
}

func (d disagreement) key() string { return d.post + "\t" + d.field }

func TestFaithful(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the corpus with Jekyll and Hugo: not with -short")
	}
	floor := readFloor(t)
	var all []disagreement
	var rows []faithfulRow
	for _, site := range faithfulSites {
		t.Run(site.name, func(t *testing.T) {
			row, ds := faithfulCheckSite(t, site)
			rows = append(rows, row)
			all = append(all, ds...)
		})
	}
	if len(rows) == 0 {
		return
	}
	t.Log("\n" + faithfulTable(rows))
	agree, total := 0, 0
	for _, r := range rows {
		agree += r.agree
		total += r.posts
	}
	t.Logf("%d of %d posts agree", agree, total)

	sort.Slice(all, func(i, j int) bool { return all[i].key() < all[j].key() })
	seen := map[string]bool{}
	var b strings.Builder
	for _, d := range all {
		seen[d.key()] = true
		fmt.Fprintf(&b, "  %s: %s: %s\n", d.post, d.field, d.detail)
	}
	if b.Len() > 0 {
		t.Logf("disagreements (sshblog vs reference):\n%s", b.String())
	}
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		writeFloor(t, all, rows)
		return
	}
	built := map[string]bool{}
	for _, r := range rows {
		built[r.site] = true
	}
	for _, d := range all {
		if !floor[d.key()] {
			t.Errorf("regression: %s: %s: %s (not in %s; fix it, or run with -update if it is expected)", d.post, d.field, d.detail, faithfulFloor)
		}
	}
	var better []string
	for k := range floor {
		site, _, _ := strings.Cut(k, "/")
		if built[site] && !seen[k] {
			better = append(better, strings.Replace(k, "\t", ": ", 1))
		}
	}
	if len(better) > 0 {
		sort.Strings(better)
		t.Logf("now agree (run with -update to tighten %s):\n  %s", faithfulFloor, strings.Join(better, "\n  "))
	}
}

type faithfulRow struct {
	site, tool                                    string
	posts, agree, missing, title, date, tags, txt int
}

// faithfulCheckSite builds the site's reference, serves the site and
// compares each reference post with what sshblog shows.
func faithfulCheckSite(t *testing.T, site faithfulSite) (faithfulRow, []disagreement) {
	requireTools(t, site.tool, "bash")
	root, err := filepath.Abs(filepath.Join(faithfulSitesDir, site.name))
	if err != nil {
		t.Fatal(err)
	}
	ref := buildReference(t, root)

	content := root
	// One connection opens ten sessions at once, then one a second
	// (internal/server/conn.go): the test reconnects rather than wait,
	// which the raised burst of connections allows.
	p := startProcess(t, "SSHBLOG_CONTENT="+content, "SSHBLOG_CONN_BURST=1000")
	conn := &faithfulConn{t: t, addr: p.addr}
	res := sshtest.RunOn(t, conn.client(), "ls --json")
	if res.Status != 0 {
		t.Fatalf("ls --json: exit status %d\n%s", res.Status, res.Stderr)
	}
	var listed []lsPost
	if err := json.Unmarshal([]byte(res.Stdout), &listed); err != nil {
		t.Fatalf("ls --json is not the JSON commands.go writes: %v\n%s", err, res.Stdout)
	}

	byLang := map[string][]lsPost{}
	listIn := func(lang string) []lsPost {
		if l, ok := byLang[lang]; ok {
			return l
		}
		res := sshtest.RunOn(t, conn.client(), "ls --json --lang "+lang)
		var l []lsPost
		if res.Status != 0 || json.Unmarshal([]byte(res.Stdout), &l) != nil {
			t.Errorf("ls --json --lang %s: exit status %d\n%s", lang, res.Status, res.Stderr)
		}
		byLang[lang] = l
		return l
	}

	row := faithfulRow{site: site.name, tool: ref.Tool}
	var ds []disagreement
	used := map[int]bool{}
	for _, rp := range ref.Posts {
		if rp.Draft || (rp.Main != nil && !*rp.Main) {
			continue // not a post of the built blog
		}
		row.posts++
		name := site.name + "/" + rp.Path
		add := func(field, format string, args ...any) {
			ds = append(ds, disagreement{name, field, fmt.Sprintf(format, args...)})
		}
		i := matchPost(rp, listed, used)
		if i < 0 {
			row.missing++
			add("missing", "not in ls --json (reference %q, %s, %s)", rp.Title, rp.URL, rp.Date)
			continue
		}
		used[i] = true
		lp := listed[i]
		if len(lp.Languages) > 0 && rp.Lang != "" && rp.Lang != lp.Lang {
			// The post in the reference's language, as ls --lang lists it.
			for _, q := range listIn(rp.Lang) {
				if q.Slug == lp.Slug {
					lp = q
				}
			}
		}
		ok := true
		if normTitle(lp.Title) != normTitle(rp.Title) {
			ok = false
			row.title++
			add("title", "%q vs %q", lp.Title, rp.Title)
		}
		if d, same := sameDate(lp.Date, rp.Date); !same {
			ok = false
			row.date++
			add("date", "%s", d)
		}
		if !sameTags(lp.Tags, rp.Tags) {
			ok = false
			row.tags++
			add("tags", "%q vs %q", lp.Tags, rp.Tags)
		}
		lang := ""
		if len(lp.Languages) > 0 {
			lang = rp.Lang
		}
		text, err := readPost(conn, lp.Slug, lang)
		switch {
		case err != nil:
			ok = false
			row.txt++
			add("text", "read %s: %v", lp.Slug, err)
		default:
			refText := rp.Text
			if ref.Tool == "jekyll" {
				refText = html.UnescapeString(refText) // strip_html leaves entities
			}
			if r := textRatio(text, refText); r < faithfulTextRatio {
				ok = false
				row.txt++
				add("text", "words %.2f alike (want %.2f): %s", r, faithfulTextRatio, wordDiff(text, refText))
			}
			if tpl := templateLeft(text, refText); tpl != "" {
				ok = false
				row.txt++
				add("template", "%q left in the text", tpl)
			}
		}
		if ok {
			row.agree++
		}
	}
	return row, ds
}

// buildReference runs scripts/faithful.sh once for the site.
func buildReference(t *testing.T, root string) refListing {
	t.Helper()
	out := filepath.Join(t.TempDir(), "reference.json")
	ctx, cancel := context.WithTimeout(context.Background(), faithfulBuildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", faithfulScript, root, out)
	cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/faithful.sh %s: %v\n%s", root, err, msg)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var ref refListing
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatalf("scripts/faithful.sh %s wrote no JSON listing: %v\n%.2000s", root, err, data)
	}
	if len(ref.Posts) == 0 {
		t.Fatalf("scripts/faithful.sh %s listed no post", root)
	}
	return ref
}

// matchPost finds the ls entry for a reference post. The rule: an entry
// whose slug is the last part of the post's URL, its file name (without
// the date Jekyll's names start with) or the date form of either
// (2017-03-30-word2vec, 2017/03/30/word2vec); among several, the one with
// the same title, then the same day, then one not matched yet. Failing
// that, an entry with the same title and day. A post in several languages
// matches the entry listing its language.
func matchPost(rp refPost, listed []lsPost, used map[int]bool) int {
	day := ""
	if len(rp.Date) >= 10 {
		day = rp.Date[:10]
	}
	keys := map[string]bool{}
	addKey := func(s string) {
		s = strings.ToLower(s)
		if s == "" || s == "index" || s == "_index" {
			return
		}
		keys[s] = true
		if day != "" {
			keys[day+"-"+s] = true
			keys[strings.ReplaceAll(day, "-", "/")+"/"+s] = true
		}
	}
	if u, err := url.PathUnescape(strings.TrimSuffix(rp.URL, "/")); err == nil {
		addKey(path.Base(u))
		addKey(strings.ReplaceAll(strings.ToLower(path.Base(u)), " ", "-"))
	}
	base := strings.TrimSuffix(path.Base(rp.Path), path.Ext(rp.Path))
	if b, _, ok := strings.Cut(base, "."); ok && rp.Lang != "" { // post.ko.md
		base = b
	}
	if base == "index" || base == "_index" {
		base = path.Base(path.Dir(rp.Path)) // a bundle: its folder
	}
	if m := jekyllName.FindStringSubmatch(base); m != nil {
		base = m[1]
	}
	addKey(base)
	addKey(strings.ReplaceAll(base, " ", "-"))

	best, bestScore := -1, -1
	for i, lp := range listed {
		if len(lp.Languages) > 0 && rp.Lang != "" && !slices.Contains(lp.Languages, rp.Lang) {
			continue
		}
		bySlug := keys[strings.ToLower(lp.Slug)]
		byTitle := normTitle(lp.Title) == normTitle(rp.Title)
		byDay := day != "" && lp.Date.Format(time.DateOnly) == day
		if !bySlug && !(byTitle && byDay) {
			continue
		}
		score := 0
		if bySlug {
			score += 8
		}
		if byTitle {
			score += 4
		}
		if byDay {
			score += 2
		}
		if !used[i] {
			score++
		}
		if score > bestScore {
			best, bestScore = i, score
		}
	}
	return best
}

var jekyllName = regexp.MustCompile(`^\d{4}-\d{1,2}-\d{1,2}-(.+)$`)

// faithfulConn hands out a connection for each session, a new one when
// the last has opened as many sessions as the server lets one open at
// once, or refused one: the server frees a session's slot only once the
// client has acknowledged its close, which may be after the next opens.
type faithfulConn struct {
	t        *testing.T
	addr     string
	c        *gossh.Client
	sessions int
}

const faithfulSessionsPerConn = 10

func (f *faithfulConn) client() *gossh.Client {
	if f.c == nil || f.sessions == faithfulSessionsPerConn {
		f.reset()
	}
	f.sessions++
	return f.c
}

func (f *faithfulConn) reset() {
	if f.c != nil {
		f.c.Close()
	}
	f.c, f.sessions = sshtest.Dial(f.t, f.addr), 0
}

// newSession opens a session, on a new connection if the server refuses
// one on this connection.
func (f *faithfulConn) newSession() (*gossh.Session, error) {
	var err error
	for range 3 {
		var sess *gossh.Session
		if sess, err = f.client().NewSession(); err == nil {
			return sess, nil
		}
		if !strings.Contains(err.Error(), "resource shortage") {
			break
		}
		f.reset()
	}
	return nil, err
}

// readPost runs `read SLUG` without a PTY, with LANG set to lang when
// sshblog lists the post's translations.
func readPost(conn *faithfulConn, slug, lang string) (string, error) {
	sess, err := conn.newSession()
	if err != nil {
		return "", err
	}
	defer sess.Close()
	if lang != "" {
		_ = sess.Setenv("LANG", strings.ReplaceAll(lang, "-", "_")+".UTF-8")
	}
	var stdout, stderr bytes.Buffer
	sess.Stdout, sess.Stderr = &stdout, &stderr
	done := make(chan error, 1)
	go func() { done <- sess.Run(fmt.Sprintf("read --width %d %s", faithfulWidth, shellQuote(slug))) }()
	select {
	case err = <-done:
	case <-time.After(sshtest.DefaultTimeout):
		return "", fmt.Errorf("no answer in %s", sshtest.DefaultTimeout)
	}
	if err != nil {
		return "", fmt.Errorf("%v: %s", err, strings.TrimSpace(stderr.String()))
	}
	// The header (title, then date and tags) is compared field by field.
	_, body, _ := strings.Cut(stdout.String(), "\n\n")
	return body, nil
}

func normTitle(s string) string {
	for _, re := range emphasisRE {
		s = re.ReplaceAllString(s, "$1")
	}
	return strings.Join(strings.Fields(html.UnescapeString(s)), " ")
}

// emphasisRE is Markdown emphasis in a title: Jekyll's page.title keeps
// "*with*", and themes show it through markdownify as emphasis, so the
// page reads "with", as sshblog's plain titles do.
var emphasisRE = []*regexp.Regexp{
	regexp.MustCompile(`\*\*(\S(?:.*?\S)?)\*\*`),
	regexp.MustCompile(`__(\S(?:.*?\S)?)__`),
	regexp.MustCompile(`\*(\S(?:.*?\S)?)\*`),
}

// sameDate compares a post's date to the minute as each shows it: the
// same wall clock and the same offset from UTC, which is what the reader
// sees (Jekyll shows dates in the site's zone, Hugo in the zone of the
// front matter or the site). A reference without a date (Hugo's zero
// time) agrees with any.
func sameDate(got time.Time, want string) (string, bool) {
	w, err := time.Parse(time.RFC3339, want)
	if err != nil {
		return fmt.Sprintf("reference date %q: %v", want, err), false
	}
	if w.Year() <= 1 {
		return "", true
	}
	const layout = "2006-01-02 15:04 -07:00"
	if got.Format(layout) != w.Format(layout) {
		return fmt.Sprintf("%s vs %s", got.Format(layout), w.Format(layout)), false
	}
	return "", true
}

func sameTags(got, want []string) bool {
	set := func(tags []string) []string {
		var s []string
		for _, t := range tags {
			t = strings.ToLower(strings.TrimSpace(t))
			if t != "" && !slices.Contains(s, t) {
				s = append(s, t)
			}
		}
		sort.Strings(s)
		return s
	}
	return slices.Equal(set(got), set(want))
}

var urlRE = regexp.MustCompile(`\S*://\S*`)

// imageRE is an image as the terminal shows it, "Image: alt → URL", where
// the page shows a picture and no text: neither side's words.
var imageRE = regexp.MustCompile(`Image: [^\n→]*→ \S+`)

// words splits a text into lower-case words. Letters of scripts written
// without spaces (Han, kana) are a word each, so a Chinese or Japanese
// text is compared character by character; Hangul is written with spaces
// and keeps its words. URLs are left out: the terminal shows link targets
// that the HTML's text does not.
func words(s string) map[string]int {
	s = imageRE.ReplaceAllString(s, " ")
	s = urlRE.ReplaceAllString(s, " ")
	m := map[string]int{}
	var w []rune
	flush := func() {
		if len(w) > 0 {
			m[string(w)]++
			w = w[:0]
		}
	}
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			flush()
			m[string(r)]++
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			w = append(w, r)
		default:
			flush()
		}
	}
	flush()
	return m
}

// textRatio is the Dice coefficient of the two texts' word multisets: 1
// when they have the same words as often, 0 when none in common.
func textRatio(a, b string) float64 {
	wa, wb := words(a), words(b)
	na, nb, common := 0, 0, 0
	for w, n := range wa {
		na += n
		common += min(n, wb[w])
	}
	for _, n := range wb {
		nb += n
	}
	if na+nb == 0 {
		return 1
	}
	return 2 * float64(common) / float64(na+nb)
}

// wordDiff names the words each side has more often than the other, the
// most frequent first, for a disagreement's message.
func wordDiff(got, want string) string {
	wg, ww := words(got), words(want)
	side := func(a, b map[string]int) string {
		type wc struct {
			w string
			n int
		}
		var extra []wc
		total := 0
		for w, n := range a {
			if d := n - b[w]; d > 0 {
				extra = append(extra, wc{w, d})
				total += d
			}
		}
		sort.Slice(extra, func(i, j int) bool {
			if extra[i].n != extra[j].n {
				return extra[i].n > extra[j].n
			}
			return extra[i].w < extra[j].w
		})
		var parts []string
		for i, e := range extra {
			if i == 8 {
				parts = append(parts, "…")
				break
			}
			parts = append(parts, fmt.Sprintf("%s×%d", e.w, e.n))
		}
		return fmt.Sprintf("%d [%s]", total, strings.Join(parts, " "))
	}
	return fmt.Sprintf("sshblog has %d words, reference %d; only sshblog: %s; only reference: %s",
		sum(wg), sum(ww), side(wg, ww), side(ww, wg))
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// templateLeft returns Liquid or Go template syntax that sshblog shows and
// the reference does not (a post about Liquid shows some on purpose), or
// Markdown link syntax left unresolved ("[#1037][]": its definition was
// to come from a Liquid loop).
func templateLeft(got, want string) string {
	for _, open := range []string{"{%", "{{", "]["} {
		if n := strings.Count(got, open); n > strings.Count(want, open) {
			i := strings.Index(got, open)
			end := min(len(got), i+40)
			return strings.SplitN(got[i:end], "\n", 2)[0]
		}
	}
	return ""
}

func faithfulTable(rows []faithfulRow) string {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "site\ttool\tposts\tagree\tmissing\ttitle\tdate\ttags\ttext")
	var tot faithfulRow
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", r.site, r.tool, r.posts, r.agree, r.missing, r.title, r.date, r.tags, r.txt)
		tot.posts += r.posts
		tot.agree += r.agree
		tot.missing += r.missing
		tot.title += r.title
		tot.date += r.date
		tot.tags += r.tags
		tot.txt += r.txt
	}
	fmt.Fprintf(tw, "all\t\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", tot.posts, tot.agree, tot.missing, tot.title, tot.date, tot.tags, tot.txt)
	tw.Flush()
	return b.String()
}

// readFloor reads the disagreements known today: "SITE/PATH<TAB>FIELD<TAB>
// detail" lines; # starts a comment.
func readFloor(t *testing.T) map[string]bool {
	t.Helper()
	f, err := os.Open(faithfulFloor)
	if os.IsNotExist(err) {
		return map[string]bool{}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	floor := map[string]bool{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.SplitN(line, "\t", 3)
		if len(fields) < 2 {
			t.Fatalf("%s:%d: want SITE/PATH<TAB>FIELD<TAB>detail, got %q: fix the line or rewrite the file with -update", faithfulFloor, n, line)
		}
		floor[fields[0]+"\t"+fields[1]] = true
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return floor
}

func writeFloor(t *testing.T, ds []disagreement, rows []faithfulRow) {
	t.Helper()
	var b strings.Builder
	b.WriteString(`# The corpus's posts that sshblog shows otherwise than the real Jekyll or
# Hugo, one field a line: SITE/PATH<TAB>FIELD<TAB>sshblog vs reference.
# cmd/sshblog/faithful_test.go fails on a disagreement not listed here;
# rewrite with: go test ./cmd/sshblog -run Faithful -update
`)
	agree, total := 0, 0
	for _, r := range rows {
		agree += r.agree
		total += r.posts
	}
	fmt.Fprintf(&b, "# %d of %d posts agree.\n", agree, total)
	for _, d := range ds {
		detail := []rune(strings.ReplaceAll(d.detail, "\n", " "))
		if len(detail) > 300 {
			detail = append(detail[:300], '…')
		}
		fmt.Fprintf(&b, "%s\t%s\t%s\n", d.post, d.field, string(detail))
	}
	// A site not built this run (its tool missing) keeps its lines.
	built := map[string]bool{}
	for _, r := range rows {
		built[r.site] = true
	}
	if old, err := os.ReadFile(faithfulFloor); err == nil {
		for _, line := range strings.Split(string(old), "\n") {
			site, _, _ := strings.Cut(line, "/")
			if line != "" && !strings.HasPrefix(line, "#") && !built[site] {
				b.WriteString(line + "\n")
			}
		}
	}
	if err := os.WriteFile(faithfulFloor, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %s", faithfulFloor)
}
