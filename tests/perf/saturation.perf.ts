// PERF-06 saturation: far more concurrent connections than the gateway has workers. It may refuse work,
// but gracefully (429/503 or slow answers), not with resets or a crash; afterwards it serves normally again.
import { describe, expect, it } from 'vitest';
import { floodTarget, hostCheck, needs, reportNote, reportTable, runLoad, skipReason, stack, titled, toolOperation, waitHealthy } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';
import { explainTcpChange, gatewayTcpCounters } from '../support/monitor/tcp-counters.ts';

const info = stack();
const gateway = info.gateway;

// The flood is GET /health: what a gateway answers cheapest, so that the connections, not the work, saturate it.
const skip = skipReason(info, 'health');

describe.skipIf(skip !== undefined)(titled('saturation', skip), () => {
  it('PERF-06: thousands of concurrent connections; graceful rejection, recovery, and the engine survives', async () => {
    const gw = gateway!;
    // Past Docker's port publisher where this machine reaches the container, else no more than it carries.
    const { url, connections } = floodTarget(gw, needs(gw.healthUrl, gw, 'health'), byProfile({ smoke: 500, pr: 2000, nightly: 10_000 }));
    hostCheck({ connections });
    // The gateway's kernel counters around the flood tell resets it sent from handshakes its listen queue dropped.
    const tcpBefore = await gatewayTcpCounters(gw);
    const flood = await runLoad({
      scenario: { name: `PERF-06 saturation ${connections} connections GET /health`, executor: 'constant-vus', vus: connections, duration: byProfile({ smoke: '20s', nightly: '2m' }), timeout: '15s', gracefulStop: '20s' },
      // One connection per VU: every VU holds its own socket to the gateway for the whole phase.
      operation: { kind: 'http-get', url, connections },
      warmupSeconds: 0,
    });
    const total = flood.counts.completed + flood.counts.interrupted;
    const byClass = flood.errorsByClass;
    const ungraceful = (byClass.connection_reset ?? 0) + (byClass.connection_refused ?? 0) + (byClass.malformed_response ?? 0) + (byClass.other ?? 0);
    const refusedPolitely = Object.entries(flood.errors).filter(([k]) => /^http_status:(429|503)$/.test(k)).reduce((n, [, v]) => n + v, 0);
    const tcpAfter = await gatewayTcpCounters(gw);
    const healthyAfter = await waitHealthy(gw, 60_000);
    const { op, via } = toolOperation(gw, { method: 'tools/list' });
    const after = await runLoad({
      scenario: { name: `PERF-06 after saturation tools/list ${via}`, executor: 'constant-arrival-rate', rate: 5, duration: '10s', preAllocatedVUs: 5, maxVUs: 50, timeout: '10s' },
      operation: op,
      warmupSeconds: 0,
    });
    // Calls this machine could not make (no local port left once thousands of timed-out connections linger) are not the gateway's doing.
    const ownLimits = byClass.load_generator ?? 0;
    reportTable({
      title: `${connections} concurrent connections`,
      columns: ['requests', 'ok', '429/503', 'timeouts', 'resets/refused/other', "load generator's own (no port/file)", 'p50 ms', 'p99 ms', 'peak in flight', 'healthy again after s'],
      rows: [[total, flood.counts.ok, refusedPolitely, byClass.timeout ?? 0, ungraceful, ownLimits, flood.latency.p50, flood.latency.p99, flood.vus.peakInFlight, healthyAfter ?? 'not within 60 s']],
    });
    if (ownLimits) reportNote(`PERF-06: ${ownLimits} calls were never made: this machine had no local port or file descriptor left (${Object.keys(flood.errors).filter((k) => k.startsWith('load_generator')).join(', ')}); they count neither for nor against the gateway`);
    if (ungraceful) reportNote(`PERF-06: ungraceful failures: ${JSON.stringify(Object.fromEntries(Object.entries(flood.errors).filter(([k]) => !/^(http_status|timeout|load_generator)/.test(k))))}`);
    if ('counters' in tcpBefore && 'counters' in tcpAfter) {
      const { lines } = explainTcpChange(tcpBefore, tcpAfter);
      reportNote(`PERF-06 why connections ended: ${lines.length ? lines.join('; ') : `${tcpAfter.where}: no resets, listen-queue overflows or aborts`}`);
    } else reportNote(`PERF-06: the gateway's TCP counters were not read (${[tcpBefore, tcpAfter].map((r) => ('unavailable' in r ? r.unavailable : '')).find(Boolean)})`);

    expect(flood.vus.peakInFlight, 'the engine did not hold the connections it was asked to').toBeGreaterThanOrEqual(Math.floor(connections * 0.9));
    expect(flood.counts.ok, 'nothing succeeded under saturation').toBeGreaterThan(0);
    expect(ungraceful / Math.max(1, total - ownLimits), `${ungraceful} of ${total - ownLimits} requests ended in resets, refusals or broken answers`).toBeLessThanOrEqual(0.001);
    expect(healthyAfter, 'the gateway was not healthy within 60 s after the flood').not.toBeNull();
    expect(after).toMeetSlo({ errorRate: '0%', p95: '1s', minRateShare: '95%' });
  });
});
