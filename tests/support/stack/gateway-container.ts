import { Wait, type GenericContainer } from 'testcontainers';
import { withoutHealthCheck } from './health-check.ts';
import type { LogTail } from './log-tail.ts';
import { bindPorts } from './loopback.ts';

/**
 * Finishes a gateway container as every instance of the suite runs: its environment, its tmpfs mounts, no image
 * health check, its port published on `host` only, its log kept, ready when it listens. `container` carries what
 * differs between instances (image, network, aliases, labels, files).
 */
export function asGatewayContainer<T extends GenericContainer>(container: T, o: { env: Record<string, string>; port: number; tmpfs?: Record<string, string>; host: string; log: LogTail; startupTimeoutMs: number }): T {
  return withoutHealthCheck(bindPorts(container
    .withEnvironment(o.env)
    .withTmpFs(o.tmpfs ?? {})
    .withExposedPorts(o.port)
    .withLogConsumer(o.log.consume)
    .withWaitStrategy(Wait.forListeningPorts())
    .withStartupTimeout(o.startupTimeoutMs), o.host));
}
