#!/usr/bin/env bash
# Several replicas behind a TCP load balancer, as on Kubernetes: three
# sshblog processes share one host key behind HAProxy (mode tcp,
# send-proxy-v2), all on loopback.
#
#  - 30 SSH connections through HAProxy, each from its own loopback client
#    address (127.0.1.N), all see one host key and read a post;
#  - every replica serves some of them and logs each reader's real address
#    (from the PROXY header), never HAProxy's;
#  - a direct connection that skips the PROXY header is refused;
#  - one replica is stopped (SIGTERM, exits 0) and the next 10 connections
#    all succeed on the other two;
#  - a rolling update's view: a replica gets SIGTERM while a reader is in
#    the app; the reader keeps the session and sees the restart notice, new
#    connections go to the other replica, and the replica exits 0 as soon
#    as its reader quits.
#
# Usage: scripts/test-replicas.sh   (installs haproxy, openssh-client,
#                                   python3 and iproute2 if missing; needs go)
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
say() { printf '== %s (%ds)\n' "$*" "$((SECONDS - started))"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

need=()
command -v haproxy >/dev/null 2>&1 || need+=(haproxy)
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v python3 >/dev/null 2>&1 || need+=(python3-minimal)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

work=$(mktemp -d /tmp/sshblog-replicas.XXXXXX)
pids=()
cleanup() {
  local status=$?
  set +e
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
  if [ $status -ne 0 ]; then
    for f in "$work"/*.log; do [ -f "$f" ] && { echo "--- $f"; tail -n 40 "$f"; }; done
    echo "test-replicas: FAILED after $((SECONDS - started))s" >&2
  fi
  rm -rf "$work"
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "build"
go build -o "$work/sshblog" ./cmd/sshblog

# free_ports N prints N distinct loopback ports that are free right now.
free_ports() {
  python3 - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}
read -r lb_port p1 p2 p3 <<<"$(free_ports 4)"
ports=("$p1" "$p2" "$p3")

# One key for every replica, as the Kubernetes Secret gives them.
ssh-keygen -q -t ed25519 -N '' -C sshblog -f "$work/ssh_host_ed25519_key"
fp=$("$work/sshblog" fingerprint --host-key "$work/ssh_host_ed25519_key" | awk '{print $1}')

say "3 replicas on ${ports[*]} (PROXY protocol from 127.0.0.1), HAProxy on $lb_port"
replica_pids=()
for i in 0 1 2; do
  SSHBLOG_ADDR="127.0.0.1:${ports[$i]}" \
    SSHBLOG_HOST_KEY="$work/ssh_host_ed25519_key" \
    SSHBLOG_PROXY_PROTOCOL_FROM=127.0.0.1/32 \
    SSHBLOG_SHUTDOWN_GRACE=8s \
    "$work/sshblog" serve >"$work/replica$i.log" 2>&1 &
  pids+=($!)
  replica_pids+=($!)
done
for i in 0 1 2; do
  for _ in $(seq 100); do
    grep -q "serving" "$work/replica$i.log" && break
    kill -0 "${replica_pids[$i]}" 2>/dev/null || fail "replica $i exited"
    sleep 0.1
  done
  grep -q "fingerprint=$fp" "$work/replica$i.log" || fail "replica $i does not serve the shared key $fp"
done

cat >"$work/haproxy.cfg" <<EOF
global
  log stderr format short local0 info
  maxconn 200
defaults
  mode tcp
  log global
  option tcplog
  timeout connect 2s
  timeout client 60s
  timeout server 60s
  # A replica that stopped listening: try again, on another one.
  retries 3
  option redispatch 1
frontend ssh
  bind 127.0.0.1:$lb_port
  default_backend sshblog
backend sshblog
  balance roundrobin
  # check-send-proxy: the replicas require the PROXY header from 127.0.0.1,
  # health checks included. Checks count against the per-address connection
  # rate of 127.0.0.1 (60/min): no more than one every 2s.
  default-server send-proxy-v2 check check-send-proxy inter 2s fastinter 250ms fall 2 rise 1
  server r0 127.0.0.1:$p1
  server r1 127.0.0.1:$p2
  server r2 127.0.0.1:$p3
EOF
haproxy -c -q -f "$work/haproxy.cfg" || fail "haproxy.cfg is invalid"
haproxy -W -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $lb_port), 0.2).close()" 2>/dev/null && break
  sleep 0.1
done

known_hosts=$work/known_hosts
# read_through_lb N: one connection from client address 127.0.1.N through
# HAProxy, reading a post without a terminal. It must match the pinned key.
read_through_lb() {
  local out
  out=$(timeout 30 ssh -p "$lb_port" -b "127.0.1.$1" \
    -o UserKnownHostsFile="$known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
    -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10 \
    "reader$1@127.0.0.1" read aws-in-action 2>"$work/ssh$1.err") ||
    { cat "$work/ssh$1.err" >&2; return 1; }
  grep -q "장별 요약" <<<"$out" || { echo "connection $1: the post lacks 장별 요약" >&2; return 1; }
}

# Pin the host key once, as a reader's first visit does: every later
# connection must present that same key (StrictHostKeyChecking=yes).
ssh-keyscan -p "$lb_port" -t ed25519 127.0.0.1 2>/dev/null >"$known_hosts"
[ "$(ssh-keygen -lf "$known_hosts" | awk '{print $2}')" = "$fp" ] || fail "HAProxy's backend presents $(ssh-keygen -lf "$known_hosts")"
# ssh-keyscan connected from 127.0.0.1: leave it out of the counts below.
sleep 0.3

say "30 connections through HAProxy"
for n in $(seq 1 30); do
  read_through_lb "$n" || fail "connection $n (from 127.0.1.$n) failed"
done
echo "   30/30 read the post, all with host key $fp"

say "each replica logs the real client addresses"
sleep 0.5 # the last "session ended" lines
for n in $(seq 1 30); do
  hits=$(cat "$work"/replica*.log | grep -c "session ended.*remote=127\.0\.1\.$n:" || true)
  [ "$hits" = 1 ] || fail "client 127.0.1.$n appears in $hits 'session ended' lines, want 1"
done
for i in 0 1 2; do
  served=$(grep -c "session ended.*remote=127\.0\.1\." "$work/replica$i.log" || true)
  [ "$served" -ge 5 ] || fail "replica $i served $served of 30 connections: is HAProxy balancing?"
  ! grep "session ended" "$work/replica$i.log" | grep -v "remote=127\.0\.1\." | grep -q . ||
    fail "replica $i logged sessions with HAProxy's address instead of the reader's: $(grep 'session ended' "$work/replica$i.log" | grep -v 'remote=127\.0\.1\.' | head -3)"
  echo "   replica $i: $served sessions, e.g. $(grep -o 'session ended.*remote=[^ ]*' "$work/replica$i.log" | head -1 | grep -o 'remote=[^ ]*')"
done

say "a connection without the PROXY header is refused"
if timeout 15 ssh -p "$p1" -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no -o BatchMode=yes \
  -o LogLevel=ERROR -o ConnectTimeout=5 reader@127.0.0.1 ls >/dev/null 2>&1; then
  fail "replica 0 served a direct connection from 127.0.0.1 without a PROXY header"
fi
echo "   direct ssh to a replica from the load balancer's address fails"

say "stop replica 1, then 10 more connections"
kill -TERM "${replica_pids[1]}"
status=0
wait "${replica_pids[1]}" || status=$?
[ "$status" = 0 ] || fail "replica 1 exited with $status after SIGTERM"
grep -q "shutting down" "$work/replica1.log" || fail "replica 1 did not log its shutdown"
for n in $(seq 31 40); do
  read_through_lb "$n" || fail "connection $n (from 127.0.1.$n) failed with replica 1 stopped"
done
for n in $(seq 31 40); do
  grep -q "session ended.*remote=127\.0\.1\.$n:" "$work/replica0.log" "$work/replica2.log" ||
    fail "connection $n is in no remaining replica's log"
done
echo "   10/10 served by replicas 0 and 2 ($(grep -c 'session ended.*remote=127\.0\.1\.\(3[1-9]\|40\):' "$work/replica0.log") and $(grep -c 'session ended.*remote=127\.0\.1\.\(3[1-9]\|40\):' "$work/replica2.log"))"

say "rolling update: SIGTERM a replica while readers are connected"
# Two readers in the app (a PTY each), one on each remaining replica (round
# robin). Replica 0 gets SIGTERM: its reader's session goes on, new
# connections go to replica 2, and once the readers quit, replica 0 exits 0
# without waiting out its grace period. Its reader is told it is restarting.
screen() { sed -e 's/\x1b\[[0-9;?<>=]*[a-zA-Z]//g' -e 's/\x1b\][^\x07\x1b]*\(\x07\|\x1b\\\)//g' "$1" | tr -d '\r'; }
wait_screen() { # FILE TEXT SECONDS
  local deadline=$((SECONDS + $3))
  until grep -q "$2" <(screen "$1"); do
    [ $SECONDS -lt $deadline ] || { screen "$1" | tail -5; return 1; }
    sleep 0.05
  done
}
ms() { echo $(($(date +%s%N) / 1000000)); }
# Round robin over replicas 0 and 2 alternates only once HAProxy's checks
# have taken replica 1 out (until then a connection may be redispatched).
for _ in $(seq 100); do
  grep -q "sshblog/r1 is DOWN" "$work/haproxy.log" && break
  sleep 0.1
done
grep -q "sshblog/r1 is DOWN" "$work/haproxy.log" || fail "HAProxy never marked the stopped replica 1 down"
reader_pids=()
reader_fds=()
for n in 50 51; do
  mkfifo "$work/pty$n.in"
  timeout 60 ssh -tt -p "$lb_port" -b "127.0.1.$n" \
    -o UserKnownHostsFile="$known_hosts" -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
    -o BatchMode=yes -o LogLevel=ERROR "reader$n@127.0.0.1" <"$work/pty$n.in" >"$work/pty$n.out" 2>&1 &
  pids+=($!)
  reader_pids+=($!)
  exec {fd}>"$work/pty$n.in"
  reader_fds+=("$fd")
  wait_screen "$work/pty$n.out" "Welcome to sshblog" 10 || fail "reader $n: no post list"
done
[ "$(ss -Htn state established "( dport = :$p1 )" | wc -l)" = 1 ] || fail "replica 0 does not have exactly one of the two readers"
term_at=$(ms)
kill -TERM "${replica_pids[0]}"
for n in $(seq 60 64); do
  read_through_lb "$n" || fail "new connection $n failed while replica 0 drains"
done
while [ $(($(ms) - term_at)) -lt 2000 ]; do sleep 0.1; done
kill -0 "${replica_pids[0]}" 2>/dev/null || fail "replica 0 exited before its reader finished"
for i in 0 1; do
  kill -0 "${reader_pids[$i]}" 2>/dev/null || fail "reader $((50 + i))'s session ended 2s after SIGTERM: the grace period is 8s"
done
for i in 0 1; do
  printf q >&"${reader_fds[$i]}"
  wait "${reader_pids[$i]}" || fail "reader $((50 + i))'s ssh ended with an error"
done
status=0
wait "${replica_pids[0]}" || status=$?
took=$(($(ms) - term_at))
[ "$status" = 0 ] || fail "replica 0 exited with $status"
[ "$took" -lt 6000 ] || fail "replica 0 took ${took}ms to exit after its reader quit (grace 8s)"
grep -q "session ended.*remote=127\.0\.1\.5[01]:.*kind=app" "$work/replica0.log" || fail "replica 0 has no app session line for its reader"
grep -q "sessions still open" "$work/replica0.log" && fail "replica 0 cut sessions off"
echo "   readers kept their sessions; 5 new connections served meanwhile; replica 0 exited 0 ${took}ms after SIGTERM, once its reader quit"
notice=$(for n in 50 51; do screen "$work/pty$n.out"; done | grep -o 'This server is restarting.\{0,80\}' | head -1 | sed 's/  .*//' || true)
[ -n "$notice" ] || fail "the reader on replica 0 was not shown the restart notice (as TestSIGTERMShowsNoticeThenExits checks)"
echo "   its reader saw: $notice"

say "ok: replicas tested in $((SECONDS - started))s"
