// SSE and WebSocket: N streams held open through the gateway for the whole phase, with calls flowing on
// every one of them. No stream may drop, none may go silent, every call must be answered, and the database
// connections the streams hold must be given back when they close.
//
// An open SSE stream may hold database connections for its whole life (ContextForge's do, idle in a transaction),
// so the workers' pools cap the streams a gateway can hold, and opens past them wait for the pool and time out:
// nightly and soak fit the count to the pools the stack gave (fitPhaseStreams). Smoke's and pr's counts fit even when
// every stream lands on the same worker. WebSocket streams hold no connection, but each call costs the gateway as
// much as one over /rpc: pr's rate stays within what a 2-core runner holds. Measurements: docs/catalogue.md.
import { describe, expect, it } from 'vitest';
import { StreamPool } from '../support/mcp/stream-pool.ts';
import { authHeaders, fitPhaseStreams, fitShare, hostCheck, idleInTransaction, idleInTransactionBackTo, reportTable, runLoad, skipReason, stack, titled, timeCall } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';

const info = stack();
const gateway = info.gateway;

describe.skipIf(!gateway)(titled('SSE and WebSocket streams', skipReason(info)), () => {
  const cases = [
    { kind: 'sse' as const, count: byProfile({ smoke: 10, pr: 16, nightly: 1000 }), url: () => gateway!.virtualServer!.sseUrl },
    { kind: 'ws' as const, count: byProfile({ smoke: 20, pr: 40, nightly: 500 }), url: () => gateway!.wsUrl! },
  ];
  for (const c of cases) {
    const skip = skipReason(info, c.kind);
    // With fitting on (nightly, soak) the count is at most the plan's: what the gateway's pools hold decides.
    it.skipIf(skip !== undefined)(titled(`${fitShare() ? 'up to ' : ''}${c.count} ${c.kind.toUpperCase()} streams held with messages flowing on each`, skip), async () => {
      const gw = gateway!;
      const openStreams = (count: number) => StreamPool.open({ kind: c.kind, url: c.url(), headers: authHeaders(gw), count, connectTimeoutMs: 30_000 });
      // Nightly's 1000 SSE streams: fitted to the gateway's database pools where its streams hold connections.
      const count = await fitPhaseStreams(`${c.kind.toUpperCase()} streams`, c.count, async (n) => {
        const probe = await openStreams(n);
        return { opened: probe.status().opened, close: () => probe.close() };
      });
      hostCheck({ connections: count * 2 });
      const txBefore = (await idleInTransaction()) ?? 0;
      const pool = await openStreams(count);
      try {
        const opened = pool.status();
        const txHeld = ((await idleInTransaction()) ?? 0) - txBefore;
        const seconds = byProfile({ smoke: 20, pr: 60, nightly: 300 });
        // A call on every stream every `every` s. Smoke's 4 s keeps a 2-core machine well below the knee: a call
        // costs a gateway like ContextForge a tenth of a core-second or more, and at one every 2 s a slow day tipped
        // smoke into queueing (the runs: docs/catalogue.md, "sized and ordered").
        const every = byProfile({ smoke: 4, pr: 2, nightly: 2 });
        const rate = Math.max(1, Math.round(count / every));
        pool.mark();
        const result = await runLoad({
          // A fitted count moves with what 4 streams measured; the phase's name (its baseline's key) does not.
          scenario: { name: `${c.kind.toUpperCase()}: ${count === c.count ? `${c.count} streams` : `streams fitted to the gateway's pools (the plan's ${c.count})`}, a tools/call every ${every} s on each`, executor: 'constant-arrival-rate', rate, duration: `${seconds}s`, preAllocatedVUs: Math.min(rate, 50), maxVUs: rate * 10, timeout: '30s' },
          operation: pool.operation(timeCall(gw)),
          warmupSeconds: 0,
        });
        const held = pool.status();
        reportTable({
          title: `${c.kind.toUpperCase()} streams through the gateway`,
          columns: ['wanted', 'opened', 'open failures', 'connect p50 ms', 'connect p95 ms', 'open at the end', 'dropped', 'silent', 'messages per stream (min-max)', 'PG idle in transaction per stream'],
          rows: [[count, opened.opened, JSON.stringify(opened.openFailures), opened.connect.p50, opened.connect.p95, held.open, held.dropped, held.silent, `${held.messages.min}-${held.messages.max}`,
            opened.opened ? +(txHeld / opened.opened).toFixed(2) : 'n/a']],
        });
        expect(opened.openFailures, `streams that could not be opened: ${JSON.stringify(opened.openFailures)}`).toEqual({});
        expect(held.dropped, `${held.dropped} of ${held.opened} streams dropped during the phase`).toBe(0);
        expect(held.silent, `${held.silent} open streams carried no message during the phase`).toBe(0);
        // Smoke, a call every 2 s: WS p95 239-844 ms on a 2-core runner on one day (the calls relay to /rpc inside the gateway).
        expect(result).toMeetSlo({ errorRate: '0%', minRateShare: '98%', p95: byProfile({ smoke: '2s', nightly: '500ms' }) });
        expect(result).toMatchBaseline();
      } finally {
        await pool.close();
      }
      // Closed streams must give their database connections back.
      const txAfter = (await idleInTransactionBackTo(txBefore)) ?? 0;
      expect(txAfter, `Postgres connections idle in transaction: ${txBefore} before the streams, ${txAfter} 10 s after they closed`).toBeLessThanOrEqual(txBefore);
    });
  }
});
