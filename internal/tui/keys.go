package tui

import (
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/viewport"
)

// globalKeyMap holds the bindings that work on every screen.
type globalKeyMap struct {
	Help      key.Binding
	Theme     key.Binding
	About     key.Binding // the about page (about.go)
	ForceQuit key.Binding
}

func newGlobalKeyMap() globalKeyMap {
	return globalKeyMap{
		Help:      key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more")),
		Theme:     key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "theme")),
		About:     key.NewBinding(key.WithKeys("i"), key.WithHelp("i", "about")),
		ForceQuit: key.NewBinding(key.WithKeys("ctrl+c"), key.WithHelp("ctrl+c", "quit")),
	}
}

// helpBinding is the "?" binding as the help bar shows it: "more" while
// the short bar is shown, "close help" while the full help is.
func helpBinding(full bool) key.Binding {
	if full {
		return key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "close help"))
	}
	return key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "more"))
}

// listKeyMap holds the post list's own bindings. Moving and filtering are
// the bubbles list's bindings (its KeyMap), kept as they are.
type listKeyMap struct {
	Open     key.Binding
	Tags     key.Binding
	AllPosts key.Binding
	Quit     key.Binding
}

func newListKeyMap() listKeyMap {
	return listKeyMap{
		Open:     key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "read")),
		Tags:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tags")),
		AllPosts: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "all posts")),
		Quit:     key.NewBinding(key.WithKeys("q"), key.WithHelp("q", "quit")),
	}
}

// bubblesListKeyMap is the bubbles list's keymap minus what the app handles
// itself: quitting and the help toggle.
func bubblesListKeyMap() list.KeyMap {
	k := list.DefaultKeyMap()
	k.CursorUp.SetHelp("↑/k", "up")
	k.CursorDown.SetHelp("↓/j", "down")
	k.PrevPage.SetHelp("←/pgup", "prev page")
	k.NextPage.SetHelp("→/pgdn", "next page")
	k.GoToStart.SetHelp("g/home", "first")
	k.GoToEnd.SetHelp("G/end", "last")
	k.ClearFilter.SetHelp("esc", "clear filter")
	k.AcceptWhileFiltering.SetHelp("enter", "done")
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
}

func newReaderKeyMap() readerKeyMap {
	return readerKeyMap{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "space", "f"), key.WithHelp("space", "page")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "b"), key.WithHelp("b/pgup", "page up")),
		HalfPageDown: key.NewBinding(key.WithKeys("d", "ctrl+d"), key.WithHelp("d", "½ page down")),
		HalfPageUp:   key.NewBinding(key.WithKeys("u", "ctrl+u"), key.WithHelp("u", "½ page up")),
		Top:          key.NewBinding(key.WithKeys("g", "home"), key.WithHelp("g", "top")),
		Bottom:       key.NewBinding(key.WithKeys("G", "end"), key.WithHelp("G", "bottom")),
		Next:         key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next")),
		Prev:         key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "prev")),
		Tags:         key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "tags")),
		Back:         key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", "back")),

		Search:      key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		NextMatch:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		PrevMatch:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "prev match")),
		ClearSearch: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),

		Links:    key.NewBinding(key.WithKeys("l"), key.WithHelp("l", "links")),
		Contents: key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "contents")),

		RelatedNext: key.NewBinding(key.WithKeys("tab", "right"), key.WithHelp("tab/→", "choose related")),
		RelatedPrev: key.NewBinding(key.WithKeys("shift+tab", "left"), key.WithHelp("⇧tab/←", "choose previous")),
		RelatedOpen: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open related")),
		RelatedPick: key.NewBinding(key.WithKeys("1", "2", "3"), key.WithHelp("1-3", "open related")),
	}
}

// searchKeyMap holds the keys that mean something while a search is typed;
// every other key is text.
type searchKeyMap struct {
	Accept key.Binding
	Cancel key.Binding
}

func newSearchKeyMap() searchKeyMap {
	return searchKeyMap{
		Accept: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "done")),
		Cancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
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

func newPickerKeyMap() pickerKeyMap {
	return pickerKeyMap{
		Up:     key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:   key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose")),
		Pick:   key.NewBinding(key.WithKeys("1", "2", "3", "4", "5", "6", "7", "8", "9"), key.WithHelp("1-9", "choose")),
		Close:  key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", "back")),
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

func newTagsKeyMap() tagsKeyMap {
	return tagsKeyMap{
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "show posts")),
		Back:   key.NewBinding(key.WithKeys("esc", "q"), key.WithHelp("esc/q", "back")),
	}
}
