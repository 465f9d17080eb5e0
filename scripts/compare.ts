// Compares two runs of the perf suite (their results.json), scenario by scenario, with the same method
// as toMatchBaseline: the first run is the baseline (one run: its spread between runs is unknown, so the band is wide).
//   npm run compare -- reports/<before>/results.json reports/<after>/results.json [--min-tolerance 0.1] [--z 3]
//   npm run compare -- --bands [baselines/smoke]   what each committed baseline could catch: its runs and bands
// Exit status: 0 no regression, 1 a regression, 2 bad input.
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { baselineBands } from '../tests/support/budget/bands.ts';
import { compareWithBaseline, currentEnvironment, toBaseline } from '../tests/support/budget/baseline.ts';
import { formatChecks } from '../tests/support/budget/slo.ts';
import type { RunResult } from '../tests/support/engine/result.ts';
import type { RunReport } from '../tests/support/report/run-report.ts';

const { values: o, positionals } = parseArgs({ allowPositionals: true, options: { 'min-tolerance': { type: 'string', default: '0.1' }, z: { type: 'string', default: '3' }, bands: { type: 'boolean' } } });
if (o.bands) {
  const dir = positionals[0] ?? `baselines/${process.env.PERF_PROFILE ?? 'smoke'}`;
  if (!existsSync(dir)) {
    console.error(`npm run compare -- --bands: ${dir} does not exist (name a directory of baselines, e.g. baselines/smoke)`);
    process.exit(2);
  }
  console.log(baselineBands(dir));
  process.exit(0);
}
const load = (path: string | undefined): RunReport => {
  if (!path || !existsSync(path)) {
    console.error(`usage: npm run compare -- BEFORE/results.json AFTER/results.json (${path ? `${path} does not exist` : 'two files are needed'})`);
    process.exit(2);
  }
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as RunReport;
    if (report.schema !== 1 || !Array.isArray(report.cases)) throw new Error('not a results.json of mcp-perf (schema 1)');
    return report;
  } catch (error) {
    console.error(`${path} cannot be read: ${(error as Error).message}`);
    process.exit(2);
  }
};
const [before, after] = [load(positionals[0]), load(positionals[1])];
const scenarios = (r: RunReport) => new Map<string, RunResult>(r.cases.flatMap((c) => c.record?.results ?? []).map((x) => [x.scenario, x]));
const a = scenarios(before);
const b = scenarios(after);
if (before.run.profile !== after.run.profile) console.log(`note: profiles differ (${before.run.profile} vs ${after.run.profile}); rates and durations may not match`);
let regressions = 0;
for (const [name, now] of b) {
  const then = a.get(name);
  if (!then) {
    console.log(`\n${name}: new in the second run, nothing to compare`);
    continue;
  }
  const cmp = compareWithBaseline(now, toBaseline(then, before.run.profile, before.run.calibrationP50, currentEnvironment()), after.run.calibrationP50, {
    minTolerance: Number(o['min-tolerance']), z: Number(o.z),
  });
  if (!cmp.pass) regressions++;
  console.log(`\n${name}: ${cmp.pass ? 'no regression' : 'REGRESSION'} (calibration x${cmp.calibrationRatio?.toFixed(2) ?? 'n/a'}; rate ${then.rate.achieved} -> ${now.rate.achieved}/s)`);
  console.log(formatChecks(cmp.rows).replace(/^/gm, '  '));
}
for (const name of a.keys()) if (!b.has(name)) console.log(`\n${name}: missing from the second run`);
console.log(`\n${regressions ? `${regressions} scenario(s) regressed` : 'no scenario regressed'}`);
process.exit(regressions ? 1 : 0);
