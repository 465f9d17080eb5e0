#!/usr/bin/env bash
# This repository's workflows, run by act (nektos/act, a local GitHub Actions runner: .tools/act, from
# `npm run setup -- --with-act`) on this machine's host as on a runner (act's self-hosted mode), with stand-ins for
# what needs github.com (fixtures/act: actions/checkout clones from this machine, setup-node puts the project's
# Node 24 on PATH, upload-artifact copies, gh records the pull-request comment). The workflow files are as written.
#   pr       perf-pr.yml on a pull request of this repository at HEAD: its check job, then the reusable gate with the
#            pinned gateway image on both sides (A/A; the pinned name is a local tag of the locally built equivalent
#            when the official image is not here). It must pass, its verdict in the job summary, the comment and the
#            artifact.
#   gateway  a gateway repository's pull request, made here: the base commit builds the gateway from a Containerfile
#            (FROM the gateway image: the official one when here, else the local), the head commit adds PERF_ACT_HEAD_EXTRA_CPU_MS (default 30) ms of CPU per MCP
#            request (fixtures/gateway-extra-cost) to it. Its workflow is README's example calling perf-gate.yml
#            with no images (profile PERF_ACT_GATEWAY_PROFILE, default smoke), so the job checks out and builds both commits.
#            With a slower head it must fail on a REGRESSION, with PERF_ACT_HEAD_EXTRA_CPU_MS=0 pass.
#   noise    gate-noise.yml by hand (workflow_dispatch): it gathers the report artifacts of earlier perf-pr runs with
#            `gh run list` and `gh run download` and runs gate:noise on them. The A/A reports on this machine stand for
#            those runs (the pr runs of earlier workflows-act runs, this one's included, and bench:gate's 0% runs).
#            With 3 or more it must pass, its false-alarm count and noise table in the job summary and the noise file
#            in its artifact; with none pass saying so; with 1 or 2 fail saying how many A/A runs gate:noise needs.
#   nightly  perf-nightly.yml on its schedule, twice, narrowed by repository variables to the smoke profile and
#            PERF-02 (NIGHTLY_PROFILES, NIGHTLY_FILES), its origin a bare repository here: each run must append its
#            entry to history/history-smoke.json on the perf-history branch (made by the first), put trend.html in
#            its artifact and say so in its job summary; the second, after twelve nights with a 30% step are seeded
#            before it, must fail, naming the step.
# Each run's log, artifact, job summary and comment go to reports/workflows-act-<time>/.
#   bash scripts/workflows-act.sh [pr] [gateway] [noise] [nightly]     (default: all four, in that order)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
log() { printf '[workflows-act] %s\n' "$*" >&2; }
# shellcheck source=scripts/lib/workflow-verdicts.sh
. scripts/lib/workflow-verdicts.sh
die() { printf '[workflows-act] error: %s\n' "$*" >&2; exit 1; }

act="$root/.tools/act"
node24="$root/node_modules/node/bin"
[ -x "$act" ] || die "no act at .tools/act: npm run setup -- --with-act builds it"
[ -x "$node24/node" ] || die "no Node 24 at node_modules/node/bin: run npm ci"
timeout 10 docker info >/dev/null 2>&1 || die "no Docker engine answers: run npm run setup"
git rev-parse --verify -q HEAD >/dev/null 2>&1 || die "$root is not a git checkout of mcp-perf: the jobs check out its HEAD (clone it with git)"
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(pr gateway noise nightly)
for r in "${runs[@]}"; do case "$r" in pr | gateway | noise | nightly) ;; *) die "unknown run '$r': pr, gateway, noise or nightly" ;; esac; done
# The gh stand-in answers gate-noise.yml's `gh run list --jq` through jq, as gh does through its own.
if [[ " ${runs[*]} " == *" noise "* ]] && ! command -v jq >/dev/null; then die "the noise run needs jq on PATH (Debian: apt-get install jq)"; fi
extra_ms=${PERF_ACT_HEAD_EXTRA_CPU_MS:-30}
case "$extra_ms" in '' | *[!0-9]*) die "PERF_ACT_HEAD_EXTRA_CPU_MS=$extra_ms: a whole number of ms" ;; esac
profile=${PERF_ACT_GATEWAY_PROFILE:-smoke}
case "$profile" in pr | smoke | nightly) ;; *) die "PERF_ACT_GATEWAY_PROFILE=$profile: pr, smoke or nightly" ;; esac
git diff --quiet HEAD 2>/dev/null || log "uncommitted changes are not part of the check: it runs HEAD ($(git rev-parse --short HEAD))"
images() { "$node24/node" -p "require('./fixtures/images/images.json').$1"; }
official=$(images official.gateway)
local_gateway=$(images local.gateway)
# The gateway both runs start from: the official image when it is here, else its local equivalent.
if docker image inspect "$official" >/dev/null 2>&1; then gateway_image=$official
elif docker image inspect "$local_gateway" >/dev/null 2>&1; then gateway_image=$local_gateway
else die "neither $official nor $local_gateway is here: run npm run setup"; fi
suite_repo=mcp-perf/mcp-perf
gateway_repo=my-org/my-gateway
out="$root/reports/workflows-act-$(date +%Y%m%dT%H%M%S)"
scratch=$(mktemp -d /tmp/workflows-act.XXXXXX)
mkdir -p "$out"
tagged=0
cleanup() {
  local status=$?
  if [ "$tagged" = 1 ]; then docker rmi "$official" >/dev/null || log "could not remove the tag $official"; fi
  for i in mcp-perf-gate/base:local mcp-perf-gate/head:local; do
    if docker image inspect "$i" >/dev/null 2>&1; then docker rmi "$i" >/dev/null || log "could not remove $i"; fi
  done
  rm -rf "$scratch"
  exit "$status"
}
trap cleanup EXIT

git clone -q "$root" "$scratch/suite"
git -C "$scratch/suite" checkout -q -B main "$(git rev-parse HEAD)"
suite_sha=$(git -C "$scratch/suite" rev-parse HEAD)

# Extra arguments for act (a run's repository variables).
act_extra=()

# One workflow on an event (default pull_request); prints act's log and keeps it; returns act's exit status.
act_run() {
  local name=$1 dir=$2 workflow=$3 event=$4 repository=$5 trigger=${6:-pull_request}
  mkdir -p "$out/$name/artifacts" "$out/$name/gh"
  log "$name: act $trigger -W $workflow in $dir, as $(id -un) (uid $(id -u))"
  # The job sees this machine's environment (its CA certificates, proxies) as a runner sees its own, minus the
  # suite's settings and npm's, and a PATH without the project's Node.
  local v clean=() extra=("${act_extra[@]}")
  for v in $(compgen -e); do
    case "$v" in PERF_* | MCP_PERF_* | TESTCONTAINERS_* | npm_* | NODE_OPTIONS | CI | GITHUB_* | RUNNER_*) clean+=(-u "$v") ;; esac
  done
  local cache="${XDG_CACHE_HOME:-$HOME/.cache}/act" before
  before=$(ls "$cache" 2>/dev/null || true)
  set +e
  (cd "$dir" && env "${clean[@]}" PATH="$root/fixtures/act/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    timeout --kill-after=60 50m "$act" "$trigger" -W "$workflow" -e "$event" -P ubuntu-latest=-self-hosted \
    --local-repository "actions/checkout@v4=$root/fixtures/act/checkout" \
    --local-repository "actions/setup-node@v4=$root/fixtures/act/setup-node" \
    --local-repository "actions/upload-artifact@v4=$root/fixtures/act/upload-artifact" \
    --local-repository "$suite_repo@main=$scratch/suite" \
    --env GITHUB_REPOSITORY="$repository" \
    --env MCP_PERF_ACT_REPOS="$suite_repo=$scratch/suite $gateway_repo=$scratch/gateway" \
    --env MCP_PERF_ACT_NODE_DIR="$node24" --env MCP_PERF_ACT_ARTIFACTS="$out/$name/artifacts" \
    --env MCP_PERF_ACT_GH_DIR="$out/$name/gh" --env MCP_PERF_ACT_RUNS="$scratch/runs" "${extra[@]}") 2>&1 | tee "$out/$name/act.log"
  local status=${PIPESTATUS[0]}
  set -e
  # act leaves a failed job's workspace (the suite, node_modules included) in its cache: removed, the others kept.
  for v in $(ls "$cache" 2>/dev/null || true); do
    grep -qxF "$v" <<<"$before" || rm -rf "${cache:?}/$v"
  done
  job_summary "$out/$name/act.log" > "$out/$name/job-summary.md"
  log "$name: act exited $status; log, artifact, job summary and comment in ${out#"$root"/}/$name"
  return "$status"
}

run_pr() {
  if [ "$gateway_image" != "$official" ]; then
    docker tag "$local_gateway" "$official"
    tagged=1
    log "pr: the pinned $official is not here: tagged the local equivalent $local_gateway with its name for this run"
  fi
  printf '{"pull_request":{"number":1,"head":{"sha":"%s"},"base":{"sha":"%s"}}}\n' "$suite_sha" "$suite_sha" > "$scratch/pr-event.json"
  local status=0 line
  act_run pr "$scratch/suite" .github/workflows/perf-pr.yml "$scratch/pr-event.json" "$suite_repo" || status=$?
  line=$(gate_expected "$out/pr" "$status" pass) || die "pr: perf-pr.yml with the same gateway on both sides: $line (act's log: ${out#"$root"/}/pr/act.log)"
  log "pr: passed, as it must with the same gateway on both sides; $line"
}

run_gateway() {
  local g="$scratch/gateway"
  git init -q -b main "$g"
  git -C "$g" remote add origin "https://github.com/$gateway_repo"
  mkdir -p "$g/.github/workflows"
  # README's example (the Dockerfile form), with the suite named and a profile chosen.
  cat > "$g/.github/workflows/perf.yml" <<EOF
on: pull_request
jobs:
  perf:
    uses: $suite_repo/.github/workflows/perf-gate.yml@main
    permissions: { contents: read, pull-requests: write }
    with:
      suite-repository: $suite_repo
      profile: $profile
EOF
  printf 'FROM %s\n' "$gateway_image" > "$g/Containerfile"
  git -C "$g" add -A
  git -C "$g" -c user.name=perf -c user.email=perf@localhost commit -qm "base: the gateway as released"
  local base_sha
  base_sha=$(git -C "$g" rev-parse HEAD)
  mkdir -p "$g/slow"
  cp fixtures/gateway-extra-cost/* "$g/slow/"
  # README's example names no gateway: the gate's default adapter, whose app the wrapper wraps.
  "$node24/node" scripts/extra-cost-layer.ts contextforge "$extra_ms" slow >> "$g/Containerfile"
  git -C "$g" add -A
  git -C "$g" -c user.name=perf -c user.email=perf@localhost commit -qm "head: request handling that costs $extra_ms ms more CPU per MCP request"
  printf '{"pull_request":{"number":2,"head":{"sha":"%s"},"base":{"sha":"%s"}}}\n' "$(git -C "$g" rev-parse HEAD)" "$base_sha" > "$scratch/gateway-event.json"
  local status=0
  act_run gateway "$g" .github/workflows/perf.yml "$scratch/gateway-event.json" "$gateway_repo" || status=$?
  local built
  for side in base head; do
    built=$(docker image inspect -f '{{.Id}}' "mcp-perf-gate/$side:local" 2>/dev/null) || die "gateway: the job did not build mcp-perf-gate/$side:local from the $side commit (act's log: ${out#"$root"/}/gateway/act.log)"
    log "gateway: built mcp-perf-gate/$side:local ${built:7:12}"
  done
  local want=pass line
  [ "$extra_ms" = 0 ] || want=regression
  line=$(gate_expected "$out/gateway" "$status" "$want") || die "gateway: a head $extra_ms ms slower per MCP request, expected $want: $line (act's log: ${out#"$root"/}/gateway/act.log)"
  log "gateway: ended as it must ($want) with a head $extra_ms ms slower per MCP request; $line"
}

run_noise() {
  local store="$scratch/runs/perf-pr.yml" id=1000 d n=0 conclusion
  while IFS= read -r d; do
    id=$((id + 1))
    if grep -q '^### Regression gate: ✅ no regression' "$d/summary.md" 2>/dev/null; then conclusion=success; else conclusion=failure; fi
    mkdir -p "$store/$id/artifacts/perf-gate-$id-1"
    cp -r "$d/." "$store/$id/artifacts/perf-gate-$id-1/"
    echo "$conclusion" > "$store/$id/conclusion"
    n=$((n + 1))
  done < <(aa_reports)
  log "noise: $n A/A report(s) here stand for earlier perf-pr runs"
  printf '{"inputs":{"runs":"%s"}}\n' "$((n + 5))" > "$scratch/noise-event.json"
  local status=0 line
  act_run noise "$scratch/suite" .github/workflows/gate-noise.yml "$scratch/noise-event.json" "$suite_repo" workflow_dispatch || status=$?
  line=$(noise_expected "$out/noise" "$status" "$n") || die "noise: gate-noise.yml on $n A/A report(s): $line (act's log: ${out#"$root"/}/noise/act.log)"
  log "noise: ended as it must with $n A/A report(s); $line"
}

run_nightly() {
  local origin="$scratch/nightly-origin.git" repo="$scratch/nightly" status entries i want
  git init -q --bare -b main "$origin"
  git clone -q "$scratch/suite" "$repo"
  git -C "$repo" remote set-url origin "$origin"
  git -C "$repo" push -q origin HEAD:refs/heads/main
  printf '{"schedule":"17 2 * * *"}\n' > "$scratch/nightly-event.json"
  act_extra=(--var 'NIGHTLY_PROFILES=["smoke"]' --var NIGHTLY_FILES=tests/perf/sustained.perf.ts)
  for i in 1 2; do
    # Before the second night, twelve earlier nights of a seeded phase whose p50 rose 30% from the seventh: that
    # night's check must fail the job naming the step, and its run still be appended (the failure path).
    [ "$i" = 1 ] || seed_nightly_step "$origin"
    status=0
    act_run "nightly-$i" "$repo" .github/workflows/perf-nightly.yml "$scratch/nightly-event.json" "$suite_repo" schedule || status=$?
    if [ "$i" = 1 ]; then
      [ "$status" = 0 ] || die "nightly: run 1: act exited $status (act's log: ${out#"$root"/}/nightly-1/act.log)"
      want=1
    else
      [ "$status" != 0 ] || die "nightly: run 2 passed on a history with a seeded 30% step: the check's failure did not fail the job (act's log: ${out#"$root"/}/nightly-2/act.log)"
      grep -q 'WORSE .*seeded step' "$out/nightly-2/act.log" || die "nightly: run 2 failed, but its log does not name the seeded step as WORSE (act's log: ${out#"$root"/}/nightly-2/act.log)"
      want=14
    fi
    entries=$(git --git-dir="$origin" show perf-history:history/history-smoke.json 2>/dev/null | "$node24/node" -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).entries.length))') \
      || die "nightly: run $i left no history/history-smoke.json on the origin's perf-history branch (act's log: ${out#"$root"/}/nightly-$i/act.log)"
    [ "$entries" = "$want" ] || die "nightly: after run $i the history holds $entries entries, not $want"
    find "$out/nightly-$i/artifacts" -name trend.html | grep -q . || die "nightly: run $i's artifact has no trend.html"
    grep -q 'Every figure over the nights' "$out/nightly-$i/job-summary.md" || die "nightly: run $i's job summary does not point to the trend page"
    log "nightly: run $i appended its entry ($entries in the history on perf-history), trend.html in its artifact$([ "$i" = 1 ] || echo "; the job failed on the seeded step, as it must")"
  done
  act_extra=()
}

# Puts twelve seeded nights before the history's entries on the origin's perf-history branch: a phase only they have,
# p50 100 ms for six nights, then 130 ms.
seed_nightly_step() {
  local origin=$1 work="$scratch/nightly-seed"
  git clone -q -b perf-history "$origin" "$work"
  "$node24/node" -e '
    const fs = require("node:fs");
    const file = process.argv[1];
    const h = JSON.parse(fs.readFileSync(file, "utf8"));
    const first = h.entries[0];
    const seeds = Array.from({ length: 12 }, (_, i) => {
      const p50 = i < 6 ? 100 : 130;
      return { ...first, run: `seeded-${String(i + 1).padStart(2, "0")}`, sideBySide: undefined,
        figures: { "seeded step (workflows-act)": { p50, p95: p50 * 1.5, p99: p50 * 2, errorRate: 0, rate: 10 } } };
    });
    h.entries = [...seeds, ...h.entries];
    fs.writeFileSync(file, JSON.stringify(h, null, 1) + "\n");
  ' "$work/history/history-smoke.json"
  git -C "$work" -c user.name=perf -c user.email=perf@localhost commit -qam "seed: twelve nights with a 30% step from the seventh"
  git -C "$work" push -q origin HEAD:perf-history
  rm -rf "$work"
  log "nightly: seeded twelve earlier nights on perf-history, a 30% p50 step from the seventh"
}

# The A/A gate reports on this machine: the artifacts of workflows-act's pr runs, bench:gate's 0% runs.
aa_reports() {
  find "$root"/reports/workflows-act-*/pr/artifacts/perf-gate-* "$root"/reports/bench-gate-*/run-*-size-0 \
    -maxdepth 1 -name results.json -printf '%h\n' 2>/dev/null | sort
}

for r in "${runs[@]}"; do "run_$r"; done
log "done: ${runs[*]}"
