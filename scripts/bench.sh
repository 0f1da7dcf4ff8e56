#!/usr/bin/env bash
# The benchmark: starts on loopback ports
#   - the floor: the barest server of the stack, a charm.land/ssh Server
#     (ed25519 key, no wish) that writes one frame at once,
#   - a minimal wish + Bubble Tea program (the per-session memory baseline),
#   - OpenSSH's sshd with ForceCommand glow on the same post (what an
#     operator would otherwise pick),
#   - sshblog, with its per-address limits raised for the load tests,
# measures them all with cmd/sshblog-bench from a separate process, prints a
# table with the ratios and the targets, and cleans up.
#
# Usage: scripts/bench.sh [--quick] [--table FILE] [--results FILE]
#   --quick       smoke run: few connections, 200 idle sessions for 5 s,
#                 rate for 2 s, a 10,000-post blog; about a minute (what CI runs). It leaves
#                 sshd+glow out unless glow is built already (a full run
#                 builds it) or BENCH_GLOW=build.
#   --table FILE  also write the table (Markdown) to FILE
#   --results FILE  also keep the raw figures (JSON lines; sshblog-bench
#                 table --results FILE prints the table again)
#
# Installs what is missing: openssh-server (apt) and glow (built from the Go
# module proxy into ~/.cache/sshblog-bench). Needs root (or sudo) for sshd,
# which runs ForceCommand as a dedicated local user, sshblogbench, created
# for the run and removed afterwards; without root the sshd+glow column is
# left out. Every process it starts is stopped on exit, and each one also
# stops by itself after BENCH_MAX_TIME (default 15m).
set -euo pipefail

QUICK=0
TABLE_OUT=""
RESULTS_OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --table) TABLE_OUT=$(realpath -m "${2:?$1 needs a FILE}"); shift ;;
    --results) RESULTS_OUT=$(realpath -m "${2:?$1 needs a FILE}"); shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "bench.sh: unknown argument $1 (use --quick, --table FILE, --results FILE)" >&2; exit 2 ;;
  esac
  shift
done
cd "$(dirname "$0")/.."

if [ "$QUICK" = 1 ]; then
  N=5 UNCACHED_N=3 FF_N=30
  IDLE_SESSIONS=200 IDLE_HOLD=5s BASE_IDLE_SESSIONS=200 BASE_IDLE_HOLD=5s IDLE_SETTLE=1s
  RATE_DURATION=2s STARTUP_POSTS=10000 STARTUP_N=1
  BIG_SIZES="10000" BIG_IDLE=50 BIG_HOLD=3s BIG_N=3 HEAP_READERS=50 HEAP_BLOGS='9|10000'

else
  # First frames are a few ms each and judged by a ratio of medians:
  # hundreds of them make it steady.
  N=30 UNCACHED_N=20 FF_N=300
  IDLE_SESSIONS=2000 IDLE_HOLD=60s BASE_IDLE_SESSIONS=2000 BASE_IDLE_HOLD=20s IDLE_SETTLE=3s
  RATE_DURATION=10s STARTUP_POSTS=10000 STARTUP_N=5
  BIG_SIZES="10000 100000" BIG_IDLE=500 BIG_HOLD=10s BIG_N=10 HEAP_READERS=500 HEAP_BLOGS='9|10000|100000'

fi
MAX_TIME=${BENCH_MAX_TIME:-15m}
GLOW_VERSION=${GLOW_VERSION:-v2.1.1} # the proxy answers @latest with 403 here: see docs/benchmarks.md
TITLE="Welcome to sshblog"
POST=content/_posts/2026-11-20-welcome-to-sshblog.md
BODY="You are reading this inside an SSH session" # the post's first words, as glow and sshblog show them
LONG_TITLE="A long post"
LONG_BODY="This long post was generated"
BENCH_USER=sshblogbench

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else sudo="none"; fi
fi
note() { echo "bench: $*" >&2; }

TMP=$(mktemp -d /tmp/sshblog-bench.XXXXXX)
chmod 755 "$TMP" # the sshd user reads its key, the post and glow from here
PIDS=()
CREATED_USER=0
cleanup() {
  local status=$?
  set +e
  if [ "$status" -ne 0 ]; then
    for f in "$TMP"/*.log; do
      [ -s "$f" ] && { echo "--- $(basename "$f") (last 20 lines)"; tail -20 "$f"; }
    done
  fi
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  if [ "$CREATED_USER" = 1 ]; then ${sudo#none} userdel "$BENCH_USER" 2>/dev/null; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# start NAME CMD...: runs CMD in the background, bounded by timeout; sets
# STARTED_PID to the timeout process (kill it to stop CMD) and SERVER_PID to
# CMD itself (for /proc).
start() {
  local name=$1; shift
  timeout -k 5 "$MAX_TIME" "$@" >"$TMP/$name.log" 2>&1 &
  STARTED_PID=$!
  PIDS+=("$STARTED_PID")
  SERVER_PID=""
  for _ in $(seq 100); do
    SERVER_PID=$(pgrep -P "$STARTED_PID" | head -1 || true)
    [ -n "$SERVER_PID" ] && break
    sleep 0.02
  done
  if [ -z "$SERVER_PID" ]; then echo "bench: $name did not start:"; cat "$TMP/$name.log"; exit 1; fi
}
stop() { # stop PID: stops a process start started
  kill -TERM "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=() p
  for p in "${PIDS[@]}"; do [ "$p" = "$1" ] || keep+=("$p"); done
  PIDS=("${keep[@]}")
}
ready() { # ready NAME ADDR
  if ! "$BENCH" wait-ready --addr "$2" --timeout 20s; then
    echo "bench: $1 is not answering on $2; its log:"; cat "$TMP/$1.log"; exit 1
  fi
}

# --- what is missing -------------------------------------------------------
# glow: on PATH, or built once into the cache from the module proxy. A
# --quick run does not spend the ~30 s a first build takes (it must stay
# about a minute): without glow already built it leaves sshd+glow out,
# unless BENCH_GLOW=build.
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/sshblog-bench
GLOW=$(command -v glow || true)
GLOW_DESC="glow on PATH"
if [ -z "$GLOW" ]; then
  GLOW=$CACHE/glow-$GLOW_VERSION/glow
  GLOW_DESC="glow $GLOW_VERSION"
  if [ ! -x "$GLOW" ] && [ "$QUICK" = 1 ] && [ "${BENCH_GLOW:-}" != build ]; then
    note "--quick: glow is not built yet, leaving out sshd+glow (a full run builds it; or set BENCH_GLOW=build)"
    GLOW=""
  elif [ ! -x "$GLOW" ]; then
    note "building glow $GLOW_VERSION from the Go module proxy (once, into $CACHE)"
    mkdir -p "$CACHE/glow-$GLOW_VERSION"
    if ! GOBIN="$CACHE/glow-$GLOW_VERSION" go install "github.com/charmbracelet/glow/v2@$GLOW_VERSION" 2>"$TMP/glow-install.log"; then
      # "go install pkg@version" also fetches the module's version list
      # (for deprecations), which some proxies refuse: build it from a
      # throwaway module that requires that version instead.
      note "go install failed ($(tail -1 "$TMP/glow-install.log" | sed 's/^[[:space:]]*//')); building from a temporary module"
      mod="$TMP/glowmod"; mkdir -p "$mod"
      printf 'module sshblogbench/glow\n\ngo 1.24\n\nrequire github.com/charmbracelet/glow/v2 %s\n' "$GLOW_VERSION" >"$mod/go.mod"
      printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/charmbracelet/glow/v2"\n' >"$mod/tools.go"
      if ! (cd "$mod" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 &&
            GOBIN="$CACHE/glow-$GLOW_VERSION" go install github.com/charmbracelet/glow/v2) 2>>"$TMP/glow-install.log"; then
        note "could not build glow, leaving out sshd+glow: $(tail -3 "$TMP/glow-install.log")"
        GLOW=""
      fi
    fi
  fi
fi

need=()
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
if [ -n "$GLOW" ] && [ ! -x /usr/sbin/sshd ]; then need+=(openssh-server); fi
if [ ${#need[@]} -gt 0 ]; then
  if [ "$sudo" = none ]; then
    note "missing ${need[*]} and no root to install them"
  else
    note "installing: ${need[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
fi

# --- build -----------------------------------------------------------------
# Host keys in their own folder: the key generators make it 0700, and the
# sshd user must still get through $TMP to its files.
mkdir -p "$TMP/bin" "$TMP/keys"
go build -o "$TMP/bin/sshblog" ./cmd/sshblog
go build -o "$TMP/bin/sshblog-bench" ./cmd/sshblog-bench
BENCH=$TMP/bin/sshblog-bench
RESULTS=$TMP/results.jsonl
: >"$RESULTS"
PORTS=($("$BENCH" free-ports -n 12))
port() { echo "127.0.0.1:${PORTS[$1]}"; }
FLOOR=$(port 0) FLOOR_HTTP=$(port 1) MINIMAL=$(port 2) MINIMAL_HTTP=$(port 3)
SSHBLOG=$(port 4) SSHBLOG_HTTP=$(port 5) LONG=$(port 6) SSHD=$(port 7) QUICKACK=$(port 8)
BIG=$(port 9) BIG_HTTP=$(port 10)

# sshblog with its limits raised: every connection comes from 127.0.0.1.
export SSHBLOG_MAX_SESSIONS=10000 SSHBLOG_MAX_SESSIONS_PER_IP=10000
export SSHBLOG_CONN_RATE=10000000 SSHBLOG_CONN_BURST=100000
# The floor sends sshblog's own first frame (captured below), byte for
# byte: the first-frame figures then compare the servers, not how much a
# terminal has to parse.
start_floor()   { start floor   "$BENCH" serve-floor   --addr "$FLOOR"   --host-key "$TMP/keys/floor_key"   --http-addr "$FLOOR_HTTP"   --max-time "$MAX_TIME" --frame "$TMP/frame.bin"; ready floor "$FLOOR"; }
start_minimal() { start minimal "$BENCH" serve-minimal --addr "$MINIMAL" --host-key "$TMP/keys/minimal_key" --http-addr "$MINIMAL_HTTP" --max-time "$MAX_TIME"; ready minimal "$MINIMAL"; }
start_sshblog() { start sshblog "$TMP/bin/sshblog" serve --addr "$SSHBLOG" --host-key "$TMP/keys/sshblog_key" --http-addr "$SSHBLOG_HTTP" --log-level warn; ready sshblog "$SSHBLOG"; }

# --- sshd + glow -----------------------------------------------------------
SSHD_OK=0
setup_sshd() {
  if [ "$sudo" = none ]; then note "no root: leaving out sshd+glow"; return; fi
  if [ -z "$GLOW" ]; then note "no glow: leaving out sshd+glow"; return; fi
  if [ ! -x /usr/sbin/sshd ]; then note "no /usr/sbin/sshd: leaving out sshd+glow"; return; fi
  if ! id "$BENCH_USER" >/dev/null 2>&1; then
    $sudo useradd --system -M -s /bin/sh "$BENCH_USER"
    CREATED_USER=1
  fi
  mkdir -p "$TMP/glowhome"; $sudo chown "$BENCH_USER" "$TMP/glowhome"
  # Not locked ("!"), still no password: sshd without PAM refuses locked
  # accounts. Home: a folder of this run, so sshd can chdir there.
  $sudo usermod -p '*' -d "$TMP/glowhome" "$BENCH_USER"
  cp "$GLOW" "$TMP/bin/glow"; chmod 755 "$TMP/bin/glow"
  cp "$POST" "$TMP/post.md"; chmod 644 "$TMP/post.md"
  ssh-keygen -q -t ed25519 -N '' -f "$TMP/sshd_host_key" -C sshblog-bench-host
  ssh-keygen -q -t ed25519 -N '' -f "$TMP/client_key" -C sshblog-bench-client
  cp "$TMP/client_key.pub" "$TMP/authorized_keys"; chmod 644 "$TMP/authorized_keys"
  $sudo mkdir -p /run/sshd
  cat >"$TMP/sshd_config" <<EOF
ListenAddress $SSHD
HostKey $TMP/sshd_host_key
PidFile none
AuthorizedKeysFile $TMP/authorized_keys
StrictModes no
UsePAM no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
AllowUsers $BENCH_USER
PermitTTY yes
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
PrintLastLog no
UseDNS no
MaxStartups 200:30:400
LogLevel ${SSHD_LOG_LEVEL:-ERROR}
ForceCommand $TMP/bin/glow -s dark -w 100 $TMP/post.md
EOF
  start sshd $sudo /usr/sbin/sshd -D -e -f "$TMP/sshd_config"
  ready sshd "$SSHD"
  SSHD_OK=1
}

echo "== machine"
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu: $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
  echo "memory: $(free -m | awk '/Mem:/ {print $2}') MiB; kernel $(uname -r); $(. /etc/os-release; echo "$PRETTY_NAME")"
  sshd_v=none
  if [ -x /usr/sbin/sshd ]; then sshd_v=$( (/usr/sbin/sshd -V 2>&1 || true) | head -1); fi
  echo "go: $(go version | cut -d' ' -f3-); ssh: $(ssh -V 2>&1); sshd: $sshd_v; glow: $( [ -n "$GLOW" ] && echo "$GLOW_DESC" || echo none)"
} | tee "$TMP/machine.txt"
if [ "$QUICK" = 1 ]; then echo "mode: --quick (smoke run)" | tee -a "$TMP/machine.txt"; fi

echo "== sshblog's first frame, for the floor to send"
start_sshblog
"$BENCH" capture --addr "$SSHBLOG" --out "$TMP/frame.bin"
stop "$STARTED_PID"

# --- idle sessions: each server fresh, one at a time -----------------------
echo "== idle sessions"
start_floor
"$BENCH" idle --addr "$FLOOR" --pid "$SERVER_PID" --metrics "http://$FLOOR_HTTP/metrics" --sessions "$BASE_IDLE_SESSIONS" --hold "$BASE_IDLE_HOLD" --settle "$IDLE_SETTLE" --label floor --out "$RESULTS"
stop "$STARTED_PID"
start_minimal
"$BENCH" idle --addr "$MINIMAL" --pid "$SERVER_PID" --metrics "http://$MINIMAL_HTTP/metrics" --sessions "$BASE_IDLE_SESSIONS" --hold "$BASE_IDLE_HOLD" --settle "$IDLE_SETTLE" --label minimal --out "$RESULTS"
stop "$STARTED_PID"
start_sshblog
"$BENCH" idle --addr "$SSHBLOG" --pid "$SERVER_PID" --metrics "http://$SSHBLOG_HTTP/metrics" --sessions "$IDLE_SESSIONS" --hold "$IDLE_HOLD" --settle "$IDLE_SETTLE" --label sshblog --out "$RESULTS"
stop "$STARTED_PID"
# Readers who pressed a key (j: the app runs), as the big blogs' are below.
start_sshblog
"$BENCH" idle --addr "$SSHBLOG" --pid "$SERVER_PID" --metrics "http://$SSHBLOG_HTTP/metrics" --sessions "$BIG_IDLE" --hold "$BIG_HOLD" --settle "$IDLE_SETTLE" --keys j --prefix active. --label sshblog --out "$RESULTS"
stop "$STARTED_PID"

# --- latency: all four servers up ------------------------------------------
start_floor
start_minimal
start_sshblog
setup_sshd

echo "== first frame, x/crypto client"
"$BENCH" firstframe --addr "$FLOOR" -n "$FF_N" --label floor --out "$RESULTS"
"$BENCH" firstframe --addr "$MINIMAL" -n "$FF_N" --label minimal --out "$RESULTS"
if [ "$SSHD_OK" = 1 ]; then
  "$BENCH" firstframe --addr "$SSHD" -n "$N" --user "$BENCH_USER" --key "$TMP/client_key" --title "$BODY" --label sshd+glow --out "$RESULTS"
fi
"$BENCH" firstframe --addr "$SSHBLOG" -n "$FF_N" --label sshblog --out "$RESULTS"

echo "== first frame, OpenSSH client"
"$BENCH" openssh-firstframe --addr "$FLOOR" -n "$N" --label floor --out "$RESULTS"
"$BENCH" openssh-firstframe --addr "$MINIMAL" -n "$N" --label minimal --out "$RESULTS"
if [ "$SSHD_OK" = 1 ]; then
  "$BENCH" openssh-firstframe --addr "$SSHD" -n "$N" --user "$BENCH_USER" --key "$TMP/client_key" --title "$BODY" --quit '' --label sshd+glow --out "$RESULTS"
fi
"$BENCH" openssh-firstframe --addr "$SSHBLOG" -n "$N" --label sshblog --out "$RESULTS"
# The floor again, turning delayed ACKs off: how much of OpenSSH's time is
# the delayed-ACK stalls in the handshake rather than the server's work.
start floor-quickack "$BENCH" serve-floor --quickack --addr "$QUICKACK" --host-key "$TMP/keys/quickack_key" --max-time "$MAX_TIME" --frame "$TMP/frame.bin"
ready floor-quickack "$QUICKACK"
"$BENCH" openssh-firstframe --addr "$QUICKACK" -n "$N" --label floor --measure openssh.quickack --out "$RESULTS"
stop "$STARTED_PID"

echo "== opening a post"
"$BENCH" open --addr "$SSHBLOG" -n "$N" --title "$TITLE" --body "$BODY" --label sshblog --out "$RESULTS"
"$BENCH" gen-posts --dir "$TMP/long" --long 62000 --from content/_posts
start sshblog-long "$TMP/bin/sshblog" serve --addr "$LONG" --host-key "$TMP/keys/sshblog_key" --content "$TMP/long" --log-level warn
ready sshblog-long "$LONG"
# Widths 60 and up, each used once (opens, then resizes): sshblog caps its
# reading column at 100, so wider windows would all share one rendering.
"$BENCH" open --uncached --probe --addr "$LONG" --cols 60 -n "$UNCACHED_N" --title "$LONG_TITLE" --body "$LONG_BODY" --label sshblog --out "$RESULTS"
stop "$STARTED_PID"

echo "== complete sessions per second"
"$BENCH" rate --addr "$FLOOR" --duration "$RATE_DURATION" --label floor --out "$RESULTS"
"$BENCH" rate --addr "$MINIMAL" --duration "$RATE_DURATION" --label minimal --out "$RESULTS"
"$BENCH" rate --addr "$SSHBLOG" --duration "$RATE_DURATION" --label sshblog --out "$RESULTS"

echo "== startup with $STARTUP_POSTS posts"
"$BENCH" gen-posts --dir "$TMP/many" --count "$STARTUP_POSTS"
"$BENCH" startup --bin "$TMP/bin/sshblog" --content "$TMP/many" --posts "$STARTUP_POSTS" -n "$STARTUP_N" --log "$TMP/startup.log" --label sshblog --out "$RESULTS"

# --- big blogs: the same reader, 10,000 and 100,000 posts -------------------
# The generated posts are "Generated post N", newest first. The filter
# times one key: /post 123 (matches on screen: post 9123, newest), then 4
# (only post 1234 matches); with 100,000 posts /post 1234, then 5.
for size in $BIG_SIZES; do
  p=posts$((size / 1000))k.
  echo "== $size posts"
  "$BENCH" gen-posts --dir "$TMP/big$size" --count "$size" >/dev/null
  newest=$((size - 1))
  if [ "$size" -ge 100000 ]; then q="post 1234" k=5 before="Generated post 91234" after="Generated post 12345"
  else q="post 123" k=4 before="Generated post 9123" after="Generated post 1234"; fi
  start_big() {
    start sshblog-big "$TMP/bin/sshblog" serve --addr "$BIG" --host-key "$TMP/keys/sshblog_key" --http-addr "$BIG_HTTP" --content "$TMP/big$size" --log-level warn
    if ! "$BENCH" wait-ready --addr "$BIG" --timeout 180s; then echo "bench: sshblog with $size posts did not start:"; cat "$TMP/sshblog-big.log"; exit 1; fi
  }
  start_big
  "$BENCH" idle --addr "$BIG" --pid "$SERVER_PID" --metrics "http://$BIG_HTTP/metrics" --sessions "$BIG_IDLE" --hold "$BIG_HOLD" --settle "$IDLE_SETTLE" --title "Generated post" --prefix "$p" --label sshblog --out "$RESULTS"
  stop "$STARTED_PID"
  start_big
  "$BENCH" idle --addr "$BIG" --pid "$SERVER_PID" --metrics "http://$BIG_HTTP/metrics" --sessions "$BIG_IDLE" --hold "$BIG_HOLD" --settle "$IDLE_SETTLE" --title "Generated post" --keys j --prefix "${p}active." --label sshblog --out "$RESULTS"
  "$BENCH" firstframe --addr "$BIG" -n "$FF_N" --title "Generated post" --prefix "$p" --label sshblog --out "$RESULTS"
  "$BENCH" open --addr "$BIG" -n "$BIG_N" --title "Generated post $newest" --body "This is generated post number $newest" --prefix "$p" --label sshblog --out "$RESULTS"
  "$BENCH" filter --addr "$BIG" -n "$BIG_N" --title "Generated post" --query "$q" --type "$k" --before "$before" --after "$after" --prefix "$p" --label sshblog --out "$RESULTS"
  stop "$STARTED_PID"
  rm -rf "$TMP/big$size"
done

# What a reader keeps, after a collection, idle or after a key: a big blog's
# server grows its heap far before its first collection, so its RSS per
# session counts garbage a 9-post blog's server has collected already.
echo "== heap kept per reader (go test -bench 'IdleReaders|ActiveReaders')"
SSHBLOG_IDLE_READERS=$HEAP_READERS go test -run XXX -bench "(Idle|Active)Readers/posts=($HEAP_BLOGS)\$" -benchtime 1x ./internal/server/ 2>&1 |
  tee "$TMP/heap.txt" | grep -E '^Benchmark(Idle|Active)Readers' || { cat "$TMP/heap.txt"; exit 1; }
awk -v n="$HEAP_READERS" '/^Benchmark(Idle|Active)Readers\/posts=/ {
    split($1, a, "="); sub(/-[0-9]+$/, "", a[2]); posts = a[2]
    for (i = 1; i < NF; i++) { if ($(i+1) == "KB/reader") kb = $i; if ($(i+1) == "goroutines/reader") g = $i }
    p = (posts == 9) ? "" : "posts" posts / 1000 "k."
    who = "idle reader"
    if ($1 ~ /^BenchmarkActiveReaders/) { p = p "active."; who = "reader who pressed j" }
    printf "{\"measure\":\"%sreader.heap\",\"label\":\"sshblog\",\"unit\":\"KB\",\"median\":%s,\"n\":%d,\"note\":\"live heap and stacks per %s after a GC, %d readers at 100x30, %s goroutines each\"}\n", p, kb, n, who, n, g
  }' "$TMP/heap.txt" >>"$RESULTS"

echo
echo "== results"
quick_flag=()
[ "$QUICK" = 1 ] && quick_flag=(--quick)
{
  sed 's/^/    /' "$TMP/machine.txt"
  echo
  "$BENCH" table --results "$RESULTS" "${quick_flag[@]}"
} | tee "$TMP/table.md"
if [ -n "$TABLE_OUT" ]; then cp "$TMP/table.md" "$TABLE_OUT"; fi
if [ -n "$RESULTS_OUT" ]; then cp "$RESULTS" "$RESULTS_OUT"; fi
