#!/usr/bin/env bash
# Puts the Python MCP SDK (fixtures/python-server/requirements.txt: mcp 2.3.0, which speaks 2025-era sessions and
# 2026-07-28) in a virtualenv at .tools/python-mcp, for the interop test's Python server. Needs python3 >= 3.10 with
# its venv module (Debian: python3-venv).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv="$root/.tools/python-mcp"
req="$root/fixtures/python-server/requirements.txt"
command -v python3 >/dev/null || { echo "[python-mcp] no python3: install Python >= 3.10 and rerun" >&2; exit 1; }
python3 -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else 1)' || { echo "[python-mcp] $(python3 --version) is older than 3.10, which mcp 2.3.0 needs" >&2; exit 1; }
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import mcp.server.mcpserver' 2>/dev/null && cmp -s "$req" "$venv/requirements.txt"; then
  echo "[python-mcp] $("$venv/bin/python" -m pip show mcp 2>/dev/null | grep -i '^version') at $venv"
  exit 0
fi
mkdir -p "$root/.tools"
python3 -m venv "$venv" || { echo "[python-mcp] python3 -m venv failed: install the venv module (Debian: apt-get install python3-venv)" >&2; exit 1; }
"$venv/bin/pip" install -q --disable-pip-version-check -r "$req"
cp "$req" "$venv/requirements.txt"
echo "[python-mcp] $("$venv/bin/python" -m pip show mcp | grep -i '^version') at $venv"
