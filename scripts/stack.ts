// Starts the perf stack (PERF_STACK, as the suite would; both A/B stacks when PERF_AB_BASE and PERF_AB_HEAD
// are set), prints its endpoints as JSON, and either stops it again (default: a start-up check) or, with
// --hold, keeps it until Ctrl-C and writes its endpoints to reports/held-stack.json, so that
// `PERF_STACK_INFO=reports/held-stack.json npm run perf` reuses it.
import { runCleanups } from '../tests/support/stack/cleanup.ts';
import { stackOptionsFrom } from '../tests/support/stack/options.ts';
import { mkdirSync } from 'node:fs';
import { HELD_STACK_FILE, writeHeldStack } from '../tests/support/stack/reuse.ts';
import { abConfigFrom } from '../tests/support/stack/ab.ts';
import { startAbStacks, startStack } from '../tests/support/stack/stack.ts';
import type { StartedStack } from '../tests/support/shared/stack-info.ts';
import { parseCli, refuse } from './cli.ts';

const { values, positionals } = parseCli('stack', { hold: { type: 'boolean', default: false } },
  'usage: npm run stack [-- --hold]   starts the stack (PERF_STACK, PERF_GATEWAY, ...), prints its endpoints; --hold keeps it until Ctrl-C for PERF_STACK_INFO');
if (positionals.length) refuse('stack', `unexpected arguments ${positionals.join(' ')}: the stack is chosen by settings (PERF_STACK, PERF_GATEWAY), not arguments`);
const hold = values.hold;
let started: StartedStack;
try {
  const ab = abConfigFrom();
  started = ab ? await startAbStacks(stackOptionsFrom(), ab, (line) => console.error(line)) : await startStack(stackOptionsFrom(), (line) => console.error(line));
} catch (error) {
  console.error(`[mcp-perf] the stack did not start: ${(error as Error).message}`);
  await runCleanups();
  process.exit(1);
}
console.log(JSON.stringify(started.ab ?? started.info, null, 2));
if (hold) {
  mkdirSync('reports', { recursive: true });
  writeHeldStack(started.info, undefined, started.ab);
  console.error(`[mcp-perf] stack is up; "PERF_STACK_INFO=${HELD_STACK_FILE} npm run perf" reuses it. Ctrl-C stops it and removes everything it started`);
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  clearInterval(keepAlive);
}
await started.stop();
await runCleanups();
