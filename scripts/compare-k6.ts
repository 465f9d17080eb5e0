// Judges a k6 run of an exported script against the suite's committed baseline of the same scenario,
// with the same method as toMatchBaseline (without calibration: k6 ran elsewhere, so none is known).
//   npm run compare:k6 -- summary.json --case "PERF-01 tools/list /rpc" [--profile smoke] [--calibration-ms 4.2]
// Exit status: 0 no regression, 1 a regression, 2 bad input.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { compareWithBaseline, readBaseline } from '../tests/support/budget/baseline.ts';
import { formatChecks } from '../tests/support/budget/slo.ts';
import { fromK6Summary } from '../tests/support/k6/import.ts';

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: { case: { type: 'string' }, profile: { type: 'string', default: 'smoke' }, 'calibration-ms': { type: 'string' } },
});
const fail = (message: string): never => {
  console.error(message);
  process.exit(2);
};
const file = positionals[0];
if (!file || !o.case) fail('usage: npm run compare:k6 -- SUMMARY.json --case "<scenario name>" [--profile smoke] (the summary from k6 run --summary-export=SUMMARY.json)');
if (!existsSync(file!)) fail(`${file} does not exist`);
let summary: unknown;
try {
  summary = JSON.parse(readFileSync(file!, 'utf8'));
} catch (error) {
  fail(`${file} does not parse as JSON: ${(error as Error).message}`);
}
try {
  const result = fromK6Summary(summary, o.case!);
  const base = readBaseline(o.case!, o.profile!);
  if (!base) fail(`no baseline for "${o.case}" in profile ${o.profile} (baselines/${o.profile}/): record one with npm run perf:baseline`);
  const calibration = o['calibration-ms'] ? Number(o['calibration-ms']) : null;
  const cmp = compareWithBaseline(result, base!, calibration);
  console.log(`${o.case} (k6: ${result.counts.completed} operations, ${result.rate.achieved}/s, errors ${(result.errorRate * 100).toFixed(2)}%): ${cmp.pass ? 'no regression' : 'REGRESSION'} against baselines/${o.profile}`);
  console.log(formatChecks(cmp.rows).replace(/^/gm, '  '));
  console.log('  note: k6 times from the actual send and keeps no per-second series, so the band uses the widest noise estimate');
  process.exit(cmp.pass ? 0 : 1);
} catch (error) {
  fail(`${file}: ${(error as Error).message}`);
}
