// Redis for a gateway that needs it: a container on the stack's network, or a local redis-server.
import { RedisContainer } from '@testcontainers/redis';
import type { GatewayDependencies } from '../../gateway/adapter.ts';
import { bindPorts } from '../loopback.ts';
import { startProcess, waitForPort } from '../process.ts';
import type { ContainerPlace, LocalPlace } from './place.ts';

export interface StartedRedis {
  forGateway: NonNullable<GatewayDependencies['redis']>;
  url: string;
  containerId?: string;
}

export async function startRedisContainer(place: ContainerPlace, image: string): Promise<StartedRedis> {
  const started = place.track(await bindPorts(new RedisContainer(image)
    .withNetwork(place.network).withNetworkAliases('redis').withLabels(place.labels).withStartupTimeout(place.startupTimeoutMs), place.host).start());
  return { forGateway: { host: 'redis', port: 6379 }, url: started.getConnectionUrl(), containerId: started.getId() };
}

export async function startRedisLocal(place: LocalPlace, redisServer: string): Promise<StartedRedis> {
  const port = await place.freePort();
  const proc = place.track(await startProcess({ name: 'redis', command: redisServer, args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'] }));
  await waitForPort(port, 15_000, proc);
  return { forGateway: { host: '127.0.0.1', port }, url: `redis://127.0.0.1:${port}/0` };
}
