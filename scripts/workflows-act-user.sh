#!/usr/bin/env bash
# `npm run workflows:act` (scripts/workflows-act.sh) as GitHub's runners run a job: as a non-root user in the docker
# group (PERF_ACT_USER, default perfact; no sudo, so nothing the workflows do may need root), with its own clone of this
# commit, its own `npm ci`, a copy of .tools/act and its own act cache. The user sees the machine's certificate and
# proxy settings and the PERF_ACT_* settings, nothing else. The runs' reports are copied to reports/ before the user
# is removed with everything it started.
# Run as root (it creates the user and removes it afterwards).
#   bash scripts/workflows-act-user.sh [pr] [gateway] [noise] [nightly]     (default: all four)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log() { printf '[workflows-act-user] %s\n' "$*" >&2; }
die() { printf '[workflows-act-user] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/lib/throwaway-user.sh
. scripts/lib/throwaway-user.sh

throwaway_user_preflight "this check creates a non-root user and runs the workflows as it (as yourself: npm run workflows:act)"
[ -x .tools/act ] || die "no act at .tools/act: npm run setup -- --with-act builds it"
for r in "$@"; do case "$r" in pr | gateway | noise | nightly) ;; *) die "unknown run '$r': pr, gateway, noise or nightly" ;; esac; done
git diff --quiet HEAD 2>/dev/null || log "uncommitted changes are not part of the check: it runs HEAD ($(git rev-parse --short HEAD))"
user=${PERF_ACT_USER:-perfact}

cleanup() {
  local status=$?
  throwaway_user_take_reports 'workflows-act-*'
  throwaway_user_remove
  exit "$status"
}
trap cleanup EXIT

throwaway_user_create "$user" PERF_ACT_USER clone
mkdir -p "$tu_home/mcp-perf/.tools"
cp .tools/act "$tu_home/mcp-perf/.tools/act"
chown -R "$user:" "$tu_home/mcp-perf/.tools"
log "user $user (uid $(id -u "$user"), groups $(id -Gn "$user")): no root, no sudo"

for v in NODE_EXTRA_CA_CERTS SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE GIT_SSL_CAINFO REQUESTS_CA_BUNDLE PIP_CERT \
  http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY PERF_ACT_HEAD_EXTRA_CPU_MS PERF_ACT_GATEWAY_PROFILE; do
  [ -n "${!v:-}" ] && tu_env+=("$v=${!v}")
done

log "as $user: npm ci"
as_user 'npm ci --no-audit --no-fund --loglevel=error' >&2
runs=""
for r in "$@"; do runs+=" $r"; done
log "as $user: npm run workflows:act${runs:+ --$runs}"
as_user "npm run workflows:act${runs:+ --$runs}"
log "done: the workflows ran under act as $user"
