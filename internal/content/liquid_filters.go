package content

import (
	"encoding/json"
	"fmt"
	"html"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/osteele/liquid/expressions"
	"github.com/osteele/liquid/render"
	"github.com/osteele/liquid/values"
	xhtml "golang.org/x/net/html"
)

// Jekyll's filters (https://jekyllrb.com/docs/liquid/filters/), beside
// Liquid's standard ones, which osteele/liquid has.

func (ls *liquidSite) addFilters(cfg *render.Config) {
	cfg.AddFilter("relative_url", ls.relativeURL)
	cfg.AddFilter("absolute_url", ls.absoluteURL)
	cfg.AddFilter("date_to_xmlschema", func(v any) string {
		return ls.toTime(v).Format("2006-01-02T15:04:05-07:00")
	})
	cfg.AddFilter("date_to_rfc822", func(v any) string {
		return ls.toTime(v).Format("Mon, 02 Jan 2006 15:04:05 -0700")
	})
	cfg.AddFilter("date_to_string", func(v any, kind, style func(string) string) string {
		return dateToString(ls.toTime(v), "Jan", kind(""), style(""))
	})
	cfg.AddFilter("date_to_long_string", func(v any, kind, style func(string) string) string {
		return dateToString(ls.toTime(v), "January", kind(""), style(""))
	})
	cfg.AddFilter("xml_escape", func(s any) string {
		if s == nil {
			return ""
		}
		return html.EscapeString(fmt.Sprint(s))
	})
	cfg.AddFilter("cgi_escape", func(s string) string { return url.QueryEscape(s) })
	cfg.AddFilter("uri_escape", uriEscape)
	cfg.AddFilter("number_of_words", func(s string, mode func(string) string) int { return numberOfWords(s, mode("")) })
	cfg.AddFilter("jsonify", func(v any) string {
		b, err := json.Marshal(jsonable(v))
		if err != nil {
			return ""
		}
		return string(b)
	})
	// markdownify gives the Markdown back as it is: the body is Markdown,
	// parsed after Liquid, so what it holds shows as Jekyll's HTML would;
	// HTML put here would show as tags.
	cfg.AddFilter("markdownify", func(v any) string {
		if v == nil {
			return ""
		}
		return fmt.Sprint(v)
	})
	cfg.AddFilter("slugify", func(s string, mode func(string) string) string { return jekyllSlugify(s, mode("default")) })
	cfg.AddFilter("smartify", smartify)
	cfg.AddFilter("array_to_sentence_string", func(a []any, conn func(string) string) string {
		return sentence(a, conn("and"))
	})
	cfg.AddFilter("normalize_whitespace", func(s string) string { return strings.Join(strings.Fields(s), " ") })
	cfg.AddFilter("strip_html", stripHTML)
	cfg.AddFilter("where", where)
	cfg.AddFilter("where_exp", whereExp)
	cfg.AddFilter("find", func(a []any, prop string, value any) any {
		if r := where(a, prop, value); len(r) > 0 {
			return r[0]
		}
		return nil
	})
	cfg.AddFilter("find_exp", func(a []any, name string, expr expressions.Closure) (any, error) {
		r, err := whereExp(a, name, expr)
		if err != nil || len(r) == 0 {
			return nil, err
		}
		return r[0], nil
	})
	cfg.AddFilter("group_by", groupBy)
	cfg.AddFilter("group_by_exp", groupByExp)
	cfg.AddFilter("sort", jekyllSort)
	cfg.AddFilter("push", func(a []any, v any) []any { return append(append([]any{}, a...), v) })
	cfg.AddFilter("unshift", func(a []any, v any) []any { return append([]any{v}, a...) })
	cfg.AddFilter("pop", func(a []any) []any {
		if len(a) == 0 {
			return a
		}
		return a[:len(a)-1]
	})
	cfg.AddFilter("shift", func(a []any) []any {
		if len(a) == 0 {
			return a
		}
		return a[1:]
	})
	// sample is random in Jekyll; here the first item, so a post reads
	// the same every time.
	cfg.AddFilter("sample", func(a []any) any {
		if len(a) == 0 {
			return nil
		}
		return a[0]
	})
	cfg.AddFilter("to_integer", func(v any) int {
		switch v := v.(type) {
		case bool:
			if v {
				return 1
			}
			return 0
		case string:
			var n int
			fmt.Sscan(strings.TrimSpace(v), &n)
			return n
		}
		n, _ := values.Convert(v, reflect.TypeOf(0))
		i, _ := n.(int)
		return i
	})
	// Bounded versions of filters that can double a string.
	cfg.AddFilter("append", func(s, suffix string) (string, error) { return boundedJoin(s, suffix) })
	cfg.AddFilter("prepend", func(s, prefix string) (string, error) { return boundedJoin(prefix, s) })
}

func boundedJoin(a, b string) (string, error) {
	if len(a)+len(b) > maxVarBytes {
		return "", &errLiquidStop{fmt.Sprintf("Liquid text grows past %d MB: sshblog stops here; the rest of the post is not shown", maxVarBytes>>20)}
	}
	return a + b, nil
}

// relativeURL is Jekyll's relative_url: baseurl before a path.
func (ls *liquidSite) relativeURL(v any) string { return ls.siteURL(v, ls.baseURL) }

// absoluteURL is Jekyll's absolute_url: the site's URL (with baseurl)
// before a path.
func (ls *liquidSite) absoluteURL(v any) string { return ls.siteURL(v, cmpOr(ls.url, ls.baseURL)) }

// siteURL puts base before a path of the site. The URL of a post of the
// blog becomes a link to it (sshblog:SLUG), as post_url's.
func (ls *liquidSite) siteURL(v any, base string) string {
	s := urlInput(v)
	if s == "" && v == nil {
		return ""
	}
	if isAbsoluteURL(s) {
		return s
	}
	if p := ls.postAtURL(s); p != nil {
		return PostLinkScheme + p.Slug
	}
	return uriEscape(base + ensureSlash(s))
}

func urlInput(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case map[string]any: // a post: its url
		if u, ok := v["url"].(string); ok {
			return u
		}
	}
	return fmt.Sprint(v)
}

// postAtURL is the post whose URL path s is (with or without baseurl),
// or nil.
func (ls *liquidSite) postAtURL(s string) *postRef {
	if len(ls.byURL) == 0 {
		return nil
	}
	s, _, _ = strings.Cut(s, "#")
	s = ensureSlash(s)
	if p := ls.byURL[s]; p != nil {
		return p
	}
	if ls.baseURL != "" {
		if rest, ok := strings.CutPrefix(s, ls.baseURL); ok {
			return ls.byURL[ensureSlash(rest)]
		}
	}
	return nil
}

func ensureSlash(s string) string {
	if strings.HasPrefix(s, "/") {
		return s
	}
	return "/" + s
}

var urlScheme = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*:`)

func isAbsoluteURL(s string) bool { return urlScheme.MatchString(s) || strings.HasPrefix(s, "//") }

// uriEscape is Jekyll's uri_escape: characters a URI cannot hold are
// percent-encoded; reserved ones and existing escapes stay.
func uriEscape(s string) string {
	const keep = "-._~:/?#[]@!$&'()*+,;=%"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x80 && (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(keep, c) >= 0) {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// toTime reads a date as Jekyll's date filters do: a time, or text in a
// form Ruby's Time.parse reads, in the site's zone.
func (ls *liquidSite) toTime(v any) time.Time {
	switch v := v.(type) {
	case time.Time:
		return v
	case string:
		if t, err := values.ParseDate(strings.TrimSpace(v)); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), ls.zoneOf(t))
		}
	}
	return time.Time{}.In(ls.loc)
}

// zoneOf is t's zone when the text said one, else the site's.
func (ls *liquidSite) zoneOf(t time.Time) *time.Location {
	if t.Location() == time.Local {
		return ls.loc
	}
	return t.Location()
}

// dateToString is date_to_string ("Jan") or date_to_long_string
// ("January"), with Jekyll's "ordinal" and "US" options.
func dateToString(t time.Time, month, kind, style string) string {
	if t.IsZero() {
		return ""
	}
	if kind != "ordinal" {
		return t.Format("02 " + month + " 2006")
	}
	day := ordinal(t.Day())
	if style == "US" {
		return t.Format(month) + " " + day + ", " + t.Format("2006")
	}
	return day + " " + t.Format(month+" 2006")
}

func ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// numberOfWords is Jekyll's number_of_words: words between spaces; with
// "cjk" (or "auto" on text holding CJK), each Chinese, Japanese or Korean
// character counts as a word.
func numberOfWords(s, mode string) int {
	isCJK := func(r rune) bool {
		return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul)
	}
	if mode == "auto" && strings.IndexFunc(s, isCJK) < 0 || mode != "cjk" && mode != "auto" {
		return len(strings.Fields(s))
	}
	n := 0
	for _, w := range strings.Fields(strings.Map(func(r rune) rune {
		if isCJK(r) {
			n++
			return ' '
		}
		return r
	}, s)) {
		_ = w
		n++
	}
	return n
}

var (
	slugDefault = regexp.MustCompile(`[^\p{L}\p{N}]+`)
	slugPretty  = regexp.MustCompile(`[^\p{L}\p{N}._~!$&'()+,;=@]+`)
	slugASCII   = regexp.MustCompile(`[^a-zA-Z0-9]+`)
	slugRaw     = regexp.MustCompile(`\s+`)
)

// jekyllSlugify is Jekyll's slugify filter, modes raw, default, pretty, ascii and
// latin (as ascii, without turning accented letters into plain ones).
func jekyllSlugify(s, mode string) string {
	var re *regexp.Regexp
	switch mode {
	case "none":
		return s
	case "raw":
		re = slugRaw
	case "pretty":
		re = slugPretty
	case "ascii", "latin":
		re = slugASCII
	default:
		re = slugDefault
	}
	return strings.ToLower(strings.Trim(re.ReplaceAllString(s, "-"), "-"))
}

// smartify is Jekyll's smartify: typographic quotes, dashes and ellipses,
// as kramdown's SmartyPants makes them.
func smartify(s string) string {
	s = strings.NewReplacer("---", "—", "--", "–", "...", "…").Replace(s)
	var b strings.Builder
	prev := ' '
	for _, r := range s {
		open := unicode.IsSpace(prev) || strings.ContainsRune("([{—–", prev)
		switch r {
		case '"':
			if open {
				r = '“'
			} else {
				r = '”'
			}
		case '\'':
			if open {
				r = '‘'
			} else {
				r = '’'
			}
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// sentence is array_to_sentence_string: "a, b, and c".
func sentence(a []any, conn string) string {
	ss := make([]string, len(a))
	for i, v := range a {
		ss[i] = fmt.Sprint(v)
	}
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	case 2:
		return ss[0] + " " + conn + " " + ss[1]
	}
	return strings.Join(ss[:len(ss)-1], ", ") + ", " + conn + " " + ss[len(ss)-1]
}

// stripHTML is Liquid's strip_html, with an HTML tokenizer: the text,
// without tags, comments, scripts and styles.
func stripHTML(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return s
	}
	z := xhtml.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	skip := ""
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.TextToken:
			if skip == "" {
				b.Write(z.Raw()) // as written: entities stay, as Liquid's does
			}
		case xhtml.StartTagToken:
			if name, _ := z.TagName(); skip == "" && (string(name) == "script" || string(name) == "style") {
				skip = string(name)
			}
		case xhtml.EndTagToken:
			if name, _ := z.TagName(); string(name) == skip {
				skip = ""
			}
		}
	}
}

// property is item[name], for where, group_by and sort; a dotted name
// goes into maps.
func property(item any, name string) any {
	for _, k := range strings.Split(name, ".") {
		v := values.ValueOf(item).PropertyValue(values.ValueOf(k))
		item = v.Interface()
		if item == nil {
			return nil
		}
	}
	return item
}

// where is Jekyll's where: the items whose property is value, or holds
// it when it is a list; compared as text, as Jekyll does.
func where(a []any, prop string, value any) []any {
	want := fmt.Sprint(value)
	var out []any
	for _, item := range a {
		v := property(item, prop)
		switch v := v.(type) {
		case []any:
			for _, x := range v {
				if fmt.Sprint(x) == want {
					out = append(out, item)
					break
				}
			}
			continue
		case []string:
			for _, x := range v {
				if x == want {
					out = append(out, item)
					break
				}
			}
			continue
		}
		if v == nil && value != nil || v != nil && fmt.Sprint(v) != want {
			continue
		}
		out = append(out, item)
	}
	return out
}

func whereExp(a []any, name string, expr expressions.Closure) ([]any, error) {
	var out []any
	for _, item := range a {
		v, err := expr.Bind(name, item).Evaluate()
		if err != nil {
			return nil, err
		}
		if v != nil && v != false {
			out = append(out, item)
		}
	}
	return out, nil
}

// groupBy is Jekyll's group_by: [{name, items, size}] in the order the
// names first appear.
func groupBy(a []any, prop string) []any {
	return groupItems(a, func(item any) (any, error) { return property(item, prop), nil })
}

func groupByExp(a []any, name string, expr expressions.Closure) ([]any, error) {
	var ferr error
	out := groupItems(a, func(item any) (any, error) {
		v, err := expr.Bind(name, item).Evaluate()
		if err != nil {
			ferr = err
		}
		return v, err
	})
	return out, ferr
}

func groupItems(a []any, key func(any) (any, error)) []any {
	var out []any
	index := map[string]map[string]any{}
	for _, item := range a {
		k, err := key(item)
		if err != nil {
			return nil
		}
		name := ""
		if k != nil {
			name = fmt.Sprint(k)
		}
		g := index[name]
		if g == nil {
			g = map[string]any{"name": name, "items": []any{}, "size": 0}
			index[name] = g
			out = append(out, g)
		}
		g["items"] = append(g["items"].([]any), item)
		g["size"] = len(g["items"].([]any))
	}
	return out
}

// jekyllSort is Jekyll's sort: by the items, or by a property, with
// items lacking it first or ("last") last.
func jekyllSort(a []any, prop func(string) string, nils func(string) string) []any {
	out := append([]any{}, a...)
	p := prop("")
	if p == "" {
		values.Sort(out)
		return out
	}
	values.SortByProperty(out, p, nils("first") != "last")
	return out
}

// jsonable turns values for jsonify: times as Jekyll writes them.
func jsonable(v any) any {
	switch v := v.(type) {
	case time.Time:
		return v.Format("2006-01-02 15:04:05 -0700")
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = jsonable(x)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = jsonable(x)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[fmt.Sprint(k)] = jsonable(x)
		}
		return out
	}
	return v
}
