import { adapterFor, DEFAULT_GATEWAY } from '../gateway/adapters.ts';
import type { ProviderName } from '../shared/stack-info.ts';
import { assertSettings } from '../shared/settings.ts';
import type { RevisionWish } from '../mcp/negotiate.ts';
import type { UpstreamEras } from './upstream-containers.ts';
import { environment } from '../shared/config.ts';

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

export function stackOptionsFromEnv(env: NodeJS.ProcessEnv = environment()): StackOptions {
  const provider = (env.PERF_STACK ?? 'auto') as StackOptions['provider'];
  if (!['auto', 'containers', 'local', 'external', 'direct'].includes(provider)) {
    throw new Error(`PERF_STACK="${env.PERF_STACK}" is not a stack: use auto, containers, local, external or direct`);
  }
  const int = (name: string, fallback: number, min: number) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name}="${raw}" must be a whole number >= ${min}`);
    return n;
  };
  const gateway = adapterFor(env.PERF_GATEWAY || DEFAULT_GATEWAY).kind;
  // Every other variable too, once, before anything starts: a bad value fails here, a misspelt name is reported.
  assertSettings(env);
  const extra = Number(env.PERF_GATEWAY_EXTRA_CPU_MS || 0);
  const leak = Number(env.PERF_GATEWAY_LEAK_BYTES || 0);
  for (const name of ['PERF_GATEWAY_EXTRA_CPU_MS', 'PERF_SCALING_SECOND_EXTRA_CPU_MS', 'PERF_GATEWAY_LEAK_BYTES']) {
    if (!(Number(env[name] || 0) > 0)) continue;
    if (env.PERF_BASELINE === 'record' || env.PERF_BASELINE === 'add') {
      throw new Error(`${name}=${env[name]} ${name.includes('LEAK') ? 'makes the gateway leak' : 'slows the gateway'} on purpose, and PERF_BASELINE=${env.PERF_BASELINE} would keep that run as a baseline: unset one of them`);
    }
    if (provider !== 'containers' && provider !== 'auto') {
      throw new Error(`${name} needs the containers stack (its wrapper is copied into the gateway's container), not PERF_STACK=${provider}`);
    }
  }
  return {
    provider,
    gateway,
    gatewayWorkers: int('PERF_GATEWAY_WORKERS', 2, 1),
    startupTimeoutMs: int('PERF_STARTUP_TIMEOUT_S', 240, 10) * 1000,
    extraLoadServers: int('PERF_EXTRA_SERVERS', 0, 0),
    gatewayEnv: parseEnvList(env.PERF_GATEWAY_ENV, 'PERF_GATEWAY_ENV'),
    mcpProtocol: (env.PERF_MCP_PROTOCOL || 'auto') as RevisionWish,
    upstreamEras: (env.PERF_UPSTREAM_ERAS || 'both') as UpstreamEras,
    ...(extra > 0 ? { gatewayExtraCpuMs: extra } : {}),
    ...(extra > 0 && env.PERF_GATEWAY_EXTRA_CPU_PATHS === 'all' ? { gatewayExtraCpuPaths: 'all' as const } : {}),
    ...(leak > 0 ? { gatewayLeakBytes: leak } : {}),
  };
}
