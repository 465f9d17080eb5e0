import { randomBytes } from 'node:crypto';
import { waitForUpstreamTools } from '../mcp-tools.ts';
import type { GatewayCapability, GatewayEndpoints } from '../../shared/stack-info.ts';
import type { GatewayUpstream } from '../adapter.ts';

/** The port LiteLLM's proxy listens on in its image (and is told to in ours). */
export const LITELLM_PORT = 4000;
/**
 * Standard MCP (its /mcp endpoint) and a health check. Its REST API for MCP servers needs a database, which the
 * suite does not give it (upstreams come from the config file), and its Prometheus metrics are an enterprise feature.
 */
export const LITELLM_CAPABILITIES: readonly GatewayCapability[] = ['health'];
/** The config file's name, in the directory the stack gives it (/app in a container). */
export const LITELLM_CONFIG_FILE = 'mcp-perf-config.yaml';

export type LiteLLMUpstream = GatewayUpstream;

/** A master key, new for every run: the proxy's admin credential and the Bearer token of every MCP call. */
export function litellmMasterKey(): string {
  return `sk-mcp-perf-${randomBytes(18).toString('base64url')}`;
}

/** The proxy's config file: no models, the master key, one MCP server per upstream over Streamable HTTP. */
export function litellmConfig(masterKey: string, upstreams: LiteLLMUpstream[]): string {
  for (const u of upstreams) {
    if (!/^[A-Za-z0-9_]+$/.test(u.name)) throw new Error(`LiteLLM MCP server name "${u.name}" must be letters, digits and _ (it prefixes tool names with "-")`);
  }
  return [
    'model_list: []',
    'general_settings:',
    `  master_key: ${JSON.stringify(masterKey)}`,
    'mcp_servers:',
    ...upstreams.flatMap((u) => [`  ${u.name}:`, `    url: ${JSON.stringify(u.url)}`, '    transport: "http"']),
    '',
  ].join('\n');
}

/**
 * The proxy's environment: its model price list from the package, not fetched from GitHub at start-up (where
 * GitHub is unreachable that fetch retries for ~15 s, and uvicorn's supervisor kills workers that slow to
 * start: seen here, workers restarting forever). `extra` (PERF_GATEWAY_ENV) comes last.
 */
export function litellmEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { LITELLM_LOCAL_MODEL_COST_MAP: 'True', ...extra };
}

/**
 * How long the proxy may take to start, seconds: its workers import the whole proxy before they listen. It is also
 * how long uvicorn's supervisor waits for a worker's answer to its health ping before it kills the worker: its
 * default, 5 s, is shorter than a starting worker on a slow runner takes to answer (at a quarter core, docker
 * --cpus 0.25, every worker was killed and restarted for as long as we watched, 150 s, never listening; with 120 s
 * both started, in 160 s).
 */
export const LITELLM_START_SECONDS = 120;

/** The proxy's command line (after the image's `litellm` entrypoint, or the `litellm` executable). */
export function litellmArgs(o: { configPath: string; host: string; port: number; workers: number }): string[] {
  const supervised = o.workers > 1 ? ['--timeout_worker_healthcheck', String(LITELLM_START_SECONDS)] : [];
  return ['--config', o.configPath, '--port', String(o.port), '--host', o.host, '--num_workers', String(o.workers), ...supervised];
}

export interface LiteLLMBootstrap {
  baseUrl: string;
  masterKey: string;
  upstreams: LiteLLMUpstream[];
  workers: number;
  version: string;
  timeoutMs: number;
  isAlive: () => Promise<boolean>;
}

/** Waits until the proxy is ready and lists every upstream's tools over MCP; returns its endpoints. */
export async function bootstrapLiteLLM(o: LiteLLMBootstrap): Promise<GatewayEndpoints> {
  const base = o.baseUrl.replace(/\/$/, '');
  const mcpUrl = `${base}/mcp/`;
  const tools = await waitForUpstreamTools({ title: 'LiteLLM', mcpUrl, headers: { authorization: `Bearer ${o.masterKey}` }, upstreams: o.upstreams, timeoutMs: o.timeoutMs, isAlive: o.isAlive });
  return {
    kind: 'litellm', version: o.version, baseUrl: base, mcpUrl, token: o.masterKey, capabilities: [...LITELLM_CAPABILITIES],
    healthUrl: `${base}/health/readiness`, readyUrl: `${base}/health/readiness`,
    tools, upstreams: o.upstreams.map((u) => ({ name: u.name, url: u.url })), workers: o.workers,
  };
}
