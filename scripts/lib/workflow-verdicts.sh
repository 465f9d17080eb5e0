# shellcheck shell=bash
# The verdicts of scripts/workflows-act.sh on one act run's directory (artifacts/, job-summary.md, gh/): each prints
# what it found and returns 0, or prints what was wrong and returns 1. Sourced; shown failing on known-bad input by
# tests/unit/workflow-verdicts.test.ts.

# The job summaries act printed in its log: each starts on its step's "Summary - " line and runs to the next line act prefixes.
job_summary() {
  awk '/^\[[^]]*\] +⚙ +Summary - / { sub(/^.*Summary - /, ""); on = 1; print; next } /^\[[^]]*\] / { on = 0 } on' "$1"
}

# The first file of the run's artifacts that find's tests after the directory match, or nothing.
artifact_file() {
  local dir=$1
  shift
  find "$dir/artifacts" "$@" 2>/dev/null | head -1 || true
}

# The artifact's summary.md, or nothing.
artifact_summary() { artifact_file "$1" -name summary.md; }

# The gate's verdict line from the artifact's summary.md, which must also be in the job summary and the comment.
gate_outcome() {
  local dir=$1 summary line comment f
  summary=$(artifact_summary "$dir")
  [ -n "$summary" ] || { echo "the artifact holds no summary.md"; return 1; }
  for f in results.json report.html; do
    [ -f "$(dirname "$summary")/$f" ] || { echo "the artifact lacks $f"; return 1; }
  done
  line=$(grep -m1 '^### Regression gate: ' "$summary") || { echo "summary.md has no verdict line"; return 1; }
  grep -qxF "$line" "$dir/job-summary.md" 2>/dev/null || { echo "the job summary lacks the verdict line ($line)"; return 1; }
  comment=$(find "$dir/gh" -name 'comment-*.md' 2>/dev/null | head -1 || true)
  if [ -z "$comment" ] || ! grep -qxF "$line" "$comment"; then echo "no pull-request comment holds the verdict line ($line)"; return 1; fi
  echo "$line"
}

# Whether a run ended as expected: `pass` (the job succeeded and the gate found no regression) or `regression` (the
# job failed, and on a regression with a metric marked REGRESSION). Arguments: the run's directory, act's exit
# status, the expectation.
gate_expected() {
  local dir=$1 status=$2 want=$3 line
  line=$(gate_outcome "$dir") || { echo "$line"; return 1; }
  case "$want" in
    pass)
      [ "$status" = 0 ] || { echo "the job failed (act exited $status): $line"; return 1; }
      case "$line" in "### Regression gate: ✅ no regression"*) ;; *) echo "the job passed, but the verdict reads: $line"; return 1 ;; esac ;;
    regression)
      [ "$status" != 0 ] || { echo "the job passed: $line"; return 1; }
      case "$line" in "### Regression gate: ❌ REGRESSION in"*) ;; *) echo "the job failed, but not on a regression: $line"; return 1 ;; esac
      grep -q '\*\*REGRESSION\*\*' "$(artifact_summary "$dir")" || { echo "no metric is marked REGRESSION"; return 1; } ;;
    *) echo "expectation $want: pass or regression"; return 1 ;;
  esac
  echo "$line"
}

# Whether gate-noise.yml ended as it must when n A/A reports stood for earlier perf-pr runs: it gathered all n; with
# 3 or more (gate:noise's minimum) the job passed, its job summary counting false alarms over the n runs and its
# artifact holding the noise file measured on them; with none it passed, its job summary saying none was gathered;
# with 1 or 2 it failed, saying how many are needed.
# Arguments: the run's directory, act's exit status, n.
noise_expected() {
  local dir=$1 status=$2 n=$3 line file
  grep -q "reports gathered: $n\$" "$dir/act.log" 2>/dev/null || { echo "the job did not gather the $n reports ($(grep -o 'reports gathered: [0-9]*' "$dir/act.log" 2>/dev/null || echo 'no count'))"; return 1; }
  if [ "$n" = 0 ]; then
    [ "$status" = 0 ] || { echo "the job failed (act exited $status) with no A/A report to gather"; return 1; }
    grep -qx 'no A/A report gathered' "$dir/job-summary.md" 2>/dev/null || { echo "the job summary does not say no A/A report was gathered"; return 1; }
    echo "passed with no A/A report, saying so"
    return 0
  fi
  if [ "$n" -lt 3 ]; then
    [ "$status" != 0 ] || { echo "the job passed on $n A/A report(s), fewer than gate:noise needs"; return 1; }
    grep -q 'at least 3 of the same case and metric are needed' "$dir/act.log" || { echo "the job failed (act exited $status) without saying how many A/A runs are needed"; return 1; }
    echo "failed on $n A/A report(s), saying at least 3 are needed"
    return 0
  fi
  [ "$status" = 0 ] || { echo "the job failed (act exited $status) on $n A/A reports"; return 1; }
  line=$(grep -m1 '^false alarms (A/A runs that flagged a regression): ' "$dir/job-summary.md" 2>/dev/null) || { echo "the job summary has no false-alarm count"; return 1; }
  case "$line" in *": "[0-9]*"/$n = "*) ;; *) echo "the false-alarm count is not over the $n runs gathered: $line"; return 1 ;; esac
  file=$(artifact_file "$dir" -path '*gate-noise-runners-*/gate-noise.runners.json')
  [ -n "$file" ] || { echo "the artifact holds no gate-noise.runners.json"; return 1; }
  grep -q "\"measured\": \"$n A/A runs " "$file" || { echo "the noise file was not measured on the $n runs: $(grep -m1 '"measured"' "$file")"; return 1; }
  echo "$line"
}
