import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import type { AbStacks } from '../shared/stack-info.ts';
import type { StackInfo, StartedStack } from '../shared/stack-info.ts';

/** Where `npm run stack -- --hold` leaves the held stack's endpoints (admin token included: mode 0600). */
export const HELD_STACK_FILE = 'reports/held-stack.json';

/** The held stack's file: its endpoints, and both stacks when it is an A/B pair. */
type HeldStackFile = StackInfo & { ab?: AbStacks };

export function writeHeldStack(info: StackInfo, path = HELD_STACK_FILE, ab?: AbStacks): void {
  const held: HeldStackFile = ab ? { ...info, ab } : info;
  writeFileSync(path, JSON.stringify(held, null, 2), { mode: 0o600 });
  chmodSync(path, 0o600);
}

/**
 * Reuses a stack another process holds (PERF_STACK_INFO=reports/held-stack.json): nothing is started or
 * stopped here. Fails at once when the file is unreadable or the gateway in it no longer answers.
 */
export async function reuseHeldStack(path: string): Promise<StartedStack> {
  let info: HeldStackFile;
  try {
    info = JSON.parse(readFileSync(path, 'utf8')) as HeldStackFile;
  } catch (error) {
    throw new Error(`PERF_STACK_INFO=${path} cannot be read (${(error as Error).message}). Start a stack with "npm run stack -- --hold", which writes ${HELD_STACK_FILE}.`);
  }
  const { ab, ...stack } = info;
  for (const s of ab ? [ab.base, ab.head] : [stack]) {
    const probe = s.gateway?.readyUrl ?? s.direct[0]?.healthUrl;
    if (!probe) throw new Error(`PERF_STACK_INFO=${path} describes no gateway and no MCP server`);
    const res = await fetch(probe, { signal: AbortSignal.timeout(5000) }).catch((error: Error) => error);
    if (res instanceof Error || res.status !== 200) {
      throw new Error(`PERF_STACK_INFO=${path}: the held stack does not answer at ${probe} (${res instanceof Error ? res.message : res.status}). Is "npm run stack -- --hold" still running?`);
    }
  }
  return { info: { ...stack, reason: `reusing the stack held by another process (PERF_STACK_INFO=${path}; it was: ${stack.reason})`, startedInMs: 0 }, ...(ab ? { ab } : {}), stop: async () => undefined };
}
