import { join } from 'node:path';
import type { GatewayAdapter, GatewayAdmin, LaunchContext, PreparedGateway } from '../adapter.ts';
import { localFromVenv, type LocalInstall } from '../local-install.ts';
import { pinnedVersion } from '../../shared/images-file.ts';
import type { GatewayEndpoints } from '../../shared/stack-info.ts';
import {
  bootstrapContextForge, CONTAINER_TMPFS, CONTEXTFORGE_CAPABILITIES, DB_POOL, CONTEXTFORGE_PORT, ContextForgeAdmin, contextforgeEnv, contextforgeUrls,
  describeDependencies, generateSecrets, mintAdminToken,
} from './contextforge.ts';
import { describeGunicornSettings, gunicornSettingProblems, parseGunicornSettings } from './gunicorn-settings.ts';

/**
 * ContextForge (IBM's MCP Context Forge): PostgreSQL and Redis behind it, upstreams registered through its admin
 * API, one virtual server with every tool, an admin JWT minted from the run's secret. Container: its image's own
 * entrypoint (gunicorn). Local: gunicorn from a Python virtualenv.
 */
export const CONTEXTFORGE_LOCAL: LocalInstall = {
  venvSetting: 'PERF_CONTEXTFORGE_VENV', defaultVenv: '.venv-contextforge', minPython: '3.12',
  packages: [`mcp-contextforge-gateway==${pinnedVersion('gateway')}`, 'psycopg[binary]>=3.2'], executable: 'gunicorn',
  check: 'import mcpgateway, gunicorn, psycopg',
};

const contextforge: GatewayAdapter = {
  kind: 'contextforge',
  title: 'ContextForge',
  version: pinnedVersion('gateway'),
  capabilities: CONTEXTFORGE_CAPABILITIES,
  image: {
    role: 'gateway', port: CONTEXTFORGE_PORT, configDir: '/app', tmpfs: CONTAINER_TMPFS, startupTimeoutMs: 60_000,
    build: { dockerfile: 'contextforge.Dockerfile', versionArg: 'CONTEXTFORGE_VERSION', sourceDockerfile: 'contextforge-source.Dockerfile' },
  },
  // max_connections: room for every worker's pool and overflow twice over, and 50 more (the monitor, psql).
  needs: { postgres: { database: 'mcpgateway', maxConnections: (workers) => workers * 2 * (DB_POOL.size + DB_POOL.maxOverflow) + 50 }, redis: true },

  prepare(c: LaunchContext): PreparedGateway {
    const { postgres: pg, redis } = c.deps;
    if (!pg || !redis) throw new Error('ContextForge needs the PostgreSQL and Redis the stack starts for it');
    const secrets = generateSecrets();
    const local = c.where === 'local';
    const env = contextforgeEnv({
      databaseUrl: `postgresql+psycopg://${pg.user}:${pg.password}@${pg.host}:${pg.port}/${pg.database}`,
      redisUrl: `redis://${redis.host}:${redis.port}/0`,
      workers: c.workers, secrets, host: c.host, port: c.port,
      extra: { ...(local ? { PROMETHEUS_MULTIPROC_DIR: join(c.dir, 'prometheus') } : {}), ...c.extraEnv },
    });
    return {
      env,
      args: local
        ? ['mcpgateway.main:app', '--worker-class', 'uvicorn.workers.UvicornWorker', '--workers', String(c.workers), '--timeout', '600', '--bind', `${c.host}:${c.port}`]
        : undefined,
      // The metrics directory of a local run; a container has its tmpfs there (PROMETHEUS_DIR).
      files: local ? [{ content: '', target: join(c.dir, 'prometheus', '.keep') }] : [],
      bootstrap: (o) => bootstrapContextForge({
        ...o, secrets, upstreams: c.upstreams, workers: c.workers, dependsOn: describeDependencies(env), env,
      }),
    };
  },

  settingsFromLog(log: string, workers: number) {
    const settings = parseGunicornSettings(log);
    return { text: describeGunicornSettings(settings), problems: gunicornSettingProblems(settings, { workers }) };
  },

  localInstall: CONTEXTFORGE_LOCAL,
  local: localFromVenv('ContextForge', CONTEXTFORGE_LOCAL),

  extraCost: { appModule: 'mcpgateway.main', pythonPath: '/app' },

  admin(gw: GatewayEndpoints): GatewayAdmin {
    const api = new ContextForgeAdmin(gw.baseUrl, gw.token);
    return {
      async addUpstream(up, timeoutMs) {
        const id = await api.registerUpstream(up, timeoutMs);
        const rows = await api.waitForTools(id, up.expectTools, timeoutMs);
        return { id, tools: Object.fromEntries(rows.map((r) => [r.originalName ?? r.name, r.name])) };
      },
      removeUpstream: async (id) => void await api.call('DELETE', `/v1/gateways/${id}`),
      deleteServersNamed: (prefix) => api.deleteServersNamed(prefix),
    };
  },

  /**
   * PERF_GATEWAY_URL plus PERF_GATEWAY_TOKEN (or PERF_GATEWAY_JWT_SECRET and PERF_GATEWAY_ADMIN_EMAIL to mint one).
   * Nothing is registered; the tools already there are found, and PERF_GATEWAY_SERVER_ID picks the virtual server
   * (default: the first).
   */
  async attach(settings) {
    const url = settings.PERF_GATEWAY_URL;
    if (!url) throw new Error('PERF_STACK=external needs PERF_GATEWAY_MCP_URL (any MCP gateway), or PERF_GATEWAY_URL (e.g. http://127.0.0.1:4444) with PERF_GATEWAY_TOKEN or PERF_GATEWAY_JWT_SECRET (ContextForge)');
    let token = settings.PERF_GATEWAY_TOKEN;
    if (!token && settings.PERF_GATEWAY_JWT_SECRET) token = await mintAdminToken(settings.PERF_GATEWAY_JWT_SECRET, settings.PERF_GATEWAY_ADMIN_EMAIL ?? 'admin@example.com');
    if (!token) throw new Error('PERF_STACK=external needs PERF_GATEWAY_TOKEN, or PERF_GATEWAY_JWT_SECRET to mint an admin token');
    const api = new ContextForgeAdmin(url, token);
    await api.waitReady(30_000);
    const tools = await api.listTools();
    const gateways = await api.call<{ id: string; name: string; url: string }[]>('GET', '/v1/gateways');
    const servers = await api.call<{ id: string; name: string }[]>('GET', '/v1/servers');
    const serverId = settings.PERF_GATEWAY_SERVER_ID ?? servers[0]?.id;
    if (!serverId) throw new Error(`the gateway at ${url} has no virtual server; create one or set PERF_GATEWAY_SERVER_ID`);
    const nameOf = new Map(gateways.map((g) => [g.id, g.name]));
    const base = api.baseUrl;
    return {
      kind: 'contextforge', version: settings.PERF_GATEWAY_VERSION, baseUrl: base, token, ...contextforgeUrls(base, serverId),
      tools: Object.fromEntries(tools.map((t) => [`${nameOf.get(t.gatewayId ?? '') ?? 'unknown'}/${t.originalName ?? t.name}`, t.name])),
      upstreams: gateways.map((g) => ({ name: g.name, gatewayId: g.id, url: g.url })),
      workers: settings.PERF_GATEWAY_WORKERS ?? 0,
    };
  },
};

export default contextforge;
