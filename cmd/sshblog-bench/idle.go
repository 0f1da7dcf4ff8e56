package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	gossh "golang.org/x/crypto/ssh"
)

// idle opens N PTY sessions (one per connection), waits for each one's
// first frame, holds them all open and idle, and reads the server's RSS
// and CPU time from /proc. Only the server's own CPU time counts: the
// clients run in this process, on the same cores.
func idle(fs *flag.FlagSet, args []string) error {
	var (
		c           clientFlags
		out         output
		sessions    int
		hold        time.Duration
		settle      time.Duration
		pid         int
		concurrency int
		title       string
		metricsURL  string
		maxTime     time.Duration
		keys        string
	)
	c.register(fs)
	out.register(fs, "sshblog")
	fs.IntVar(&sessions, "sessions", 2000, "idle sessions to hold")
	fs.DurationVar(&hold, "hold", 60*time.Second, "how long to hold them once all are open")
	fs.DurationVar(&settle, "settle", 2*time.Second, "wait after the last first frame before sampling")
	fs.IntVar(&pid, "pid", 0, "the server's process id, for /proc/PID (required)")
	fs.IntVar(&concurrency, "concurrency", 16, "sessions being opened at once")
	fs.StringVar(&title, "title", "Welcome to sshblog", "text that marks the first frame")
	fs.StringVar(&metricsURL, "metrics", "", "`URL` of a Prometheus /metrics with go_goroutines (optional)")
	fs.DurationVar(&maxTime, "max-time", 10*time.Minute, "give up entirely after this long")
	fs.StringVar(&keys, "keys", "", "`KEYS` each session types after its first frame (j: readers who moved on the list, not idle ones)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if pid <= 0 {
		return usageError("--pid is required")
	}
	if err := c.load(); err != nil {
		return err
	}
	raiseFileLimit()
	ctx, cancel := context.WithTimeout(context.Background(), maxTime)
	defer cancel()

	base, err := readRSS(pid)
	if err != nil {
		return err
	}
	baseG, baseGErr := goroutines(metricsURL)

	// Open the sessions, a few at a time.
	type idleSession struct {
		cn *conn
		m  *matcher
	}
	var (
		mu       sync.Mutex
		open     []idleSession
		frames   []time.Duration
		failures = map[string]int{}
		failed   atomic.Int64
	)
	fail := func(what string, err error) {
		failed.Add(1)
		msg := what
		if err != nil {
			msg += ": " + firstLine(err.Error())
		}
		mu.Lock()
		failures[msg]++
		mu.Unlock()
	}
	rampStart := time.Now()
	sem := make(chan struct{}, concurrency)
	var wg sync.WaitGroup
	for i := 0; i < sessions && ctx.Err() == nil; i++ {
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			m := newMatcher(title)
			start := time.Now()
			cn, err := dialPTY(&c, c.cols, c.rows, m, start)
			if err != nil {
				fail("connect", err)
				return
			}
			select {
			case <-m.found:
			case <-cn.ended:
				fail("session ended before its first frame", cn.err)
				cn.close()
				return
			case <-time.After(c.timeout):
				fail("no first frame within "+c.timeout.String(), nil)
				cn.close()
				return
			}
			if keys != "" {
				if _, err := io.WriteString(cn.stdin, keys); err != nil {
					fail("typing --keys", err)
					cn.close()
					return
				}
			}
			mu.Lock()
			open = append(open, idleSession{cn, m})
			frames = append(frames, time.Since(start))
			mu.Unlock()
		}()
	}
	wg.Wait()
	ramp := time.Since(rampStart)
	fmt.Fprintf(os.Stderr, "idle: %d sessions open in %s (%d failed); holding %s\n", len(open), ramp.Round(time.Millisecond), failed.Load(), hold)

	closeAll := func() {
		var wg sync.WaitGroup
		sem := make(chan struct{}, 64)
		for _, s := range open {
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { <-sem }()
				s.cn.close()
			}()
		}
		wg.Wait()
	}
	defer closeAll()

	// Hold: settle, then sample the server's CPU time over the rest.
	sleepCtx(ctx, settle)
	cpu0, err := readCPUTicks(pid)
	if err != nil {
		return err
	}
	var bytesBefore int64
	for _, s := range open {
		bytesBefore += s.m.bytesAfter()
	}
	t0 := time.Now()
	var rss []int64
	var gor []int
	sampleEvery := max(hold/20, 250*time.Millisecond)
	for time.Since(t0) < hold && ctx.Err() == nil {
		sleepCtx(ctx, min(sampleEvery, hold-time.Since(t0)))
		if r, err := readRSS(pid); err == nil {
			rss = append(rss, r)
		}
		if len(gor) == 0 && time.Since(t0) > hold/2 {
			if g, err := goroutines(metricsURL); err == nil {
				gor = append(gor, g)
			}
		}
	}
	held := time.Since(t0)
	cpu1, err := readCPUTicks(pid)
	if err != nil {
		return err
	}
	if ctx.Err() != nil {
		return fmt.Errorf("--max-time %s reached before the hold ended", maxTime)
	}

	// Every session must still be there: ended sessions, or connections
	// that no longer answer a keepalive, are failures.
	afterBytes := -bytesBefore
	var wg2 sync.WaitGroup
	sem2 := make(chan struct{}, 64)
	for _, s := range open {
		afterBytes += s.m.bytesAfter()
		if s.cn.exited() {
			fail("session ended during the hold", s.cn.err)
			continue
		}
		sem2 <- struct{}{}
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			defer func() { <-sem2 }()
			if err := keepalive(s.cn.client, 5*time.Second); err != nil {
				fail("connection dead after the hold", err)
			}
		}()
	}
	wg2.Wait()

	ok := sessions - int(failed.Load())
	medRSS := medianInt(rss)
	perSession := float64(medRSS-base) / float64(max(1, len(open)))
	cpuPct := float64(cpu1-cpu0) / clockTicks / held.Seconds() * 100
	per1000 := cpuPct * 1000 / float64(max(1, len(open)))

	window := fmt.Sprintf("%d sessions at %dx%d held %s", sessions, c.cols, c.rows, hold)
	out.value("idle.sessions", "count", float64(ok), sessions, window)
	failNote := "none"
	if len(failures) > 0 {
		var parts []string
		for k, v := range failures {
			parts = append(parts, fmt.Sprintf("%d× %s", v, k))
		}
		sort.Strings(parts)
		failNote = strings.Join(parts, "; ")
	}
	out.value("idle.failures", "count", float64(failed.Load()), sessions, failNote)
	out.value("idle.rss", "KB", perSession/1024, len(open), fmt.Sprintf("RSS %s before, %s held", mib(base), mib(medRSS)))
	out.value("idle.cpu", "%", per1000, len(open), fmt.Sprintf("server CPU %.2f%% of one core over %s", cpuPct, held.Round(time.Second)))
	out.value("idle.bytes", "", float64(afterBytes)/float64(max(1, len(open)))/held.Seconds(), len(open), "bytes per session per second sent while idle")
	if len(gor) > 0 && baseGErr == nil {
		out.value("idle.goroutines", "", float64(gor[0]-baseG)/float64(max(1, len(open))), len(open), fmt.Sprintf("goroutines %d before, %d held", baseG, gor[0]))
	}
	out.durations("idle.firstframe", frames, fmt.Sprintf("first frames while opening (%d at once), all open in %s", concurrency, ramp.Round(time.Millisecond)))
	return out.flush(fmt.Sprintf("idle sessions, %s", c.addr))
}

// clockTicks is USER_HZ, the unit of utime and stime in /proc/PID/stat: 100
// on every Linux architecture Go supports.
const clockTicks = 100

func readCPUTicks(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name may contain spaces: fields start after the last ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	f := strings.Fields(s[i+1:])
	// f[0] is field 3 (state); utime and stime are fields 14 and 15.
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: unexpected format", pid)
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, err
	}
	return ut + st, nil
}

// readRSS is the process's resident set size in bytes.
func readRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("/proc/%d/status: no VmRSS", pid)
}

// goroutines reads go_goroutines from a Prometheus text endpoint.
func goroutines(url string) (int, error) {
	if url == "" {
		return 0, errors.New("no --metrics")
	}
	cl := http.Client{Timeout: 5 * time.Second}
	resp, err := cl.Get(url)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "go_goroutines "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return int(f), err
		}
	}
	return 0, fmt.Errorf("%s: no go_goroutines", url)
}

func keepalive(c *gossh.Client, timeout time.Duration) error {
	done := make(chan error, 1)
	go func() {
		_, _, err := c.SendRequest("keepalive@openssh.com", true, nil)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		return errTimeout
	}
}

func sleepCtx(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

func medianInt(v []int64) int64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]int64(nil), v...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}
