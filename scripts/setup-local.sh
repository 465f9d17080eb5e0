#!/usr/bin/env bash
# Prepares the local-process stack (PERF_STACK=local) for machines without a container runtime:
# PostgreSQL and Redis servers from Debian's packages (as root), ContextForge in a Python >= 3.12
# virtualenv at .venv-contextforge (PERF_CONTEXTFORGE_VENV to put it elsewhere), and LiteLLM's proxy
# (PERF_GATEWAY=litellm) in one at .venv-litellm (PERF_LITELLM_VENV).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log() { printf '[setup-local] %s\n' "$*" >&2; }
die() { printf '[setup-local] error: %s\n' "$*" >&2; exit 1; }
version=$(node -p "require('./fixtures/images/images.json').versions.gateway")
venv=${PERF_CONTEXTFORGE_VENV:-$root/.venv-contextforge}

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

# Each gateway is prepared on its own: one that cannot be (no Python >= 3.12 for ContextForge) does not stop the other.
failed=()
contextforge_venv() {
  if [ ! -x "$venv/bin/gunicorn" ]; then
    python=""
    for candidate in python3.13 python3.12 python3; do
      p=$(command -v "$candidate" || true)
      [ -n "$p" ] && "$p" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null && { python=$p; break; }
    done
    if [ -z "$python" ] && command -v pyenv >/dev/null; then
      for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.1[2-9]' | sort -rV); do python="$(pyenv root)/versions/$v/bin/python"; break; done
    fi
    [ -n "$python" ] || { log "error: ContextForge $version needs Python >= 3.12 and none was found (python3.13, python3.12, pyenv); install one, then rerun"; return 1; }
    log "creating $venv with $("$python" --version) and installing mcp-contextforge-gateway==$version"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q "mcp-contextforge-gateway==$version" "psycopg[binary]>=3.2"
  fi
  "$venv/bin/python" -c "import mcpgateway, gunicorn, psycopg" || { log "error: $venv is incomplete; delete it and rerun"; return 1; }
}
contextforge_venv || failed+=(ContextForge)

litellm_version=$(node -p "require('./fixtures/images/images.json').versions.litellm")
litellm_venv=${PERF_LITELLM_VENV:-$root/.venv-litellm}
litellm_venv_ready() {
  if [ ! -x "$litellm_venv/bin/litellm" ]; then
    log "creating $litellm_venv with $(python3 --version) and installing litellm[proxy]==$litellm_version"
    python3 -m venv "$litellm_venv" && "$litellm_venv/bin/pip" install -q "litellm[proxy]==$litellm_version" || return 1
  fi
  LITELLM_LOCAL_MODEL_COST_MAP=True "$litellm_venv/bin/python" -c "import litellm.proxy.proxy_server" >/dev/null 2>&1 || { log "error: $litellm_venv is incomplete; delete it and rerun"; return 1; }
}
litellm_venv_ready || failed+=(LiteLLM)

[ ${#failed[@]} -eq 0 ] || die "not ready for: ${failed[*]} (above); the other gateway is"
log "ready: PERF_STACK=local npm run perf (PERF_GATEWAY=litellm for LiteLLM)"
