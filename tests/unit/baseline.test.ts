import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { RunResult } from '../support/engine/result.ts';
import type { MonitorRecord } from '../support/shared/case-record.ts';
import { scratchDir } from '../scratch-dir.ts';

const dir = scratchDir('baselines');
vi.stubEnv('PERF_BASELINE_DIR', dir);
const { baselinePath, compareWithBaseline, currentEnvironment, operationView, readBaseline, runsApart, seriesNoise, stackDifferences, stackRebuilds, toBaseline, writeBaseline, BaselineError } = await import('../support/budget/baseline.ts');

/** n recorded runs of the same figures. */
const runsOf = (n: number, r: RunResult) => Array.from({ length: n }, () => r);

/** A baseline of the given recorded runs (from MIN_SPREAD_RUNS = 5 on, the spread between them is measured). */
function baseOf(...runs: RunResult[]) {
  let b: ReturnType<typeof toBaseline> | undefined;
  for (const r of runs) b = toBaseline(r, 'smoke', 4, currentEnvironment(), b);
  return b!;
}

function result(p50: number, p95: number, p99: number, errorRate = 0, jitter = 0.05): RunResult {
  const series = Array.from({ length: 20 }, (_, i) => {
    const f = 1 + (i % 2 ? jitter : -jitter);
    return { t: i + 1, requests: 20, errors: 0, dropped: 0, p50: p50 * f, p95: p95 * f, p99: p99 * f, inFlight: 1, vus: 5 };
  });
  const lat = { count: 400, min: 1, mean: p50, p50, p90: p95, p95, p99, p999: p99, max: p99 };
  return {
    scenario: 'case A', executor: 'constant-arrival-rate', model: 'open', latencyTiming: 'intended-start', startedAt: '', durationMs: 20_000, workers: 1,
    rate: { target: 20, achieved: 20 }, counts: { started: 400, completed: 400, ok: 400, failed: 0, dropped: 0, interrupted: 0 },
    errorRate, errorsByClass: {}, errors: {}, errorSamples: {}, latency: lat, service: lat, schedulerLag: { ...lat, mean: 0.1, p50: 0.1, p90: 0.2, p95: 0.3, p99: 0.5, p999: 1, max: 2 }, operations: {},
    bytes: { in: 0, out: 0 }, vus: { peakInFlight: 1, max: 5 }, series,
  };
}

describe('baselines', () => {
  it('round-trips through a readable file named after the case and profile', () => {
    const path = writeBaseline(toBaseline(result(30, 45, 55), 'smoke', 4, currentEnvironment({ stack: 'containers' })));
    expect(path).toBe(join(dir, 'smoke', 'case-a.json'));
    expect(baselinePath('PERF-01 tools/list /rpc', 'pr')).toBe(join(dir, 'pr', 'perf-01-tools-list-rpc.json'));
    expect(baselinePath('PERF-01 tools/list /rpc', 'pr', 'contextforge')).toBe(join(dir, 'pr', 'perf-01-tools-list-rpc.json'));
    expect(baselinePath('PERF-01 tools/list /mcp', 'pr', 'litellm')).toBe(join(dir, 'pr', 'litellm', 'perf-01-tools-list-mcp.json'));
    const back = readBaseline('case A', 'smoke')!;
    expect(back.metrics).toMatchObject({ p50: 30, p95: 45, p99: 55 });
    expect(back.calibrationP50).toBe(4);
    expect(readBaseline('case B', 'smoke')).toBeUndefined();
  });

  it('says clearly when a baseline does not parse or belongs to another profile', () => {
    mkdirSync(join(dir, 'nightly'), { recursive: true });
    writeFileSync(join(dir, 'nightly', 'case-a.json'), '{ "schema": 1, ');
    expect(() => readBaseline('case A', 'nightly')).toThrow(BaselineError);
    expect(() => readBaseline('case A', 'nightly')).toThrow(/does not parse .* delete it and record a new one with "npm run perf:baseline"/);
    mkdirSync(join(dir, 'pr'), { recursive: true });
    writeFileSync(join(dir, 'pr', 'case-a.json'), JSON.stringify(toBaseline(result(30, 45, 55), 'smoke', 4, currentEnvironment())));
    expect(() => readBaseline('case A', 'pr')).toThrow(/recorded for profile "smoke", this run is "pr"/);
  });

  it('keeps every recorded run and measures the spread between them from 5 on, robustly (one odd run does not widen it)', () => {
    const base = baseOf(result(30, 45, 55), result(33, 47, 58), result(27, 44, 52), result(31, 45, 56), result(29, 46, 54));
    expect(base.runs).toHaveLength(5);
    expect(base.metrics.p50).toBe(30);
    // logs' deviations from the median: 0, .033, .034, .095, .105 -> MAD .0339 -> x1.4826
    expect(base.spread!.p50).toBeCloseTo(0.05, 3);
    const odd = baseOf(result(30, 45, 55), result(60, 47, 58), result(27, 44, 52), result(31, 45, 56), result(29, 46, 54));
    expect(odd.spread!.p50).toBeCloseTo(0.05, 3);
    expect(baseOf(...runsOf(4, result(30, 45, 55))).spread).toBeNull();
    expect(toBaseline(result(30, 45, 55), 'smoke', 4, currentEnvironment()).spread).toBeNull();
  });

  it('holds a one-run baseline only to a wide band until the spread between runs is known', () => {
    const one = toBaseline(result(30, 45, 55), 'smoke', 4, currentEnvironment());
    expect(compareWithBaseline(result(37.5, 56.25, 68.75), one, 4).pass).toBe(true);
    expect(compareWithBaseline(result(60, 90, 110), one, 4).pass).toBe(false);
  });

  it('passes an unchanged run and fails a 25% slower one, saying what it could detect', () => {
    const base = baseOf(result(30, 45, 55), result(30.5, 45.5, 55.5), result(29.5, 44.5, 54.5), result(30.2, 45.2, 55.2), result(29.8, 44.8, 54.8));
    expect(compareWithBaseline(result(31, 46, 56), base, 4).pass).toBe(true);
    const slower = compareWithBaseline(result(37.5, 56.25, 68.75), base, 4);
    expect(slower.pass).toBe(false);
    expect(slower.rows.find((r) => r.metric === 'latency p95')!.measured).toMatch(/\+25\.0%/);
    expect(slower.rows.find((r) => r.metric === 'latency p50')!.target).toMatch(/detectable \+\d+%/);
  });

  it('holds 4 recorded runs to the wide band still, and says how many more are needed', () => {
    const four = baseOf(...runsOf(4, result(30, 45, 55)));
    const cmp = compareWithBaseline(result(37.5, 56.25, 68.75), four, 4);
    expect(cmp.pass).toBe(true);
    expect(cmp.rows.find((r) => r.metric === 'latency p50')!.target).toMatch(/spread unknown, 4 of 5 runs recorded; detectable \+50%/);
  });

  it('bands by the spread between runs: a baseline whose runs moved 20% allows more than one whose runs did not', () => {
    const steady = baseOf(...runsOf(5, result(30, 45, 55)));
    const moving = baseOf(result(30, 45, 55), result(36, 54, 66), result(24, 36, 44), result(32, 48, 58.7), result(28, 42, 51.3));
    const plus20 = result(36, 54, 66);
    expect(compareWithBaseline(plus20, steady, 4).pass).toBe(false);
    expect(compareWithBaseline(plus20, moving, 4).pass).toBe(true);
    expect(compareWithBaseline(plus20, moving, 4).rows.find((r) => r.metric === 'latency p50')!.target).toMatch(/\+35\.8%: 3 x spread 10\.2% of 5 runs/);
  });

  it('npm run compare -- --bands prints the band each baseline holds, the same one a comparison applies', async () => {
    const { baselineBands } = await import('../support/budget/bands.ts');
    const { toFigureBaseline } = await import('../support/budget/figure-baseline.ts');
    const bandsDir = scratchDir('bands');
    const moving = baseOf(result(30, 45, 55), result(36, 54, 66), result(24, 36, 44), result(32, 48, 58.7), result(28, 42, 51.3));
    writeFileSync(join(bandsDir, 'moving.json'), JSON.stringify({ ...moving, case: 'moving case' }));
    writeFileSync(join(bandsDir, 'one.json'), JSON.stringify({ ...toBaseline(result(30, 45, 55), 'smoke', 4, currentEnvironment()), case: 'one run' }));
    const knee = { name: 'knee', unit: 'req/s', better: 'higher' } as const;
    writeFileSync(join(bandsDir, 'figure-knee.json'), JSON.stringify(toFigureBaseline(40, knee, 'smoke', currentEnvironment())));
    writeFileSync(join(bandsDir, 'pr-case.json'), JSON.stringify({ ...toBaseline(result(30, 45, 55), 'pr', 4, currentEnvironment()), case: 'pr case' }));
    writeFileSync(join(bandsDir, 'figure-pr.json'), JSON.stringify(toFigureBaseline(40, { ...knee, name: 'pr knee' }, 'pr', currentEnvironment())));
    const out = baselineBands(bandsDir, 'smoke');
    expect(out).toMatch(/NOT USED figure-pr\.json: .*recorded for profile "pr", this run is "smoke"/);
    expect(out).toMatch(/NOT USED pr-case\.json: .*recorded for profile "pr", this run is "smoke"/);
    expect(out).not.toMatch(/^pr (case|knee)/m);
    const row = out.split('\n').find((l) => l.startsWith('moving case'))!;
    expect(row).toMatch(/5\s+measured\s+20\s+30\s+\+36% \(3 x spread 10\.2% of 5 runs\)/);
    expect(row).toMatch(/55\s+not judged \(too few samples beyond it\)/);
    expect(compareWithBaseline(result(30 * 1.36, 45, 55), moving, 4).rows[0]!.target).toMatch(/detectable \+36%/);
    expect(out.split('\n').find((l) => l.startsWith('one run'))).toMatch(/1\s+unknown\s+20\s+30\s+\+50% \(spread unknown, 1 of 5 runs recorded\)/);
    expect(out).toMatch(/knee\s+1\s+\(not kept\)\s+40 req\/s\s+>= 26\.667 req\/s .*detectable -33%/);
  });

  it('npm run compare -- --against judges a finished run as its own comparisons did: each phase with a baseline there, and its figures', async () => {
    const { rejudgeRun } = await import('../support/report/rejudge.ts');
    const { toFigureBaseline } = await import('../support/budget/figure-baseline.ts');
    const against = scratchDir('against');
    const steady = baseOf(result(30, 45, 55), result(30.5, 45.5, 55.5), result(29.5, 44.5, 54.5), result(30.2, 45.2, 55.2), result(29.8, 44.8, 54.8));
    writeFileSync(join(against, 'case-a.json'), JSON.stringify(steady));
    const knee = { name: 'PERF-03 knee rate', unit: 'req/s', better: 'higher' } as const;
    let kneeBase: ReturnType<typeof toFigureBaseline> | undefined;
    for (const v of [38, 35, 33, 40, 38]) kneeBase = toFigureBaseline(v, knee, 'smoke', currentEnvironment(), kneeBase);
    writeFileSync(join(against, 'figure-perf-03-knee-rate.json'), JSON.stringify(kneeBase));
    const report = (p50: number, kneeValue?: number) => ({
      schema: 1 as const, recommendations: [],
      run: { id: 'r', profile: 'smoke', startedAt: '', finishedAt: '', stack: null, calibrationP50: 4, environment: { cpus: 2, node: '', platform: '' } },
      cases: [{
        name: 'c', file: 'f', state: 'passed' as const, durationMs: 1, errors: [],
        record: {
          results: [result(p50, p50 * 1.5, p50 * 1.8), { ...result(500, 900, 999), scenario: 'no baseline for this one' }], checks: [], monitors: [], notes: [], tables: [],
          ...(kneeValue === undefined ? {} : { figures: [{ ...knee, value: kneeValue }] }),
        },
      }],
    });
    const same = rejudgeRun(report(30.5, 37), against);
    expect(same.judged.map((j) => [j.name, j.kind, j.pass])).toEqual([['case A', 'latency', true], ['PERF-03 knee rate', 'figure', true]]);
    expect(same.judged[0]!.rows).toEqual(compareWithBaseline(result(30.5, 45.75, 54.9), steady, 4).rows);
    const worse = rejudgeRun(report(45, 19), against);
    expect(worse.judged.map((j) => j.pass)).toEqual([false, false]);
    expect(worse.judged[1]!.rows[0]!.measured).toBe('19 req/s (-50.0%)');
    const old = rejudgeRun(report(30.5), against);
    expect(old.figuresRecorded).toBe(false);
    expect(old.judged).toHaveLength(1);
    const otherProfile = rejudgeRun({ ...report(30, 37), run: { ...report(30).run, profile: 'pr' } }, against);
    expect(otherProfile.judged).toEqual([]);
    expect(otherProfile.unusable).toEqual([expect.stringMatching(/^case A: .*recorded for profile "smoke", this run is "pr"/), expect.stringMatching(/^PERF-03 knee rate: .*this run is "pr"/)]);
  });

  it('toMatchBaseline reports a regression without failing, and fails on it with PERF_BASELINE=judge', async () => {
    await import('../support/budget/matchers.ts');
    const base = baseOf(result(30, 45, 55), result(30.5, 45.5, 55.5), result(29.5, 44.5, 54.5), result(30.2, 45.2, 55.2), result(29.8, 44.8, 54.8));
    writeBaseline({ ...base, case: 'case A' });
    const slower = result(45, 67.5, 82.5);
    const { caseRecord } = await import('../support/shared/case-record.ts');
    expect(slower).toMatchBaseline();
    expect(caseRecord().checks.at(-1)).toMatchObject({ kind: 'baseline', pass: false, advisory: true });
    vi.stubEnv('PERF_BASELINE', 'judge');
    try {
      expect(result(31, 46, 56)).toMatchBaseline();
      expect(() => expect(slower).toMatchBaseline()).toThrow(/regressed against its baseline/);
    } finally {
      vi.stubEnv('PERF_BASELINE', undefined);
    }
  });

  it('records no baseline from a phase run on a busy machine, and PERF_BASELINE=record removes the one it would have replaced', async () => {
    await import('../support/budget/matchers.ts');
    const { caseRecord } = await import('../support/shared/case-record.ts');
    const monitor = (othersPercent: number): MonitorRecord => ({
      scenario: 'case B', samples: [], cost: { samples: 3, ms: 1 }, errors: [],
      machine: [1, 2, 3].map((t) => ({ t, stealPercent: 5, othersPercent })),
    });
    const busy = { ...result(30, 45, 55), scenario: 'case B', monitor: monitor(60) };
    const quiet = { ...busy, monitor: monitor(2) };
    const path = baselinePath('case B', 'smoke');
    const runsRecorded = () => readBaseline('case B', 'smoke')?.runs.length ?? 0;
    try {
      expect(busy).toMatchBaseline();
      expect(runsRecorded(), 'no baseline yet, busy: none recorded').toBe(0);
      expect(caseRecord().notes.at(-1)).toMatch(/^no baseline: NOT RECORDED: beside the stack .* 65% of a core/);
      expect(quiet).toMatchBaseline();
      expect(runsRecorded(), 'quiet: recorded').toBe(1);
      vi.stubEnv('PERF_BASELINE', 'add');
      expect(busy).toMatchBaseline();
      expect(runsRecorded(), 'add, busy: not added').toBe(1);
      expect(quiet).toMatchBaseline();
      expect(runsRecorded(), 'add, quiet: added').toBe(2);
      vi.stubEnv('PERF_BASELINE_ALLOW_BUSY', '1');
      expect(busy).toMatchBaseline();
      expect(runsRecorded(), 'add, busy, allowed: added').toBe(3);
      vi.stubEnv('PERF_BASELINE_ALLOW_BUSY', undefined);
      vi.stubEnv('PERF_BASELINE', 'record');
      expect(busy).toMatchBaseline();
      expect(existsSync(path), 'record, busy: the baseline it replaces is gone').toBe(false);
      expect(caseRecord().notes.at(-1)).toContain(`its previous baseline ${path} was removed`);
    } finally {
      vi.stubEnv('PERF_BASELINE', undefined);
      vi.stubEnv('PERF_BASELINE_ALLOW_BUSY', undefined);
    }
  });

  it('records no baseline from a phase whose pace the load generator set', async () => {
    await import('../support/budget/matchers.ts');
    const { caseRecord } = await import('../support/shared/case-record.ts');
    const paced: RunResult = { ...result(30, 45, 55), scenario: 'case P', generator: { threads: 1, eventLoopUtilization: 0.99, cpuPercent: 97 } };
    expect(paced).toMatchBaseline();
    expect(readBaseline('case P', 'smoke'), 'generator-paced: none recorded').toBeUndefined();
    expect(caseRecord().notes.at(-1)).toMatch(/^no baseline: NOT RECORDED: the load generator, not the target, set the pace \(the load thread was busy 99%/);
    expect({ ...paced, generator: { threads: 1, eventLoopUtilization: 0.4, cpuPercent: 40 } }).toMatchBaseline();
    expect(readBaseline('case P', 'smoke')?.runs).toHaveLength(1);
  });

  it('PERF_BASELINE=add starts the runs afresh when those recorded were another load (offered rate) or another stack', async () => {
    await import('../support/budget/matchers.ts');
    const { caseRecord } = await import('../support/shared/case-record.ts');
    const at = (rate: number): RunResult => ({ ...result(30, 45, 55), scenario: 'case C', rate: { target: rate, achieved: rate } });
    writeBaseline({ ...baseOf(at(20), at(20), at(20)), case: 'case C' });
    const runs = () => readBaseline('case C', 'smoke')!.runs.length;
    expect(toBaseline(at(10), 'smoke', 4, currentEnvironment(), readBaseline('case C', 'smoke')).runs, 'toBaseline: another rate').toHaveLength(1);
    expect(toBaseline(at(21), 'smoke', 4, currentEnvironment(), readBaseline('case C', 'smoke')).runs, 'within 10%').toHaveLength(4);
    vi.stubEnv('PERF_BASELINE', 'add');
    try {
      expect(at(21)).toMatchBaseline();
      expect(runs()).toBe(4);
      expect(at(10)).toMatchBaseline();
      expect(runs()).toBe(1);
      expect(caseRecord().notes.at(-1)).toMatch(/^PERF_BASELINE=add \(run 1: the 4 recorded before were run at 20\/s, this run offered 10\/s, so they were dropped\)/);
    } finally {
      vi.stubEnv('PERF_BASELINE', undefined);
    }
    // The stack a run is on comes from the suite's global setup (none here): the rule itself, with both sides given.
    const then = currentEnvironment({ stack: 'local' });
    expect(runsApart(then, { stack: 'containers' }, undefined)).toBe('recorded on another stack (stack: local then, containers now)');
    expect(runsApart(then, { stack: 'local' }, undefined)).toBeUndefined();
    expect(runsApart(then, { stack: 'local' }, 'run at 20/s, this run offered 10/s')).toBe('run at 20/s, this run offered 10/s');
  });

  it('judges each operation of a mix against a baseline of its own: a slower operation fails where the mix p50 hides it', async () => {
    await import('../support/budget/matchers.ts');
    const lat = (p50: number, count: number) => ({ count, min: 1, mean: p50, p50, p90: p50 * 1.2, p95: p50 * 1.3, p99: p50 * 1.5, p999: p50 * 1.5, max: p50 * 1.5 });
    const op = (p50: number, count: number) => ({ count, ok: count, failed: 0, errorRate: 0, errors: {}, latency: lat(p50, count), service: lat(p50, count), bytesIn: 0, bytesOut: 0, latencyHistogram: '' });
    // Half the calls walk pages (120 ms), half are single reads (40 ms): the mix's p50 sits at the seam.
    const mix = (paged: number, single: number): RunResult => ({ ...result(80, 130, 150), scenario: 'reads', operations: { paged: op(paged, 60), single: op(single, 60) } });
    const view = operationView(mix(120, 40), 'single');
    expect(view).toMatchObject({ scenario: 'reads > single', latency: { p50: 40 }, counts: { completed: 60 }, rate: { target: 20 }, series: [] });
    expect(seriesNoise(view)).toEqual({ p50: 0, p95: 0, p99: 0 });
    expect(() => operationView(mix(120, 40), 'nope')).toThrow(/"reads" has no operation "nope" to compare with a baseline \(it has paged, single\)/);
    for (const name of ['paged', 'single']) writeBaseline(baseOf(...runsOf(5, operationView(mix(120, 40), name))));
    expect(readBaseline('reads > single', 'smoke')!.metrics.p50).toBe(40);
    // npm run compare -- --against finds them too.
    const { rejudgeRun } = await import('../support/report/rejudge.ts');
    const finished = (r: RunResult) => ({
      schema: 1 as const, recommendations: [],
      run: { id: 'r', profile: 'smoke', startedAt: '', finishedAt: '', stack: null, calibrationP50: 4, environment: { cpus: 2, node: '', platform: '' } },
      cases: [{ name: 'c', file: 'f', state: 'passed' as const, durationMs: 1, errors: [], record: { results: [r], checks: [], monitors: [], notes: [], tables: [] } }],
    });
    const judgedOps = (r: RunResult) => rejudgeRun(finished(r), join(dir, 'smoke')).judged.map((j) => [j.name, j.pass]);
    expect(judgedOps(mix(120, 40))).toEqual([['reads > paged', true], ['reads > single', true]]);
    expect(judgedOps(mix(120, 60))).toEqual([['reads > paged', true], ['reads > single', false]]);
    vi.stubEnv('PERF_BASELINE', 'judge');
    try {
      const slowerSingle = mix(120, 60);
      expect(slowerSingle).toMatchBaseline({ operation: 'paged' });
      expect(() => expect(slowerSingle).toMatchBaseline({ operation: 'single' })).toThrow(/"reads > single" regressed against its baseline/);
    } finally {
      vi.stubEnv('PERF_BASELINE', undefined);
    }
  });

  it('tells a baseline recorded on another stack (other images or provider) from one recorded on this one', () => {
    const images = {
      gateway: 'local/mcp-context-forge:1.1.0 (local equivalent built by npm run images) sha256:1ac4412dc8b2',
      postgres: 'local/postgres:15 (local equivalent built by npm run images) sha256:4a51998c21e4',
    };
    const then = currentEnvironment({ stack: 'containers', images });
    expect(stackDifferences(then, { stack: 'containers', images: { ...images } })).toEqual([]);
    expect(stackDifferences(then, { stack: 'containers', images: { ...images, gateway: 'local/mcp-context-forge:1.1.0 (pulled) sha256:1ac4412dc8b2aa' } })).toEqual([]);
    expect(stackDifferences(then, { stack: 'containers', images: { ...images, gateway: 'local/mcp-context-forge:1.1.0 (local equivalent built by npm run images) sha256:f1dce74eaa10' } }))
      .toEqual(['gateway: local/mcp-context-forge:1.1.0 (local equivalent built by npm run images) sha256:1ac4412dc8b2 then, local/mcp-context-forge:1.1.0 (local equivalent built by npm run images) sha256:f1dce74eaa10 now']);
    expect(stackDifferences(then, { stack: 'local' })).toEqual([
      'stack: containers then, local now',
      `gateway: ${images.gateway} then, none now`,
      `postgres: ${images.postgres} then, none now`,
    ]);
    expect(stackDifferences(then, undefined)).toEqual([]);
    // Without ids, names are compared whole: one that merely starts like the other is another image.
    const named = currentEnvironment({ stack: 'containers', images: { redis: 'local/redis:7 (local equivalent built by npm run images)' } });
    expect(stackDifferences(named, { stack: 'containers', images: { redis: 'local/redis:7-alpine (pulled)' } })).toHaveLength(1);
    expect(stackDifferences(named, { stack: 'containers', images: { redis: 'local/redis:7 (pulled)' } })).toEqual([]);
  });

  it('takes an image rebuilt from the same recipe as the same image, whatever its id; another recipe as another', () => {
    const built = (id: string, recipe?: string) => `local/mcp-context-forge:1.1.0 (local equivalent built by npm run images) sha256:${id}${recipe ? ` recipe ${recipe}` : ''}`;
    const then = currentEnvironment({ stack: 'containers', images: { gateway: built('35c35052013f', '0123456789abcdef') } });
    const now = (image: string) => stackDifferences(then, { stack: 'containers', images: { gateway: image } });
    expect(now(built('c3f813cdb6fb', '0123456789abcdef'))).toEqual([]);
    expect(stackRebuilds(then, { stack: 'containers', images: { gateway: built('c3f813cdb6fb', '0123456789abcdef') } })).toEqual(['gateway']);
    expect(stackRebuilds(then, { stack: 'containers', images: { gateway: built('35c35052013f', '0123456789abcdef') } })).toEqual([]);
    expect(now(built('35c35052013f', 'fedcba9876543210'))).toHaveLength(1);
    // A record from before the label, of the same name built here: the same recipe; pulled, or renamed: another image.
    const legacy = currentEnvironment({ stack: 'containers', images: { gateway: built('35c35052013f') } });
    expect(stackDifferences(legacy, { stack: 'containers', images: { gateway: built('c3f813cdb6fb', '0123456789abcdef') } })).toEqual([]);
    expect(stackDifferences(legacy, { stack: 'containers', images: { gateway: built('c3f813cdb6fb') } })).toHaveLength(1);
    expect(stackDifferences(legacy, { stack: 'containers', images: { gateway: 'local/mcp-context-forge:1.1.1 (local equivalent built by npm run images) sha256:c3f813cdb6fb recipe 0123456789abcdef' } })).toHaveLength(1);
    expect(stackDifferences(legacy, { stack: 'containers', images: { gateway: 'ghcr.io/ibm/mcp-context-forge:v1.1.0 (official image, pulled) sha256:c3f813cdb6fb' } })).toHaveLength(1);
  });

  it('reports the calibration ratio but does not scale by it: a run 1.3x slower everywhere fails', () => {
    const base = baseOf(...runsOf(5, result(30, 45, 55)));
    const cmp = compareWithBaseline(result(39, 58.5, 71.5), base, 5.2);
    expect(cmp.calibrationRatio).toBeCloseTo(1.3, 6);
    expect(cmp.pass).toBe(false);
    expect(compareWithBaseline(result(30, 45, 55), base, null).calibrationRatio).toBeNull();
  });

  it('with the spread measured, counts a run\'s sampling noise once: +20% on a jittery p95 fails when the recorded runs were as jittery', () => {
    const jittery = baseOf(...runsOf(5, result(30, 45, 55, 0, 0.3)));
    const cmp = compareWithBaseline(result(36, 54, 66, 0, 0.3), jittery, 4);
    expect(cmp.rows.find((r) => r.metric === 'latency p95')!).toMatchObject({ pass: false, target: expect.stringMatching(/\+10\.0%: the smallest band/) });
    // Fewer than 5 runs: both runs' noise still widens the band.
    const two = baseOf(...runsOf(2, result(30, 45, 55, 0, 0.3)));
    expect(compareWithBaseline(result(30, 45, 55, 0, 0.3), two, 4).rows.find((r) => r.metric === 'latency p95')!.target).toMatch(/spread unknown/);
  });

  it('widens the tolerance for a noisy run instead of crying wolf', () => {
    const base = baseOf(...runsOf(5, result(30, 45, 55, 0, 0.05)));
    const noisy = result(36, 54, 66, 0, 0.6);
    expect(compareWithBaseline(noisy, base, 4).pass).toBe(true);
    expect(compareWithBaseline(result(36, 54, 66, 0, 0.05), base, 4).pass).toBe(false);
  });

  it('does not judge a percentile that too few samples lie beyond, and says so', () => {
    const base = baseOf(...runsOf(5, result(30, 45, 55)));
    const spike = result(30, 45, 300);
    expect(spike.latency.count).toBe(400);
    const cmp = compareWithBaseline(spike, base, 4);
    const p99 = cmp.rows.find((r) => r.metric === 'latency p99')!;
    expect(p99.pass).toBe(true);
    expect(p99.target).toMatch(/not judged: 4 sample\(s\) beyond it, 10 needed/);
    expect(p99.judged).toBe(false);
    expect(cmp.rows.filter((r) => r.judged !== false).map((r) => r.metric)).toEqual(['latency p50', 'latency p95', 'error rate']);
    expect(cmp.pass).toBe(true);
    const longer = { ...spike, latency: { ...spike.latency, count: 2000 } };
    expect(compareWithBaseline(longer, base, 4).pass).toBe(false);
  });

  it('does not judge a rise below the machine\'s noise floor (the calibration round trip), but does a larger one', () => {
    const base = baseOf(...runsOf(5, result(3.6, 6.7, 11)));
    const jitter = compareWithBaseline(result(4.2, 10.5, 14), base, 4.4);
    expect(jitter.pass).toBe(true);
    expect(jitter.rows.find((r) => r.metric === 'latency p95')!.target).toMatch(/\+4\.40 ms noise floor/);
    expect(compareWithBaseline(result(3.6, 13, 11), base, 4.4).pass).toBe(false);
  });

  it('does not compare latencies recorded at another offered rate: the case\'s rate changed, so the baseline must be recorded again', () => {
    const base = baseOf(...runsOf(5, result(30, 45, 55)));
    const halved = result(20, 30, 40);
    const cmp = compareWithBaseline({ ...halved, rate: { target: 10, achieved: 10 } }, base, 4);
    expect(cmp.pass).toBe(false);
    expect(cmp.rows.map((r) => r.metric)).toEqual(['offered rate']);
    expect(cmp.rows[0]!.measured).toBe('10/s offered');
    expect(cmp.rows[0]!.margin).toMatch(/record the baseline again/);
    expect(compareWithBaseline({ ...halved, rate: { target: 21, achieved: 21 } }, base, 4).pass).toBe(true);
    expect(compareWithBaseline({ ...halved, model: 'closed', rate: { target: null, achieved: 10 } }, base, 4).pass).toBe(true);
  });

  it('does not compare a closed loop\'s latencies recorded with other VUs (a fitted count), and keeps the VUs it was recorded with', () => {
    const closed = (vus: number, p50: number): RunResult => ({ ...result(p50, p50 * 1.5, p50 * 1.8), executor: 'constant-vus', model: 'closed', rate: { target: null, achieved: 20 }, vus: { peakInFlight: vus, max: vus } });
    const base = baseOf(...Array.from({ length: 5 }, () => closed(4, 30)));
    expect(base.metrics.vus).toBe(4);
    const fewer = compareWithBaseline(closed(2, 20), base, 4);
    expect(fewer.pass).toBe(false);
    expect(fewer.rows.map((r) => r.metric)).toEqual(['VUs']);
    expect(fewer.rows[0]!.margin).toMatch(/another load: latencies not compared; record the baseline again with these VUs/);
    expect(compareWithBaseline(closed(4, 30), base, 4).pass).toBe(true);
    expect(toBaseline(closed(2, 20), 'smoke', 4, currentEnvironment(), base).runs, 'another VU count starts the runs afresh').toHaveLength(1);
    // A baseline recorded before VUs were kept judges any count, as before.
    const { vus: _, ...older } = base.metrics;
    expect(compareWithBaseline(closed(2, 20), { ...base, metrics: older }, 4).pass).toBe(true);
  });

  it('fails on a higher error rate', () => {
    const base = baseOf(...runsOf(5, result(30, 45, 55, 0)));
    expect(compareWithBaseline(result(30, 45, 55, 0.02), base, 4).pass).toBe(false);
  });
});

describe('SLO checks on a short run', () => {
  it('judge every budget, and mark a percentile with fewer than 10 samples beyond it as weak', async () => {
    const { checkSlo } = await import('../support/budget/slo.ts');
    const checks = checkSlo(result(10, 20, 30), { p50: '50ms', p95: '25ms', p99: '25ms' });
    expect(checks.map((c) => [c.metric, c.measured, c.pass])).toEqual([
      ['latency p50', '10 ms', true],
      ['latency p95', '20 ms', true],
      ['latency p99', '30 ms (weak: 4 sample(s) beyond p99)', false],
    ]);
  });
});
