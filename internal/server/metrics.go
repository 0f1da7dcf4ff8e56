package server

import (
	"runtime"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/sshblog/sshblog/internal/content"
	"github.com/sshblog/sshblog/internal/render"
)

// Metrics are the server's Prometheus metrics. Every label value is
// bounded: kinds, reasons and command names are fixed sets, and slugs come
// from the loaded posts, never from a client.
type Metrics struct {
	Registry *prometheus.Registry

	sessionsActive  *prometheus.GaugeVec
	sessionsTotal   *prometheus.CounterVec
	sessionDuration *prometheus.HistogramVec
	refused         *prometheus.CounterVec
	postViews       *prometheus.CounterVec
	commands        *prometheus.CounterVec
	renderDuration  prometheus.Histogram
	posts           *prometheus.GaugeVec
	panics          *prometheus.CounterVec
	reloadErrors    prometheus.Counter
	loadedAt        prometheus.Gauge
}

// Session kinds.
const (
	kindApp     = "app"
	kindCommand = "command"
)

// NewMetrics creates the metrics in a new registry, with Go runtime and
// process metrics. blog's slugs are the only post labels there will be.
func NewMetrics(version string) *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		sessionsActive: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sshblog_sessions_active", Help: "Sessions open now, by kind (app: the TUI, command: ssh HOST COMMAND).",
		}, []string{"kind"}),
		sessionsTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sshblog_sessions_total", Help: "Sessions started, by kind.",
		}, []string{"kind"}),
		sessionDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "sshblog_session_duration_seconds", Help: "How long sessions lasted, by kind.",
			Buckets: []float64{0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 4 * 3600, 12 * 3600},
		}, []string{"kind"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sshblog_refused_total", Help: "Connections, sessions and requests refused, by the limit or rule that refused them.",
		}, []string{"reason"}),
		postViews: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sshblog_post_views_total", Help: "Posts opened in the app or printed with read, by slug.",
		}, []string{"slug"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "sshblog_commands_total", Help: "SSH commands run, by name (unknown for anything else).",
		}, []string{"command"}),
		renderDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "sshblog_render_duration_seconds", Help: "Time to render a post with glamour (cache misses only).",
			Buckets: []float64{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5},
		}),
		posts: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "sshblog_posts", Help: "Posts by state: loaded (visible), hidden (draft, unpublished, future), broken (skipped with an error).",
		}, []string{"state"}),
	}
	m.reloadErrors = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "sshblog_content_reload_errors_total", Help: "Problems met reloading the posts, each counted once: a broken post (its last good version is still served), or posts that could not be read at all (the last good blog is still served).",
	})
	m.loadedAt = prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "sshblog_content_loaded_timestamp_seconds", Help: "When the blog served was loaded (at start, or by the last reload that swapped it in), in Unix seconds.",
	})
	m.panics = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "sshblog_panics_total", Help: "Panics recovered, by the kind of goroutine; each ended only its own session.",
	}, []string{"in"})
	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "sshblog_build_info", Help: "Always 1; the labels say which build is running.",
	}, []string{"version", "goversion"})
	buildInfo.WithLabelValues(version, runtime.Version()).Set(1)
	reg.MustRegister(m.sessionsActive, m.sessionsTotal, m.sessionDuration, m.refused, m.postViews,
		m.commands, m.renderDuration, m.posts, m.panics, m.reloadErrors, m.loadedAt, buildInfo,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, kind := range []string{kindApp, kindCommand} {
		m.sessionsActive.WithLabelValues(kind)
		m.sessionsTotal.WithLabelValues(kind)
		m.sessionDuration.WithLabelValues(kind)
	}
	for _, reason := range refusalReasons {
		m.refused.WithLabelValues(reason)
	}
	for _, name := range append(commandOrder, "unknown") {
		m.commands.WithLabelValues(name)
	}
	return m
}

// observeBlog records the loaded posts and prepares a zero counter per
// slug, so dashboards see every post from the start. The counters of the
// posts that old (the blog replaced, or nil) had and blog has not go, so
// that the slugs labelled are those of one blog.
func (m *Metrics) observeBlog(blog, old *content.Blog, broken int) {
	if m == nil {
		return
	}
	m.posts.WithLabelValues("loaded").Set(float64(blog.Len()))
	m.posts.WithLabelValues("hidden").Set(float64(blog.Hidden()))
	m.posts.WithLabelValues("broken").Set(float64(broken))
	for _, p := range blog.Posts() {
		m.postViews.WithLabelValues(p.Slug)
	}
	if old != nil {
		for _, p := range old.Posts() {
			if _, ok := blog.Post(p.Slug); !ok {
				m.postViews.DeleteLabelValues(p.Slug)
			}
		}
	}
	m.loadedAt.SetToCurrentTime()
}

func (m *Metrics) reloadFailed(n int) {
	if m == nil || n <= 0 {
		return
	}
	m.reloadErrors.Add(float64(n))
}

// observeRenderer exports the render cache's counters.
func (m *Metrics) observeRenderer(r *render.Renderer) {
	m.Registry.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "sshblog_render_cache_hits_total", Help: "Post renders served from the shared cache.",
		}, func() float64 { return float64(r.Stats().Hits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Name: "sshblog_render_cache_misses_total", Help: "Post renders that had to run glamour.",
		}, func() float64 { return float64(r.Stats().Misses) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sshblog_render_cache_bytes", Help: "Memory held by rendered posts in the cache.",
		}, func() float64 { return float64(r.Stats().Bytes) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sshblog_render_cache_entries", Help: "Rendered posts in the cache.",
		}, func() float64 { return float64(r.Stats().Entries) }),
	)
}

// The methods below accept a nil *Metrics, so the server can run without.

func (m *Metrics) sessionStarted(kind string) {
	if m == nil {
		return
	}
	m.sessionsActive.WithLabelValues(kind).Inc()
	m.sessionsTotal.WithLabelValues(kind).Inc()
}

func (m *Metrics) sessionEnded(kind string, seconds float64) {
	if m == nil {
		return
	}
	m.sessionsActive.WithLabelValues(kind).Dec()
	m.sessionDuration.WithLabelValues(kind).Observe(seconds)
}

// panicked counts a recovered panic; where is one of a fixed set of
// goroutine kinds.
func (m *Metrics) panicked(where string) {
	if m != nil {
		m.panics.WithLabelValues(where).Inc()
	}
}

// observeLimits exports the slots the limiter holds: the truth about
// sessions and connections, whatever the sessions' own bookkeeping says.
func (m *Metrics) observeLimits(l *limiter) {
	if m == nil {
		return
	}
	m.Registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sshblog_session_slots_used", Help: "Session slots held now (against --max-sessions).",
		}, func() float64 { return float64(l.Sessions()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "sshblog_connections_open", Help: "Connections open now (against --max-connections).",
		}, func() float64 { return float64(l.Conns()) }),
	)
}

func (m *Metrics) refusal(reason string) {
	if m != nil {
		m.refused.WithLabelValues(reason).Inc()
	}
}

// postViewed counts a view of a loaded post (the slug is the post's, not a
// client's string).
func (m *Metrics) postViewed(p *content.Post) {
	if m != nil && p != nil {
		m.postViews.WithLabelValues(p.Slug).Inc()
	}
}

func (m *Metrics) commandRun(name string) {
	if m == nil {
		return
	}
	if _, known := commandNames[name]; !known {
		name = "unknown"
	}
	m.commands.WithLabelValues(name).Inc()
}

func (m *Metrics) rendered(seconds float64) {
	if m != nil {
		m.renderDuration.Observe(seconds)
	}
}
