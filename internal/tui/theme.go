package tui

import (
	"regexp"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/sshblog/sshblog/internal/render"
)

// backgroundTimeout is how long the app waits for the terminal to say what
// its background colour is. Most answer within a round trip; one that has
// not answered by then probably never will (or sits behind a multiplexer
// that swallows the query), and the theme is settled as dark. An answer
// arriving later is ignored: switching every colour under a reader who has
// started reading is worse than a dark theme on a light terminal, which T
// fixes in one key.
const backgroundTimeout = 300 * time.Millisecond

// statusTime is how long a status message (the theme's name after T)
// replaces the help bar.
const statusTime = 2 * time.Second

// bgTimeoutMsg ends the wait for the terminal's background colour.
type bgTimeoutMsg struct{}

// statusDoneMsg removes status message id, unless another replaced it.
type statusDoneMsg struct{ id int }

// afterFunc delivers msg after d; the Model's is tea.Tick, tests replace it
// to control time.
type afterFunc func(d time.Duration, msg tea.Msg) tea.Cmd

func tick(d time.Duration, msg tea.Msg) tea.Cmd {
	return tea.Tick(d, func(time.Time) tea.Msg { return msg })
}

// nextStyle is the style T switches to: dark, light, no colour, dark…
func nextStyle(s render.Style) render.Style {
	switch s {
	case render.Dark:
		return render.Light
	case render.Light:
		return render.NoColor
	}
	return render.Dark
}

// dates shows the posts' dates: in the reader's time zone once the client
// has sent a TZ the app could load, else in each post's own zone.
type dates struct {
	loc *time.Location
}

// format is a post's date as the app shows it. A date written without a
// time (midnight in the post's zone) names a day, not a moment: it is shown
// as written, or "2022-05-14" would read 2022-05-13 in the Americas.
func (d *dates) format(t time.Time) string {
	if d == nil || d.loc == nil || dateOnly(t) {
		return t.Format(dateLayout)
	}
	return t.In(d.loc).Format(dateLayout)
}

func dateOnly(t time.Time) bool {
	h, m, s := t.Clock()
	return h == 0 && m == 0 && s == 0 && t.Nanosecond() == 0
}

// zoneName is what a client's TZ may be: an IANA zone name such as "UTC",
// "Asia/Seoul" or "America/Argentina/Buenos_Aires". Not a path (":/etc/…",
// "/…", "../…"), which would have the server read a file the client names,
// and not POSIX rules ("KST-9"), which time.LoadLocation cannot read.
var zoneName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z][A-Za-z0-9_+-]*)*$`)

func validZoneName(name string) bool {
	// "Local" would be the server's own zone, not the reader's.
	return len(name) <= 64 && name != "Local" && zoneName.MatchString(name)
}

// zones caches loaded zones: sessions from one country share one.
var zones sync.Map // name -> *time.Location

// zoneMsg delivers the reader's time zone.
type zoneMsg struct{ loc *time.Location }

// loadZoneCmd loads the zone named by the client's TZ off the update loop
// (it reads the zone database); a name that is not a zone is ignored.
func loadZoneCmd(name string) tea.Cmd {
	if !validZoneName(name) {
		return nil
	}
	return func() tea.Msg {
		if loc, ok := zones.Load(name); ok {
			return zoneMsg{loc.(*time.Location)}
		}
		loc, err := time.LoadLocation(name)
		if err != nil {
			return nil
		}
		zones.Store(name, loc)
		return zoneMsg{loc}
	}
}
