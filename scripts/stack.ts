// Starts the perf stack (PERF_STACK, as the suite would), prints its endpoints as JSON, and either
// stops it again (default: a start-up check) or, with --hold, keeps it until Ctrl-C.
import { runCleanups } from '../tests/support/stack/cleanup.ts';
import { stackOptionsFromEnv } from '../tests/support/stack/options.ts';
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
  console.error('[mcp-perf] stack is up; Ctrl-C stops it and removes everything it started');
  const keepAlive = setInterval(() => undefined, 60_000);
  await new Promise<void>((resolve) => process.once('SIGINT', resolve));
  clearInterval(keepAlive);
}
await started.stop();
await runCleanups();
