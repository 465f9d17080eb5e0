import { describe, expect, it } from 'vitest';
import type { RunResult } from '../support/engine/result.ts';
import { gatewayComparison, phaseFigures } from '../support/report/gateway-comparison.ts';
import type { RunReport } from '../support/report/run-report.ts';
import type { CaseRecord, MonitorRecord } from '../support/shared/case-record.ts';

function result(scenario: string, achieved: number, p50: number, failed = 0): RunResult {
  const lat = { count: 100, min: 1, mean: p50, p50, p90: p50 * 2, p95: p50 * 2, p99: p50 * 3, p999: p50 * 3, max: p50 * 3 };
  return {
    scenario, executor: 'constant-arrival-rate', model: 'open', latencyTiming: 'intended-start', startedAt: '', durationMs: 10_000, workers: 1,
    rate: { target: achieved, achieved }, counts: { started: 100, completed: 100, ok: 100 - failed, failed, dropped: 0, interrupted: 0 },
    errorRate: failed / 100, errorsByClass: {}, errors: {}, errorSamples: {}, latency: lat, service: lat, schedulerLag: lat, operations: {},
    bytes: { in: 0, out: 0 }, vus: { peakInFlight: 1, max: 5 }, series: [],
  };
}

const monitor = (scenario: string, cpu: number): MonitorRecord => ({
  scenario, samples: [{ t: 1, target: 'gateway', cpuPercent: cpu, memoryMB: 500 }, { t: 2, target: 'gateway', cpuPercent: cpu, memoryMB: 520 }, { t: 1, target: 'postgres', cpuPercent: 90, memoryMB: 80 }],
  cost: { samples: 2, ms: 1 }, errors: [],
});

type Figure = NonNullable<CaseRecord['figures']>[number];

function report(gateway: string, results: RunResult[], monitors: MonitorRecord[], notes: string[], figures: Figure[] = []): RunReport {
  return {
    schema: 1,
    run: { id: `run-${gateway}`, profile: 'smoke', startedAt: '', finishedAt: '', stack: null, calibrationP50: 5, environment: { cpus: 2, node: 'v24', platform: 'linux x64' } },
    cases: [{ name: 'c', file: 'f', state: 'passed', durationMs: 1, errors: [], record: { results, monitors, notes, checks: [], tables: [], figures } }],
    recommendations: [],
  };
}

describe('gateways side by side', () => {
  it('gives CPU per call from the gateway\'s samples only (% of a core x 10 / calls per second)', () => {
    const f = phaseFigures(result('p', 10, 40, 5), monitor('p', 50));
    expect(f).toMatchObject({ achievedPerS: 10, p50: 40, errorPercent: 5, cpuPercent: 50, cpuMsPerCall: 50, memoryMB: 520 });
    expect(phaseFigures(result('p', 10, 40), undefined).cpuMsPerCall).toBeNaN();
  });

  it('puts the phases both ran side by side, then the headlines, and names what only one ran', () => {
    const a = report('contextforge', [result('PERF-02 sustained tools/call /mcp', 10, 40), result('PERF-01 tools/list /rpc', 10, 30)], [monitor('PERF-02 sustained tools/call /mcp', 45)],
      ['PERF-03: maximum sustainable rate 20/s; 30/s broke the SLO', 'PERF-04: recovered 6 s after the spike ended'],
      [{ name: 'PERF-03 knee rate', unit: 'req/s', better: 'higher', value: 20 }, { name: 'scaling throughput ratio, 2 instances to 1', unit: 'x', better: 'higher', value: 1.834 }]);
    const b = report('litellm', [result('PERF-02 sustained tools/call /mcp', 10, 54)], [monitor('PERF-02 sustained tools/call /mcp', 53)],
      ['PERF-03: no sustainable level: 10/s broke the SLO']);
    const c = gatewayComparison([{ gateway: 'contextforge', report: a }, { gateway: 'litellm', report: b }]);
    expect(c.shared).toBe(1);
    expect(c.text).toMatch(/PERF-02 sustained tools\/call \/mcp\s+contextforge\s+10\s+40\s+80\s+120\s+0\s+45\s+45\s+520/);
    expect(c.text).toMatch(/\n\s+litellm\s+10\s+54\s+108\s+162\s+0\s+53\s+53\s+520/);
    expect(c.text).toMatch(/PERF-03 knee rate\s+contextforge\s+20 req\/s\n/);
    expect(c.text).toMatch(/scaling throughput ratio, 2 instances to 1\s+contextforge\s+1.83 x\n\s+litellm\s+not measured/);
    expect(c.text).toMatch(/litellm\s+no sustainable level: 10\/s broke the SLO/);
    expect(c.text).toMatch(/PERF-04 spike recovery\s+contextforge\s+recovered 6 s[^\n]*\n\s+litellm\s+not measured/);
    expect(c.text).toMatch(/run on one gateway only: PERF-01 tools\/list \/rpc \(contextforge only\)/);
    expect(c.markdown).toContain('| PERF-02 sustained tools/call /mcp | contextforge | 10 | 40 | 80 | 120 | 0 | 45 | 45 | 520 |');
  });
});
