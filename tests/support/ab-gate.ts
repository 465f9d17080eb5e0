// The regression gate's harness: one load phase measured on base and on head in alternating order (each two
// rounds hold base-head and head-base, in a seeded random order), so the runner's drift hits both alike, and
// each metric judged on the paired rounds (budget/paired.ts), their interval widened by the run-to-run noise
// A/A runs measured (budget/run-to-run.ts). Only one side carries load at a time; the idle side's CPU is measured.
import { inject } from 'vitest';
import { changeText, errorRateVerdict, pairedVerdict, worseChangeText, worseLimitText } from './budget/paired.ts';
import { inconclusiveCase, type AbOutcome, type AbVerdictRow, type Direction, type ErrorCount } from './shared/ab-outcome.ts';
import { formatVerdicts } from './budget/verdict-table.ts';
import { loadRunToRun, noiseKey, type RunToRunNoise } from './budget/run-to-run.ts';
import { runValidity } from './budget/validity.ts';
import { insensitivity, maxDetectable } from './budget/sensitivity.ts';
import { seededRandom } from './analysis/random.ts';
import { balancedOrders } from './analysis/balanced-order.ts';
import type { RunResult } from './engine/result.ts';
import { runScenario } from './engine/runner.ts';
import type { ScenarioInput } from './engine/scenario.ts';
import type { LoadOperation } from './engine/operation.ts';
import { createOperation, withoutClose, type OperationSpec } from './mcp/operations.ts';
import { gatewayCpuReader, type CpuReader } from './monitor/cpu-meter.ts';
import { preflight, reportTable, stopIfGatewayDied } from './perf-case.ts';
import { caseRecord } from './shared/case-record.ts';
import type { AbLabel, AbStacks } from './shared/stack-info.ts';
import type { StackInfo } from './shared/stack-info.ts';
import { median } from './shared/statistics.ts';
import { config } from './shared/config.ts';

export function abStacks(): AbStacks | null {
  return inject('ab');
}

export const NOT_AB = 'not an A/B run: start one with "npm run perf:ab -- --base <image> --head <image>" (or set PERF_AB_BASE and PERF_AB_HEAD)';

/** What one side's phase runs: the same scenario and operation, pointed at that side's stack. */
export interface AbPhase {
  scenario: ScenarioInput;
  operation: OperationSpec;
}

/** What a phase measured, from which the metrics are read. */
export interface PhaseFigures {
  result: RunResult;
  /** Gateway CPU per completed iteration, ms (its container's CPU counter over the phase). */
  gatewayCpuMsPerCall: number;
  /** The loaded gateway's CPU over the phase, % of one core. */
  gatewayCpuPercent: number;
  /** The other (idle) gateway's CPU over the same phase, % of one core: contention between the stacks. */
  idleGatewayCpuPercent: number;
  /** CPU of the loaded side's own MCP servers per completed iteration, ms; NaN where they cannot be read. */
  upstreamCpuMsPerCall: number;
}

export interface AbMetric {
  name: string;
  unit: string;
  direction: Direction;
  /** Worsening that is not yet a regression (default 0.05). */
  allowed?: number;
  of(f: PhaseFigures): number;
}

export interface AbCaseSpec {
  name: string;
  /** The load of a round in words, for the report, when it is not plain from the name (e.g. sized to the runner). */
  load?: string;
  /** Rounds: each measures base and head once (at least 6 for a 95% interval; 8 or more to see 20%). */
  pairs: number;
  /** Unrecorded traffic on each side before the first round, seconds (default 10): start-up work and first sessions;
   * per side when one was just loaded otherwise (a capacity probe). */
  initialWarmupSeconds?: number | Record<AbLabel, number>;
  /** Unrecorded traffic before each phase, seconds (default 1): reconnects what the idle time closed. */
  warmupSeconds?: number;
  /** The phase on one side: its stack, and which side it is (two arms on one stack differ by the label alone). */
  phase(stack: StackInfo, label: AbLabel): AbPhase;
  metrics: AbMetric[];
  /** Past this detectable change in every metric, a case that found no regression is marked inconclusive (default PERF_AB_MAX_DETECTABLE, or 0.4). */
  maxDetectable?: number;
  /**
   * Two arms of one stack measured side by side (what base and head stand for): a comparison, not a gate. Its
   * metrics are findings whichever arm they favour; only head failing more often than base fails it.
   */
  arms?: { base: string; head: string };
}

const round = (x: number, digits = 3) => (Number.isFinite(x) ? +x.toFixed(digits) : x);

/** The order of each round, balanced base-head / head-base (analysis/balanced-order.ts). */
export function roundOrders(count: number, random: () => number): [AbLabel, AbLabel][] {
  return balancedOrders<AbLabel>(count, random, 'base', 'head');
}

/** The seed of the round order: PERF_AB_SEED when set (to repeat a run's order), else a new one, printed. */
function orderSeed(): number {
  return config().PERF_AB_SEED ?? Math.floor(Math.random() * 2 ** 31);
}

/** Unrecorded traffic in the shape of the phase: open-model phases at their rate, closed ones with their VUs. */
function warmupScenario(s: ScenarioInput, seconds: number): ScenarioInput {
  return s.executor === 'constant-vus'
    ? { name: `${s.name} warm-up`, executor: 'constant-vus', vus: s.vus, duration: `${seconds}s`, gracefulStop: '5s' }
    : { name: `${s.name} warm-up`, executor: 'constant-arrival-rate', rate: s.rate ?? 10, duration: `${seconds}s`, preAllocatedVUs: s.preAllocatedVUs ?? 10, maxVUs: s.maxVUs ?? 50, gracefulStop: '5s' };
}

/** The summed CPU of a stack's own MCP servers (the gateway's upstreams), or null where none can be read. */
async function upstreamCpuReader(stack: StackInfo): Promise<CpuReader | null> {
  const readable = stack.direct.filter((d) => d.containerId || d.pid);
  if (readable.length === 0) return null;
  const readers = await Promise.all(readable.map((d) => gatewayCpuReader(d)));
  return async () => (await Promise.all(readers.map((r) => r()))).reduce((a, b) => a + b, 0);
}

interface SideCpu {
  loaded: CpuReader;
  idle: CpuReader;
  upstream: CpuReader | null;
}

async function measurePhase(scenario: ScenarioInput, op: LoadOperation, warmupSeconds: number, cpu: SideCpu): Promise<PhaseFigures> {
  if (warmupSeconds > 0) await runScenario(warmupScenario(scenario, warmupSeconds), withoutClose(op));
  const upstream = cpu.upstream ?? (async () => Number.NaN);
  const [l0, i0, u0] = await Promise.all([cpu.loaded(), cpu.idle(), upstream()]);
  const t0 = performance.now();
  const result = await runScenario(scenario, withoutClose(op));
  const [l1, i1, u1] = await Promise.all([cpu.loaded(), cpu.idle(), upstream()]);
  const seconds = (performance.now() - t0) / 1000;
  const perCall = (cpuSeconds: number) => (result.counts.completed > 0 ? (cpuSeconds * 1000) / result.counts.completed : Number.NaN);
  return {
    result,
    gatewayCpuMsPerCall: perCall(l1 - l0),
    gatewayCpuPercent: ((l1 - l0) / seconds) * 100,
    idleGatewayCpuPercent: ((i1 - i0) / seconds) * 100,
    upstreamCpuMsPerCall: perCall(u1 - u0),
  };
}

function phaseLine(f: PhaseFigures): string {
  const r = f.result;
  return `${r.rate.achieved}/s p50 ${r.latency.p50} p95 ${r.latency.p95} ms, errors ${(r.errorRate * 100).toFixed(2)}%, lag p99 ${r.schedulerLag.p99} ms, ` +
    `gateway ${round(f.gatewayCpuMsPerCall, 1)} ms CPU/call (${round(f.gatewayCpuPercent, 0)}%)${Number.isFinite(f.idleGatewayCpuPercent) ? `, idle side ${round(f.idleGatewayCpuPercent, 1)}%` : ''}` +
    (Number.isFinite(f.upstreamCpuMsPerCall) ? `, its upstreams ${round(f.upstreamCpuMsPerCall, 1)} ms CPU/call` : '');
}

/**
 * The base gateway's closed-loop throughput, calls/s, over one phase after a warm-up: what open-model cases size
 * their rate from (analysis/load-share.ts) when no capacity case has measured it in this run.
 */
export async function baseCapacity(ab: AbStacks, phase: AbCaseSpec['phase'], log: (line: string) => void = console.log): Promise<number> {
  const { scenario, operation } = phase(ab.base, 'base');
  if (scenario.executor !== 'constant-vus') throw new Error(`capacity is measured in a closed loop (constant-vus), not ${scenario.executor}`);
  await preflight('capacity of base', operation);
  const op = createOperation(operation);
  try {
    await runScenario(warmupScenario(scenario, 5), withoutClose(op));
    const r = await runScenario(scenario, withoutClose(op));
    if (r.errorRate > 0.1) throw new Error(`capacity of base: ${(r.errorRate * 100).toFixed(1)}% of calls failed, so its rate says nothing about what the gateway holds (${Object.entries(r.errors).slice(0, 3).map(([message, n]) => `${n}x ${message}`).join('; ')})`);
    log(`[capacity of base] ${r.rate.achieved} calls/s with ${scenario.vus} VUs (p50 ${r.latency.p50} ms, errors ${(r.errorRate * 100).toFixed(2)}%)`);
    return r.rate.achieved;
  } finally {
    await op.close?.();
  }
}

/** Runs the case's phase on both sides in `pairs` alternating rounds and judges every metric on the pairs. */
export async function runAbCase(ab: AbStacks, spec: AbCaseSpec, log: (line: string) => void = console.log, runToRun: { noise: RunToRunNoise | null; from: string } = loadRunToRun(config().PERF_AB_NOISE, ab.head.gateway?.kind)): Promise<AbOutcome> {
  const { noise } = runToRun;
  const limit = spec.maxDetectable ?? maxDetectable();
  const t0 = performance.now();
  const gw = (label: AbLabel) => {
    const g = ab[label].gateway;
    if (!g) throw new Error(`the ${label} stack has no gateway`);
    return g;
  };
  const cpu = { base: await gatewayCpuReader(gw('base')), head: await gatewayCpuReader(gw('head')) };
  // Two arms on one stack (one gateway): there is no idle side to read.
  const oneStack = ab.base === ab.head;
  const idleOf = (label: AbLabel): CpuReader => (oneStack ? async () => Number.NaN : cpu[label]);
  const upstreamCpu = { base: await upstreamCpuReader(ab.base), head: await upstreamCpuReader(ab.head) };
  const phases = { base: spec.phase(ab.base, 'base'), head: spec.phase(ab.head, 'head') };
  for (const label of ['base', 'head'] as const) await preflight(`${spec.name} (${label})`, phases[label].operation);
  // One operation per side for the whole case: its sessions outlive the rounds; its connections close while the
  // other side is measured (idle past the keep-alive) and reopen in the warm-up.
  const ops = { base: createOperation(phases.base.operation), head: createOperation(phases.head.operation) };
  const figures: Record<AbLabel, PhaseFigures[]> = { base: [], head: [] };
  const seed = orderSeed();
  const invalid: string[] = [];
  const discarded: string[] = [];
  try {
    const initial = spec.initialWarmupSeconds ?? 10;
    for (const label of ['base', 'head'] as const) {
      const seconds = typeof initial === 'number' ? initial : initial[label];
      if (seconds > 0) await runScenario(warmupScenario(phases[label].scenario, seconds), withoutClose(ops[label]));
    }
    // A round in which the generator, not a gateway, set the pace is discarded, both sides, and run again:
    // at most a quarter more rounds; past that the case is INVALID.
    const maxDiscarded = Math.ceil(spec.pairs / 4);
    const orders = roundOrders(spec.pairs + maxDiscarded + 1, seededRandom(seed));
    log(`[${spec.name}] round order (seed ${seed}, PERF_AB_SEED repeats it): ${orders.slice(0, spec.pairs).map((o) => o.map((l) => (l === 'base' ? 'A' : 'B')).join('')).join(' ')}; run-to-run noise: ${runToRun.from}`);
    for (let attempt = 0; figures.base.length < spec.pairs; attempt++) {
      const pair: Partial<Record<AbLabel, PhaseFigures>> = {};
      const reasons: string[] = [];
      for (const label of orders[attempt]!) {
        const other: AbLabel = label === 'base' ? 'head' : 'base';
        const f = await measurePhase(phases[label].scenario, ops[label], spec.warmupSeconds ?? 1, { loaded: cpu[label], idle: idleOf(other), upstream: upstreamCpu[label] });
        pair[label] = f;
        // A side whose gateway died stops the case, naming the side: its failures are not a verdict on the other.
        await stopIfGatewayDied(`${spec.name} round ${attempt + 1}`, f.result, ab[label].gateway, `the ${label} side's gateway (${ab.describe[label]})`);
        const v = runValidity(f.result);
        if (!v.valid) reasons.push(`${label}: ${v.reasons.join('; ')}`);
        log(`[${spec.name}] round ${attempt + 1} (${figures.base.length + 1} of ${spec.pairs}) ${label.padEnd(4)}: ${phaseLine(f)}${v.valid ? '' : ' INVALID'}`);
      }
      if (reasons.length === 0) {
        figures.base.push(pair.base!);
        figures.head.push(pair.head!);
        continue;
      }
      discarded.push(`round ${attempt + 1} (${reasons.join('; ')})`);
      log(`[${spec.name}] round ${attempt + 1} discarded, both sides: ${reasons.join('; ')}`);
      if (discarded.length > maxDiscarded) {
        invalid.push(...discarded);
        break;
      }
    }
  } finally {
    await Promise.all([ops.base.close?.(), ops.head.close?.()]);
  }
  const verdicts: AbVerdictRow[] = spec.metrics.map((m) => {
    const pairs = figures.base.map((b, i) => [m.of(b), m.of(figures.head[i]!)] as const);
    const measured = noise?.metrics[noiseKey(spec.name, m.name)];
    const v = pairedVerdict(pairs, { direction: m.direction, allowed: m.allowed, runToRunSd: measured?.sd });
    return { ...v, ...(measured ? { runToRunRuns: measured.runs } : {}), case: spec.name, metric: m.name, unit: m.unit, base: round(median(pairs.map((p) => p[0]))), head: round(median(pairs.map((p) => p[1]))),
      rounds: { base: pairs.map((p) => round(p[0])), head: pairs.map((p) => round(p[1])) } };
  });
  const idle = [...figures.base, ...figures.head].map((f) => f.idleGatewayCpuPercent);
  const count = (fs: PhaseFigures[]): ErrorCount => fs.reduce((c, f) => ({
    failed: c.failed + f.result.counts.failed + f.result.counts.dropped, total: c.total + f.result.counts.completed + f.result.counts.dropped,
  }), { failed: 0, total: 0 });
  const shortfall = insensitivity(verdicts, limit);
  const outcome: AbOutcome = {
    case: spec.name, ...(spec.arms ? { arms: spec.arms } : {}), ...(spec.load ? { load: spec.load } : {}), verdicts, invalid, discarded, errors: errorRateVerdict(count(figures.base), count(figures.head)),
    ...(shortfall ? { inconclusive: shortfall } : {}),
    idleGatewayCpuPercent: { mean: round(idle.reduce((a, b) => a + b, 0) / idle.length, 1), max: round(Math.max(...idle), 1) },
    wallSeconds: round((performance.now() - t0) / 1000, 1),
  };
  recordOutcome(outcome, figures);
  return outcome;
}

function recordOutcome(o: AbOutcome, figures: Record<AbLabel, PhaseFigures[]>): void {
  const rec = caseRecord();
  (rec.ab ??= []).push(o);
  // Two arms on one stack have no idle side: its column goes.
  const idleColumn = !o.arms;
  reportTable({
    title: o.arms ? `rounds (base: ${o.arms.base}; head: ${o.arms.head}; they alternate)` : 'rounds (base and head alternate)',
    columns: ['round', 'side', 'rate/s', 'p50 ms', 'p95 ms', 'errors %', 'gateway CPU ms/call', ...(idleColumn ? ['idle side CPU %'] : []), 'its upstreams\' CPU ms/call'],
    rows: figures.base.flatMap((_, i) => (['base', 'head'] as const).map((side) => {
      const f = figures[side][i]!;
      return [i + 1, side, f.result.rate.achieved, f.result.latency.p50, f.result.latency.p95, round(f.result.errorRate * 100, 2), round(f.gatewayCpuMsPerCall, 1), ...(idleColumn ? [round(f.idleGatewayCpuPercent, 1)] : []), Number.isFinite(f.upstreamCpuMsPerCall) ? round(f.upstreamCpuMsPerCall, 1) : '-'];
    })),
  });
  for (const v of o.verdicts) {
    const pass = v.status !== 'regression' || o.arms !== undefined;
    const sides = o.arms ? `${o.arms.head} / ${o.arms.base}` : 'head/base';
    rec.checks.push({
      scenario: o.case, kind: 'ab', pass,
      rows: [{ metric: v.metric, target: `${sides} ${worseLimitText(v.direction, v.allowed)}`, measured: `${changeText(v.ratio)} [${changeText(v.ci[0])}, ${changeText(v.ci[1])}]`, margin: `detectable ${worseChangeText(v.direction, v.detectable)}`, pass }],
    });
  }
  rec.checks.push({
    scenario: o.case, kind: 'ab', pass: o.errors.status !== 'regression',
    rows: [{ metric: 'error rate', target: 'head not above base (p < 0.01 and > 0.1 points)', measured: o.errors.text, margin: '-', pass: o.errors.status !== 'regression' }],
  });
  const blind = inconclusiveCase(o) ? `on its own, this case could not have caught a regression of the gate's size: ${o.inconclusive}` : undefined;
  if (blind) rec.notes.push(blind);
  const idle = Number.isFinite(o.idleGatewayCpuPercent.mean) ? `idle side's gateway CPU ${o.idleGatewayCpuPercent.mean}% mean, ${o.idleGatewayCpuPercent.max}% max` : 'one stack, no idle side';
  console.log(`   ${o.case}: A/B verdicts (${o.verdicts[0]?.n ?? 0} rounds${o.load ? ` at ${o.load}` : ''}; ${idle}; ${o.wallSeconds} s)\n${formatVerdicts(o.verdicts, o.arms).replace(/^/gm, '   ')}\n   ${o.errors.text}`);
  if (o.discarded.length && !o.invalid.length) console.log(`   rounds discarded and run again (the generator set the pace):\n${o.discarded.map((x) => `     ${x}`).join('\n')}`);
  if (o.invalid.length) console.log(`   INVALID: more than a quarter of the rounds were discarded:\n${o.invalid.map((x) => `     ${x}`).join('\n')}`);
  if (blind) console.log(`   ${blind} (the gate is INCONCLUSIVE when no case could)`);
}
