package server_test

import (
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func displayWidth(s string) int { return ansi.StringWidth(s) }

func maxWidth(screen string) int {
	w := 0
	for _, line := range strings.Split(screen, "\n") {
		w = max(w, displayWidth(line))
	}
	return w
}

func writeFile(t testing.TB, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func assertMode(t testing.TB, path string, want os.FileMode) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := st.Mode().Perm(); got != want {
		t.Fatalf("%s has mode %o, want %o", path, got, want)
	}
}
