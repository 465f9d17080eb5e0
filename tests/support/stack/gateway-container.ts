import { Wait, type GenericContainer } from 'testcontainers';
import { CONTAINER_TMPFS } from '../gateway/contextforge.ts';
import { withoutHealthCheck } from './health-check.ts';
import type { LogTail } from './log-tail.ts';
import { bindPorts } from './loopback.ts';

/**
 * Finishes a gateway container as every instance of the suite runs: its environment, the metrics tmpfs, no image
 * health check, its port published on `host` only, its log kept, ready when it listens. `container` carries what
 * differs between instances (image, network, aliases, labels, files).
 */
export function asGatewayContainer<T extends GenericContainer>(container: T, o: { env: Record<string, string>; port: number; host: string; log: LogTail; startupTimeoutMs: number }): T {
  return withoutHealthCheck(bindPorts(container
    .withEnvironment(o.env)
    .withTmpFs(CONTAINER_TMPFS)
    .withExposedPorts(o.port)
    .withLogConsumer(o.log.consume)
    .withWaitStrategy(Wait.forListeningPorts())
    .withStartupTimeout(o.startupTimeoutMs), o.host));
}
