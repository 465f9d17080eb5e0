#!/usr/bin/env bash
# Puts k6 at .tools/k6 for the export test and for running exported scripts: a k6 already on PATH is
# linked; otherwise it is built from its Go module (go install, about 3 minutes), when Go is there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=v1.8.1
mkdir -p "$root/.tools"
if [ -x "$root/.tools/k6" ]; then echo "[k6] $("$root/.tools/k6" version | head -1)"; exit 0; fi
if command -v k6 >/dev/null; then ln -sf "$(command -v k6)" "$root/.tools/k6"; echo "[k6] using $(command -v k6)"; exit 0; fi
if ! command -v go >/dev/null; then
  echo "[k6] not installed and no Go toolchain to build it: install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/) or Go, then rerun" >&2
  exit 1
fi
echo "[k6] building k6 $version from its Go module (a few minutes)"
GOBIN="$root/.tools" GOFLAGS=-mod=mod go install "go.k6.io/k6@$version"
echo "[k6] $("$root/.tools/k6" version | head -1)"
