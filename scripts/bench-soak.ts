// What the soak's memory verdict can catch, on a real gateway's noise: the series of a real unleaked soak
// (PERF-05's monitor samples in its results.json), its warm-up kept, the rest resampled in blocks to each length,
// with a known leak added (tests/support/analysis/soak-power.ts). Prints, per soak length and leak size, how often
// the soak case would fail (verdict not "stable") with its 95% Wilson interval, and the smallest leak caught 9 times
// in 10; at leak 0, the false-alarm rate. The source must not leak itself (its own slope is taken out): check it with
// a real soak's verdict first. Real leaks are seen failing by PERF_GATEWAY_LEAK_BYTES (docs/soak.md).
//   npm run bench:soak -- --from reports/<soak run>/results.json [--target gateway] [--lengths 30m,1h,2h,4h]
//                         [--leaks 0,0.5,1,1.5,2,3,4] (multiples of the budget) [--budget-per-day 10] [--trials 100] [--block 10m]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { soakPower } from '../tests/support/analysis/soak-power.ts';
import { formatDuration, parseDuration } from '../tests/support/engine/duration.ts';
import type { RunReport } from '../tests/support/report/run-report.ts';
import { textTable } from '../tests/support/shared/text-table.ts';
import { numberOption, parseCli, refuse } from './cli.ts';

const USAGE = `usage: npm run bench:soak -- --from reports/<soak run>/results.json [--target gateway] [--lengths 30m,1h,2h,4h] [--leaks 0,0.5,1,2,4] [--budget-per-day 10] [--trials 100] [--block 10m] [--seed 1]
  what the soak's memory verdict catches on a real gateway's noise: per soak length and leak size, how often the case fails, with Wilson intervals`;
function fail(message: string): never {
  refuse('bench:soak', message);
}
const { values: o } = parseCli('bench:soak', {
  from: { type: 'string' }, target: { type: 'string', default: 'gateway' }, lengths: { type: 'string', default: '30m,1h,2h,4h' },
  leaks: { type: 'string', default: '0,0.5,1,1.5,2,3,4' }, 'budget-per-day': { type: 'string', default: '10' }, trials: { type: 'string', default: '100' },
  block: { type: 'string', default: '10m' }, seed: { type: 'string', default: '1' },
}, USAGE);
if (!o.from) fail('--from is needed: the results.json of a real soak (PERF_PROFILE=soak npm run perf -- tests/perf/soak.perf.ts)');
let report: RunReport;
try {
  report = JSON.parse(readFileSync(o.from, 'utf8')) as RunReport;
} catch (error) {
  fail(`${o.from} cannot be read: ${(error as Error).message}`);
}
const monitor = report.cases.flatMap((c) => c.record?.monitors ?? []).find((m) => m.scenario.startsWith('PERF-05'));
if (!monitor) fail(`${o.from} has no PERF-05 soak phase with monitor samples`);
const points = monitor.samples.filter((s) => s.target === o.target).map((s) => ({ t: s.t, memoryMB: s.memoryMB }));
if (points.length < 600) fail(`${o.from}: ${points.length} samples of ${o.target} (targets: ${[...new Set(monitor.samples.map((s) => s.target))].join(', ')}); at least 600 (ten minutes) are needed`);
const number = (name: string, raw: string) => numberOption('bench:soak', name, raw, { min: 0 });
const seconds = (raw: string, what: string) => {
  try {
    return parseDuration(raw, what) / 1000;
  } catch (error) {
    fail((error as Error).message);
  }
};
const lengthsSeconds = o.lengths.split(',').map((x) => seconds(x.trim(), '--lengths'));
const multiples = o.leaks.split(',').map((x) => number('leaks', x.trim()));
const trials = number('trials', o.trials);
const budgetPerHour = number('budget-per-day', o['budget-per-day']) / 100 / 24;
const meanMB = points.reduce((a, p) => a + p.memoryMB, 0) / points.length;
const budgetMB = budgetPerHour * meanMB;
const t0 = performance.now();
const cells = soakPower(points, { lengthsSeconds, leaksMBPerHour: multiples.map((m) => m * budgetMB), trials, blockSeconds: seconds(o.block, '--block'), budgetPerHour, seed: number('seed', o.seed) });
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
console.log(`bench:soak: ${o.target} of ${report.run.id} (${points.length} samples over ${formatDuration(Math.round(points[points.length - 1]!.t / 60) * 60_000)}, mean ${meanMB.toFixed(0)} MB); budget ${o['budget-per-day']}% in 24 h = ${budgetMB.toFixed(2)} MB/h; ${trials} resampled soaks per cell (blocks of ${o.block}); ${((performance.now() - t0) / 1000).toFixed(0)} s`);
console.log('share of soaks the case fails (verdict not "stable"), 95% Wilson interval; at leak 0: false alarms');
const header = ['soak length', ...multiples.map((m) => `leak ${m}x (${(m * budgetMB).toFixed(2)} MB/h)`), 'smallest leak caught 9 in 10'];
const rows = lengthsSeconds.map((seconds) => {
  const mine = cells.filter((c) => c.seconds === seconds);
  const caught = mine.find((c) => c.leakMBPerHour > 0 && c.failedShare[0] >= 0.9 && mine.filter((d) => d.leakMBPerHour >= c.leakMBPerHour).every((d) => d.failedShare[0] >= 0.9));
  return [formatDuration(seconds * 1000), ...mine.map((c) => `${pct(c.failedShare[0])} [${pct(c.failedShare[1])}-${pct(c.failedShare[2])}]`),
    caught ? `${(caught.leakMBPerHour / budgetMB).toFixed(1)}x budget (${caught.leakMBPerHour.toFixed(2)} MB/h)` : `none up to ${multiples[multiples.length - 1]}x`];
});
console.log(textTable([header, ...rows]));
const dir = join('reports', `bench-soak-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'cells.json'), `${JSON.stringify({ from: o.from, target: o.target, meanMB, budgetMBPerHour: budgetMB, block: o.block, cells }, null, 1)}\n`);
console.log(`bench:soak: cells in ${dir}/cells.json`);
