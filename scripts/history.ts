// The nightly history: every nightly run's headline figures appended to one JSON file (kept on a branch or as
// an artifact), and a change-point check over the trailing runs that flags shifts a single comparison misses.
//   npm run history -- append reports/<run>/results.json [--file history.json] [--commit <sha>]
//   npm run history -- check [--file history.json] [--window 30] [--min-change 0.05] [--alpha 0.01]
// Exit status: 0 no worsening shift; 1 a figure shifted for the worse and stayed there; 2 bad input.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { findChangePoint } from '../tests/support/analysis/change-point.ts';
import type { RunReport } from '../tests/support/report/run-report.ts';
import { textTable } from '../tests/support/shared/text-table.ts';

interface Figures {
  p50: number;
  p95: number;
  p99: number;
  errorRate: number;
  rate: number;
}

interface HistoryEntry {
  run: string;
  startedAt: string;
  profile: string;
  commit?: string;
  gateway?: string;
  figures: Record<string, Figures>;
}

interface History {
  schema: 1;
  entries: HistoryEntry[];
}

const MAX_ENTRIES = 400;
const WORSE: Record<keyof Figures, 1 | -1> = { p50: 1, p95: 1, p99: 1, errorRate: 1, rate: -1 };

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const { values: o, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    file: { type: 'string', default: 'history.json' }, commit: { type: 'string' },
    window: { type: 'string', default: '30' }, 'min-change': { type: 'string', default: '0.05' }, alpha: { type: 'string', default: '0.01' },
  },
});
const [command, input] = positionals;

function load(path: string): History {
  if (!existsSync(path)) return { schema: 1, entries: [] };
  try {
    const h = JSON.parse(readFileSync(path, 'utf8')) as History;
    if (h.schema !== 1 || !Array.isArray(h.entries)) throw new Error('not an mcp-perf history (schema 1)');
    return h;
  } catch (error) {
    return fail(`${path} cannot be read: ${(error as Error).message}. Move it aside to start a new history.`);
  }
}

if (command === 'append') {
  if (!input || !existsSync(input)) fail(`usage: npm run history -- append reports/<run>/results.json [--file history.json] (${input ? `${input} does not exist` : 'no results.json given'})`);
  const report = JSON.parse(readFileSync(input, 'utf8')) as RunReport;
  if (report.schema !== 1 || !Array.isArray(report.cases)) fail(`${input} is not a results.json of mcp-perf`);
  const figures: Record<string, Figures> = {};
  for (const c of report.cases) {
    if (c.state !== 'passed' && c.state !== 'failed') continue;
    for (const r of c.record?.results ?? []) figures[r.scenario] = { p50: r.latency.p50, p95: r.latency.p95, p99: r.latency.p99, errorRate: r.errorRate, rate: r.rate.achieved };
  }
  const history = load(o.file);
  const gw = report.run.stack?.gateway;
  history.entries.push({ run: report.run.id, startedAt: report.run.startedAt, profile: report.run.profile, commit: o.commit, gateway: gw ? `${gw.kind} ${gw.version}` : undefined, figures });
  history.entries = history.entries.slice(-MAX_ENTRIES);
  writeFileSync(o.file, `${JSON.stringify(history, null, 1)}\n`);
  console.log(`history: appended ${report.run.id} (${Object.keys(figures).length} scenarios) to ${o.file}; ${history.entries.length} runs in all`);
} else if (command === 'check') {
  const history = load(o.file);
  const window = Number(o.window);
  const minChange = Number(o['min-change']);
  const alpha = Number(o.alpha);
  if (!Number.isInteger(window) || window < 6) fail('--window must be a whole number >= 6');
  const rows: string[][] = [];
  let worse = 0;
  for (const profile of [...new Set(history.entries.map((e) => e.profile))]) {
    const entries = history.entries.filter((e) => e.profile === profile).slice(-window);
    const scenarios = [...new Set(entries.flatMap((e) => Object.keys(e.figures)))];
    for (const scenario of scenarios) {
      for (const metric of Object.keys(WORSE) as (keyof Figures)[]) {
        const series = entries.map((e) => e.figures[scenario]?.[metric]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
        const cp = findChangePoint(series, { alpha, minChange });
        if (!cp) continue;
        const isWorse = Math.sign(cp.after - cp.before) === WORSE[metric];
        if (isWorse) worse++;
        const at = entries.filter((e) => typeof e.figures[scenario]?.[metric] === 'number')[cp.index];
        rows.push([isWorse ? 'WORSE' : 'better', profile, scenario, metric, String(+cp.before.toFixed(3)), String(+cp.after.toFixed(3)), `${cp.change >= 0 ? '+' : ''}${(cp.change * 100).toFixed(1)}%`, at ? `${at.run}${at.commit ? ` (${at.commit.slice(0, 10)})` : ''}` : '?', cp.p.toFixed(3)]);
      }
    }
  }
  console.log(`history: ${history.entries.length} runs in ${o.file}; change points over the last ${window} runs of each profile (shifts of at least ${(minChange * 100).toFixed(0)}%, p < ${alpha})`);
  if (rows.length) console.log(textTable([['', 'profile', 'scenario', 'metric', 'before', 'after', 'change', 'from run', 'p'], ...rows]));
  else console.log('history: no shift');
  process.exit(worse ? 1 : 0);
} else {
  fail('usage: npm run history -- append <results.json> | check   [--file history.json]');
}
