# sshblog: a blog served over SSH, as a container image.
#
#   docker build --build-arg VERSION=v1.2.3 -t sshblog .
#   docker run -d --name sshblog -p 22:2222 -v sshblog-keys:/data sshblog
#   docker run --rm -v sshblog-keys:/data sshblog fingerprint
#
# The image holds the static binary and nothing else (the posts are embedded
# in it). It runs as uid 65532 without capabilities and listens on 2222; the
# host key lives on the /data volume and is generated on the first start.
# README.md, "Hosting" has the details; scripts/test-image.sh tests it.

# ---- build ------------------------------------------------------------------
FROM golang:1.26.8-bookworm AS build

# A static binary that does not depend on the build machine's paths, and no
# VCS stamping: the build context has no .git (see .dockerignore).
ENV CGO_ENABLED=0 \
    GOFLAGS=-buildvcs=false

WORKDIR /src

# Modules first, in their own layer: it is rebuilt only when go.mod or go.sum
# change, not on every edit of a post or of the code.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .

ARG VERSION=devel
RUN go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/sshblog ./cmd/sshblog \
 && /out/sshblog version \
 && mkdir -p /out/data

# ---- run --------------------------------------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot

ARG VERSION=devel
ARG LICENSES=NOASSERTION
LABEL org.opencontainers.image.title="sshblog" \
      org.opencontainers.image.description="A blog you read over SSH" \
      org.opencontainers.image.source="https://github.com/sshblog/sshblog" \
      org.opencontainers.image.url="https://github.com/sshblog/sshblog" \
      org.opencontainers.image.documentation="https://github.com/sshblog/sshblog#hosting" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="${LICENSES}"

COPY --from=build /out/sshblog /sshblog
# /data belongs to the server's user so that a new, empty volume mounted
# there (which starts as a copy of this folder) lets it create the host key.
COPY --from=build --chown=65532:65532 /out/data /data

# Every flag has an SSHBLOG_* variable; `sshblog healthcheck` and
# `sshblog fingerprint` read the same ones as the server, so they follow any
# override given with -e. The grace period stays under `docker stop`'s
# default 10s so readers see the notice and the server exits cleanly; raise
# both together (--stop-timeout / stop_grace_period) for longer reads.
ENV SSHBLOG_ADDR=:2222 \
    SSHBLOG_HOST_KEY=/data/ssh_host_ed25519_key \
    SSHBLOG_SHUTDOWN_GRACE=8s \
    SSHBLOG_HTTP_ADDR=:9222
# Posts from a mounted folder instead of the embedded ones:
#   docker run -v "$PWD/posts:/posts:ro" -e SSHBLOG_CONTENT=/posts ...
# Memory: the image sets no GOMEMLIMIT, SSHBLOG_MAX_SESSIONS or
# SSHBLOG_MAX_CONNECTIONS, since it cannot know its container's limit. Give
# the container a limit and the three to match, as deploy/compose.yaml does:
#   docker run --memory 512m --cpus 2 -e GOMEMLIMIT=430MiB \
#     -e SSHBLOG_MAX_SESSIONS=180 -e SSHBLOG_MAX_CONNECTIONS=800 ...
# so that 176MiB + sessions x 1MiB + connections x 64KiB <= GOMEMLIMIT
# <= 90% of --memory (deploy/kubernetes/base/deployment.yaml explains the
# figures; deploy/kubetest checks this line too).

VOLUME ["/data"]
# 2222: SSH. 9222: HTTP /healthz, /readyz and Prometheus /metrics.
EXPOSE 2222 9222

USER 65532:65532

# No shell in this image: exec form. healthcheck completes an SSH handshake
# with the server at SSHBLOG_ADDR (":2222" means 127.0.0.1:2222).
HEALTHCHECK --interval=30s --timeout=10s --start-period=10s --retries=3 \
  CMD ["/sshblog", "healthcheck"]

STOPSIGNAL SIGTERM
ENTRYPOINT ["/sshblog"]
CMD ["serve"]
