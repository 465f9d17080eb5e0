// Gateway overhead: the same tool call straight to the MCP server and through the gateway, in one run,
// so the difference is what the gateway adds on this machine.
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../support/engine/result.ts';
import type { OperationSpec } from '../support/mcp/operations.ts';
import { authHeaders, figureName, fitPhaseRate, gatewayTool, mcpOperation, NO_GATEWAY, runLoad, stack } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';

const info = stack();
const gateway = info.gateway;
const timeServer = info.direct.find((s) => s.name === 'fast_time');

const scenario = (name: string) => ({
  name,
  executor: 'constant-arrival-rate' as const,
  // Well below the gateway's knee, or the difference is queueing, not overhead: smoke keeps a 2-core machine twice as
  // slow as ours at half its knee (docs/catalogue.md, "sized and ordered"); pr fits a 2-core runner.
  rate: byProfile({ smoke: 5, pr: 20, nightly: 100 }),
  duration: byProfile({ smoke: '40s', pr: '2m', nightly: '10m' }),
  preAllocatedVUs: 20,
  maxVUs: 200,
  timeout: '30s',
});

const args = { timezone: 'Europe/Dublin' };

function overhead(direct: RunResult, through: RunResult) {
  const d = direct.latency;
  const g = through.latency;
  const row = { p50: +(g.p50 - d.p50).toFixed(3), p95: +(g.p95 - d.p95).toFixed(3), p99: +(g.p99 - d.p99).toFixed(3) };
  console.log(`   gateway overhead ms (gateway - direct): p50 ${row.p50}  p95 ${row.p95}  p99 ${row.p99}`);
  return row;
}

describe.skipIf(!gateway || !timeServer)(`gateway overhead${gateway ? '' : ` (skipped: ${NO_GATEWAY(info)})`}`, () => {
  it('tools/call get_system_time: direct Streamable HTTP vs gateway Streamable HTTP (and /rpc where the gateway has it)', async () => {
    const gw = gateway!;
    const call = { method: 'tools/call' as const, name: gatewayTool(gw, 'fast_time', 'get_system_time'), arguments: args };
    const direct: OperationSpec = { kind: 'streamable', url: timeServer!.mcpUrl, session: 'per-vu', call: { ...call, name: 'get_system_time' } };
    // Every phase at one rate, fitted (PERF_FIT_RATES) to the costliest, the gateway's: overhead is a difference at one load.
    const rate = await fitPhaseRate(scenario('overhead: gateway /mcp tools/call'), mcpOperation(gw, call));
    const at = (name: string) => ({ ...scenario(name), rate });
    const LOAD = `${rate}/s for ${scenario('').duration}`;
    const directResult = await runLoad({ scenario: at('overhead: direct /mcp tools/call'), operation: direct, fit: false });
    // One name on every gateway (ContextForge's endpoint is /servers/{id}/mcp, LiteLLM's /mcp/), so that runs compare.
    const viaMcp = mcpOperation(gw, call);
    const through = [{ label: 'Streamable HTTP', op: viaMcp as OperationSpec, result: await runLoad({ scenario: at('overhead: gateway /mcp tools/call'), operation: viaMcp, fit: false }) }];
    if (gw.rpcUrl) {
      const viaRpc: OperationSpec = { kind: 'rpc', url: gw.rpcUrl, headers: authHeaders(gw), call };
      through.push({ label: '/rpc', op: viaRpc, result: await runLoad({ scenario: at('overhead: gateway /rpc tools/call'), operation: viaRpc, fit: false }) });
    }
    // The direct server is the reference, not the system under test: no baseline judges it (a p95 of a few ms moves by
    // multiples with one scheduling blip, which would fail a gateway's run for the machine's sake; docs/catalogue.md).
    // Soft: one transport's failure still leaves every other verdict judged and printed.
    expect.soft(directResult).toMeetSlo({ errorRate: '0.1%', minRateShare: '98%' });
    for (const { result } of through) {
      expect.soft(result).toMeetSlo({ errorRate: '0.1%', minRateShare: '98%' });
      expect.soft(result).toMatchBaseline();
    }
    // The plan asks < 15 ms p95 overhead on production hardware; on this 2-core machine the gateway,
    // its database and the load generator share the cores, so the smoke budget is wider.
    const p95Budget = byProfile({ smoke: 250, nightly: 50 });
    for (const t of through) {
      const added = overhead(directResult, t.result);
      expect.soft(added.p95, `gateway ${t.label} adds ${added.p95} ms at p95 (budget ${p95Budget} ms)`).toBeLessThan(p95Budget);
      // The budget is the plan's ceiling; whether the overhead moved is the baseline's to say. Below 0 reads as 0 (the
      // direct call was the slower one), and a change under 2 ms is the machine's own timing noise.
      expect.soft(Math.max(0, added.p50)).toMatchBaselineFigure({ name: figureName(`gateway overhead p50 ${t.label}`, t.op), unit: 'ms', better: 'lower', floor: 2, load: LOAD });
    }
  });
});
