package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	// The site's time zone must not depend on the zone files of the host
	// sshblog happens to run on (a distroless image has none).
	_ "time/tzdata"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
	"go.yaml.in/yaml/v3"
)

// maxConfigSize bounds one config file: real ones are a few KB.
const maxConfigSize = 1 << 20

// hugoMarkdownExt are the extensions Hugo 0.111 reads as Markdown
// (checked with a real build: .mkdn, .mkd and .mkdown are not pages).
var hugoMarkdownExt = []string{"md", "markdown", "mdown"}

// ReadSite reads the site's own config at the root of fsys and tells what
// kind of folder it is. Jekyll: _config.yml, else _config.yaml, else
// _config.toml (Jekyll's own order). Hugo: hugo.{toml,yaml,yml,json}, else
// config.{toml,yaml,yml,json}, merged with config/_default/*, then
// config/production/* (what `hugo` builds), as Hugo does. A folder with none
// of these but a _posts/ subfolder is a Jekyll site without config;
// otherwise a posts folder.
//
// A broken config (syntax error, unknown time zone, wrong type) is a problem
// naming the file and line and what to do; the site still gets every
// setting that could be read and defaults for the rest: a bad config never
// takes the blog down. Every problem is a warning.
func ReadSite(fsys fs.FS) (*Site, []*ParseError) {
	for _, name := range []string{"_config.yml", "_config.yaml", "_config.toml"} {
		if isFile(fsys, name) {
			return readJekyll(fsys, name)
		}
	}
	if s, probs, ok := readHugo(fsys); ok {
		return s, probs
	}
	if isDir(fsys, "_posts") {
		return readJekyll(fsys, "")
	}
	return &Site{Kind: PostsFolder}, nil
}

func isFile(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.Mode().IsRegular()
}

func isDir(fsys fs.FS, name string) bool {
	fi, err := fs.Stat(fsys, name)
	return err == nil && fi.IsDir()
}

// cfgLoc is where a config key was written.
type cfgLoc struct {
	path string
	line int
}

// cfg is a decoded config (possibly merged from several files) and where
// each key was written, keyed by cfgKey.
type cfg struct {
	val   map[string]any
	where map[string]cfgLoc
	fold  bool   // Hugo: keys are lower-cased, so lookups are too
	path  string // the file a problem without a key of its own is about
	probs []*ParseError
}

// cfgKey joins a key path; \x1f cannot be part of a key anyone writes.
func cfgKey(keys []string) string { return strings.Join(keys, "\x1f") }

func (c *cfg) problem(keys []string, format string, args ...any) {
	loc := cfgLoc{path: c.path}
	k := cfgKey(keys)
	if c.fold {
		k = strings.ToLower(k)
	}
	for n := len(keys); n > 0; n-- {
		if l, ok := c.where[cfgKey(strings.Split(k, "\x1f")[:n])]; ok {
			loc = l
			break
		}
	}
	c.probs = append(c.probs, &ParseError{Path: loc.path, Line: loc.line, Warning: true, Msg: fmt.Sprintf(format, args...)})
}

// lookup finds the value at a key path ("params", "author").
func (c *cfg) lookup(keys ...string) (any, bool) {
	var v any = c.val
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if c.fold {
			k = strings.ToLower(k)
		}
		if v, ok = m[k]; !ok {
			return nil, false
		}
	}
	return v, true
}

// name is a key path as the operator would write it in the config.
func (c *cfg) name(keys []string) string { return strings.Join(keys, ".") }

// str reads a text setting; numbers and booleans are taken as written
// (Jekyll prints them). A list or a map is a problem.
func (c *cfg) str(keys ...string) string {
	v, ok := c.lookup(keys...)
	if !ok || v == nil {
		return ""
	}
	switch v := v.(type) {
	case string:
		return v
	case bool, int, int64, uint64, float64, json.Number:
		return fmt.Sprint(v)
	}
	c.problem(keys, "%s is %s: it should be a text, in quotes; it is ignored", c.name(keys), describe(v))
	return ""
}

// boolean reads a yes/no setting. YAML 1.1's yes/no/on/off are
// accepted, as Jekyll's YAML reads them.
func (c *cfg) boolean(keys ...string) bool {
	v, ok := c.lookup(keys...)
	if !ok || v == nil {
		return false
	}
	switch v := v.(type) {
	case bool:
		return v
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true", "yes", "on":
			return true
		case "false", "no", "off", "":
			return false
		}
	}
	c.problem(keys, "%s is %s: it should be true or false; taken as false", c.name(keys), describe(v))
	return false
}

func (c *cfg) integer(keys ...string) int {
	v, ok := c.lookup(keys...)
	if !ok || v == nil {
		return 0
	}
	switch v := v.(type) {
	case int:
		return v
	case int64:
		if v > math.MinInt32 && v < math.MaxInt32 {
			return int(v)
		}
	case uint64:
		if v < math.MaxInt32 {
			return int(v)
		}
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < math.MaxInt32 {
			return int(v)
		}
	case string:
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil {
			return n
		}
	}
	c.problem(keys, "%s is %s: it should be a whole number; taken as 0", c.name(keys), describe(v))
	return 0
}

// zone reads a time zone setting. An unknown zone is a problem; dates are
// then UTC, as they are without one.
func (c *cfg) zone(keys ...string) (string, *time.Location) {
	name := strings.TrimSpace(c.str(keys...))
	if name == "" {
		return "", nil
	}
	// "Local" would be the zone of the host sshblog runs on, not the site's.
	if name != "Local" {
		if loc, err := time.LoadLocation(name); err == nil {
			return name, loc
		}
	}
	c.problem(keys, "%s %q is not a time zone: use a name from the tz database such as \"Asia/Seoul\", \"Europe/Berlin\" or \"UTC\"; dates are shown in UTC until then", c.name(keys), name)
	return "", nil
}

// describe names the kind of a decoded value for a problem.
func describe(v any) string {
	switch v := v.(type) {
	case map[string]any:
		return "a map"
	case []any:
		return "a list"
	case string:
		return fmt.Sprintf("%q", v)
	case nil:
		return "empty"
	}
	return fmt.Sprintf("%v", v)
}

// readJekyll reads a Jekyll site's config; name is "" for a site without one.
func readJekyll(fsys fs.FS, name string) (*Site, []*ParseError) {
	c := &cfg{val: map[string]any{}, where: map[string]cfgLoc{}, path: name}
	if name != "" {
		c.merge(nil, readConfigFile(fsys, name, false))
	}
	s := &Site{Kind: Jekyll, Config: name, Params: c.val}
	s.Title = c.str("title")
	s.Description = c.str("description")
	if v, _ := c.lookup("author"); v != nil {
		if _, ok := v.(map[string]any); ok {
			s.Author = c.str("author", "name")
		} else {
			s.Author = c.str("author")
		}
	}
	base := strings.TrimRight(c.str("baseurl"), "/")
	if base != "" && !strings.HasPrefix(base, "/") {
		// relative_url puts a slash before the base path, whether written or not.
		base = "/" + base
	}
	s.BaseURL = base
	if u := c.str("url"); u != "" {
		s.URL = strings.TrimRight(u, "/") + base
	}
	s.TimeZone, s.Location = c.zone("timezone")
	s.Future = c.boolean("future")
	s.MarkdownExt = defaultMarkdownExt
	if _, ok := c.lookup("markdown_ext"); ok {
		var exts []string
		for _, e := range strings.Split(c.str("markdown_ext"), ",") {
			if e = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(e), ".")); e != "" {
				exts = append(exts, e)
			}
		}
		if len(exts) > 0 {
			s.MarkdownExt = exts
		}
	}
	s.DefaultLanguage = c.str("lang")
	for _, key := range []string{"plugins", "gems"} { // gems: Jekyll 2's name
		if list, ok := c.val[key].([]any); ok {
			for _, v := range list {
				if v == "jemoji" {
					s.Emoji = true
				}
			}
		}
	}
	s.Permalink = "date"
	if p := c.str("permalink"); p != "" {
		s.Permalink = p
	}
	return s, c.probs
}

// readHugo reads a Hugo site's config: the root file, then config/_default,
// then config/production over it. ok is false when there is none.
func readHugo(fsys fs.FS) (s *Site, probs []*ParseError, ok bool) {
	c := &cfg{val: map[string]any{}, where: map[string]cfgLoc{}, fold: true}
	exts := []string{"toml", "yaml", "yml", "json"}
	root := ""
	for _, base := range []string{"hugo", "config"} {
		for _, ext := range exts {
			if name := base + "." + ext; root == "" && isFile(fsys, name) {
				root = name
			}
		}
	}
	if root != "" {
		c.path = root
		c.merge(nil, readConfigFile(fsys, root, true))
	}
	dirs := 0
	for _, dir := range []string{"config/_default", "config/production"} {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			continue
		}
		dirs++
		// The root files of the folder first, so that params.toml and the
		// like win over a [params] table in it.
		sort.SliceStable(entries, func(i, j int) bool {
			return isRootConfig(entries[i].Name()) && !isRootConfig(entries[j].Name())
		})
		for _, e := range entries {
			name, ext, ok := strings.Cut(e.Name(), ".")
			if !ok || !e.Type().IsRegular() {
				continue
			}
			lang := ""
			if l, x, ok := strings.Cut(ext, "."); ok {
				lang, ext = strings.ToLower(l), x
			}
			if !isConfigExt(ext) {
				continue
			}
			file := dir + "/" + e.Name()
			if c.path == "" {
				c.path = file
			}
			var prefix []string
			switch name = strings.ToLower(name); {
			case lang != "" && name != "hugo" && name != "config":
				prefix = []string{"languages", lang, name}
			case name == "hugo" || name == "config":
			default:
				prefix = []string{name}
			}
			c.merge(prefix, readConfigFile(fsys, file, true))
		}
	}
	if root == "" && dirs == 0 {
		return nil, nil, false
	}
	s = &Site{Kind: Hugo, Config: c.path, Params: c.val}
	s.Title = c.str("title")
	s.Description = c.str("params", "description")
	if s.Description == "" {
		s.Description = c.str("description")
	}
	switch v, _ := c.lookup("params", "author"); v.(type) {
	case nil:
		switch v, _ := c.lookup("author"); v.(type) {
		case nil:
		case map[string]any:
			s.Author = c.str("author", "name")
		default:
			s.Author = c.str("author")
		}
	case map[string]any:
		s.Author = c.str("params", "author", "name")
	default:
		s.Author = c.str("params", "author")
	}
	s.URL = c.str("baseURL")
	s.TimeZone, s.Location = c.zone("timeZone")
	s.Future = c.boolean("buildFuture")
	s.Emoji = c.boolean("enableEmoji")
	s.MarkdownExt = hugoMarkdownExt
	s.DefaultLanguage = strings.ToLower(c.str("defaultContentLanguage"))
	if s.DefaultLanguage == "" {
		s.DefaultLanguage = "en"
	}
	s.Languages = hugoLanguages(c)
	return s, c.probs, true
}

func isRootConfig(file string) bool {
	name, _, _ := strings.Cut(strings.ToLower(file), ".")
	return name == "hugo" || name == "config"
}

func isConfigExt(ext string) bool {
	switch strings.ToLower(ext) {
	case "toml", "yaml", "yml", "json":
		return true
	}
	return false
}

// hugoLanguages are the [languages.X] of a Hugo config, in Hugo's order:
// by weight (a language without one last), then by code.
func hugoLanguages(c *cfg) []Language {
	v, _ := c.lookup("languages")
	m, ok := v.(map[string]any)
	if !ok {
		if v != nil {
			c.problem([]string{"languages"}, "languages is %s: it should be a table of languages, such as [languages.en]; ignored", describe(v))
		}
		return nil
	}
	var langs []Language
	for code, lv := range m {
		if _, ok := lv.(map[string]any); !ok {
			c.problem([]string{"languages", code}, "languages.%s is %s: it should be a table, such as [languages.%s] with languageName and weight; ignored", code, describe(lv), code)
			continue
		}
		l := Language{
			Code:       code,
			Name:       c.str("languages", code, "languageName"),
			Title:      c.str("languages", code, "title"),
			Weight:     c.integer("languages", code, "weight"),
			ContentDir: strings.Trim(path.Clean("/"+c.str("languages", code, "contentDir")), "/"),
		}
		if l.Description = c.str("languages", code, "params", "description"); l.Description == "" {
			l.Description = c.str("languages", code, "description")
		}
		langs = append(langs, l)
	}
	sort.Slice(langs, func(i, j int) bool {
		wi, wj := langs[i].Weight, langs[j].Weight
		if wi == wj {
			return langs[i].Code < langs[j].Code
		}
		return wj == 0 || (wi != 0 && wi < wj)
	})
	return langs
}

// cfgFile is one decoded config file.
type cfgFile struct {
	path  string
	val   map[string]any
	lines map[string]int // by cfgKey
	probs []*ParseError
}

// merge lays a file's settings over c's at prefix, maps merged deeply as
// Hugo merges its config files.
func (c *cfg) merge(prefix []string, f cfgFile) {
	c.probs = append(c.probs, f.probs...)
	for k, line := range f.lines {
		full := k
		if len(prefix) > 0 {
			full = cfgKey(prefix)
			if k != "" {
				full += "\x1f" + k
			}
		}
		c.where[full] = cfgLoc{f.path, line}
	}
	if f.val == nil {
		return
	}
	dst := c.val
	for i, k := range prefix {
		sub, ok := dst[k].(map[string]any)
		if !ok {
			sub = map[string]any{}
			dst[k] = sub
		}
		if i == len(prefix)-1 {
			// The whole file is this key: it has no line of its own.
			if _, ok := c.where[cfgKey(prefix)]; !ok {
				c.where[cfgKey(prefix)] = cfgLoc{f.path, 0}
			}
		}
		dst = sub
	}
	mergeMaps(dst, f.val)
}

func mergeMaps(dst, src map[string]any) {
	for k, v := range src {
		if sm, ok := v.(map[string]any); ok {
			if dm, ok := dst[k].(map[string]any); ok {
				mergeMaps(dm, sm)
				continue
			}
		}
		dst[k] = v
	}
}

// readConfigFile reads and decodes one config file, bounded. fold lower-
// cases every key, as Hugo does.
func readConfigFile(fsys fs.FS, name string, fold bool) cfgFile {
	f := cfgFile{path: name, lines: map[string]int{}}
	fail := func(line int, format string, args ...any) cfgFile {
		f.probs = append(f.probs, &ParseError{Path: name, Line: line, Warning: true, Msg: fmt.Sprintf(format, args...)})
		return f
	}
	b, err := readBounded(fsys, name, maxConfigSize)
	if err != nil {
		return fail(0, "%v; the site's settings from it are not read", err)
	}
	b = bytes.TrimPrefix(b, utf8BOM)
	var v any
	var line int
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".toml":
		v, line, err = decodeConfigTOML(b, f.lines)
	case ".json":
		v, line, err = decodeConfigJSON(b, f.lines)
	default:
		v, line, err = decodeConfigYAML(b, f.lines, func(line int, msg string) { fail(line, "%s", msg) })
	}
	if err != nil {
		return fail(line, "%v: fix the file; until then the site's settings from it are not read", err)
	}
	v = normalize(v, fold)
	switch m := v.(type) {
	case map[string]any:
		f.val = m
	case nil:
		f.val = map[string]any{}
	default:
		return fail(1, "the config is %s, not settings such as title: ...; it is not read", describe(v))
	}
	if fold {
		lower := make(map[string]int, len(f.lines))
		for k, l := range f.lines {
			lower[strings.ToLower(k)] = l
		}
		f.lines = lower
	}
	return f
}

// readBounded reads a file of at most max bytes.
func readBounded(fsys fs.FS, name string, max int64) ([]byte, error) {
	fh, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	b, err := io.ReadAll(io.LimitReader(fh, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("the file is over %d KB, more than a config or data file ever needs", max>>10)
	}
	return b, nil
}

var (
	yamlLineRE     = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	yamlTypeLineRE = regexp.MustCompile(`^line (\d+): (.*)$`)
)

// decodeConfigYAML decodes YAML, recording each key's line. A key written twice
// is a problem, and the last one counts, as in Jekyll's YAML.
func decodeConfigYAML(b []byte, lines map[string]int, warn func(line int, msg string)) (any, int, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
			n, _ := strconv.Atoi(m[1])
			return nil, n, errors.New("YAML: " + m[2])
		}
		return nil, 0, errors.New(strings.Replace(err.Error(), "yaml: ", "YAML: ", 1))
	}
	if len(doc.Content) == 0 {
		return nil, 0, nil
	}
	dedupYAML(doc.Content[0], warn, 0)
	yamlLines(doc.Content[0], nil, lines)
	var v any
	if err := doc.Content[0].Decode(&v); err != nil {
		var te *yaml.TypeError
		if errors.As(err, &te) && len(te.Errors) > 0 {
			if m := yamlTypeLineRE.FindStringSubmatch(te.Errors[0]); m != nil {
				n, _ := strconv.Atoi(m[1])
				return nil, n, errors.New("YAML: " + m[2])
			}
		}
		return nil, doc.Line, err
	}
	return v, 0, nil
}

// dedupYAML keeps the last of keys written twice in a mapping.
func dedupYAML(n *yaml.Node, warn func(int, string), depth int) {
	if n == nil || depth > 100 {
		return
	}
	if n.Kind == yaml.MappingNode {
		last := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Tag != "!!merge" {
				last[k.Value] = i
			}
		}
		kept := n.Content[:0:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if j, ok := last[k.Value]; ok && k.Kind == yaml.ScalarNode && j != i {
				warn(k.Line, fmt.Sprintf("%s is set again at line %d; this one is ignored, as Jekyll does: remove one", k.Value, n.Content[j].Line))
				continue
			}
			kept = append(kept, k, n.Content[i+1])
		}
		n.Content = kept
	}
	for _, c := range n.Content {
		dedupYAML(c, warn, depth+1)
	}
}

func yamlLines(n *yaml.Node, keys []string, lines map[string]int) {
	if n.Kind != yaml.MappingNode || len(keys) > 20 {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := append(keys[:len(keys):len(keys)], n.Content[i].Value)
		lines[cfgKey(k)] = n.Content[i].Line
		yamlLines(n.Content[i+1], k, lines)
	}
}

// decodeConfigTOML decodes TOML, recording the line of each key and table.
func decodeConfigTOML(b []byte, lines map[string]int) (any, int, error) {
	var v map[string]any
	if err := toml.Unmarshal(b, &v); err != nil {
		var de *toml.DecodeError
		if errors.As(err, &de) {
			row, _ := de.Position()
			return nil, row, fmt.Errorf("TOML: %s", de.Error())
		}
		return nil, 0, fmt.Errorf("TOML: %v", err)
	}
	p := unstable.Parser{}
	p.Reset(b)
	var table []string
	keyOf := func(it unstable.Iterator) ([]string, int) {
		var ks []string
		line := 0
		for it.Next() {
			n := it.Node()
			if line == 0 {
				line = p.Shape(n.Raw).Start.Line
			}
			ks = append(ks, string(n.Data))
		}
		return ks, line
	}
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			ks, line := keyOf(e.Key())
			table = ks
			if _, ok := lines[cfgKey(ks)]; !ok {
				lines[cfgKey(ks)] = line
			}
		case unstable.KeyValue:
			ks, line := keyOf(e.Key())
			lines[cfgKey(append(table[:len(table):len(table)], ks...))] = line
		}
	}
	return v, 0, nil
}

// decodeConfigJSON decodes JSON; key lines come from reading the same text as
// YAML, of which JSON is a subset.
func decodeConfigJSON(b []byte, lines map[string]int) (any, int, error) {
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, 1 + bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n")), fmt.Errorf("JSON: %v", err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, 1 + bytes.Count(b[:min(int(te.Offset), len(b))], []byte("\n")), fmt.Errorf("JSON: %v", err)
		}
		return nil, 0, fmt.Errorf("JSON: %v", err)
	}
	var doc yaml.Node
	if yaml.Unmarshal(b, &doc) == nil && len(doc.Content) > 0 {
		yamlLines(doc.Content[0], nil, lines)
	}
	return v, 0, nil
}

// normalize makes every map a map[string]any (YAML allows other keys), so
// that Liquid and lookups see one kind of map; fold lower-cases keys.
func normalize(v any, fold bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if fold {
				k = strings.ToLower(k)
			}
			out[k] = normalize(e, fold)
		}
		return out
	case map[any]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			ks := fmt.Sprint(k)
			if fold {
				ks = strings.ToLower(ks)
			}
			out[ks] = normalize(e, fold)
		}
		return out
	case []any:
		for i, e := range v {
			v[i] = normalize(e, fold)
		}
		return v
	case []map[string]any: // go-toml's arrays of tables
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = normalize(e, fold)
		}
		return out
	}
	return v
}

// postDirs are the folders below the site root whose Markdown files are
// posts. Jekyll: every _posts folder (the root's and <category>/_posts, below
// collections_dir when set), and the _drafts beside each when drafts is set,
// walking the folders Jekyll reads (not _*, .*, #*, *~, nor the config's
// exclude and Jekyll's default excludes, unless listed in include). Hugo: the
// contentDir ("content" by default) unless every language has its own, and
// each language's contentDir; a folder inside another listed one is left
// out. A posts folder: ".". Only folders that exist are listed.
func (s *Site) postDirs(fsys fs.FS, drafts bool) []string {
	switch s.Kind {
	case Jekyll:
		return s.jekyllPostDirs(fsys, drafts)
	case Hugo:
		return s.hugoPostDirs(fsys)
	}
	return []string{"."}
}

// jekyllDefaultExcludes are Jekyll 4.3's Configuration::DEFAULT_EXCLUDES,
// added to every site's exclude list.
var jekyllDefaultExcludes = []string{".sass-cache", ".jekyll-cache", "gemfiles", "Gemfile", "Gemfile.lock",
	"node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/", "vendor/ruby/"}

// maxSiteDirs bounds the folders walked to find _posts.
const maxSiteDirs = 10000

func (s *Site) jekyllPostDirs(fsys fs.FS, drafts bool) []string {
	list := func(key string) []string {
		var out []string
		switch v := s.Params[key].(type) {
		case []any:
			for _, e := range v {
				if str, ok := e.(string); ok {
					out = append(out, str)
				}
			}
		case string:
			out = append(out, v)
		}
		return out
	}
	exclude := append(list("exclude"), jekyllDefaultExcludes...)
	exclude = append(exclude, "_site") // the destination is never read
	include := list("include")
	collections, _ := s.Params["collections_dir"].(string)
	collections = strings.Trim(path.Clean("/"+collections), "/")

	var dirs []string
	queue := []string{"."}
	for seen := 0; len(queue) > 0 && seen < maxSiteDirs; seen++ {
		dir := queue[0]
		queue = queue[1:]
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			continue
		}
		inCollections := collections == "" || dir == collections || strings.HasPrefix(dir, collections+"/")
		for _, e := range entries {
			if !e.IsDir() {
				continue
			}
			rel := path.Join(dir, e.Name())
			switch name := e.Name(); {
			case name == "_posts" || (drafts && name == "_drafts"):
				if inCollections && !jekyllMatch(exclude, rel, include) {
					dirs = append(dirs, rel)
				}
			case strings.ContainsAny(name[:1], "._#~") || strings.HasSuffix(name, "~"):
				if jekyllMatch(include, rel, nil) && !jekyllMatch(exclude, rel, include) {
					queue = append(queue, rel)
				}
			default:
				if !jekyllMatch(exclude, rel, include) {
					queue = append(queue, rel)
				}
			}
		}
	}
	sort.Strings(dirs)
	return dirs
}

// jekyllMatch reports whether rel (a folder) matches one of patterns as
// Jekyll's EntryFilter#glob_include? matches: a glob, a prefix, or the
// pattern with a trailing slash. A match that is also in unless does not
// count (Jekyll takes include out of exclude).
func jekyllMatch(patterns []string, rel string, unless []string) bool {
	for _, p := range patterns {
		p = strings.TrimPrefix(p, "/")
		ok, _ := path.Match(p, rel)
		if ok || strings.HasPrefix(rel, p) || p == rel+"/" {
			if unless != nil && jekyllMatch(unless, rel, nil) {
				return false
			}
			return true
		}
	}
	return false
}

func (s *Site) hugoPostDirs(fsys fs.FS) []string {
	clean := func(d string) string { return strings.Trim(path.Clean("/"+d), "/") }
	main := "content"
	if d, ok := s.Params["contentdir"].(string); ok && clean(d) != "" {
		main = clean(d)
	}
	var cands []string
	shared := len(s.Languages) == 0
	for _, l := range s.Languages {
		if l.ContentDir == "" {
			shared = true
		}
	}
	if shared {
		cands = append(cands, main)
	}
	for _, l := range s.Languages {
		if l.ContentDir != "" {
			cands = append(cands, l.ContentDir)
		}
	}
	var dirs []string
outer:
	for _, d := range cands {
		for _, o := range cands {
			if o != d && strings.HasPrefix(d, o+"/") {
				continue outer
			}
		}
		for _, o := range dirs {
			if o == d {
				continue outer
			}
		}
		if isDir(fsys, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}
