// Compares two runs of the perf suite (their results.json), scenario by scenario, with the same method
// as toMatchBaseline: the first run is the baseline (one run: its spread between runs is unknown, so the band is wide).
//   npm run compare -- reports/<before>/results.json reports/<after>/results.json [--min-tolerance 0.1] [--z 3]
//   npm run compare -- --bands [baselines/smoke] [--profile smoke]   what each committed baseline could catch: its runs and bands
//     (files are read as a run of the profile would: the directory's name, or its parent's, else PERF_PROFILE)
//   npm run compare -- --against baselines/smoke reports/<run>/results.json ...   finished runs judged against a directory of baselines
// Exit status: 0 no regression, 1 a regression, 2 bad input.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { baselineBands } from '../tests/support/budget/bands.ts';
import { rejudgeRun } from '../tests/support/report/rejudge.ts';
import { compareWithBaseline, currentEnvironment, toBaseline } from '../tests/support/budget/baseline.ts';
import { formatChecks } from '../tests/support/budget/slo.ts';
import type { RunResult } from '../tests/support/engine/result.ts';
import type { RunReport } from '../tests/support/report/run-report.ts';
import { PROFILES, isProfile } from '../tests/support/shared/profile.ts';
import { config } from '../tests/support/shared/config.ts';
import { numberOption, parseCli, refuse } from './cli.ts';

const USAGE = `usage: npm run compare -- BEFORE/results.json AFTER/results.json [--min-tolerance 0.1] [--z 3]
       npm run compare -- --bands [baselines/smoke] [--profile smoke]    what each committed baseline could catch
       npm run compare -- --against baselines/smoke <run>/results.json ...    finished runs judged against a directory of baselines
  exit 0 no regression, 1 a regression, 2 bad input`;
const { values: o, positionals } = parseCli('compare', {
  'min-tolerance': { type: 'string', default: '0.1' }, z: { type: 'string', default: '3' }, bands: { type: 'boolean' }, against: { type: 'string' }, profile: { type: 'string' },
}, USAGE);
function fail(line: string): never {
  refuse('compare', line);
}
const minTolerance = numberOption('compare', 'min-tolerance', o['min-tolerance'], { min: 0 });
const z = numberOption('compare', 'z', o.z, { min: 0 });
if (o.bands) {
  const dir = positionals[0] ?? `baselines/${config().PERF_PROFILE}`;
  if (!existsSync(dir)) {
    fail(`--bands: ${dir} does not exist (name a directory of baselines, e.g. baselines/smoke)`);
  }
  const named = [basename(resolve(dir)), basename(dirname(resolve(dir)))].find(isProfile);
  const profile = o.profile ?? named ?? config().PERF_PROFILE;
  if (!isProfile(profile)) {
    fail(`--bands: --profile ${profile} is not a profile (${PROFILES.join(', ')})`);
  }
  console.log(`baselines in ${dir}, read as profile ${profile}'s\n`);
  console.log(baselineBands(dir, profile));
  process.exit(0);
}
const load = (path: string | undefined, usage = 'npm run compare -- BEFORE/results.json AFTER/results.json'): RunReport => {
  if (!path || !existsSync(path)) {
    fail(`${path ? `${path} does not exist` : 'two files are needed'}: ${usage}`);
  }
  try {
    const report = JSON.parse(readFileSync(path, 'utf8')) as RunReport;
    if (report.schema !== 1 || !Array.isArray(report.cases)) throw new Error('not a results.json of mcp-perf (schema 1)');
    return report;
  } catch (error) {
    fail(`${path} cannot be read: ${(error as Error).message}`);
  }
};
if (o.against !== undefined) {
  const usage = 'npm run compare -- --against <baselines dir> <results.json> ...';
  if (!existsSync(o.against) || positionals.length === 0) {
    fail(`${existsSync(o.against) ? 'name at least one results.json' : `${o.against} does not exist`}: ${usage}`);
  }
  let outside = 0;
  let checks = 0;
  for (const path of positionals) {
    const report = load(path, usage);
    const { judged, unusable, figuresRecorded } = rejudgeRun(report, o.against);
    console.log(`\n${path} (${report.run.id}, ${report.run.profile}, started ${report.run.startedAt}): ${judged.length} phase(s) and figure(s) with a baseline in ${o.against}` +
      (figuresRecorded ? '' : '; this results.json holds no headline figures (written before they were recorded), so only load phases are judged'));
    for (const j of judged) {
      const rows = j.rows.filter((r) => r.judged !== false);
      checks += rows.length;
      outside += rows.filter((r) => !r.pass).length;
      console.log(`  ${j.pass ? 'within ' : 'OUTSIDE'}  ${j.name}: ${rows.map((r) => `${j.kind === 'figure' ? '' : `${r.metric} `}${r.measured}${r.pass ? '' : ` > ${r.target}`}`).join('; ')}` +
        (j.otherStack.length ? ` [baseline recorded on another stack: ${j.otherStack.join('; ')}]` : ''));
    }
    for (const u of unusable) console.log(`  NOT USED ${u}`);
  }
  console.log(`\n${outside} of ${checks} checks (percentiles, error rates, figures) outside their band, over ${positionals.length} run(s)`);
  process.exit(outside ? 1 : 0);
}
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
    minTolerance, z,
  });
  if (!cmp.pass) regressions++;
  console.log(`\n${name}: ${cmp.pass ? 'no regression' : 'REGRESSION'} (calibration x${cmp.calibrationRatio?.toFixed(2) ?? 'n/a'}; rate ${then.rate.achieved} -> ${now.rate.achieved}/s)`);
  console.log(formatChecks(cmp.rows).replace(/^/gm, '  '));
}
for (const name of a.keys()) if (!b.has(name)) console.log(`\n${name}: missing from the second run`);
console.log(`\n${regressions ? `${regressions} scenario(s) regressed` : 'no scenario regressed'}`);
process.exit(regressions ? 1 : 0);
