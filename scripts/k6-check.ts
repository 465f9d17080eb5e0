// Checks the k6 scripts a perf run exported (reports/<run>/k6/*.js) with `k6 inspect`: every script must
// load, and its options must be k6's (executor, rates, stages, thresholds).
//   npm run k6:check -- [reports/<run>]   (default: the newest run)
// Exit status: 0 all valid, 1 a script k6 rejects, 2 nothing to check or no k6.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { outsideVariable } from '../tests/support/shared/config.ts';
import { parseCli, refuse } from './cli.ts';

const { positionals } = parseCli('k6:check', {}, 'usage: npm run k6:check -- [reports/<run>]   checks the k6 scripts a run exported with k6 inspect (default: the newest run)');
if (positionals.length > 1) refuse('k6:check', 'one run directory at a time (reports/<run>)');
const reports = fileURLToPath(new URL('../reports/', import.meta.url));
const k6 = outsideVariable('K6_BIN') ?? fileURLToPath(new URL('../.tools/k6', import.meta.url));
if (!existsSync(k6)) {
  console.error(`no k6 at ${k6}: run "npm run setup -- --with-k6" (or set K6_BIN)`);
  process.exit(2);
}
const runs = existsSync(reports) ? readdirSync(reports).filter((d) => existsSync(join(reports, d, 'k6'))).sort((a, b) => statSync(join(reports, b)).mtimeMs - statSync(join(reports, a)).mtimeMs) : [];
const dir = join(positionals[0] ?? join(reports, runs[0] ?? 'none'), 'k6');
const scripts = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.js')) : [];
if (scripts.length === 0) {
  console.error(`no exported k6 scripts in ${dir}: run the perf suite first`);
  process.exit(2);
}
let bad = 0;
for (const f of scripts) {
  try {
    const out = JSON.parse(execFileSync(k6, ['inspect', '-e', 'MCP_PERF_TOKEN=inspect', join(dir, f)], { encoding: 'utf8', timeout: 30_000 })) as { scenarios: Record<string, { executor: string }>; thresholds?: Record<string, unknown> };
    const s = Object.values(out.scenarios)[0];
    console.log(`ok   ${f}: ${s?.executor}, ${Object.keys(out.thresholds ?? {}).length} threshold metric(s)`);
  } catch (error) {
    bad++;
    console.log(`FAIL ${f}: ${((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').slice(-3).join(' | ')}`);
  }
}
console.log(`${scripts.length - bad} of ${scripts.length} exported k6 scripts valid (k6 inspect) in ${dir}`);
process.exit(bad ? 1 : 0);
