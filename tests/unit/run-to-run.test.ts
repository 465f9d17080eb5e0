import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pairedVerdict } from '../support/budget/paired.ts';
import { estimateRunToRun, leaveOneOut, loadRunToRun, noiseKey, rejudge, rejudgeOutcomes } from '../support/budget/run-to-run.ts';
import { regressedCase, type AbOutcome, type AbVerdictRow, type PairedVerdict } from '../support/shared/ab-outcome.ts';
import { scratchDir } from '../scratch-dir.ts';

// An A/A run here (aa-probe1, 2026-12-01: the same image on both sides, fixed rate 12/s), p50 ms of its 8 rounds
// as [base, head]. Every round favoured one side; read with the sides swapped it is a false alarm.
const AA_PROBE1_P50: [number, number][] = [
  [194.047, 99.583], [113.151, 97.151], [122.431, 106.559], [126.975, 117.631],
  [137.855, 119.935], [86.271, 81.983], [86.975, 77.823], [95.423, 77.695],
];
const swapped = AA_PROBE1_P50.map(([b, h]) => [h, b] as [number, number]);
// tau of that metric as eight A/A runs here measured it (baselines/gate-noise.json of 2026-12-01 morning; ten fresh-stack
// A/A runs of that afternoon gave 0.019).
const TAU_FIXED_P50 = 0.076;

// Three A/A-like runs (8 rounds each) and the run-to-run sd each was judged with (0: none).
const AA_RUNS_FOR_WIDENING: [[number, number][], number][] = [
  [AA_PROBE1_P50, 0.076],
  [swapped, 0.05],
  [AA_PROBE1_P50.map(([b, h], i) => [b, i % 2 ? h * 1.1 : b] as [number, number]), 0],
];

function outcome(caseName: string, ratio: number, ci: [number, number]): AbOutcome {
  const v: AbVerdictRow = {
    case: caseName, metric: 'latency p50', unit: 'ms', base: 1, head: ratio, n: 8, ratio, ci, achievedConfidence: 0.9609,
    allowed: 0.05, detectable: 0.2, runToRunSd: 0, status: 'no regression', direction: 'higher-is-worse',
  };
  return { case: caseName, verdicts: [v], invalid: [], discarded: [], errors: { base: { failed: 0, total: 1 }, head: { failed: 0, total: 1 }, p: 1, status: 'no regression', text: '' }, idleGatewayCpuPercent: { mean: 0, max: 0 }, wallSeconds: 1 };
}

describe('run-to-run noise of the A/B gate', () => {
  it('a real A/A run read with its sides swapped is a false alarm on its rounds alone, and passes once the A/A spread is added', () => {
    const alone = pairedVerdict(swapped, { direction: 'higher-is-worse' });
    expect(alone.status).toBe('regression');
    const widened = pairedVerdict(swapped, { direction: 'higher-is-worse', runToRunSd: TAU_FIXED_P50 });
    expect(widened.status).toBe('no regression');
    expect(widened.ratio).toBeCloseTo(alone.ratio, 10);
    expect(widened.ci[0]).toBeLessThan(alone.ci[0]);
    expect(widened.ci[1]).toBeGreaterThan(alone.ci[1]);
    expect(widened.detectable).toBeGreaterThan(alone.detectable);
  });

  it('still flags a head 30% slower with that noise added; +20% is below what it can see', () => {
    const slower = (k: number) => pairedVerdict(AA_PROBE1_P50.map(([b]) => [b, b * k] as [number, number]), { direction: 'higher-is-worse', runToRunSd: TAU_FIXED_P50 });
    expect(slower(1.3).status).toBe('regression');
    // The floor is the allowed 5% plus 1.96 tau, about +22%, however quiet the rounds.
    expect(slower(1.2).status).toBe('no regression');
    expect(slower(1.2).ci[0]).toBeGreaterThan(1);
  });

  it('estimates the spread beyond the runs\' own intervals, around no change', () => {
    // Tight intervals (about +-2%) but estimates of +-10%: nearly all of it is run-to-run.
    const spread = [1.1, 0.9, 1.1, 0.9].map((r) => [outcome('c', r, [r * 0.98, r * 1.02])]);
    const m = estimateRunToRun(spread)[noiseKey('c', 'latency p50')]!;
    expect(m.runs).toBe(4);
    expect(m.sd).toBeGreaterThan(0.09);
    expect(m.sd).toBeLessThan(0.11);
    // Wide intervals that already cover the spread: nothing to add.
    const covered = [1.02, 0.98, 1.02, 0.98].map((r) => [outcome('c', r, [r * 0.8, r * 1.25])]);
    expect(estimateRunToRun(covered)[noiseKey('c', 'latency p50')]!.sd).toBe(0);
    // A bias every run shares is noise too: the spread is taken around 1, not around the runs' mean.
    const biased = [1.1, 1.1, 1.1].map((r) => [outcome('c', r, [r * 0.99, r * 1.01])]);
    expect(estimateRunToRun(biased)[noiseKey('c', 'latency p50')]!.sd).toBeGreaterThan(0.09);
    // One vague run does not hide precise ones that missed: two tight runs at -15% and five wide ones near 0.
    const mixed = [[0.85, 0.78, 0.93], [0.86, 0.8, 0.92], [1.07, 0.4, 1.3], [1.01, 0.86, 1.13], [1.01, 0.88, 1.25], [1.02, 0.8, 1.3], [1.01, 0.7, 1.4]]
      .map(([r, lo, hi]) => [outcome('c', r!, [lo!, hi!])]);
    expect(estimateRunToRun(mixed)[noiseKey('c', 'latency p50')]!.sd).toBeGreaterThan(0.04);
    // Runs judged with a noise file carry widened intervals: the estimate takes their within-run part, the same tau.
    const widenedRuns = AA_RUNS_FOR_WIDENING.map(([b, h]) => pairedVerdict(b, { direction: 'higher-is-worse', runToRunSd: h }));
    const asOutcomes = (vs: PairedVerdict[]) => vs.map((v) => {
      const o = outcome('c', v.ratio, v.ci);
      o.verdicts[0] = { ...o.verdicts[0]!, ...v };
      return [o];
    });
    const plain = AA_RUNS_FOR_WIDENING.map(([b]) => pairedVerdict(b, { direction: 'higher-is-worse' }));
    expect(estimateRunToRun(asOutcomes(widenedRuns))[noiseKey('c', 'latency p50')]!.sd).toBeCloseTo(estimateRunToRun(asOutcomes(plain))[noiseKey('c', 'latency p50')]!.sd, 6);
    // Fewer than 3 runs: no estimate.
    expect(estimateRunToRun(spread.slice(0, 2))).toEqual({});
  });

  it('judges a finished verdict again with another run-to-run sd exactly as the run would have judged it', () => {
    const row = (v: PairedVerdict): AbVerdictRow => ({ ...v, case: 'c', metric: 'latency p50', unit: 'ms', base: 1, head: v.ratio });
    const slower = AA_PROBE1_P50.map(([b]) => [b, b * 1.2] as [number, number]);
    for (const [from, to] of [[0, TAU_FIXED_P50], [TAU_FIXED_P50, 0], [TAU_FIXED_P50, 0.019], [0.03, 0.03]] as const) {
      for (const pairs of [swapped, slower, AA_PROBE1_P50]) {
        const direct = pairedVerdict(pairs, { direction: 'higher-is-worse', runToRunSd: to });
        const again = rejudge(row(pairedVerdict(pairs, { direction: 'higher-is-worse', runToRunSd: from })), to, 5);
        expect(again.status).toBe(direct.status);
        expect(again.ci[0]).toBeCloseTo(direct.ci[0], 6);
        expect(again.ci[1]).toBeCloseTo(direct.ci[1], 6);
        expect(again.detectable).toBeCloseTo(direct.detectable, 6);
        expect(again.runToRunRuns).toBe(5);
      }
    }
    // The +20% run the committed noise (tau 0.076) let pass is flagged with a smaller tau, and the swapped A/A run
    // that tau 0.076 kept from a false alarm raises one with none.
    const judged = row(pairedVerdict(slower, { direction: 'higher-is-worse', runToRunSd: TAU_FIXED_P50 }));
    expect(judged.status).toBe('no regression');
    expect(rejudge(judged, 0.019).status).toBe('regression');
    expect(rejudge(row(pairedVerdict(swapped, { direction: 'higher-is-worse', runToRunSd: TAU_FIXED_P50 })), 0).status).toBe('regression');
    const few = row(pairedVerdict(slower.slice(0, 4), { direction: 'higher-is-worse' }));
    expect(rejudge(few, 0.05)).toBe(few);
  });

  it('judges again whether a case could have caught the gate\'s limit, from the widened intervals, not its old note', () => {
    const quiet = { ...outcome('c', 1.01, [0.98, 1.04]), inconclusive: 'an old reason' };
    expect(rejudgeOutcomes([quiet], {}, undefined, 0.4)[0]!.inconclusive).toBeUndefined();
    // The same rounds with a run-to-run spread of 30% could only catch a change far past +40%.
    const widened = rejudgeOutcomes([quiet], { [noiseKey('c', 'latency p50')]: { sd: 0.3, runs: 10, ratios: [] } }, undefined, 0.4)[0]!;
    expect(widened.verdicts[0]!.detectable).toBeGreaterThan(0.4);
    expect(widened.inconclusive).toMatch(/past the gate's limit of \+40\.0%/);
  });

  it('leave one out: an A/A run far off the others raises a false alarm against their noise, which its own share would hide', () => {
    // Four quiet A/A runs (estimates within 1%) and one 12% off with a tight interval: a stack that settled badly.
    const aa = [1.01, 0.99, 1.005, 0.995, 1.12].map((r) => [outcome('c', r, [r * 0.98, r * 1.02])]);
    const inSample = estimateRunToRun(aa);
    expect(inSample[noiseKey('c', 'latency p50')]!.sd).toBeGreaterThan(0.04);
    expect(rejudgeOutcomes(aa[4]!, inSample)[0]!.verdicts[0]!.status).toBe('no regression');
    const unmeasured = new Set<string>();
    const left = leaveOneOut(aa, unmeasured);
    expect(left.map((o) => regressedCase(o[0]!))).toEqual([false, false, false, false, true]);
    expect(left[4]![0]!.verdicts[0]!.runToRunRuns).toBe(4);
    expect(unmeasured.size).toBe(0);
    // With three runs, each is left with two: too few to measure, so it is judged with none and named.
    leaveOneOut(aa.slice(0, 3), unmeasured);
    expect([...unmeasured]).toEqual([noiseKey('c', 'latency p50')]);
  });

  it('reads the noise file, and says what is wrong with a bad one', () => {
    const dir = scratchDir('noise');
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify({ measured: 'test', metrics: { 'c | latency p50': { runs: 4, sd: 0.05, ratios: [1] } } }));
    expect(loadRunToRun(good).noise!.metrics['c | latency p50']!.sd).toBe(0.05);
    expect(loadRunToRun('none').noise).toBeNull();
    expect(() => loadRunToRun(join(dir, 'missing.json'))).toThrow(/no such file.*gate:noise.*PERF_AB_NOISE=none/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ measured: 'test', metrics: { x: { runs: 4, sd: -1 } } }));
    expect(() => loadRunToRun(bad)).toThrow(/not a gate noise file/);
    writeFileSync(bad, '{');
    expect(() => loadRunToRun(bad)).toThrow(/not JSON/);
  });
});
