import type Dockerode from 'dockerode';
import type { Redis } from 'ioredis';
import type { Client as PgClient } from 'pg';
import type { MonitorRecord } from '../shared/case-record.ts';
import type { StackInfo } from '../shared/stack-info.ts';
import { processGroupUsage } from './cpu-meter.ts';
import { machineShare, readCpuTimes, type CpuTimes } from './machine-meter.ts';
import { diffMetrics, scrape } from './prometheus.ts';

interface CpuMark {
  busy: number;
  total: number;
}

/** CPU and memory of one container, through the Docker API (one-shot stats, CPU from our own deltas). */
class ContainerProbe {
  private last: CpuMark | undefined;
  readonly name: string;
  private readonly container: Dockerode.Container;

  constructor(name: string, container: Dockerode.Container) {
    this.name = name;
    this.container = container;
  }

  async sample(): Promise<{ cpuPercent: number; memoryMB: number }> {
    const s = (await this.container.stats({ stream: false, 'one-shot': true } as { stream: false })) as unknown as {
      cpu_stats: { cpu_usage: { total_usage: number }; system_cpu_usage: number; online_cpus?: number };
      memory_stats: { usage?: number; stats?: Record<string, number> };
    };
    const mark = { busy: s.cpu_stats.cpu_usage.total_usage, total: s.cpu_stats.system_cpu_usage };
    const cpus = s.cpu_stats.online_cpus ?? 1;
    const cpuPercent = this.last && mark.total > this.last.total ? ((mark.busy - this.last.busy) / (mark.total - this.last.total)) * cpus * 100 : Number.NaN;
    this.last = mark;
    const cache = s.memory_stats.stats?.inactive_file ?? s.memory_stats.stats?.total_inactive_file ?? 0;
    return { cpuPercent, memoryMB: Math.max(0, (s.memory_stats.usage ?? 0) - cache) / 1048576 };
  }
}

/**
 * Connections to the client's current database by state, from pg_stat_activity. `excludeSelf` leaves out the
 * asking connection (a one-off look); the sampler keeps counting its own, as its records always have.
 */
export async function connectionsByState(client: PgClient, excludeSelf = false): Promise<Record<string, number>> {
  const res = await client.query<{ state: string | null; n: string }>(
    `SELECT coalesce(state, 'background') AS state, count(*) AS n FROM pg_stat_activity WHERE datname = current_database()${excludeSelf ? ' AND pid <> pg_backend_pid()' : ''} GROUP BY 1`,
  );
  return Object.fromEntries(res.rows.map((r) => [r.state ?? 'unknown', Number(r.n)]));
}

/** CPU and resident memory of a process group (a gunicorn master and its workers), from /proc. */
class ProcessGroupProbe {
  private last: { cpu: number; at: number } | undefined;
  readonly name: string;
  private readonly pgid: number;

  constructor(name: string, pgid: number) {
    this.name = name;
    this.pgid = pgid;
  }

  async sample(): Promise<{ cpuPercent: number; memoryMB: number }> {
    const { cpuSeconds: cpu, memoryMB } = processGroupUsage(this.pgid);
    const at = performance.now();
    const cpuPercent = this.last ? ((cpu - this.last.cpu) / ((at - this.last.at) / 1000)) * 100 : Number.NaN;
    this.last = { cpu, at };
    return { cpuPercent, memoryMB };
  }
}

type Probe = ContainerProbe | ProcessGroupProbe;

/**
 * Samples the system under test once a second while a load phase runs: CPU and memory of the gateway
 * (and Postgres, Redis, upstreams in containers), Postgres connections by state, Redis INFO. Each
 * sample's own cost is measured and stored, so its effect on the measurement is known.
 */
export class StackMonitor {
  private readonly record: MonitorRecord;
  private timer: NodeJS.Timeout | undefined;
  private t0 = 0;
  private probes: Probe[] = [];
  private pg: PgClient | undefined;
  private redis: Redis | undefined;
  private busy = false;
  private metricsBefore: Map<string, number> | undefined;
  private statementsBefore: Map<string, { calls: number; total: number }> | undefined;
  private metricsSource: { url: string; token: string } | undefined;
  private machineLast: { times: CpuTimes; self: NodeJS.CpuUsage; at: number } | undefined;

  constructor(scenario: string) {
    this.record = { scenario, samples: [], cost: { samples: 0, ms: 0 }, errors: [] };
  }

  static async start(scenario: string, stack: StackInfo, everyMs = 1000): Promise<StackMonitor> {
    const m = new StackMonitor(scenario);
    await m.connect(stack);
    if (stack.gateway?.metricsUrl) {
      const source = { url: stack.gateway.metricsUrl, token: stack.gateway.token };
      m.metricsSource = source;
      const before = await scrape(source.url, source.token);
      m.metricsBefore = before.metrics;
      if (before.error) m.record.errors.push(`gateway metrics: ${before.error}`);
    }
    // Every part of a containers stack is sampled here, so what else is busy is the rest of the machine (a local
    // stack's Postgres, Redis and MCP servers are processes no probe samples: they would count as the rest).
    if (stack.provider === 'containers') m.record.machine = [];
    m.t0 = performance.now();
    await m.tick();
    m.timer = setInterval(() => void m.tick(), everyMs);
    return m;
  }

  private async connect(stack: StackInfo): Promise<void> {
    const containers: [string, string | undefined][] = [
      ['gateway', stack.gateway?.containerId], ['postgres', stack.postgres?.containerId], ['redis', stack.redis?.containerId],
      ...stack.direct.map((d): [string, string | undefined] => [d.name, d.containerId]),
    ];
    if (containers.some(([, id]) => id)) {
      try {
        const { dockerContainer } = await import('../stack/runtime.ts');
        for (const [name, id] of containers) if (id) this.probes.push(new ContainerProbe(name, await dockerContainer(id, 'read container stats')));
      } catch (error) {
        this.record.errors.push(`container stats unavailable: ${(error as Error).message}`);
      }
    }
    if (stack.gateway?.pid) this.probes.push(new ProcessGroupProbe('gateway', stack.gateway.pid));
    if (stack.postgres) {
      try {
        const { default: pg } = await import('pg');
        this.pg = new pg.Client({ connectionString: stack.postgres.connectionString, connectionTimeoutMillis: 5000 });
        await this.pg.connect();
        this.record.postgres = [];
        this.statementsBefore = await this.statements();
      } catch (error) {
        this.pg = undefined;
        this.record.errors.push(`postgres monitoring unavailable: ${(error as Error).message}`);
      }
    }
    if (stack.redis) {
      try {
        const { Redis } = await import('ioredis');
        this.redis = new Redis(stack.redis.url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 5000 });
        await this.redis.connect();
        this.record.redis = [];
      } catch (error) {
        this.redis?.disconnect();
        this.redis = undefined;
        this.record.errors.push(`redis monitoring unavailable: ${(error as Error).message}`);
      }
    }
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    const started = performance.now();
    const t = Math.round((started - this.t0) / 100) / 10;
    try {
      let accounted = 0;
      await Promise.all(this.probes.map(async (probe) => {
        try {
          const s = await probe.sample();
          if (Number.isFinite(s.cpuPercent)) accounted += s.cpuPercent;
          this.record.samples.push({ t, target: probe.name, cpuPercent: Math.round(s.cpuPercent * 10) / 10, memoryMB: Math.round(s.memoryMB * 10) / 10 });
        } catch (error) {
          this.noteError(`${probe.name}: ${(error as Error).message}`);
        }
      }));
      if (this.record.machine) this.sampleMachine(t, accounted);
      if (this.pg) {
        try {
          const byState = await connectionsByState(this.pg);
          this.record.postgres!.push({ t, byState, total: Object.values(byState).reduce((a, b) => a + b, 0) });
        } catch (error) {
          this.noteError(`postgres: ${(error as Error).message}`);
        }
      }
      if (this.redis) {
        try {
          const info = await this.redis.info();
          const field = (k: string) => Number(new RegExp(`^${k}:(\\S+)`, 'm').exec(info)?.[1] ?? Number.NaN);
          this.record.redis!.push({ t, clients: field('connected_clients'), usedMemoryMB: Math.round((field('used_memory') / 1048576) * 10) / 10, opsPerSec: field('instantaneous_ops_per_sec') });
        } catch (error) {
          this.noteError(`redis: ${(error as Error).message}`);
        }
      }
    } finally {
      this.record.cost.samples++;
      this.record.cost.ms += performance.now() - started;
      this.busy = false;
    }
  }

  /** The rest of the machine since the last tick: stolen CPU, and busy CPU neither the stack nor this process used. */
  private sampleMachine(t: number, accountedPercent: number): void {
    const times = readCpuTimes();
    if (!times) return;
    const now = { times, self: process.cpuUsage(), at: performance.now() };
    const last = this.machineLast;
    this.machineLast = now;
    if (!last || now.at <= last.at) return;
    const selfPercent = ((now.self.user - last.self.user + now.self.system - last.self.system) / 1000 / (now.at - last.at)) * 100;
    const share = machineShare(last.times, times, accountedPercent, selfPercent);
    if (share) this.record.machine!.push({ t, stealPercent: Math.round(share.stealPercent * 10) / 10, othersPercent: Math.round(share.othersPercent * 10) / 10 });
  }

  private noteError(message: string): void {
    if (this.record.errors.length < 20 && !this.record.errors.includes(message)) this.record.errors.push(message);
  }

  /** Totals per statement from pg_stat_statements; undefined where the extension is not loaded. */
  private async statements(): Promise<Map<string, { calls: number; total: number }> | undefined> {
    if (!this.pg) return undefined;
    try {
      await this.pg.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      const res = await this.pg.query<{ query: string; calls: string; total: number }>(
        'SELECT query, calls, total_exec_time AS total FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())',
      );
      return new Map(res.rows.map((r) => [r.query, { calls: Number(r.calls), total: Number(r.total) }]));
    } catch (error) {
      this.noteError(`pg_stat_statements unavailable: ${(error as Error).message.split('\n')[0]}`);
      return undefined;
    }
  }

  async stop(): Promise<MonitorRecord> {
    clearInterval(this.timer);
    await this.tick();
    if (this.statementsBefore) {
      const after = await this.statements();
      if (after) {
        this.record.topStatements = [...after]
          .map(([query, a]) => {
            const b = this.statementsBefore!.get(query) ?? { calls: 0, total: 0 };
            const calls = a.calls - b.calls;
            const totalMs = a.total - b.total;
            return { query: query.replace(/\s+/g, ' ').slice(0, 300), calls, totalMs: Math.round(totalMs * 10) / 10, meanMs: calls ? Math.round((totalMs / calls) * 1000) / 1000 : 0 };
          })
          .filter((x) => x.calls > 0 && !x.query.includes('pg_stat_statements') && !x.query.includes('pg_stat_activity'))
          .sort((x, y) => y.totalMs - x.totalMs)
          .slice(0, 10);
      }
    }
    if (this.metricsSource && this.metricsBefore) {
      const after = await scrape(this.metricsSource.url, this.metricsSource.token);
      if (after.metrics) this.record.gatewayMetrics = diffMetrics(this.metricsBefore, after.metrics);
      else if (after.error) this.record.errors.push(`gateway metrics: ${after.error}`);
    }
    await this.pg?.end().catch(() => undefined);
    this.redis?.disconnect();
    this.record.cost.ms = Math.round(this.record.cost.ms);
    return this.record;
  }
}
