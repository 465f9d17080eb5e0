// The regression gate: did head make the gateway slower than base? Both gateways run side by side on this
// runner (npm run perf:ab -- --base <image> --head <image>); each case measures the same load on base and
// head in alternating rounds, and a metric regresses only when its paired interval lies beyond the allowed
// change. Standard MCP only (Streamable HTTP on the virtual server), so any gateway's pull request can use it.
import { describe, expect, it } from 'vitest';
import { abStacks, NOT_AB, runAbCase, type AbCaseSpec, type AbMetric } from '../support/ab-gate.ts';
import { authHeaders, gatewayTool } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';
import type { StackInfo } from '../support/shared/stack-info.ts';

const ab = abStacks();

const p50: AbMetric = { name: 'latency p50', unit: 'ms', direction: 'higher-is-worse', of: (f) => f.result.latency.p50 };
const p95: AbMetric = { name: 'latency p95', unit: 'ms', direction: 'higher-is-worse', of: (f) => f.result.latency.p95 };
const cpuPerCall: AbMetric = { name: 'gateway CPU per call', unit: 'ms', direction: 'higher-is-worse', of: (f) => f.gatewayCpuMsPerCall };
const throughput: AbMetric = { name: 'throughput', unit: 'calls/s', direction: 'lower-is-worse', of: (f) => f.result.rate.achieved };

function toolCall(stack: StackInfo, session: 'per-vu' | 'per-iteration') {
  const gw = stack.gateway!;
  return {
    kind: 'streamable' as const, url: gw.mcpUrl, headers: authHeaders(gw), session,
    call: { method: 'tools/call' as const, name: gatewayTool(gw, 'fast_time', 'get_system_time'), arguments: { timezone: 'UTC' } },
  };
}

// Sized for a 2-core runner: 8 rounds of 6 s phases per case, about 9 minutes with both stacks' start-up
// (npm run bench:gate measures what it detects at this size).
const pairs = byProfile({ smoke: 6, pr: 8, nightly: 12 });
const phaseSeconds = byProfile({ smoke: 5, pr: 6, nightly: 20 });

const cases: AbCaseSpec[] = [
  {
    // Latency well below the knee (a 2-core runner holds ~35 calls/s): what a user waits for a call.
    name: 'gate: tools/call at a fixed rate',
    pairs,
    phase: (stack) => ({
      scenario: { name: 'gate tools/call fixed rate', executor: 'constant-arrival-rate', rate: 12, duration: `${phaseSeconds}s`, preAllocatedVUs: 10, maxVUs: 100, timeout: '30s' },
      operation: toolCall(stack, 'per-vu'),
    }),
    metrics: [p50, p95, cpuPerCall],
  },
  {
    // Capacity: a closed loop that keeps the gateway busy, so its throughput is what its CPU per call allows.
    name: 'gate: tools/call capacity (closed loop)',
    pairs,
    phase: (stack) => ({
      scenario: { name: 'gate tools/call capacity', executor: 'constant-vus', vus: 8, duration: `${phaseSeconds}s`, timeout: '30s' },
      operation: toolCall(stack, 'per-vu'),
    }),
    metrics: [throughput, cpuPerCall],
  },
  {
    // A new session per call (initialize, notifications/initialized, tools/call, DELETE): what churn costs.
    name: 'gate: session churn',
    pairs,
    phase: (stack) => ({
      scenario: { name: 'gate session churn', executor: 'constant-arrival-rate', rate: 5, duration: `${phaseSeconds}s`, preAllocatedVUs: 10, maxVUs: 100, timeout: '30s' },
      operation: toolCall(stack, 'per-iteration'),
    }),
    metrics: [p50, cpuPerCall],
  },
];

describe.skipIf(!ab)(`regression gate: head against base${ab ? '' : ` (skipped: ${NOT_AB})`}`, () => {
  for (const spec of cases) {
    it(spec.name, async () => {
      const outcome = await runAbCase(ab!, spec);
      expect(outcome).toPassAbGate();
    });
  }
});
