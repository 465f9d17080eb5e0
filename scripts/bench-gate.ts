// The regression gate's own benchmark: how often does it catch a known regression, and how often does it
// cry wolf? Both A/B stacks run the same gateway image with the extra-cost wrapper
// (fixtures/gateway-extra-cost); the head's extra CPU per MCP request is set, run by run, to a share of the
// gateway's measured CPU per tools/call (0 = an A/A run). Each run is the gate exactly as users run it
// (vitest, tests/perf/gate.perf.ts, profile pr): by default on two stacks started for that run alone, in a drawn
// order, as a pull request's job does (much of the run-to-run noise comes with a stack's start); `--held` keeps
// one pair of stacks for every run instead (faster, and blind to that noise). Sizes are interleaved so the
// machine's drift over the hours hits every size alike. Prints detection and false-alarm rates per case and
// metric, with Wilson 95% intervals, and the wall time per run.
//   npm run bench:gate [-- --plan 0:10,0.2:8,0.1:3,0.5:2 --image <gateway image> --profile pr --held]
//   npm run bench:gate -- --summarize reports/bench-gate-<time>/runs.json [more runs.json ...] [--noise <how>]
//     (the table again, from finished or interrupted benchmarks, pooled; --noise judges every recorded verdict again
//     with another run-to-run noise: a gate-noise file, `none`, or `loo`: each run with the noise of all the pooled
//     A/A runs but itself, which says how a noise file made from those runs would do on runs it has not seen)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { wilsonRate } from '../tests/support/analysis/wilson.ts';
import { worseChangeText } from '../tests/support/budget/paired.ts';
import { estimateRunToRun, leaveOneOut, loadRunToRun, MIN_AA_RUNS, rejudgeOutcomes } from '../tests/support/budget/run-to-run.ts';
import { maxDetectable, withSensitivity } from '../tests/support/budget/sensitivity.ts';
import { gateInconclusive, inconclusiveCase, judgedCase, regressedCase, type AbOutcome, type AbVerdictRow } from '../tests/support/shared/ab-outcome.ts';
import type { GatewayEndpoints } from '../tests/support/shared/stack-info.ts';
import { runScenario } from '../tests/support/engine/runner.ts';
import { createOperation } from '../tests/support/mcp/operations.ts';
import { gatewayCpuReader } from '../tests/support/monitor/cpu-meter.ts';
import type { RunReport } from '../tests/support/report/run-report.ts';
import { textTable } from '../tests/support/shared/text-table.ts';
import { describeSide, type AbConfig } from '../tests/support/stack/ab.ts';
import { runCleanups } from '../tests/support/stack/cleanup.ts';
import { setExtraCost } from '../tests/support/stack/extra-cost.ts';
import { IMAGES } from '../tests/support/stack/images.ts';
import { stackOptionsFrom } from '../tests/support/stack/options.ts';
import { writeHeldStack } from '../tests/support/stack/reuse.ts';
import { startAbStacks } from '../tests/support/stack/stack.ts';
import { median } from '../tests/support/shared/statistics.ts';
import { runPerfFiles } from './lib/perf-files.ts';
import { parseCli, refuse } from './cli.ts';
import { config as runConfig } from '../tests/support/shared/config.ts';

const USAGE = `usage: npm run bench:gate [-- --plan 0:10,0.2:8,0.1:3,0.5:2] [--image <gateway image>] [--profile pr] [--held]
       npm run bench:gate -- --summarize reports/bench-gate-<time>/runs.json [more runs.json ...] [--noise <gate-noise file>|none|loo]
  --plan size:runs,...  the head's extra CPU per call as a share of the gateway's (0 = A/A) and how many runs at it
  --held                one pair of stacks for every run (faster, blind to the noise a stack's start brings)
  --summarize           the table again from finished or interrupted benchmarks, pooled; --noise judges them again`;
const { values: o, positionals } = parseCli('bench:gate', {
  plan: { type: 'string', default: '0:10,0.2:8,0.1:3,0.5:2' },
  image: { type: 'string' },
  profile: { type: 'string', default: 'pr' },
  held: { type: 'boolean', default: false },
  summarize: { type: 'string' },
  noise: { type: 'string' },
}, USAGE);
// The table again from finished (or interrupted) benchmarks' runs.json files, pooled, without running anything.
if (o.summarize) {
  const files = [o.summarize, ...positionals];
  const all = files.flatMap((f) => {
    let saved: { records: RunRecord[]; stacks?: Stacks; profile?: string };
    try {
      saved = JSON.parse(readFileSync(f, 'utf8')) as typeof saved;
      if (!Array.isArray(saved.records)) throw new Error('it has no "records" list');
    } catch (error) {
      refuse('bench:gate', `--summarize: cannot read ${f}: ${(error as Error).message}. Give the runs.json of finished or interrupted benchmarks (reports/bench-gate-<time>/runs.json).`);
    }
    console.log(`[bench:gate] ${f}: ${saved.records.length} runs, profile ${saved.profile ?? '?'}, stacks ${saved.stacks ?? 'held (before --held existed)'}`);
    return saved.records.map((r) => ({ ...r, stacks: r.stacks ?? saved.stacks ?? 'held' }));
  });
  summarize(o.noise ? judgedAgain(all, o.noise) : all);
  process.exit(0);
}
if (o.noise) refuse('bench:gate', '--noise goes with --summarize (a new benchmark is judged with PERF_AB_NOISE, as the gate is)');
if (positionals.length) refuse('bench:gate', `unexpected arguments ${positionals.join(' ')} (only --summarize takes several files)`);
const plan = o.plan.split(',').map((part) => {
  const [size, runs] = part.split(':').map(Number);
  if (!Number.isFinite(size) || size! < 0 || !Number.isInteger(runs) || runs! < 1) refuse('bench:gate', `--plan: "${part}" is not size:runs (e.g. 0.2:8 = 8 runs at +20% CPU per call)`);
  return { size: size!, runs: runs! };
});
// Sizes interleaved: 0, 0.2, 0.1, 0.5, 0, 0.2, ... until each has its runs.
const order: number[] = [];
for (let i = 0; order.length < plan.reduce((n, p) => n + p.runs, 0); i++) for (const p of plan) if (i < p.runs) order.push(p.size);

const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const dir = join(root, 'reports', `bench-gate-${stamp}`);
mkdirSync(dir, { recursive: true });
const knobDir = join(dir, 'knob');
const image = o.image ?? runConfig().roleImages.MCP_PERF_GATEWAY_IMAGE ?? IMAGES.local.gateway;
const stacks: Stacks = o.held ? 'held' : 'fresh';
const config: AbConfig = {
  // Both sides carry the wrapper, so the only difference between them is the cost the knob sets.
  base: { label: 'base', spec: image, image, extraCost: { ms: 0 } },
  head: { label: 'head', spec: image, image, extraCost: { ms: 0, knobDir } },
};

type Stacks = 'fresh' | 'held';
type Started = Awaited<ReturnType<typeof startAbStacks>>;

interface RunRecord {
  run: number;
  size: number;
  extraMs: number;
  /** extraMs as a share of this run's base CPU per call (fixed-rate case): the regression really tested. */
  effective?: number;
  /** Head minus base CPU per call at the fixed rate (ms): what the head really carried. */
  carriedMs?: number;
  /** The gate run's vitest alone, then with its stacks' start and stop (fresh stacks only). */
  wallSeconds: number;
  withStacksSeconds?: number;
  stacks?: Stacks;
  exitCode: number | null;
  outcomes: AbOutcome[];
}

// A fault in a library's socket (one killed an earlier bench after its first run) must not end hours of runs
// unreported: it is printed, and the run it hit shows as one without results.
process.on('uncaughtException', (error) => console.error(`[bench:gate] uncaught error, continuing: ${error.stack ?? error.message}`));

const records: RunRecord[] = [];
let current: Started | undefined;
const held = join(dir, 'held-ab.json');
const startStacks = async (): Promise<Started> => {
  current = await startAbStacks(stackOptionsFrom(), config, (line) => console.error(line));
  return current;
};
// Each run's report names the cost the knob holds for it, so a 0% run reads as the A/A run it is (npm run gate:noise
// takes it) and every other run says what its head carried.
const holdFor = (started: Started, extraMs: number) => writeHeldStack(started.info, held, {
  ...started.ab,
  describe: { base: describeSide(config.base), head: describeSide({ ...config.head, extraCost: { ms: +extraMs.toFixed(2) } }) },
});
const stopStacks = async () => {
  const s = current;
  current = undefined;
  await s?.stop();
};
try {
  setExtraCost(knobDir, 0);
  let pair = await startStacks();
  const startReference = await referenceCost(pair.ab.base.gateway!);
  console.log(`[bench:gate] ${order.length} gate runs on ${stacks} stacks, sizes in this order: ${order.join(', ')}; reports in ${dir}`);
  // The machine's speed drifts (the base's CPU per call moves by half within minutes: docs/catalogue.md), so each size is
  // a share of what the base gateway spent per call in the gate runs so far (its fixed-rate case), and
  // every run also records the share it really added against its own base.
  const baseCosts: number[] = [];
  const reference = () => (baseCosts.length ? median(baseCosts) : startReference);

  for (const [i, size] of order.entries()) {
    const extraMs = size * reference();
    const runId = `bench-gate-${stamp}/run-${String(i + 1).padStart(2, '0')}-size-${size}`;
    const tStacks = performance.now();
    if (stacks === 'fresh' && i > 0) pair = await startStacks();
    // After the start: a stack's start writes its configured cost (0) to the knob.
    setExtraCost(knobDir, extraMs);
    await new Promise((r) => setTimeout(r, 1500));
    holdFor(pair, extraMs);
    const t0 = performance.now();
    // Asynchronously, so that Ctrl-C reaches this process (and its teardown) while a run is under way.
    const status = await runGate(held, runId, join(dir, `run-${i + 1}.log`));
    const wallSeconds = +((performance.now() - t0) / 1000).toFixed(1);
    if (stacks === 'fresh') await stopStacks();
    const withStacksSeconds = stacks === 'fresh' ? +((performance.now() - tStacks) / 1000).toFixed(1) : undefined;
    let outcomes: AbOutcome[] = [];
    try {
      const report = JSON.parse(readFileSync(join(root, 'reports', runId, 'results.json'), 'utf8')) as RunReport;
      outcomes = report.cases.flatMap((c) => c.record?.ab ?? []);
    } catch (error) {
      console.log(`[bench:gate] run ${i + 1}: no results (${(error as Error).message}); exit ${status}; see ${join(dir, `run-${i + 1}.log`)}`);
    }
    const cpuRow = outcomes.find((c) => c.case.includes('fixed rate'))?.verdicts.find((v) => v.metric === 'gateway CPU per call');
    const baseCost = cpuRow?.base;
    if (baseCost && Number.isFinite(baseCost)) baseCosts.push(baseCost);
    const effective = baseCost ? +(extraMs / baseCost).toFixed(3) : undefined;
    // What the head really carried (fixed rate: one MCP request per call), so a knob that did not take is seen.
    const carriedMs = cpuRow && Number.isFinite(cpuRow.head - cpuRow.base) ? +(cpuRow.head - cpuRow.base).toFixed(2) : undefined;
    records.push({ run: i + 1, size, extraMs: +extraMs.toFixed(2), effective, ...(carriedMs === undefined ? {} : { carriedMs }), wallSeconds, ...(withStacksSeconds === undefined ? {} : { withStacksSeconds }), stacks, exitCode: status, outcomes });
    if (size > 0 && carriedMs !== undefined && carriedMs < extraMs / 3) {
      console.log(`[bench:gate] run ${i + 1}: WARNING the head spent only ${carriedMs} ms more CPU per call than the base at the fixed rate, for ${extraMs.toFixed(1)} ms asked: did the knob take?`);
    }
    const flagged = outcomes.flatMap((c) => [...c.verdicts.filter((v) => v.status === 'regression').map((v) => `${c.case}: ${v.metric}`), ...(c.invalid.length ? [`${c.case}: INVALID`] : [])]);
    if (gateInconclusive(outcomes)) flagged.push('INCONCLUSIVE (no case could have caught the gate\'s size)');
    const took = withStacksSeconds === undefined ? `${wallSeconds} s` : `${wallSeconds} s (${withStacksSeconds} s with its stacks' start and stop)`;
    console.log(`[bench:gate] run ${i + 1}/${order.length}: +${(size * 100).toFixed(0)}% (${extraMs.toFixed(1)} ms per MCP request${effective === undefined ? '' : `, +${(effective * 100).toFixed(1)}% of this run's base ${baseCost} ms per call`}${carriedMs === undefined ? '' : `; the head spent ${carriedMs >= 0 ? '+' : ''}${carriedMs} ms per call more`}): exit ${status}, ${took}; flagged: ${flagged.join('; ') || 'nothing'}`);
    writeFileSync(join(dir, 'runs.json'), JSON.stringify({ startReference, image, profile: o.profile, stacks, records }, null, 2));
  }
  summarize(records);
} finally {
  await stopStacks().catch((error: Error) => console.error(`[bench:gate] stopping the stacks: ${error.message}`));
  await runCleanups((line) => console.error(`[bench:gate] ${line}`));
}

/** The reference cost: the base gateway's CPU per tools/call over Streamable HTTP at the gate's fixed rate. */
async function referenceCost(gw: GatewayEndpoints): Promise<number> {
  const cpu = await gatewayCpuReader(gw);
  const spec = { kind: 'streamable' as const, url: gw.mcpUrl, headers: { authorization: `Bearer ${gw.token}` }, session: 'per-vu' as const, call: { method: 'tools/call' as const, name: gw.tools['fast_time/get_system_time']!, arguments: { timezone: 'UTC' } } };
  await runScenario({ name: 'bench-gate warm-up', executor: 'constant-arrival-rate', rate: 12, duration: '15s', preAllocatedVUs: 10, maxVUs: 100 }, createOperation(spec));
  // The median of 3 phases, so one disturbed phase does not set every size.
  const perCall: number[] = [];
  for (let i = 0; i < 3; i++) {
    const c0 = await cpu();
    const ref = await runScenario({ name: 'bench-gate reference', executor: 'constant-arrival-rate', rate: 12, duration: '10s', preAllocatedVUs: 10, maxVUs: 100 }, createOperation(spec));
    perCall.push((((await cpu()) - c0) * 1000) / ref.counts.completed);
  }
  const startReference = [...perCall].sort((a, b) => a - b)[1]!;
  console.log(`[bench:gate] reference before the runs: the gateway spends ${startReference.toFixed(1)} ms of CPU per tools/call (median of ${perCall.map((x) => x.toFixed(1)).join(', ')} ms: 3 phases of 10 s at 12/s)`);
  return startReference;
}

/** One gate run as users run it (vitest, the gate file) on the held stacks; its output goes to `logPath`. */
function runGate(held: string, runId: string, logPath: string): Promise<number | null> {
  return runPerfFiles(['tests/perf/gate.perf.ts'], { PERF_STACK_INFO: held, PERF_PROFILE: o.profile, PERF_RUN_ID: runId, PERF_AB_BASE: '', PERF_AB_HEAD: '' }, logPath);
}

/** Every record's verdicts judged again with the run-to-run noise `how` names (see --noise in the header). */
function judgedAgain(rs: RunRecord[], how: string): RunRecord[] {
  const aa = rs.filter((r) => r.size === 0 && r.outcomes.length > 0);
  const unmeasured = new Set<string>();
  if (how !== 'loo') {
    console.log(`[bench:gate] every verdict judged again with the run-to-run noise of ${how === 'none' ? 'none (0)' : how}`);
    const metrics = loadRunToRun(how).noise?.metrics ?? {};
    const again = rs.map((r) => ({ ...r, outcomes: rejudgeOutcomes(r.outcomes, metrics, unmeasured) }));
    warnUnmeasured(unmeasured, 'in that file');
    return again;
  }
  const all = estimateRunToRun(aa.map((r) => r.outcomes));
  console.log(`[bench:gate] every verdict judged again with the run-to-run noise of the pooled A/A runs, each A/A run with all but itself (leave one out); from all ${aa.length}:`);
  console.log(textTable([['case | metric', 'A/A runs', 'run-to-run'], ...Object.entries(all).map(([k, m]) => [k, String(m.runs), `±${(Math.expm1(m.sd) * 100).toFixed(1)}%`])]));
  const left = leaveOneOut(aa.map((r) => r.outcomes), unmeasured);
  const again = rs.map((r) => ({ ...r, outcomes: r.size === 0 && r.outcomes.length > 0 ? left[aa.indexOf(r)]! : rejudgeOutcomes(r.outcomes, all, unmeasured) }));
  warnUnmeasured(unmeasured, 'besides the run itself');
  return again;
}

// With too few A/A runs for a metric, a run is judged as the gate judges with no noise file: said, as it flatters.
function warnUnmeasured(unmeasured: Set<string>, where: string): void {
  if (unmeasured.size) console.log(`[bench:gate] WARNING some verdicts judged with no run-to-run noise (fewer than ${MIN_AA_RUNS} A/A runs measured it ${where}): ${[...unmeasured].join('; ')}`);
}

function summarize(rs: RunRecord[]): void {
  const sizes = [...new Set(rs.map((r) => r.size))].sort((a, b) => a - b);
  const head = ['case', 'metric', ...sizes.map((s) => (s === 0 ? 'false alarms at 0%' : `detected at +${(s * 100).toFixed(0)}%`)), 'detectable (median, range)'];
  const rows: string[][] = [];
  const cases = [...new Set(rs.flatMap((r) => r.outcomes.map((c) => c.case)))];
  const at = (size: number) => rs.filter((r) => r.size === size && r.outcomes.length > 0);
  // An INVALID case was not judged: its verdicts are left out of the rates and counted on their own.
  const judgedOf = (size: number, name: string) => at(size).flatMap((r) => r.outcomes.filter((c) => c.case === name && judgedCase(c)));
  // Judged again with today's limit, so runs recorded before the rule (or under another limit) are counted alike.
  const limit = maxDetectable();
  const sensed = (c: AbOutcome): AbOutcome => withSensitivity(c, limit);
  const insensitive = (c: AbOutcome) => inconclusiveCase(sensed(c));
  for (const name of cases) {
    const metrics = [...new Set(rs.flatMap((r) => r.outcomes.filter((c) => c.case === name).flatMap((c) => c.verdicts.map((v) => v.metric))))];
    for (const metric of metrics) {
      const bySize = sizes.map((s) => judgedOf(s, name).flatMap((c) => c.verdicts.filter((v) => v.metric === metric)));
      rows.push([name, metric, ...bySize.map((vs) => wilsonRate(vs.filter((v) => v.status === 'regression').length, vs.length)), detectableText(bySize.flat())]);
    }
    rows.push([name, 'the case (any metric or its errors)', ...sizes.map((s) => {
      const cs = judgedOf(s, name);
      return wilsonRate(cs.filter(regressedCase).length, cs.length);
    })]);
    rows.push([name, 'INVALID (not judged)', ...sizes.map((s) => {
      const all = at(s).flatMap((r) => r.outcomes.filter((c) => c.case === name));
      return `${all.filter((c) => !judgedCase(c)).length}/${all.length}`;
    })]);
    rows.push([name, `on its own, nothing detectable within ${(limit * 100).toFixed(0)}%`, ...sizes.map((s) => {
      const cs = judgedOf(s, name);
      return `${cs.filter(insensitive).length}/${cs.length}`;
    })]);
  }
  rows.push(['the whole gate', 'a regression in any judged case', ...sizes.map((s) => wilsonRate(at(s).filter((r) => r.outcomes.some(regressedCase)).length, at(s).length))]);
  rows.push(['the whole gate', 'runs with an INVALID case', ...sizes.map((s) => `${at(s).filter((r) => r.outcomes.some((c) => !judgedCase(c))).length}/${at(s).length}`)]);
  rows.push(['the whole gate', 'INCONCLUSIVE (no regression, no case could have)', ...sizes.map((s) => `${at(s).filter((r) => gateInconclusive(r.outcomes.map(sensed))).length}/${at(s).length}`)]);
  rows.push(['(the size really added)', 'extra ms / base CPU per call, median of runs', ...sizes.map((s) => {
    const e = rs.filter((r) => r.size === s && r.effective !== undefined).map((r) => r.effective!);
    return e.length ? `+${(median(e) * 100).toFixed(1)}% (${(Math.min(...e) * 100).toFixed(0)}-${(Math.max(...e) * 100).toFixed(0)}%)` : '-';
  })]);
  console.log(`\n[bench:gate] gate verdicts by size of the regression (extra CPU per MCP request, as a share of the gateway's CPU per tools/call)\n${textTable([head, ...rows])}`);
  const walls = rs.map((r) => r.wallSeconds).sort((a, b) => a - b);
  console.log(`[bench:gate] wall time per gate run (vitest alone): median ${walls[Math.floor(walls.length / 2)]} s, max ${walls.at(-1)} s`);
  const withStacks = rs.flatMap((r) => (r.withStacksSeconds === undefined ? [] : [r.withStacksSeconds])).sort((a, b) => a - b);
  if (withStacks.length) console.log(`[bench:gate] wall time per gate run with both stacks' start and stop (${withStacks.length} fresh-stack runs): median ${withStacks[Math.floor(withStacks.length / 2)]} s, max ${withStacks.at(-1)} s`);
  const kinds = [...new Set(rs.map((r) => r.stacks ?? 'held'))];
  console.log(`[bench:gate] stacks: ${kinds.map((k) => `${rs.filter((r) => (r.stacks ?? 'held') === k).length} runs ${k}`).join(', ')}`);
  const discarded = rs.reduce((n, r) => n + r.outcomes.reduce((m, c) => m + c.discarded.length, 0), 0);
  console.log(`[bench:gate] rounds discarded and run again (generator-bound): ${discarded} in ${rs.length} runs`);
}

/** What the verdicts said they could detect (each a change that run would have flagged 80% of the time). */
function detectableText(vs: AbVerdictRow[]): string {
  const d = vs.map((v) => v.detectable).filter(Number.isFinite);
  if (!d.length) return '-';
  const text = (x: number) => worseChangeText(vs[0]!.direction, x);
  return `${text(median(d))} (${text(Math.min(...d))}..${text(Math.max(...d))})`;
}
