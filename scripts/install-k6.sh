#!/usr/bin/env bash
# Puts k6 at .tools/k6 for the export test and for running exported k6 scripts: a k6 already on PATH is
# linked; otherwise it is built from its Go module (go install, about 3 minutes), when Go is there.
set -euo pipefail
# shellcheck source=scripts/lib/go-tool.sh
. "$(dirname "$0")/lib/go-tool.sh"
go_tool k6 go.k6.io/k6@v1.8.1 https://grafana.com/docs/k6/latest/set-up/install-k6/ version
