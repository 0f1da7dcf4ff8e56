package main

import (
	"flag"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// rate runs complete sessions back to back from --concurrency workers for
// --duration: connect, PTY, first frame, ctrl+c, the server closes the
// session, close. It reports completed sessions per second.
func rate(fs *flag.FlagSet, args []string) error {
	var (
		c           clientFlags
		out         output
		duration    time.Duration
		concurrency int
		maxSessions int
		title       string
	)
	c.register(fs)
	out.register(fs, "sshblog")
	fs.DurationVar(&duration, "duration", 10*time.Second, "how long to run")
	fs.IntVar(&concurrency, "concurrency", 8, "sessions in flight at once")
	fs.IntVar(&maxSessions, "max-sessions", 100000, "stop after this many sessions, whatever the time")
	fs.StringVar(&title, "title", "Welcome to sshblog", "text that marks the first frame")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := c.load(); err != nil {
		return err
	}
	raiseFileLimit()
	var (
		mu       sync.Mutex
		lat      []time.Duration
		failures = map[string]int{}
		started  int
	)
	start := time.Now()
	deadline := start.Add(duration)
	var wg sync.WaitGroup
	for w := 0; w < concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				mu.Lock()
				if started >= maxSessions {
					mu.Unlock()
					return
				}
				started++
				mu.Unlock()
				d, err := oneSession(&c, title)
				mu.Lock()
				if err != nil {
					failures[firstLine(err.Error())]++
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	nFail := 0
	var parts []string
	for k, v := range failures {
		nFail += v
		parts = append(parts, fmt.Sprintf("%d× %s", v, k))
	}
	sort.Strings(parts)
	note := fmt.Sprintf("%d workers, %s, %d complete, %d failed", concurrency, elapsed.Round(time.Millisecond), len(lat), nFail)
	if nFail > 0 {
		note += ": " + strings.Join(parts, "; ")
	}
	out.value("rate", "/s", float64(len(lat))/elapsed.Seconds(), len(lat), note)
	out.value("rate.failures", "count", float64(nFail), started, "")
	out.durations("rate.session", lat, "one complete session under that load")
	return out.flush(fmt.Sprintf("complete sessions per second, %s", c.addr))
}

// oneSession is connect, first frame, ctrl+c, the session ends, close.
func oneSession(c *clientFlags, title string) (time.Duration, error) {
	m := newMatcher(title)
	start := time.Now()
	cn, err := dialPTY(c, c.cols, c.rows, m, start)
	if err != nil {
		return 0, fmt.Errorf("connect: %w", err)
	}
	defer cn.close()
	select {
	case <-m.found:
	case <-cn.ended:
		return 0, fmt.Errorf("session ended before its first frame")
	case <-time.After(c.timeout):
		return 0, fmt.Errorf("no first frame within %s", c.timeout)
	}
	if !cn.quit(c.timeout) {
		return 0, fmt.Errorf("session still open %s after ctrl+c", c.timeout)
	}
	return time.Since(start), nil
}
