// The nightly history on a git branch (scripts/history-branch.sh, as perf-nightly.yml and a gateway's drift job run
// it), against a real git remote here: the branch made without a parent on the first run, one entry per run, a push
// refused because another job pushed first (the run appended to that job's history, none lost or doubled), and the
// check's verdict as the exit status.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { results } from '../results-fixture.ts';
import { scratchDir } from '../scratch-dir.ts';

const SCRIPT = fileURLToPath(new URL('../../scripts/history-branch.sh', import.meta.url));
const GIT_ENV = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@localhost', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@localhost' };

function git(cwd: string, ...args: string[]): string {
  const p = spawnSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...GIT_ENV }, timeout: 30_000 });
  if (p.status !== 0) throw new Error(`git ${args.join(' ')} in ${cwd}: ${p.stderr}`);
  return p.stdout.trim();
}

/** A bare remote and a checkout of it on main, as a workflow's checkout leaves it. */
function repository(): { remote: string; checkout: string } {
  const dir = scratchDir('history-branch');
  const remote = join(dir, 'remote.git');
  git(dir, 'init', '-q', '--bare', '-b', 'main', remote);
  const checkout = join(dir, 'checkout');
  git(dir, 'clone', '-q', remote, checkout);
  writeFileSync(join(checkout, 'README.md'), 'a gateway\n');
  git(checkout, 'add', '-A');
  git(checkout, 'commit', '-qm', 'main');
  git(checkout, 'push', '-q', 'origin', 'HEAD:refs/heads/main');
  return { remote, checkout };
}

function append(checkout: string, resultsFile: string, page: string, extra: string[] = []) {
  const p = spawnSync('bash', [SCRIPT, '--repo', checkout, '--results', resultsFile, '--file', 'history/nightly.json', '--page', page, ...extra], { encoding: 'utf8', timeout: 120_000 });
  if (p.error) throw p.error;
  return p;
}

/** The history file as the remote's branch holds it. */
function remoteHistory(remote: string): { run: string }[] {
  const text = git(remote, 'show', 'perf-history:history/nightly.json');
  return (JSON.parse(text) as { entries: { run: string }[] }).entries;
}

describe('history on a branch (history-branch.sh)', () => {
  it('makes the branch without a parent, appends one entry per run and pushes it; a step for the worse fails the check, naming its run', () => {
    const { remote, checkout } = repository();
    const dir = scratchDir('history-branch');
    const page = join(dir, 'trend.html');
    const statuses: (number | null)[] = [];
    for (let i = 0; i < 12; i++) {
      const r = append(checkout, results(dir, i, (i < 6 ? 40 : 48) * (1 + 0.02 * Math.sin(1.9 * i))), page, i === 0 ? ['--commit', 'c0ffee'] : []);
      expect(r.status, r.stdout + r.stderr).not.toBe(2);
      statuses.push(r.status);
    }
    // Steady while the level held; for the worse once enough runs followed the step.
    expect(statuses.slice(0, 6)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(statuses.at(-1)).toBe(1);
    expect(remoteHistory(remote).map((e) => e.run)).toEqual(Array.from({ length: 12 }, (_, i) => `nightly-${i}`));
    // Its own root: main's files are not on it, and main did not move.
    expect(git(remote, 'rev-list', '--count', 'perf-history')).toBe('12');
    expect(git(remote, 'ls-tree', '-r', '--name-only', 'perf-history')).toBe('history/nightly.json');
    expect(git(remote, 'rev-list', '--count', 'main')).toBe('1');
    const last = append(checkout, results(dir, 12, 48), page);
    expect(last.stdout).toMatch(/WORSE\s+nightly \| unknown gateway \| MCP 2025-06-18\s+PERF-01 tools\/list\s+p50 .* nightly-6/);
    expect(readFileSync(page, 'utf8')).toContain('class="marker"');
    // The checkout's worktree list is as it was: the script's own tree is gone.
    expect(git(checkout, 'worktree', 'list').split('\n')).toHaveLength(1);
  });

  it('when another job pushed first, appends the run to that job\'s history: none lost, none doubled', () => {
    const { remote, checkout } = repository();
    const dir = scratchDir('history-branch');
    const page = join(dir, 'trend.html');
    expect(append(checkout, results(dir, 0, 40), page).status).toBe(0);
    // A hook that, on the next push only, lets another job's run land first and refuses ours (as GitHub does
    // when the branch moved under it).
    const other = join(dir, 'other');
    git(dir, 'clone', '-q', '-b', 'perf-history', remote, other);
    const otherResults = results(dir, 1, 41);
    const marker = join(dir, 'race-once');
    writeFileSync(marker, '');
    mkdirSync(join(remote, 'hooks'), { recursive: true });
    const hook = join(remote, 'hooks', 'pre-receive');
    writeFileSync(hook, `#!/usr/bin/env bash
[ -f '${marker}' ] || exit 0
rm -f '${marker}'
unset GIT_DIR GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
cd '${other}' && (cd '${fileURLToPath(new URL('../..', import.meta.url))}' && npm run -s history -- append '${otherResults}' --file '${other}/history/nightly.json' >/dev/null) \\
  && git add -A && git -c user.name=o -c user.email=o@localhost commit -qm 'history: the other job' && git push -q origin HEAD:perf-history
echo "the branch moved: fetch first" >&2
exit 1
`);
    chmodSync(hook, 0o755);
    const r = append(checkout, results(dir, 2, 42), page);
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(existsSync(marker)).toBe(false);
    expect(r.stderr).toMatch(/push 1 refused .*appending to the history pushed meanwhile/);
    expect(remoteHistory(remote).map((e) => e.run)).toEqual(['nightly-0', 'nightly-1', 'nightly-2']);
  });

  it('refuses bad input, saying what is wrong', () => {
    const { checkout } = repository();
    const dir = scratchDir('history-branch');
    const missing = append(checkout, join(dir, 'nothing.json'), join(dir, 'p.html'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/nothing\.json does not exist: the run left no results\.json/);
    const bad = spawnSync('bash', [SCRIPT, '--results'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--results needs a value/);
    const outside = spawnSync('bash', [SCRIPT, '--repo', checkout, '--results', results(dir, 0, 40), '--file', '../x.json', '--page', join(dir, 'p.html')], { encoding: 'utf8' });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toMatch(/a path inside the branch/);
  });
});
