#!/usr/bin/env bash
# Prepares the local-process stack (PERF_STACK=local) for machines without a container runtime:
# PostgreSQL and Redis servers from Debian's packages (as root), and every gateway whose adapter says how it runs
# as a local process (GatewayAdapter.localInstall: ContextForge in a Python >= 3.12 virtualenv at .venv-contextforge,
# LiteLLM's proxy at .venv-litellm; their settings put them elsewhere) in a virtualenv of its pinned release.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log() { printf '[setup-local] %s\n' "$*" >&2; }
die() { printf '[setup-local] error: %s\n' "$*" >&2; exit 1; }

need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || need+=(postgresql)
command -v redis-server >/dev/null || need+=(redis-server)
if [ ${#need[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || die "install ${need[*]} (Debian: apt-get install ${need[*]}), then rerun"
  log "installing ${need[*]} from Debian's packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  # Debian starts the packaged services; the suite runs its own instances on free ports.
  systemctl stop redis-server postgresql >/dev/null 2>&1 || service redis-server stop >/dev/null 2>&1 || true
fi

# Each gateway that runs as a local process is prepared on its own (scripts/gateway-locals.ts lists them from their
# adapters): one that cannot be (no Python new enough) does not stop the others.
node=node
[ -x "$root/node_modules/node/bin/node" ] && node="$root/node_modules/node/bin/node"
# Whether Python $1 is at least version $2 ("3.12").
new_enough() { "$1" -c "import sys; sys.exit(0 if sys.version_info >= tuple(map(int, '$2'.split('.'))) else 1)" 2>/dev/null; }
# A Python at least $1 ("-": any python3), from PATH or pyenv; empty when there is none.
python_at_least() {
  local min=$1 candidate p v
  if [ "$min" = - ]; then command -v python3 || true; return; fi
  for candidate in python3.13 python3.12 python3; do
    p=$(command -v "$candidate" || true)
    [ -n "$p" ] && new_enough "$p" "$min" && { echo "$p"; return; }
  done
  if command -v pyenv >/dev/null; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.[0-9]+' | sort -rV); do
      p="$(pyenv root)/versions/$v/bin/python"
      new_enough "$p" "$min" && { echo "$p"; return; }
    done
  fi
}
# Whether the virtualenv $1 holds a complete install: check $2 runs in the environment $3 ("-": none).
complete() {
  # shellcheck disable=SC2046 # the check's environment is words
  [ -x "$1/bin/python" ] && env $([ "$3" = - ] || echo "$3") "$1/bin/python" -c "$2" >/dev/null 2>&1
}
# One gateway: title, virtualenv, oldest Python, packages, check, check's environment (gateway-locals.ts's columns).
prepare() {
  local title=$1 venv=$2 min=$3 packages=$4 check=$5 check_env=$6 python
  if ! complete "$venv" "$check" "$check_env"; then
    if [ ! -x "$venv/bin/python" ]; then
      python=$(python_at_least "$min")
      [ -n "$python" ] || { log "error: $title needs Python >= $min and none was found (python3.13, python3.12, python3, pyenv); install one, then rerun"; return 1; }
      log "creating $venv with $("$python" --version) for $title"
      "$python" -m venv "$venv" || return 1
    fi
    log "installing $packages into $venv"
    # shellcheck disable=SC2086 # the packages are words
    "$venv/bin/pip" install -q $packages || return 1
  fi
  complete "$venv" "$check" "$check_env" || { log "error: $venv is incomplete for $title; delete it and rerun"; return 1; }
  log "$title: ready in $venv"
  ready+=("$title")
}
failed=() ready=()
while IFS=$'\t' read -r title venv min packages check check_env; do
  # Its commands read nothing from the list being read.
  prepare "$title" "$venv" "$min" "$packages" "$check" "$check_env" </dev/null || failed+=("$title")
done < <("$node" scripts/gateway-locals.ts)

[ ${#failed[@]} -eq 0 ] || die "not ready for: ${failed[*]} (above); ready: ${ready[*]:-none}"
log "ready: PERF_STACK=local npm run perf (PERF_GATEWAY=<kind> for another gateway than the default)"
