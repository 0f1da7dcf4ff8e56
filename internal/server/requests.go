package server

import (
	"encoding/binary"
	"strings"
)

// Window bounds a terminal size.
type Window struct{ Cols, Rows int }

// DefaultMaxWindow is the largest window a session gets when
// Limits.MaxWindow is zero: a 500x200 screen costs a few MB, while an
// unbounded one lets one client exhaust the server's memory.
var DefaultMaxWindow = Window{Cols: 500, Rows: 200}

// allowedEnv reports whether a client may set the environment variable:
// only what changes how text is shown.
func allowedEnv(name string) bool {
	switch name {
	case "TERM", "LANG", "COLORTERM", "NO_COLOR", "TZ":
		return true
	}
	return strings.HasPrefix(name, "LC_")
}

// sshString splits an SSH wire string (uint32 length, bytes) off b.
func sshString(b []byte) (s, rest []byte, ok bool) {
	if len(b) < 4 {
		return nil, nil, false
	}
	n := binary.BigEndian.Uint32(b)
	if uint64(n) > uint64(len(b)-4) {
		return nil, nil, false
	}
	return b[4 : 4+n], b[4+n:], true
}
