package render

import (
	"fmt"
	"strings"

	"charm.land/glamour/v2/ansi"
	"charm.land/glamour/v2/styles"
	"github.com/alecthomas/chroma/v2"
	chromastyles "github.com/alecthomas/chroma/v2/styles"
	xansi "github.com/charmbracelet/x/ansi"
)

// styleConfigs are the glamour styles posts are rendered in, by Style.
// They are built, and their code block themes registered with chroma, while
// the package initialises, before any render can read chroma's registry.
var styleConfigs = [...]ansi.StyleConfig{
	Dark:    darkStyle(),
	Light:   lightStyle(),
	NoColor: styles.NoTTYStyleConfig,
}

func (s Style) config() ansi.StyleConfig {
	if s < 0 || int(s) >= len(styleConfigs) {
		s = Dark
	}
	return styleConfigs[s]
}

// The styles are glamour's dark and light ones with the colours changed
// where they were hard to read: every text colour has a WCAG contrast of at
// least 3 with the background the style is for (white for light, black for
// dark) in true colour, in 256 colours and in 16, where a terminal shows the
// nearest of xterm's 16 colours. In 16 colours greens and cyans on white,
// and black or dark blue on black, fall below that, so the light style has
// no green and the dark one no dark blue. TestStyleColoursContrast checks.

func darkStyle() ansi.StyleConfig {
	c := styles.DarkStyleConfig
	c.HorizontalRule.Color = ptr("241") // 240 was 2.95 on black
	c.CodeBlock = codeBlockTheme(c.CodeBlock, "sshblog-dark", codePalettes[Dark])
	return c
}

func lightStyle() ansi.StyleConfig {
	c := styles.LightStyleConfig
	c.HorizontalRule.Color = ptr("243") // 249 was white (37) in 16 colours
	c.Link.Color = ptr("31")            // 36 was green in 16 colours
	c.LinkText.Color = ptr("24")        // 29 was green in 16 colours
	c.Image.Color = ptr("162")          // 205 was 2.8 on white
	c.Code.Color = ptr("160")           // 203 was 2.3 on its grey
	c.CodeBlock = codeBlockTheme(c.CodeBlock, "sshblog-light", codePalettes[Light])
	return c
}

// codePalettes colour code blocks, by Style: glamour's palettes, in the
// 256 colours chroma's terminal256 formatter rounds to (given an exact one
// it cannot pick between two equally near), and, for light, with the pale
// and the green colours made darker or blue.
var codePalettes = map[Style]ansi.Chroma{
	Dark: {
		Text:                code(251),
		Error:               ansi.StylePrimitive{Color: xterm(231), BackgroundColor: xterm(160)},
		Comment:             code(242),
		CommentPreproc:      code(209),
		Keyword:             code(39),
		KeywordReserved:     code(206),
		KeywordNamespace:    code(204),
		KeywordType:         code(62),
		Operator:            code(210),
		Punctuation:         code(187),
		Name:                code(251),
		NameBuiltin:         code(212),
		NameTag:             code(140),
		NameAttribute:       code(104),
		NameClass:           ansi.StylePrimitive{Color: xterm(255), Underline: ptr(true), Bold: ptr(true)},
		NameDecorator:       code(228),
		NameFunction:        code(42),
		LiteralNumber:       code(85),
		LiteralString:       code(173),
		LiteralStringEscape: code(158),
		GenericDeleted:      code(203),
		GenericEmph:         ansi.StylePrimitive{Italic: ptr(true)},
		GenericInserted:     code(42),
		GenericStrong:       ansi.StylePrimitive{Bold: ptr(true)},
		GenericSubheading:   code(243),
	},
	Light: {
		Text:                code(235),
		Error:               ansi.StylePrimitive{Color: xterm(231), BackgroundColor: xterm(160)},
		Comment:             code(243),
		CommentPreproc:      code(130),
		Keyword:             code(26),
		KeywordReserved:     code(164),
		KeywordNamespace:    code(161),
		KeywordType:         code(61),
		Operator:            code(160),
		Punctuation:         code(167),
		NameBuiltin:         code(19),
		NameTag:             code(54),
		NameAttribute:       code(98),
		NameClass:           ansi.StylePrimitive{Color: xterm(235), Underline: ptr(true), Bold: ptr(true)},
		NameConstant:        code(54),
		NameDecorator:       code(136),
		NameFunction:        code(24),
		LiteralNumber:       code(31),
		LiteralString:       code(95),
		LiteralStringEscape: code(32),
		GenericDeleted:      code(160),
		GenericEmph:         ansi.StylePrimitive{Italic: ptr(true)},
		GenericInserted:     code(25),
		GenericStrong:       ansi.StylePrimitive{Bold: ptr(true)},
		GenericSubheading:   code(243),
	},
}

func code(i uint8) ansi.StylePrimitive { return ansi.StylePrimitive{Color: xterm(i)} }

// xterm is the colour i of the 256 as chroma wants it, "#rrggbb".
func xterm(i uint8) *string {
	r, g, b, _ := xansi.IndexedColor(i).RGBA()
	return ptr(fmt.Sprintf("#%02x%02x%02x", r>>8, g>>8, b>>8))
}

// codeBlockTheme registers palette with chroma as name and returns cb set to
// highlight with it.
//
// Glamour registers a code block's Chroma palette under one fixed name,
// "charm", the first time it renders a code block, and uses whatever is
// registered under that name from then on: every style after the first
// gets the first one's code colours (the dark palette on a light
// background, after the dark pre-render). A Theme by name, with no Chroma,
// is used as it is, so each style gets its own. See docs/upstream.md.
func codeBlockTheme(cb ansi.StyleCodeBlock, name string, palette ansi.Chroma) ansi.StyleCodeBlock {
	chromastyles.Register(chroma.MustNewStyle(name, chromaEntries(palette)))
	cb.Chroma = nil
	cb.Theme = name
	return cb
}

// chromaEntries converts a glamour palette to chroma's, as glamour does.
func chromaEntries(p ansi.Chroma) chroma.StyleEntries {
	return chroma.StyleEntries{
		chroma.Text:                chromaEntry(p.Text),
		chroma.Error:               chromaEntry(p.Error),
		chroma.Comment:             chromaEntry(p.Comment),
		chroma.CommentPreproc:      chromaEntry(p.CommentPreproc),
		chroma.Keyword:             chromaEntry(p.Keyword),
		chroma.KeywordReserved:     chromaEntry(p.KeywordReserved),
		chroma.KeywordNamespace:    chromaEntry(p.KeywordNamespace),
		chroma.KeywordType:         chromaEntry(p.KeywordType),
		chroma.Operator:            chromaEntry(p.Operator),
		chroma.Punctuation:         chromaEntry(p.Punctuation),
		chroma.Name:                chromaEntry(p.Name),
		chroma.NameBuiltin:         chromaEntry(p.NameBuiltin),
		chroma.NameTag:             chromaEntry(p.NameTag),
		chroma.NameAttribute:       chromaEntry(p.NameAttribute),
		chroma.NameClass:           chromaEntry(p.NameClass),
		chroma.NameConstant:        chromaEntry(p.NameConstant),
		chroma.NameDecorator:       chromaEntry(p.NameDecorator),
		chroma.NameException:       chromaEntry(p.NameException),
		chroma.NameFunction:        chromaEntry(p.NameFunction),
		chroma.NameOther:           chromaEntry(p.NameOther),
		chroma.Literal:             chromaEntry(p.Literal),
		chroma.LiteralNumber:       chromaEntry(p.LiteralNumber),
		chroma.LiteralDate:         chromaEntry(p.LiteralDate),
		chroma.LiteralString:       chromaEntry(p.LiteralString),
		chroma.LiteralStringEscape: chromaEntry(p.LiteralStringEscape),
		chroma.GenericDeleted:      chromaEntry(p.GenericDeleted),
		chroma.GenericEmph:         chromaEntry(p.GenericEmph),
		chroma.GenericInserted:     chromaEntry(p.GenericInserted),
		chroma.GenericStrong:       chromaEntry(p.GenericStrong),
		chroma.GenericSubheading:   chromaEntry(p.GenericSubheading),
		chroma.Background:          chromaEntry(p.Background),
	}
}

func chromaEntry(s ansi.StylePrimitive) string {
	var parts []string
	if s.Color != nil {
		parts = append(parts, *s.Color)
	}
	if s.BackgroundColor != nil {
		parts = append(parts, "bg:"+*s.BackgroundColor)
	}
	for _, f := range []struct {
		on   *bool
		name string
	}{{s.Italic, "italic"}, {s.Bold, "bold"}, {s.Underline, "underline"}} {
		if f.on != nil && *f.on {
			parts = append(parts, f.name)
		}
	}
	return strings.Join(parts, " ")
}

func ptr[T any](v T) *T { return &v }
