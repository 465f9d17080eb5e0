import { adapterFor, DEFAULT_GATEWAY } from '../gateway/adapters.ts';
import type { ProviderName } from '../shared/stack-info.ts';
import type { RevisionWish } from '../mcp/negotiate.ts';
import type { UpstreamEras } from './upstream-containers.ts';
import { config, type Config } from '../shared/config.ts';

export interface StackOptions {
  provider: ProviderName | 'auto';
  /** The gateway adapter the stack starts (PERF_GATEWAY, default contextforge); with PERF_STACK=external, the one it attaches to. */
  gateway: string;
  /** Gunicorn workers of the gateway. */
  gatewayWorkers: number;
  /** How long the whole stack may take to come up. */
  startupTimeoutMs: number;
  /** Upstream MCP servers to register, beyond the default load + time pair (multi-server cases). */
  extraLoadServers: number;
  /** Extra gateway environment (PERF_GATEWAY_ENV="KEY=value,KEY2=value2"), applied last. */
  gatewayEnv: Record<string, string>;
  /** A known extra CPU cost per MCP request in the gateway (PERF_GATEWAY_EXTRA_CPU_MS): a slowed gateway, to see a baseline fail. */
  gatewayExtraCpuMs?: number;
  /** Which requests that cost slows (PERF_GATEWAY_EXTRA_CPU_PATHS): MCP endpoints only (default), or every HTTP request. */
  gatewayExtraCpuPaths?: 'all';
  /** A known leak (PERF_GATEWAY_LEAK_BYTES): bytes the gateway keeps per MCP request, to see the soak's memory verdict fail. */
  gatewayLeakBytes?: number;
  /** The MCP revision to speak to the gateway (PERF_MCP_PROTOCOL): auto asks the gateway. */
  mcpProtocol: RevisionWish;
  /** Which eras of MCP our servers serve (PERF_UPSTREAM_ERAS): what the gateway may speak on its hop to them. */
  upstreamEras: UpstreamEras;
}

export function parseEnvList(raw: string | undefined, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const part of raw.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`${what}: "${part}" is not KEY=value (write ${what}="KEY=value,KEY2=value2")`);
    out[part.slice(0, eq).trim()] = part.slice(eq + 1);
  }
  return out;
}

/** The stack's options from the run's configuration (checked as a whole when it was built). */
export function stackOptionsFrom(settings: Config = config()): StackOptions {
  const provider = settings.PERF_STACK;
  const gateway = adapterFor(settings.PERF_GATEWAY || DEFAULT_GATEWAY).kind;
  const extra = settings.PERF_GATEWAY_EXTRA_CPU_MS;
  const leak = settings.PERF_GATEWAY_LEAK_BYTES;
  const changes = { PERF_GATEWAY_EXTRA_CPU_MS: extra, PERF_SCALING_SECOND_EXTRA_CPU_MS: settings.PERF_SCALING_SECOND_EXTRA_CPU_MS ?? 0, PERF_GATEWAY_LEAK_BYTES: leak };
  for (const [name, value] of Object.entries(changes)) {
    if (!(value > 0)) continue;
    if (settings.PERF_BASELINE === 'record' || settings.PERF_BASELINE === 'add') {
      throw new Error(`${name}=${value} ${name.includes('LEAK') ? 'makes the gateway leak' : 'slows the gateway'} on purpose, and PERF_BASELINE=${settings.PERF_BASELINE} would keep that run as a baseline: unset one of them`);
    }
    if (provider !== 'containers' && provider !== 'auto') {
      throw new Error(`${name} needs the containers stack (its wrapper is copied into the gateway's container), not PERF_STACK=${provider}`);
    }
  }
  return {
    provider,
    gateway,
    // No catalogue default: unset is 2 for a stack the suite starts, unknown (0) for an external gateway's reports.
    gatewayWorkers: settings.PERF_GATEWAY_WORKERS ?? 2,
    startupTimeoutMs: settings.PERF_STARTUP_TIMEOUT_S * 1000,
    extraLoadServers: settings.PERF_EXTRA_SERVERS,
    gatewayEnv: parseEnvList(settings.PERF_GATEWAY_ENV, 'PERF_GATEWAY_ENV'),
    mcpProtocol: settings.PERF_MCP_PROTOCOL,
    upstreamEras: settings.PERF_UPSTREAM_ERAS,
    ...(extra > 0 ? { gatewayExtraCpuMs: extra } : {}),
    ...(extra > 0 && settings.PERF_GATEWAY_EXTRA_CPU_PATHS === 'all' ? { gatewayExtraCpuPaths: 'all' as const } : {}),
    ...(leak > 0 ? { gatewayLeakBytes: leak } : {}),
  };
}
