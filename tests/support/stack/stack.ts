import { startContainersStack } from './containers.ts';
import { startDirectStack } from './direct.ts';
import { startExternalStack } from './external.ts';
import type { StackOptions } from './options.ts';
import { probeRuntime } from './runtime.ts';
import type { StartedStack } from './types.ts';

/**
 * Starts the stack PERF_STACK asks for. auto: containers when a runtime answers; otherwise the direct
 * target on our shipped MCP servers, announced as such (gateway cases then skip, saying why).
 */
export async function startStack(opts: StackOptions, log: (line: string) => void = console.log): Promise<StartedStack> {
  if (opts.provider === 'external') return startExternalStack('PERF_STACK=external: using the gateway at PERF_GATEWAY_URL');
  if (opts.provider === 'direct') return startDirectStack('PERF_STACK=direct: the shipped MCP servers without any gateway');
  if (opts.provider === 'local') {
    throw new Error('PERF_STACK=local (Postgres, Redis and the gateway as local processes) is not available yet; use PERF_STACK=containers, external or direct');
  }
  const runtime = await probeRuntime();
  for (const a of runtime.adjustments) log(`[mcp-perf] adjusted for this machine: ${a}`);
  if (runtime.ok && runtime.client) {
    const why = opts.provider === 'auto' ? `auto: a container runtime answered (${runtime.detail})` : `PERF_STACK=containers (${runtime.detail})`;
    log(`[mcp-perf] stack: containers. ${why}. Starting PostgreSQL, Redis, MCP servers and the gateway...`);
    return startContainersStack(runtime.client, opts, why);
  }
  if (opts.provider === 'containers') throw new Error(`PERF_STACK=containers, but ${runtime.detail}`);
  const why = `auto: ${runtime.detail}. Falling back to the DIRECT target (our MCP servers, no gateway): gateway cases will skip`;
  log(`[mcp-perf] stack: direct. ${why}`);
  return startDirectStack(why);
}
