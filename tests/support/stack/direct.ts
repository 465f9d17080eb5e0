import { startShippedServer } from './shipped-servers.ts';
import { upstreamSpecs } from './upstream-containers.ts';
import { directServer, type DirectServer, type StartedStack } from '../shared/stack-info.ts';

/** No gateway: our MCP servers as local processes. Cases that need a gateway say so and skip. */
export async function startDirectStack(reason: string): Promise<StartedStack> {
  const t0 = Date.now();
  const specs = upstreamSpecs(0);
  const started = await Promise.all(specs.map((s) => startShippedServer({ profile: s.profile, name: s.gatewayName })));
  const direct: DirectServer[] = specs.map((s, i) => directServer(s.gatewayName, s.profile, started[i]!.baseUrl, { pid: started[i]!.process.pid }));
  return {
    info: { provider: 'direct', reason, direct, startedInMs: Date.now() - t0 },
    stop: async () => void (await Promise.all(started.map((s) => s.process.stop()))),
  };
}
