import { runScenario } from '../engine/runner.ts';
import { createOperation } from '../mcp/operations.ts';
import type { StackInfo } from '../shared/stack-info.ts';

/**
 * The speed of this machine right now, measured on the stack itself: p50 latency (ms) of tools/call
 * against the direct time server (no gateway) at a light constant rate. Baselines store it, and
 * comparisons scale by the ratio, so a slower or busier CI machine does not fail every case.
 */
export async function measureCalibration(stack: StackInfo, seconds = 5): Promise<number | null> {
  const server = stack.direct.find((d) => d.profile === 'time' || d.profile === 'all');
  if (!server) return null;
  return measureOn(server.mcpUrl, seconds);
}

/** The calibration on one MCP server; throws, saying why, when it could not be measured. */
async function measureOn(mcpUrl: string, seconds: number): Promise<number> {
  const result = await runScenario(
    { name: 'calibration', executor: 'constant-arrival-rate', rate: 50, duration: `${seconds}s`, preAllocatedVUs: 5, maxVUs: 50, timeout: '10s', gracefulStop: '5s' },
    createOperation({ kind: 'streamable', url: mcpUrl, session: 'per-vu', call: { method: 'tools/call', name: 'get_system_time', arguments: { timezone: 'UTC' } } }),
  );
  if (result.counts.ok < result.counts.completed * 0.9 || result.counts.ok === 0) {
    throw new Error(`${result.counts.ok} of ${result.counts.completed} calls to ${mcpUrl} succeeded (${JSON.stringify(result.errors)})`);
  }
  return result.latency.p50;
}
