// The nightly history: every nightly run's headline figures appended to one JSON file (kept on a branch or as
// an artifact), a change-point check over the trailing runs that flags shifts a single comparison misses, and a
// trend page of every figure over the runs with the change points marked.
//   npm run history -- append reports/<run>/results.json... [--file history.json] [--commit <sha>]   (oldest first)
//   npm run history -- check [--file history.json] [--window 30] [--min-change 0.05] [--alpha 0.01] [--page trend.html]
//   npm run history -- page [--file history.json] [--out trend.html]
// Exit status: 0 no worsening shift; 1 a figure shifted for the worse and stayed there; 2 bad input.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { entryFrom, MAX_ENTRIES, shifts, trendPage, type History } from '../tests/support/report/history.ts';
import type { RunReport } from '../tests/support/report/run-report.ts';
import { textTable } from '../tests/support/shared/text-table.ts';
import { nearestOf, parseCli, refuse } from './cli.ts';

const USAGE = 'usage: npm run history -- append <results.json>... [--commit <sha>] | check [--page trend.html] | page [--out trend.html]   [--file history.json]';

function fail(message: string): never {
  refuse('history', message);
}

const { values: o, positionals } = parseCli('history', {
  file: { type: 'string', default: 'history.json' }, commit: { type: 'string' }, page: { type: 'string' }, out: { type: 'string', default: 'trend.html' },
  window: { type: 'string', default: '30' }, 'min-change': { type: 'string', default: '0.05' }, alpha: { type: 'string', default: '0.01' },
}, USAGE);
const [command, ...inputs] = positionals;

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

function judged(history: History) {
  const window = Number(o.window);
  const minChange = Number(o['min-change']);
  const alpha = Number(o.alpha);
  if (!Number.isInteger(window) || window < 6) fail('--window must be a whole number >= 6');
  if (!(minChange >= 0)) fail('--min-change must be a number >= 0 (0.05: shifts of 5% or more)');
  if (!(alpha > 0 && alpha < 1)) fail('--alpha must be a number between 0 and 1 (0.01)');
  return { window, minChange, alpha, found: shifts(history, { window, minChange, alpha }) };
}

if (command === 'append') {
  if (inputs.length === 0) fail('usage: npm run history -- append reports/<run>/results.json... [--file history.json] (no results.json given)');
  if (o.commit && inputs.length > 1) fail('--commit names one run\'s commit: append one results.json with it');
  const history = load(o.file);
  for (const input of inputs) {
    if (!existsSync(input)) fail(`${input} does not exist (npm run history -- append reports/<run>/results.json)`);
    const report = JSON.parse(readFileSync(input, 'utf8')) as RunReport;
    if (report.schema !== 1 || !Array.isArray(report.cases)) fail(`${input} is not a results.json of mcp-perf`);
    const entry = entryFrom(report, o.commit);
    history.entries.push(entry);
    const sides = Object.keys(entry.sideBySide ?? {}).length;
    console.log(`history: appended ${report.run.id} (${Object.keys(entry.figures).length} scenarios${sides ? `, ${sides} figures side by side` : ''})`);
  }
  history.entries = history.entries.slice(-MAX_ENTRIES);
  mkdirSync(dirname(o.file), { recursive: true });
  writeFileSync(o.file, `${JSON.stringify(history, null, 1)}\n`);
  console.log(`history: ${history.entries.length} runs in all in ${o.file}`);
} else if (command === 'check') {
  const history = load(o.file);
  const { window, minChange, alpha, found } = judged(history);
  console.log(`history: ${history.entries.length} runs in ${o.file}; change points over the last ${window} runs of each series (profile, gateway, MCP revision; shifts of at least ${(minChange * 100).toFixed(0)}%, p < ${alpha})`);
  if (found.length) {
    console.log(textTable([['', 'series', 'scenario', 'metric', 'before', 'after', 'change', 'from run', 'p'], ...found.map((f) => [
      f.worse ? 'WORSE' : 'better', f.series, f.scenario, f.metric, String(+f.before.toFixed(3)), String(+f.after.toFixed(3)), `${f.change >= 0 ? '+' : ''}${(f.change * 100).toFixed(1)}%`,
      `${f.from.run}${f.from.commit ? ` (${f.from.commit.slice(0, 10)})` : ''}`, f.p.toFixed(3),
    ])]));
  } else console.log('history: no shift');
  if (o.page) {
    writeFileSync(o.page, trendPage(history, found));
    console.log(`history: trend page ${o.page}`);
  }
  process.exit(found.some((f) => f.worse) ? 1 : 0);
} else if (command === 'page') {
  const history = load(o.file);
  writeFileSync(o.out, trendPage(history, judged(history).found));
  console.log(`history: trend page of ${history.entries.length} runs: ${o.out}`);
} else {
  fail(command ? `unknown command '${command}'${nearestOf(command, ['append', 'check', 'page'])}: append, check or page` : `append, check or page? ${USAGE}`);
}
