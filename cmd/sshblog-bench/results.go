package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"time"
)

// Result is one figure of one target, as a line of the --out file.
type Result struct {
	Measure string   `json:"measure"` // what: "firstframe", "idle.rss", ...
	Label   string   `json:"label"`   // whom: "floor", "minimal", "sshd+glow", "sshblog"
	Unit    string   `json:"unit"`    // "ms", "KB", "%", "/s", "count", "s"
	Median  float64  `json:"median"`  // or the single value
	P90     *float64 `json:"p90,omitempty"`
	N       int      `json:"n,omitempty"`
	Note    string   `json:"note,omitempty"`
}

// output is where a command's figures go: always stdout, and the --out
// file when set.
type output struct {
	label  string
	prefix string
	file   string
	rows   []Result
}

func (o *output) register(fs *flag.FlagSet, defaultLabel string) {
	fs.StringVar(&o.label, "label", defaultLabel, "name of the target in the results (floor, minimal, sshd+glow, sshblog)")
	fs.StringVar(&o.prefix, "prefix", "", "`PREFIX` of every measure's name (posts10k.: the same measures on another blog)")
	fs.StringVar(&o.file, "out", "", "append the results to this `FILE` as JSON lines (for the table command)")
}

// durations records the median and p90 of samples in milliseconds.
func (o *output) durations(measure string, ds []time.Duration, note string) {
	if len(ds) == 0 {
		return
	}
	med, p90 := percentiles(ds)
	p := msf(p90)
	o.rows = append(o.rows, Result{Measure: o.prefix + measure, Label: o.label, Unit: "ms", Median: msf(med), P90: &p, N: len(ds), Note: note})
}

// value records one figure.
func (o *output) value(measure, unit string, v float64, n int, note string) {
	o.rows = append(o.rows, Result{Measure: o.prefix + measure, Label: o.label, Unit: unit, Median: v, N: n, Note: note})
}

// flush prints the figures and appends them to the --out file.
func (o *output) flush(title string) error {
	fmt.Printf("%s (%s)\n", title, o.label)
	fmt.Printf("  %-34s %12s %12s %6s\n", "", "median", "p90", "n")
	for _, r := range o.rows {
		p90 := ""
		if r.P90 != nil {
			p90 = formatValue(*r.P90, r.Unit)
		}
		fmt.Printf("  %-34s %12s %12s %6d  %s\n", r.Measure, formatValue(r.Median, r.Unit), p90, r.N, r.Note)
	}
	if o.file == "" {
		return nil
	}
	f, err := os.OpenFile(o.file, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for _, r := range o.rows {
		if err := enc.Encode(r); err != nil {
			return err
		}
	}
	return nil
}

func formatValue(v float64, unit string) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	switch unit {
	case "ms":
		if v >= 100 {
			return fmt.Sprintf("%.0f ms", v)
		}
		return fmt.Sprintf("%.1f ms", v)
	case "s":
		return fmt.Sprintf("%.2f s", v)
	case "KB":
		return fmt.Sprintf("%.0f KB", v)
	case "%":
		return fmt.Sprintf("%.2f%%", v)
	case "/s":
		return fmt.Sprintf("%.0f/s", v)
	case "count":
		return fmt.Sprintf("%.0f", v)
	case "":
		return fmt.Sprintf("%.1f", v)
	}
	return strings.TrimSpace(fmt.Sprintf("%.1f %s", v, unit))
}

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// percentiles returns the median and the 90th percentile (nearest rank).
func percentiles(ds []time.Duration) (median, p90 time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, int(math.Ceil(float64(len(s))*0.9))-1)]
}
