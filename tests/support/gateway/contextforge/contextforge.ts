import { randomBytes, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import type { GatewayCapability, GatewayEndpoints } from '../../shared/stack-info.ts';
import type { GatewayUpstream } from '../adapter.ts';
import { pollUntilOk } from '../ready.ts';
import { classifyError, describeError } from '../../engine/errors.ts';

export const CONTEXTFORGE_PORT = 4444;
/** The SQLAlchemy pool each worker gets (DB_POOL_SIZE, DB_MAX_OVERFLOW). */
export const DB_POOL = { size: 20, maxOverflow: 10 };
export const CONTEXTFORGE_CAPABILITIES: readonly GatewayCapability[] = ['health', 'rpc', 'sse', 'ws', 'admin-api', 'prometheus', 'database'];
/**
 * Where the gateway's workers share metrics; a container gets a tmpfs there (CONTAINER_TMPFS). A path no image
 * has: Docker mounts a tmpfs over a directory the image already has as root 0755, whatever mode it is asked for.
 */
export const PROMETHEUS_DIR = '/tmp/mcp-perf-metrics';
export const CONTAINER_TMPFS = { [PROMETHEUS_DIR]: 'rw,mode=1777' };

export interface ContextForgeSecrets {
  jwtSecret: string;
  encryptionSecret: string;
  adminEmail: string;
  adminPassword: string;
  userPassword: string;
}

/** Strong secrets, new for every run (the gateway refuses short or low-entropy ones). */
export function generateSecrets(): ContextForgeSecrets {
  const strong = () => `Aa1!${randomBytes(18).toString('base64url')}`;
  return {
    jwtSecret: randomBytes(48).toString('base64url'),
    encryptionSecret: randomBytes(48).toString('base64url'),
    adminEmail: 'admin@example.com',
    adminPassword: strong(),
    userPassword: strong(),
  };
}

export interface ContextForgeConfig {
  databaseUrl: string;
  redisUrl: string;
  workers: number;
  secrets: ContextForgeSecrets;
  host?: string;
  port?: number;
  /** Per-worker SQLAlchemy pool; Postgres max_connections must cover workers x (pool + overflow). */
  dbPoolSize?: number;
  dbMaxOverflow?: number;
  extra?: Record<string, string>;
}

/** "database postgres:5432/mcpgateway, redis redis:6379/0": where the gateway connects, without credentials. */
export function describeDependencies(env: Record<string, string>): string {
  const hostOf = (url: string | undefined) => {
    if (!url) return 'unset';
    try {
      const u = new URL(url.replace(/^postgresql\+\w+:/, 'postgresql:'));
      return `${u.host}${u.pathname}`;
    } catch {
      return 'unparseable URL';
    }
  };
  return `database ${hostOf(env.DATABASE_URL)}, redis ${hostOf(env.REDIS_URL)}`;
}

/** The environment a load test needs, as ContextForge 1.1.0's settings name it. */
export function contextforgeEnv(c: ContextForgeConfig): Record<string, string> {
  return {
    HOST: c.host ?? '0.0.0.0',
    PORT: String(c.port ?? CONTEXTFORGE_PORT),
    GUNICORN_WORKERS: String(c.workers),
    // The official entrypoint recycles each worker after 100000 requests: restarts in the middle of a soak.
    GUNICORN_MAX_REQUESTS: '0',
    // Without it each scrape of /metrics/prometheus sees the one worker that answers it.
    PROMETHEUS_MULTIPROC_DIR: PROMETHEUS_DIR,
    DATABASE_URL: c.databaseUrl,
    CACHE_TYPE: 'redis',
    REDIS_URL: c.redisUrl,
    JWT_SECRET_KEY: c.secrets.jwtSecret,
    AUTH_ENCRYPTION_SECRET: c.secrets.encryptionSecret,
    PLATFORM_ADMIN_EMAIL: c.secrets.adminEmail,
    PLATFORM_ADMIN_PASSWORD: c.secrets.adminPassword,
    DEFAULT_USER_PASSWORD: c.secrets.userPassword,
    RATE_LIMITING_ENABLED: 'false',
    SSRF_ALLOW_LOCALHOST: 'true',
    SSRF_ALLOW_PRIVATE_NETWORKS: 'true',
    SSRF_DNS_FAIL_CLOSED: 'false',
    ENABLE_METRICS: 'true',
    MCPGATEWAY_WS_RELAY_ENABLED: 'true',
    MCPGATEWAY_UI_ENABLED: 'false',
    MCPGATEWAY_ADMIN_API_ENABLED: 'true',
    DB_POOL_SIZE: String(c.dbPoolSize ?? DB_POOL.size),
    DB_MAX_OVERFLOW: String(c.dbMaxOverflow ?? DB_POOL.maxOverflow),
    LOG_LEVEL: 'ERROR',
    ...c.extra,
  };
}

/** The claims `python -m mcpgateway.utils.create_jwt_token --admin` produces, signed HS256. */
export async function mintAdminToken(secret: string, email: string, ttl = '12h'): Promise<string> {
  return new SignJWT({
    username: email,
    jti: randomUUID(),
    env: 'development',
    user: { email, full_name: 'mcp-perf', is_admin: true, auth_provider: 'cli' },
    teams: null,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(email)
    .setIssuedAt()
    .setExpirationTime(ttl)
    .setIssuer('mcpgateway')
    .setAudience('mcpgateway-api')
    .sign(new TextEncoder().encode(secret));
}

export class GatewayApiError extends Error {
  readonly status: number;
  constructor(what: string, status: number, body: string) {
    super(`${what}: the gateway answered ${status}: ${body.slice(0, 600)}`);
    this.name = 'GatewayApiError';
    this.status = status;
  }
}

interface ToolRow {
  id: string;
  name: string;
  originalName?: string;
  gatewayId?: string;
}

/** Tool names become slug(name)-slug(tool). */
export type Upstream = GatewayUpstream;

/** The admin API calls the suite makes: registration, tool discovery, virtual servers. */
export class ContextForgeAdmin {
  readonly baseUrl: string;
  private readonly token: string;

  constructor(baseUrl: string, token: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
    this.token = token;
  }

  /**
   * One admin call, each on a new connection: gunicorn closes idle keep-alive connections after 2 s, and a call
   * that reuses one as it closes fails ("fetch failed", seen starting a CI stack). A GET whose connection is
   * refused or reset is tried again, up to 3 times; any other method is not (it may have been applied).
   */
  async call<T>(method: string, path: string, body?: unknown, timeoutMs = 30_000): Promise<T> {
    const attempts = method === 'GET' ? 3 : 1;
    for (let attempt = 1; ; attempt++) {
      let res: Response;
      try {
        res = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json', accept: 'application/json', connection: 'close' },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        const failure = classifyError(error);
        const again = failure.class === 'connection_refused' || failure.class === 'connection_reset';
        if (again && attempt < attempts) {
          await new Promise((r) => setTimeout(r, 500 * attempt));
          continue;
        }
        throw new Error(`${method} ${this.baseUrl}${path} failed after ${attempt} attempt(s): ${describeError(error)}`, { cause: error });
      }
      const text = await res.text();
      if (!res.ok) throw new GatewayApiError(`${method} ${path}`, res.status, text);
      return (text ? JSON.parse(text) : undefined) as T;
    }
  }

  /**
   * Polls GET /ready (503 while the database or Redis is not reachable) until 200. `dependsOn` names the
   * database and Redis the gateway was given, for the error when it never gets ready.
   */
  async waitReady(timeoutMs: number, isAlive: () => Promise<boolean> = async () => true, dependsOn?: string): Promise<void> {
    const polled = await pollUntilOk(`${this.baseUrl}/ready`, timeoutMs, isAlive);
    if (polled.ready) return;
    if (polled.exited) throw new Error(`the gateway exited while starting (last /ready: ${polled.last})`);
    throw new Error(
      `the gateway was not ready within ${Math.round(timeoutMs / 1000)} s (last /ready: ${polled.last}). ` +
        `It connects to its database and Redis during start-up and answers nothing until both do${dependsOn ? ` (${dependsOn})` : ''}: check that they are reachable from the gateway`,
    );
  }

  async listTools(): Promise<ToolRow[]> {
    const rows = await this.call<ToolRow[] | { tools?: ToolRow[]; items?: ToolRow[] }>('GET', '/v1/tools?limit=0&include_inactive=false');
    return Array.isArray(rows) ? rows : rows.tools ?? rows.items ?? [];
  }

  /** POST /v1/gateways; a 502 while the upstream is still starting is retried until the deadline. */
  async registerUpstream(up: Upstream, timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const gw = await this.call<{ id: string }>('POST', '/v1/gateways', { name: up.name, url: up.url, transport: 'STREAMABLEHTTP' }, 60_000);
        return gw.id;
      } catch (error) {
        const retriable = error instanceof GatewayApiError && (error.status === 502 || error.status === 503);
        if (!retriable || Date.now() > deadline) {
          throw new Error(`registering MCP server "${up.name}" at ${up.url} was refused. ${(error as Error).message}`, { cause: error });
        }
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }

  async waitForTools(gatewayId: string, expected: number, timeoutMs: number): Promise<ToolRow[]> {
    const deadline = Date.now() + timeoutMs;
    let seen: ToolRow[] = [];
    while (Date.now() < deadline) {
      seen = (await this.listTools()).filter((t) => t.gatewayId === gatewayId);
      if (seen.length >= expected) return seen;
      await this.call('POST', `/v1/gateways/${gatewayId}/tools/refresh`).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`gateway ${gatewayId}: ${seen.length} of ${expected} tools discovered within ${Math.round(timeoutMs / 1000)} s`);
  }

  /** Deletes the virtual servers whose names start with `prefix` (what a write-path case created); returns how many. */
  async deleteServersNamed(prefix: string): Promise<number> {
    const servers = await this.call<{ id: string; name: string }[]>('GET', '/v1/servers');
    const mine = servers.filter((s) => s.name.startsWith(prefix));
    await Promise.all(mine.map((s) => this.call('DELETE', `/v1/servers/${s.id}`)));
    return mine.length;
  }

  async createVirtualServer(name: string, toolIds: string[]): Promise<string> {
    const server = await this.call<{ id: string }>('POST', '/v1/servers', { server: { name, associated_tools: toolIds }, visibility: 'public' });
    return server.id;
  }
}

/** ContextForge's endpoints at base, with virtual server serverId. */
export function contextforgeUrls(base: string, serverId: string): Pick<GatewayEndpoints, 'mcpUrl' | 'capabilities' | 'rpcUrl' | 'healthUrl' | 'readyUrl' | 'metricsUrl' | 'wsUrl' | 'virtualServer'> {
  return {
    mcpUrl: `${base}/servers/${serverId}/mcp`, capabilities: [...CONTEXTFORGE_CAPABILITIES],
    rpcUrl: `${base}/rpc`, healthUrl: `${base}/health`, readyUrl: `${base}/ready`, metricsUrl: `${base}/metrics/prometheus`,
    wsUrl: `${base.replace(/^http/, 'ws')}/ws`,
    virtualServer: { id: serverId, mcpUrl: `${base}/servers/${serverId}/mcp`, sseUrl: `${base}/servers/${serverId}/sse` },
  };
}

export interface BootstrapOptions {
  baseUrl: string;
  secrets: ContextForgeSecrets;
  upstreams: Upstream[];
  workers: number;
  version: string;
  timeoutMs?: number;
  isAlive?: () => Promise<boolean>;
  /** The database and Redis the gateway was given (no passwords), for error messages. */
  dependsOn?: string;
  /** The gateway's environment, to report the pool sizes it was given. */
  env?: Record<string, string>;
}

/** The pool sizes in a gateway environment, when both are set. */
export function dbPoolOf(env: Record<string, string> | undefined): GatewayEndpoints['dbPool'] {
  const size = Number(env?.DB_POOL_SIZE);
  const maxOverflow = Number(env?.DB_MAX_OVERFLOW);
  return Number.isFinite(size) && Number.isFinite(maxOverflow) && env?.DB_POOL_SIZE && env.DB_MAX_OVERFLOW ? { size, maxOverflow } : undefined;
}

/** Waits for /ready, registers the upstreams, waits for their tools, creates one virtual server with all of them. */
export async function bootstrapContextForge(o: BootstrapOptions): Promise<GatewayEndpoints> {
  const timeoutMs = o.timeoutMs ?? 120_000;
  const token = await mintAdminToken(o.secrets.jwtSecret, o.secrets.adminEmail);
  const admin = new ContextForgeAdmin(o.baseUrl, token);
  await admin.waitReady(timeoutMs, o.isAlive, o.dependsOn);
  const tools: Record<string, string> = {};
  const toolIds: string[] = [];
  const upstreams: GatewayEndpoints['upstreams'] = [];
  for (const up of o.upstreams) {
    const gatewayId = await admin.registerUpstream(up, timeoutMs);
    const rows = await admin.waitForTools(gatewayId, up.expectTools, timeoutMs);
    for (const row of rows) {
      tools[`${up.name}/${row.originalName ?? row.name}`] = row.name;
      toolIds.push(row.id);
    }
    upstreams.push({ name: up.name, gatewayId, url: up.url });
  }
  const serverId = await admin.createVirtualServer(`mcp-perf-${Date.now()}`, toolIds);
  const base = admin.baseUrl;
  return {
    kind: 'contextforge', version: o.version, baseUrl: base, token, ...contextforgeUrls(base, serverId),
    tools, upstreams, workers: o.workers, dbPool: dbPoolOf(o.env),
  };
}
