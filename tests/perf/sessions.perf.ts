// Streamable HTTP sessions: what initialize costs, and what a client that opens a new session for every
// call (session churn, like ContextForge's MCPSessionChurnUser) costs the gateway against one that reuses it;
// and that sessions running side by side each get their own answers.
import { describe, expect, it } from 'vitest';
import { memoryGrowth } from '../support/monitor/memory-growth.ts';
import type { OperationSpec } from '../support/mcp/operations.ts';
import { authHeaders, fitPhaseRate, gatewayTool, monitorFigures, NO_GATEWAY, reportNote, reportTable, runLoad, stack, timeCall } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';

const info = stack();
const gateway = info.gateway;

describe.skipIf(!gateway)(`Streamable HTTP sessions${gateway ? '' : ` (skipped: ${NO_GATEWAY(info)})`}`, () => {
  it('session reuse vs churn on the gateway\'s MCP endpoint: initialize cost and gateway cost', async () => {
    const gw = gateway!;
    const duration = byProfile({ smoke: '25s', pr: '2m', nightly: '10m' });
    // Sessions are this case's subject: it speaks 2025-06-18, whatever the run speaks (protocol-eras.perf.ts sets
    // them against 2026-07-28, which has none).
    const spec = (session: 'per-vu' | 'per-iteration'): OperationSpec => ({
      kind: 'streamable', url: gw.mcpUrl, headers: authHeaders(gw), session, protocol: '2025-06-18',
      call: timeCall(gw),
    });
    const planned = (name: string, rate: number) => ({ name, executor: 'constant-arrival-rate' as const, rate, duration, preAllocatedVUs: 10, maxVUs: 200, timeout: '30s' });
    // Both modes at one rate, fitted (PERF_FIT_RATES) to the costlier, churn: the difference is the sessions' cost.
    const churnName = 'sessions: churn (initialize, call, DELETE each time)';
    const rate = await fitPhaseRate(planned(churnName, byProfile({ smoke: 4, pr: 10, nightly: 50 })), spec('per-iteration'));
    const scenario = (name: string) => planned(name, rate);
    const reuse = await runLoad({ scenario: scenario('sessions: reuse (one session per VU)'), operation: spec('per-vu'), fit: false });
    const reuseCost = monitorFigures(reuse.monitor);
    const churn = await runLoad({ scenario: scenario(churnName), operation: spec('per-iteration'), fit: false });
    const churnMonitor = churn.monitor;
    const churnCost = monitorFigures(churnMonitor);
    const initP50 = +(churn.latency.p50 - reuse.latency.p50).toFixed(3);
    reportTable({
      title: `Session reuse vs churn at ${rate}/s`,
      columns: ['mode', 'p50 ms', 'p95 ms', 'p99 ms', 'errors %', 'gateway CPU %', 'gateway CPU ms per call'],
      rows: [[reuse, reuseCost] as const, [churn, churnCost] as const].map(([r, c]) => [r.scenario, r.latency.p50, r.latency.p95, r.latency.p99, +(r.errorRate * 100).toFixed(2), c.cpuPercent, +((c.cpuPercent * 10) / r.rate.achieved).toFixed(1)]),
    });
    reportNote(`initialize + notifications/initialized + DELETE add ${initP50} ms at p50 to every churned call`);
    const gwMemory = (churnMonitor?.samples ?? []).filter((s) => s.target === 'gateway');
    if (gwMemory.length >= 10) {
      const g = memoryGrowth(gwMemory.map((s) => ({ t: s.t, memoryMB: s.memoryMB })), 0.1);
      reportNote(`gateway memory during churn: ${g.slopeMBPerHour.toFixed(1)} MB/h (95% interval ${g.ciMBPerHour[0].toFixed(1)} to ${g.ciMBPerHour[1].toFixed(1)}); ${g.verdict} (session re-initialisation is a known source of slow growth: run the soak profile to judge it)`);
    }
    for (const r of [reuse, churn]) {
      expect(r).toMeetSlo({ errorRate: '0.1%', minRateShare: '98%', p95: byProfile({ smoke: '1s', nightly: '500ms' }) });
      expect(r).toMatchBaseline();
    }
  });

  it('isolation: concurrent sessions each get their own answers (a nonce every call must echo)', async () => {
    const gw = gateway!;
    // fast_compute returns a + b: with b = 0, every answer must carry the call's own random a. An answer that
    // belonged to another session fails as isolation:nonce (or isolation:id_mismatch), whatever ids it carries.
    const result = await runLoad({
      scenario: { name: 'sessions: isolation (nonce echo, sessions in parallel)', executor: 'constant-arrival-rate', rate: byProfile({ smoke: 10, pr: 20, nightly: 50 }), duration: byProfile({ smoke: '10s', pr: '30s', nightly: '2m' }), preAllocatedVUs: 8, maxVUs: 100, timeout: '30s' },
      operation: {
        kind: 'streamable', url: gw.mcpUrl, headers: authHeaders(gw), session: 'per-vu',
        call: { method: 'tools/call', name: gatewayTool(gw, 'perf_load', 'fast_compute'), arguments: { b: 0 }, nonce: { argument: 'a' } },
      },
    });
    expect(result.errorsByClass.isolation ?? 0, `answers that belonged to another caller: ${JSON.stringify(result.errors)}; ${Object.values(result.errorSamples)[0] ?? ''}`).toBe(0);
    expect(result).toMeetSlo({ errorRate: '0.1%', minRateShare: '98%' });
  });
});
