import { describe, expect, it } from 'vitest';
import '../support/budget/matchers.ts';
import { DEFAULT_MAX_DETECTABLE, insensitivity, maxDetectable } from '../support/budget/sensitivity.ts';
import { inconclusiveCase, type AbOutcome, type AbVerdictRow, type Direction } from '../support/shared/ab-outcome.ts';

const verdict = (metric: string, detectable: number, status: AbVerdictRow['status'] = 'no regression', direction: Direction = 'higher-is-worse'): AbVerdictRow => ({
  case: 'gate: fixed', metric, unit: 'ms', base: 100, head: 100, n: 8, ratio: status === 'regression' ? 1.5 : 1, ci: [0.8, status === 'regression' ? 1.9 : 1.2],
  achievedConfidence: 0.96, allowed: 0.05, detectable, runToRunSd: 0, status, direction,
});

const noErrors = { base: { failed: 0, total: 100 }, head: { failed: 0, total: 100 }, p: 1, status: 'no regression' as const, text: 'errors: none' };
const outcome = (verdicts: AbVerdictRow[], inconclusive?: string): AbOutcome => ({
  case: 'gate: fixed', verdicts, errors: noErrors, invalid: [], discarded: [], idleGatewayCpuPercent: { mean: 1, max: 2 }, wallSeconds: 60, ...(inconclusive ? { inconclusive } : {}),
});

describe('the gate\'s sensitivity limit', () => {
  it('is met when any metric could have caught a change within it', () => {
    // Bench 13:38 run 1 (an A/A run): CPU per call could have caught +20.2%, p50 +41%.
    expect(insensitivity([verdict('latency p50', 0.41), verdict('gateway CPU per call', 0.202)], 0.4)).toBeUndefined();
    expect(insensitivity([verdict('gateway CPU per call', 0.4)], 0.4)).toBeUndefined();
  });

  it('is missed when even the most sensitive metric could not, and says by which metric and how far', () => {
    // Bench 13:38 run 5, the fixed-rate case: the machine slowed past the rate sized minutes before.
    const why = insensitivity([verdict('latency p50', 2.855), verdict('latency p95', 3.011), verdict('gateway CPU per call', 0.544)], 0.4);
    expect(why).toMatch(/\+54\.4% in gateway CPU per call, past the gate's limit of \+40\.0%/);
    // A throughput's limit reads as the fall it stands for.
    expect(insensitivity([verdict('throughput', 0.5, 'no regression', 'lower-is-worse')], 0.4)).toMatch(/-33\.3% in throughput, past the gate's limit of -28\.6%/);
  });

  it('leaves metrics with too few rounds to the INVALID verdict', () => {
    expect(insensitivity([verdict('latency p50', Number.NaN, 'too few rounds')], 0.4)).toBeUndefined();
    expect(insensitivity([verdict('latency p50', Number.NaN, 'too few rounds'), verdict('gateway CPU per call', 0.6)], 0.4)).toMatch(/gateway CPU per call/);
  });

  it('is read from PERF_AB_MAX_DETECTABLE, with a clear error on a bad value', () => {
    expect(maxDetectable(undefined)).toBe(DEFAULT_MAX_DETECTABLE);
    expect(maxDetectable('')).toBe(DEFAULT_MAX_DETECTABLE);
    expect(maxDetectable('25%')).toBeCloseTo(0.25);
    expect(maxDetectable('0.3')).toBeCloseTo(0.3);
    expect(() => maxDetectable('lots')).toThrow(/PERF_AB_MAX_DETECTABLE: "lots" is not a ratio/);
    expect(() => maxDetectable('0')).toThrow(/PERF_AB_MAX_DETECTABLE must be above 0/);
  });

  it('makes the gate INCONCLUSIVE, not passed, when no case could have caught the gate\'s size; a regression still reads as one', () => {
    const blind = (name: string) => ({ ...outcome([verdict('gateway CPU per call', 0.544)], 'the smallest change it could have caught (4 times in 5) was +54.4% in gateway CPU per call'), case: name });
    const seeing = (name: string) => ({ ...outcome([verdict('gateway CPU per call', 0.2)]), case: name });
    // Bench 13:38 run 5: the fixed-rate case was blind, capacity and churn were not.
    expect([seeing('capacity'), blind('fixed'), seeing('churn')]).toBeConclusive();
    expect(() => expect([blind('capacity'), blind('fixed')]).toBeConclusive()).toThrow(/the gate is INCONCLUSIVE, neither passed nor failed[\s\S]*- fixed: the smallest change .* \+54\.4%/);
    // An INVALID case is not judged: the judged ones decide, and none judged is INVALID's to say.
    const invalid = { ...seeing('capacity'), invalid: ['round 3 (base: lag)'] };
    expect(() => expect([invalid, blind('fixed')]).toBeConclusive()).toThrow(/- capacity: INVALID/);
    expect([invalid]).toBeConclusive();
    const regressed = { ...blind('fixed'), verdicts: [verdict('gateway CPU per call', 0.544, 'regression')] };
    expect([blind('capacity'), regressed]).toBeConclusive();
    // A case that regressed is not called blind, however wide its interval.
    expect(inconclusiveCase(regressed)).toBe(false);
    expect(inconclusiveCase(blind('fixed'))).toBe(true);
    expect(() => expect(regressed).toPassAbGate()).toThrow(/REGRESSED on gateway CPU per call/);
    expect(blind('fixed')).toPassAbGate();
  });
});
