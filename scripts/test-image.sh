#!/usr/bin/env bash
# Builds the container image from the Dockerfile and tests it, on a machine
# with no Docker engine and no registry:
#
#  - the Dockerfile's base images are replaced by stand-ins made here, under
#    the exact names it uses: golang:1.26.8-bookworm is a minimal Debian
#    bookworm (mmdebstrap) plus this machine's Go toolchain, and
#    gcr.io/distroless/static-debian12:nonroot is an empty image with the
#    same users (nonroot = 65532), CA certificates and config as distroless;
#  - buildah builds the unchanged Dockerfile (chroot isolation, vfs storage),
#    with the host's CA bundle mounted read-only so that `go mod download`
#    reaches the module proxy through this machine's TLS interception;
#  - podman (runc) runs the image: SSH on a loopback port, a post is read, a
#    terminal session starts without stalling, the process is uid 65532 with
#    no capabilities, the host key keeps its fingerprint over a restart and a
#    redeploy (new container, same volume, read-only root, no capabilities),
#    a corrupt or unreadable key stops the server instead of being replaced,
#    and posts can come from a mounted folder.
#
# The stand-in base images are kept between runs in a private container
# store (SSHBLOG_IMAGE_TEST_STATE, default /var/lib/sshblog-image-test) and
# rebuilt when the Go toolchain changes; everything else (containers,
# volumes, the built image) is removed on exit.
#
# Usage: scripts/test-image.sh          (root; installs buildah, podman, runc,
#                                        mmdebstrap, openssh-client if missing)
# SSHBLOG_IMAGE_CONTEXT=DIR builds from a copy of the tree instead of this one.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
context=${SSHBLOG_IMAGE_CONTEXT:-$repo}
state=${SSHBLOG_IMAGE_TEST_STATE:-/var/lib/sshblog-image-test}
mirror=${SSHBLOG_DEBIAN_MIRROR:-http://deb.debian.org/debian}
started=$SECONDS

say() { printf '== %s (%ds)\n' "$*" "$((SECONDS - started))"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || fail "run as root: buildah and podman use a private root container store"
  exec sudo --preserve-env=SSHBLOG_IMAGE_CONTEXT,SSHBLOG_IMAGE_TEST_STATE,SSHBLOG_DEBIAN_MIRROR,PATH "$0" "$@"
fi

need=()
for tool in buildah:buildah podman:podman runc:runc mmdebstrap:mmdebstrap ssh:openssh-client \
  ssh-keyscan:openssh-client flock:util-linux python3:python3-minimal; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || need+=("${tool#*:}")
done
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v go >/dev/null || fail "go is not on PATH: the golang stand-in image is made from this machine's toolchain"

mkdir -p "$state"
# One run at a time: they share the stand-in images.
exec 9>"$state/lock"
flock 9

store=(--root "$state/storage" --runroot /run/sshblog-image-test --storage-driver vfs)
bh() { buildah "${store[@]}" "$@"; }
pm() {
  # podman 4.3 tries to add systemd timers for a HEALTHCHECK even with
  # --health-interval=disable; without systemd it logs errors and goes on.
  podman "${store[@]}" --runtime runc --cgroup-manager cgroupfs --events-backend file \
    --tmpdir /run/sshblog-image-test/libpod "$@" 2> >(grep -v 'unable to get systemd connection' >&2)
}

run_id=$$
image=localhost/sshblog-image-test:run$run_id
name=sshblog-image-test-$run_id
work=$(mktemp -d /tmp/sshblog-image-test.XXXXXX)
containers=()
volumes=()
bg_pids=()
cleanup() {
  local status=$?
  set +e
  for p in "${bg_pids[@]}"; do kill "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  for c in "${containers[@]}"; do pm rm -f -v "$c" >/dev/null 2>&1; done
  for v in "${volumes[@]}"; do pm volume rm -f "$v" >/dev/null 2>&1; done
  bh rmi -f "$image" >/dev/null 2>&1
  # Build containers left behind by an interrupted build, and dangling layers.
  bh rm --all >/dev/null 2>&1
  bh rmi --prune >/dev/null 2>&1
  rm -rf "$work"
  if [ $status -ne 0 ]; then echo "test-image: FAILED after $((SECONDS - started))s" >&2; fi
  exit $status
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------------------
# Stand-in base images.

go_version=$(go env GOVERSION)
goroot=$(go env GOROOT)
want_go=$(sed -n 's/^FROM golang:\([0-9.]*\)-bookworm.*/\1/p' Dockerfile)
[ "go$want_go" = "$go_version" ] || fail "the Dockerfile builds with golang:$want_go but this machine has $go_version"

# standin_key IMAGE prints the label recording what the stand-in was made from.
standin_key() { bh inspect --type image --format '{{index .OCIv1.Config.Labels "sshblog.stand-in"}}' "$1" 2>/dev/null || true; }

golang_image=docker.io/library/golang:$want_go-bookworm
distroless_image=gcr.io/distroless/static-debian12:nonroot
standin_version="v2 $go_version $mirror bookworm"

rootfs=$work/golang-rootfs.tar
make_rootfs() {
  [ -f "$rootfs" ] && return
  say "mmdebstrap: minimal bookworm for the stand-ins"
  # ca-certificates is in the real golang and distroless images too.
  mmdebstrap --quiet --variant=minbase --include=ca-certificates \
    --customize-hook="copy-in $goroot /usr/local" \
    --customize-hook='mkdir -p "$1/go/bin" "$1/go/src" && chmod -R 1777 "$1/go"' \
    bookworm "$rootfs" "$mirror" </dev/null >"$work/mmdebstrap.log" 2>&1 ||
    { cat "$work/mmdebstrap.log"; fail "mmdebstrap"; }
}

if [ "$(standin_key "$golang_image")" != "$standin_version" ]; then
  make_rootfs
  say "stand-in $golang_image"
  bh rmi -f "$golang_image" >/dev/null 2>&1 || true
  ctr=$(bh from scratch)
  bh add "$ctr" "$rootfs" / >/dev/null
  bh config \
    --env PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env GOLANG_VERSION="$want_go" --env GOTOOLCHAIN=local --env GOPATH=/go \
    --workingdir /go --cmd bash --label "sshblog.stand-in=$standin_version" "$ctr"
  bh commit --rm --quiet --format docker "$ctr" "$golang_image" >/dev/null
fi

if [ "$(standin_key "$distroless_image")" != "$standin_version" ]; then
  make_rootfs
  say "stand-in $distroless_image"
  d=$work/distroless
  mkdir -p "$d/etc/ssl/certs" "$d/tmp" "$d/home/nonroot" "$d/root" "$d/usr/lib"
  tar -xOf "$rootfs" ./etc/ssl/certs/ca-certificates.crt >"$d/etc/ssl/certs/ca-certificates.crt"
  tar -xOf "$rootfs" ./usr/lib/os-release >"$d/usr/lib/os-release"
  ln -s ../usr/lib/os-release "$d/etc/os-release"
  cat >"$d/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
EOF
  cat >"$d/etc/group" <<'EOF'
root:x:0:
nobody:x:65534:
tty:x:5:
staff:x:50:
nonroot:x:65532:
EOF
  printf 'hosts: files dns\nnetworks: files\n' >"$d/etc/nsswitch.conf"
  chmod 1777 "$d/tmp"
  chmod 0700 "$d/home/nonroot" "$d/root"
  tar -C "$d" --numeric-owner --owner=0 --group=0 -cf "$work/distroless.tar" .
  # The home folder belongs to nonroot, as in distroless.
  tar -C "$d" --numeric-owner --owner=65532 --group=65532 -rf "$work/distroless.tar" ./home/nonroot
  bh rmi -f "$distroless_image" >/dev/null 2>&1 || true
  ctr=$(bh from scratch)
  bh add "$ctr" "$work/distroless.tar" / >/dev/null
  bh config --user 65532 --workingdir /home/nonroot \
    --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
    --label "sshblog.stand-in=$standin_version" "$ctr"
  bh commit --rm --quiet --format docker "$ctr" "$distroless_image" >/dev/null
fi

# ---------------------------------------------------------------------------
# Build: the Dockerfile as a user runs it, with the host's CA bundle lent to
# the build (TLS to the module proxy goes through this machine's CA).

# Explicit limits, within this machine's hard limits (a container may not
# raise them, and the defaults of buildah and podman can exceed them).
lim() { local h; h=$(ulimit -H "$1"); if [ "$h" = unlimited ] || [ "$h" -gt "$2" ]; then echo "$2"; else echo "$h"; fi; }
nofile=$(lim -n 65536)
nproc=$(lim -u 4096)
ulimits=(--ulimit "nofile=$nofile:$nofile" --ulimit "nproc=$nproc:$nproc")

say "buildah bud"
version=test-$run_id
# HEALTHCHECK is part of Docker's image format, not OCI's: build that format,
# as Docker does.
if ! bh bud --isolation chroot --pull=never --format docker --layers=false \
  "${ulimits[@]}" \
  -v /etc/ssl/certs/ca-certificates.crt:/etc/ssl/certs/ca-certificates.crt:ro \
  --build-arg VERSION="$version" -f "$repo/Dockerfile" -t "$image" "$context" >"$work/build.log" 2>&1; then
  cat "$work/build.log"
  fail "buildah bud"
fi
grep -E '^(\[[0-9/]+\] )?(STEP|COMMIT)' "$work/build.log" | sed 's/^/   /' || true

say "image metadata"
inspect() { pm image inspect --format "$1" "$image"; }
[ "$(inspect '{{.Config.User}}')" = "65532:65532" ] || fail "image user is $(inspect '{{.Config.User}}'), want 65532:65532"
inspect '{{json .Config.ExposedPorts}}' | grep -q '"2222/tcp"' || fail "image does not EXPOSE 2222"
inspect '{{json .Config.ExposedPorts}}' | grep -q '"9222/tcp"' || fail "image does not EXPOSE 9222 (HTTP health and metrics)"
inspect '{{json .Config.Volumes}}' | grep -q '"/data"' || fail "image has no /data volume"
health=$(inspect '{{json .Config.Healthcheck}}')
echo "$health" | grep -q '"/sshblog","healthcheck"' || fail "HEALTHCHECK is not [/sshblog healthcheck]: $health"
envs=$(inspect '{{json .Config.Env}}')
for want in SSHBLOG_ADDR=:2222 SSHBLOG_HOST_KEY=/data/ssh_host_ed25519_key SSHBLOG_HTTP_ADDR=:9222; do
  echo "$envs" | grep -q "\"$want\"" || fail "image environment lacks $want: $envs"
done
labels=$(inspect '{{json .Config.Labels}}')
for want in "\"org.opencontainers.image.source\":\"https://github.com/sshblog/sshblog\"" \
  "\"org.opencontainers.image.version\":\"$version\"" '"org.opencontainers.image.licenses"'; do
  echo "$labels" | grep -qF "$want" || fail "image labels lack $want: $labels"
done
# The image is the base plus the binary and /data, nothing else.
added=$(pm image diff "$image" "$distroless_image" | sort | tr '\n' ' ')
[ "$added" = "A /data A /sshblog " ] || fail "image adds more than /sshblog and /data to the base: $added"
echo "   user 65532:65532, EXPOSE 2222, VOLUME /data, HEALTHCHECK $health; adds: $added"

# ---------------------------------------------------------------------------
# Run.

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
known_hosts=$work/known_hosts
ssh_base=(-p "$port" -o UserKnownHostsFile="$known_hosts" -o GlobalKnownHostsFile=/dev/null
  -o BatchMode=yes -o LogLevel=ERROR -o ConnectTimeout=10)

# start NAME ARGS... runs a container (published on the loopback port) and
# waits until its HEALTHCHECK passes.
start() {
  local cname=$1; shift
  containers+=("$cname")
  pm run -d --name "$cname" "${ulimits[@]}" --health-interval=disable \
    -p "127.0.0.1:$port:2222" "$@" >/dev/null
  wait_healthy "$cname"
}
wait_healthy() {
  local cname=$1 out
  for _ in $(seq 100); do
    if out=$(pm healthcheck run "$cname" 2>&1); then return 0; fi
    if [ "$(pm inspect --format '{{.State.Running}}' "$cname")" != true ]; then
      pm logs "$cname" >&2 || true
      fail "container $cname exited: $(pm inspect --format '{{.State.ExitCode}}' "$cname")"
    fi
    sleep 0.2
  done
  pm logs "$cname" >&2 || true
  fail "container $cname never became healthy: $out"
}
log_fingerprint() { pm logs "$1" 2>&1 | sed -n 's/.*serving.*fingerprint=\(SHA256:[^ ]*\).*/\1/p' | tail -1; }
keyscan_fingerprint() {
  ssh-keyscan -p "$port" -t ed25519 127.0.0.1 2>/dev/null | ssh-keygen -lf - | awk '{print $2}'
}

keys=sshblog-image-test-keys-$run_id
volumes+=("$keys")
pm volume create "$keys" >/dev/null

say "docker run -p 127.0.0.1:$port:2222 -v $keys:/data (README command)"
start "$name" -v "$keys:/data" "$image"
pm logs "$name" 2>&1 | grep -q "generated a new host key" || fail "first start did not log the new host key"
fp=$(log_fingerprint "$name")
[ -n "$fp" ] || { pm logs "$name"; fail "no fingerprint in the log"; }
fp_cmd=$(pm exec "$name" /sshblog fingerprint)
[ "$fp_cmd" = "$fp (ED25519)" ] || fail "sshblog fingerprint printed '$fp_cmd', the log says $fp"
[ "$(keyscan_fingerprint)" = "$fp" ] || fail "ssh-keyscan sees $(keyscan_fingerprint), the log says $fp"
echo "   host key $fp (log, sshblog fingerprint and ssh-keyscan agree)"
[ "$(pm exec "$name" /sshblog version)" = "sshblog $version" ] ||
  fail "sshblog version prints '$(pm exec "$name" /sshblog version)', want 'sshblog $version' (--build-arg VERSION)"

pid=$(pm inspect --format '{{.State.Pid}}' "$name")
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$pid/status")
[ "$uids" = "65532 65532 65532 65532" ] || fail "server process runs with uids $uids, want 65532"
capeff=$(awk '/^CapEff:/ {print $2}' "/proc/$pid/status")
[ "$capeff" = 0000000000000000 ] || fail "server process has capabilities $capeff"
[ "$(stat -c '%u %a' "/proc/$pid/root/data/ssh_host_ed25519_key")" = "65532 600" ] ||
  fail "host key is $(stat -c 'uid %u mode %a' "/proc/$pid/root/data/ssh_host_ed25519_key"), want uid 65532 mode 600"
echo "   process uid 65532, no capabilities; key uid 65532 mode 600"

say "ssh read aws-in-action"
out=$(timeout 60 ssh "${ssh_base[@]}" -o StrictHostKeyChecking=accept-new reader@127.0.0.1 read aws-in-action) ||
  fail "ssh read failed"
grep -q "장별 요약" <<<"$out" || fail "the post does not contain 장별 요약: ${out:0:500}"
echo "   $(wc -l <<<"$out") lines, contains 장별 요약"

say "terminal session without answers to terminal queries"
# A PTY whose client never answers the app's queries (background colour...):
# the post list must be drawn at once, not after a timeout.
mkfifo "$work/pty.in"
timeout 30 ssh "${ssh_base[@]}" -o StrictHostKeyChecking=yes -tt reader@127.0.0.1 <"$work/pty.in" >"$work/pty.out" 2>&1 &
bg_pids+=($!)
exec 8>"$work/pty.in"
screen() { sed -e 's/\x1b\[[0-9;?<>=]*[a-zA-Z]//g' -e 's/\x1b\][^\x07\x1b]*\(\x07\|\x1b\\\)//g' "$work/pty.out" | tr -d '\r'; }
t0=$(date +%s%N)
until grep -q "Welcome to sshblog" <(screen); do
  if [ $(( ($(date +%s%N) - t0) / 1000000 )) -gt 10000 ]; then
    head -c 3000 "$work/pty.out" | cat -v; fail "the terminal session drew no post list in 10s"
  fi
  sleep 0.05
done
drawn=$(( ($(date +%s%N) - t0) / 1000000 ))
printf q >&8
exec 8>&-
wait "${bg_pids[-1]}" || fail "ssh -tt did not end cleanly after q"
[ "$drawn" -lt 3000 ] || fail "the post list took ${drawn}ms to appear: something waits for a terminal reply"
echo "   post list drawn after ${drawn}ms (connection included); the session ended on q"

say "restart: the host key survives"
pm stop -t 15 "$name" >/dev/null
[ "$(pm inspect --format '{{.State.ExitCode}}' "$name")" = 0 ] ||
  { pm logs "$name"; fail "exit status after SIGTERM: $(pm inspect --format '{{.State.ExitCode}}' "$name")"; }
pm start "$name" >/dev/null
wait_healthy "$name"
[ "$(pm logs "$name" 2>&1 | grep -c 'generated a new host key')" = 1 ] || fail "the restart generated a new host key"
[ "$(log_fingerprint "$name")" = "$fp" ] || fail "fingerprint after restart is $(log_fingerprint "$name"), was $fp"
timeout 60 ssh "${ssh_base[@]}" -o StrictHostKeyChecking=yes reader@127.0.0.1 ls >/dev/null ||
  fail "ssh with the known_hosts of the first start fails after the restart"
echo "   SIGTERM: exit 0; fingerprint unchanged; known_hosts still matches"

say "redeploy: new container, same volume, read-only root, no capabilities"
pm rm -f "$name" >/dev/null
start "$name-2" -v "$keys:/data" --read-only --read-only-tmpfs=false --cap-drop=ALL \
  --security-opt no-new-privileges "$image"
[ "$(log_fingerprint "$name-2")" = "$fp" ] || fail "fingerprint after redeploy is $(log_fingerprint "$name-2"), was $fp"
out=$(timeout 60 ssh "${ssh_base[@]}" -o StrictHostKeyChecking=yes reader@127.0.0.1 read aws-in-action) ||
  fail "ssh after the redeploy fails"
grep -q "장별 요약" <<<"$out" || fail "the post does not contain 장별 요약 after the redeploy"
pm rm -f "$name-2" >/dev/null
echo "   fingerprint unchanged, post served"

say "posts from a mounted folder (SSHBLOG_CONTENT=/posts)"
mkdir -p "$work/posts"
cat >"$work/posts/2026-01-02-from-a-volume.md" <<'EOF'
---
title: "From a volume"
date: 2026-01-02 10:00:00 +0000
tags: [test]
---

This post was mounted into the container.
EOF
chmod -R a+rX "$work/posts"
start "$name-3" -v "$keys:/data" -v "$work/posts:/posts:ro" -e SSHBLOG_CONTENT=/posts "$image"
out=$(timeout 60 ssh "${ssh_base[@]}" -o StrictHostKeyChecking=yes reader@127.0.0.1 ls) || fail "ssh ls fails"
grep -q "From a volume" <<<"$out" || fail "the mounted post is not listed: $out"
! grep -q "aws-in-action\|AWS" <<<"$out" || fail "the embedded posts are still listed: $out"
pm rm -f "$name-3" >/dev/null
echo "   the mounted post replaces the embedded ones"

say "a corrupt or unreadable host key is an error, never replaced"
# expect_refusal NAME WHAT MOUNT: the server must exit 1 and leave the key.
expect_refusal() {
  local cname=$1 what=$2 dir=$3 before status
  before=$(sha256sum "$dir/ssh_host_ed25519_key")
  containers+=("$cname")
  status=0
  pm run --name "$cname" "${ulimits[@]}" --health-interval=disable -v "$dir:/data" "$image" >"$work/$cname.log" 2>&1 || status=$?
  [ "$status" = 1 ] || { cat "$work/$cname.log"; fail "$what key: exit status $status, want 1"; }
  grep -q "$4" "$work/$cname.log" || { cat "$work/$cname.log"; fail "$what key: no '$4' in the error"; }
  [ "$(sha256sum "$dir/ssh_host_ed25519_key")" = "$before" ] || fail "$what key was replaced"
  echo "   $what key: exit 1: $(grep -o 'host key.*' "$work/$cname.log" | head -1 | cut -c1-110)"
}
mkdir -p "$work/corrupt" "$work/unreadable"
echo "not a key" >"$work/corrupt/ssh_host_ed25519_key"
chmod 0600 "$work/corrupt/ssh_host_ed25519_key" # else it is refused for its mode first
chown -R 65532:65532 "$work/corrupt"
expect_refusal "$name-corrupt" corrupt "$work/corrupt" "not a valid private key"
mkdir -p "$work/loose"
ssh-keygen -q -t ed25519 -N '' -f "$work/loose/ssh_host_ed25519_key"
chmod 0644 "$work/loose/ssh_host_ed25519_key" # readable by others, as sshd refuses
chown -R 65532:65532 "$work/loose"
expect_refusal "$name-loose" "world-readable" "$work/loose" "chmod 600"
ssh-keygen -q -t ed25519 -N '' -f "$work/unreadable/ssh_host_ed25519_key"
chmod 0600 "$work/unreadable/ssh_host_ed25519_key" # owned by root: uid 65532 cannot read it
chmod 0755 "$work/unreadable"
expect_refusal "$name-unreadable" unreadable "$work/unreadable" "permission denied"

say "ok: image built and tested in $((SECONDS - started))s"
