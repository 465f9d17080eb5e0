#!/usr/bin/env bash
# Makes this machine able to run the perf suite on its default stack (containers):
#  1. a Docker engine that answers (on Debian as root without one: installs docker.io and starts
#     dockerd with --iptables=false --ip-masq=false, so containers stay on a bridge inside this machine);
#  2. the images: official ones when present or pullable (from MCP_PERF_REGISTRY, a mirror, when it is set),
#     otherwise built locally (npm run images).
#  3. with --with-browser: Chromium, for the test that opens report.html in a real browser;
#  4. with --with-k6: k6 at .tools/k6, for the test that runs exported k6 scripts (built with Go if needed);
#  5. with --with-registry: a real registry at .tools/registry (built with Go), for the test that pulls from one;
#  6. with --with-act: act at .tools/act (built with Go if needed), for scripts/workflows-act.sh;
#  7. with --with-python: the Python MCP SDK in .tools/python-mcp, for the interop test's Python server.
# Safe to rerun: each step is skipped when already done.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] error: %s\n' "$*" >&2; exit 1; }

engine_up() { timeout 10 docker info >/dev/null 2>&1; }

if ! engine_up; then
  if { timeout 10 docker info 2>&1 || true; } | grep -qi 'permission denied'; then
    die "a Docker engine runs, but $(id -un) may not use its socket: add yourself to the docker group (sudo usermod -aG docker $(id -un)), log in again, and rerun"
  fi
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    die "no Docker engine answers. Install and start Docker (or Podman with its Docker socket), then rerun. Without any container runtime, run the suite with PERF_STACK=direct."
  fi
  if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
    log "installing docker.io and debootstrap from Debian's packages"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
  fi
  log "starting dockerd (no iptables, no masquerading: containers have no route out of this machine)"
  nohup dockerd --iptables=false --ip-masq=false --bip=10.213.0.1/24 >/tmp/mcp-perf-dockerd.log 2>&1 &
  for _ in $(seq 1 60); do engine_up && break; sleep 1; done
  engine_up || { tail -20 /tmp/mcp-perf-dockerd.log >&2; die "dockerd did not answer within 60 s (its log is above)"; }
fi
log "Docker engine answers: $(docker version --format '{{.Server.Version}}' 2>/dev/null)"

have() { docker image inspect "$1" >/dev/null 2>&1; }
need_local=0
# Local equivalents are rebuilt whenever they are the ones in use: docker's cache makes an unchanged
# rebuild take seconds, and a changed image definition is never left stale.
roles=$(node scripts/official-image.ts --roles stack)
# An A/B run brings both gateway images itself (they are pulled when the stacks start): only the rest is needed.
if [ -n "${PERF_AB_BASE:-}" ] && [ -n "${PERF_AB_HEAD:-}" ]; then roles=$(node scripts/official-image.ts --roles services); log "A/B run: the gateway images are $PERF_AB_BASE and $PERF_AB_HEAD"; fi
for role in $roles; do
  official=$(node scripts/official-image.ts "$role")
  if have "$official"; then continue; fi
  if timeout 300 docker pull -q "$official" >/dev/null 2>&1; then log "pulled $official"; continue; fi
  log "$official is not here and cannot be pulled; its local equivalent is built (or brought up to date)"
  need_local=1
done
if [ "$need_local" = 1 ]; then
  bash scripts/build-images.sh
else
  bash scripts/build-images.sh --servers-only
fi
with() { case " $* " in *" --with-$1 "*) return 0;; *) return 1;; esac; }
if with registry "$@"; then bash scripts/registry.sh build || log "registry unavailable: the registry test will skip and say why"; fi
if with k6 "$@"; then bash scripts/install-k6.sh || log "k6 unavailable: the k6 export test will skip and say why"; fi
if with python "$@"; then bash scripts/install-python-mcp.sh || log "the Python MCP SDK is unavailable: its interop test will skip and say why"; fi
if with act "$@"; then bash scripts/install-act.sh || log "act unavailable: scripts/workflows-act.sh cannot run the workflows"; fi
if with browser "$@" && ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing Chromium from Debian's packages (the report test opens report.html in it)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    log "no Chromium: the browser check of report.html will be skipped (install chromium to run it)"
  fi
fi
log "ready: npm run perf"
