package server

import (
	"time"

	"github.com/sshblog/sshblog/internal/locale"
)

// words is something said to a reader, in their language: the reasons a
// session ends are decided where the reader's language is not known (a
// connection's timer, a shutdown), and said where it is.
type words func(t *locale.Messages) string

// in is w said in t's language; "" for no words.
func (w words) in(t *locale.Messages) string {
	if w == nil {
		return ""
	}
	return w(t)
}

// roundDuration says a limit the way a reader reads it: "30 minutes".
func roundDuration(t *locale.Messages, d time.Duration) string {
	switch {
	case d >= time.Hour && d%time.Hour == 0:
		return t.Hours.N(int(d / time.Hour))
	case d >= time.Minute && d%time.Minute == 0:
		return t.Minutes.N(int(d / time.Minute))
	case d >= time.Second && d%time.Second == 0:
		return t.Seconds.N(int(d / time.Second))
	}
	return d.String()
}
