// A minimal results.json of mcp-perf for the history's tests: one scenario, and side-by-side CPU ratios when given.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A minimal results.json with one scenario at the given p50 (other figures steady), on a gateway at a revision when
 * given; with `cpuRatios`, gate cases (named with `abSuffix`, e.g. " [MCP 2026-07-28]") and those CPU ratios.
 */
export function results(dir: string, i: number, p50: number, on?: { gateway: string; revision: string }, cpuRatios?: number[], abSuffix = ''): string {
  const verdict = (ratio: number) => ({ case: 'gate', metric: 'gateway CPU per call', unit: 'ms', base: 40, head: 40 * ratio, n: 6, ratio, ci: [ratio - 0.04, ratio + 0.04], achievedConfidence: 0.96, allowed: 0.05, detectable: 0.1, runToRunSd: 0, status: 'no regression', direction: 'higher-is-worse' });
  const ab = (cpuRatios ?? []).map((ratio, k) => ({ case: `gate ${k}${abSuffix}`, verdicts: [verdict(ratio)], errors: {}, invalid: [], discarded: [], idleGatewayCpuPercent: { mean: 1, max: 1 }, wallSeconds: 60 }));
  const latency = { count: 1000, min: 1, mean: p50, p50, p90: p50 * 1.3, p95: 60, p99: 80, p999: 90, max: 100 };
  const report = {
    schema: 1,
    run: { id: `nightly-${i}${on ? `-${on.gateway}` : ''}`, profile: 'nightly', startedAt: new Date(Date.UTC(2026, 0, i + 1)).toISOString(), finishedAt: '',
      stack: on ? { provider: 'containers', gateway: { kind: on.gateway, version: '1', workers: 2, protocol: { revision: on.revision, how: 'set', chosenBy: 'setting' } } } : null, calibrationP50: null, environment: { cpus: 2, node: 'v24', platform: 'linux x64' } },
    cases: [{ name: 'PERF-01', file: 'tests/perf/baseline.perf.ts', state: 'passed', durationMs: 1, errors: [], record: { results: [{ scenario: 'PERF-01 tools/list', latency, errorRate: 0, rate: { target: 100, achieved: 100 } }], checks: [], monitors: [], notes: [], tables: [], ...(ab.length ? { ab } : {}) } }],
    recommendations: [],
  };
  const path = join(dir, `results-${i}${on ? `-${on.gateway}` : ''}.json`);
  writeFileSync(path, JSON.stringify(report));
  return path;
}
