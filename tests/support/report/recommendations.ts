import { busyMachineNote } from '../monitor/machine-meter.ts';
import { memoryGrowth } from '../monitor/memory-growth.ts';
import type { CaseReport, Recommendation } from './run-report.ts';

/**
 * Symptoms read off the data, each with its evidence and what to look at: pool exhaustion, a CPU-bound
 * code path, memory growth, lock contention or synchronous waits, overload and refused connections.
 */
export function recommend(cases: CaseReport[], gatewayWorkers: number, poolCapacity?: number): Recommendation[] {
  const out: Recommendation[] = [];
  for (const c of cases) {
    const rec = c.record;
    if (!rec) continue;
    for (const r of rec.results) {
      const m = rec.monitors.find((x) => x.scenario === r.scenario);
      const gw = m?.samples.filter((s) => s.target === 'gateway') ?? [];
      const cpu = gw.map((s) => s.cpuPercent).filter(Number.isFinite);
      const avgCpu = cpu.length ? cpu.reduce((a, b) => a + b, 0) / cpu.length : Number.NaN;
      const pgMax = m?.postgres?.length ? Math.max(...m.postgres.map((p) => p.total)) : undefined;
      // Sustained, not momentary: the share of samples where a quarter or more of the connections sat idle in a transaction.
      const pgSamples = m?.postgres ?? [];
      const stuckShare = pgSamples.length ? pgSamples.filter((p) => (p.byState['idle in transaction'] ?? 0) >= Math.max(2, p.total / 4)).length / pgSamples.length : 0;
      const idleInTx = pgSamples.length ? Math.max(...pgSamples.map((p) => p.byState['idle in transaction'] ?? 0)) : 0;
      const tail = r.latency.p50 > 0 ? r.latency.p99 / r.latency.p50 : 0;
      const say = (symptom: string, evidence: string, advice: string) => out.push({ case: c.name, symptom, evidence, advice });

      const busy = busyMachineNote(m);
      if (busy) {
        say('busy machine', busy, 'this phase\'s latencies measure a shared machine as much as the gateway: rerun it on a quiet one before reading a failure as a regression, or compare base and head side by side on the same machine (npm run perf:ab)');
      }
      if (r.counts.dropped > 0) {
        say('overload: iterations dropped', `${r.counts.dropped} of ${r.counts.dropped + r.counts.started} iterations found no free VU (max ${r.vus.max})`,
          'the target could not keep up with the arrival rate (or maxVUs is too low for its latency): this rate is past the sustainable maximum; find the knee with a ramping-arrival-rate stress run');
      }
      const refused = (r.errorsByClass.connection_refused ?? 0) + (r.errorsByClass.connection_reset ?? 0);
      if (refused > 0) {
        say('connections refused or reset', `${refused} connection errors`, 'the gateway is rejecting or dropping connections: check its worker count, listen backlog (somaxconn) and open-file limit, and whether a worker crashed (gateway log)');
      }
      if (Number.isFinite(avgCpu) && avgCpu > 80 * Math.max(1, gatewayWorkers) * 0.85) {
        say('CPU-bound code path', `gateway CPU averaged ${avgCpu.toFixed(0)}% with ${gatewayWorkers} workers`,
          'the gateway is saturating its CPUs: add workers or instances, and profile the hot path (serialization, validation, plugins) before raising the rate');
      }
      // Evidence of pool pressure, not just a slow phase: connections sustained idle in a transaction, or
      // connections at the pools' capacity while the gateway waits with idle CPUs.
      const atCapacity = poolCapacity !== undefined && pgMax !== undefined && pgMax >= 0.9 * poolCapacity;
      if (stuckShare >= 0.5 || (atCapacity && r.latency.p95 > 200 && Number.isFinite(avgCpu) && avgCpu < 50)) {
        say('database pool exhaustion', `Postgres connections up to ${pgMax ?? 'n/a'}, up to ${idleInTx} idle in transaction (in ${(stuckShare * 100).toFixed(0)}% of samples); p95 ${r.latency.p95} ms at gateway CPU ${Number.isFinite(avgCpu) ? avgCpu.toFixed(0) : 'n/a'}%`,
          'requests wait for database connections: look for sessions left idle in transaction, and size DB_POOL_SIZE/DB_MAX_OVERFLOW against Postgres max_connections');
      }
      if (tail > 10 && r.latency.p99 > 100 && Number.isFinite(avgCpu) && avgCpu < 50) {
        say('lock contention or synchronous waits', `p99 is ${tail.toFixed(0)}x p50 (${r.latency.p99} vs ${r.latency.p50} ms) while gateway CPU averaged ${avgCpu.toFixed(0)}%`,
          'a long tail with idle CPUs points at waiting: locks, a blocking call on the event loop, a slow upstream or a cache stampede; compare with the direct target and take a py-spy dump under load');
      }
      // Five minutes at least: shorter runs see warm-up (caches, JIT, pools filling), not leaks.
      if (gw.length >= 10 && gw[gw.length - 1]!.t - gw[0]!.t >= 300) {
        const g = memoryGrowth(gw.map((s) => ({ t: s.t, memoryMB: s.memoryMB })), 0.1);
        if (g.verdict === 'growing') {
          say('memory growth', `gateway memory grows ${g.slopeMBPerHour.toFixed(1)} MB/h (${(g.relativePerHour * 100).toFixed(0)}%/h; ${g.reason})`,
            'run the soak profile to confirm; look for per-session or per-request state that is never released (session re-initialisation, caches without bounds)');
        }
      }
    }
  }
  return out;
}
