package locale

// Messages is every text the interface shows, in one language. Strings
// with verbs are fmt formats; a translation keeps the same verbs (it may
// reorder them with %[n]s).
type Messages struct {
	Lang string // the language's code, "en"
	Name string // the language's own name, "English"

	// Key help: what each key does, as the help bar shows it.
	KeyMore, KeyCloseHelp, KeyTheme, KeyQuit, KeyLanguage    string
	KeyRead, KeyTags, KeyAllPosts, KeyShowPosts              string
	KeyUp, KeyDown, KeyPrevPage, KeyNextPage, KeyFirst       string
	KeyLast, KeyFilter, KeyClearFilter, KeyDone, KeyCancel   string
	KeyPage, KeyPageUp, KeyHalfPageDown, KeyHalfPageUp       string
	KeyTop, KeyBottom, KeyNext, KeyPrev, KeyBack             string
	KeySearch, KeyNextMatch, KeyPrevMatch, KeyClearSearch    string
	KeyLinks, KeyContents, KeyChoose, KeyCopy, KeyGoTo       string
	KeyPick, KeyChooseRelated, KeyChoosePrevious, KeyOpenRel string
	KeyScroll, KeyClose, KeyAbout, KeyOpen                   string
	KeysTitle                                                string // the full-window help's header
	KeysRange                                                string // "%d–%d of %d" keys shown

	// Lists.
	Posts, Tags, Headings, Matches Plural
	CountOf                        string // "%s of %s": "3" of "7 posts"
	TagPrefix                      string // "tag: %s", before the count
	TagsScreen                     string // "tags", the tag screen's name
	TagsOf                         string // "tags of %s", a post's title
	NoPosts, NoTags                string
	NoPostMatches, NoTagMatches    string // "… “%s”.", the query
	Filtering                      string
	NoTagNamed, NoPostNamed        string // a deep link that leads nowhere, "%s"
	PostRemoved                    string // "“%s” has been taken down.", the title of a post read while it was removed

	// The theme and language switches.
	ThemeStatus                      string // "Theme: %s · T changes it"
	ThemeDark, ThemeLight, ThemeNone string
	LanguageStatus                   string // "%s · L changes it", the language's name

	// The reader.
	MinRead, MinLeft string // "%d min read"
	TheEnd           string
	LineOf           string // "line %d/%d"
	UpdatedOn        string // "(updated %s)", a date
	Rendering        string
	PostEmpty        string
	NotFormatted     string
	ImageLink        string // "image: %s", an image's text
	SearchHint       string // the search line's placeholder
	NoMatch          string
	MatchOf          string // "match %d of %d"
	LinksTitle       string // "Links in this post · %d"
	ContentsTitle    string // "Contents · %s", the count of headings
	NOfM             string // "%d of %d", the picker's cursor
	Copied           string // "Copied link %d …"
	RelatedTitle     string
	RelatedHint      string // "press %s to open …", the keys

	// The about screen: its name and the labels of its lines.
	AboutScreen                                         string
	AboutTitle, AboutDescription, AboutAuthor, AboutURL string
	AboutPosts, AboutTags, AboutLanguages, AboutZone    string
	AboutSSH, AboutHostKey                              string
	AboutMostUsed                                       string // "%s", the most used tags

	// A window too small for the app, "%s" its smallest size ("20x8").
	TooSmall, TooSmallShort, QQuits string

	// The server's words to a reader in a session.
	ClosedFailed      string
	ClosedSessionTime string // "%s", a duration (see Hours)
	ClosedNotReading  string
	ClosedIdle        string // "%s", a duration
	ClosedInput       string
	Restarting        string
	Stopping          string // the server stops at once (a second signal)
	RestartingIn      string // "%s", a duration
	Hours, Minutes    Plural
	Seconds           Plural

	// Plain mode (a terminal without escape sequences, or ssh -T).
	PlainPrompt     string
	PlainNoPost     string // "%q", then the number of posts "%d"
	PlainCannotShow string // "%q", a slug
	PlainAppHint    string // "%s" twice, the host
}
