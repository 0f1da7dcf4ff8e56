package server

import (
	"fmt"
	"net/http"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// HTTPHandler serves the operator's endpoints:
//
//	/healthz  200 while the process is alive
//	/readyz   200 while the SSH listener accepts; 503 before it does and
//	          from the moment a shutdown begins, so load balancers drain
//	          the replica before its listener closes; 503 while every
//	          session slot is taken, with the counts
//	/metrics  Prometheus metrics (404 when the server has no Metrics)
func (s *Server) HTTPHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		switch {
		case s.draining.Load():
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("shutting down\n"))
		case !s.accepting.Load():
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("not accepting SSH connections yet\n"))
		case s.limits.Sessions() >= s.Limits.MaxSessions || s.limits.Conns() >= s.Limits.MaxConnections:
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprintf(w, "full: %d of %d sessions, %d of %d connections\n",
				s.limits.Sessions(), s.Limits.MaxSessions, s.limits.Conns(), s.Limits.MaxConnections)
		default:
			w.Write([]byte("ok\n"))
		}
	})
	if s.Metrics != nil {
		metrics := promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{})
		mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
			// Serve registers the blog's and the renderer's metrics: a
			// scrape before would see some and miss others.
			if !s.started.Load() {
				http.Error(w, "not started yet: the metrics are there once the SSH server serves", http.StatusServiceUnavailable)
				return
			}
			metrics.ServeHTTP(w, r)
		})
	}
	return mux
}
