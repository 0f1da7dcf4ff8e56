package tui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/locale"
	"github.com/sshblog/sshblog/internal/render"
)

// themeName is a theme's name in the interface's language.
func (m *Model) themeName(s render.Style) string {
	switch s {
	case render.Light:
		return m.t.ThemeLight
	case render.NoColor:
		return m.t.ThemeNone
	}
	return m.t.ThemeDark
}

// nextTranslation is L: the open post in its next language, in the order
// of its translations, named in the help bar for a moment. The reader's
// other posts keep opening in their own language.
func (m *Model) nextTranslation() tea.Cmd {
	r := &m.reader
	next := nextTranslation(r.post.Translations(), r.doc)
	if next == nil || next == r.doc {
		return nil
	}
	r.show(next)
	cmd := r.refresh()
	return tea.Batch(cmd, m.setStatus(fmt.Sprintf(m.t.LanguageStatus, m.languageName(next.Lang))))
}

// nextTranslation is the translation after cur in ts, wrapping around; nil
// when there are none.
func nextTranslation(ts []*content.Post, cur *content.Post) *content.Post {
	if len(ts) == 0 {
		return nil
	}
	for i, t := range ts {
		if t == cur {
			return ts[(i+1)%len(ts)]
		}
	}
	return ts[0]
}

// languageName is how a language is named to the reader: its name in the
// site's config ("한국어"), else the interface's name for it, else its code.
func (m *Model) languageName(code string) string {
	for _, l := range m.blog.Site().Languages {
		if l.Code == code && l.Name != "" {
			return l.Name
		}
	}
	if t := locale.For(code); t.Lang == locale.Base(code) {
		return t.Name
	}
	return code
}
