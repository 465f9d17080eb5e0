// What slowdown does each check of a perf case catch? Runs one perf file as users run it (vitest, the perf config)
// on gateways slowed on purpose by a known extra CPU cost per MCP request (PERF_GATEWAY_EXTRA_CPU_MS, the gate
// benchmark's wrapper): 0 and each of --sizes (ms), every run on a stack started for it alone, sizes interleaved
// over --runs rounds so the machine's drift hits all alike. Prints, for every check of every case (each SLO row and
// each baseline row), its verdict and figure at each size, the gateway's CPU per call each run measured, and the
// smallest size that failed the check in every run at it and every larger size. A check that passes at every
// size could not catch a slowdown of that size on this machine. With --record N (default 5) it first records a
// baseline of N unslowed runs on this machine into its own directory (as npm run perf:baseline does) and judges
// every run against it (PERF_BASELINE=judge), so the baseline rows are verdicts, their unslowed failures false
// alarms; --record 0 uses baselines/ as it is (rows recorded on another stack are then reported, not judged).
// --paths all slows every HTTP request (REST reads and writes, /health), not only the MCP endpoints, so the checks of
// cases that never call MCP can be seen failing too; --file takes several files, comma-separated, run on one stack.
// Judges nothing itself; exits 0 when every run ran.
//   npm run bench:budgets [-- --file tests/perf/baseline.perf.ts --sizes 10,25,50,100 --runs 1 --record 5 --profile smoke --paths mcp]
//   npm run bench:budgets -- --summarize reports/bench-budgets-<time>/runs.json   (the table again, no runs)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunReport } from '../tests/support/report/run-report.ts';
import { checkCells, gatewayCpuPerCall, sensitivityTable, type SlowedRun } from '../tests/support/report/budget-sensitivity.ts';
import { textTable } from '../tests/support/shared/text-table.ts';
import { runPerfFiles } from './lib/perf-files.ts';
import { parseCli, refuse } from './cli.ts';
import { config } from '../tests/support/shared/config.ts';

const USAGE = `usage: npm run bench:budgets [-- --file tests/perf/baseline.perf.ts[,more] --sizes 10,25,50,100 --runs 1 --record 5 --profile smoke --paths mcp|all --timeout-minutes 30]
       npm run bench:budgets -- --summarize reports/bench-budgets-<time>/runs.json   (the table again, no runs)
  --sizes MS,...  the gateway's extra CPU per request in each slowed run   --record N  unslowed runs recorded first (0: baselines/ as it is)`;
const { values: o } = parseCli('bench:budgets', {
  file: { type: 'string', default: 'tests/perf/baseline.perf.ts' },
  sizes: { type: 'string', default: '10,25,50,100' },
  runs: { type: 'string', default: '1' },
  record: { type: 'string', default: '5' },
  profile: { type: 'string', default: 'smoke' },
  'timeout-minutes': { type: 'string', default: '30' },
  paths: { type: 'string', default: 'mcp' },
  summarize: { type: 'string' },
}, USAGE);

interface RunRecord extends SlowedRun { round: number; exit: number | null; seconds: number }

const root = fileURLToPath(new URL('..', import.meta.url));
const reportsDir = config().PERF_REPORTS_DIR ?? join(root, 'reports');

function fail(message: string): never {
  refuse('bench:budgets', message);
}

const files = o.file.split(',').map((f) => f.trim()).filter(Boolean);
const runOnce = (env: Record<string, string>, runId: string, logPath: string, timeoutMs: number) =>
  runPerfFiles(files, { ...env, PERF_PROFILE: o.profile, PERF_RUN_ID: runId, PERF_GATEWAY_EXTRA_CPU_PATHS: o.paths }, logPath, timeoutMs);

function summarize(records: RunRecord[]): void {
  console.log(textTable(sensitivityTable(records)));
  console.log('"- (not reached)": the case stopped at an earlier failed check. A baseline row "not judged" was recorded on another stack or mode, or had too few samples beyond it.');
  console.log(`runs: ${records.map((r) => `${r.runId} exit ${r.exit} ${r.seconds.toFixed(0)} s`).join('; ')}`);
}

if (o.summarize) {
  let saved: { records: RunRecord[] };
  try {
    saved = JSON.parse(readFileSync(o.summarize, 'utf8')) as typeof saved;
    if (!Array.isArray(saved.records)) throw new Error('it has no "records" list');
  } catch (error) {
    fail(`--summarize: cannot read ${o.summarize}: ${(error as Error).message}. Give a runs.json this benchmark wrote (reports/bench-budgets-<time>/runs.json).`);
  }
  summarize(saved.records);
  process.exit(0);
}

for (const f of files) if (!existsSync(join(root, f))) fail(`--file ${f}: no such perf file; give one or more of tests/perf/*.perf.ts, comma-separated`);
if (o.paths !== 'mcp' && o.paths !== 'all') fail(`--paths ${o.paths}: give mcp (the MCP endpoints only) or all (every HTTP request)`);
const sizes = [0, ...o.sizes.split(',').map((s) => s.trim()).filter(Boolean).map(Number)];
if (sizes.some((s) => !Number.isFinite(s) || s < 0)) fail(`--sizes ${o.sizes}: give ms of extra CPU per MCP request as numbers >= 0, e.g. 25,50,100`);
const rounds = Number(o.runs);
if (!Number.isInteger(rounds) || rounds < 1) fail(`--runs ${o.runs}: give a whole number of rounds >= 1`);
const recordRuns = Number(o.record);
if (!Number.isInteger(recordRuns) || recordRuns < 0) fail(`--record ${o.record}: give how many unslowed runs the baseline holds (0: use baselines/ as it is)`);
const timeoutMinutes = Number(o['timeout-minutes']);
if (!(timeoutMinutes > 0)) fail(`--timeout-minutes ${o['timeout-minutes']}: give minutes > 0`);

const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const dir = join(reportsDir, `bench-budgets-${stamp}`);
mkdirSync(dir, { recursive: true });
const records: RunRecord[] = [];
console.log(`[bench:budgets] ${files.join(', ')}, profile ${o.profile}: extra CPU per ${o.paths === 'all' ? 'HTTP' : 'MCP'} request ${sizes.join(', ')} ms, ${rounds} round(s), a stack per run; logs and runs.json in ${dir}`);
const judging: Record<string, string> = {};
if (recordRuns > 0) {
  const baselines = join(dir, 'baselines');
  for (let i = 1; i <= recordRuns; i++) {
    const runId = `bench-budgets-${stamp}-baseline-${i}`;
    const env = { PERF_GATEWAY_EXTRA_CPU_MS: '0', PERF_BASELINE: i === 1 ? 'record' : 'add', PERF_BASELINE_DIR: baselines };
    const exit = await runOnce(env, runId, join(dir, `${runId}.log`), timeoutMinutes * 60_000);
    // A case that fails before its baseline check records nothing for it: said, and that row is then not judged.
    console.log(`[bench:budgets] baseline run ${i} of ${recordRuns}: exit ${exit}${exit === 0 ? '' : ` (some case failed: read ${join(dir, `${runId}.log`)})`}`);
  }
  Object.assign(judging, { PERF_BASELINE: 'judge', PERF_BASELINE_DIR: baselines });
  console.log(`[bench:budgets] every run below is judged against that baseline (${baselines})`);
}
for (let round = 1; round <= rounds; round++) {
  // Alternate the direction each round, so no size always runs first or last.
  for (const size of round % 2 ? sizes : [...sizes].reverse()) {
    const runId = `bench-budgets-${stamp}-r${round}-extra-${size}ms`;
    const started = Date.now();
    const exit = await runOnce({ ...judging, PERF_GATEWAY_EXTRA_CPU_MS: String(size) }, runId, join(dir, `${runId}.log`), timeoutMinutes * 60_000);
    const results = join(reportsDir, runId, 'results.json');
    if (!existsSync(results)) fail(`${runId} exited ${exit} and wrote no ${results}: read ${join(dir, `${runId}.log`)}`);
    const report = JSON.parse(readFileSync(results, 'utf8')) as RunReport;
    const record: RunRecord = {
      size, round, runId, exit, checks: checkCells(report), cpuMsPerCall: gatewayCpuPerCall(report), seconds: (Date.now() - started) / 1000,
    };
    records.push(record);
    writeFileSync(join(dir, 'runs.json'), JSON.stringify({ files, profile: o.profile, paths: o.paths, baselineRuns: recordRuns, records }, null, 2));
    const failed = record.checks.filter((c) => c.judged && !c.pass).map((c) => c.key);
    console.log(`[bench:budgets] round ${round}, +${size} ms: exit ${exit}, ${record.seconds.toFixed(0)} s, ${failed.length ? `failed: ${failed.join('; ')}` : 'every check passed'}`);
  }
}
summarize(records);
