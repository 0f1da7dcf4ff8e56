package locale

import (
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// Every catalogue gives every message itself: a missing one would show
// English in the middle of Korean.
func TestCataloguesComplete(t *testing.T) {
	for lang := range catalogues {
		if lang == "en" {
			continue
		}
		if m := missing[lang]; len(m) > 0 {
			t.Errorf("%s: no translation for %v (add them to %s.go)", lang, m, lang)
		}
	}
	var empty []string
	walk(reflect.ValueOf(en), "", func(name string, v reflect.Value) {
		if v.String() == "" {
			empty = append(empty, name)
		}
	})
	if len(empty) > 0 {
		t.Errorf("en: empty messages %v", empty)
	}
}

// verb is a fmt verb, with an optional argument index.
var verb = regexp.MustCompile(`%(?:\[(\d+)\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

// verbs is the verb each argument gets, in argument order, so that a
// translation may reorder them.
func verbs(s string) []string {
	var out []string
	arg := 0
	for _, m := range verb.FindAllStringSubmatch(s, -1) {
		if m[2] == "%" {
			continue
		}
		if m[1] != "" {
			arg, _ = strconv.Atoi(m[1])
			arg--
		}
		for len(out) <= arg {
			out = append(out, "")
		}
		out[arg] = m[2]
		arg++
	}
	return out
}

// A translation takes the same arguments as the English: fmt would print
// %!d(MISSING) or %!(EXTRA ...) to the reader otherwise.
func TestFormatVerbsMatchEnglish(t *testing.T) {
	for lang, m := range catalogues {
		walk(reflect.ValueOf(*m), "", func(name string, v reflect.Value) {
			want := verbs(field(reflect.ValueOf(en), name).String())
			if name == "Lang" || name == "Name" || strings.HasSuffix(name, ".One") && v.String() == "" {
				return
			}
			if got := verbs(v.String()); !slices.Equal(got, want) {
				t.Errorf("%s.%s = %q: verbs %v, English has %v", lang, name, v.String(), got, want)
			}
		})
	}
}

func TestVerbs(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want []string
	}{
		{"%d post", []string{"d"}},
		{"%s of %s", []string{"s", "s"}},
		{"%[2]s 중 %[1]s", []string{"s", "s"}},
		{"%[3]d개 중 %[1]d–%[2]d", []string{"d", "d", "d"}},
		{"100%% %q", []string{"q"}},
		{"plain", nil},
	} {
		if got := verbs(tc.s); !slices.Equal(got, tc.want) {
			t.Errorf("verbs(%q) = %v, want %v", tc.s, got, tc.want)
		}
	}
}

func walk(v reflect.Value, name string, f func(string, reflect.Value)) {
	switch v.Kind() {
	case reflect.String:
		f(name, v)
	case reflect.Struct:
		for i := range v.NumField() {
			n := v.Type().Field(i).Name
			if name != "" {
				n = name + "." + n
			}
			walk(v.Field(i), n, f)
		}
	}
}

func field(v reflect.Value, name string) reflect.Value {
	for _, part := range strings.Split(name, ".") {
		v = v.FieldByName(part)
	}
	return v
}

func TestFor(t *testing.T) {
	for _, tc := range []struct{ lang, want string }{
		{"ko", "ko"},
		{"ko_KR.UTF-8", "ko"},
		{"KO-kr", "ko"},
		{"en_US.UTF-8", "en"},
		{"fr_FR", "en"},
		{"C", "en"},
		{"POSIX", "en"},
		{"", "en"},
	} {
		if got := For(tc.lang).Lang; got != tc.want {
			t.Errorf("For(%q) = %s, want %s", tc.lang, got, tc.want)
		}
	}
}

// LC_ALL overrides LC_MESSAGES, which overrides LANG; an empty one does
// not count; nonsense and overlong values choose nothing.
func TestFromEnv(t *testing.T) {
	long := "ko_" + string(make([]byte, 80))
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{nil, ""},
		{[]string{"LANG=ko_KR.UTF-8"}, "ko_KR.UTF-8"},
		{[]string{"LANG=en_US.UTF-8", "LC_MESSAGES=ko_KR.UTF-8"}, "ko_KR.UTF-8"},
		{[]string{"LC_ALL=en_GB.UTF-8", "LC_MESSAGES=ko_KR.UTF-8", "LANG=ko_KR.UTF-8"}, "en_GB.UTF-8"},
		{[]string{"LC_ALL=", "LANG=ko_KR.UTF-8"}, "ko_KR.UTF-8"},
		{[]string{"LC_CTYPE=ko_KR.UTF-8"}, ""}, // not the language of messages
		{[]string{"LANG=ko\x1b[2J"}, ""},
		{[]string{"LANG=" + long}, ""},
		{[]string{"LANG=sr_RS@latin"}, "sr_RS@latin"},
	} {
		if got := FromEnv(tc.env); got != tc.want {
			t.Errorf("FromEnv(%q) = %q, want %q", tc.env, got, tc.want)
		}
	}
}

func TestPlural(t *testing.T) {
	if got := For("en").Posts.N(1); got != "1 post" {
		t.Errorf("en 1: %q", got)
	}
	if got := For("en").Posts.N(2); got != "2 posts" {
		t.Errorf("en 2: %q", got)
	}
	if got := For("ko").Posts.N(1); got != "글 1개" {
		t.Errorf("ko 1: %q", got)
	}
}
