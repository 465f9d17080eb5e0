#!/usr/bin/env bash
# The path a GitHub runner takes, on this machine: a non-root user in the docker group, its own copy of this
# commit, `npm ci`, `npm run setup` pulling the official images by their official-style names from a registry
# (a replica on 127.0.0.1, `npm run registry -- mirror`, when .tools/registry exists), and `npm run perf` (the smoke
# catalogue, or the cases its arguments name) on what it pulled. Checks that setup pulled (not built) each image and
# that the run's report names them; the run's reports are copied to reports/<PERF_RUN_ID> before the user is removed.
# Run as root (it creates the user, PERF_RUNNER_USER, default perfrunner, and removes it afterwards).
#   bash scripts/runner-user-check.sh [vitest arguments, e.g. tests/perf/baseline.perf.ts -t PERF-01]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# The project's Node (24, from npm ci) for the .ts helpers, as npm scripts have it.
export PATH="$root/node_modules/.bin:$PATH"
log() { printf '[runner-user] %s\n' "$*" >&2; }
die() { printf '[runner-user] error: %s\n' "$*" >&2; exit 1; }
# shellcheck source=scripts/lib/throwaway-user.sh
. scripts/lib/throwaway-user.sh

throwaway_user_preflight "this check creates a non-root user and runs the suite as it"
git diff --quiet HEAD 2>/dev/null || log "uncommitted changes are not part of the check: it runs HEAD ($(git rev-parse --short HEAD))"
user=${PERF_RUNNER_USER:-perfrunner}
port=${PERF_REGISTRY_PORT:-5000}
registry="127.0.0.1:$port"
run_id=${PERF_RUN_ID:-runner-user-$(date +%Y%m%dT%H%M%S)}
case "$run_id" in *[!A-Za-z0-9._-]*) die "PERF_RUN_ID=$run_id: use letters, digits, dots, dashes and underscores" ;; esac
perf_args=""
for a in "$@"; do perf_args+=" $(printf '%q' "$a")"; done

started_registry=0
mirrored=()
cleanup() {
  local status=$?
  # Images pulled under the mirror's names are removed (also when setup died midway), so a later run pulls them
  # again for real.
  for image in "${mirrored[@]}"; do
    docker image inspect "$image" >/dev/null 2>&1 || continue
    docker rmi "$image" >/dev/null 2>&1 || log "could not remove $image"
  done
  [ "$started_registry" = 1 ] && bash scripts/registry.sh stop
  throwaway_user_take_reports "$run_id"
  throwaway_user_remove
  exit "$status"
}
trap cleanup EXIT

throwaway_user_create "$user" PERF_RUNNER_USER
home=$tu_home
log "user $user (uid $(id -u "$user"), groups $(id -Gn "$user")): no root, no sudo"

if [ -x .tools/registry ]; then
  curl -fsS --max-time 2 "http://$registry/v2/" >/dev/null 2>&1 || started_registry=1
  bash scripts/registry.sh start >/dev/null
  bash scripts/registry.sh mirror
  tu_env+=("MCP_PERF_REGISTRY=$registry")
  roles=$(node scripts/official-image.ts --roles stack)
  for role in $roles; do mirrored+=("$(MCP_PERF_REGISTRY=$registry node scripts/official-image.ts "$role")"); done
else
  log "no registry at .tools/registry (npm run setup -- --with-registry builds it): the user runs on the images already here, nothing is pulled"
fi

tu_env+=(PERF_PROFILE=smoke PERF_CASES=all "PERF_RUN_ID=$run_id")

log "as $user: npm ci"
as_user 'npm ci --no-audit --no-fund --loglevel=error' >&2
log "as $user: npm run setup"
as_user 'npm run setup' 2>&1 | tee "$home/setup.log" >&2
if [ ${#mirrored[@]} -gt 0 ]; then
  why=$(setup_pulled_all "$home/setup.log" "${mirrored[@]}") || die "as $user: $why (its log above)"
  log "setup as $user pulled ${mirrored[*]}"
fi
ours() { docker ps -aq --no-trunc --filter label=mcp-perf.run | sort; }
before=$(ours)
log "as $user: npm run perf${perf_args:+ --$perf_args} (smoke)"
as_user "npm run perf${perf_args:+ --$perf_args}"
report="$home/mcp-perf/reports/$run_id/results.json"
[ -f "$report" ] || die "no report at $report"
stack_images=()
for name in "${mirrored[@]}"; do case "$name" in *litellm*) ;; *) stack_images+=("$name") ;; esac; done
why=$(report_names_all "$report" "${stack_images[@]}") || die "$why"
# Only containers this run started count (another run on the machine may hold its own).
leftover=$(comm -13 <(echo "$before") <(ours) | grep -c . || true)
[ "$leftover" = 0 ] || die "the run as $user left $leftover container(s) behind"
log "done: setup and npm run perf${perf_args:+ --$perf_args} ran as $user$([ ${#mirrored[@]} -gt 0 ] && echo ", on images pulled from $registry")"
