// Starts the perf stack (PERF_STACK, as the suite would; both A/B stacks when PERF_AB_BASE and PERF_AB_HEAD
// are set), prints its endpoints as JSON, and either stops it again (default: a start-up check) or, with
// --hold, keeps it until Ctrl-C and writes its endpoints to reports/held-stack.json, so that
// `PERF_STACK_INFO=reports/held-stack.json npm run perf` reuses it.
import { runCleanups } from '../tests/support/stack/cleanup.ts';
import { stackOptionsFromEnv } from '../tests/support/stack/options.ts';
import { mkdirSync } from 'node:fs';
import { HELD_STACK_FILE, writeHeldStack } from '../tests/support/stack/reuse.ts';
import { abConfigFromEnv } from '../tests/support/stack/ab.ts';
import { startAbStacks, startStack } from '../tests/support/stack/stack.ts';
import type { StartedStack } from '../tests/support/shared/stack-info.ts';

const hold = process.argv.includes('--hold');
let started: StartedStack;
try {
  const ab = abConfigFromEnv();
  started = ab ? await startAbStacks(stackOptionsFromEnv(), ab, (line) => console.error(line)) : await startStack(stackOptionsFromEnv(), (line) => console.error(line));
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
