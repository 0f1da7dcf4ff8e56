package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// filterKey times one keystroke of the list's "/" filter: with --query
// typed and its matches on screen (--before shows), the time from the next
// key (--type) to its matches on screen (--after shows, --before is gone).
// Every connection is new; the filter runs over the whole blog each time.
func filterKey(fs *flag.FlagSet, args []string) error {
	var (
		c                 clientFlags
		out               output
		n                 int
		title, query, key string
		before, after     string
		measure           string
	)
	c.register(fs)
	out.register(fs, "sshblog")
	fs.IntVar(&n, "n", 10, "connections to measure")
	fs.StringVar(&title, "title", "Generated post", "text that marks the first frame")
	fs.StringVar(&query, "query", "post 123", "`TEXT` typed after / before the key timed")
	fs.StringVar(&key, "type", "4", "the key timed")
	fs.StringVar(&before, "before", "Generated post 9123", "text on screen once --query's matches are (the newest: words with 1, 2, 3 in order match too)")
	fs.StringVar(&after, "after", "Generated post 1234", "text on screen once the key's matches are (--before then gone)")
	fs.StringVar(&measure, "measure", "filter.key", "the measure's name")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.load(); err != nil {
		return err
	}
	var keys, queries []time.Duration
	for i := 0; i < n; i++ {
		q, k, err := timeFilter(&c, title, query, key, before, after)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i+1, err)
		}
		queries = append(queries, q)
		keys = append(keys, k)
	}
	out.durations(measure, keys, fmt.Sprintf("%dx%d, /%s then %q -> its matches on screen", c.cols, c.rows, query, key))
	out.durations(measure+".query", queries, fmt.Sprintf("/%s typed at once -> its matches on screen", query))
	return out.flush(fmt.Sprintf("filtering the list, %s", c.addr))
}

func timeFilter(c *clientFlags, title, query, key, before, after string) (q, k time.Duration, err error) {
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
	start := time.Now()
	if _, err := io.WriteString(cn.stdin, "/"+query); err != nil {
		return 0, 0, err
	}
	seen, err := scr.waitFor(before, c.timeout)
	if err != nil {
		return 0, 0, err
	}
	q = seen.Sub(start)
	start = time.Now()
	if _, err := io.WriteString(cn.stdin, key); err != nil {
		return 0, 0, err
	}
	seen, err = scr.waitUntil(fmt.Sprintf("%q and not %q", after, before), func(t string) bool {
		return strings.Contains(t, after) && !strings.Contains(t, before)
	}, c.timeout)
	if err != nil {
		return 0, 0, err
	}
	return q, seen.Sub(start), nil
}
