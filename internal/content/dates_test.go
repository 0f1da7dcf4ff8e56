package content

import (
	"strings"
	"testing"
	"time"
)

// Each want below is what Ruby 3.1's Time.parse gave with TZ=Asia/Seoul
// (Jekyll's Utils.parse_date is Time.parse(input).localtime), unless the
// comment says otherwise.
func TestParseLenientDate(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	for _, tc := range []struct{ in, want, err string }{
		// The examples.
		{in: "2014-10-1 12:00:00", want: "2014-10-01 12:00:00 +0900"},
		// Ruby takes no zone after the repeated year: Jekyll shows 18:30:22
		// in the site's zone.
		{in: "2023-01-29 18:30:22 2023 -0800", want: "2023-01-29 18:30:22 +0900"},
		{in: "2023-01-29 18:30:22 -0800", want: "2023-01-29 18:30:22 -0800"},
		{in: "2017-2-5", want: "2017-02-05 00:00:00 +0900"},
		{in: "2017-06-11T21:06:05+09:00", want: "2017-06-11 21:06:05 +0900"},
		{in: "2017-06-11T21:06:05.123Z", want: "2017-06-11 21:06:05.123 +0000"},
		{in: "2017-06-11T21:06:05.999999999-07:00", want: "2017-06-11 21:06:05.999999999 -0700"},
		{in: "Jan 2, 2006", want: "2006-01-02 00:00:00 +0900"},
		{in: "2 January 2006 15:04", want: "2006-01-02 15:04:00 +0900"},
		{in: "2017/06/11", want: "2017-06-11 00:00:00 +0900"},
		{in: "2017/6/1 9:05", want: "2017-06-01 09:05:00 +0900"},
		{in: "2017-06-11 21:06", want: "2017-06-11 21:06:00 +0900"},
		{in: "2017-06-11T21:06", want: "2017-06-11 21:06:00 +0900"},
		{in: "2017-06-11 9:5:3", want: "2017-06-11 09:05:03 +0900"},
		{in: "  2017-06-11  ", want: "2017-06-11 00:00:00 +0900"},
		{in: "20170611", want: "2017-06-11 00:00:00 +0900"},
		{in: "2017.06.11", want: "2017-06-11 00:00:00 +0900"},
		// Ruby reads slashes and dots before the year day first.
		{in: "06/11/2017", want: "2017-11-06 00:00:00 +0900"},
		{in: "11/06/2017", want: "2017-06-11 00:00:00 +0900"},
		{in: "1/2/2017", want: "2017-02-01 00:00:00 +0900"},
		{in: "11.06.2017", want: "2017-06-11 00:00:00 +0900"},
		{in: "69-1-1", want: "1969-01-01 00:00:00 +0900"},
		{in: "68-1-1", want: "2068-01-01 00:00:00 +0900"},
		{in: "Mon, 02 Jan 2006 15:04:05 -0700", want: "2006-01-02 15:04:05 -0700"},
		{in: "Monday, January 2, 2006 3:04 PM", want: "2006-01-02 15:04:00 +0900"},
		{in: "June 11, 2017 9pm", want: "2017-06-11 21:00:00 +0900"},
		{in: "11 Jun 2017", want: "2017-06-11 00:00:00 +0900"},
		{in: "Jun 11 2017", want: "2017-06-11 00:00:00 +0900"},
		{in: "11 June 2017 at 9:05", want: "2017-06-11 09:05:00 +0900"},
		{in: "June 2017", want: "2017-06-01 00:00:00 +0900"},
		{in: "Sun Jun 11 21:06:05 PST 2017", want: "2017-06-11 21:06:05 -0800"},
		{in: "Sun Jun 11 21:06:05 2017", want: "2017-06-11 21:06:05 +0900"},
		{in: "2017-06-11 21:06:05 2017", want: "2017-06-11 21:06:05 +0900"},
		{in: "2017-06-11 9:05 pm", want: "2017-06-11 21:05:00 +0900"},
		{in: "2017-06-11 13:06 am", want: "2017-06-11 01:06:00 +0900"},
		{in: "2017-06-11 0:06 pm", want: "2017-06-11 12:06:00 +0900"},
		// Zones.
		{in: "2017-06-11 21:06:05 UTC", want: "2017-06-11 21:06:05 +0000"},
		{in: "2017-06-11 21:06:05 GMT", want: "2017-06-11 21:06:05 +0000"},
		{in: "2017-06-11 21:06:05 Z", want: "2017-06-11 21:06:05 +0000"},
		{in: "2017-06-11 21:06:05 +09:00", want: "2017-06-11 21:06:05 +0900"},
		{in: "2017-06-11T21:06:05 +09:00", want: "2017-06-11 21:06:05 +0900"},
		{in: "2017-06-11 21:06:05 +0900", want: "2017-06-11 21:06:05 +0900"},
		{in: "2017-06-11 21:06:05 +09", want: "2017-06-11 21:06:05 +0900"},
		{in: "2017-06-11 21:06:05 +9", want: "2017-06-11 21:06:05 +0900"},
		{in: "2017-06-11 21:06:05 +0930", want: "2017-06-11 21:06:05 +0930"},
		{in: "2017-06-11 21:06:05 -03:30", want: "2017-06-11 21:06:05 -0330"},
		{in: "2017-06-11 21:06:05 +1400", want: "2017-06-11 21:06:05 +1400"},
		{in: "2017-06-11 21:06:05 -0800 PST", want: "2017-06-11 21:06:05 -0800"},
		{in: "2017-06-11 21:06:05 CST", want: "2017-06-11 21:06:05 -0600"}, // Ruby's CST is the US one
		// Ruby knows only US zone names and reads KST or CEST as local
		// time; these name one zone each, so they are read as that zone.
		{in: "Sun Jun 11 21:06:05 KST 2017", want: "2017-06-11 21:06:05 +0900"},
		{in: "2017-06-11 21:06:05 CEST", want: "2017-06-11 21:06:05 +0200"},
		// Ruby rolls an impossible day or second over.
		{in: "2017-02-30", want: "2017-03-02 00:00:00 +0900"},
		{in: "Jun 31, 2017", want: "2017-07-01 00:00:00 +0900"},
		{in: "2017-6-31", want: "2017-07-01 00:00:00 +0900"},
		{in: "2017-06-11 24:00:00", want: "2017-06-12 00:00:00 +0900"},
		{in: "2017-06-11 21:06:60", want: "2017-06-11 21:07:00 +0900"},
		// What Ruby rejects, and what it would read as local time where a
		// wrong date would go unnoticed.
		{in: "2017-06-11 25:00:00", err: "hour out of range"},
		{in: "2017-06-11 24:30:00", err: "hour out of range"},
		{in: "2017-06-11 21:60", err: "minute out of range"},
		{in: "2017-13-01", err: "month out of range"},
		{in: "2017/13/01", err: "month out of range"},
		{in: "2017-00-10", err: "month out of range"},
		{in: "2017-06-00", err: "day out of range"},
		{in: "2017-06-32", err: "day out of range"},
		{in: "2017-06-11 21:06:05 +25:00", err: "time zone +25:00 is out of range"},
		{in: "2017-06-11 21:06:05 +09:61", err: "time zone +09:61 is out of range"},                          // Ruby: +10:01
		{in: "2017-06-11 21:06:05 XYZ", err: `time zone "XYZ" is not known: write its offset`},               // Ruby: local
		{in: "2017-06-11 21:06:05 Asia/Seoul", err: `time zone "Asia/Seoul" is not known: write its offset`}, // Ruby: local
		{in: "hello", err: "not a date: write it as 2006-01-02 15:04:05 -0700"},
		{in: "2017", err: "not a date"},
		{in: "2017-06", err: "not a date"},
		{in: "2017-06-11 hello", err: "not a date"},
		{in: "2017년 6월 11일", err: "not a date"},
		{in: "12:00", err: "not a date"}, // Ruby: today at noon
		{in: "hello 2017-06-11", err: "not a date"},
		{in: "", err: "not a date"},
		{in: strings.Repeat("1", 300), err: "not a date"},
	} {
		got, err := parseLenientDate(tc.in, seoul)
		switch {
		case tc.err != "":
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseLenientDate(%q) = %v, %v; want error %q", tc.in, got, err, tc.err)
			}
		case err != nil:
			t.Errorf("parseLenientDate(%q): %v", tc.in, err)
		default:
			if s := got.Format("2006-01-02 15:04:05.999999999 -0700"); s != tc.want {
				t.Errorf("parseLenientDate(%q) = %s, want %s", tc.in, s, tc.want)
			}
		}
	}
}

// TestJekyllDate holds what Jekyll 4.3.1 showed for these front-matter
// dates with `timezone: Asia/Seoul` in _config.yml (each built page's
// {{ page.date | date: "%Y-%m-%d %H:%M:%S %z" }}).
func TestJekyllDate(t *testing.T) {
	seoul, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		t.Skip("no tzdata:", err)
	}
	for _, tc := range []struct {
		in    string
		plain bool
		want  string
	}{
		// A YAML timestamp without a zone is UTC, shown in the site's zone.
		{"2014-10-1 12:00:00", true, "2014-10-01 21:00:00 +0900"},
		{"2017-06-15T10:00:00Z", true, "2017-06-15 19:00:00 +0900"},
		{"2017-06-28 10:00:00 Z", true, "2017-06-28 19:00:00 +0900"},
		{"2017-06-13 10:00:00 +0200", true, "2017-06-13 17:00:00 +0900"},
		{"2017-06-24 10:00:00.5 +09", true, "2017-06-24 10:00:00.5 +0900"},
		// Quoted, it is a string: Time.parse reads it in the site's zone.
		{"2017-06-14 10:00:00", false, "2017-06-14 10:00:00 +0900"},
		// Not a YAML timestamp (no seconds, a date alone, other forms):
		// the site's zone.
		{"2017-06-11 21:06", true, "2017-06-11 21:06:00 +0900"},
		{"2017-06-12", true, "2017-06-12 00:00:00 +0900"},
		{"Jan 2, 2017", true, "2017-01-02 00:00:00 +0900"},
		{"2017/06/20", true, "2017-06-20 00:00:00 +0900"},
		{"2023-01-29 18:30:22 2023 -0800", true, "2023-01-29 18:30:22 +0900"},
		{"2017-06-21 10:00:00 PST", true, "2017-06-22 03:00:00 +0900"},
		{"2017-06-22 10:00:00 EST", true, "2017-06-23 00:00:00 +0900"},
	} {
		got, err := jekyllDate(tc.in, tc.plain, seoul)
		if err != nil {
			t.Errorf("jekyllDate(%q): %v", tc.in, err)
			continue
		}
		if s := got.Format("2006-01-02 15:04:05.999999999 -0700"); s != tc.want {
			t.Errorf("jekyllDate(%q, plain %v) = %s, want %s", tc.in, tc.plain, s, tc.want)
		}
	}
}

func TestYAMLTimestampDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"2014-10-1 12:00:00", true},
		{"2001-12-14t21:59:43.10-05:00", true},
		{"2001-12-14 21:59:43.10 -5", true},
		{"2001-12-14 21:59:43.10 Z", true},
		{"2001-12-14\t21:59:43", true},
		{"2017-06-24 10:00:00.5 +09", true},
		{"2017-06-24 10:00:00 +09:00", true},
		{"2017-06-24 10:00:00.", true},
		{"-2017-06-24 10:00:00", true}, // Psych's regex allows a sign
		{"2017-06-11 21:06", false},    // no seconds: a string to Psych
		{"2017-06-11", false},          // a Date to Psych
		{"2017-06-11 21:06:05 UTC", false},
		{"2023-01-29 18:30:22 2023 -0800", false},
		{"17-06-11 21:06:05", false},
		{"2017/06/11 21:06:05", false},
		{"2017-06-11 21:06:05\n", false},
	} {
		if got := isYAMLTimestamp(tc.in); got != tc.want {
			t.Errorf("isYAMLTimestamp(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// Jekyll 4.3.1 showed _posts/2017-2-5-i-dont-like-zeroes.md as
// /2017/02/05/i-dont-like-zeroes.html and 17-6-25-twodigit.md as
// /2017/06/25/twodigit.html, both at midnight in the site's zone.
func TestSplitFileDate(t *testing.T) {
	for _, tc := range []struct{ stem, date, rest string }{
		{"2017-2-5-i-dont-like-zeroes", "2017-2-5", "i-dont-like-zeroes"},
		{"2017-03-30-word2vec", "2017-03-30", "word2vec"},
		{"17-6-25-twodigit", "17-6-25", "twodigit"},
		{"2017-1-12-3-x", "2017-1-12", "3-x"},
		{"2017-06-26-한글-제목", "2017-06-26", "한글-제목"},
		{"2017-06-11", "2017-06-11", ""},
		{"2017-06-11-", "2017-06-11", ""},
		{"20170-1-1-x", "", "20170-1-1-x"},
		{"2017-01-011-x", "", "2017-01-011-x"},
		{"2017-06-11x", "", "2017-06-11x"},
		{"about", "", "about"},
		{"", "", ""},
	} {
		date, rest := splitFileDate(tc.stem)
		if date != tc.date || rest != tc.rest {
			t.Errorf("splitFileDate(%q) = %q, %q; want %q, %q", tc.stem, date, rest, tc.date, tc.rest)
		}
	}
}
