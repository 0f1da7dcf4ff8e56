package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
)

// openPost times enter -> the post's text on screen.
//
// By default the newest post is opened twice per connection at the same
// width: the second open is a post already rendered at that width (the
// "cached" figure), the first is the first open on that connection.
//
// With --uncached every connection uses a width no connection used before
// (--cols + i; then --cols + n + i for the resize), so the post was never
// rendered at that width (keep them under the app's widest reading column:
// sshblog's is 100, and wider windows share its rendering): it times
// enter -> the placeholder (--placeholder) or the text, whichever shows
// first, and enter -> the text. Then it resizes to another new width and at
// once types q (back to the list): resize -> list on screen shows whether
// a resize blocks input. --probe adds a second reader on the list who
// moves the selection every 25 ms during all this: key -> next output is
// how long other readers wait while posts render.
func openPost(fs *flag.FlagSet, args []string) error {
	var (
		c            clientFlags
		out          output
		n, warmup    int
		title, body  string
		placeholder  string
		uncached     bool
		probe        bool
		pause        time.Duration
		measurePrefx string
	)
	c.register(fs)
	out.register(fs, "sshblog")
	fs.IntVar(&n, "n", 30, "connections to measure")
	fs.IntVar(&warmup, "warmup", 1, "connections made first and not counted (cached mode only)")
	fs.StringVar(&title, "title", "Welcome to sshblog", "text on the list that marks the first frame (the newest post's title)")
	fs.StringVar(&body, "body", "You are reading this inside an SSH session", "text of the newest post's body that marks it on screen")
	fs.StringVar(&placeholder, "placeholder", "Rendering…", "text the app shows while a post renders")
	fs.BoolVar(&uncached, "uncached", false, "open at a width never used before on every connection (see above)")
	fs.BoolVar(&probe, "probe", false, "with --uncached: time another reader's keys meanwhile")
	fs.DurationVar(&pause, "pause", 300*time.Millisecond, "with --uncached: wait between connections so renders left running finish")
	fs.StringVar(&measurePrefx, "measure", "", "prefix of the measures' names (default: open. or open.uncached.)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.load(); err != nil {
		return err
	}
	if !uncached {
		if measurePrefx == "" {
			measurePrefx = "open."
		}
		var firsts, cached []time.Duration
		for i := -warmup; i < n; i++ {
			first, again, err := openCached(&c, title, body)
			if err != nil {
				return fmt.Errorf("connection %d: %w", i+1, err)
			}
			if i >= 0 {
				firsts = append(firsts, first)
				cached = append(cached, again)
			}
		}
		note := fmt.Sprintf("%dx%d, enter -> %q", c.cols, c.rows, shorten(body))
		out.durations(measurePrefx+"cached", cached, note+", second open on the connection")
		out.durations(measurePrefx+"first", firsts, note+", first open on the connection")
		return out.flush(fmt.Sprintf("opening a post, %s", c.addr))
	}

	if measurePrefx == "" {
		measurePrefx = "open.uncached."
	}
	var probeLat []time.Duration
	var probeFail int
	stopProbe := func() {}
	if probe {
		pr, err := startProbe(&c, title)
		if err != nil {
			return fmt.Errorf("probe reader: %w", err)
		}
		stopProbe = func() { probeLat, probeFail = pr.stop() }
	}
	var placeholders, texts, resizes []time.Duration
	var sawPlaceholder int
	for i := 0; i < n; i++ {
		res, err := openUncached(&c, c.cols+i, c.cols+n+i, title, body, placeholder)
		if err != nil {
			stopProbe()
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		placeholders = append(placeholders, res.placeholder)
		texts = append(texts, res.text)
		resizes = append(resizes, res.resize)
		if res.sawPlaceholder {
			sawPlaceholder++
		}
		time.Sleep(pause)
	}
	stopProbe()
	widths := fmt.Sprintf("widths %d-%d", c.cols, c.cols+n-1)
	out.durations(measurePrefx+"placeholder", placeholders, fmt.Sprintf("enter -> %q or the text; placeholder seen %d/%d; %s", placeholder, sawPlaceholder, n, widths))
	out.durations(measurePrefx+"text", texts, "enter -> "+fmt.Sprintf("%q", shorten(body))+", "+widths)
	out.durations("resize.input", resizes, "resize to a new width, then q at once -> list on screen")
	if probe {
		note := "another reader's j/k -> next output, during the renders"
		if probeFail > 0 {
			note += fmt.Sprintf("; %d keys got no output within 1s", probeFail)
		}
		out.durations("others.key", probeLat, note)
	}
	return out.flush(fmt.Sprintf("opening a post not yet rendered at that width, %s", c.addr))
}

func shorten(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// openCached opens the newest post, goes back, and opens it again.
func openCached(c *clientFlags, title, body string) (first, again time.Duration, err error) {
	scr := newScreen(c.cols, c.rows)
	cn, err := dialPTY(c, c.cols, c.rows, scr, time.Now())
	if err != nil {
		return 0, 0, err
	}
	defer cn.close()
	scr.answer(cn.stdin)
	defer scr.stop()
	if _, err := scr.waitFor(title, c.timeout); err != nil {
		return 0, 0, err
	}
	if strings.Contains(scr.text(), body) {
		return 0, 0, fmt.Errorf("--body %q is already on the list's screen: pick text only the post has", body)
	}
	first, err = enterUntil(cn, scr, body, c.timeout)
	if err != nil {
		return 0, 0, err
	}
	io.WriteString(cn.stdin, "q") // back to the list
	if _, err := scr.waitGone(body, c.timeout); err != nil {
		return 0, 0, err
	}
	if _, err := scr.waitFor(title, c.timeout); err != nil {
		return 0, 0, err
	}
	again, err = enterUntil(cn, scr, body, c.timeout)
	if err != nil {
		return 0, 0, err
	}
	cn.quit(2 * time.Second)
	return first, again, nil
}

func enterUntil(cn *conn, scr *screen, text string, timeout time.Duration) (time.Duration, error) {
	t0 := time.Now()
	io.WriteString(cn.stdin, "\r")
	seen, err := scr.waitFor(text, timeout)
	if err != nil {
		return 0, err
	}
	return seen.Sub(t0), nil
}

type uncachedResult struct {
	placeholder, text, resize time.Duration
	sawPlaceholder            bool
}

func openUncached(c *clientFlags, cols, resizeCols int, title, body, placeholder string) (uncachedResult, error) {
	var r uncachedResult
	scr := newScreen(cols, c.rows)
	cn, err := dialPTY(c, cols, c.rows, scr, time.Now())
	if err != nil {
		return r, err
	}
	defer cn.close()
	scr.answer(cn.stdin)
	defer scr.stop()
	if _, err := scr.waitFor(title, c.timeout); err != nil {
		return r, err
	}
	t0 := time.Now()
	io.WriteString(cn.stdin, "\r")
	seen, err := scr.waitUntil("placeholder or text", func(s string) bool {
		if strings.Contains(s, placeholder) {
			r.sawPlaceholder = true
			return true
		}
		return strings.Contains(s, body)
	}, c.timeout)
	if err != nil {
		return r, err
	}
	r.placeholder = seen.Sub(t0)
	seen, err = scr.waitFor(body, c.timeout)
	if err != nil {
		return r, err
	}
	r.text = seen.Sub(t0)

	// Resize to a width never rendered, and at once go back to the list.
	scr.resize(resizeCols, c.rows)
	t1 := time.Now()
	if err := cn.sess.WindowChange(c.rows, resizeCols); err != nil {
		return r, err
	}
	io.WriteString(cn.stdin, "q")
	seen, err = scr.waitUntil("the list after resize and q", func(s string) bool {
		return strings.Contains(s, title) && !strings.Contains(s, body) && !strings.Contains(s, placeholder)
	}, c.timeout)
	if err != nil {
		return r, err
	}
	r.resize = seen.Sub(t1)
	cn.quit(2 * time.Second)
	return r, nil
}

// probe is another reader on the list pressing j and k.
type probe struct {
	done    chan struct{}
	wg      sync.WaitGroup
	lat     []time.Duration
	failed  int
	closeFn func()
}

func startProbe(c *clientFlags, title string) (*probe, error) {
	scr := newScreen(c.cols, c.rows)
	cn, err := dialPTY(c, c.cols, c.rows, scr, time.Now())
	if err != nil {
		return nil, err
	}
	scr.answer(cn.stdin)
	if _, err := scr.waitFor(title, c.timeout); err != nil {
		cn.close()
		scr.stop()
		return nil, err
	}
	p := &probe{done: make(chan struct{}), closeFn: func() { cn.quit(time.Second); cn.close(); scr.stop() }}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		keys := []string{"j", "k"}
		deadline := time.Now().Add(10 * time.Minute) // bounded, whatever happens
		for i := 0; i < 100000 && time.Now().Before(deadline); i++ {
			select {
			case <-p.done:
				return
			case <-time.After(25 * time.Millisecond):
			}
			before := scr.writeCount()
			t0 := time.Now()
			io.WriteString(cn.stdin, keys[i%2])
			seen, err := scr.waitWrite(before, time.Second)
			if err != nil {
				p.failed++
				continue
			}
			p.lat = append(p.lat, seen.Sub(t0))
		}
	}()
	return p, nil
}

func (p *probe) stop() ([]time.Duration, int) {
	close(p.done)
	p.wg.Wait()
	p.closeFn()
	return p.lat, p.failed
}
