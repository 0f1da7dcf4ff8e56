#!/usr/bin/env bash
# The test command: installs what the tests need on a fresh Debian machine,
# then runs every check CI runs. Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the end-to-end tests drive: OpenSSH's client, tmux and
# ssh-audit, and the other SSH clients of the README's compatibility table
# (cmd/sshblog/clients_test.go): PuTTY's plink, dropbear's dbclient,
# asyncssh and paramiko. Jekyll and Hugo build the corpus of real sites
# that cmd/sshblog/faithful_test.go compares sshblog with. git makes the
# repositories of cmd/sshblog/gitsync_test.go's git-sync stand-in.
# Chromium draws the web mirror's pages (internal/web/browser_test.go),
# with the Noto CJK fonts for Korean and Japanese.
need=()
command -v ssh >/dev/null 2>&1 || need+=(openssh-client)
command -v tmux >/dev/null 2>&1 || need+=(tmux)
command -v ssh-audit >/dev/null 2>&1 || need+=(ssh-audit)
command -v plink >/dev/null 2>&1 || need+=(putty-tools)
command -v dbclient >/dev/null 2>&1 || need+=(dropbear-bin)
command -v jekyll >/dev/null 2>&1 || need+=(jekyll)
command -v hugo >/dev/null 2>&1 || need+=(hugo)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# xmllint checks the Atom feeds against RFC 4287's schema (internal/web).
command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils)
command -v git >/dev/null 2>&1 || need+=(git)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
# python3-* install into Debian's /usr/bin/python3, which the test falls
# back to when the python3 on PATH (pyenv's, say) lacks the module.
has_py() { python3 -c "import $1" 2>/dev/null || /usr/bin/python3 -c "import $1" 2>/dev/null; }
has_py asyncssh || need+=(python3-asyncssh)
has_py paramiko || need+=(python3-paramiko)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing: ${need[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

echo "== go vet"
go vet ./...

echo "== cross-build"
for os in linux darwin windows freebsd; do
  for arch in amd64 arm64; do
    GOOS=$os GOARCH=$arch go build ./... || { echo "cross-build failed: $os/$arch"; exit 1; }
  done
done
GOOS=darwin GOARCH=arm64 go vet ./... # the tests too, as macOS would build them
GOOS=windows GOARCH=amd64 go vet ./...

echo "== go test"
go test -race -count=1 ./...

echo "== sshblog check (embedded posts)"
go run ./cmd/sshblog check

echo "== ssh-audit"
scripts/ssh-audit.sh

echo "== deploy: Kubernetes manifests and compose.yaml (own module)"
(cd deploy/kubetest && go vet ./... && go test -count=1 ./...)

echo "== container image (buildah + podman, stand-in base images)"
scripts/test-image.sh

echo "== replicas behind HAProxy (PROXY protocol v2)"
scripts/test-replicas.sh

echo "== bench smoke (scripts/bench.sh --quick)"
scripts/bench.sh --quick
