package kubetest

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// What one server process may hold at most, figure by figure. Each is a
// budget rounded up from a measurement, which is said with it; when the
// server changes what it keeps per session or per connection, measure
// again (scripts/bench.sh) and change the figure here and in the comments
// of deployment.yaml, compose.yaml and the Dockerfile.
const (
	// processBytes is the server with no connection and an empty render
	// cache: the runtime, the binary's data and the posts. scripts/bench.sh's
	// idle test measures 32-35 MiB RSS before the first connection with the
	// embedded posts; a --content folder adds about twice its size (each
	// post's file and its body). 48 MiB leaves room for a few MiB of posts.
	processBytes = 48 << 20

	// renderBytes is one glamour render in flight. A post of
	// content.MaxPostBytes (512 KiB) rendered at width 100 (the widest
	// reading column) peaks at 25-28 MiB of live heap (measured with GOGC=5);
	// its result, 8 MiB, then goes into the render cache, which is counted
	// by its own bound. The renderer runs GOMAXPROCS renders at once
	// (render.Options.MaxRenders); the others queue.
	renderBytes = 32 << 20

	// sessionBytes is one session. README.md, "Performance": 668 KB RSS per
	// idle 100x30 session (2,000 held 60 s, GC slack included); at 500x200,
	// the --max-window clamp, 792 KB RSS and 385 KB when GOMEMLIMIT makes
	// the GC keep up. A session reading a post also holds its view of the
	// rendered text (the text itself is in the shared, bounded cache).
	sessionBytes = 1 << 20

	// connBytes is a connection that finished the SSH handshake and opened
	// no session: ~53 KB measured (the SSH connection's buffers, keys and
	// goroutines). Sessions are counted on top of their connections.
	connBytes = 64 << 10

	// maxGoMemLimitShare bounds GOMEMLIMIT against the container's limit.
	// GOMEMLIMIT counts only the Go runtime's memory; the rest of the limit
	// is for what the cgroup also charges: the binary's pages, the kernel's
	// socket buffers, and the heap's overshoot while the GC catches up.
	maxGoMemLimitShare = 0.90

	// measuredPostBytes is the content.MaxPostBytes that renderBytes was
	// measured for.
	measuredPostBytes = 512 << 10
)

// memorySettings is what decides a container's worst case.
type memorySettings struct {
	limit       int64 // the container's memory limit
	goMemLimit  int64 // GOMEMLIMIT
	sessions    int64 // SSHBLOG_MAX_SESSIONS
	connections int64 // SSHBLOG_MAX_CONNECTIONS
	renders     int64 // renders at once: GOMAXPROCS
}

// worstCase is the most the Go runtime may have to hold: every session and
// connection open, every render slot busy and the render cache full.
func (m memorySettings) worstCase(cacheBytes int64) int64 {
	return processBytes + cacheBytes + m.renders*renderBytes + m.sessions*sessionBytes + m.connections*connBytes
}

func (m memorySettings) String() string {
	return fmt.Sprintf("limit %s, GOMEMLIMIT %s, %d sessions, %d connections, %d renders at once",
		mib(m.limit), mib(m.goMemLimit), m.sessions, m.connections, m.renders)
}

// problems says why readers could push a container with m past its limit;
// nothing when they cannot.
func (m memorySettings) problems(cacheBytes int64) []string {
	var p []string
	if float64(m.goMemLimit) > maxGoMemLimitShare*float64(m.limit) {
		p = append(p, fmt.Sprintf("GOMEMLIMIT %s is %.0f%% of the memory limit %s, over %.0f%%: too little is left for what is not Go heap",
			mib(m.goMemLimit), 100*float64(m.goMemLimit)/float64(m.limit), mib(m.limit), 100*maxGoMemLimitShare))
	}
	if w := m.worstCase(cacheBytes); w > m.goMemLimit {
		p = append(p, fmt.Sprintf("the worst case %s = %s process + %s render cache + %d renders x %s + %d sessions x %s + %d connections x %s exceeds GOMEMLIMIT %s: lower SSHBLOG_MAX_SESSIONS or SSHBLOG_MAX_CONNECTIONS, or raise the limit and GOMEMLIMIT",
			mib(w), mib(processBytes), mib(cacheBytes), m.renders, mib(renderBytes), m.sessions, mib(sessionBytes),
			m.connections, mib(connBytes), mib(m.goMemLimit)))
	}
	return p
}

func mib(n int64) string {
	switch {
	case n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n < 1<<20 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%.1fMiB", float64(n)/(1<<20))
}

// settingsFrom reads the settings from a container's memory limit (bytes),
// CPU limit (millicores; 0: none) and environment.
func settingsFrom(limit, cpuMilli int64, env func(string) (string, bool)) (memorySettings, []string) {
	m := memorySettings{limit: limit}
	var p []string
	if limit <= 0 {
		p = append(p, "no memory limit")
	}
	if v, ok := env("GOMEMLIMIT"); !ok {
		p = append(p, "GOMEMLIMIT is not set: the GC would let garbage grow to the limit")
	} else if n, err := parseGoMemLimit(v); err != nil {
		p = append(p, err.Error())
	} else {
		m.goMemLimit = n
	}
	// The server's defaults (2000 sessions, 4000 connections) fit no
	// small container: both must be chosen with the limit.
	for name, dst := range map[string]*int64{"SSHBLOG_MAX_SESSIONS": &m.sessions, "SSHBLOG_MAX_CONNECTIONS": &m.connections} {
		v, ok := env(name)
		if !ok {
			p = append(p, name+" is not set: the server's default is for a machine, not this container")
			continue
		}
		n, err := strconv.ParseInt(v, 0, 64) // as the flag package reads an int
		if err != nil || n < 1 {
			p = append(p, fmt.Sprintf("%s=%q is not a positive number", name, v))
			continue
		}
		*dst = n
	}
	// The Go runtime's GOMAXPROCS under a CPU limit is the limit rounded
	// up, at least 2 (Go 1.25 and later).
	if v, ok := env("GOMAXPROCS"); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 1 {
			p = append(p, fmt.Sprintf("GOMAXPROCS=%q is not a positive number", v))
		}
		m.renders = n
	} else if cpuMilli > 0 {
		m.renders = max(2, int64(math.Ceil(float64(cpuMilli)/1000)))
	} else {
		p = append(p, "no CPU limit and no GOMAXPROCS: the server would run as many renders at once as the host has cores")
	}
	return m, p
}

// parseGoMemLimit reads GOMEMLIMIT as the Go runtime does: a byte count,
// optionally followed by B, KiB, MiB, GiB or TiB.
func parseGoMemLimit(v string) (int64, error) {
	num, shift := v, 0
	for i, unit := range []string{"TiB", "GiB", "MiB", "KiB", "B"} {
		if s, ok := strings.CutSuffix(v, unit); ok {
			num, shift = s, 10*(4-i)
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > math.MaxInt64>>shift {
		return 0, fmt.Errorf("GOMEMLIMIT=%q: not a byte count the Go runtime reads (digits, then B, KiB, MiB, GiB or TiB)", v)
	}
	return n << shift, nil
}

// goConst evaluates the integer constant name declared in a Go file of the
// server's module, so that the budget follows the server's own bounds.
func goConst(t *testing.T, file, name string) int64 {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), file, nil, parser.SkipObjectResolution)
	if err != nil {
		t.Fatal(err)
	}
	var eval func(ast.Expr) constant.Value
	eval = func(e ast.Expr) constant.Value {
		switch e := e.(type) {
		case *ast.BasicLit:
			return constant.MakeFromLiteral(e.Value, e.Kind, 0)
		case *ast.ParenExpr:
			return eval(e.X)
		case *ast.BinaryExpr:
			x, y := eval(e.X), eval(e.Y)
			if e.Op == token.SHL || e.Op == token.SHR {
				s, _ := constant.Uint64Val(y)
				return constant.Shift(x, e.Op, uint(s))
			}
			return constant.BinaryOp(x, e.Op, y)
		}
		t.Fatalf("%s: %s is not a constant expression of literals", file, name)
		return nil
	}
	for _, d := range f.Decls {
		if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
			for _, s := range gd.Specs {
				vs := s.(*ast.ValueSpec)
				for i, id := range vs.Names {
					if id.Name == name && i < len(vs.Values) {
						n, exact := constant.Int64Val(constant.ToInt(eval(vs.Values[i])))
						if !exact {
							t.Fatalf("%s: %s is not an int64", file, name)
						}
						return n
					}
				}
			}
		}
	}
	t.Fatalf("%s: no constant %s", file, name)
	return 0
}

// renderCacheBytes is the render cache's bound: render.DefaultCacheBytes
// (no flag changes it), checked against the figures it was measured for.
func renderCacheBytes(t *testing.T) int64 {
	t.Helper()
	if n := goConst(t, "../../internal/content/parse.go", "MaxPostBytes"); n != measuredPostBytes {
		t.Errorf("content.MaxPostBytes is %d, renderBytes was measured for %d: measure a render of the largest post again", n, measuredPostBytes)
	}
	return goConst(t, "../../internal/render/render.go", "DefaultCacheBytes")
}

// No number of readers pushes a replica, the Compose container or the
// documented docker run past its memory limit: with every session and
// connection open, the worst case fits under GOMEMLIMIT, and GOMEMLIMIT
// leaves room under the limit for what is not Go heap.
func TestMemoryBudget(t *testing.T) {
	cache := renderCacheBytes(t)
	check := func(t *testing.T, m memorySettings, p []string) {
		t.Helper()
		if len(p) == 0 {
			p = m.problems(cache)
		}
		for _, s := range p {
			t.Error(s)
		}
		if len(p) == 0 {
			w := m.worstCase(cache)
			t.Logf("%v: worst case %s, %s (%.0f%%) under GOMEMLIMIT", m, mib(w), mib(m.goMemLimit-w), 100*float64(m.goMemLimit-w)/float64(m.goMemLimit))
		}
	}

	for _, dir := range []string{baseDir, overlayDir, gitSyncDir} {
		t.Run(strings.TrimPrefix(dir, "../"), func(t *testing.T) {
			dep, _, _ := build(t, dir)
			c := sshblogContainer(t, dep)
			lim := c.Resources.Limits
			m, p := settingsFrom(lim.Memory().Value(), lim.Cpu().MilliValue(), func(name string) (string, bool) {
				return envValue(t, c, name)
			})
			check(t, m, p)
		})
	}

	t.Run("compose.yaml", func(t *testing.T) {
		_, svc := loadCompose(t)
		// mem_limit and cpus, or deploy.resources.limits: the tighter.
		milli := func(cpus float32) int64 { return int64(math.Ceil(float64(cpus) * 1000)) }
		limit, cpu := int64(svc.MemLimit), milli(svc.CPUS)
		if svc.Deploy != nil && svc.Deploy.Resources.Limits != nil {
			l := svc.Deploy.Resources.Limits
			limit, cpu = minSet(limit, int64(l.MemoryBytes)), minSet(cpu, milli(l.NanoCPUs.Value()))
		}
		m, p := settingsFrom(limit, cpu, func(name string) (string, bool) {
			v := svc.Environment[name]
			if v == nil {
				return "", false
			}
			return *v, true
		})
		check(t, m, p)
	})

	// The comments' example of scaling up.
	t.Run("1Gi example", func(t *testing.T) {
		check(t, memorySettings{limit: 1 << 30, goMemLimit: 870 << 20, sessions: 550, connections: 1600, renders: 2}, nil)
	})

	t.Run("Dockerfile", func(t *testing.T) {
		data, err := os.ReadFile("../../Dockerfile")
		if err != nil {
			t.Fatal(err)
		}
		ex, err := dockerRunExample(string(data))
		if err != nil {
			t.Fatal(err)
		}
		m, p := settingsFrom(ex.memory, ex.cpuMilli, func(name string) (string, bool) {
			v, ok := ex.env[name]
			return v, ok
		})
		check(t, m, p)
		// The image's own ENV may set these only as the example does.
		image := dockerfileEnv(string(data))
		for _, name := range []string{"GOMEMLIMIT", "GOMAXPROCS", "SSHBLOG_MAX_SESSIONS", "SSHBLOG_MAX_CONNECTIONS"} {
			if v, ok := image[name]; ok && v != ex.env[name] {
				t.Errorf("the image's ENV sets %s=%s, the checked docker run example %q", name, v, ex.env[name])
			}
		}
	})
}

// The check catches the configuration of issue 18, and the other ways of
// getting it wrong.
func TestMemoryBudgetRejectsMistakes(t *testing.T) {
	cache := renderCacheBytes(t)
	const mi = 1 << 20
	for name, m := range map[string]memorySettings{
		"issue 18 (256Mi, 230MiB, the defaults)": {limit: 256 * mi, goMemLimit: 230 * mi, sessions: 2000, connections: 4000, renders: 2},
		"sessions over the budget":               {limit: 512 * mi, goMemLimit: 430 * mi, sessions: 300, connections: 800, renders: 2},
		"connections over the budget":            {limit: 512 * mi, goMemLimit: 430 * mi, sessions: 180, connections: 4000, renders: 2},
		"more renders at once (8 CPUs)":          {limit: 512 * mi, goMemLimit: 430 * mi, sessions: 180, connections: 800, renders: 8},
		"GOMEMLIMIT too close to the limit":      {limit: 512 * mi, goMemLimit: 500 * mi, sessions: 10, connections: 10, renders: 2},
	} {
		if len(m.problems(cache)) == 0 {
			t.Errorf("%s: %v passes, worst case %s", name, m, mib(m.worstCase(cache)))
		}
	}
	env := func(kv ...string) func(string) (string, bool) {
		return func(name string) (string, bool) {
			for i := 0; i < len(kv); i += 2 {
				if kv[i] == name {
					return kv[i+1], true
				}
			}
			return "", false
		}
	}
	for name, c := range map[string]struct {
		limit, cpu int64
		env        func(string) (string, bool)
	}{
		"no memory limit":       {0, 1000, env("GOMEMLIMIT", "430MiB", "SSHBLOG_MAX_SESSIONS", "180", "SSHBLOG_MAX_CONNECTIONS", "800")},
		"no GOMEMLIMIT":         {512 * mi, 1000, env("SSHBLOG_MAX_SESSIONS", "180", "SSHBLOG_MAX_CONNECTIONS", "800")},
		"GOMEMLIMIT in MB":      {512 * mi, 1000, env("GOMEMLIMIT", "430MB", "SSHBLOG_MAX_SESSIONS", "180", "SSHBLOG_MAX_CONNECTIONS", "800")},
		"default sessions":      {512 * mi, 1000, env("GOMEMLIMIT", "430MiB", "SSHBLOG_MAX_CONNECTIONS", "800")},
		"default connections":   {512 * mi, 1000, env("GOMEMLIMIT", "430MiB", "SSHBLOG_MAX_SESSIONS", "180")},
		"no CPU limit":          {512 * mi, 0, env("GOMEMLIMIT", "430MiB", "SSHBLOG_MAX_SESSIONS", "180", "SSHBLOG_MAX_CONNECTIONS", "800")},
		"sessions not a number": {512 * mi, 1000, env("GOMEMLIMIT", "430MiB", "SSHBLOG_MAX_SESSIONS", "lots", "SSHBLOG_MAX_CONNECTIONS", "800")},
	} {
		if _, p := settingsFrom(c.limit, c.cpu, c.env); len(p) == 0 {
			t.Errorf("%s: read without a problem", name)
		}
	}
	m, p := settingsFrom(512*mi, 1000, env("GOMEMLIMIT", "430MiB", "SSHBLOG_MAX_SESSIONS", "180", "SSHBLOG_MAX_CONNECTIONS", "800"))
	if len(p) > 0 || m != (memorySettings{limit: 512 * mi, goMemLimit: 430 * mi, sessions: 180, connections: 800, renders: 2}) {
		t.Errorf("read %v, %q", m, p)
	}
	for v, want := range map[string]int64{"430MiB": 430 * mi, "1GiB": 1 << 30, "1000": 1000, "64KiB": 64 << 10, "5B": 5} {
		if n, err := parseGoMemLimit(v); err != nil || n != want {
			t.Errorf("GOMEMLIMIT=%s: %d, %v; want %d", v, n, err, want)
		}
	}
	for _, v := range []string{"", "430M", "430Mi", "430MB", "0.5GiB", "-1", "off"} {
		if _, err := parseGoMemLimit(v); err == nil {
			t.Errorf("GOMEMLIMIT=%q read without an error", v)
		}
	}
}

// envValue is a container variable's value; one from a Secret or ConfigMap
// cannot be checked, so it counts as an error.
func envValue(t *testing.T, c *corev1.Container, name string) (string, bool) {
	t.Helper()
	for _, e := range c.Env {
		if e.Name == name {
			if e.ValueFrom != nil {
				t.Errorf("%s comes from valueFrom: its value cannot be checked", name)
			}
			return e.Value, true
		}
	}
	return "", false
}

// minSet is the smaller of two limits, 0 meaning none.
func minSet(a, b int64) int64 {
	if a == 0 || (b != 0 && b < a) {
		return b
	}
	return a
}

type dockerRun struct {
	memory, cpuMilli int64
	env              map[string]string
}

// dockerRunExample reads the docker run command with --memory in the
// Dockerfile's comments (lines continued with a backslash).
func dockerRunExample(df string) (dockerRun, error) {
	var comments []string
	for _, line := range strings.Split(df, "\n") {
		if s, ok := strings.CutPrefix(strings.TrimSpace(line), "#"); ok {
			comments = append(comments, s)
		}
	}
	for _, cmd := range logicalLines(comments) {
		if !strings.Contains(cmd, "docker run") || !strings.Contains(cmd, "--memory") {
			continue
		}
		r := dockerRun{env: map[string]string{}}
		args := strings.Fields(cmd)
		for i := 0; i < len(args); i++ {
			arg, val, _ := strings.Cut(args[i], "=")
			next := func() string {
				if i+1 < len(args) && !strings.Contains(args[i], "=") {
					i++
					return args[i]
				}
				return val
			}
			var err error
			switch arg {
			case "--memory", "-m":
				r.memory, err = parseDockerBytes(next())
			case "--cpus":
				var f float64
				f, err = strconv.ParseFloat(next(), 64)
				r.cpuMilli = int64(math.Ceil(f * 1000))
			case "-e", "--env":
				k, v, ok := strings.Cut(next(), "=")
				if !ok {
					err = fmt.Errorf("-e %s: no value", k)
				}
				r.env[k] = v
			}
			if err != nil {
				return r, fmt.Errorf("Dockerfile: %s: %v", cmd, err)
			}
		}
		return r, nil
	}
	return dockerRun{}, fmt.Errorf("the Dockerfile's comments show no docker run with --memory")
}

// logicalLines joins lines that end with a backslash to the next.
func logicalLines(lines []string) []string {
	var out []string
	var cur strings.Builder
	for _, l := range lines {
		if s, ok := strings.CutSuffix(strings.TrimRight(l, " \t"), `\`); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(l)
		out = append(out, cur.String())
		cur.Reset()
	}
	return out
}

// parseDockerBytes reads docker's --memory: a number with b, k, m or g.
func parseDockerBytes(v string) (int64, error) {
	shift := 0
	switch strings.ToLower(v[max(0, len(v)-1):]) {
	case "b":
		v = v[:len(v)-1]
	case "k":
		v, shift = v[:len(v)-1], 10
	case "m":
		v, shift = v[:len(v)-1], 20
	case "g":
		v, shift = v[:len(v)-1], 30
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("--memory %q: not a size", v)
	}
	return n << shift, nil
}

// dockerfileEnv is what the Dockerfile's ENV instructions set.
func dockerfileEnv(df string) map[string]string {
	var code []string
	for _, line := range strings.Split(df, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			code = append(code, line)
		}
	}
	env := map[string]string{}
	for _, l := range logicalLines(code) {
		f := strings.Fields(l)
		if len(f) == 0 || f[0] != "ENV" {
			continue
		}
		for _, kv := range f[1:] {
			if k, v, ok := strings.Cut(kv, "="); ok {
				env[k] = v
			}
		}
	}
	return env
}
