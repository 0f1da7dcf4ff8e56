package content

// TEMPORARY stubs (lead): replaced by the helpers' files at merge.

import (
	"io/fs"
	"time"
)

func splitFileDate(stem string) (string, string)                       { return splitDatePrefix(stem) }
func parseLenientDate(s string, loc *time.Location) (time.Time, error) { return parseDate(s, loc) }
func isYAMLTimestamp(s string) bool                                    { return false }
func titleize(s string) string                                         { return readableName(s) }
func expandShortcodes(body string, line int, ref func(string) (string, bool)) (string, []bodyProblem) {
	return expandLiquid(body, true), nil
}

type liquidSite struct{}
type liquidInput struct {
	Site  *Site
	FS    fs.FS
	Data  map[string]any
	Posts []postRef
}

func newLiquidSite(in liquidInput) *liquidSite { return &liquidSite{} }
func (ls *liquidSite) render(path, body string, bodyLine int, page map[string]any) (string, []bodyProblem) {
	return expandLiquid(body, false), nil
}
func rawFrontMatter(lang, header string) map[string]any { return nil }
