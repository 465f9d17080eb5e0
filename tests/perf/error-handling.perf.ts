// Error handling: upstream tools that fail on purpose, and an upstream that is killed mid-run. Errors must
// be classified and counted (never "other"), calls to healthy upstreams must not fail (how much slower they
// got is measured and reported), and the gateway must stay up and pick the upstream up again once it is back.
import { describe, expect, it } from 'vitest';
import type { SingleOperationSpec } from '../support/mcp/operations.ts';
import { gatewayTool, NO_GATEWAY, reportNote, reportTable, runLoad, stack, toolOperation, waitSettled } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';
import { controlContainer, type ContainerControl } from '../support/stack/container-control.ts';

const info = stack();
const gateway = info.gateway;
const loadServer = info.direct.find((d) => d.name === 'perf_load');

/** Kills the container at killAtS and starts it again downForS later; what went wrong doing so is kept, not lost. */
function scheduleOutage(victim: ContainerControl, killAtS: number, downForS: number): { errors: string[]; cancel(): void } {
  const errors: string[] = [];
  let restart: NodeJS.Timeout | undefined;
  const kill = setTimeout(() => {
    victim.kill().then(
      () => {
        restart = setTimeout(() => victim.start().catch((e: Error) => void errors.push(`restart at ${killAtS + downForS} s failed: ${e.message}`)), downForS * 1000);
      },
      (e: Error) => void errors.push(`kill at ${killAtS} s failed: ${e.message}`),
    );
  }, killAtS * 1000);
  return {
    errors,
    cancel: () => {
      clearTimeout(kill);
      clearTimeout(restart);
    },
  };
}

describe.skipIf(!gateway)(`error handling${gateway ? '' : ` (skipped: ${NO_GATEWAY(info)})`}`, () => {
  const rpc = (upstream: string, tool: string, args: Record<string, unknown>): SingleOperationSpec =>
    toolOperation(gateway!, { method: 'tools/call', name: gatewayTool(gateway!, upstream, tool), arguments: args }).op;

  for (const kind of ['tool', 'protocol'] as const) {
    it(`upstream error_simulation (${kind} errors, 20%): classified, counted at the rate they happen`, async () => {
      const share = 0.2;
      const result = await runLoad({
        scenario: { name: `errors: error_simulation ${kind} 20%`, executor: 'constant-arrival-rate', rate: byProfile({ smoke: 10, nightly: 50 }), duration: byProfile({ smoke: '20s', nightly: '2m' }), preAllocatedVUs: 20, maxVUs: 200, timeout: '30s' },
        operation: rpc('perf_load', 'error_simulation', { rate: share, kind }),
        warmupSeconds: 0,
        preflight: false,
      });
      const n = result.counts.completed;
      const failed = result.counts.failed;
      reportNote(`error_simulation ${kind}: ${failed} of ${n} failed (${((failed / n) * 100).toFixed(1)}%), as ${JSON.stringify(result.errors)}; sample: ${Object.values(result.errorSamples)[0] ?? '-'}`);
      // Every failure is a classified JSON-RPC failure, none is a broken or unexplained answer.
      expect(Object.keys(result.errorsByClass), `error classes: ${JSON.stringify(result.errorsByClass)}`).toEqual(['jsonrpc']);
      // A binomial count: within 4 standard deviations of n x 20%.
      const sd = Math.sqrt(n * share * (1 - share));
      expect(Math.abs(failed - n * share), `${failed} failures of ${n} calls, expected ${n * share} +- ${(4 * sd).toFixed(0)}`).toBeLessThanOrEqual(4 * sd);
    });
  }

  it.skipIf(!loadServer?.containerId)(`a killed upstream: its calls fail cleanly, others are unaffected, it is picked up again${loadServer?.containerId ? '' : ' (skipped: needs the containers stack to kill an upstream)'}`, async () => {
    const gw = gateway!;
    const victim = await controlContainer(loadServer!.containerId!);
    const healthyCall = rpc('fast_time', 'get_system_time', { timezone: 'UTC' });
    const calm = await runLoad({
      scenario: { name: 'errors: healthy upstream before the kill', executor: 'constant-arrival-rate', rate: 5, duration: '8s', preAllocatedVUs: 10, maxVUs: 50, timeout: '15s' },
      operation: healthyCall, warmupSeconds: 0,
    });
    const killAt = 8;
    const downFor = 10;
    // The gateway stays up: /health polled one request at a time, each allowed 15 s; the slowest answer is reported.
    // Calls get 30 s: while the upstream is dead, healthy-upstream calls can wait seconds (docs/catalogue.md, "sized and ordered").
    const healthFailures: string[] = [];
    let slowestHealthMs = 0;
    let polling = gw.healthUrl !== undefined;
    if (!polling) reportNote(`${gw.kind} has no health endpoint: whether it stayed up is judged by the healthy upstream's calls only`);
    const poller = (async () => {
      while (polling && gw.healthUrl) {
        const t0 = performance.now();
        try {
          const r = await fetch(gw.healthUrl, { signal: AbortSignal.timeout(15_000) });
          await r.arrayBuffer();
          if (r.status !== 200) healthFailures.push(`status ${r.status}`);
        } catch (error) {
          healthFailures.push((error as Error).message);
        }
        slowestHealthMs = Math.max(slowestHealthMs, performance.now() - t0);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const outage = scheduleOutage(victim, killAt, downFor);
    let result;
    try {
      result = await runLoad({
        scenario: { name: 'errors: perf_load killed for 10 s', executor: 'constant-arrival-rate', rate: 10, duration: `${killAt + downFor + 12}s`, preAllocatedVUs: 20, maxVUs: 300, timeout: '30s', gracefulStop: '30s' },
        operation: {
          kind: 'mix',
          items: [
            { name: 'healthy upstream (fast_time)', weight: 1, op: healthyCall },
            { name: 'killed upstream (perf_load)', weight: 1, op: rpc('perf_load', 'fast_compute', { a: 1, b: 1 }) },
          ],
        },
        warmupSeconds: 0,
      });
    } finally {
      outage.cancel();
      polling = false;
      await poller;
      if (!(await victim.running())) await victim.start();
    }
    expect(outage.errors, 'the fault was not injected as planned: the figures below would not mean what they say').toEqual([]);
    const back = await waitSettled(rpc('perf_load', 'fast_compute', { a: 1, b: 1 }), 1000, 60_000);
    const healthy = result.operations['healthy upstream (fast_time)']!;
    const killed = result.operations['killed upstream (perf_load)']!;
    reportTable({
      title: `perf_load killed at ${killAt} s for ${downFor} s`,
      columns: ['calls to', 'count', 'errors', 'error kinds', 'p95 ms'],
      rows: [['fast_time (healthy)', healthy.count, healthy.count - healthy.ok, JSON.stringify(healthy.errors), healthy.latency.p95], ['perf_load (killed)', killed.count, killed.count - killed.ok, JSON.stringify(killed.errors), killed.latency.p95]],
    });
    const isolation = +(healthy.latency.p95 / calm.latency.p95).toFixed(1);
    const healthText = gw.healthUrl ? `gateway /health: ${healthFailures.length} failed polls during the phase, slowest answer ${Math.round(slowestHealthMs)} ms` : 'gateway /health: none to poll';
    reportNote(`${healthText}; perf_load answered again ${back === null ? 'not within 60 s' : `${back} s after the phase`}`);
    // Measured, not asserted: on this project's machines a killed container's name takes seconds to fail to
    // resolve (Docker's DNS cannot forward without a route out), and the gateway's calls to healthy
    // upstreams wait meanwhile. Where a negative answer is immediate, this factor shows the gateway's own isolation.
    reportNote(`isolation: healthy upstream p95 ${calm.latency.p95} ms before the kill, ${healthy.latency.p95} ms during the phase (x${isolation})`);
    expect(killed.count - killed.ok, 'killing the upstream caused no failed call: was it killed?').toBeGreaterThan(0);
    expect(Object.keys(killed.errors).filter((k) => /^(other|malformed_response)/.test(k)), 'unclassified failures of the killed upstream').toEqual([]);
    expect(healthy.errorRate, `calls to the healthy upstream failed: ${JSON.stringify(healthy.errors)}`).toBe(0);
    expect(healthFailures, 'the gateway itself stopped answering /health within 15 s').toEqual([]);
    expect(back, 'the gateway did not route to the upstream again within 60 s of its restart').not.toBeNull();
  });
});
