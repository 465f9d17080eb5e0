import { ContextForgeAdmin, contextforgeUrls, mintAdminToken } from '../gateway/contextforge.ts';
import { listToolNames, toolsByUpstream } from '../gateway/mcp-tools.ts';
import { describeError } from '../engine/errors.ts';
import type { StartedStack } from '../shared/stack-info.ts';

/**
 * A gateway someone already runs: PERF_GATEWAY_URL plus PERF_GATEWAY_TOKEN (or PERF_GATEWAY_JWT_SECRET
 * and PERF_GATEWAY_ADMIN_EMAIL to mint one). Nothing is started or registered; the tools already
 * there are discovered, and PERF_GATEWAY_SERVER_ID picks the virtual server (default: the first).
 */
export async function startExternalStack(reason: string, env: NodeJS.ProcessEnv = process.env): Promise<StartedStack> {
  if (env.PERF_GATEWAY_MCP_URL) return startExternalMcpGateway(reason, env);
  const t0 = Date.now();
  const url = env.PERF_GATEWAY_URL;
  if (!url) throw new Error('PERF_STACK=external needs PERF_GATEWAY_URL (e.g. http://127.0.0.1:4444) and PERF_GATEWAY_TOKEN or PERF_GATEWAY_JWT_SECRET');
  let token = env.PERF_GATEWAY_TOKEN;
  if (!token && env.PERF_GATEWAY_JWT_SECRET) token = await mintAdminToken(env.PERF_GATEWAY_JWT_SECRET, env.PERF_GATEWAY_ADMIN_EMAIL ?? 'admin@example.com');
  if (!token) throw new Error('PERF_STACK=external needs PERF_GATEWAY_TOKEN, or PERF_GATEWAY_JWT_SECRET to mint an admin token');
  const admin = new ContextForgeAdmin(url, token);
  await admin.waitReady(30_000);
  const tools = await admin.listTools();
  const gateways = await admin.call<{ id: string; name: string; url: string }[]>('GET', '/v1/gateways');
  const servers = await admin.call<{ id: string; name: string }[]>('GET', '/v1/servers');
  const serverId = env.PERF_GATEWAY_SERVER_ID ?? servers[0]?.id;
  if (!serverId) throw new Error(`the gateway at ${url} has no virtual server; create one or set PERF_GATEWAY_SERVER_ID`);
  const nameOf = new Map(gateways.map((g) => [g.id, g.name]));
  const base = admin.baseUrl;
  return {
    info: {
      provider: 'external', reason, direct: [], startedInMs: Date.now() - t0,
      gateway: {
        kind: 'contextforge', version: env.PERF_GATEWAY_VERSION ?? 'external', baseUrl: base, token, ...contextforgeUrls(base, serverId),
        tools: Object.fromEntries(tools.map((t) => [`${nameOf.get(t.gatewayId ?? '') ?? 'unknown'}/${t.originalName ?? t.name}`, t.name])),
        upstreams: gateways.map((g) => ({ name: g.name, gatewayId: g.id, url: g.url })),
        workers: Number(env.PERF_GATEWAY_WORKERS ?? 0),
      },
    },
    stop: async () => undefined,
  };
}

/** The upstream names a gateway's tools are looked up under when PERF_GATEWAY_UPSTREAMS does not say. */
const SHIPPED_UPSTREAMS = 'perf_load,fast_time';

/**
 * Any MCP gateway, over standard MCP only: PERF_GATEWAY_MCP_URL (its Streamable HTTP endpoint) and, when it wants
 * one, PERF_GATEWAY_TOKEN (sent as a Bearer token). It must front our MCP servers under the names in
 * PERF_GATEWAY_UPSTREAMS (default perf_load,fast_time); its tools are found by tools/list, named
 * <upstream><separator><tool> (separator one of - _ / .). Nothing is started or registered.
 */
async function startExternalMcpGateway(reason: string, env: NodeJS.ProcessEnv): Promise<StartedStack> {
  const t0 = Date.now();
  const mcpUrl = env.PERF_GATEWAY_MCP_URL!;
  let url: URL;
  try {
    url = new URL(mcpUrl);
  } catch {
    throw new Error(`PERF_GATEWAY_MCP_URL="${mcpUrl}" is not a URL: give the gateway's Streamable HTTP endpoint, e.g. http://127.0.0.1:4000/mcp/`);
  }
  const token = env.PERF_GATEWAY_TOKEN ?? '';
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  const upstreams = (env.PERF_GATEWAY_UPSTREAMS ?? SHIPPED_UPSTREAMS).split(',').map((u) => u.trim()).filter(Boolean);
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
        kind: 'mcp', version: env.PERF_GATEWAY_VERSION ?? 'external', baseUrl: url.origin, mcpUrl, token, capabilities: [],
        tools, upstreams: upstreams.map((name) => ({ name, url: 'unknown (behind the gateway)' })), workers: Number(env.PERF_GATEWAY_WORKERS ?? 0),
      },
    },
    stop: async () => undefined,
  };
}
