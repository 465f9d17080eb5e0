#!/usr/bin/env bash
# The nightly history kept on a git branch of a repository (this suite's, or a gateway's): append one run's
# results.json to a history file on that branch (the branch made, with no parent, when it does not exist yet), push
# it (when another job pushed first: its history fetched and the run appended to it again), then check the history for change points and write its
# trend page. Used by perf-nightly.yml, and by a gateway repository's nightly drift job (docs/pipelines.md).
#   bash scripts/history-branch.sh --results <results.json> --file <path on the branch> --page <trend.html>
#        [--repo <checkout that holds the branch, default .>] [--branch perf-history] [--commit <sha>] [--min-change 0.05]
# Exit status: the check's (0 no shift for the worse, 1 a figure shifted for the worse and stayed); 2 bad input or a
# push that failed three times.
set -euo pipefail
suite=$(cd "$(dirname "$0")/.." && pwd)
die() { printf 'history-branch: %s\n' "$*" >&2; exit 2; }
results='' file='' page='' repo=. branch=perf-history commit='' min_change=0.05
while [ $# -gt 0 ]; do
  case "$1" in
    --results | --file | --page | --repo | --branch | --commit | --min-change)
      [ $# -ge 2 ] || die "$1 needs a value"
      case "$1" in
        --results) results=$2 ;; --file) file=$2 ;; --page) page=$2 ;; --repo) repo=$2 ;;
        --branch) branch=$2 ;; --commit) commit=$2 ;; --min-change) min_change=$2 ;;
      esac
      shift 2 ;;
    -h | --help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (--help lists them)" ;;
  esac
done
[ -n "$results" ] && [ -n "$file" ] && [ -n "$page" ] || die "--results, --file and --page are needed (--help)"
[ -f "$results" ] || die "$results does not exist: the run left no results.json, nothing to append"
case "$file" in /* | *..*) die "--file $file: a path inside the branch, relative, without '..'" ;; esac
git -C "$repo" rev-parse --git-dir >/dev/null 2>&1 || die "$repo is not a git checkout"
results=$(cd "$(dirname "$results")" && pwd)/$(basename "$results")
mkdir -p "$(dirname "$page")"
page=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
history=$(mktemp -d "${TMPDIR:-/tmp}/history-branch.XXXXXX")
cleanup() { git -C "$repo" worktree remove --force "$history/tree" >/dev/null 2>&1 || true; rm -rf "$history"; }
trap cleanup EXIT
tree="$history/tree"
export GIT_AUTHOR_NAME="${GIT_AUTHOR_NAME:-mcp-perf history}" GIT_AUTHOR_EMAIL="${GIT_AUTHOR_EMAIL:-mcp-perf-history@users.noreply.github.com}"
export GIT_COMMITTER_NAME="$GIT_AUTHOR_NAME" GIT_COMMITTER_EMAIL="$GIT_AUTHOR_EMAIL"
if git -C "$repo" ls-remote --exit-code --heads origin "$branch" >/dev/null 2>&1; then
  git -C "$repo" fetch -q --depth=1 origin "$branch"
  git -C "$repo" worktree add -q -B "$branch" "$tree" FETCH_HEAD
else
  # A branch with no parent (git worktree add --orphan needs git 2.42; this works on older ones too).
  git -C "$repo" worktree add -q --detach "$tree"
  git -C "$tree" checkout -q --orphan "$branch"
  git -C "$tree" rm -rq --cached . >/dev/null 2>&1 || true
  git -C "$tree" clean -fdxq
fi
history_cli() { (cd "$suite" && npm run -s history -- "$@"); }
run=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).run.id)' "$results" 2>/dev/null) || run=$(basename "$(dirname "$results")")
append() {
  history_cli append "$results" --file "$tree/$file" ${commit:+--commit "$commit"} || die "npm run history -- append failed on $results (above)"
  git -C "$tree" add -A
  git -C "$tree" commit -qm "history: $run"
}
append
pushed=0
for attempt in 1 2 3; do
  if git -C "$tree" push -q origin "HEAD:refs/heads/$branch" 2>"$history/push.err"; then pushed=1; break; fi
  printf 'history-branch: push %d refused (%s): appending to the history pushed meanwhile\n' "$attempt" "$(head -1 "$history/push.err")" >&2
  git -C "$tree" fetch -q --depth=1 origin "$branch" || die "could not fetch origin/$branch after a refused push: $(tail -1 "$history/push.err")"
  git -C "$tree" reset -q --hard FETCH_HEAD
  append
done
[ "$pushed" = 1 ] || die "the history could not be pushed to origin/$branch after 3 attempts: $(tail -1 "$history/push.err")"
status=0
history_cli check --file "$tree/$file" --min-change "$min_change" --page "$page" || status=$?
[ "$status" -le 1 ] || die "the history check failed (exit $status)"
exit "$status"
