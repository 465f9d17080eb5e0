// Judges a k6 run of an exported script against the suite's committed baseline of the same scenario,
// with the same method as toMatchBaseline (without calibration: k6 ran elsewhere, so none is known).
//   npm run compare:k6 -- summary.json --case "PERF-01 tools/list /rpc" [--profile smoke] [--calibration-ms 4.2]
//   npm run compare:k6 -- --samples seg1.json seg2.json.gz --case "..."   (several k6 processes, e.g. execution
//     segments: their --out json samples merged into one histogram; without a baseline, the merged figures only)
// Exit status: 0 no regression (or figures only), 1 a regression, 2 bad input.
import { existsSync, readFileSync } from 'node:fs';
import { compareWithBaseline, readBaseline } from '../tests/support/budget/baseline.ts';
import { formatChecks } from '../tests/support/budget/slo.ts';
import type { RunResult } from '../tests/support/engine/result.ts';
import { fromK6Summary } from '../tests/support/k6/import.ts';
import { fromK6Samples } from '../tests/support/k6/samples.ts';
import { parseCli, refuse } from './cli.ts';

const USAGE = 'usage: npm run compare:k6 -- SUMMARY.json --case "<scenario name>" [--profile smoke] (the summary from k6 run --summary-export=SUMMARY.json)\n' +
  '       npm run compare:k6 -- --samples A.json [B.json ...] --case "<scenario name>" (each k6 process\'s k6 run --out json=FILE)';
function fail(message: string): never {
  refuse('compare:k6', message);
}
const { values: o, positionals } = parseCli('compare:k6', {
  case: { type: 'string' }, profile: { type: 'string', default: 'smoke' }, 'calibration-ms': { type: 'string' }, samples: { type: 'boolean' },
}, USAGE);
if (positionals.length === 0 || !o.case) fail('a k6 output and --case are needed; compare:k6 --help shows the usage');
for (const file of positionals) if (!existsSync(file)) fail(`${file} does not exist`);

async function load(): Promise<RunResult> {
  if (o.samples) return fromK6Samples(positionals, o.case!);
  if (positionals.length > 1) fail('one summary at a time: for several k6 processes, give their samples with --samples');
  let summary: unknown;
  try {
    summary = JSON.parse(readFileSync(positionals[0]!, 'utf8'));
  } catch (error) {
    fail(`${positionals[0]} does not parse as JSON: ${(error as Error).message}`);
  }
  return fromK6Summary(summary, o.case!);
}

try {
  const result = await load();
  const l = result.latency;
  console.log(`${o.case} (k6${o.samples ? `, ${positionals.length} process(es) merged` : ''}: ${result.counts.completed} operations, ${result.rate.achieved}/s, errors ${(result.errorRate * 100).toFixed(2)}%, ` +
    `dropped ${result.counts.dropped}; p50 ${l.p50} p95 ${l.p95} p99 ${l.p99} max ${l.max} ms)`);
  const base = readBaseline(o.case!, o.profile!);
  if (!base) {
    if (o.samples) process.exit(0);
    fail(`no baseline for "${o.case}" in profile ${o.profile} (baselines/${o.profile}/): record one with npm run perf:baseline`);
  }
  const calibration = o['calibration-ms'] ? Number(o['calibration-ms']) : null;
  const cmp = compareWithBaseline(result, base!, calibration);
  console.log(`${cmp.pass ? 'no regression' : 'REGRESSION'} against baselines/${o.profile}`);
  console.log(formatChecks(cmp.rows).replace(/^/gm, '  '));
  console.log('  note: k6 times from the actual send and keeps no per-second series, so the band uses the widest noise estimate');
  process.exit(cmp.pass ? 0 : 1);
} catch (error) {
  fail(`${positionals.join(', ')}: ${(error as Error).message}`);
}
