// The regression gate's own benchmark: how often does it catch a known regression, and how often does it
// cry wolf? Both A/B stacks run the same gateway image with the extra-cost wrapper
// (fixtures/gateway-extra-cost); the head's extra CPU per MCP request is set, run by run, to a share of the
// gateway's measured CPU per tools/call (0 = an A/A run). Each run is the gate exactly as users run it
// (vitest, tests/perf/gate.perf.ts, profile pr) on the stacks held here; sizes are interleaved so the
// machine's drift over the hours hits every size alike. Prints detection and false-alarm rates per case
// and metric, with Wilson 95% intervals, and the wall time per run.
//   npm run bench:gate [-- --plan 0:10,0.2:8,0.1:3,0.5:2 --image <gateway image> --profile pr]
//   npm run bench:gate -- --summarize reports/bench-gate-<time>/runs.json   (the table again, from a finished run)
import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { AbOutcome } from '../tests/support/shared/ab-outcome.ts';
import { runScenario } from '../tests/support/engine/runner.ts';
import { createOperation } from '../tests/support/mcp/operations.ts';
import { gatewayCpuReader } from '../tests/support/monitor/cpu-meter.ts';
import type { RunReport } from '../tests/support/report/run-report.ts';
import { textTable } from '../tests/support/shared/text-table.ts';
import type { AbConfig } from '../tests/support/stack/ab.ts';
import { runCleanups } from '../tests/support/stack/cleanup.ts';
import { setExtraCost } from '../tests/support/stack/extra-cost.ts';
import { IMAGES } from '../tests/support/stack/images.ts';
import { stackOptionsFromEnv } from '../tests/support/stack/options.ts';
import { writeHeldStack } from '../tests/support/stack/reuse.ts';
import { startAbStacks } from '../tests/support/stack/stack.ts';

const { values: o } = parseArgs({
  options: {
    plan: { type: 'string', default: '0:10,0.2:8,0.1:3,0.5:2' },
    image: { type: 'string' },
    profile: { type: 'string', default: 'pr' },
    summarize: { type: 'string' },
  },
});
// The table again from a finished (or interrupted) benchmark's runs.json, without running anything.
if (o.summarize) {
  summarize((JSON.parse(readFileSync(o.summarize, 'utf8')) as { records: RunRecord[] }).records);
  process.exit(0);
}
const plan = o.plan.split(',').map((part) => {
  const [size, runs] = part.split(':').map(Number);
  if (!Number.isFinite(size) || size! < 0 || !Number.isInteger(runs) || runs! < 1) throw new Error(`--plan: "${part}" is not size:runs (e.g. 0.2:8 = 8 runs at +20% CPU per call)`);
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
const image = o.image ?? process.env.MCP_PERF_GATEWAY_IMAGE ?? IMAGES.local.gateway;
const config: AbConfig = {
  // Both sides carry the wrapper, so the only difference between them is the cost the knob sets.
  base: { label: 'base', spec: image, image, extraCost: { ms: 0 } },
  head: { label: 'head', spec: image, image, extraCost: { ms: 0, knobDir } },
};

interface RunRecord {
  run: number;
  size: number;
  extraMs: number;
  /** extraMs as a share of this run's base CPU per call (fixed-rate case): the regression really tested. */
  effective?: number;
  wallSeconds: number;
  exitCode: number | null;
  outcomes: AbOutcome[];
}

// A fault in a library's socket (one killed an earlier bench after its first run) must not end hours of runs
// unreported: it is printed, and the run it hit shows as one without results.
process.on('uncaughtException', (error) => console.error(`[bench:gate] uncaught error, continuing: ${error.stack ?? error.message}`));

const records: RunRecord[] = [];
try {
  const started = await startAbStacks(stackOptionsFromEnv(), config, (line) => console.error(line));
  const held = join(dir, 'held-ab.json');
  writeHeldStack(started.info, held, started.ab);
  const gw = started.ab.base.gateway!;

  // The reference cost: the base gateway's CPU per tools/call over Streamable HTTP at the gate's fixed rate.
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
  console.log(`[bench:gate] ${order.length} gate runs, sizes in this order: ${order.join(', ')}; reports in ${dir}`);
  // The machine's speed drifts (the base's CPU per call ranged 53-80 ms within minutes here), so each size is
  // a share of what the base gateway spent per call in the gate runs so far (its fixed-rate case), and
  // every run also records the share it really added against its own base.
  const baseCosts: number[] = [];
  const reference = () => (baseCosts.length ? median(baseCosts) : startReference);

  for (const [i, size] of order.entries()) {
    const extraMs = size * reference();
    setExtraCost(knobDir, extraMs);
    await new Promise((r) => setTimeout(r, 1500));
    const runId = `bench-gate-${stamp}/run-${String(i + 1).padStart(2, '0')}-size-${size}`;
    const t0 = performance.now();
    // Asynchronously, so that Ctrl-C reaches this process (and its teardown) while a run is under way.
    const vitest = await runGate(held, runId, join(dir, `run-${i + 1}.log`));
    const wallSeconds = +((performance.now() - t0) / 1000).toFixed(1);
    let outcomes: AbOutcome[] = [];
    try {
      const report = JSON.parse(readFileSync(join(root, 'reports', runId, 'results.json'), 'utf8')) as RunReport;
      outcomes = report.cases.flatMap((c) => c.record?.ab ?? []);
    } catch (error) {
      console.log(`[bench:gate] run ${i + 1}: no results (${(error as Error).message}); exit ${vitest.status}; see ${join(dir, `run-${i + 1}.log`)}`);
    }
    const baseCost = outcomes.find((c) => c.case.includes('fixed rate'))?.verdicts.find((v) => v.metric === 'gateway CPU per call')?.base;
    if (baseCost && Number.isFinite(baseCost)) baseCosts.push(baseCost);
    const effective = baseCost ? +(extraMs / baseCost).toFixed(3) : undefined;
    records.push({ run: i + 1, size, extraMs: +extraMs.toFixed(2), effective, wallSeconds, exitCode: vitest.status, outcomes });
    const flagged = outcomes.flatMap((c) => [...c.verdicts.filter((v) => v.status === 'regression').map((v) => `${c.case}: ${v.metric}`), ...(c.invalid.length ? [`${c.case}: INVALID`] : [])]);
    console.log(`[bench:gate] run ${i + 1}/${order.length}: +${(size * 100).toFixed(0)}% (${extraMs.toFixed(1)} ms per MCP request${effective === undefined ? '' : `, +${(effective * 100).toFixed(1)}% of this run's base ${baseCost} ms per call`}): exit ${vitest.status}, ${wallSeconds} s; flagged: ${flagged.join('; ') || 'nothing'}`);
    writeFileSync(join(dir, 'runs.json'), JSON.stringify({ startReference, image, profile: o.profile, records }, null, 2));
  }
  summarize(records);
  await started.stop();
} finally {
  await runCleanups((line) => console.error(`[bench:gate] ${line}`));
}

/** One gate run as users run it (vitest, the gate file) on the held stacks; its output goes to `logPath`. */
function runGate(held: string, runId: string, logPath: string): Promise<{ status: number | null }> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logPath);
    const child = spawn(process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--config', 'vitest.perf.config.ts', 'tests/perf/gate.perf.ts'], {
      cwd: root, stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, PERF_STACK_INFO: held, PERF_PROFILE: o.profile, PERF_RUN_ID: runId, PERF_AB_BASE: '', PERF_AB_HEAD: '' },
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    child.once('error', reject);
    child.once('close', (status) => log.end(() => resolve({ status })));
  });
}

/** Wilson 95% interval of k successes in n. */
function wilson(k: number, n: number): string {
  if (n === 0) return '-';
  const z = 1.96;
  const p = k / n;
  const mid = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return `${k}/${n} = ${(p * 100).toFixed(0)}% [${(Math.max(0, mid - half) * 100).toFixed(0)}-${(Math.min(1, mid + half) * 100).toFixed(0)}%]`;
}

function summarize(rs: RunRecord[]): void {
  const sizes = [...new Set(rs.map((r) => r.size))].sort((a, b) => a - b);
  const head = ['case', 'metric', ...sizes.map((s) => (s === 0 ? 'false alarms at 0%' : `detected at +${(s * 100).toFixed(0)}%`))];
  const rows: string[][] = [];
  const cases = [...new Set(rs.flatMap((r) => r.outcomes.map((c) => c.case)))];
  const at = (size: number) => rs.filter((r) => r.size === size && r.outcomes.length > 0);
  // An INVALID case was not judged: its verdicts are left out of the rates and counted on their own.
  const judgedOf = (size: number, name: string) => at(size).flatMap((r) => r.outcomes.filter((c) => c.case === name && judged(c)));
  for (const name of cases) {
    const metrics = [...new Set(rs.flatMap((r) => r.outcomes.filter((c) => c.case === name).flatMap((c) => c.verdicts.map((v) => v.metric))))];
    for (const metric of metrics) {
      rows.push([name, metric, ...sizes.map((s) => {
        const vs = judgedOf(s, name).flatMap((c) => c.verdicts.filter((v) => v.metric === metric));
        return wilson(vs.filter((v) => v.status === 'regression').length, vs.length);
      })]);
    }
    rows.push([name, 'the case (any metric or its errors)', ...sizes.map((s) => {
      const cs = judgedOf(s, name);
      return wilson(cs.filter(regressed).length, cs.length);
    })]);
    rows.push([name, 'INVALID (not judged)', ...sizes.map((s) => {
      const all = at(s).flatMap((r) => r.outcomes.filter((c) => c.case === name));
      return `${all.filter((c) => !judged(c)).length}/${all.length}`;
    })]);
  }
  rows.push(['the whole gate', 'a regression in any judged case', ...sizes.map((s) => wilson(at(s).filter((r) => r.outcomes.some((c) => judged(c) && regressed(c))).length, at(s).length))]);
  rows.push(['the whole gate', 'runs with an INVALID case', ...sizes.map((s) => `${at(s).filter((r) => r.outcomes.some((c) => !judged(c))).length}/${at(s).length}`)]);
  rows.push(['(the size really added)', 'extra ms / base CPU per call, median of runs', ...sizes.map((s) => {
    const e = rs.filter((r) => r.size === s && r.effective !== undefined).map((r) => r.effective!);
    return e.length ? `+${(median(e) * 100).toFixed(1)}% (${(Math.min(...e) * 100).toFixed(0)}-${(Math.max(...e) * 100).toFixed(0)}%)` : '-';
  })]);
  console.log(`\n[bench:gate] gate verdicts by size of the regression (extra CPU per MCP request, as a share of the gateway's CPU per tools/call)\n${textTable([head, ...rows])}`);
  const walls = rs.map((r) => r.wallSeconds).sort((a, b) => a - b);
  console.log(`[bench:gate] wall time per gate run (vitest on held stacks, stack start not included): median ${walls[Math.floor(walls.length / 2)]} s, max ${walls.at(-1)} s`);
  const discarded = rs.reduce((n, r) => n + r.outcomes.reduce((m, c) => m + c.discarded.length, 0), 0);
  console.log(`[bench:gate] rounds discarded and run again (generator-bound): ${discarded} in ${rs.length} runs`);
}

function median(xs: number[]): number {
  const v = [...xs].sort((a, b) => a - b);
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
}

function judged(c: AbOutcome): boolean {
  return c.invalid.length === 0;
}

function regressed(c: AbOutcome): boolean {
  return c.errors.status === 'regression' || c.verdicts.some((v) => v.status === 'regression');
}
