#!/usr/bin/env bash
# Records the baselines of the current profile from several runs of the perf suite (default 5, the fewest from which the spread between runs is taken as measured), so each
# baseline knows how much its figures move between runs on this machine. Commit baselines/ afterwards.
#   npm run perf:baseline [-- test files or -t <name>]   (PERF_PROFILE and PERF_BASELINE_RUNS as usual; files: only their phases)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${PERF_BASELINE_RUNS:-5}
for i in $(seq 1 "$runs"); do
  mode=add; [ "$i" = 1 ] && mode=record
  echo "[baseline] run $i of $runs (PERF_BASELINE=$mode)"
  # Given no files, every case's baselines (not the quick selection).
  PERF_CASES=${PERF_CASES:-all} PERF_BASELINE=$mode PERF_RUN_ID="baseline-$(date +%Y%m%dT%H%M%S)-$i" npx vitest run --config vitest.perf.config.ts "$@"
done
echo "[baseline] done: review and commit baselines/${PERF_PROFILE:-smoke}/"
