import { startShippedServer } from './shipped-servers.ts';
import type { DirectServer, StartedStack } from './types.ts';

/** No gateway: our MCP servers as local processes. Cases that need a gateway say so and skip. */
export async function startDirectStack(reason: string): Promise<StartedStack> {
  const t0 = Date.now();
  const started = await Promise.all([startShippedServer({ profile: 'load', name: 'perf_load' }), startShippedServer({ profile: 'time', name: 'fast_time' })]);
  const direct: DirectServer[] = started.map((s, i) => ({
    name: i === 0 ? 'perf_load' : 'fast_time', profile: i === 0 ? 'load' : 'time', baseUrl: s.baseUrl, mcpUrl: `${s.baseUrl}/mcp`, sseUrl: `${s.baseUrl}/sse`,
    wsUrl: `${s.baseUrl.replace(/^http/, 'ws')}/ws`, healthUrl: `${s.baseUrl}/health`, pid: s.process.pid,
  }));
  return {
    info: { provider: 'direct', reason, direct, startedInMs: Date.now() - t0 },
    stop: async () => void (await Promise.all(started.map((s) => s.process.stop()))),
  };
}
