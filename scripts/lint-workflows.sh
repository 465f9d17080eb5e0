#!/usr/bin/env bash
# Validates .github/workflows with actionlint (built from the Go module proxy on first use).
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${ACTIONLINT:-$HOME/.cache/mcp-perf/actionlint}"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "actionlint is not installed and there is no Go toolchain to build it: install actionlint, or set ACTIONLINT" >&2; exit 2; }
  mkdir -p "$(dirname "$bin")"
  GOBIN="$(dirname "$bin")" go install github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
fi
"$bin" -no-color .github/workflows/*.yml
echo "workflows: actionlint found no problem"
