// PostgreSQL for a gateway that needs one: a container on the stack's network, or a local process (initdb in a
// temporary directory). Either way the database and its max_connections come from the gateway's adapter.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync } from 'node:fs';
import { join } from 'node:path';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { Wait } from 'testcontainers';
import type { GatewayDependencies, PostgresNeed } from '../../gateway/adapter.ts';
import { bindPorts } from '../loopback.ts';
import { startProcess, waitForPort } from '../process.ts';
import type { ContainerPlace, LocalPlace } from './place.ts';

export interface StartedPostgres {
  /** As the gateway reaches it. */
  forGateway: NonNullable<GatewayDependencies['postgres']>;
  /** As this machine reaches it (the monitor, the database cases). */
  connectionString: string;
  containerId?: string;
}

const USER = 'perf';

export async function startPostgresContainer(place: ContainerPlace, image: string, need: PostgresNeed, workers: number): Promise<StartedPostgres> {
  const password = randomBytes(16).toString('hex');
  const started = place.track(await bindPorts(new PostgreSqlContainer(image)
    .withNetwork(place.network).withNetworkAliases('postgres').withLabels(place.labels)
    .withDatabase(need.database).withUsername(USER).withPassword(password)
    .withCommand(['postgres', '-c', `max_connections=${need.maxConnections(workers)}`, '-c', 'shared_preload_libraries=pg_stat_statements'])
    // The module's own health check runs pg_isready every 250 ms for the whole run: load on the machine
    // under test. Readiness is checked once instead, and Docker's health check is kept rare.
    .withHealthCheck({ test: ['CMD-SHELL', `pg_isready --host localhost --username ${USER}`], interval: 60_000, timeout: 5_000, retries: 3 })
    .withWaitStrategy(Wait.forSuccessfulCommand(`PGPASSWORD=${password} pg_isready --host localhost --username ${USER} --dbname ${need.database}`))
    .withStartupTimeout(place.startupTimeoutMs), place.host)
    .start());
  return {
    forGateway: { host: 'postgres', port: 5432, user: USER, password, database: need.database },
    connectionString: started.getConnectionUri(),
    containerId: started.getId(),
  };
}

/** Runs a command as the postgres user when we are root (initdb and postgres refuse to run as root). */
function asPostgres(cmd: string, args: string[]): { command: string; args: string[] } {
  if (process.getuid?.() !== 0) return { command: cmd, args };
  return { command: 'runuser', args: ['-u', 'postgres', '--', cmd, ...args] };
}

export async function startPostgresLocal(place: LocalPlace, tools: { initdb: string; postgres: string }, need: PostgresNeed, workers: number): Promise<StartedPostgres> {
  const pgData = join(place.dir, 'pg');
  const port = await place.freePort();
  const password = randomBytes(12).toString('hex');
  if (process.getuid?.() === 0) chownSync(place.dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), 0);
  const init = asPostgres(tools.initdb, ['-D', pgData, '-U', USER, '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8']);
  execFileSync(init.command, init.args, { stdio: 'pipe', timeout: 120_000 });
  const pg = asPostgres(tools.postgres, ['-D', pgData, '-p', String(port), '-k', place.dir, '-c', 'listen_addresses=127.0.0.1', '-c', `max_connections=${need.maxConnections(workers)}`]);
  const proc = place.track(await startProcess({ name: 'postgres', command: pg.command, args: pg.args }));
  await waitForPort(port, 30_000, proc);
  const { default: pgClient } = await import('pg');
  for (let attempt = 0; ; attempt++) {
    const c = new pgClient.Client({ host: '127.0.0.1', port, user: USER, database: 'postgres' });
    try {
      await c.connect();
      await c.query(`CREATE DATABASE ${need.database}`);
      await c.query(`ALTER USER ${USER} PASSWORD '${password}'`);
      await c.end();
      break;
    } catch (error) {
      await c.end().catch(() => undefined);
      if (attempt > 50) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  return {
    forGateway: { host: '127.0.0.1', port, user: USER, password, database: need.database },
    connectionString: `postgresql://${USER}:${password}@127.0.0.1:${port}/${need.database}`,
  };
}
