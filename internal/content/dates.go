package content

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Dates as Jekyll reads them (Psych's YAML timestamps, then Ruby's
// Time.parse) and as Hugo does: every form below was checked against Ruby
// 3.1 and Jekyll 4.3 (see dates_test.go).

// errNotADate is the error for text that holds no date at all.
var errNotADate = errors.New("not a date: write it as 2006-01-02 15:04:05 -0700")

// parseLenientDate reads a date the way Jekyll (Ruby's Time.parse) and Hugo
// (cast.ToTime / htime) accept, e.g. "2014-10-1 12:00:00",
// "2023-01-29 18:30:22 2023 -0800", "2017-2-5", RFC 3339, "Jan 2, 2006",
// "2 January 2006 15:04", "2017/06/11", with an optional zone (Z, +0900,
// +09:00, UTC, GMT, and well-known abbreviations only when unambiguous;
// unknown ones an error). loc is the zone of dates that give none.
//
// Like Ruby it reads d/m/yyyy ("06/11/2017" is 6 November), rolls an
// impossible day over ("2017-02-30" is 2 March, 24:00 the next day), takes
// a zone only right after the time (so the -0800 of "18:30:22 2023 -0800"
// is ignored, as Jekyll ignores it), and fails on a field out of range
// ("hour out of range").
func parseLenientDate(s string, loc *time.Location) (time.Time, error) {
	if len(s) > 200 {
		return time.Time{}, errNotADate
	}
	if loc == nil {
		loc = time.UTC
	}
	p := dateParser{toks: dateTokens(s)}
	if err := p.parse(); err != nil {
		return time.Time{}, err
	}
	if p.zone != nil {
		loc = p.zone
	}
	return time.Date(p.year, time.Month(p.month), p.day, p.hour, p.min, p.sec, p.nsec, loc), nil
}

// jekyllDate reads a front-matter date as Jekyll shows it, in the site's
// zone: a plain YAML scalar that is a YAML timestamp and gives no zone is
// UTC (Psych reads it so); any other date without a zone is in the site's
// zone. plain is false for a quoted scalar.
func jekyllDate(s string, plain bool, site *time.Location) (time.Time, error) {
	loc := site
	if plain && isYAMLTimestamp(s) {
		loc = time.UTC
	}
	t, err := parseLenientDate(s, loc)
	if err != nil {
		return t, err
	}
	return t.In(site), nil
}

// yamlTimestamp is Psych's (Ruby 3.1) ScalarScanner::TIME, with Ruby's \s.
var yamlTimestamp = regexp.MustCompile(`^-?[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t\r\n\f\v]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?(?:[ \t\r\n\f\v]*(?:Z|[-+][0-9]{1,2}:?(?:[0-9]{2})?))?$`)

// isYAMLTimestamp reports whether a plain YAML scalar matches YAML 1.1's
// timestamp regex as Psych (Ruby) resolves it: Jekyll then reads it as UTC
// when it has no zone. A date alone ("2017-06-11") is a Date to Psych, which
// Jekyll reads at midnight in the site's zone: not a timestamp here.
func isYAMLTimestamp(s string) bool {
	return !strings.Contains(s, "\n") && yamlTimestamp.MatchString(s)
}

// jekyllFileDate is Jekyll's DATE_FILENAME_MATCHER on a file's stem.
var jekyllFileDate = regexp.MustCompile(`^([0-9]{2,4}-[0-9]{1,2}-[0-9]{1,2})-(.*)$`)

// splitFileDate splits a post file stem the way Jekyll's post name regex
// does: `^(\d{2,4}-\d{1,2}-\d{1,2})-(.*)$` ("2017-2-5-i-dont-like-zeroes"
// -> "2017-2-5", "i-dont-like-zeroes"); a stem that is only a date: date,
// "" (Jekyll itself skips such a file in _posts). Anything else: "", stem.
func splitFileDate(stem string) (date, rest string) {
	if m := jekyllFileDate.FindStringSubmatch(stem); m != nil {
		return m[1], m[2]
	}
	if m := jekyllFileDate.FindStringSubmatch(stem + "-"); m != nil && m[2] == "" {
		return stem, ""
	}
	return "", stem
}

// A date's text split into numbers, words and single other characters.
type dateTok struct {
	kind  byte // 'n' number, 'w' word, else the character itself
	text  string
	space bool // blanks before it
}

func dateTokens(s string) []dateTok {
	var toks []dateTok
	space := false
	for i := 0; i < len(s); {
		c := s[i]
		j := i + 1
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			space = true
			i++
			continue
		case c >= '0' && c <= '9':
			for j < len(s) && s[j] >= '0' && s[j] <= '9' {
				j++
			}
			toks = append(toks, dateTok{'n', s[i:j], space})
		case c < 0x80 && unicode.IsLetter(rune(c)):
			for j < len(s) && s[j] < 0x80 && unicode.IsLetter(rune(s[j])) {
				j++
			}
			toks = append(toks, dateTok{'w', s[i:j], space})
		default:
			if c >= 0x80 {
				c = '?' // no date holds other letters
			}
			toks = append(toks, dateTok{c, s[i:j], space})
		}
		space = false
		i = j
	}
	return toks
}

type dateParser struct {
	toks                 []dateTok
	i                    int
	year, month, day     int
	hour, min, sec, nsec int
	hasDate, hasTime     bool
	hasYear, hasMonth    bool
	zone                 *time.Location
	afterTime            bool
}

func (p *dateParser) at(k int) dateTok {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return dateTok{}
}

// num is token k as a number of at most width digits, else -1.
func (p *dateParser) num(k, minW, maxW int) int {
	t := p.at(k)
	if t.kind != 'n' || len(t.text) < minW || len(t.text) > maxW {
		return -1
	}
	n, _ := strconv.Atoi(t.text)
	return n
}

// monthOf reads "Jan", "January", "Sept"; 0 if w is no month.
func monthOf(w string) int {
	if len(w) < 3 {
		return 0
	}
	w = strings.ToLower(w)
	for m := time.January; m <= time.December; m++ {
		if strings.HasPrefix(strings.ToLower(m.String()), w) {
			return int(m)
		}
	}
	return 0
}

func isWeekday(w string) bool {
	w = strings.ToLower(w)
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := strings.ToLower(d.String())
		if len(w) >= 3 && strings.HasPrefix(name, w) {
			return true
		}
	}
	return false
}

// zoneOffsets are the zone names read: Ruby's Time::ZoneOffset, plus
// abbreviations that name one zone only. Ambiguous ones (IST, BST, AST) are
// not here; Ruby's CST is the US one.
var zoneOffsets = map[string]int{
	"utc": 0, "ut": 0, "gmt": 0, "z": 0,
	"est": -5 * 60, "edt": -4 * 60, "cst": -6 * 60, "cdt": -5 * 60,
	"mst": -7 * 60, "mdt": -6 * 60, "pst": -8 * 60, "pdt": -7 * 60,
	"akst": -9 * 60, "akdt": -8 * 60, "hst": -10 * 60,
	"wet": 0, "west": 60, "cet": 60, "cest": 2 * 60, "eet": 2 * 60, "eest": 3 * 60, "msk": 3 * 60,
	"kst": 9 * 60, "jst": 9 * 60, "hkt": 8 * 60, "sgt": 8 * 60, "awst": 8 * 60,
	"acst": 9*60 + 30, "aest": 10 * 60, "aedt": 11 * 60, "nzst": 12 * 60, "nzdt": 13 * 60,
}

func (p *dateParser) parse() error {
	for p.i < len(p.toks) {
		t := p.at(0)
		switch {
		case !p.hasDate && p.ymd():
		case !p.hasDate && p.dmy():
		case !p.hasDate && t.kind == 'n' && len(t.text) == 8:
			n, _ := strconv.Atoi(t.text)
			p.year, p.month, p.day = n/10000, n/100%100, n%100
			p.hasDate, p.hasYear, p.hasMonth = true, true, true
			p.i++
		case !p.hasTime && p.clock():
			p.afterTime = true
			if err := p.zoneAfterTime(); err != nil {
				return err
			}
			continue
		case t.kind == 'w' && !p.hasMonth && monthOf(t.text) > 0:
			p.month, p.hasMonth = monthOf(t.text), true
			p.i++
			p.skip('.')
			if d := p.dayNum(); d > 0 && p.day == 0 {
				p.day = d
			}
		case t.kind == 'n' && len(t.text) <= 2 && p.day == 0 && !p.hasMonth && p.at(1).kind != ':' && p.monthAfterDay():
		case t.kind == 'n' && len(t.text) == 4 && !p.hasYear:
			p.year, p.hasYear = p.num(0, 4, 4), true
			p.i++
		case t.kind == 'n' && len(t.text) == 4 && p.num(0, 4, 4) == p.year && p.afterTime:
			// "18:30:22 2023 -0800": Ruby takes no zone after the year.
			p.i++
			if p.at(0).kind == '+' || p.at(0).kind == '-' {
				p.i++
				p.skipNum()
			}
		case t.kind == 'w' && (isWeekday(t.text) || strings.EqualFold(t.text, "at") || t.text == "T" || t.text == "t"):
			p.i++
		case t.kind == ',':
			p.i++
		default:
			return errNotADate
		}
	}
	if !p.hasDate {
		if !p.hasMonth || !p.hasYear {
			return errNotADate
		}
		if p.day == 0 {
			p.day = 1 // "June 2017"
		}
		p.hasDate = true
	}
	return p.check()
}

func (p *dateParser) skip(kind byte) {
	if p.at(0).kind == kind {
		p.i++
	}
}

func (p *dateParser) skipNum() {
	if p.at(0).kind == 'n' {
		p.i++
	}
	if p.at(0).kind == ':' && p.at(1).kind == 'n' {
		p.i += 2
	}
}

// dayNum reads "11", "11th", "11," after a month name; 0 if none.
func (p *dateParser) dayNum() int {
	d := p.num(0, 1, 2)
	if d < 0 || p.at(1).kind == ':' {
		return 0
	}
	p.i++
	if w := p.at(0); w.kind == 'w' && !w.space && isOrdinal(w.text) {
		p.i++
	}
	p.skip(',')
	return d
}

func isOrdinal(w string) bool {
	switch strings.ToLower(w) {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

// monthAfterDay reads "2 January" and "2nd of January".
func (p *dateParser) monthAfterDay() bool {
	k := 1
	if w := p.at(k); w.kind == 'w' && !w.space && isOrdinal(w.text) {
		k++
	}
	if strings.EqualFold(p.at(k).text, "of") {
		k++
	}
	w := p.at(k)
	if w.kind != 'w' || monthOf(w.text) == 0 {
		return false
	}
	p.day = p.num(0, 1, 2)
	p.month, p.hasMonth = monthOf(w.text), true
	p.i += k + 1
	p.skip('.')
	p.skip(',')
	return true
}

// ymd reads 2017-06-11, 17-6-11, 2017/06/11 and 2017.06.11.
func (p *dateParser) ymd() bool {
	sep := p.at(1).kind
	if sep != '-' && sep != '/' && sep != '.' || p.at(3).kind != sep || p.at(1).space || p.at(2).space || p.at(3).space || p.at(4).space {
		return false
	}
	y, m, d := p.num(0, 2, 4), p.num(2, 1, 2), p.num(4, 1, 2)
	if y < 0 || m < 0 || d < 0 || (len(p.at(0).text) != 4 && sep != '-') {
		return false
	}
	if len(p.at(0).text) == 2 {
		// Ruby's two-digit years.
		if y >= 69 {
			y += 1900
		} else {
			y += 2000
		}
	}
	p.year, p.month, p.day = y, m, d
	p.hasDate, p.hasYear, p.hasMonth = true, true, true
	p.i += 5
	return true
}

// dmy reads 11/06/2017 and 11.06.2017 day first, as Ruby does.
func (p *dateParser) dmy() bool {
	sep := p.at(1).kind
	if sep != '/' && sep != '.' || p.at(3).kind != sep || p.at(1).space || p.at(2).space || p.at(3).space || p.at(4).space {
		return false
	}
	d, m, y := p.num(0, 1, 2), p.num(2, 1, 2), p.num(4, 4, 4)
	if y < 0 || m < 0 || d < 0 {
		return false
	}
	p.year, p.month, p.day = y, m, d
	p.hasDate, p.hasYear, p.hasMonth = true, true, true
	p.i += 5
	return true
}

// clock reads 21:06, 21:06:05, 21:06:05.123, 9:05 pm and 9pm.
func (p *dateParser) clock() bool {
	h := p.num(0, 1, 2)
	if h < 0 {
		return false
	}
	k := 1
	m, s := 0, 0
	if p.at(1).kind == ':' && !p.at(1).space && p.num(2, 1, 2) >= 0 && !p.at(2).space {
		m = p.num(2, 1, 2)
		k = 3
		if p.at(3).kind == ':' && !p.at(3).space && p.num(4, 1, 2) >= 0 && !p.at(4).space {
			s = p.num(4, 1, 2)
			k = 5
			if p.at(5).kind == '.' && !p.at(5).space && p.at(6).kind == 'n' && !p.at(6).space {
				frac := p.at(6).text
				if len(frac) > 9 {
					frac = frac[:9]
				}
				n, _ := strconv.Atoi(frac)
				for i := len(frac); i < 9; i++ {
					n *= 10
				}
				p.nsec = n
				k = 7
			} else if p.at(5).kind == '.' && !p.at(5).space {
				k = 6 // "21:06:05." as Psych allows
			}
		}
	}
	// am/pm: "9:05 pm", "9pm", "3:04 PM", "9 p.m."
	meridian := ""
	if w := p.at(k); w.kind == 'w' {
		switch strings.ToLower(w.text) {
		case "am", "pm":
			meridian = strings.ToLower(w.text)
			k++
		case "a", "p":
			if p.at(k+1).kind == '.' && strings.EqualFold(p.at(k+2).text, "m") {
				meridian = strings.ToLower(w.text) + "m"
				k += 3
				if p.at(k).kind == '.' {
					k++
				}
			}
		}
	}
	if k == 1 && meridian == "" {
		return false // a bare number is not a time
	}
	if meridian != "" {
		h %= 12
		if meridian == "pm" {
			h += 12
		}
	}
	p.hour, p.min, p.sec = h, m, s
	p.hasTime = true
	p.i += k
	return true
}

// zoneAfterTime reads a zone right after the time: Z, UTC, +09, +0900,
// +09:00, a known abbreviation, or an offset followed by its name.
func (p *dateParser) zoneAfterTime() error {
	t := p.at(0)
	switch {
	case t.kind == '+' || t.kind == '-':
		digits := p.at(1)
		if digits.kind != 'n' || digits.space || len(digits.text) > 4 || len(digits.text) == 3 {
			return nil
		}
		h, m := 0, 0
		k := 2
		if len(digits.text) <= 2 {
			h, _ = strconv.Atoi(digits.text)
			if p.at(2).kind == ':' && !p.at(2).space && p.num(3, 2, 2) >= 0 {
				m = p.num(3, 2, 2)
				k = 4
			}
		} else {
			n, _ := strconv.Atoi(digits.text)
			h, m = n/100, n%100
		}
		if h > 23 || m > 59 {
			text := t.text + digits.text
			if k == 4 {
				text += ":" + p.at(3).text
			}
			return fmt.Errorf("time zone %s is out of range: offsets run from -23:59 to +23:59", text)
		}
		off := h*3600 + m*60
		if t.kind == '-' {
			off = -off
		}
		p.zone = fixedZone(off)
		p.i += k
		// "-0800 PST", "-0800 (PST)": the name says no more.
		if w := p.at(0); w.kind == 'w' && zoneKnown(w.text) {
			p.i++
		} else if w.kind == '(' && p.at(1).kind == 'w' && p.at(2).kind == ')' {
			p.i += 3
		}
	case t.kind == 'w' && !isWeekday(t.text) && !strings.EqualFold(t.text, "at") && monthOf(t.text) == 0:
		name := t.text
		if p.at(1).kind == '/' && !p.at(1).space {
			name += "/" + p.at(2).text // "Asia/Seoul"
		}
		off, ok := zoneOffsets[strings.ToLower(name)]
		if !ok {
			return fmt.Errorf("time zone %q is not known: write its offset instead, like +0900", name)
		}
		p.zone = fixedZone(off * 60)
		p.i++
	}
	return nil
}

func zoneKnown(w string) bool {
	_, ok := zoneOffsets[strings.ToLower(w)]
	return ok
}

func fixedZone(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	sign, a := '+', off
	if a < 0 {
		sign, a = '-', -a
	}
	return time.FixedZone(fmt.Sprintf("%c%02d%02d", sign, a/3600, a/60%60), off)
}

// check fails on a field out of range as Ruby does; an impossible day of a
// month (30 February) rolls over into the next, as in Ruby.
func (p *dateParser) check() error {
	switch {
	case p.month < 1 || p.month > 12:
		return errors.New("month out of range")
	case p.day < 1 || p.day > 31:
		return errors.New("day out of range")
	case p.hour > 24 || p.hour == 24 && (p.min > 0 || p.sec > 0):
		return errors.New("hour out of range") // 24:00 only, the next midnight
	case p.min > 59:
		return errors.New("minute out of range")
	case p.sec > 60:
		return errors.New("second out of range")
	}
	return nil
}
