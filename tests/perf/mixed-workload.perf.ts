// Mixed workload: the user classes of ContextForge's own Locust plan, weighted, in one open-model phase:
// health checks, read-only REST, MCP JSON-RPC, tool callers (/rpc and Streamable HTTP), session churn and
// the write API. Each class is recorded and judged on its own.
import { afterAll, describe, expect, it } from 'vitest';
import type { MixItem } from '../support/mcp/operations.ts';
import { authHeaders, gatewayAdmin, gatewayTool, needs, reportNote, reportTable, runLoad, skipReason, stack, titled } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';

const info = stack();
const gateway = info.gateway;
const WRITE_PREFIX = 'mcp-perf-mixed-';
const skip = skipReason(info, 'admin-api', 'rpc', 'health');

describe.skipIf(skip !== undefined)(titled('mixed workload', skip), () => {
  afterAll(async () => {
    // The write class created virtual servers; remove them so later cases see the stack as it was.
    await gatewayAdmin(gateway!).deleteServersNamed(WRITE_PREFIX);
  });

  it('weighted user classes: health, REST reads, JSON-RPC, tool callers, session churn, writes', async () => {
    const gw = gateway!;
    const auth = authHeaders(gw);
    const rpcUrl = needs(gw.rpcUrl, gw, 'rpc');
    const timeTool = { method: 'tools/call' as const, name: gatewayTool(gw, 'fast_time', 'get_system_time'), arguments: { timezone: 'Asia/Tokyo' } };
    const items: MixItem[] = [
      { name: 'HealthCheckUser GET /health', weight: 2, op: { kind: 'http-get', url: needs(gw.healthUrl, gw, 'health') } },
      { name: 'ReadOnlyAPIUser GET /v1/tools (paged)', weight: 2, op: { kind: 'http-paged', url: `${gw.baseUrl}/v1/tools?limit=5&include_pagination=true`, headers: auth } },
      { name: 'ReadOnlyAPIUser GET /v1/servers', weight: 1, op: { kind: 'http-get', url: `${gw.baseUrl}/v1/servers`, headers: auth } },
      { name: 'MCPJsonRpcUser tools/list', weight: 2, op: { kind: 'rpc', url: rpcUrl, headers: auth, call: { method: 'tools/list' } } },
      { name: 'FastTimeUser tools/call /rpc', weight: 3, op: { kind: 'rpc', url: rpcUrl, headers: auth, call: timeTool } },
      { name: 'MCPToolCallerUser tools/call /mcp', weight: 2, op: { kind: 'streamable', url: gw.mcpUrl, headers: auth, session: 'per-vu', call: timeTool } },
      { name: 'MCPSessionChurnUser new session each call', weight: 1, op: { kind: 'streamable', url: gw.mcpUrl, headers: auth, session: 'per-iteration', call: timeTool } },
      {
        name: 'WriteAPIUser POST /v1/servers', weight: 1,
        op: { kind: 'http', method: 'POST', url: `${gw.baseUrl}/v1/servers`, headers: auth, body: JSON.stringify({ server: { name: `${WRITE_PREFIX}{{uuid}}` }, visibility: 'public' }), expect: [200, 201] },
      },
    ];
    const result = await runLoad({
      scenario: { name: 'mixed workload (Locust user classes)', executor: 'constant-arrival-rate', rate: byProfile({ smoke: 5, pr: 15, nightly: 200 }), duration: byProfile({ smoke: '60s', pr: '3m', nightly: '20m' }), preAllocatedVUs: 20, maxVUs: 400, timeout: '30s' },
      operation: { kind: 'mix', items },
    });
    reportTable({
      title: 'Per user class',
      columns: ['class', 'weight', 'requests', 'p50 ms', 'p95 ms', 'p99 ms', 'errors %'],
      rows: items.map((i) => {
        const op = result.operations[i.name];
        return [i.name, i.weight, op?.count ?? 0, op?.latency.p50 ?? NaN, op?.latency.p95 ?? NaN, op?.latency.p99 ?? NaN, op ? +(op.errorRate * 100).toFixed(2) : NaN];
      }),
    });
    const slowest = Object.entries(result.operations).sort((a, b) => b[1].latency.p95 - a[1].latency.p95)[0];
    if (slowest) reportNote(`slowest class at p95: ${slowest[0]} (${slowest[1].latency.p95} ms)`);
    expect(result).toMeetSlo({ errorRate: '0.1%', minRateShare: '98%' });
    for (const i of items) expect(result).toMeetSlo({ operation: i.name, p95: byProfile({ smoke: '1500ms', nightly: '500ms' }), errorRate: '0.5%' });
    expect(result).toMatchBaseline();
  });
});
