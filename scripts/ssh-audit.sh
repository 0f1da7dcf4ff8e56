#!/usr/bin/env bash
# Audits the SSH algorithms of a freshly started sshblog with ssh-audit and
# fails on any failure or warning, except for algorithms ssh-audit does not
# know yet (mlkem768x25519-sha256, the strict-KEX marker).
# Usage: scripts/ssh-audit.sh   (needs Debian's ssh-audit)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v ssh-audit >/dev/null || { echo "ssh-audit is not installed (apt-get install ssh-audit)"; exit 1; }
work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/sshblog" ./cmd/sshblog
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 23298)
"$work/sshblog" serve --addr "127.0.0.1:$port" --host-key "$work/host_key" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  "$work/sshblog" healthcheck --addr "127.0.0.1:$port" >/dev/null 2>&1 && break
  sleep 0.1
done

report=$(ssh-audit -n -p "$port" 127.0.0.1 || true)
echo "$report"
problems=$(echo "$report" | grep -E '\[(fail|warn)\]' | grep -v 'unknown algorithm' || true)
if ! echo "$report" | grep -q '(key) ssh-ed25519'; then
  echo "ssh-audit: no ed25519 host key in the report"; exit 1
fi
if [ -n "$problems" ]; then
  echo; echo "ssh-audit found problems:"; echo "$problems"; exit 1
fi
echo "ssh-audit: no failures, no warnings (beyond algorithms it does not know)"
