#!/usr/bin/env bash
# A real container registry on this machine, for the path a user's images take: CNCF Distribution (the
# registry inside Docker's registry:2 image), built from its Go module into .tools/registry, listening on
# 127.0.0.1 only, its storage under .tools/registry-data.
#   npm run registry -- build    build it only (npm run setup -- --with-registry does this)
#   npm run registry -- start    start it (PERF_REGISTRY_PORT, default 5000); prints its address
#   npm run registry -- push     push this project's images in use to it, as 127.0.0.1:<port>/mcp-perf/<role>:<tag>
#   npm run registry -- mirror   push the images in use as a replica of the official ones (both gateways), under official-style
#                                names (127.0.0.1:<port>/library/postgres:17-alpine, .../ibm/mcp-context-forge:v1.1.0,
#                                and the Debian bases as .../library/debian:<suite>-slim)
#   npm run registry -- stop     stop it
# Then run the suite from the registry:
#   MCP_PERF_GATEWAY_IMAGE=127.0.0.1:5000/mcp-perf/gateway:1.1.0 npm run perf
#   MCP_PERF_REGISTRY=127.0.0.1:5000 npm run setup && MCP_PERF_REGISTRY=127.0.0.1:5000 npm run perf   (after mirror)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
version=v3.1.2
port=${PERF_REGISTRY_PORT:-5000}
addr="127.0.0.1:$port"
bin="$root/.tools/registry"
data="$root/.tools/registry-data"
pidfile="$root/.tools/registry.pid"
log() { printf '[registry] %s\n' "$*" >&2; }
die() { printf '[registry] error: %s\n' "$*" >&2; exit 1; }
img() { node -e "const j=require('./fixtures/images/images.json');console.log($1)"; }
answers() { curl -fsS --max-time 2 "http://$addr/v2/" >/dev/null 2>&1; }

build() {
  [ -x "$bin" ] && return
  command -v go >/dev/null || die "no registry at $bin and no Go toolchain to build it: install Go, or run your own registry and set MCP_PERF_*_IMAGE to its images"
  log "building CNCF Distribution $version from its Go module (about 4 minutes on 2 cores)"
  mkdir -p "$root/.tools"
  GOBIN="$root/.tools" go install "github.com/distribution/distribution/v3/cmd/registry@$version"
}

start() {
  if answers; then log "already answering at $addr"; echo "$addr"; return; fi
  build
  mkdir -p "$data"
  cat > "$root/.tools/registry.yml" <<EOF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $data
  delete:
    enabled: true
http:
  addr: $addr
EOF
  nohup "$bin" serve "$root/.tools/registry.yml" > "$root/.tools/registry.log" 2>&1 &
  echo $! > "$pidfile"
  for _ in $(seq 1 30); do answers && break; sleep 1; done
  answers || { tail -20 "$root/.tools/registry.log" >&2; die "the registry did not answer at $addr within 30 s (its log is above)"; }
  log "answering at $addr (Docker trusts a registry on 127.0.0.0/8 without TLS)"
  echo "$addr"
}

# The image this machine uses for a role: the official one when present, else its local equivalent.
in_use() {
  local src
  if [ "$1" = servers ]; then src=$(img "j.servers"); else
    src=$(MCP_PERF_REGISTRY= node scripts/official-image.ts "$1")
    docker image inspect "$src" >/dev/null 2>&1 || src=$(img "j.local.$1")
  fi
  docker image inspect "$src" >/dev/null 2>&1 || die "$src is not here: run npm run setup first"
  echo "$src"
}

publish() { # source destination
  docker tag "$1" "$2"
  docker push -q "$2" >/dev/null || die "pushing $2 failed"
  log "$1 -> $2"
}

push() {
  answers || die "no registry answers at $addr: run npm run registry -- start"
  for role in postgres redis gateway servers; do
    src=$(in_use "$role")
    publish "$src" "$addr/mcp-perf/$role:${src##*:}"
  done
}

mirror() {
  answers || die "no registry answers at $addr: run npm run registry -- start"
  roles=$(node scripts/official-image.ts --roles stack)
  for role in $roles; do
    src=$(in_use "$role")
    dst=$(MCP_PERF_REGISTRY=$addr node scripts/official-image.ts "$role")
    publish "$src" "$dst" && docker rmi "$dst" >/dev/null
  done
  # Stand-ins for the official Debian bases the image builder pulls when a registry has them.
  for suite in bookworm trixie; do
    src=$(img "j.local.$suite")
    docker image inspect "$src" >/dev/null 2>&1 || continue
    publish "$src" "$addr/library/debian:$suite-slim" && docker rmi "$addr/library/debian:$suite-slim" >/dev/null
  done
}

stop() {
  if [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null; then log "stopped"; fi
  rm -f "$pidfile"
}

case "${1:-}" in
  build) build; log "$bin" ;;
  start) start ;;
  push) push ;;
  mirror) mirror ;;
  stop) stop ;;
  *) die "usage: npm run registry -- build | start | push | mirror | stop" ;;
esac
