package tui

import (
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/list"
	tea "charm.land/bubbletea/v2"
)

// syncFilterMax is the most items a list filters inside Update: up to
// here a key costs well under a millisecond (BenchmarkFilter10000); a
// bigger list filters in the background, and drops any result whose query
// is no longer the one typed.
const syncFilterMax = 2000

// listFilter keeps a bubbles list's matches those of the query in its
// input. Bubbles filters in a command and applies whichever result
// arrives, so when keys come faster than the results, a result for an
// older query can arrive last and stay on screen, and enter can accept the
// matches of a query that is not the one typed ("/AWS" and enter opening
// another post). Here the matches are worked out as the query changes,
// before the next key is handled; bubbles' own command is handed a filter
// that matches nothing and its result is dropped (see dropFilterMatches).
type listFilter struct {
	which filterList // which list it belongs to, for filteredMsg

	shown string // the query the list's matches are for
	valid bool   // the list holds the matches for shown
	// pending is a background filter for query, started as generation
	// gen; any result of another generation is stale.
	pending bool
	query   string
	gen     int

	// texts are the lowered filter texts of the list's items: the shared
	// ones of a Lists list (set with its items), or the list's own.
	texts *filterTexts
	// ranks are the matches of shown, over texts' items: a query that
	// extends shown need only try them.
	ranks      []list.Rank
	ranksTexts *filterTexts
}

// filterList names a list, so that a background result finds its list.
type filterList int

const (
	filterPosts filterList = iota
	filterTags
)

// filteredMsg is a background filter's result (huge lists only).
type filteredMsg struct {
	which filterList
	gen   int
	texts *filterTexts // the texts filtered
	ranks []list.Rank
}

// matchNothing is the filter bubbles' own filter command runs: its result
// is dropped anyway, so it should cost nothing.
func matchNothing(string, []string) []list.Rank { return nil }

// setup makes l filter through f.
func (f *listFilter) setup(l *list.Model, which filterList) {
	f.which = which
	l.Filter = matchNothing
}

// sync brings the matches up to date with the list's query and items, at
// once, or for a huge list being typed into with a command that does it in
// the background. It runs after anything that may change the query or the
// items.
func (f *listFilter) sync(l *list.Model) tea.Cmd {
	if l.FilterState() == list.Unfiltered {
		f.reset()
		return nil
	}
	q := l.FilterValue()
	if f.valid && q == f.shown {
		f.cancel() // back to the query shown: a result for another is stale
		return nil
	}
	texts, within, refine := f.plan(l, q)
	if len(l.Items()) <= syncFilterMax || q == "" || l.FilterState() != list.Filtering {
		f.install(l, q, texts, texts.filter(q, within, refine))
		return nil
	}
	if f.pending && q == f.query {
		return nil // already on its way
	}
	f.cancel()
	f.pending, f.query = true, q
	which, gen := f.which, f.gen
	return func() tea.Msg {
		return filteredMsg{which: which, gen: gen, texts: texts, ranks: texts.filter(q, within, refine)}
	}
}

// plan says what filtering l for q takes: its texts, and whether only the
// matches shown (within) need trying, which they do when q extends their
// query over the same items.
func (f *listFilter) plan(l *list.Model, q string) (texts *filterTexts, within []list.Rank, refine bool) {
	texts = f.targets(l)
	if f.valid && f.ranksTexts == texts && extends(q, f.shown) {
		return texts, f.ranks, true
	}
	return texts, nil, false
}

// extends reports whether query q extends shown, so that q's matches are
// among shown's. shown must be valid UTF-8: bytes typed after half a rune
// could complete it, and a U+FFFD in shown's terms be a rune in q's.
func extends(q, shown string) bool {
	return strings.HasPrefix(q, shown) && utf8.ValidString(shown)
}

// now makes sure the matches are for the query typed, filtering at once if
// a background result is still awaited: before enter accepts them.
func (f *listFilter) now(l *list.Model) {
	if f.pending && l.FilterState() != list.Unfiltered && l.FilterValue() == f.query {
		texts, within, refine := f.plan(l, f.query)
		f.install(l, f.query, texts, texts.filter(f.query, within, refine))
	}
}

// result applies a background filter's result if it is for the query still
// typed, and drops it otherwise.
func (f *listFilter) result(l *list.Model, msg filteredMsg) {
	if !f.pending || msg.gen != f.gen || l.FilterState() == list.Unfiltered || l.FilterValue() != f.query {
		return
	}
	f.install(l, f.query, msg.texts, msg.ranks)
}

// stale reports whether the list's matches are not those of the query
// typed: a huge list's background filter has not answered yet.
func (f *listFilter) stale(l *list.Model) bool {
	return l.FilterState() != list.Unfiltered && (!f.valid || f.shown != l.FilterValue())
}

// reset forgets the matches: the list is unfiltered, or its items changed.
func (f *listFilter) reset() {
	f.valid = false
	f.ranks, f.ranksTexts = nil, nil
	f.cancel()
}

func (f *listFilter) cancel() {
	f.gen++
	f.pending, f.query = false, ""
}

// install gives the list ranks, q's matches over texts, as its matches.
// Bubbles only takes matches from its own filter command: run it here,
// with a filter that returns ranks, and give its result to the list.
func (f *listFilter) install(l *list.Model, q string, texts *filterTexts, ranks []list.Rank) {
	l.Filter = func(string, []string) []list.Rank { return ranks }
	cmd := l.SetItems(l.Items())
	l.Filter = matchNothing
	if cmd != nil {
		*l, _ = l.Update(cmd())
	}
	l.SetShowTitle(l.ShowTitle()) // paginate the new matches
	f.cancel()
	f.shown, f.valid = q, true
	f.ranks, f.ranksTexts = ranks, texts
}

// targets returns the filter texts of l's items: the shared ones given
// with them, or else ones of its own, built again when the items change.
func (f *listFilter) targets(l *list.Model) *filterTexts {
	items := l.Items()
	if !f.texts.of(items) {
		f.texts = newItemTexts(items)
	}
	return f.texts
}

// isFilterMatches reports bubbles' own filter results, which are dropped:
// listFilter gives the lists their matches.
func isFilterMatches(msg tea.Msg) bool {
	_, ok := msg.(list.FilterMatchesMsg)
	return ok
}
