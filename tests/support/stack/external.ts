import { ContextForgeAdmin, contextforgeUrls, mintAdminToken } from '../gateway/contextforge.ts';
import type { StartedStack } from '../shared/stack-info.ts';

/**
 * A gateway someone already runs: PERF_GATEWAY_URL plus PERF_GATEWAY_TOKEN (or PERF_GATEWAY_JWT_SECRET
 * and PERF_GATEWAY_ADMIN_EMAIL to mint one). Nothing is started or registered; the tools already
 * there are discovered, and PERF_GATEWAY_SERVER_ID picks the virtual server (default: the first).
 */
export async function startExternalStack(reason: string, env: NodeJS.ProcessEnv = process.env): Promise<StartedStack> {
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
