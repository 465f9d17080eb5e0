// PERF-05 soak: a constant rate for a long time. The verdicts are slopes, not first-vs-last, after a warm-up found in
// each series: the gateway's memory, our MCP servers' memory (least-squares fit with its 95% interval) and the
// Postgres connection count (no connection leak).
import { describe, expect, it } from 'vitest';
import { connectionGrowth, memoryGrowth } from '../support/monitor/memory-growth.ts';
import { gatewayTool, NO_GATEWAY, reportNote, runLoad, stack, toolOperation, toolTransport } from '../support/perf-case.ts';
import { byProfile, PROFILE } from '../support/shared/profile.ts';
import { config } from '../support/shared/config.ts';
import { poolCapacity } from '../support/shared/stack-info.ts';

const info = stack();
const gateway = info.gateway;
// The plan's figures (100/s for 4 h) are more than a 2-core machine holds: these say what this one runs instead.
const planned = { rate: byProfile({ smoke: 5, pr: 10, nightly: 50, soak: 100 }), duration: byProfile({ smoke: '60s', pr: '5m', nightly: '30m', soak: '4h' }) };
const rate = config().PERF_SOAK_RATE || planned.rate;
const duration = config().PERF_SOAK_DURATION ?? planned.duration;

describe.skipIf(!gateway)(`soak${gateway ? '' : ` (skipped: ${NO_GATEWAY(info)})`}`, () => {
  it('PERF-05: constant rate for hours; no memory leak, no connection leak', async () => {
    const gw = gateway!;
    const tool = (upstream: string, name: string) => gatewayTool(gw, upstream, name);
    const via = toolTransport(gw);
    const result = await runLoad({
      scenario: {
        name: `PERF-05 soak mixed MCP calls ${via}`,
        executor: 'constant-arrival-rate',
        rate,
        duration,
        preAllocatedVUs: 20,
        maxVUs: 500,
        timeout: '30s',
      },
      operation: {
        kind: 'mix',
        items: [
          { name: 'tools/call get_system_time', weight: 4, op: toolOperation(gw, { method: 'tools/call', name: tool('fast_time', 'get_system_time'), arguments: { timezone: 'Europe/Paris' } }).op },
          { name: 'tools/call fast_compute', weight: 4, op: toolOperation(gw, { method: 'tools/call', name: tool('perf_load', 'fast_compute'), arguments: { a: 2, b: 3 } }).op },
          { name: 'tools/list', weight: 2, op: toolOperation(gw, { method: 'tools/list' }).op },
        ],
      },
      progressEverySeconds: byProfile({ smoke: 10, nightly: 60 }),
      // A rate asked for by PERF_SOAK_RATE runs as asked; the profile's may be fitted to the stack (PERF_FIT_RATES).
      fit: !config().PERF_SOAK_RATE,
    });
    expect(result).toMeetSlo({ p95: byProfile({ smoke: '500ms', nightly: '300ms' }), errorRate: '0.1%', minRateShare: '98%' });

    const monitor = result.monitor;
    if (rate !== planned.rate || duration !== planned.duration) reportNote(`PERF-05 ran at ${rate}/s for ${duration} (PERF_SOAK_RATE / PERF_SOAK_DURATION), not the ${PROFILE} profile's ${planned.rate}/s for ${planned.duration}`);
    // The plan's budget, < 10% growth in 24 h, is judged by the soak profile. A run of minutes sees the
    // gateway warming up (caches and pools filling) and cannot extrapolate to a day, so shorter profiles only
    // catch gross leaks: 20%/h is ~6 KB per request at 8/s. The warm-up is found in each series and left out.
    const weak = PROFILE !== 'soak';
    const maxPerHour = byProfile({ smoke: '20%', nightly: '2%', soak: `${10 / 24}%` });
    expect.soft(monitor).toHaveBoundedMemoryGrowth({ maxPerHour, allowInconclusive: weak, warmup: 'detect' });
    if (weak) reportNote(`PERF-05 (${PROFILE}): memory judged against ${maxPerHour}/h over ${result.durationMs / 1000} s, which only catches gross leaks; the soak profile judges the plan's < 10% in 24 h`);
    // Our MCP servers are judged too, by the soak profile (a gateway that leaves sessions open upstream makes them
    // grow); shorter runs only report them: a Node heap grows for minutes before its first full collection.
    for (const target of ['perf_load', 'fast_time']) {
      const points = (monitor?.samples ?? []).filter((s) => s.target === target);
      if (!points.length) continue;
      // A Node heap's sawtooth is wide against a budget of 10% a day: an interval that straddles it says too little
      // to fail on, so only "growing" fails (what each does on unleaked series: docs/soak.md, bench:soak).
      if (!weak) expect.soft(monitor).toHaveBoundedMemoryGrowth({ maxPerHour, warmup: 'detect', target, allowInconclusive: true });
      else {
        const g = memoryGrowth(points, parseFloat(maxPerHour) / 100, { warmup: 'detect' });
        reportNote(`PERF-05 (${PROFILE}): our MCP server ${target}'s memory ${g.slopeMBPerHour.toFixed(1)} MB/h (95% interval ${g.ciMBPerHour[0].toFixed(1)} to ${g.ciMBPerHour[1].toFixed(1)}) on ${g.meanMB.toFixed(0)} MB, reported, not judged (the soak profile judges it)`);
      }
    }

    const pg = monitor?.postgres ?? [];
    if (pg.length >= 10) {
      // Connections are pooled: a leak is a count that would pass the pools' capacity within a day at its slope; in
      // the shorter profiles within a horizon as much shorter as their memory budgets are looser (gross leaks only):
      // the day's 10% over this profile's share an hour (soak 24 h, nightly 5 h, smoke 30 min).
      const capacity = poolCapacity(gw);
      const horizonHours = 10 / parseFloat(maxPerHour);
      const g = connectionGrowth(pg.map((p) => ({ t: p.t, count: p.total })), capacity, horizonHours);
      const idleInTx = pg.map((p) => p.byState['idle in transaction'] ?? 0);
      reportNote(`PERF-05 Postgres connections: ${Math.min(...pg.map((p) => p.total))}-${Math.max(...pg.map((p) => p.total))} over the run${g.warmup ? ` (the first ${g.warmup.seconds} s left out as warm-up)` : ''}, slope ${g.slopeMBPerHour.toFixed(1)}/h (95% interval ${g.ciMBPerHour[0].toFixed(1)} to ${g.ciMBPerHour[1].toFixed(1)}), verdict ${g.verdict} against ${capacity ? `the pools' ${capacity} connections within ${horizonHours} h` : '5% of the mean per hour'}; idle in transaction at most ${Math.max(...idleInTx)}`);
      expect.soft(g.verdict, `Postgres connections keep rising: ${g.reason}`).not.toBe('growing');
    } else {
      reportNote('PERF-05: no Postgres samples (this stack exposes no database to watch), so no connection-leak verdict');
    }
  });
});
