package tui

// NoticeMsg is a message from the server to the reader (for example that
// the server is restarting). It stays on screen, above the help on every
// screen, until another NoticeMsg replaces it; an empty one removes it.
type NoticeMsg string
