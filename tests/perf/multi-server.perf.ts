// Multi-server: the same tool call with 2 MCP servers registered, then with 5-10; per-server latency,
// fairness between servers, and no degradation with the count. The added servers are registered by this
// case and removed again; they reach the same load-server process under distinct URLs, so what varies is
// what the gateway holds and routes, not the upstream's capacity.
import { afterAll, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { RpcClient } from '../support/mcp/rpc-client.ts';
import { toolCount } from '../support/stack/shipped-servers.ts';
import type { MixItem } from '../support/mcp/operations.ts';
import { authHeaders, fitPhaseRate, gatewayAdmin, gatewayTool, needs, reportNote, reportTable, runLoad, skipReason, stack, titled } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';

const info = stack();
const gateway = info.gateway;
const loadServer = info.direct.find((d) => d.name === 'perf_load');
const loadUpstream = gateway?.upstreams.find((u) => u.name === 'perf_load');
const added: string[] = [];
// Servers are added at run time through the gateway's admin API; counted and called over its /rpc.
const skip = skipReason(info, 'admin-api', 'rpc') ?? (!loadUpstream || !loadServer ? 'the stack has no perf_load server' : undefined);

/** Tools the gateway lists now, counted from its own tools/list. */
async function gatewayToolCount(gw: NonNullable<typeof gateway>): Promise<number> {
  const agent = new Agent();
  try {
    return (await new RpcClient({ url: needs(gw.rpcUrl, gw, 'rpc'), dispatcher: agent, headers: authHeaders(gw) }).listAllTools({ signal: AbortSignal.timeout(30_000) })).result.length;
  } finally {
    await agent.close();
  }
}

describe.skipIf(skip !== undefined)(titled('multi-server', skip), () => {
  // The servers this case registered must all go again: a leftover upstream skews every case after it.
  afterAll(async () => {
    const admin = gatewayAdmin(gateway!);
    const results = await Promise.allSettled(added.map((id) => admin.removeUpstream(id)));
    const failed = results.flatMap((r, i) => (r.status === 'rejected' ? [`${added[i]}: ${(r.reason as Error).message}`] : []));
    if (failed.length) throw new Error(`multi-server could not remove ${failed.length} upstream(s) it registered; later cases would run with them: ${failed.join('; ')}`);
  });

  it('tools/call latency with 2 servers vs many: per server, fairness, degradation', async () => {
    const gw = gateway!;
    const admin = gatewayAdmin(gw);
    const duration = byProfile({ smoke: '30s', nightly: '5m' });
    const extra = byProfile({ smoke: 5, nightly: 8 });
    const rpcUrl = needs(gw.rpcUrl, gw, 'rpc');
    const call = (toolName: string) => ({ kind: 'rpc' as const, url: rpcUrl, headers: authHeaders(gw), call: { method: 'tools/call' as const, name: toolName, arguments: { a: 1, b: 2 } } });
    const planned = (name: string, rate: number) => ({ name, executor: 'constant-arrival-rate' as const, rate, duration, preAllocatedVUs: 20, maxVUs: 200, timeout: '30s' });
    // Before and after at one rate (fitted to the stack before the servers are added: PERF_FIT_RATES), or the
    // degradation would be a change of load.
    const first = 'multi-server: 2 servers, one target';
    const rate = await fitPhaseRate(planned(first, byProfile({ smoke: 6, nightly: 100 })), call(gatewayTool(gw, 'perf_load', 'fast_compute')));
    const scenario = (name: string) => planned(name, rate);

    const before = await runLoad({ scenario: scenario(first), operation: call(gatewayTool(gw, 'perf_load', 'fast_compute')), fit: false });
    const listBefore = await runLoad({ scenario: { ...scenario('multi-server: tools/list with 2 servers'), rate: 5 }, operation: { kind: 'rpc', url: rpcUrl, headers: authHeaders(gw), call: { method: 'tools/list' } }, warmupSeconds: 0 });

    const names: string[] = [];
    const perServer = await toolCount(loadServer!.mcpUrl);
    const toolsBefore = await gatewayToolCount(gw);
    for (let i = 1; i <= extra; i++) {
      const name = `perf_load_multi_${i}`;
      const url = new URL(loadUpstream!.url);
      url.searchParams.set('instance', String(i));
      const { id, tools } = await admin.addUpstream({ name, url: url.href, expectTools: perServer }, 60_000);
      added.push(id);
      const fast = tools.fast_compute;
      if (!fast) throw new Error(`server ${name} registered without a fast_compute tool (it has ${Object.keys(tools).join(', ')})`);
      names.push(fast);
    }
    const servers = [gatewayTool(gw, 'perf_load', 'fast_compute'), ...names];
    const items: MixItem[] = servers.map((tool) => ({ name: tool, weight: 1, op: call(tool) }));
    const after = await runLoad({ scenario: scenario(`multi-server: ${servers.length + 1} servers, spread evenly`), operation: { kind: 'mix', items }, fit: false });
    const listAfter = await runLoad({ scenario: { ...scenario(`multi-server: tools/list with ${servers.length + 1} servers`), rate: 5 }, operation: { kind: 'rpc', url: rpcUrl, headers: authHeaders(gw), call: { method: 'tools/list' } }, warmupSeconds: 0 });

    const toolsAfter = await gatewayToolCount(gw);
    const byServer = servers.map((tool) => ({ tool, op: after.operations[tool]! }));
    // A p95 of a few dozen calls is a server's second-slowest call: one gateway pause decides it. Fairness is
    // judged on p95 where each server has enough calls to give it a tail, on p50 otherwise.
    const fewest = Math.min(...byServer.map((s) => s.op.count));
    const fairnessAt = fewest >= 200 ? 'p95' : 'p50';
    const spread = byServer.map((s) => s.op.latency[fairnessAt]);
    const fairness = +(Math.max(...spread) / Math.min(...spread)).toFixed(2);
    const degradation = +(after.latency.p50 / before.latency.p50).toFixed(2);
    reportTable({
      title: `tools/call per server with ${servers.length + 1} servers registered (${rate}/s in total)`,
      columns: ['server tool', 'calls', 'p50 ms', 'p95 ms', 'errors %'],
      rows: byServer.map((s) => [s.tool, s.op.count, s.op.latency.p50, s.op.latency.p95, +(s.op.errorRate * 100).toFixed(2)]),
    });
    reportNote(`fairness: slowest/fastest server ${fairnessAt} = ${fairness} (fewest calls on one server: ${fewest}); degradation: p50 ${before.latency.p50} ms with 2 servers -> ${after.latency.p50} ms with ${servers.length + 1} (x${degradation}); ` +
      `tools/list p50 ${listBefore.latency.p50} -> ${listAfter.latency.p50} ms (${toolsBefore} -> ${toolsAfter} tools, as tools/list counted them)`);

    for (const r of [before, after]) expect(r).toMeetSlo({ errorRate: '0.1%', minRateShare: '98%' });
    expect(fairness, `per-server ${fairnessAt} differs by x${fairness}: ${byServer.map((s) => `${s.tool} ${s.op.latency[fairnessAt]} ms`).join(', ')}`)
      .toBeLessThanOrEqual(fairnessAt === 'p95' ? 1.5 : 1.3);
    expect(degradation, `tools/call p50 grew x${degradation} with ${servers.length + 1} servers registered`).toBeLessThanOrEqual(byProfile({ smoke: 1.5, nightly: 1.2 }));
  });
});
