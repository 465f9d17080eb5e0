import { adapterFor, DEFAULT_GATEWAY } from '../gateway/adapters.ts';
import { listToolNames, toolsByUpstream } from '../gateway/mcp-tools.ts';
import { describeError } from '../engine/errors.ts';
import type { StartedStack } from '../shared/stack-info.ts';
import { config, type Config } from '../shared/config.ts';

/**
 * A gateway someone already runs. PERF_GATEWAY_MCP_URL: any MCP gateway, over standard MCP only. Else the adapter
 * PERF_GATEWAY names finds what is there (ContextForge: PERF_GATEWAY_URL and a token, through its admin API).
 * Nothing is started.
 */
export async function startExternalStack(reason: string, gateway = DEFAULT_GATEWAY, settings: Config = config()): Promise<StartedStack> {
  if (settings.PERF_GATEWAY_MCP_URL) return startExternalMcpGateway(reason, settings.PERF_GATEWAY_MCP_URL, settings);
  const t0 = Date.now();
  const adapter = adapterFor(gateway);
  if (!adapter.attach) throw new Error(`PERF_STACK=external with PERF_GATEWAY=${gateway}: the ${adapter.title} adapter cannot attach to a running gateway; give its MCP endpoint in PERF_GATEWAY_MCP_URL`);
  const endpoints = await adapter.attach(settings);
  return { info: { provider: 'external', reason, direct: [], startedInMs: Date.now() - t0, gateway: endpoints }, stop: async () => undefined };
}

/**
 * Any MCP gateway, over standard MCP only: PERF_GATEWAY_MCP_URL (its Streamable HTTP endpoint) and, when it wants
 * one, PERF_GATEWAY_TOKEN (sent as a Bearer token). It must front our MCP servers under the names in
 * PERF_GATEWAY_UPSTREAMS (default perf_load,fast_time); its tools are found by tools/list, named
 * <upstream><separator><tool> (separator one of - _ / .). Nothing is started or registered.
 */
async function startExternalMcpGateway(reason: string, mcpUrl: string, settings: Config): Promise<StartedStack> {
  const t0 = Date.now();
  let url: URL;
  try {
    url = new URL(mcpUrl);
  } catch {
    throw new Error(`PERF_GATEWAY_MCP_URL="${mcpUrl}" is not a URL: give the gateway's Streamable HTTP endpoint, e.g. http://127.0.0.1:4000/mcp/`);
  }
  const token = settings.PERF_GATEWAY_TOKEN ?? '';
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const upstreams = settings.PERF_GATEWAY_UPSTREAMS.split(',').map((u) => u.trim()).filter(Boolean);
  const listed = await listToolNames(mcpUrl, headers).catch((error: unknown) => {
    throw new Error(`the gateway at PERF_GATEWAY_MCP_URL=${mcpUrl} did not list its tools over MCP: ${describeError(error)}. Check the URL and PERF_GATEWAY_TOKEN`, { cause: error });
  });
  const tools = toolsByUpstream(listed, upstreams);
  const missing = upstreams.filter((u) => !Object.keys(tools).some((k) => k.startsWith(`${u}/`)));
  if (missing.length) {
    throw new Error(`the gateway at ${mcpUrl} lists ${listed.length} tools (${listed.slice(0, 8).join(', ')}${listed.length > 8 ? ', ...' : ''}) but none of ${missing.join(', ')}: ` +
      'put our MCP servers (npm run stack prints them) behind it under those names, or name yours in PERF_GATEWAY_UPSTREAMS');
  }
  return {
    info: {
      provider: 'external', reason: `${reason} (standard MCP only: PERF_GATEWAY_MCP_URL)`, direct: [], startedInMs: Date.now() - t0,
      gateway: {
        kind: 'mcp', version: settings.PERF_GATEWAY_VERSION, baseUrl: url.origin, mcpUrl, token, capabilities: [],
        tools, upstreams: upstreams.map((name) => ({ name, url: 'unknown (behind the gateway)' })), workers: settings.PERF_GATEWAY_WORKERS ?? 0,
      },
    },
    stop: async () => undefined,
  };
}
