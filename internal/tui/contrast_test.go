package tui

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
)

// xterm16 is xterm's default palette for the 16 ANSI colours, which PuTTY
// and most terminals that say TERM=xterm share closely enough.
var xterm16 = [16]color.RGBA{
	{0x00, 0x00, 0x00, 0xff}, {0xcd, 0x00, 0x00, 0xff}, {0x00, 0xcd, 0x00, 0xff}, {0xcd, 0xcd, 0x00, 0xff},
	{0x00, 0x00, 0xee, 0xff}, {0xcd, 0x00, 0xcd, 0xff}, {0x00, 0xcd, 0xcd, 0xff}, {0xe5, 0xe5, 0xe5, 0xff},
	{0x7f, 0x7f, 0x7f, 0xff}, {0xff, 0x00, 0x00, 0xff}, {0x00, 0xff, 0x00, 0xff}, {0xff, 0xff, 0x00, 0xff},
	{0x5c, 0x5c, 0xff, 0xff}, {0xff, 0x00, 0xff, 0xff}, {0x00, 0xff, 0xff, 0xff}, {0xff, 0xff, 0xff, 0xff},
}

// xtermRGB is the colour a terminal shows for c, as converted for a
// profile: xterm's palette for ANSI and 256-colour indexes.
func xtermRGB(c color.Color) color.RGBA {
	switch c := c.(type) {
	case ansi.BasicColor:
		return xterm16[c]
	case ansi.IndexedColor:
		i := int(c)
		switch {
		case i < 16:
			return xterm16[i]
		case i < 232:
			levels := [6]uint8{0, 95, 135, 175, 215, 255}
			i -= 16
			return color.RGBA{levels[i/36], levels[i/6%6], levels[i%6], 0xff}
		default:
			g := uint8(8 + 10*(i-232))
			return color.RGBA{g, g, g, 0xff}
		}
	}
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
}

// luminance is WCAG 2's relative luminance.
func luminance(c color.RGBA) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.R) + 0.7152*lin(c.G) + 0.0722*lin(c.B)
}

// contrast is WCAG 2's contrast ratio, from 1 to 21.
func contrast(a, b color.RGBA) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// styleColour is one colour the tui draws, and what it must stand out
// from.
type styleColour struct {
	name string
	fg   color.Color
	bg   color.Color // nil: the theme's background
	min  float64
}

// body is the text read for itself: titles, descriptions, dates and
// counts, what is typed, the current search match. It needs 4.5:1; the
// rest (the accent of names and prompts, notices, rules and separators,
// rows dimmed while the filter is empty, key hints) 3:1.
var body = map[string]bool{
	"title": true, "muted": true, "rowTitle": true, "rowMeta": true, "rowDesc": true,
	"filterText": true, "searchCurrent": true,
}

// themeColours is every colour of a theme's styles, found by reflection so
// that a style added later is checked too.
func themeColours(t *testing.T, st styles) []styleColour {
	t.Helper()
	var out []styleColour
	add := func(name string, s lipgloss.Style) {
		fg, bg := s.GetForeground(), s.GetBackground()
		if _, none := fg.(lipgloss.NoColor); none {
			fg = nil
		}
		if _, none := bg.(lipgloss.NoColor); none {
			bg = nil
		}
		minRatio := 3.0
		if body[name] {
			minRatio = 4.5
		}
		if fg != nil {
			out = append(out, styleColour{name: name, fg: fg, bg: bg, min: minRatio})
		}
		if bg != nil {
			// A background (the current search match) against the page.
			out = append(out, styleColour{name: name + " background", fg: bg, min: 3})
		}
	}
	v := reflect.ValueOf(&st).Elem()
	for i := range v.NumField() {
		f := v.Type().Field(i)
		// The fields are unexported: read them through their address.
		field := reflect.NewAt(f.Type, unsafe.Pointer(v.Field(i).UnsafeAddr())).Elem()
		switch x := field.Interface().(type) {
		case lipgloss.Style:
			add(f.Name, x)
		case help.Styles:
			hv := reflect.ValueOf(x)
			for j := range hv.NumField() {
				if s, ok := hv.Field(j).Interface().(lipgloss.Style); ok {
					add("help."+hv.Type().Field(j).Name, s)
				}
			}
		case color.Color:
			// The filter's cursor: a block of this colour.
			out = append(out, styleColour{name: f.Name, fg: x, min: 3})
		case bool:
		default:
			t.Fatalf("styles.%s is a %T: teach this test its colours", f.Name, x)
		}
	}
	return out
}

// Every colour of both themes, as a terminal of each colour profile shows
// it, stands out from the theme's background: 4.5:1 for text, 3:1 for
// rules and hints (WCAG 2). On 16 colours that means black or a dark
// colour on the light theme, never white (xterm's and PuTTY's default is
// black on white), and never black on the dark theme.
func TestThemeContrast(t *testing.T) {
	themes := []struct {
		name   string
		isDark bool
		bg     color.RGBA
	}{
		{"light", false, color.RGBA{0xff, 0xff, 0xff, 0xff}},
		{"dark", true, color.RGBA{0x00, 0x00, 0x00, 0xff}},
	}
	profiles := []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI}
	for _, th := range themes {
		colours := themeColours(t, newStyles(th.isDark, false))
		found := map[string]bool{}
		for _, c := range colours {
			found[c.name] = true
		}
		for name := range body {
			if !found[name] {
				t.Fatalf("%s theme: no coloured style %s", th.name, name)
			}
		}
		for _, p := range profiles {
			var report []string
			for _, c := range colours {
				fgc := p.Convert(c.fg)
				fg := xtermRGB(fgc)
				bg := th.bg
				if c.bg != nil {
					bg = xtermRGB(p.Convert(c.bg))
				}
				ratio := contrast(fg, bg)
				report = append(report, fmt.Sprintf("%-22s %v → %v %.2f", c.name, c.fg, fgc, ratio))
				if ratio < c.min {
					t.Errorf("%s theme, %s: %s is %v, %.2f:1 against %v, want %.1f:1", th.name, p, c.name, fgc, ratio, bg, c.min)
				}
				if b, ok := fgc.(ansi.BasicColor); ok && c.bg == nil {
					if th.isDark && b == ansi.Black {
						t.Errorf("dark theme, %s: %s is black", p, c.name)
					}
					if !th.isDark && (b == ansi.White || b == ansi.BrightWhite) {
						t.Errorf("light theme, %s: %s is white", p, c.name)
					}
				}
			}
			if t.Failed() {
				t.Logf("%s theme, %s:\n%s", th.name, p, strings.Join(report, "\n"))
			}
		}
	}
}

// The contrast arithmetic itself, on values WCAG gives.
func TestContrastRatio(t *testing.T) {
	white, black := color.RGBA{255, 255, 255, 255}, color.RGBA{0, 0, 0, 255}
	for _, tc := range []struct {
		a, b color.RGBA
		want float64
	}{
		{white, black, 21},
		{white, white, 1},
		{color.RGBA{0x76, 0x76, 0x76, 0xff}, white, 4.54},
		{color.RGBA{0x94, 0x94, 0x94, 0xff}, white, 3.03},
	} {
		if got := contrast(tc.a, tc.b); math.Abs(got-tc.want) > 0.01 {
			t.Errorf("contrast(%v, %v) = %.3f, want %.2f", tc.a, tc.b, got, tc.want)
		}
	}
	if got := xtermRGB(colorprofile.ANSI.Convert(lipgloss.Color("#C9C9D1"))); got != xterm16[15] {
		t.Errorf("#C9C9D1 on 16 colours is %v, want bright white (the issue's case)", got)
	}
}

// cellColours is every foreground colour drawn on the emulator's screen
// on its default background, with where it is.
func (t *terminal) cellColours() map[string]color.Color {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]color.Color{}
	for y := range t.emu.Height() {
		for x := range t.emu.Width() {
			if c := t.emu.CellAt(x, y); c != nil && c.Style.Fg != nil && c.Style.Bg == nil {
				out[fmt.Sprintf("%q at %d,%d", c.Content, x, y)] = c.Style.Fg
			}
		}
	}
	return out
}

// The terminal: 16 colours, black on white, as xterm and PuTTY
// start. Every cell of the list, the help, the filter and the tags is
// drawn in a colour that stands out from white, never white; and on a
// black terminal never in black.
func TestThemesOn16ColoursInTerminal(t *testing.T) {
	for _, tc := range []struct {
		name   string
		bg     color.RGBA
		accent color.Color
		bad    []ansi.BasicColor
	}{
		{"light", color.RGBA{0xff, 0xff, 0xff, 0xff}, ansi.BrightBlue, []ansi.BasicColor{ansi.White, ansi.BrightWhite}},
		{"dark", color.RGBA{0, 0, 0, 0xff}, ansi.BrightBlue, []ansi.BasicColor{ansi.Black}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := startSessionWith(t, Options{Width: 80, Height: 24}, terminalConfig{profile: colorprofile.ANSI, background: tc.bg})
			s.waitFor("sshblog · 4 posts")
			if !s.waitColour(tc.accent, 5*time.Second) {
				t.Fatalf("name drawn in %v", nameColour(s))
			}
			for _, step := range []struct {
				keys  []string
				ready string
				gone  string // and no longer on the screen
			}{
				{nil, "? more", ""},
				{[]string{"?"}, "close help", ""},
				{[]string{"?", "/", "a"}, "/ a", ""},
				// The rows dimmed while the filter is empty. Whether "enter
				// done" is still offered then depends on when bubbles
				// updates its keys: wait for the query to be gone instead.
				{[]string{keyBackspace}, "esc cancel", "/ a"},
				{[]string{keyEsc}, "? more", ""},
				{[]string{"t"}, "tags · 5 tags", ""},
				{[]string{"/", "e"}, "of 5 tags", ""},
			} {
				s.send(step.keys...)
				s.waitFor(step.ready)
				if step.gone != "" {
					if scr, ok := s.poll(func(scr string) bool { return !strings.Contains(scr, step.gone) }); !ok {
						t.Fatalf("after %q, %q is still on the screen:\n%s", step.keys, step.gone, scr)
					}
				}
				// The theme follows the terminal's answer, which may come a
				// moment later on a loaded machine: judge the screen once
				// it has settled, or after 5 s.
				var problems []string
				for deadline := time.Now().Add(5 * time.Second); ; {
					time.Sleep(50 * time.Millisecond) // the rest of the frame
					problems = problems[:0]
					cells := s.term.cellColours()
					if len(cells) == 0 {
						problems = append(problems, "nothing coloured")
					}
					for where, fg := range cells {
						b, ok := fg.(ansi.BasicColor)
						if !ok {
							problems = append(problems, fmt.Sprintf("%s is %T %v, not one of the 16 colours", where, fg, fg))
							continue
						}
						if slices.Contains(tc.bad, b) || contrast(xterm16[b], tc.bg) < 3 {
							problems = append(problems, fmt.Sprintf("%s is colour %d, %.2f:1 on %v", where, b, contrast(xterm16[b], tc.bg), tc.bg))
						}
					}
					if len(problems) == 0 || time.Now().After(deadline) {
						break
					}
				}
				for _, p := range problems {
					t.Errorf("after %q: %s", step.keys, p)
				}
			}
		})
	}
}
