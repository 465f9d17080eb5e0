// Starts the perf stack (PERF_STACK, as the suite would), prints its endpoints as JSON, and either
// stops it again (default: a start-up check) or, with --hold, keeps it until Ctrl-C and writes its endpoints
// to reports/held-stack.json, so that `PERF_STACK_INFO=reports/held-stack.json npm run perf` reuses it.
import { runCleanups } from '../tests/support/stack/cleanup.ts';
import { stackOptionsFromEnv } from '../tests/support/stack/options.ts';
import { mkdirSync } from 'node:fs';
import { HELD_STACK_FILE, writeHeldStack } from '../tests/support/stack/reuse.ts';
import { startStack } from '../tests/support/stack/stack.ts';
import type { StartedStack } from '../tests/support/stack/types.ts';

const hold = process.argv.includes('--hold');
let started: StartedStack;
try {
  started = await startStack(stackOptionsFromEnv(), (line) => console.error(line));
} catch (error) {
  console.error(`[mcp-perf] the stack did not start: ${(error as Error).message}`);
  await runCleanups();
  process.exit(1);
}
console.log(JSON.stringify(started.info, null, 2));
if (hold) {
  mkdirSync('reports', { recursive: true });
  writeHeldStack(started.info);
  console.error(`[mcp-perf] stack is up; "PERF_STACK_INFO=${HELD_STACK_FILE} npm run perf" reuses it. Ctrl-C stops it and removes everything it started`);
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  clearInterval(keepAlive);
}
await started.stop();
await runCleanups();
