// The same cases on each gateway, over standard MCP (PERF_TRANSPORT=mcp), one gateway after the other on this
// machine; then one report with their figures side by side (reports/<id>/gateway-comparison.md).
//   npm run perf:compare-gateways [-- --gateways contextforge,litellm] [--profile smoke] [case files...]
//   npm run perf:compare-gateways -- --from reports/<a>/results.json reports/<b>/results.json   (tables only)
// Exit status: 0 when every gateway's run produced results (its cases may have failed their budgets: that is a
// finding, printed), 2 on bad input or a run that produced no results.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCli, runPerfSuite } from './cli.ts';
import { gatewayComparison, type GatewayRun } from '../tests/support/report/gateway-comparison.ts';
import type { RunReport } from '../tests/support/report/run-report.ts';
import { GATEWAY_KINDS } from '../tests/support/gateway/adapters.ts';
import { REPORTS_DIR } from '../tests/support/shared/run-dir.ts';
import { config, environment } from '../tests/support/shared/config.ts';

/** Cases that run on any gateway over standard MCP: the figures users compare gateways by. */
const DEFAULT_CASES = ['baseline', 'gateway-overhead', 'sustained', 'sessions', 'tool-calls', 'stress', 'spike'].map((c) => `tests/perf/${c}.perf.ts`);
const usage = 'usage: npm run perf:compare-gateways -- [--gateways contextforge,litellm] [--profile smoke|pr|nightly] [case files...] | --from A/results.json B/results.json';

const { values: o, positionals } = parseCli('perf:compare-gateways', { gateways: { type: 'string' }, profile: { type: 'string' }, from: { type: 'boolean' } }, usage);

function readReport(path: string): RunReport {
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const report = JSON.parse(readFileSync(path, 'utf8')) as RunReport;
  if (report.schema !== 1 || !Array.isArray(report.cases)) throw new Error(`${path} is not a results.json of mcp-perf (schema 1)`);
  return report;
}

const id = config().PERF_RUN_ID ?? `gateways-${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}`;
const runs: GatewayRun[] = [];
try {
  if (o.from) {
    if (positionals.length < 2) throw new Error('--from needs two or more results.json files');
    for (const path of positionals) {
      const report = readReport(path);
      runs.push({ gateway: report.run.stack?.gateway?.kind ?? path, report });
    }
  } else {
    const gateways = (o.gateways ?? GATEWAY_KINDS.join(',')).split(',').map((g) => g.trim());
    const unknown = gateways.filter((g) => !GATEWAY_KINDS.includes(g));
    if (unknown.length || gateways.length < 2) throw new Error(`--gateways takes two or more of ${GATEWAY_KINDS.join(', ')} (got ${o.gateways})`);
    for (const gateway of gateways) {
      const runId = `${id}-${gateway}`;
      const env = { ...environment(), PERF_GATEWAY: gateway, PERF_TRANSPORT: 'mcp', PERF_RUN_ID: runId, PERF_PROFILE: o.profile ?? config().PERF_PROFILE };
      console.log(`[compare-gateways] ${gateway}: PERF_GATEWAY=${gateway} PERF_TRANSPORT=mcp PERF_RUN_ID=${runId} vitest run --config vitest.perf.config.ts ...`);
      const run = runPerfSuite(positionals.length ? positionals : DEFAULT_CASES, env, 3 * 3600_000);
      if (run.error) throw new Error(`the run on ${gateway} did not finish: ${run.error.message}`);
      const results = join(REPORTS_DIR, runId, 'results.json');
      if (!existsSync(results)) throw new Error(`the run on ${gateway} wrote no ${results} (vitest exit ${run.status}): see its output above`);
      console.log(`[compare-gateways] ${gateway}: vitest exit ${run.status} (a failed budget is a finding, not a broken run)`);
      runs.push({ gateway, report: readReport(results) });
    }
  }
} catch (error) {
  console.error(`[compare-gateways] ${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const comparison = gatewayComparison(runs);
const dir = join(REPORTS_DIR, id);
mkdirSync(dir, { recursive: true });
writeFileSync(join(dir, 'gateway-comparison.md'), comparison.markdown);
console.log(`\n${comparison.text}\n\n${comparison.shared} phase(s) ran on every gateway; written to ${join(dir, 'gateway-comparison.md')}`);
