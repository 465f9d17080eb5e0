#!/usr/bin/env bash
# Puts act (nektos/act, a local GitHub Actions runner) at .tools/act, for scripts/workflows-act.sh: an act already
# on PATH is linked; otherwise it is built from its Go module (go install, a few minutes), when Go is there.
set -euo pipefail
# shellcheck source=scripts/lib/go-tool.sh
. "$(dirname "$0")/lib/go-tool.sh"
go_tool act github.com/nektos/act@v0.2.89 https://nektosact.com/installation/ --version
