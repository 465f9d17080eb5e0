import { describe, expect, it } from 'vitest';
import { checkCells, sensitivityTable, type CheckCell, type SlowedRun } from '../support/report/budget-sensitivity.ts';
import type { RunReport } from '../support/report/run-report.ts';

const KEY = 'PERF-01 | SLO latency p50 < 150 ms';
const cell = (pass: boolean, judged = true): CheckCell => ({ key: KEY, pass, judged, figure: pass ? '60 ms' : '160 ms' });
const run = (size: number, check: CheckCell | undefined): SlowedRun => ({ size, runId: `r-${size}`, checks: check ? [check] : [], cpuMsPerCall: { 'PERF-01': 50 + size } });
const failsFrom = (runs: SlowedRun[]) => sensitivityTable(runs).find((row) => row[0] === KEY)!.at(-1);

describe('what slowdown a check catches (bench:budgets)', () => {
  it('names the smallest size from which the check failed at every larger size', () => {
    expect(failsFrom([run(0, cell(true)), run(25, cell(true)), run(50, cell(false)), run(100, cell(false))])).toBe('+50 ms');
  });

  it('counts a size whose case stopped before the check (an earlier check failed) as no reprieve', () => {
    expect(failsFrom([run(0, cell(true)), run(25, cell(false)), run(50, undefined), run(100, undefined)])).toBe('+25 ms');
  });

  it('does not claim a size that failed once but passed at a larger one', () => {
    expect(failsFrom([run(0, cell(true)), run(25, cell(false)), run(50, cell(true)), run(100, cell(false))])).toBe('+100 ms');
  });

  it('says when a check never failed, or failed on the unslowed gateway (a false alarm)', () => {
    expect(failsFrom([run(0, cell(true)), run(50, cell(true))])).toBe('never here');
    expect(failsFrom([run(0, cell(false)), run(50, cell(false))])).toBe('fails unslowed');
  });

  it('keeps each case\'s own verdict beside its rows: assertions no row records (a ceiling, a ratio) fail it', () => {
    const report = { cases: [
      { name: 'overhead', state: 'failed', errors: ['AssertionError: gateway /rpc adds 302 ms at p95 (budget 250 ms): expected 302 to be less than 250\n  at x'], record: { checks: [{ scenario: 'overhead: gateway /rpc', kind: 'slo', pass: true, rows: [{ metric: 'latency p95', target: '< 1 s', measured: '317 ms', margin: '', pass: true }] }] } },
      { name: 'mixed', state: 'passed', errors: [], record: { checks: [{ scenario: 'mixed', kind: 'slo', pass: true, slo: { operation: 'GET /health', p95: '1s' }, rows: [{ metric: 'latency p95', target: '< 1 s', measured: '20 ms', margin: '', pass: true }] }] } },
      { name: 'health', state: 'passed', errors: [] },
      { name: 'gate', state: 'skipped', errors: [] },
    ] } as unknown as RunReport;
    expect(checkCells(report)).toEqual([
      { key: 'overhead: gateway /rpc | SLO latency p95 < 1 s', pass: true, judged: true, figure: '317 ms' },
      { key: 'overhead | case verdict', pass: false, judged: true, figure: 'gateway /rpc adds 302 ms at p95 (budget 250 ms): expected 302 to be less than 250' },
      { key: 'mixed [GET /health] | SLO latency p95 < 1 s', pass: true, judged: true, figure: '20 ms' },
      { key: 'mixed | case verdict', pass: true, judged: true, figure: 'passed' },
      { key: 'health | case verdict', pass: true, judged: true, figure: 'passed' },
    ]);
  });

  it('neither counts a row reported but not judged as a failure nor a size failed in only some runs', () => {
    expect(failsFrom([run(0, cell(true)), run(50, cell(false, false))])).toBe('never here');
    const table = sensitivityTable([run(0, cell(true)), run(50, cell(false)), run(50, cell(true))]);
    expect(table.find((row) => row[0] === KEY)).toEqual([KEY, 'ok 60 ms', 'FAIL 1/2 160 ms, 60 ms', 'never here']);
    expect(table[1]).toEqual(['PERF-01 | gateway CPU ms per call', '50.0', '100.0, 100.0', '']);
  });
});
