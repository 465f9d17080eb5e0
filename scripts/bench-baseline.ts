// Does the baseline comparison catch a real regression without crying wolf? Against a loopback target
// with a known latency (GET /delay?ms=N): record a baseline, then compare N unchanged runs (each should
// pass) and runs with the target's delay raised by 25% (each should fail). The baseline is 3 runs, as
// npm run perf:baseline records. Calibration is measured in
// each run, as in the suite. Prints the verdicts and the margins; judges nothing itself.
//   npm run bench:baseline [-- --runs 10 --seconds 10 --delay 20]
import { parseArgs } from 'node:util';
import { compareWithBaseline, currentEnvironment, toBaseline } from '../tests/support/budget/baseline.ts';
import { runScenario } from '../tests/support/engine/runner.ts';
import { createOperation } from '../tests/support/mcp/operations.ts';
import { runCleanups } from '../tests/support/stack/cleanup.ts';
import { startHttpTarget } from '../tests/support/stack/http-target.ts';

const { values: o } = parseArgs({ options: { runs: { type: 'string', default: '10' }, seconds: { type: 'string', default: '10' }, delay: { type: 'string', default: '20' }, regressed: { type: 'string', default: '3' } } });
const target = await startHttpTarget();
const run = (delayMs: number) => runScenario(
  { name: 'baseline-bench', executor: 'constant-arrival-rate', rate: 50, duration: `${o.seconds}s`, preAllocatedVUs: 20, maxVUs: 100 },
  createOperation({ kind: 'http-get', url: `${target.baseUrl}/delay?ms=${delayMs}` }),
);
const calibrate = async () => (await runScenario(
  { name: 'calibration', executor: 'constant-arrival-rate', rate: 50, duration: '2s', preAllocatedVUs: 5 },
  createOperation({ kind: 'http-get', url: `${target.baseUrl}/delay?ms=2` }),
)).latency.p50;

try {
  const delay = Number(o.delay);
  let base: ReturnType<typeof toBaseline> | undefined;
  for (let i = 0; i < 3; i++) base = toBaseline(await run(delay), 'bench', await calibrate(), currentEnvironment(), base);
  console.log(`baseline of 3 runs: delay ${delay} ms -> p50 ${base!.metrics.p50} p95 ${base!.metrics.p95} p99 ${base!.metrics.p99} ms; spread between runs ${JSON.stringify(base!.spread)}; calibration ${base!.calibrationP50} ms\n`);
  const verdicts = { unchanged: [] as boolean[], regressed: [] as boolean[] };
  for (const [kind, delayMs, n] of [['unchanged', delay, Number(o.runs)], ['regressed', delay * 1.25, Number(o.regressed)]] as const) {
    for (let i = 0; i < n; i++) {
      const cal = await calibrate();
      const r = await run(delayMs);
      const cmp = compareWithBaseline(r, base!, cal);
      verdicts[kind].push(cmp.pass);
      const row = (k: string) => cmp.rows.find((x) => x.metric === k)!;
      console.log(`${kind.padEnd(9)} run ${i + 1}: ${cmp.pass ? 'pass' : 'FAIL'}  speed ${cmp.speedFactor.toFixed(2)}  p50 ${row('latency p50').measured}  p95 ${row('latency p95').measured}  p99 ${row('latency p99').measured}`);
    }
  }
  const passes = verdicts.unchanged.filter(Boolean).length;
  const caught = verdicts.regressed.filter((p) => !p).length;
  console.log(`\nunchanged target: ${passes} of ${verdicts.unchanged.length} passed (goal: all)`);
  console.log(`25% slower target: ${caught} of ${verdicts.regressed.length} failed the comparison (goal: all)`);
} finally {
  await target.process.stop();
  await runCleanups();
}
