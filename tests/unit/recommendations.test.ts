import { describe, expect, it } from 'vitest';
import type { RunResult } from '../support/engine/result.ts';
import { recommend } from '../support/report/recommendations.ts';
import type { CaseReport } from '../support/report/run-report.ts';

/** A slow phase (p95 11 s) while the gateway idles at 40% CPU, with `pgTotal` connections of which `idleInTx` idle in a transaction. */
function slowPhase(pgTotal: number, idleInTx: number): CaseReport[] {
  const lat = { count: 300, min: 50, mean: 900, p50: 80, p90: 9000, p95: 11_000, p99: 12_000, p999: 12_000, max: 12_000 };
  const result = {
    scenario: 's', executor: 'constant-arrival-rate', model: 'open', latencyTiming: 'intended-start', startedAt: '', durationMs: 30_000, workers: 1,
    rate: { target: 10, achieved: 10 }, counts: { started: 300, completed: 300, ok: 300, failed: 0, dropped: 0, interrupted: 0 }, errorRate: 0,
    errorsByClass: {}, errors: {}, errorSamples: {}, latency: lat, service: lat, schedulerLag: lat, operations: {}, bytes: { in: 0, out: 0 }, vus: { peakInFlight: 100, max: 300 }, series: [],
  } as RunResult;
  const ts = Array.from({ length: 20 }, (_, t) => t);
  return [{
    name: 'c', file: 'f', state: 'passed', durationMs: 30_000, errors: [],
    record: {
      results: [result], checks: [], notes: [], tables: [],
      monitors: [{
        scenario: 's', cost: { samples: 20, ms: 100 }, errors: [],
        samples: ts.map((t) => ({ t, target: 'gateway', cpuPercent: 40, memoryMB: 900 })),
        postgres: ts.map((t) => ({ t, byState: { idle: pgTotal - idleInTx, 'idle in transaction': idleInTx }, total: pgTotal })),
      }],
    },
  }];
}

const symptoms = (cases: CaseReport[], capacity?: number) => recommend(cases, 2, capacity).map((r) => r.symptom);

describe('recommendations: database pool exhaustion', () => {
  it('is not diagnosed from a slow phase alone (an upstream that hangs is not a pool problem)', () => {
    expect(symptoms(slowPhase(11, 0), 60)).not.toContain('database pool exhaustion');
    expect(symptoms(slowPhase(11, 0))).not.toContain('database pool exhaustion');
  });

  it('is diagnosed when the connections reach the pools\' capacity, or sit idle in a transaction', () => {
    expect(symptoms(slowPhase(58, 0), 60)).toContain('database pool exhaustion');
    expect(symptoms(slowPhase(25, 11))).toContain('database pool exhaustion');
  });
});

describe('recommendations: a busy machine', () => {
  const withMachine = (othersPercent: number, stealPercent: number) => {
    const cases = slowPhase(11, 0);
    cases[0]!.record!.monitors[0]!.machine = Array.from({ length: 20 }, (_, t) => ({ t, othersPercent, stealPercent }));
    return recommend(cases, 2).find((r) => r.symptom === 'busy machine');
  };

  it('flags a phase during which the rest of the machine (other processes, the hypervisor) took a third of a core', () => {
    expect(withMachine(5, 2)).toBeUndefined();
    expect(withMachine(90, 0)?.evidence).toMatch(/90% of a core on average \(90% other processes, 0% stolen/);
    expect(withMachine(10, 25)?.evidence).toMatch(/35% of a core.*25% stolen by the hypervisor/);
    expect(symptoms(slowPhase(11, 0))).not.toContain('busy machine');
  });
});
