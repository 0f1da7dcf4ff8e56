package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"

	"github.com/sshblog/sshblog/internal/locale"
)

// globalKeyMap holds the bindings that work on every screen.
type globalKeyMap struct {
	Help      key.Binding
	Theme     key.Binding
	About     key.Binding // the about page (about.go)
	ForceQuit key.Binding
}

func newGlobalKeyMap(t *locale.Messages) globalKeyMap {
	return globalKeyMap{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", t.KeyMore)),
		Theme:     key.NewBinding(key.WithKeys("T"), key.WithHelp("T", t.KeyTheme)),
		About:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", t.KeyAbout)),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", t.KeyQuit)),
	}
}

// helpBinding is the "?" binding as the help bar shows it: "more" while
// the short bar is shown, "close help" while the full help is.
func helpBinding(full bool, t *locale.Messages) key.Binding {
	if full {
		return key.NewBinding(key.WithKeys("?"), key.WithHelp("?", t.KeyCloseHelp))
	}
	return key.NewBinding(key.WithKeys("?"), key.WithHelp("?", t.KeyMore))
}

// listKeyMap holds the post list's own bindings. Moving and filtering are
// the bubbles list's bindings (its KeyMap), kept as they are.
type listKeyMap struct {
	Open     key.Binding
	Tags     key.Binding
	AllPosts key.Binding
	Quit     key.Binding
}

func newListKeyMap(t *locale.Messages) listKeyMap {
	return listKeyMap{
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.KeyRead)),
		Tags:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", t.KeyTags)),
		AllPosts: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.KeyAllPosts)),
		Quit:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", t.KeyQuit)),
	}
}

// bubblesListKeyMap is the bubbles list's keymap minus what the app handles
// itself: quitting and the help toggle.
func bubblesListKeyMap(t *locale.Messages) list.KeyMap {
	k := list.DefaultKeyMap()
	k.CursorUp.SetHelp("↑/k", t.KeyUp)
	k.CursorDown.SetHelp("↓/j", t.KeyDown)
	k.PrevPage.SetHelp("←/pgup", t.KeyPrevPage)
	k.NextPage.SetHelp("→/pgdn", t.KeyNextPage)
	k.GoToStart.SetHelp("g/home", t.KeyFirst)
	k.GoToEnd.SetHelp("G/end", t.KeyLast)
	k.Filter.SetHelp("/", t.KeyFilter)
	k.ClearFilter.SetHelp("esc", t.KeyClearFilter)
	k.CancelWhileFiltering.SetHelp("esc", t.KeyCancel)
	k.AcceptWhileFiltering.SetHelp("enter", t.KeyDone)
	k.Quit.Unbind()
	k.ForceQuit.Unbind()
	k.ShowFullHelp.Unbind()
	k.CloseFullHelp.Unbind()
	return k
}

// readerKeyMap holds the reader's bindings. The scrolling ones are handed to
// the viewport (see viewportKeyMap) so that it does the scrolling.
type readerKeyMap struct {
	Up           key.Binding
	Down         key.Binding
	PageDown     key.Binding
	PageUp       key.Binding
	HalfPageDown key.Binding
	HalfPageUp   key.Binding
	Top          key.Binding
	Bottom       key.Binding
	Next         key.Binding
	Prev         key.Binding
	Tags         key.Binding
	Back         key.Binding

	// Search: "/" types a query; n and N then move between the matches
	// (n and p go to the next and previous post again once esc clears it).
	Search      key.Binding
	NextMatch   key.Binding
	PrevMatch   key.Binding
	ClearSearch key.Binding

	Links    key.Binding // the post's links, to copy one
	Contents key.Binding // the post's headings, to jump to one

	// The related posts below the text, while they are on screen.
	RelatedNext key.Binding
	RelatedPrev key.Binding
	RelatedOpen key.Binding
	RelatedPick key.Binding // 1, 2, 3: open that one

	Language key.Binding // the post's next translation
}

func newReaderKeyMap(t *locale.Messages) readerKeyMap {
	return readerKeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", t.KeyUp)),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", t.KeyDown)),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "space", "f"), key.WithHelp("space", t.KeyPage)),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("b/pgup", t.KeyPageUp)),
		HalfPageDown: key.NewBinding(key.WithKeys("d", "ctrl+d"), key.WithHelp("d", t.KeyHalfPageDown)),
		HalfPageUp:   key.NewBinding(key.WithKeys("u", "ctrl+u"), key.WithHelp("u", t.KeyHalfPageUp)),
		Top:          key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", t.KeyTop)),
		Bottom:       key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", t.KeyBottom)),
		Next:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n", t.KeyNext)),
		Prev:         key.NewBinding(key.WithKeys("p"), key.WithHelp("p", t.KeyPrev)),
		Tags:         key.NewBinding(key.WithKeys("t"), key.WithHelp("t", t.KeyTags)),
		Back:         key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", t.KeyBack)),

		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", t.KeySearch)),
		NextMatch:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", t.KeyNextMatch)),
		PrevMatch:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", t.KeyPrevMatch)),
		ClearSearch: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.KeyClearSearch)),

		Links:    key.NewBinding(key.WithKeys("l"), key.WithHelp("l", t.KeyLinks)),
		Contents: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", t.KeyContents)),

		RelatedNext: key.NewBinding(key.WithKeys("tab", "right"), key.WithHelp("tab/→", t.KeyChooseRelated)),
		RelatedPrev: key.NewBinding(key.WithKeys("shift+tab", "left"), key.WithHelp("⇧tab/←", t.KeyChoosePrevious)),
		RelatedOpen: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.KeyOpenRel)),
		RelatedPick: key.NewBinding(key.WithKeys("1", "2", "3"), key.WithHelp("1-3", t.KeyOpenRel)),

		Language: key.NewBinding(key.WithKeys("L"), key.WithHelp("L", t.KeyLanguage)),
	}
}

// searchKeyMap holds the keys that mean something while a search is typed;
// every other key is text.
type searchKeyMap struct {
	Accept key.Binding
	Cancel key.Binding
}

func newSearchKeyMap(t *locale.Messages) searchKeyMap {
	return searchKeyMap{
		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.KeyDone)),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", t.KeyCancel)),
	}
}

// pickerKeyMap holds the bindings of the links and contents lists.
type pickerKeyMap struct {
	Up     key.Binding
	Down   key.Binding
	Choose key.Binding
	Pick   key.Binding // 1-9: choose that one
	Close  key.Binding
}

func newPickerKeyMap(t *locale.Messages) pickerKeyMap {
	return pickerKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", t.KeyUp)),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", t.KeyDown)),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.KeyChoose)),
		Pick:   key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", t.KeyChoose)),
		Close:  key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", t.KeyBack)),
	}
}

// viewportKeyMap gives the viewport the reader's scrolling bindings, and
// none for sideways scrolling: rendered posts always fit the width.
func (k readerKeyMap) viewportKeyMap() viewport.KeyMap {
	return viewport.KeyMap{
		PageDown:     k.PageDown,
		PageUp:       k.PageUp,
		HalfPageDown: k.HalfPageDown,
		HalfPageUp:   k.HalfPageUp,
		Down:         k.Down,
		Up:           k.Up,
	}
}

// tagsKeyMap holds the tag list's own bindings; moving and filtering come
// from its bubbles list.
type tagsKeyMap struct {
	Choose key.Binding
	Back   key.Binding
}

func newTagsKeyMap(t *locale.Messages) tagsKeyMap {
	return tagsKeyMap{
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", t.KeyShowPosts)),
		Back:   key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", t.KeyBack)),
	}
}

// homeQuitKeys are the keys that end the app on the home list (and on the
// too-small screen): the list's Quit and the global ForceQuit.
var homeQuitKeys = []key.Binding{newListKeyMap(locale.For("")).Quit, newGlobalKeyMap(locale.For("")).ForceQuit}

// HomeQuits reports whether k, pressed first thing on the home list as New
// shows it, ends the app: a server can answer it without building one.
func HomeQuits(k tea.KeyPressMsg) bool { return key.Matches(k, homeQuitKeys...) }
