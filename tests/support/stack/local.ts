import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { adapterFor, DEFAULT_GATEWAY } from '../gateway/adapters.ts';
import type { GatewayAdapter, GatewayDependencies } from '../gateway/adapter.ts';
import { onCleanup } from './cleanup.ts';
import { upstreamSpecs } from './upstream-containers.ts';
import type { StackOptions } from './options.ts';
import { freePort, startProcess, type ManagedProcess } from './process.ts';
import type { LocalPlace } from './services/place.ts';
import { startPostgresLocal } from './services/postgres.ts';
import { startRedisLocal } from './services/redis.ts';
import { startShippedServer, toolCount } from './shipped-servers.ts';
import { directServer, type DirectServer, type StartedStack } from '../shared/stack-info.ts';
import { config, outsideVariable, type Config } from '../shared/config.ts';

export interface LocalTools {
  gateway: GatewayAdapter;
  initdb?: string;
  postgres?: string;
  redisServer?: string;
  /** The gateway's executable. */
  executable?: string;
  missing: string[];
}

function onPath(name: string, path: string): string | undefined {
  for (const dir of path.split(':')) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

function pgBin(name: string, path: string): string | undefined {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    for (const v of readdirSync(base).sort().reverse()) if (existsSync(join(base, v, 'bin', name))) return join(base, v, 'bin', name);
  }
  return onPath(name, path);
}

/** What the local provider needs for `gateway`, found on this machine, and what to do about what is missing. */
export function findLocalTools(gateway = DEFAULT_GATEWAY, settings: Config = config(), path = outsideVariable('PATH') ?? ''): LocalTools {
  const adapter = adapterFor(gateway);
  const found = adapter.local?.(settings);
  const tools: LocalTools = { gateway: adapter, executable: found?.executable, missing: [] };
  if (adapter.needs.postgres) {
    Object.assign(tools, { initdb: pgBin('initdb', path), postgres: pgBin('postgres', path) });
    if (!tools.initdb || !tools.postgres) tools.missing.push('PostgreSQL server binaries (Debian: apt-get install postgresql)');
  }
  if (adapter.needs.redis) {
    tools.redisServer = onPath('redis-server', path);
    if (!tools.redisServer) tools.missing.push('redis-server (Debian: apt-get install redis-server)');
  }
  if (!found) tools.missing.push(`a way to start ${adapter.title} as a local process (its adapter has none: use PERF_STACK=containers)`);
  else if (!tools.executable) tools.missing.push(found.install);
  return tools;
}

/**
 * The same stack as local processes: what the gateway needs of Postgres (initdb in a temporary directory) and
 * Redis, our MCP servers on Node, and the gateway from its adapter's executable (ContextForge: gunicorn from a
 * Python >= 3.12 virtualenv).
 */
export async function startLocalStack(opts: StackOptions, reason: string, tools: LocalTools): Promise<StartedStack> {
  if (tools.missing.length) throw new Error(`PERF_STACK=local needs: ${tools.missing.join('; ')}`);
  const adapter = tools.gateway;
  const t0 = Date.now();
  const procs: ManagedProcess[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'mcp-perf-local-'));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopping ??= (async () => {
    unregister();
    for (const p of procs.reverse()) await p.stop();
    rmSync(dir, { recursive: true, force: true });
  })());
  const unregister = onCleanup('local stack', stop);
  try {
    const place: LocalPlace = { dir, freePort, track: (p) => (procs.push(p), p) };
    const need = adapter.needs.postgres;
    const postgres = need ? await startPostgresLocal(place, { initdb: tools.initdb!, postgres: tools.postgres! }, need, opts.gatewayWorkers) : undefined;
    const redis = adapter.needs.redis ? await startRedisLocal(place, tools.redisServer!) : undefined;
    const deps: GatewayDependencies = { ...(postgres ? { postgres: postgres.forGateway } : {}), ...(redis ? { redis: redis.forGateway } : {}) };

    const specs = upstreamSpecs(opts.extraLoadServers, opts.upstreamEras);
    const servers = await Promise.all(specs.map((s) => startShippedServer({ profile: s.profile, name: s.gatewayName, eras: s.eras })));
    procs.push(...servers.map((s) => s.process));
    const direct: DirectServer[] = specs.map((s, i) => directServer(s.gatewayName, s.profile, servers[i]!.baseUrl, { pid: servers[i]!.process.pid }));

    const gwPort = await freePort();
    const gatewayDir = join(dir, 'gateway');
    mkdirSync(gatewayDir, { recursive: true });
    const prepared = adapter.prepare({
      where: 'local', host: '127.0.0.1', port: gwPort, workers: opts.gatewayWorkers, deps, dir: gatewayDir, extraEnv: opts.gatewayEnv,
      upstreams: await Promise.all(specs.map(async (s, i) => ({ name: s.gatewayName, url: `${servers[i]!.baseUrl}/mcp`, expectTools: await toolCount(`${servers[i]!.baseUrl}/mcp`) }))),
    });
    for (const f of prepared.files) {
      mkdirSync(dirname(f.target), { recursive: true });
      writeFileSync(f.target, f.content, { mode: f.mode ?? 0o444 });
    }
    const gateway = await startProcess({ name: 'gateway', command: tools.executable!, cwd: gatewayDir, env: prepared.env, args: prepared.args ?? [] });
    procs.push(gateway);
    let endpoints;
    try {
      endpoints = await prepared.bootstrap({
        baseUrl: `http://127.0.0.1:${gwPort}`, version: `${adapter.version} (local)`, timeoutMs: opts.startupTimeoutMs,
        isAlive: async () => gateway.child.exitCode === null,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- last lines of ${adapter.title}'s log ---\n${gateway.logTail()}`, { cause: error });
    }
    endpoints.pid = gateway.pid;
    return {
      info: {
        provider: 'local', reason: `${reason}; gateway: ${adapter.title} (PERF_GATEWAY=${adapter.kind})`, gateway: endpoints, direct, startedInMs: Date.now() - t0,
        ...(postgres ? { postgres: { connectionString: postgres.connectionString } } : {}),
        ...(redis ? { redis: { url: redis.url } } : {}),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
