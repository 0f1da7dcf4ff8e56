package server_test

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/sshblog/sshblog/internal/server"
	"github.com/sshblog/sshblog/internal/sshtest"
)

// serveHTTP serves the server's operator endpoints on a loopback port.
func serveHTTP(t *testing.T, srv *server.Server) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: srv.HTTPHandler()}
	go hs.Serve(l)
	t.Cleanup(func() { hs.Close() })
	return "http://" + l.Addr().String()
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// scrape parses /metrics with the Prometheus text parser.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	code, body := get(t, base+"/metrics")
	if code != 200 {
		t.Fatalf("/metrics: HTTP %d", code)
	}
	parser := expfmt.NewTextParser(model.LegacyValidation)
	families, err := parser.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	return families
}

// value finds the sample of family whose labels include want.
func value(t *testing.T, families map[string]*dto.MetricFamily, family string, want map[string]string) float64 {
	t.Helper()
	f, ok := families[family]
	if !ok {
		t.Fatalf("metric %s missing", family)
	}
	for _, m := range f.GetMetric() {
		match := true
		for k, v := range want {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == k && lp.GetValue() == v {
					found = true
				}
			}
			match = match && found
		}
		if !match {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	t.Fatalf("metric %s has no sample with labels %v", family, want)
	return 0
}

func TestMetricsCountSessionsCommandsAndViews(t *testing.T) {
	addr, srv := startServer(t, func(s *server.Server) {
		s.Metrics = server.NewMetrics("test")
		s.Limits.SessionsPerConn = 1
	})
	base := serveHTTP(t, srv)
	before := scrape(t, base)
	if got := value(t, before, "sshblog_posts", map[string]string{"state": "loaded"}); got != float64(srv.Blog.Len()) {
		t.Errorf("posts loaded = %v, want %d", got, srv.Blog.Len())
	}

	// Two commands, one unknown command, one read, one refused session,
	// and one app session that opens a post.
	sshtest.Run(t, addr, "ls")
	sshtest.Run(t, addr, "read aws-in-action")
	sshtest.Run(t, addr, "frobnicate")
	client := sshtest.Dial(t, addr)
	keep, _ := client.NewSession()
	if _, err := client.NewSession(); err == nil {
		t.Fatal("second session on a connection with a limit of 1 was accepted")
	}
	keep.Close()
	tm := sshtest.Open(t, addr, 100, 30, sshtest.TermOptions{Command: "aws-in-action"})
	tm.WaitFor("장별 요약")
	tm.Type("\x03")
	tm.WaitExit()

	var after map[string]*dto.MetricFamily
	deadline := time.Now().Add(5 * time.Second)
	for {
		after = scrape(t, base)
		if value(t, after, "sshblog_sessions_active", map[string]string{"kind": "app"}) == 0 &&
			value(t, after, "sshblog_sessions_active", map[string]string{"kind": "command"}) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	delta := func(family string, labels map[string]string) float64 {
		return value(t, after, family, labels) - value(t, before, family, labels)
	}
	checks := []struct {
		family string
		labels map[string]string
		want   float64
	}{
		{"sshblog_sessions_total", map[string]string{"kind": "command"}, 3},
		{"sshblog_sessions_total", map[string]string{"kind": "app"}, 1},
		{"sshblog_sessions_active", map[string]string{"kind": "app"}, 0},
		{"sshblog_session_duration_seconds", map[string]string{"kind": "app"}, 1},
		{"sshblog_commands_total", map[string]string{"command": "ls"}, 1},
		{"sshblog_commands_total", map[string]string{"command": "read"}, 1},
		{"sshblog_commands_total", map[string]string{"command": "unknown"}, 1},
		{"sshblog_post_views_total", map[string]string{"slug": "aws-in-action"}, 2},
		{"sshblog_refused_total", map[string]string{"reason": server.RefusedSessionsPerConn}, 1},
		{"sshblog_render_cache_misses_total", nil, 2}, // plain (read) and dark (app)
	}
	for _, c := range checks {
		if got := delta(c.family, c.labels); got != c.want {
			t.Errorf("%s%v moved by %v, want %v", c.family, c.labels, got, c.want)
		}
	}
	if value(t, after, "sshblog_render_duration_seconds", nil) < 2 {
		t.Error("render duration histogram did not record the renders")
	}
	if value(t, after, "sshblog_build_info", map[string]string{"version": "test"}) != 1 {
		t.Error("build info missing")
	}
	// No label comes from a client: the unknown command is not a label.
	if _, body := get(t, base+"/metrics"); strings.Contains(body, "frobnicate") {
		t.Error("a client's command name became a label value")
	}
}

func TestReadyzTurns503WhenShutdownBegins(t *testing.T) {
	addr, srv := startServer(t)
	base := serveHTTP(t, srv)
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Fatalf("/healthz = %d", code)
	}
	// startServer returns once the server serves.
	if code, body := get(t, base+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d %q while serving", code, body)
	}
	// An open session keeps the shutdown waiting.
	tm := sshtest.Open(t, addr, 80, 24, sshtest.TermOptions{})
	tm.WaitFor("posts")
	done := shutdownInBackground(t, srv, 3*time.Second)
	deadline := time.Now().Add(2 * time.Second)
	for {
		code, body := get(t, base+"/readyz")
		if code == 503 {
			if !strings.Contains(body, "shutting down") {
				t.Errorf("/readyz body %q", body)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/readyz still 200 during shutdown")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if code, _ := get(t, base+"/healthz"); code != 200 {
		t.Error("/healthz failed during shutdown: the process is still alive")
	}
	tm.WaitFor("restarting")
	tm.Type("\x03")
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Shutdown with every session ended: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown did not return after the last session ended")
	}
}

// An operator's HTTP endpoints come up before the SSH server: until it
// serves, /metrics says so rather than showing some metrics and not others
// (the renderer's are registered when it starts).
func TestMetricsBeforeServingSayNotStarted(t *testing.T) {
	signer, _, err := server.LoadHostKey(t.TempDir() + "/host_ed25519")
	if err != nil {
		t.Fatal(err)
	}
	_, ref := startServer(t) // the embedded blog, loaded once
	srv := &server.Server{Blog: ref.Blog, HostKey: signer, Metrics: server.NewMetrics("test")}
	base := serveHTTP(t, srv)
	if code, body := get(t, base+"/metrics"); code != http.StatusServiceUnavailable || !strings.Contains(body, "not started") {
		t.Errorf("/metrics before Serve: HTTP %d %q, want 503 saying it has not started", code, body)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	for deadline := time.Now().Add(sshtest.DefaultTimeout); ; time.Sleep(time.Millisecond) {
		if code, _ := get(t, base+"/metrics"); code == http.StatusOK {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("/metrics never answered after Serve")
		}
	}
	value(t, scrape(t, base), "sshblog_render_cache_misses_total", nil)
}
