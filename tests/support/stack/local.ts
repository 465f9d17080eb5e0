import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { connect } from 'node:net';
import { adapterFor, DEFAULT_GATEWAY } from '../gateway/adapters.ts';
import type { GatewayAdapter, GatewayDependencies } from '../gateway/adapter.ts';
import { onCleanup } from './cleanup.ts';
import { upstreamSpecs } from './upstream-containers.ts';
import type { StackOptions } from './options.ts';
import { freePort, startProcess, type ManagedProcess } from './process.ts';
import { startShippedServer, toolCount } from './shipped-servers.ts';
import { directServer, type DirectServer, type StartedStack } from '../shared/stack-info.ts';
import { environment } from '../shared/config.ts';

export interface LocalTools {
  gateway: GatewayAdapter;
  initdb?: string;
  postgres?: string;
  redisServer?: string;
  /** The gateway's executable. */
  executable?: string;
  missing: string[];
}

function onPath(name: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(':')) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  return undefined;
}

function pgBin(name: string, env: NodeJS.ProcessEnv): string | undefined {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    for (const v of readdirSync(base).sort().reverse()) if (existsSync(join(base, v, 'bin', name))) return join(base, v, 'bin', name);
  }
  return onPath(name, env);
}

/** What the local provider needs for `gateway`, found on this machine, and what to do about what is missing. */
export function findLocalTools(gateway = DEFAULT_GATEWAY, env: NodeJS.ProcessEnv = environment()): LocalTools {
  const adapter = adapterFor(gateway);
  const found = adapter.local?.(env);
  const tools: LocalTools = { gateway: adapter, executable: found?.executable, missing: [] };
  if (adapter.needs.postgres) {
    Object.assign(tools, { initdb: pgBin('initdb', env), postgres: pgBin('postgres', env) });
    if (!tools.initdb || !tools.postgres) tools.missing.push('PostgreSQL server binaries (Debian: apt-get install postgresql)');
  }
  if (adapter.needs.redis) {
    tools.redisServer = onPath('redis-server', env);
    if (!tools.redisServer) tools.missing.push('redis-server (Debian: apt-get install redis-server)');
  }
  if (!found) tools.missing.push(`a way to start ${adapter.title} as a local process (its adapter has none: use PERF_STACK=containers)`);
  else if (!tools.executable) tools.missing.push(found.install);
  return tools;
}

async function waitForPort(port: number, timeoutMs: number, proc: ManagedProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited with code ${proc.child.exitCode}\n--- last lines of its log ---\n${proc.logTail()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${proc.name} did not listen on 127.0.0.1:${port} within ${timeoutMs / 1000} s\n--- last lines of its log ---\n${proc.logTail()}`);
}

/** Runs a command as the postgres user when we are root (initdb and postgres refuse to run as root). */
function asPostgres(cmd: string, args: string[]): { command: string; args: string[] } {
  if (process.getuid?.() !== 0) return { command: cmd, args };
  return { command: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] };
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
    const deps: GatewayDependencies = {};
    let pgPassword = '';
    if (adapter.needs.postgres) {
      const pgData = join(dir, 'pg');
      const pgPort = await freePort();
      pgPassword = randomBytes(12).toString('hex');
      if (process.getuid?.() === 0) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
      const init = asPostgres(tools.initdb!, ['-D', pgData, '-U', 'perf', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
      execFileSync(init.command, init.args, { stdio: 'pipe', timeout: 120_000 });
      const maxConnections = opts.gatewayWorkers * 2 * 30 + 50;
      const pg = asPostgres(tools.postgres!, ['-D', pgData, '-p', String(pgPort), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', `max_connections=${maxConnections}`]);
      procs.push(await startProcess({ name: 'postgres', command: pg.command, args: pg.args }));
      await waitForPort(pgPort, 30_000, procs.at(-1)!);
      const { default: pgClient } = await import('pg');
      for (let attempt = 0; ; attempt++) {
        const c = new pgClient.Client({ host: '127.0.0.1', port: pgPort, user: 'perf', database: 'postgres' });
        try {
          await c.connect();
          await c.query('CREATE DATABASE mcpgateway');
          await c.query(`ALTER USER perf PASSWORD '${pgPassword}'`);
          await c.end();
          break;
        } catch (error) {
          await c.end().catch(() => undefined);
          if (attempt > 50) throw error;
          await new Promise((r) => setTimeout(r, 200));
        }
      }
      deps.postgres = { host: '127.0.0.1', port: pgPort, user: 'perf', password: pgPassword, database: 'mcpgateway' };
    }
    if (adapter.needs.redis) {
      const redisPort = await freePort();
      procs.push(await startProcess({ name: 'redis', command: tools.redisServer!, args: ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'] }));
      await waitForPort(redisPort, 15_000, procs.at(-1)!);
      deps.redis = { host: '127.0.0.1', port: redisPort };
    }

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
        ...(deps.postgres ? { postgres: { connectionString: `postgresql://perf:${pgPassword}@127.0.0.1:${deps.postgres.port}/mcpgateway` } } : {}),
        ...(deps.redis ? { redis: { url: `redis://127.0.0.1:${deps.redis.port}/0` } } : {}),
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
