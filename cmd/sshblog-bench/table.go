package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// frame is one frame interval at Bubble Tea's default 60 fps, in ms.
const frame = 1000.0 / 60

// The columns, in order: who was measured.
var columns = []struct{ label, title string }{
	{"floor", "floor"},
	{"minimal", "wish+tea"},
	{"sshd+glow", "sshd+glow"},
	{"sshblog", "sshblog"},
}

type results map[string]map[string]Result // measure -> label -> result

func (r results) get(measure, label string) (Result, bool) {
	x, ok := r[measure][label]
	return x, ok
}

// rowSpec is one row: a measure, and how sshblog's figure is judged.
type rowSpec struct {
	measure string
	title   string
	target  string
	// judge returns the ratio column's text and whether the target is
	// met; ok is false when a figure it needs is missing.
	judge func(r results) (ratio string, pass, ok bool)
}

func ratioTo(measure, of, to, suffix string, limit float64) func(results) (string, bool, bool) {
	return func(r results) (string, bool, bool) {
		a, ok1 := r.get(measure, of)
		b, ok2 := r.get(measure, to)
		if !ok1 || !ok2 || b.Median == 0 {
			return "", false, false
		}
		x := a.Median / b.Median
		return fmt.Sprintf("%.2fx %s", x, suffix), x <= limit, true
	}
}

// ratioOf compares sshblog's measure a with its measure b (the same
// figure of another blog): at most limit times as much.
func ratioOf(a, b, suffix string, limit float64) func(results) (string, bool, bool) {
	return func(r results) (string, bool, bool) {
		x, ok1 := r.get(a, "sshblog")
		y, ok2 := r.get(b, "sshblog")
		if !ok1 || !ok2 || y.Median == 0 {
			return "", false, false
		}
		q := x.Median / y.Median
		return fmt.Sprintf("%.2fx %s", q, suffix), q <= limit, true
	}
}

// both is met when every judge is; its text is theirs, joined.
func both(judges ...func(results) (string, bool, bool)) func(results) (string, bool, bool) {
	return func(r results) (string, bool, bool) {
		var texts []string
		all := true
		for _, j := range judges {
			t, pass, ok := j(r)
			if !ok {
				return "", false, false
			}
			if t != "" {
				texts = append(texts, t)
			}
			all = all && pass
		}
		return strings.Join(texts, ", "), all, true
	}
}

func frames(measure string, useP90 bool, limit float64) func(results) (string, bool, bool) {
	return func(r results) (string, bool, bool) {
		a, ok := r.get(measure, "sshblog")
		if !ok {
			return "", false, false
		}
		v, what := a.Median, "median"
		if useP90 && a.P90 != nil {
			v, what = *a.P90, "p90"
		}
		x := v / frame
		return fmt.Sprintf("%s %.2f frames", what, x), x <= limit, true
	}
}

func atMost(measure string, limit float64) func(results) (string, bool, bool) {
	return func(r results) (string, bool, bool) {
		a, ok := r.get(measure, "sshblog")
		if !ok {
			return "", false, false
		}
		return "", a.Median <= limit, true
	}
}

var rows = []rowSpec{
	{"handshake", "SSH handshake, x/crypto client", "", nil},
	{"firstframe", "1. first frame, x/crypto client (dial -> title on screen)", "<= 1.2x floor", ratioTo("firstframe", "sshblog", "floor", "floor", 1.2)},
	{"openssh", "2. first frame, OpenSSH client (start ssh -> title on screen)", "< 50 ms and < 0.5x sshd+glow",
		func(r results) (string, bool, bool) {
			a, ok1 := r.get("openssh", "sshblog")
			b, ok2 := r.get("openssh", "sshd+glow")
			if !ok1 || !ok2 || b.Median == 0 {
				return "", false, false
			}
			x := a.Median / b.Median
			return fmt.Sprintf("%.2fx sshd+glow", x), a.Median < 50 && x < 0.5, true
		}},
	{"openssh.quickack", "   same, the floor setting TCP_QUICKACK after every read (serve-floor --quickack)", "", nil},
	{"open.cached", "3. open a post already rendered at that width (enter -> text)", "<= 1.5 frames (25 ms)", frames("open.cached", false, 1.5)},
	{"open.first", "   open, first time on the connection", "", nil},
	{"open.uncached.placeholder", "3. open a long post (62+ KB) not yet rendered: placeholder (or text)", "<= 1 frame (16.7 ms)", frames("open.uncached.placeholder", false, 1)},
	{"open.uncached.text", "   open a long post (62+ KB) not yet rendered: text", "as soon as ready", nil},
	{"others.key", "3. another reader's key -> screen, during those renders", "p90 <= 2 frames (33 ms)", frames("others.key", true, 2)},
	{"resize.input", "3. resize to a new width, then q -> list on screen", "median <= 1.5 frames, p90 < the render",
		// Blocked input would wait for the render at the new width: as
		// long as "open a long post not yet rendered: text".
		func(r results) (string, bool, bool) {
			a, ok1 := r.get("resize.input", "sshblog")
			b, ok2 := r.get("open.uncached.text", "sshblog")
			if !ok1 || !ok2 || a.P90 == nil || b.Median == 0 {
				return "", false, false
			}
			x := *a.P90 / b.Median
			return fmt.Sprintf("p90 %.2fx the render", x), a.Median <= 1.5*frame && x < 1, true
		}},
	{"idle.sessions", "4. idle sessions at 100x30 held, no failure", "all held, 0 failures",
		func(r results) (string, bool, bool) {
			a, ok1 := r.get("idle.sessions", "sshblog")
			f, ok2 := r.get("idle.failures", "sshblog")
			if !ok1 || !ok2 {
				return "", false, false
			}
			return fmt.Sprintf("%.0f failed", f.Median), f.Median == 0 && int(a.Median) == a.N, true
		}},
	{"idle.rss", "4. memory per idle session (RSS)", "<= 250 KB and <= 1.0x wish+tea", both(atMost("idle.rss", 250), ratioTo("idle.rss", "sshblog", "minimal", "wish+tea", 1.0), ratioTo("idle.rss", "sshblog", "floor", "floor", math.Inf(1)))},
	{"active.idle.rss", "   memory per session that pressed a key (the app running)", "", nil},
	{"reader.heap", "   heap kept per idle reader (go test -bench IdleReaders, after a GC)", "", nil},
	{"active.reader.heap", "   heap kept per reader who pressed a key (go test -bench ActiveReaders)", "", nil},
	{"idle.cpu", "4. idle CPU, % of one core per 1,000 sessions", "< 5%", atMost("idle.cpu", 5-1e-9)},
	{"idle.goroutines", "4. goroutines per idle session", "<= 8", both(atMost("idle.goroutines", 8), ratioTo("idle.goroutines", "sshblog", "floor", "floor", math.Inf(1)))},
	{"active.idle.goroutines", "   goroutines per session that pressed a key", "", nil},
	{"idle.bytes", "   bytes sent per idle session per second", "", nil},
	{"idle.firstframe", "   first frame while opening the idle sessions", "", nil},
	{"rate", "5. complete sessions per second (connect, first frame, quit)", ">= 0.6x floor",
		func(r results) (string, bool, bool) {
			a, ok1 := r.get("rate", "sshblog")
			b, ok2 := r.get("rate", "floor")
			if !ok1 || !ok2 || b.Median == 0 {
				return "", false, false
			}
			x := a.Median / b.Median
			return fmt.Sprintf("%.2fx floor", x), x >= 0.6, true
		}},
	{"rate.session", "   one complete session under that load", "", nil},
	{"startup", "6. 10,000 posts: exec -> accepting SSH connections", "< 1 s", atMost("startup", 1000-1e-9)},
	{"posts10k.reader.heap", "7. 10,000 posts: heap kept per idle reader (after a GC)", "<= 1.3x 9 posts", ratioOf("posts10k.reader.heap", "reader.heap", "9 posts", 1.3)},
	{"posts10k.idle.rss", "   10,000 posts: RSS per idle session (with garbage not yet collected)", "", nil},
	{"posts10k.active.reader.heap", "7. 10,000 posts: heap kept per reader who pressed a key", "<= 1.3x 9 posts", ratioOf("posts10k.active.reader.heap", "active.reader.heap", "9 posts", 1.3)},
	{"posts10k.active.idle.rss", "   10,000 posts: RSS per session that pressed a key (with garbage not yet collected)", "", nil},
	{"posts10k.idle.goroutines", "   10,000 posts: goroutines per idle session", "", nil},
	{"posts10k.firstframe", "7. 10,000 posts: first frame", "<= 1.5x 9 posts", ratioOf("posts10k.firstframe", "firstframe", "9 posts", 1.5)},
	{"posts10k.open.cached", "   10,000 posts: open a post (enter -> text)", "", nil},
	{"posts10k.filter.key", "   10,000 posts: one filter keystroke -> its matches", "", nil},
	{"posts100k.reader.heap", "8. 100,000 posts: heap kept per idle reader (after a GC)", "<= 1.3x 9 posts", ratioOf("posts100k.reader.heap", "reader.heap", "9 posts", 1.3)},
	{"posts100k.idle.rss", "   100,000 posts: RSS per idle session (with garbage not yet collected)", "", nil},
	{"posts100k.active.idle.rss", "   100,000 posts: memory per session that pressed a key", "", nil},
	{"posts100k.firstframe", "8. 100,000 posts: first frame", "< 50 ms", atMost("posts100k.firstframe", 50-1e-9)},
	{"posts100k.open.cached", "   100,000 posts: open a post (enter -> text)", "", nil},
	{"posts100k.filter.key", "8. 100,000 posts: one filter keystroke -> its matches", "< 30 ms", atMost("posts100k.filter.key", 30-1e-9)},
	{"posts100k.filter.key.query", "   100,000 posts: a whole query typed at once -> its matches", "", nil},
}

func table(fs *flag.FlagSet, args []string) error {
	var (
		in    string
		quick bool
	)
	fs.StringVar(&in, "results", "", "`FILE` of JSON lines written by the other commands' --out (required)")
	fs.BoolVar(&quick, "quick", false, "the results come from a smoke run: say so")
	if err := parse(fs, args); err != nil {
		return err
	}
	if in == "" {
		return usageError("--results is required")
	}
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	res := results{}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r Result
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		if res[r.Measure] == nil {
			res[r.Measure] = map[string]Result{}
		}
		res[r.Measure][r.Label] = r
	}
	if err := sc.Err(); err != nil {
		return err
	}
	printTable(os.Stdout, res, quick)
	return nil
}

func printTable(w io.Writer, res results, quick bool) {
	head := []string{"measure (median / p90)"}
	for _, c := range columns {
		head = append(head, c.title)
	}
	head = append(head, "ratio", "target", "result")
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	passed, failed := 0, 0
	for _, row := range rows {
		if _, ok := res[row.measure]; !ok {
			continue
		}
		cells := []string{row.title}
		for _, c := range columns {
			cells = append(cells, cell(res, row.measure, c.label))
		}
		ratio, verdict := "", ""
		if row.judge != nil {
			r, pass, ok := row.judge(res)
			ratio = r
			switch {
			case !ok:
				verdict = "n/a"
			case pass:
				verdict = "PASS"
				passed++
			default:
				verdict = "FAIL"
				failed++
			}
		}
		cells = append(cells, ratio, row.target, verdict)
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintf(w, "\n%d targets met, %d missed.", passed, failed)
	if quick {
		fmt.Fprintf(w, " Smoke run (--quick): small samples, few idle sessions; the verdicts are only indicative.")
	}
	fmt.Fprintln(w)
	// Notes: what each figure was taken on, once per measure when they agree.
	fmt.Fprintln(w)
	for _, row := range rows {
		var parts []string
		same := true
		first := ""
		for _, c := range columns {
			r, ok := res.get(row.measure, c.label)
			if !ok || r.Note == "" {
				continue
			}
			if len(parts) == 0 {
				first = r.Note
			} else if r.Note != first {
				same = false
			}
			parts = append(parts, c.title+": "+r.Note)
		}
		switch {
		case len(parts) == 0:
		case same:
			fmt.Fprintf(w, "- %s: %s\n", row.measure, first)
		default:
			fmt.Fprintf(w, "- %s: %s\n", row.measure, strings.Join(parts, "; "))
		}
	}
}

func cell(res results, measure, label string) string {
	r, ok := res.get(measure, label)
	if !ok {
		return "–"
	}
	switch measure {
	case "idle.sessions":
		return fmt.Sprintf("%.0f/%d", r.Median, r.N)
	}
	if math.IsNaN(r.Median) {
		return "n/a"
	}
	if r.P90 != nil {
		v := formatValue(r.Median, r.Unit)
		p := formatValue(*r.P90, r.Unit)
		return strings.TrimSuffix(v, " "+r.Unit) + " / " + p
	}
	return formatValue(r.Median, r.Unit)
}
