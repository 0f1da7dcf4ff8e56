package content

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	toml "github.com/pelletier/go-toml/v2"
	"go.yaml.in/yaml/v3"
)

// Front matter comes in two languages; both are read into one form, so the
// rest of the parser does not care which one a post used. Keys are matched
// case-insensitively, as Hugo does.

type fmKind uint8

const (
	fmNone  fmKind = iota // absent, or null
	fmText                // a scalar: string, number, date as written
	fmBool                // a YAML or TOML boolean
	fmList                // a list of scalars
	fmOther               // a map, or a list holding maps or lists
)

type fmValue struct {
	kind   fmKind
	text   string   // fmText; fmBool as written
	b      bool     // fmBool
	list   []fmItem // fmList
	line   int      // line of the key in the file, 0 when unknown
	other  string   // fmOther: what was found, for messages
	quoted bool     // a quoted YAML scalar: a string, never a timestamp
}

type fmItem struct {
	text string
	line int
	ok   bool // false: a nested list or map
}

type frontMatter map[string]fmValue

// get returns the first of keys that is present.
func (fm frontMatter) get(keys ...string) (fmValue, string) {
	for _, k := range keys {
		if v, ok := fm[k]; ok && v.kind != fmNone {
			return v, k
		}
	}
	return fmValue{}, ""
}

// fmError is a front matter problem at a line of the file.
type fmError struct {
	line int
	msg  string
}

func (e *fmError) Error() string { return e.msg }

// splitFrontMatter separates a leading front matter block from the body.
// lang is "yaml" (between --- lines), "toml" (between +++ lines) or "" when
// the file has none.
func splitFrontMatter(text string) (lang, header, body string, err error) {
	first, rest, _ := strings.Cut(text, "\n")
	var closers []string
	switch strings.TrimRight(first, " \t") {
	case "---":
		lang, closers = "yaml", []string{"---", "..."}
	case "+++":
		lang, closers = "toml", []string{"+++"}
	default:
		return "", "", text, nil
	}
	for off := 0; off < len(rest); {
		end := strings.IndexByte(rest[off:], '\n')
		next := len(rest)
		cur := rest[off:]
		if end >= 0 {
			cur = rest[off : off+end]
			next = off + end + 1
		}
		if slices.Contains(closers, strings.TrimRight(cur, " \t")) {
			return lang, rest[:off], rest[next:], nil
		}
		off = next
	}
	return "", "", "", &fmError{line: 1, msg: fmt.Sprintf(
		"front matter opened with %s is never closed: add a %s line after the last setting", closers[0], closers[0])}
}

// decodeFrontMatter reads header, which starts at line firstLine of the
// file.
func decodeFrontMatter(lang, header string, firstLine int) (frontMatter, error) {
	if strings.Contains(header, "\ufeff") {
		// A stray byte order mark (files pasted together) is invisible but
		// YAML refuses it; drop it without moving any line.
		header = strings.ReplaceAll(header, "\ufeff", "")
	}
	if strings.TrimSpace(header) == "" {
		return nil, nil
	}
	if lang == "toml" {
		return decodeTOML(header, firstLine)
	}
	return decodeYAML(header, firstLine)
}

func decodeYAML(header string, firstLine int) (frontMatter, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(header), &doc); err != nil {
		line, msg := yamlErrorLine(err)
		if line > 0 {
			line += firstLine - 1
		}
		return nil, &fmError{line: line, msg: "front matter: " + msg + ": check the YAML syntax (quote values that hold a colon)"}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	root := resolveAlias(doc.Content[0])
	if root == nil || root.Kind == yaml.ScalarNode && root.Tag == "!!null" {
		return nil, nil
	}
	if root.Kind != yaml.MappingNode {
		return nil, &fmError{line: root.Line + firstLine - 1,
			msg: "front matter: expected \"key: value\" lines, found " + yamlKindName(root)}
	}
	fm := make(frontMatter, len(root.Content)/2)
	for i := 0; i+1 < len(root.Content); i += 2 {
		k := resolveAlias(root.Content[i])
		if k == nil || k.Kind != yaml.ScalarNode {
			continue
		}
		v := resolveAlias(root.Content[i+1])
		val := fmValue{line: k.Line + firstLine - 1}
		switch {
		case v == nil:
		case v.Kind == yaml.ScalarNode:
			switch v.Tag {
			case "!!null":
			case "!!bool":
				val.kind, val.text = fmBool, v.Value
				val.b, _ = parseBool(v.Value)
			default:
				val.kind, val.text = fmText, v.Value
				val.quoted = v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0
			}
		case v.Kind == yaml.SequenceNode:
			val.kind = fmList
			val.list = make([]fmItem, 0, len(v.Content))
			for _, c := range v.Content {
				c := resolveAlias(c)
				switch {
				case c == nil || c.Kind == yaml.ScalarNode && c.Tag == "!!null":
				case c.Kind == yaml.ScalarNode:
					val.list = append(val.list, fmItem{text: c.Value, line: c.Line + firstLine - 1, ok: true})
				default:
					val.list = append(val.list, fmItem{line: c.Line + firstLine - 1})
				}
			}
		default:
			val.kind, val.other = fmOther, yamlKindName(v)
		}
		key := strings.ToLower(k.Value)
		fm[key] = val // a repeated key: the last one wins, as in Jekyll
	}
	return fm, nil
}

// resolveAlias follows YAML aliases (*name) to what they name, a few levels
// deep at most.
func resolveAlias(n *yaml.Node) *yaml.Node {
	for range 8 {
		if n == nil || n.Kind != yaml.AliasNode {
			return n
		}
		n = n.Alias
	}
	return nil
}

func yamlKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a map"
	case yaml.SequenceNode:
		return "a list"
	}
	return "a single value"
}

// yamlErrorLine pulls the line number out of a YAML error, counted from the
// first line of the front matter.
func yamlErrorLine(err error) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if num, text, ok := strings.Cut(rest, ": "); ok {
			if n, err := strconv.Atoi(num); err == nil {
				if yamlZeroBased[text] {
					n++
				}
				return n, text
			}
		}
	}
	return 0, msg
}

// yamlZeroBased are the YAML errors whose line yaml.v3 counts from 0 (its
// parser's errors; its scanner's count from 1).
var yamlZeroBased = map[string]bool{
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
}

func decodeTOML(header string, firstLine int) (frontMatter, error) {
	var m map[string]any
	if err := toml.Unmarshal([]byte(header), &m); err != nil {
		line := 0
		msg := strings.TrimPrefix(err.Error(), "toml: ")
		var de *toml.DecodeError
		if errors.As(err, &de) {
			line, _ = de.Position()
			if key, dmsg, ok := tomlDateError(header, line); ok {
				msg = fmt.Sprintf("%s %s", key, dmsg)
			} else {
				msg = "front matter: " + msg + ": check the TOML syntax (quote text values)"
			}
			line += firstLine - 1
		} else {
			msg = "front matter: " + msg
		}
		return nil, &fmError{line: line, msg: msg}
	}
	lines := tomlKeyLines(header)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	fm := make(frontMatter, len(m))
	for _, k := range keys {
		key := strings.ToLower(k)
		if _, dup := fm[key]; dup && k != key {
			continue // "Title" and "title": the lower-case spelling wins
		}
		val := fmValue{}
		if l, ok := lines[key]; ok {
			val.line = l + firstLine - 1
		}
		switch v := m[k].(type) {
		case nil:
		case []any:
			val.kind = fmList
			val.list = make([]fmItem, 0, len(v))
			for _, item := range v {
				if s, ok := tomlScalar(item); ok {
					val.list = append(val.list, fmItem{text: s, line: val.line, ok: true})
				} else {
					val.list = append(val.list, fmItem{line: val.line})
				}
			}
		case map[string]any:
			val.kind, val.other = fmOther, "a table"
		case bool:
			val.kind, val.b, val.text = fmBool, v, strconv.FormatBool(v)
		default:
			s, ok := tomlScalar(v)
			if !ok {
				val.kind, val.other = fmOther, fmt.Sprintf("%T", v)
				break
			}
			val.kind, val.text = fmText, s
		}
		fm[key] = val
	}
	return fm, nil
}

// tomlScalar turns a TOML value into text as a reader would write it;
// dates keep their offset only when they had one.
func tomlScalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case int64:
		return strconv.FormatInt(v, 10), true
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64), true
	case bool:
		return strconv.FormatBool(v), true
	case time.Time:
		return v.Format(time.RFC3339Nano), true
	case toml.LocalDate:
		return v.String(), true
	case toml.LocalDateTime:
		return v.String(), true
	case toml.LocalTime:
		return v.String(), true
	}
	return "", false
}

// tomlKeyLines finds the line (counted from the first line of header) of
// each top-level key, for messages. TOML parsers do not report them.
func tomlKeyLines(header string) map[string]int {
	lines := map[string]int{}
	for n, line := range strings.Split(header, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasPrefix(line, "[") {
			break // a table: the top-level keys are over
		}
		key, _, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		key = strings.Trim(strings.TrimSpace(key), `"'`)
		key = strings.ToLower(key)
		if _, seen := lines[key]; !seen && key != "" {
			lines[key] = n + 1
		}
	}
	return lines
}

// tomlDateError explains a TOML syntax error on a date line the way a YAML
// one is explained: TOML rejects 2017-05-29T24:12:00 itself, with a message
// that does not name the value.
func tomlDateError(header string, line int) (key, msg string, ok bool) {
	lines := strings.Split(header, "\n")
	if line < 1 || line > len(lines) {
		return "", "", false
	}
	k, v, found := strings.Cut(lines[line-1], "=")
	if !found {
		return "", "", false
	}
	k = strings.ToLower(strings.Trim(strings.TrimSpace(k), `"'`))
	if !slices.Contains(dateKeys, k) {
		return "", "", false
	}
	v, _, _ = strings.Cut(v, "#")
	v = strings.TrimSpace(v)
	if v == "" || v[0] < '0' || v[0] > '9' {
		return "", "", false
	}
	if _, err := parseLenientDate(v, time.UTC); err != nil {
		return k, fmt.Sprintf("%q: %v", v, err), true
	}
	return "", "", false
}

// dateKeys are the keys that hold dates, in every spelling we read.
var dateKeys = []string{"date", "publishdate", "pubdate", "published", "updated", "last_modified_at",
	"lastmod", "modified", "expirydate", "unpublishdate"}

// parseBool reads the spellings of true and false that YAML 1.1 (which
// Jekyll uses) accepts.
func parseBool(s string) (value, ok bool) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

// textValue returns a scalar value as text; lists and maps are an error naming
// the key.
func (v fmValue) textValue(key string) (string, error) {
	switch v.kind {
	case fmNone:
		return "", nil
	case fmText, fmBool:
		return v.text, nil
	case fmList:
		if len(v.list) == 1 && v.list[0].ok {
			return v.list[0].text, nil
		}
		return "", &fmError{line: v.line, msg: fmt.Sprintf("%s: expected text, found a list: write it as %s: \"...\"", key, key)}
	}
	return "", &fmError{line: v.line, msg: fmt.Sprintf("%s: expected text, found %s: write it as %s: \"...\"", key, v.other, key)}
}

// boolValue reads a true/false setting.
func (v fmValue) boolValue(key string) (bool, error) {
	switch v.kind {
	case fmNone:
		return false, nil
	case fmBool:
		return v.b, nil
	case fmText:
		if b, ok := parseBool(v.text); ok {
			return b, nil
		}
	}
	return false, &fmError{line: v.line, msg: fmt.Sprintf("%s: expected true or false, found %s", key, v.describe())}
}

func (v fmValue) describe() string {
	switch v.kind {
	case fmText, fmBool:
		return strconv.Quote(v.text)
	case fmList:
		return "a list"
	}
	return v.other
}

// words reads tags or categories: a list, or one string. split says whether
// a string holds several words (Jekyll's "tags: go ssh"); commas between
// words are dropped too ("tags: go, ssh").
func (v fmValue) words(key string, split bool) ([]string, error) {
	switch v.kind {
	case fmNone:
		return nil, nil
	case fmText, fmBool:
		if !split {
			return []string{v.text}, nil
		}
		return strings.FieldsFunc(v.text, func(r rune) bool {
			return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\u00a0' || r == '\u3000'
		}), nil
	case fmList:
		out := make([]string, 0, len(v.list))
		for _, it := range v.list {
			if !it.ok {
				return nil, &fmError{line: it.line, msg: fmt.Sprintf("%s: expected words, found a nested list or map: write %s: [go, ssh]", key, key)}
			}
			out = append(out, it.text)
		}
		return out, nil
	}
	return nil, &fmError{line: v.line, msg: fmt.Sprintf("%s: expected a list like [go, ssh] or words separated by spaces, found %s", key, v.other)}
}

// rawFrontMatter decodes a front matter header (lang "yaml" or "toml", as
// splitFrontMatter returns) into plain Go values, keys as written, for
// Liquid's page.*. YAML dates are times, as in Jekyll. A header that does
// not decode gives nil: decodeFrontMatter reports it.
func rawFrontMatter(lang, header string) map[string]any {
	header = strings.ReplaceAll(header, "\ufeff", "")
	if strings.TrimSpace(header) == "" {
		return nil
	}
	var m map[string]any
	switch lang {
	case "yaml":
		if yaml.Unmarshal([]byte(header), &m) != nil {
			return nil
		}
	case "toml":
		if toml.Unmarshal([]byte(header), &m) != nil {
			return nil
		}
	default:
		return nil
	}
	return plainMap(m, 0)
}

// plainMap makes nested maps map[string]any (YAML gives map[any]any for
// keys that are not text), which Liquid reads alike.
func plainMap(m map[string]any, depth int) map[string]any {
	for k, v := range m {
		m[k] = plainValue(v, depth+1)
	}
	return m
}

func plainValue(v any, depth int) any {
	if depth > 64 {
		return nil
	}
	switch v := v.(type) {
	case map[string]any:
		return plainMap(v, depth)
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[fmt.Sprint(k)] = plainValue(x, depth+1)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = plainValue(x, depth+1)
		}
		return v
	case toml.LocalDate:
		return v.AsTime(time.UTC)
	case toml.LocalDateTime:
		return v.AsTime(time.UTC)
	}
	return v
}
