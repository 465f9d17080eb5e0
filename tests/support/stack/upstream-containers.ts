import { GenericContainer, Wait, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { directServer, type DirectServer } from '../shared/stack-info.ts';
import { bindPorts } from './loopback.ts';
import { toolCount } from './shipped-servers.ts';

const SERVER_PORT = 8000;

/** Which eras of MCP our servers serve on /mcp (fixtures/servers/main.ts --eras). */
export type UpstreamEras = 'both' | 'legacy' | 'modern';

export interface UpstreamSpec {
  alias: string;
  gatewayName: string;
  profile: 'load' | 'time';
  eras: UpstreamEras;
}

export function upstreamSpecs(extraLoadServers: number, eras: UpstreamEras = 'both'): UpstreamSpec[] {
  const specs: UpstreamSpec[] = [
    { alias: 'perf-load', gatewayName: 'perf_load', profile: 'load', eras },
    { alias: 'fast-time', gatewayName: 'fast_time', profile: 'time', eras },
  ];
  for (let i = 1; i <= extraLoadServers; i++) specs.push({ alias: `perf-load-${i}`, gatewayName: `perf_load_${i}`, profile: 'load', eras });
  return specs;
}

/** An upstream as a gateway on the stack's network reaches it, with the tools it must show. */
export interface NetworkUpstream {
  name: string;
  url: string;
  expectTools: number;
}

/**
 * Starts our MCP servers as containers on the stack's network (the gateway reaches each by its alias), and asks
 * each how many tools it has: the gateway is ready when it shows them all.
 */
export async function startUpstreamServers(o: {
  image: string; network: StartedNetwork; labels: Record<string, string>; host: string; specs: UpstreamSpec[];
  track: <T extends StartedTestContainer>(c: T) => T;
}): Promise<{ direct: DirectServer[]; upstreams: NetworkUpstream[] }> {
  const servers = await Promise.all(o.specs.map(async (spec) => o.track(await bindPorts(new GenericContainer(o.image)
    .withNetwork(o.network).withNetworkAliases(spec.alias).withLabels(o.labels)
    .withEnvironment({ MCP_PROFILE: spec.profile, MCP_SERVER_NAME: spec.gatewayName, PORT: String(SERVER_PORT), MCP_ERAS: spec.eras })
    .withExposedPorts(SERVER_PORT)
    .withWaitStrategy(Wait.forHttp('/health', SERVER_PORT).forStatusCode(200))
    .withStartupTimeout(60_000), o.host)
    .start())));
  const direct = o.specs.map((spec, i) => {
    const c = servers[i]!;
    return directServer(spec.gatewayName, spec.profile, `http://${c.getHost()}:${c.getMappedPort(SERVER_PORT)}`, { containerId: c.getId() });
  });
  const toolCounts = await Promise.all(direct.map((d) => toolCount(d.mcpUrl)));
  return { direct, upstreams: o.specs.map((s, i) => ({ name: s.gatewayName, url: `http://${s.alias}:${SERVER_PORT}/mcp`, expectTools: toolCounts[i]! })) };
}
