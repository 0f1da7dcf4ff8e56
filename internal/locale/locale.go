// Package locale holds the interface's text, one catalogue per language,
// and picks the catalogue for an SSH client's locale.
//
// A catalogue is a Messages value: a struct rather than a table keyed by
// strings (or golang.org/x/text/message, whose catalogue is keyed by the
// English text and wants the gotext tool to extract and merge it), so
// that a misspelt key does not compile, every string the interface shows
// is listed in one place, and a language is one file: a Messages literal
// registered in init. A field the literal leaves empty falls back to
// English; messages_test.go checks that Korean leaves none empty and that
// each keeps the English format verbs.
package locale

import (
	"fmt"
	"reflect"
	"strings"
)

// Plural is a message that depends on a count, formatted with it ("%d
// posts"). One is for exactly one; languages without a singular form (Korean)
// give Other only.
type Plural struct {
	One, Other string
}

// N is the message for n.
func (p Plural) N(n int) string {
	s := p.Other
	if n == 1 && p.One != "" {
		s = p.One
	}
	return fmt.Sprintf(s, n)
}

// english is the fallback of every other catalogue.
var english = &en

// catalogues are the languages by code; each language's file adds itself
// in init (see register).
var catalogues = map[string]*Messages{"en": english}

// register adds a language's catalogue, its empty fields filled from
// English (package variables, en among them, are set before any init).
func register(m *Messages) {
	missing[m.Lang] = fill(reflect.ValueOf(m).Elem(), reflect.ValueOf(english).Elem(), "")
	catalogues[m.Lang] = m
}

// missing names, per language, the messages its catalogue left to English.
var missing = map[string][]string{}

// fill copies into dst every string of src that dst leaves empty, and
// returns the names of those it filled.
func fill(dst, src reflect.Value, name string) []string {
	var filled []string
	switch dst.Kind() {
	case reflect.String:
		if dst.String() == "" && src.String() != "" {
			dst.SetString(src.String())
			filled = append(filled, name)
		}
	case reflect.Struct:
		if dst.Type() == reflect.TypeFor[Plural]() && dst.FieldByName("Other").String() != "" {
			return nil // One stays empty where the language has no singular
		}
		for i := range dst.NumField() {
			f := dst.Type().Field(i).Name
			if name != "" {
				f = name + "." + f
			}
			filled = append(filled, fill(dst.Field(i), src.Field(i), f)...)
		}
	}
	return filled
}

// For is the catalogue for lang, a language tag or POSIX locale ("ko",
// "ko_KR.UTF-8", "en-US"); English for any language without one.
func For(lang string) *Messages {
	if m, ok := catalogues[Base(lang)]; ok {
		return m
	}
	return english
}

// English is the English catalogue, the fallback of every other.
func English() *Messages { return english }

// Base is the language part of a language tag or POSIX locale, lower
// case: "ko_KR.UTF-8" is "ko", "zh-CN" is "zh"; "C" and "POSIX" (no
// language chosen) are "".
func Base(s string) string {
	if i := strings.IndexAny(s, "_-.@"); i >= 0 {
		s = s[:i]
	}
	s = strings.ToLower(s)
	if s == "c" || s == "posix" {
		return ""
	}
	return s
}

// maxLocale bounds a locale variable read from a client: real ones
// ("ko_KR.UTF-8@euro") are a few bytes, so a longer one is ignored.
const maxLocale = 64

// FromEnv is the language of messages for a client environment ("NAME=value"
// pairs): LC_ALL, else LC_MESSAGES, else LANG, the first one set and not
// empty, as POSIX orders them. It returns the variable's value ("ko_KR.UTF-8"),
// or "" when none is set, or the one that wins is too long or not a
// locale name.
func FromEnv(env []string) string {
	var vals [3]string
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		switch k {
		case "LC_ALL":
			vals[0] = v
		case "LC_MESSAGES":
			vals[1] = v
		case "LANG":
			vals[2] = v
		}
	}
	for _, v := range vals {
		if v == "" {
			continue
		}
		if len(v) > maxLocale || !localeName(v) {
			return ""
		}
		return v
	}
	return ""
}

// localeName reports whether s looks like a locale name: letters, digits
// and the punctuation of "ko_KR.UTF-8@euro", nothing that could be shown
// to do harm.
func localeName(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
		case strings.ContainsRune("_-.@+", r):
		default:
			return false
		}
	}
	return true
}
