package render

import (
	"fmt"
	"image/color"
	"math"
	"reflect"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	gansi "charm.land/glamour/v2/ansi"
)

// xterm16 is xterm's default palette for the 16 ANSI colours, which is what
// a reader's terminal most likely shows for them.
var xterm16 = [16]color.RGBA{
	{0x00, 0x00, 0x00, 0xff}, {0xcd, 0x00, 0x00, 0xff}, {0x00, 0xcd, 0x00, 0xff}, {0xcd, 0xcd, 0x00, 0xff},
	{0x00, 0x00, 0xee, 0xff}, {0xcd, 0x00, 0xcd, 0xff}, {0x00, 0xcd, 0xcd, 0xff}, {0xe5, 0xe5, 0xe5, 0xff},
	{0x7f, 0x7f, 0x7f, 0xff}, {0xff, 0x00, 0x00, 0xff}, {0x00, 0xff, 0x00, 0xff}, {0xff, 0xff, 0x00, 0xff},
	{0x5c, 0x5c, 0xff, 0xff}, {0xff, 0x00, 0xff, 0xff}, {0x00, 0xff, 0xff, 0xff}, {0xff, 0xff, 0xff, 0xff},
}

// shown is the colour a terminal shows for c.
func shown(c color.Color) color.Color {
	switch c := c.(type) {
	case ansi.BasicColor:
		return xterm16[c&15]
	case ansi.IndexedColor:
		if c < 16 {
			return xterm16[c]
		}
	}
	return c
}

// luminance is WCAG 2's relative luminance.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.03928 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is WCAG 2's contrast ratio, from 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

func hexOf(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8)
}

// styled is one colour setting in a style config.
type styled struct {
	path   string
	fg, bg string // as written in the config; bg may be empty
	chroma bool   // in a code block palette, highlighted by chroma
}

// colours lists every StylePrimitive in v that sets a colour.
func colours(path string, v reflect.Value, chroma bool) []styled {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		return colours(path, v.Elem(), chroma)
	case reflect.Struct:
	default:
		return nil
	}
	var out []styled
	if p, ok := v.Interface().(gansi.StylePrimitive); ok {
		var s styled
		if p.Color != nil {
			s.fg = *p.Color
		}
		if p.BackgroundColor != nil {
			s.bg = *p.BackgroundColor
		}
		if s.fg != "" || s.bg != "" {
			out = append(out, styled{path: path, fg: s.fg, bg: s.bg, chroma: chroma})
		}
		return out
	}
	for i := range v.NumField() {
		f := v.Type().Field(i)
		name := path + "." + f.Name
		if f.Anonymous {
			name = path
		}
		out = append(out, colours(name, v.Field(i), chroma)...)
	}
	return out
}

// styleColours lists every colour the render package's styles use.
func styleColours(s Style) []styled {
	out := colours(s.String(), reflect.ValueOf(s.config()), false)
	if p, ok := codePalettes[s]; ok {
		out = append(out, colours(s.String()+".CodeBlock.Theme", reflect.ValueOf(p), true)...)
	}
	return out
}

// Every text colour of every style, as a terminal with each colour profile
// shows it, stands out from the background the style is for: a WCAG
// contrast of at least 3. Below that, on 16 colours, the light style's
// rules came out white on white, and the dark style's blue all but black.
func TestStyleColoursContrast(t *testing.T) {
	backgrounds := map[Style]color.Color{Dark: color.Black, Light: color.White}
	for _, style := range []Style{Dark, Light, NoColor} {
		list := styleColours(style)
		if style != NoColor && len(list) < 20 {
			t.Fatalf("%s: found only %d colours in the style config", style, len(list))
		}
		for _, s := range list {
			fg, bg := lipgloss.Color(s.fg), backgrounds[style]
			if s.bg != "" {
				bg = lipgloss.Color(s.bg)
			}
			if s.chroma {
				// chroma's terminal256 formatter rounds to the nearest of
				// the 256 colours itself: an exact one makes it emit what
				// the config says, and this test check what is shown.
				for _, c := range []*color.Color{&fg, &bg} {
					if *c == backgrounds[style] {
						continue
					}
					i := ansi.Convert256(*c)
					if hexOf(i) != hexOf(*c) || i < 16 {
						t.Errorf("%s: %s is not one of the 256 colours (16-255); the nearest is %d, %s", s.path, hexOf(*c), i, hexOf(i))
					}
					*c = i
				}
			}
			if s.fg == "" {
				continue // a background alone: no text to read on it
			}
			for _, p := range []colorprofile.Profile{colorprofile.TrueColor, colorprofile.ANSI256, colorprofile.ANSI} {
				f, b := shown(p.Convert(fg)), shown(p.Convert(bg))
				if c := contrast(f, b); c < 3 {
					t.Errorf("%s on %s: %s %s on %s (%s on %s) has contrast %.2f, want ≥ 3",
						style, p, s.path, s.fg, bgName(s.bg, style), hexOf(f), hexOf(b), c)
				}
			}
		}
	}
}

func bgName(bg string, s Style) string {
	if bg != "" {
		return bg
	}
	return s.String() + " background"
}

// Glamour registers a code block palette with chroma under one name, once
// per process, so whichever style rendered code first used to colour every
// style's code: after the dark pre-render, light code was light grey
// (38;5;251) on white.
func TestCodeColoursFollowTheStyle(t *testing.T) {
	md := "Some code:\n\n```go\nfunc main() {\n\tprintln(\"hi\")\n}\n```\n"
	for _, order := range [][]Style{{Dark, Light}, {Light, Dark}} {
		for _, style := range order {
			out, err := renderMarkdown(t, md, 60, style)
			if err != nil {
				t.Fatal(err)
			}
			for _, tok := range []struct {
				text string
				p    gansi.StylePrimitive
			}{{"func", codePalettes[style].Keyword}, {"println", codePalettes[style].NameBuiltin}, {`"hi"`, codePalettes[style].LiteralString}} {
				want := fmt.Sprintf("\x1b[38;5;%dm%s", ansi.Convert256(lipgloss.Color(*tok.p.Color)), tok.text)
				if !strings.Contains(out, want) {
					t.Errorf("%v: %s: %s is not in the style's colour, want %q in\n%q", order, style, tok.text, want, out)
				}
			}
			other := codePalettes[Dark]
			if style == Dark {
				other = codePalettes[Light]
			}
			if seq := fmt.Sprintf("\x1b[38;5;%dm", ansi.Convert256(lipgloss.Color(*other.Text.Color))); strings.Contains(out, seq) {
				t.Errorf("%v: %s: code uses the other style's text colour %q", order, style, seq)
			}
		}
	}
}
