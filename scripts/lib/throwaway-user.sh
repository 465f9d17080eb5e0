# shellcheck shell=bash
# Sourced by the checks that run this project as a fresh user (runner-user-check.sh, sudo-base-check.sh): the user is
# created in the docker group with its own copy of this commit, runs commands with a clean environment, and is removed
# with everything it started. The caller defines log and die, and calls throwaway_user_remove from its EXIT trap.
# Also the checks' verdicts on a setup log and a run's report, kept here so a unit test can feed them known-bad input.

tu_user=""
tu_home=""
tu_created=0
# Variables (NAME=value) every as_user command gets besides HOME and PATH.
tu_env=()

# throwaway_user_preflight <what the check does as root>: root, and a docker group for the user to join.
throwaway_user_preflight() {
  [ "$(id -u)" = 0 ] || die "run as root: $1"
  getent group docker >/dev/null || die "no docker group: run npm run setup first"
}

# throwaway_user_create <user> <the variable that names it> [clone]: fails if the user exists (not ours to remove).
# The user's copy of the commit is its files (git archive), or with `clone` a git clone checked out at it.
throwaway_user_create() {
  if id "$1" >/dev/null 2>&1; then die "user $1 exists already: remove it (userdel -r $1) or set $2"; fi
  useradd -m -s /bin/bash -G docker "$1"
  tu_user=$1
  tu_created=1
  tu_home=$(getent passwd "$1" | cut -d: -f6)
  if [ "${3:-}" = clone ]; then
    git clone -q "$(git rev-parse --show-toplevel)" "$tu_home/mcp-perf"
    git -C "$tu_home/mcp-perf" checkout -q -B main "$(git rev-parse HEAD)"
  else
    mkdir "$tu_home/mcp-perf"
    git archive HEAD | tar -x -C "$tu_home/mcp-perf"
  fi
  chown -R "$1:" "$tu_home/mcp-perf"
}

throwaway_user_remove() {
  [ "$tu_created" = 1 ] || return 0
  pkill -u "$tu_user" 2>/dev/null || true
  userdel -r "$tu_user" 2>/dev/null || log "could not remove user $tu_user"
}

# throwaway_user_take_reports <pattern>: copies each of the user's reports/<pattern> directories to reports/ here
# (replacing one of the same name), before the user and its home are removed.
throwaway_user_take_reports() {
  [ "$tu_created" = 1 ] || return 0
  local d
  for d in "$tu_home"/mcp-perf/reports/$1; do
    [ -d "$d" ] || continue
    mkdir -p reports && rm -rf "reports/${d##*/}" && cp -r "$d" reports/ && log "the user's reports: reports/${d##*/}"
  done
}

# as_user <shell command>: run in the user's copy of the commit, as the user, with only HOME, PATH and tu_env.
as_user() {
  runuser -u "$tu_user" -- env -i HOME="$tu_home" PATH=/usr/local/bin:/usr/bin:/bin "${tu_env[@]}" bash -c "cd ~/mcp-perf && $1"
}

# setup_pulled_all <setup log> <image>...: setup said it pulled each image, and built none.
setup_pulled_all() {
  local log_file=$1 name
  shift
  for name in "$@"; do
    grep -qxF "[setup] pulled $name" "$log_file" || { echo "setup did not pull $name"; return 1; }
  done
  if grep -q "built (or brought up to date)" "$log_file"; then echo "setup built an image it should have pulled"; return 1; fi
}

# report_names_all <results.json> <image>...: the run's report names each image the stack ran on ("<name> (<source>)...").
report_names_all() {
  local report=$1 name
  shift
  for name in "$@"; do
    grep -qF "\"$name (" "$report" || { echo "the report does not name $name: the run was not on what setup pulled"; return 1; }
  done
}
