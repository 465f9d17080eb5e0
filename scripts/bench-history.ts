// Does the nightly history catch drift? Real short runs, two histories side by side: the first --clean runs go into
// both; then, alternately, a run with a known regression (PERF_GATEWAY_EXTRA_CPU_MS, the gate benchmark's wrapper)
// into the "injected" history and a plain run into the "clean" one, so the machine's drift hits both alike. Then
// the history check (npm run history -- check) over each, and each one's trend page. The injected history must be
// flagged at its first injected run (or within the detector's delay) and name it; the clean one must raise nothing.
//   npm run bench:history -- [--file tests/perf/sustained.perf.ts] [--clean 6] [--pairs 6] [--extra-cpu-ms 2] [--profile smoke]
// Or, from the gate benchmark's runs (fresh stacks, the head slowed by a known share against the base, measured
// side by side), with no new run: the clean history is every A/A run in order, the injected one the first --clean
// A/A runs and then every run of the size asked (npm run bench:gate -- --plan 0:6,0.05:6 makes both):
//   npm run bench:history -- --from-gate reports/bench-gate-<a>,reports/bench-gate-<b> --size 0.05 [--clean 6] [--min-change 0.03]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { entryFrom, POOLED_CPU, shifts, type History, type HistoryEntry, type Shift } from '../tests/support/report/history.ts';
import type { RunReport } from '../tests/support/report/run-report.ts';
import { runPerfFiles } from './lib/perf-files.ts';
import { numberOption, parseCli, refuse } from './cli.ts';

const USAGE = 'usage: npm run bench:history -- [--file tests/perf/sustained.perf.ts] [--clean 6] [--pairs 6] [--extra-cpu-ms 2] [--profile smoke] [--min-change 0.05]\n       npm run bench:history -- --from-gate <bench-gate dir>[,<dir>...] --size 0.05 [--clean 6] [--min-change 0.05]';
const { values: o } = parseCli('bench:history', {
  file: { type: 'string', default: 'tests/perf/sustained.perf.ts' }, clean: { type: 'string', default: '6' }, pairs: { type: 'string', default: '6' },
  'extra-cpu-ms': { type: 'string', default: '2' }, profile: { type: 'string', default: 'smoke' },
  'from-gate': { type: 'string' }, size: { type: 'string' }, 'min-change': { type: 'string', default: '0.05' },
}, USAGE);
const clean = numberOption('bench:history', 'clean', o.clean, { min: 3, integer: true });
const pairs = numberOption('bench:history', 'pairs', o.pairs, { min: 3, integer: true });
const extraMs = numberOption('bench:history', 'extra-cpu-ms', o['extra-cpu-ms'], { min: 0.001 });
const minChange = numberOption('bench:history', 'min-change', o['min-change'], { min: 0 });
const root = fileURLToPath(new URL('..', import.meta.url));
const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
const dir = join(root, 'reports', `bench-history-${stamp}`);
mkdirSync(dir, { recursive: true });
const files = o.file.split(',');
const histories: Record<'clean' | 'injected', History> = { clean: { schema: 1, entries: [] }, injected: { schema: 1, entries: [] } };
if (o['from-gate']) {
  fromGate(o['from-gate'].split(','));
  report();
  process.exit(0);
}
const plan: { id: string; into: ('clean' | 'injected')[]; ms: number }[] = [
  ...Array.from({ length: clean }, (_, i) => ({ id: `run-${String(i + 1).padStart(2, '0')}-both`, into: ['clean', 'injected'] as ('clean' | 'injected')[], ms: 0 })),
  ...Array.from({ length: pairs }, (_, i) => [
    { id: `run-${String(clean + 2 * i + 1).padStart(2, '0')}-injected`, into: ['injected'] as ('clean' | 'injected')[], ms: extraMs },
    { id: `run-${String(clean + 2 * i + 2).padStart(2, '0')}-clean`, into: ['clean'] as ('clean' | 'injected')[], ms: 0 },
  ]).flat(),
];
console.log(`bench:history: ${plan.length} runs of ${files.join(', ')} (${o.profile}); the injected history gets +${extraMs} ms of gateway CPU per MCP request from its run ${clean + 1} on; ${dir}`);
for (const [k, run] of plan.entries()) {
  const t0 = Date.now();
  const runId = `bench-history-${stamp}/${run.id}`;
  const status = await runPerfFiles(files, { PERF_RUN_ID: runId, PERF_PROFILE: o.profile, PERF_GATEWAY_EXTRA_CPU_MS: String(run.ms) }, join(dir, `${run.id}.log`), 20 * 60_000);
  const results = join(root, 'reports', runId, 'results.json');
  if (!existsSync(results)) {
    console.error(`bench:history: ${run.id} left no results.json (exit ${status}; its log: ${join(dir, `${run.id}.log`)})`);
    process.exit(1);
  }
  const entry = entryFrom(JSON.parse(readFileSync(results, 'utf8')) as RunReport);
  for (const h of run.into) histories[h].entries.push(entry);
  const first = Object.entries(entry.figures)[0];
  console.log(`bench:history: ${k + 1}/${plan.length} ${run.id} (+${run.ms} ms) exit ${status}, ${((Date.now() - t0) / 1000).toFixed(0)} s${first ? `; ${first[0]}: p50 ${first[1].p50} ms, CPU ${first[1].cpuMsPerCall ?? '-'} ms/call` : ''}`);
}
report();

/** The two histories from bench:gate runs already made: each run's results.json, in the order the runs ran. */
function fromGate(dirs: string[]): void {
  const size = Number(o.size);
  if (!(size > 0)) {
    refuse('bench:history', `--from-gate needs --size, the injected runs' size (e.g. 0.05 for +5%), got ${o.size ?? 'none'}`);
  }
  const aa: HistoryEntry[] = [];
  const slowed: HistoryEntry[] = [];
  for (const d of dirs) {
    const runsFile = join(d, 'runs.json');
    if (!existsSync(runsFile)) {
      refuse('bench:history', `${d} holds no runs.json: not a bench:gate directory (reports/bench-gate-<when>)`);
    }
    const { records } = JSON.parse(readFileSync(runsFile, 'utf8')) as { records: { run: number; size: number; effective: number }[] };
    for (const r of records) {
      if (r.size !== 0 && r.size !== size) continue;
      const results = join(d, `run-${String(r.run).padStart(2, '0')}-size-${r.size}`, 'results.json');
      if (!existsSync(results)) {
        console.error(`bench:history: ${results} is missing (run ${r.run} of ${d})`);
        process.exit(1);
      }
      const entry = entryFrom(JSON.parse(readFileSync(results, 'utf8')) as RunReport);
      (r.size === 0 ? aa : slowed).push(entry);
      console.log(`bench:history: ${entry.run} (${d}), size ${r.size}${r.size ? ` (really added ${(r.effective * 100).toFixed(1)}%)` : ''}: pooled CPU per call head/base ${entry.sideBySide?.[POOLED_CPU]?.ratio ?? '-'}`);
    }
  }
  if (aa.length < clean || slowed.length < 3) {
    console.error(`bench:history: ${aa.length} A/A run(s) and ${slowed.length} at size ${size}: --clean ${clean} A/A runs and at least 3 slowed ones are needed`);
    process.exit(1);
  }
  histories.clean.entries = aa;
  histories.injected.entries = [...aa.slice(0, clean), ...slowed];
}

/** Each history written, checked (npm run history -- check) and drawn. */
function report(): void {
  for (const name of ['clean', 'injected'] as const) {
    const file = join(dir, `history-${name}.json`);
    writeFileSync(file, `${JSON.stringify(histories[name], null, 1)}\n`);
    const check = spawnSync(process.execPath, [join(root, 'scripts/history.ts'), 'check', '--file', file, '--min-change', String(minChange), '--page', join(dir, `trend-${name}.html`)], { encoding: 'utf8' });
    console.log(`\n== the ${name} history (${histories[name].entries.length} runs${name === 'injected' ? `, injected from run ${clean + 1}: ${histories.injected.entries[clean]?.run}` : ''}): check exit ${check.status}\n${check.stdout}${check.stderr}`);
  }
  nightByNight();
}

/**
 * As a nightly job sees it: the check after each night from run clean+1 on, over the runs so far. In the injected
 * history the first night flagged gives the detector's delay (nights after the step) and whether it named the step's
 * run; in the clean one every flagged night is a false alarm a nightly job would have raised.
 */
function nightByNight(): void {
  for (const name of ['clean', 'injected'] as const) {
    const entries = histories[name].entries;
    const lines: string[] = [];
    let firstFlagged: { night: number; at: string } | undefined;
    let falseAlarms = 0;
    // Runs of different benchmarks share ids (run-02-size-0.05): a night is named by its place in the history.
    const at = (f: Shift) => `night ${entries.indexOf(f.from) + 1} (${f.from.run})`;
    for (let night = clean + 1; night <= entries.length; night++) {
      const worse = shifts({ schema: 1, entries: entries.slice(0, night) }, { window: 30, minChange, alpha: 0.01 }).filter((f) => f.worse);
      // In the injected history a shift found at or after the step is the step; one before it, or any in the clean one, is a false alarm.
      const atStep = worse.filter((f) => name === 'injected' && entries.indexOf(f.from) >= clean);
      if (atStep.length < worse.length) falseAlarms++;
      if (atStep.length && !firstFlagged) firstFlagged = { night, at: [...new Set(atStep.map(at))].join(', ') };
      lines.push(`  night ${String(night).padStart(2)}: ${worse.length ? `WORSE ${worse.map((f) => `${f.scenario} ${f.metric} ${f.change >= 0 ? '+' : ''}${(f.change * 100).toFixed(1)}% from ${at(f)} (p ${f.p.toFixed(4)})`).join('; ')}` : 'nothing'}`);
    }
    const nights = entries.length - clean;
    console.log(`\n== night by night, the ${name} history (the check after each of nights ${clean + 1}..${entries.length}, --min-change ${minChange}, p < 0.01)\n${lines.join('\n')}`);
    const step = !firstFlagged ? `the step from night ${clean + 1} was NOT flagged in the ${nights} nights after it` : `the step from night ${clean + 1} was first flagged on night ${firstFlagged.night} (a delay of ${firstFlagged.night - clean - 1} night(s)), the change placed at ${firstFlagged.at}`;
    console.log(`  ${name === 'injected' ? `${step}; ` : ''}false alarms: ${falseAlarms} of ${nights} nights`);
  }
}
