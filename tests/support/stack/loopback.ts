import { isIP } from 'node:net';
import type { GenericContainer } from 'testcontainers';
import { config } from '../shared/config.ts';

type PortBindings = Record<string, { HostIp?: string; HostPort: string }[]>;

/**
 * The host address every published port binds: PERF_BIND_HOST, else 127.0.0.1 while the container runtime
 * is reached on this machine, else the runtime's own address (a remote Docker host). Testcontainers
 * publishes on every interface, which would put Postgres (with its password), our unauthenticated MCP
 * servers and the gateway on the user's network for the whole run.
 */
export function bindHost(runtimeHost: string, named = config().PERF_BIND_HOST): string {
  if (named !== undefined) {
    if (!isIP(named)) throw new Error(`PERF_BIND_HOST="${named}" is not an IP address: name the address (e.g. 127.0.0.1) the published ports should bind on the Docker host`);
    return named;
  }
  if (runtimeHost === 'localhost' || runtimeHost === '::1' || runtimeHost.startsWith('127.')) return '127.0.0.1';
  if (isIP(runtimeHost)) return runtimeHost;
  throw new Error(`the container runtime is reached at "${runtimeHost}", not on this machine: set PERF_BIND_HOST to the address on that host the suite's ports should bind (they are never published on every interface)`);
}

/** Makes every port the container publishes bind `host` only. Call after the ports are exposed (last in the builder chain). */
export function bindPorts<T extends GenericContainer>(container: T, host: string): T {
  const hostConfig = (container as unknown as { hostConfig: { PortBindings?: PortBindings } }).hostConfig;
  for (const bindings of Object.values(hostConfig.PortBindings ?? {})) for (const b of bindings) b.HostIp = host;
  return container;
}
