// The gate's run-to-run noise, from A/A runs (the same image on both sides): how much more their head/base
// estimates spread than their own intervals allowed. The gate adds it to every interval (budget/run-to-run.ts).
//   npm run gate:noise -- reports/aa-1 reports/aa-2 reports/bench-gate-<time>/run-* ... [--out baselines/gate-noise.json]
// A/A runs come from `npm run perf:ab -- --base <image> --head <image>` (same image) or bench:gate's 0% runs;
// runs that are not A/A are listed and left out. Exit status: 0 written; 2 bad input or too few A/A runs.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { ADAPTERS, DEFAULT_GATEWAY } from '../tests/support/gateway/adapters.ts';
import { wilsonRate } from '../tests/support/analysis/wilson.ts';
import { defaultNoiseFile, DEFAULT_NOISE_FILE, estimateRunToRun, leaveOneOut, MIN_AA_RUNS, type RunToRunNoise } from '../tests/support/budget/run-to-run.ts';
import { regressedCase, type AbOutcome } from '../tests/support/shared/ab-outcome.ts';
import type { RunInfoFile } from '../tests/support/shared/run-dir.ts';
import { textTable } from '../tests/support/shared/text-table.ts';
import { parseCli } from './cli.ts';

const usage = `usage: npm run gate:noise -- <A/A run dir>... [--out <file>] (default ${DEFAULT_NOISE_FILE}, or baselines/<gateway>/gate-noise.json for another gateway)`;
const { values: o, positionals: dirs } = parseCli('gate:noise', { out: { type: 'string' } }, usage);
if (dirs.length === 0) {
  console.log(usage);
  process.exit(2);
}

interface ResultsFile {
  run?: { startedAt?: string };
  cases?: { record?: { ab?: AbOutcome[] } }[];
}

const readJson = <T>(path: string): T => {
  if (!existsSync(path)) throw new Error(`${path} is missing: give the directories of finished A/B runs (reports/<run id>)`);
  return JSON.parse(readFileSync(path, 'utf8')) as T;
};

const runs: AbOutcome[][] = [];
const kinds = new Set<string>();
const used: string[] = [];
const dates: string[] = [];
for (const dir of dirs) {
  let info: RunInfoFile;
  let results: ResultsFile;
  try {
    info = readJson<RunInfoFile>(join(dir, 'run-info.json'));
    results = readJson<ResultsFile>(join(dir, 'results.json'));
  } catch (error) {
    console.error(`gate:noise: ${(error as Error).message}`);
    process.exit(2);
  }
  const ab = info.ab;
  if (!ab) {
    console.log(`left out ${dir}: not an A/B run`);
    continue;
  }
  const kind = ab.head.gateway?.kind ?? DEFAULT_GATEWAY;
  const role = ADAPTERS[kind]?.image.role ?? 'gateway';
  const [baseImage, headImage] = [ab.base.images?.[role], ab.head.images?.[role]];
  if (ab.describe.base !== ab.describe.head || baseImage !== headImage || ab.base.gateway?.kind !== kind) {
    console.log(`left out ${dir}: not A/A (base ${ab.describe.base}, head ${ab.describe.head})`);
    continue;
  }
  const outcomes = (results.cases ?? []).flatMap((c) => c.record?.ab ?? []);
  if (outcomes.length === 0) {
    console.log(`left out ${dir}: no A/B case finished`);
    continue;
  }
  runs.push(outcomes);
  kinds.add(kind);
  // bench:gate's runs are reports/bench-gate-<time>/run-NN-size-0: the parent names which benchmark.
  used.push(basename(dirname(dir)) === 'reports' ? basename(dir) : `${basename(dirname(dir))}/${basename(dir)}`);
  if (results.run?.startedAt) dates.push(results.run.startedAt.slice(0, 10));
}

if (kinds.size > 1) {
  console.error(`gate:noise: these A/A runs are of different gateways (${[...kinds].join(', ')}): one gateway's spread says nothing about another's; give one gateway's runs`);
  process.exit(2);
}
const metrics = estimateRunToRun(runs);
if (Object.keys(metrics).length === 0) {
  console.error(`gate:noise: ${runs.length} A/A run(s) usable; at least ${MIN_AA_RUNS} of the same case and metric are needed`);
  process.exit(2);
}
const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;
console.log(textTable([
  ['case | metric', 'A/A runs', 'head/base of each run', 'run-to-run (added to intervals)'],
  ...Object.entries(metrics).map(([key, m]) => [key, String(m.runs), m.ratios.map(pct).join(' '), `±${(Math.expm1(m.sd) * 100).toFixed(1)}%`]),
]));
// The false-alarm rate, the gate's other half: A/A runs that flagged a regression as they were judged (with the noise
// file of their day), and as each would be judged by this estimate made without it.
const unmeasured = new Set<string>();
const alarms = (rs: AbOutcome[][]) => rs.filter((outcomes) => outcomes.some(regressedCase)).length;
console.log(`false alarms (A/A runs that flagged a regression): ${wilsonRate(alarms(runs), runs.length)} as judged then; ${wilsonRate(alarms(leaveOneOut(runs, unmeasured)), runs.length)} with this estimate, each run left out of it`);
if (unmeasured.size) console.log(`  (judged with no run-to-run noise, fewer than ${MIN_AA_RUNS} other A/A runs having measured it: ${[...unmeasured].join('; ')})`);
const sorted = [...new Set(dates)].sort();
const noise: RunToRunNoise = {
  measured: `${runs.length} A/A runs (${used.join(', ')}) on a ${cpus().length}-CPU machine, ${sorted[0] ?? '?'}..${sorted.at(-1) ?? '?'}; npm run gate:noise`,
  metrics,
};
const out = o.out ?? defaultNoiseFile([...kinds][0]);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(noise, null, 2)}\n`);
console.log(`written: ${out} (the gate adds it to every interval; PERF_AB_NOISE=none leaves it out)`);
