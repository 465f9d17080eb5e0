// The nightly history as the workflow uses it: append each run's results.json, then check for change points.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../scratch-dir.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const history = (args: string[]) => spawnSync(process.execPath, ['scripts/history.ts', ...args], { cwd: root, encoding: 'utf8' });

/** A minimal results.json with one scenario at the given p50 (other figures steady). */
function results(dir: string, i: number, p50: number): string {
  const latency = { count: 1000, min: 1, mean: p50, p50, p90: p50 * 1.3, p95: 60, p99: 80, p999: 90, max: 100 };
  const report = {
    schema: 1,
    run: { id: `nightly-${i}`, profile: 'nightly', startedAt: new Date(Date.UTC(2026, 0, i + 1)).toISOString(), finishedAt: '', stack: null, calibrationP50: null, environment: { cpus: 2, node: 'v24', platform: 'linux x64' } },
    cases: [{ name: 'PERF-01', file: 'tests/perf/baseline.perf.ts', state: 'passed', durationMs: 1, errors: [], record: { results: [{ scenario: 'PERF-01 tools/list', latency, errorRate: 0, rate: { target: 100, achieved: 100 } }], checks: [], monitors: [], notes: [], tables: [] } }],
    recommendations: [],
  };
  const path = join(dir, `results-${i}.json`);
  writeFileSync(path, JSON.stringify(report));
  return path;
}

describe('nightly history', () => {
  it('flags a p50 that stepped up 15% and stayed, naming the run it started with; a steady history passes', () => {
    const dir = scratchDir('history');
    const file = join(dir, 'history.json');
    const level = (i: number) => (i < 12 ? 40 : 46) * (1 + 0.02 * Math.sin(1.9 * i));
    for (let i = 0; i < 11; i++) expect(history(['append', results(dir, i, level(i)), '--file', file, '--commit', `c0ffee${i}`]).status).toBe(0);
    const steady = history(['check', '--file', file]);
    expect(steady.status, steady.stdout + steady.stderr).toBe(0);
    expect(steady.stdout).toMatch(/no shift/);
    for (let i = 11; i < 20; i++) history(['append', results(dir, i, level(i)), '--file', file]);
    const shifted = history(['check', '--file', file]);
    expect(shifted.status, shifted.stdout + shifted.stderr).toBe(1);
    expect(shifted.stdout).toMatch(/WORSE\s+nightly\s+PERF-01 tools\/list\s+p50 .* nightly-12/);
    expect(JSON.parse(readFileSync(file, 'utf8')).entries).toHaveLength(20);
  });

  it('refuses what is not a results.json, saying so', () => {
    const dir = scratchDir('history');
    writeFileSync(join(dir, 'x.json'), '{"hello":1}');
    const r = history(['append', join(dir, 'x.json'), '--file', join(dir, 'h.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a results.json of mcp-perf/);
  });
});
