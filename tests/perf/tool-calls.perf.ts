// PERF-07 tool calls: many concurrent tools/call through the gateway to upstream tools of different cost
// (cheap arithmetic, a 50 ms wait, CPU work), each tool's latency judged on its own.
import { describe, expect, it } from 'vitest';
import { gatewayTool, NO_GATEWAY, reportTable, runLoad, stack, toolOperation, toolTransport } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';

const info = stack();
const gateway = info.gateway;

describe.skipIf(!gateway)(`tool calls${gateway ? '' : ` (skipped: ${NO_GATEWAY(info)})`}`, () => {
  it('PERF-07: concurrent tools/call of fast, waiting and CPU-bound tools', async () => {
    const gw = gateway!;
    const call = (name: string, args: Record<string, unknown>) => toolOperation(gw, { method: 'tools/call', name: gatewayTool(gw, 'perf_load', name), arguments: args }).op;
    const via = toolTransport(gw);
    const vus = byProfile({ smoke: 4, pr: 20, nightly: 100 });
    const result = await runLoad({
      scenario: { name: `PERF-07 ${vus} concurrent tools/call${via === '/rpc' ? '' : ` ${via}`}`, executor: 'constant-vus', vus, duration: byProfile({ smoke: '30s', pr: '2m', nightly: '10m' }), timeout: '30s' },
      operation: {
        kind: 'mix',
        items: [
          { name: 'fast_compute', weight: 3, op: call('fast_compute', { a: 1, b: 2 }) },
          { name: 'async_io 50ms', weight: 2, op: call('async_io', { delay_ms: 50 }) },
          { name: 'cpu_intensive 2000', weight: 1, op: call('cpu_intensive', { size: 2000 }) },
        ],
      },
      workers: byProfile({ smoke: 1, nightly: 2 }),
      // The plan's concurrent callers are sized for a larger machine: in the nightly profile they are lowered to
      // what this stack holds (PERF_FIT_RATES), the case's notes saying to how many, but never below smoke's 4: one
      // caller, what a 2-core stack's share comes to, would call nothing concurrently.
      fitVus: { atLeast: 4 },
    });
    reportTable({
      title: `Per tool, ${result.vus.max} VUs in a closed loop`,
      columns: ['tool', 'calls', 'p50 ms', 'p95 ms', 'p99 ms', 'errors %'],
      rows: Object.entries(result.operations).map(([name, op]) => [name, op.count, op.latency.p50, op.latency.p95, op.latency.p99, +(op.errorRate * 100).toFixed(2)]),
    });
    // The plan: P95 < 500 ms at 100 concurrent calls on production hardware. On a 2-core runner the VUs share the
    // cores with the gateway, so a closed loop queues roughly VUs x (gateway CPU per call) / 1.5 cores: smoke's 4 VUs
    // keep its p95 under the budget on a machine twice as slow (docs/catalogue.md, "sized and ordered").
    const p95 = byProfile({ smoke: '1500ms', nightly: '500ms' });
    for (const name of Object.keys(result.operations)) expect(result).toMeetSlo({ operation: name, p95, errorRate: '0.1%' });
    expect(result).toMatchBaseline();
  });
});
