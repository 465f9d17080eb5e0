// The verdicts of scripts/workflows-act.sh (scripts/lib/workflow-verdicts.sh) on known-bad runs: a job whose exit
// code does not follow the gate, a failure that is not a regression, and a verdict missing from the job summary,
// the pull-request comment or the artifact.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../scratch-dir.ts';
import { gateHeadline } from '../support/budget/verdict-table.ts';
import { gateVerdictLine } from '../support/report/markdown.ts';
import type { AbOutcome, AbVerdictRow } from '../support/shared/ab-outcome.ts';

const LIB = new URL('../../scripts/lib/workflow-verdicts.sh', import.meta.url).pathname;
// The verdict lines as the report writes them, so that a reworded headline fails here before it fails in CI's act run.
const metric = (status: AbVerdictRow['status']): AbVerdictRow => ({
  case: 'gate', metric: 'latency p50', unit: 'ms', base: 40, head: status === 'regression' ? 55 : 40, n: 6, ratio: status === 'regression' ? 1.34 : 1,
  ci: status === 'regression' ? [1.28, 1.39] : [0.98, 1.02], achievedConfidence: 0.96, allowed: 0.05, detectable: 0.1, runToRunSd: 0, status, direction: 'higher-is-worse',
});
const gateCase = (name: string, status: AbVerdictRow['status'], invalid: string[] = []): AbOutcome => ({
  case: name, verdicts: [metric(status)], errors: { base: { failed: 0, total: 100 }, head: { failed: 0, total: 100 }, p: 1, status: 'no regression', text: 'errors: none' },
  invalid, discarded: [], idleGatewayCpuPercent: { mean: 1, max: 2 }, wallSeconds: 60,
});
const line = (outcomes: AbOutcome[]): string => {
  const head = gateHeadline(outcomes);
  if (!head) throw new Error('no gate case');
  return gateVerdictLine(head);
};
const PASSED = line([gateCase('a', 'no regression'), gateCase('b', 'no regression'), gateCase('c', 'no regression')]);
const REGRESSED = line([gateCase('a', 'regression'), gateCase('b', 'no regression'), gateCase('c', 'no regression')]);
const INVALID = line([gateCase('a', 'no regression', ['round 3 (base: lag)']), gateCase('b', 'no regression'), gateCase('c', 'no regression')]);
const ROW = '| gate: fixed rate | p50 | 41.2 | 55.0 | +33.5% | +28.0% .. +39.1% | +10% | 6.1% | **REGRESSION** |';

interface Run { line: string; rows?: string[]; jobSummary?: string; comment?: string | null; artifactFiles?: string[] }

/** An act run's directory as workflows-act.sh leaves it: the artifact, the job summary and the comment. */
function runDir(r: Run): string {
  const dir = scratchDir('workflow-verdicts');
  const artifact = join(dir, 'artifacts', 'perf-gate-1-1');
  mkdirSync(artifact, { recursive: true });
  mkdirSync(join(dir, 'gh'));
  const summary = [r.line, '', '| case | metric |', ...(r.rows ?? []), ''].join('\n');
  for (const f of r.artifactFiles ?? ['summary.md', 'results.json', 'report.html']) writeFileSync(join(artifact, f), f === 'summary.md' ? summary : '{}');
  writeFileSync(join(dir, 'job-summary.md'), r.jobSummary ?? summary);
  if (r.comment !== null) writeFileSync(join(dir, 'gh', 'comment-1.md'), r.comment ?? summary);
  return dir;
}

function expected(r: Run, status: number, want: 'pass' | 'regression'): { ok: boolean; said: string } {
  const p = spawnSync('bash', ['-c', 'set -euo pipefail; . "$0"; gate_expected "$@"', LIB, runDir(r), String(status), want], { encoding: 'utf8', timeout: 10_000 });
  if (p.error) throw p.error;
  return { ok: p.status === 0, said: p.stdout.trim() };
}

describe('the job summary, read from act\'s log', () => {
  const summary = (log: string): string => {
    const file = join(scratchDir('workflow-verdicts'), 'act.log');
    writeFileSync(file, log);
    const p = spawnSync('bash', ['-c', 'set -euo pipefail; . "$0"; job_summary "$1"', LIB, file], { encoding: 'utf8', timeout: 10_000 });
    if (p.error) throw p.error;
    return p.stdout;
  };

  it('takes every line of a summary, up to the next line act prefixes, and nothing else', () => {
    const log = [
      '[gate/perf gate (A/B)/gate]   | JUNIT report written to junit.xml',
      '[gate/perf gate (A/B)/gate]   ✅  Success - Main Regression gate (head against base) [8m48s]',
      '[gate/perf gate (A/B)/gate]   ⚙  Summary - ## mcp-perf: ✅ all passed',
      '',
      PASSED,
      '| case | metric |',
      '[gate/perf gate (A/B)/gate] ⭐ Run Main Comment the verdict on the pull request',
      '[gate/perf gate (A/B)/gate]   | gh pr comment',
    ].join('\n');
    expect(summary(log)).toBe(`## mcp-perf: ✅ all passed\n\n${PASSED}\n| case | metric |\n`);
  });

  it('is empty when no step wrote one', () => {
    expect(summary('[perf/check]   ✅  Success - Main npm ci\n[perf/check] 🏁  Job succeeded\n')).toBe('');
  });
});

describe('workflows-act verdicts', () => {
  it('passes an A/A job that succeeded with no regression, its verdict in the summary, the comment and the artifact', () => {
    expect(expected({ line: PASSED }, 0, 'pass')).toEqual({ ok: true, said: PASSED });
  });

  it('passes a slowed head whose job failed on a regression with a metric marked', () => {
    expect(expected({ line: REGRESSED, rows: [ROW] }, 1, 'regression')).toEqual({ ok: true, said: REGRESSED });
  });

  it('fails a job whose exit code does not follow its verdict', () => {
    expect(expected({ line: REGRESSED, rows: [ROW] }, 0, 'regression')).toEqual({ ok: false, said: `the job passed: ${REGRESSED}` });
    expect(expected({ line: PASSED }, 1, 'pass')).toEqual({ ok: false, said: `the job failed (act exited 1): ${PASSED}` });
  });

  it('fails a job that failed for another reason than a regression', () => {
    expect(expected({ line: PASSED }, 1, 'regression')).toEqual({ ok: false, said: `the job failed, but not on a regression: ${PASSED}` });
    expect(expected({ line: INVALID }, 1, 'regression')).toEqual({ ok: false, said: `the job failed, but not on a regression: ${INVALID}` });
    expect(expected({ line: REGRESSED }, 1, 'regression')).toEqual({ ok: false, said: 'no metric is marked REGRESSION' });
  });

  it('fails when the verdict did not reach the job summary, the pull request or the artifact', () => {
    expect(expected({ line: PASSED, jobSummary: 'the gate did not run\n' }, 0, 'pass')).toEqual({ ok: false, said: `the job summary lacks the verdict line (${PASSED})` });
    expect(expected({ line: PASSED, comment: null }, 0, 'pass')).toEqual({ ok: false, said: `no pull-request comment holds the verdict line (${PASSED})` });
    expect(expected({ line: PASSED, comment: `${REGRESSED}\n` }, 0, 'pass')).toEqual({ ok: false, said: `no pull-request comment holds the verdict line (${PASSED})` });
    expect(expected({ line: PASSED, artifactFiles: ['summary.md', 'results.json'] }, 0, 'pass')).toEqual({ ok: false, said: 'the artifact lacks report.html' });
    expect(expected({ line: PASSED, artifactFiles: ['results.json'] }, 0, 'pass')).toEqual({ ok: false, said: 'the artifact holds no summary.md' });
    const noArtifact = runDir({ line: PASSED });
    rmSync(join(noArtifact, 'artifacts'), { recursive: true });
    rmSync(join(noArtifact, 'gh'), { recursive: true });
    const p = spawnSync('bash', ['-c', 'set -euo pipefail; . "$0"; gate_expected "$@"', LIB, noArtifact, '0', 'pass'], { encoding: 'utf8', timeout: 10_000 });
    expect(p.stdout.trim()).toBe('the artifact holds no summary.md');
  });
});

describe('workflows-act verdict on gate-noise.yml', () => {
  const FALSE_ALARMS = (k: number, n: number) => `false alarms (A/A runs that flagged a regression): ${k}/${n} = 0% [0-39%] as judged then; ${k}/${n} = 0% [0-39%] with this estimate, each run left out of it`;
  interface NoiseRun { gathered: number; log?: string; summary?: string; measured?: number | null }
  const noise = (r: NoiseRun, status: number, n: number): { ok: boolean; said: string } => {
    const dir = scratchDir('workflow-verdicts');
    writeFileSync(join(dir, 'act.log'), `[noise/noise]   | reports gathered: ${r.gathered}\n${r.log ?? ''}`);
    writeFileSync(join(dir, 'job-summary.md'), r.summary ?? '');
    if (r.measured !== null && r.measured !== undefined) {
      mkdirSync(join(dir, 'artifacts', 'gate-noise-runners-1'), { recursive: true });
      writeFileSync(join(dir, 'artifacts', 'gate-noise-runners-1', 'gate-noise.runners.json'), `{\n  "measured": "${r.measured} A/A runs (a, b) on a 2-CPU machine",\n  "metrics": {}\n}\n`);
    }
    const p = spawnSync('bash', ['-c', 'set -euo pipefail; . "$0"; noise_expected "$@"', LIB, dir, String(status), String(n)], { encoding: 'utf8', timeout: 10_000 });
    if (p.error) throw p.error;
    return { ok: p.status === 0, said: p.stdout.trim() };
  };

  it('passes a job that gathered every report, counted false alarms over them and uploaded the noise file measured on them', () => {
    expect(noise({ gathered: 5, summary: `\`\`\`\n| case |\n${FALSE_ALARMS(0, 5)}\n\`\`\`\n`, measured: 5 }, 0, 5)).toEqual({ ok: true, said: FALSE_ALARMS(0, 5) });
  });

  it('fails a job that gathered fewer, counted over other runs, uploaded no noise file or failed', () => {
    expect(noise({ gathered: 4, summary: FALSE_ALARMS(0, 4), measured: 4 }, 0, 5).said).toBe('the job did not gather the 5 reports (reports gathered: 4)');
    expect(noise({ gathered: 5, summary: FALSE_ALARMS(0, 4), measured: 5 }, 0, 5).said).toBe(`the false-alarm count is not over the 5 runs gathered: ${FALSE_ALARMS(0, 4)}`);
    expect(noise({ gathered: 5, summary: FALSE_ALARMS(0, 5), measured: null }, 0, 5).said).toBe('the artifact holds no gate-noise.runners.json');
    expect(noise({ gathered: 5, summary: FALSE_ALARMS(0, 5), measured: 4 }, 0, 5)).toMatchObject({ ok: false, said: expect.stringContaining('the noise file was not measured on the 5 runs') });
    expect(noise({ gathered: 5, summary: '' }, 0, 5).said).toBe('the job summary has no false-alarm count');
    expect(noise({ gathered: 5, summary: FALSE_ALARMS(0, 5), measured: 5 }, 1, 5).said).toBe('the job failed (act exited 1) on 5 A/A reports');
  });

  it('with no report at all, the job must pass and its summary say none was gathered', () => {
    expect(noise({ gathered: 0, summary: 'no A/A report gathered\n' }, 0, 0)).toEqual({ ok: true, said: 'passed with no A/A report, saying so' });
    expect(noise({ gathered: 0, summary: '' }, 0, 0).said).toBe('the job summary does not say no A/A report was gathered');
    expect(noise({ gathered: 0, summary: 'no A/A report gathered\n' }, 1, 0).said).toBe('the job failed (act exited 1) with no A/A report to gather');
  });

  it('with fewer reports than gate:noise needs, the job must fail and say how many it needs', () => {
    const needs = 'gate:noise: 1 A/A run(s) usable; at least 3 of the same case and metric are needed';
    expect(noise({ gathered: 1, log: needs }, 1, 1)).toEqual({ ok: true, said: 'failed on 1 A/A report(s), saying at least 3 are needed' });
    expect(noise({ gathered: 1, log: needs }, 0, 1).said).toBe('the job passed on 1 A/A report(s), fewer than gate:noise needs');
    expect(noise({ gathered: 1, log: 'npm ERR! network' }, 1, 1).said).toBe('the job failed (act exited 1) without saying how many A/A runs are needed');
  });
});
