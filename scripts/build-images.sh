#!/usr/bin/env bash
# Builds images equivalent to the official ones the stack uses: Debian bases from the official debian:<suite>-slim
# when a registry has it (MCP_PERF_REGISTRY, else Docker Hub), else made with debootstrap + docker import (root or
# passwordless sudo), then Postgres, Redis, HAProxy (the scaling case's balancer), Node 24 from Debian's packages
# and npm, every gateway adapter's image (ContextForge, LiteLLM's proxy: from PyPI), and the image of our own MCP
# servers.
# Reruns are cheap: bases that exist are kept, and docker's layer cache does the rest.
# Usage: scripts/build-images.sh [--servers-only] ; FORCE_BASE=1 rebuilds the Debian bases.
#        scripts/build-images.sh --base <suite> <name>   only one Debian base, under that name
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
img() { node -e "const j=require('./fixtures/images/images.json');console.log($1)"; }
log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }

command -v docker >/dev/null || die "no docker client on PATH. Install Docker (Debian: apt-get install docker.io) or run npm run setup."
timeout 20 docker info >/dev/null 2>&1 || die "the Docker engine does not answer. Start it (npm run setup does it on Debian as root) and retry."

# What an image is built from, as a short digest: its Dockerfile, its build arguments and every file its COPY lines
# take from the context. The same on every machine and every rebuild, where the image id is new each time: baselines
# compare it (tests/support/budget/baseline.ts) to tell a rebuilt image from another one.
recipe() { # dockerfile context [build args...]
  local file=fixtures/images/$1 ctx=$2; shift 2
  {
    cat "$file"
    printf '%s\n' "$@"
    local src f srcs
    # Read as words, not expanded here: a pattern such as *.ts is the context's, matched there below.
    mapfile -t srcs < <(awk '/^(COPY|ADD) / { for (i = 2; i < NF; i++) if ($i !~ /^--/) print $i }' "$file")
    for src in "${srcs[@]}"; do
      for f in $(cd "$ctx" && compgen -G "$src" | LC_ALL=C sort); do [ -f "$ctx/$f" ] && { printf '%s\n' "$f"; cat "$ctx/$f"; }; done
    done
  } | sha256sum | cut -c1-16
}

build() { # name dockerfile [build args...]
  local name=$1 file=$2; shift 2
  local t0=$SECONDS
  local ctx=${context:-fixtures/images}
  log "building $name from $file"
  if ! docker build --network host --force-rm -q -t "$name" -f "fixtures/images/$file" --label "mcp-perf.recipe=$(recipe "$file" "$ctx" "$@")" "$@" "$ctx" >/tmp/mcp-perf-build.$$.log 2>&1; then
    tail -40 /tmp/mcp-perf-build.$$.log >&2; rm -f /tmp/mcp-perf-build.$$.log
    die "docker build of $name failed (last lines above)"
  fi
  rm -f /tmp/mcp-perf-build.$$.log
  log "$name ready in $((SECONDS - t0))s"
}

# Says what to do unless this user is root or has sudo without a password (GitHub's runners). Called before any
# as_root, whose output may go to a log file.
need_root() {
  [ "$(id -u)" = 0 ] && return
  command -v sudo >/dev/null && sudo -n true 2>/dev/null && return
  die "making the Debian bases without a registry needs root (debootstrap): run npm run setup as root or with passwordless sudo, or give a registry that has debian:<suite>-slim (MCP_PERF_REGISTRY)"
}
# Runs a command as root: directly, or through sudo without a password.
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi
}

base() { # suite image
  local suite=$1 name=$2
  if [ -z "${FORCE_BASE:-}" ] && docker image inspect "$name" >/dev/null 2>&1; then log "$name present"; return; fi
  # With a registry: the official Debian image, plus the CA certificates debootstrap's base has. No root needed.
  local official="debian:$suite-slim"
  [ -z "${MCP_PERF_REGISTRY:-}" ] || official="${MCP_PERF_REGISTRY%/}/library/debian:$suite-slim"
  local bundle=/etc/ssl/certs/ca-certificates.crt
  local ca_env="NODE_EXTRA_CA_CERTS=$bundle PIP_CERT=$bundle REQUESTS_CA_BUNDLE=$bundle SSL_CERT_FILE=$bundle"
  if timeout 300 docker pull -q "$official" >/dev/null 2>&1; then
    local ctx; ctx=$(mktemp -d /tmp/mcp-perf-base.XXXXXX)
    mkdir "$ctx/ca" && { cp /usr/local/share/ca-certificates/*.crt "$ctx/ca/" 2>/dev/null || true; }
    printf '%s\n' "FROM $official" "COPY ca/ /usr/local/share/ca-certificates/" \
      'RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*' \
      "ENV $ca_env" > "$ctx/Dockerfile"
    docker build --network host -q -t "$name" "$ctx" >/dev/null || { rm -rf "$ctx"; die "building $name from $official failed"; }
    rm -rf "$ctx"
    log "$name made from $official (pulled; no debootstrap, no root)"
    return
  fi
  log "$official cannot be pulled: $name is made with debootstrap"
  need_root
  command -v debootstrap >/dev/null || [ -x /usr/sbin/debootstrap ] || { as_root apt-get update -qq >/dev/null && as_root apt-get install -y -qq debootstrap >/dev/null; } ||
    die "debootstrap is needed to make $name (apt-get install debootstrap)"
  local mirror
  mirror=$(grep -hoE '^URIs: *[^ ]+' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -1 || true)
  [ -n "$mirror" ] || mirror=$(grep -hoE '^deb +[^ ]+' /etc/apt/sources.list 2>/dev/null | awk '{print $2}' | head -1 || true)
  [ -n "$mirror" ] || die "no Debian mirror found in /etc/apt sources"
  local dir; dir=$(mktemp -d /tmp/mcp-perf-rootfs.XXXXXX)
  # Its own log file: another user's run may own a fixed name in /tmp.
  local logfile; logfile=$(mktemp /tmp/mcp-perf-debootstrap.XXXXXX)
  # On return and on any exit (die, a failing step): the paths are fixed now, as the locals are gone at exit.
  # shellcheck disable=SC2064
  trap "as_root rm -rf '$dir'; rm -f '$logfile'; trap - RETURN EXIT" RETURN EXIT
  log "debootstrap $suite from $mirror (about a minute)"
  as_root debootstrap --variant=minbase --include=ca-certificates "$suite" "$dir" "$mirror" >"$logfile" 2>&1 || { tail -20 "$logfile" >&2; die "debootstrap $suite failed"; }
  echo "deb $mirror $suite main" | as_root tee "$dir/etc/apt/sources.list" >/dev/null
  # Registries may be reached through a TLS proxy whose CA this machine trusts: the image trusts it too.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    as_root cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
    as_root chroot "$dir" update-ca-certificates >/dev/null 2>&1 || die "update-ca-certificates failed in $suite"
  fi
  as_root tar -C "$dir" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c "ENV $ca_env" \
    -c 'CMD ["/bin/bash"]' - "$name" >/dev/null
  log "$name imported"
}

if [ "${1:-}" = "--base" ]; then
  [ $# = 3 ] || die "usage: scripts/build-images.sh --base <suite> <image name>"
  base "$2" "$3"
  exit 0
fi
if [ "${1:-}" != "--servers-only" ]; then
  base bookworm "$(img j.local.bookworm)"
  base trixie "$(img j.local.trixie)"
  build "$(img j.local.postgres)" postgres.Dockerfile --build-arg "BASE=$(img j.local.trixie)"
  build "$(img j.local.redis)" redis.Dockerfile --build-arg "BASE=$(img j.local.bookworm)"
  build "$(img j.local.haproxy)" haproxy.Dockerfile --build-arg "BASE=$(img j.local.bookworm)"
  build "$(img j.local.node)" node.Dockerfile --build-arg "BASE=$(img j.local.trixie)"
  # Every gateway adapter's image (tests/support/gateway/<kind>/: its Dockerfile, base and pinned version).
  builds=$(node scripts/gateway-builds.ts) || die "could not list the gateway adapters' images (node scripts/gateway-builds.ts)"
  while IFS=$'\t' read -r name file base_image version_arg; do
    build "$name" "$file" --build-arg "BASE=$base_image" --build-arg "$version_arg"
  done <<<"$builds"
fi
node_image=${MCP_PERF_NODE_IMAGE:-$(img j.local.node)}
docker image inspect "$node_image" >/dev/null 2>&1 || node_image=$(img j.official.node)
context=fixtures/servers build "$(img j.servers)" mcp-servers.Dockerfile --build-arg "NODE_IMAGE=$node_image"
log "all images ready"
