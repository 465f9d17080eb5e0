// Does the committed-baseline comparison catch a real regression without crying wolf? Against a loopback target
// with a known latency (GET /delay?ms=N): record a baseline of --record runs (5, as npm run perf:baseline does),
// then compare --runs unchanged runs (each should pass) and --regressed runs with the target's delay raised by
// --slower (each should fail), interleaved so the machine's drift hits both alike. Each run measures its own
// calibration, as the suite does. Prints every verdict with its band (what it could detect), then the false-alarm
// and detection rates with Wilson 95% intervals; judges nothing itself.
//   npm run bench:baseline [-- --record 5 --runs 20 --regressed 10 --slower 0.25 --seconds 10 --delay 20]
import { wilsonRate } from '../tests/support/analysis/wilson.ts';
import { compareWithBaseline, currentEnvironment, toBaseline, type Baseline } from '../tests/support/budget/baseline.ts';
import { runScenario } from '../tests/support/engine/runner.ts';
import { createOperation } from '../tests/support/mcp/operations.ts';
import { runCleanups } from '../tests/support/stack/cleanup.ts';
import { startHttpTarget } from '../tests/support/stack/http-target.ts';
import { numberOption, parseCli } from './cli.ts';

const USAGE = `usage: npm run bench:baseline [-- --record 5 --runs 20 --regressed 10 --slower 0.25 --seconds 10 --delay 20]
  --record N     runs recorded as the baseline     --runs N       unchanged runs judged (each should pass)
  --regressed N  runs with the target slowed        --slower X     by this share of its delay (0.25 = +25%)
  --seconds S    each run's length                  --delay MS     the loopback target's latency`;
const { values: o } = parseCli('bench:baseline', {
  record: { type: 'string', default: '5' }, runs: { type: 'string', default: '20' }, regressed: { type: 'string', default: '10' },
  slower: { type: 'string', default: '0.25' }, seconds: { type: 'string', default: '10' }, delay: { type: 'string', default: '20' },
}, USAGE);
const num = (name: 'record' | 'runs' | 'regressed' | 'slower' | 'seconds' | 'delay', min: number) => numberOption('bench:baseline', name, o[name], { min });
const [record, unchanged, regressed, slower, seconds, delay] = [num('record', 1), num('runs', 0), num('regressed', 0), num('slower', 0), num('seconds', 1), num('delay', 1)];
const target = await startHttpTarget();
const run = (delayMs: number) => runScenario(
  { name: 'baseline-bench', executor: 'constant-arrival-rate', rate: 50, duration: `${seconds}s`, preAllocatedVUs: 20, maxVUs: 100 },
  createOperation({ kind: 'http-get', url: `${target.baseUrl}/delay?ms=${delayMs}` }),
);
const calibrate = async () => (await runScenario(
  { name: 'calibration', executor: 'constant-arrival-rate', rate: 50, duration: '2s', preAllocatedVUs: 5 },
  createOperation({ kind: 'http-get', url: `${target.baseUrl}/delay?ms=2` }),
)).latency.p50;

try {
  let base: Baseline | undefined;
  for (let i = 0; i < record; i++) base = toBaseline(await run(delay), 'bench', await calibrate(), currentEnvironment(), base);
  console.log(`baseline of ${record} runs: delay ${delay} ms -> p50 ${base!.metrics.p50} p95 ${base!.metrics.p95} p99 ${base!.metrics.p99} ms; ` +
    `spread between runs ${JSON.stringify(base!.spread)}; calibration ${base!.calibrationP50} ms\n`);
  // Interleaved: unchanged, regressed, unchanged, ... then the rest of the longer list.
  const plan: ('unchanged' | 'regressed')[] = [];
  for (let i = 0; i < Math.max(unchanged, regressed); i++) {
    if (i < unchanged) plan.push('unchanged');
    if (i < regressed) plan.push('regressed');
  }
  const failed = { unchanged: 0, regressed: 0 };
  const bands: number[] = [];
  for (const [i, kind] of plan.entries()) {
    const cal = await calibrate();
    const cmp = compareWithBaseline(await run(kind === 'unchanged' ? delay : delay * (1 + slower)), base!, cal);
    if (!cmp.pass) failed[kind]++;
    const row = (k: string) => cmp.rows.find((x) => x.metric === k)!;
    const band = /detectable \+(\d+)%/.exec(row('latency p50').target)?.[1];
    if (band) bands.push(Number(band));
    console.log(`${String(i + 1).padStart(3)} ${kind.padEnd(9)} ${cmp.pass ? 'pass' : 'FAIL'}  calibration x${cmp.calibrationRatio?.toFixed(2) ?? 'n/a'}  ` +
      `p50 ${row('latency p50').measured} (${row('latency p50').target})  p95 ${row('latency p95').measured}  p99 ${row('latency p99').measured}`);
  }
  bands.sort((a, b) => a - b);
  console.log(`\nfalse alarms (unchanged target failed): ${wilsonRate(failed.unchanged, unchanged)}`);
  console.log(`detected (+${(slower * 100).toFixed(0)}% slower target failed): ${wilsonRate(failed.regressed, regressed)}`);
  if (bands.length) console.log(`p50 band (detectable rise): median +${bands[Math.floor(bands.length / 2)]}%, range +${bands[0]}% .. +${bands.at(-1)}%`);
} finally {
  await target.process.stop();
  await runCleanups();
}
