import type { TestProject } from 'vitest/node';
import { runCleanups } from './cleanup.ts';
import { stackOptionsFromEnv } from './options.ts';
import { startStack } from './stack.ts';
import type { StackInfo } from './types.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: StackInfo;
  }
}

/** Vitest globalSetup of the perf suite: one stack per run, handed to every case, always torn down. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const opts = stackOptionsFromEnv();
  const started = await startStack(opts);
  const { info } = started;
  console.log(`[mcp-perf] stack ready in ${(info.startedInMs / 1000).toFixed(1)} s (${info.provider})`);
  if (info.images) for (const [role, image] of Object.entries(info.images)) console.log(`[mcp-perf]   ${role}: ${image}`);
  if (info.gateway) console.log(`[mcp-perf]   gateway ${info.gateway.kind} ${info.gateway.version} at ${info.gateway.baseUrl}, ${info.gateway.workers} workers, ${Object.keys(info.gateway.tools).length} tools`);
  project.provide('stack', info);
  return async () => {
    await started.stop();
    await runCleanups((line) => console.error(`[mcp-perf] ${line}`));
  };
}
