// Scaling: the same closed-loop load through a real HTTP balancer (HAProxy, round-robin per request) in front of one
// gateway instance and through another in front of two that share Postgres and Redis, in alternating rounds (each
// two rounds hold 1-2 and 2-1), so the machine's drift hits both alike. The throughput ratio says what a second
// instance buys on this hardware (on a machine whose cores the first instance already fills, nothing: that is a
// finding too). Then scale-out as MCP 2026-07-28 means it: stateless requests spread over both instances by a plain
// balancer, against 2025-era sessions through it without affinity (what fails is counted) and with it.
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { balancedOrders } from '../support/analysis/balanced-order.ts';
import type { RunResult } from '../support/engine/result.ts';
import { authHeaders, gatewayTool, reportNote, reportTable, runLoad, skipReason, stack, toolOperation } from '../support/perf-case.ts';
import { median, shiftInterval } from '../support/shared/statistics.ts';
import { byProfile, PROFILE } from '../support/shared/profile.ts';
import { startBalancer, startExtraGateway, type Balancer } from '../support/stack/scale-out.ts';
import { countsSince, spreadVerdict } from '../support/analysis/spread.ts';
import { armName, armRefused, sessionModeNote, type EraArm } from '../support/protocol-eras.ts';
import { config } from '../support/shared/config.ts';

const info = stack();
const gateway = info.gateway;
const scale = info.scaleOut;
const why = skipReason(info) ?? (!scale ? `needs the containers stack, to start a second instance (this is ${info.provider}, ${gateway?.kind})` : '');
/** A known-bad second instance (PERF_SCALING_SECOND_EXTRA_CPU_MS, checked with the other settings before the stack starts). */
const slowSecondMs = config().PERF_SCALING_SECOND_EXTRA_CPU_MS ?? 0;

/** A gateway URL as the balancer serves it: the balancer's origin, the gateway's path. */
const viaBalancer = (url: string, lb: Balancer) => `${lb.url}${new URL(url).pathname}${new URL(url).search}`;

describe.skipIf(why !== '')(`scaling${why ? ` (skipped: ${why})` : ''}`, () => {
  // One second instance and three balancers for both tests: one in front of the first instance, two in front of both
  // (round-robin per request, and the same sticky on Mcp-Session-Id).
  const stops: (() => Promise<void>)[] = [];
  let lb1: Balancer;
  let lb2: Balancer;
  let sticky: Balancer;
  let backends: string[];
  let secondReady = '';
  beforeAll(async () => {
    lb1 = await startBalancer(scale!, [`gateway:${scale!.gatewayPort}`]);
    stops.push(lb1.stop);
    const t0 = performance.now();
    const second = await startExtraGateway(scale!, 2, { extraCpuMs: slowSecondMs });
    stops.push(second.stop);
    // Named first, as reports name the stack's images (the non-root CI check looks for every image it mirrored).
    secondReady = `${lb1.image}: the balancer, HAProxy; second instance ready in ${((performance.now() - t0) / 1000).toFixed(1)} s${slowSecondMs ? `; made slower on purpose by ${slowSecondMs} ms of CPU per MCP request (PERF_SCALING_SECOND_EXTRA_CPU_MS)` : ''}`;
    backends = [`gateway:${scale!.gatewayPort}`, second.backend];
    lb2 = await startBalancer(scale!, backends);
    stops.push(lb2.stop);
    sticky = await startBalancer(scale!, backends, { affinity: true });
    stops.push(sticky.stop);
  }, 300_000);
  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
  });

  it('1 vs 2 gateway instances behind a load balancer: throughput ratio', async () => {
    const gw = gateway!;
    reportNote(secondReady);
    const vus = byProfile({ smoke: 16, nightly: 200 });
    const rounds = byProfile({ smoke: 6, nightly: 8 });
    const seconds = byProfile({ smoke: 8, nightly: 40 });
    // Over /rpc where the gateway has it (the figure's baseline was recorded there), else standard MCP.
    const { op, via } = toolOperation(gw, { method: 'tools/call', name: gatewayTool(gw, 'fast_time', 'get_system_time'), arguments: { timezone: 'UTC' } });
    const phase = (lb: Balancer, instances: 1 | 2, warmupSeconds: number): Promise<RunResult> => runLoad({
      scenario: { name: `scaling: ${instances} instance(s) behind the balancer, ${vus} VUs`, executor: 'constant-vus', vus, duration: `${seconds}s`, timeout: '30s' },
      operation: { ...op, url: viaBalancer(op.url, lb), connections: vus },
      warmupSeconds, monitor: false, progressEverySeconds: seconds,
    });
    const results: Record<1 | 2, RunResult[]> = { 1: [], 2: [] };
    const ratios: number[] = [];
    const orders = balancedOrders<1 | 2>(rounds, Math.random, 1, 2);
    for (const [i, order] of orders.entries()) {
      const got: Partial<Record<1 | 2, RunResult>> = {};
      // The first phase on each balancer warms it (the second instance serves its first calls there): 10 s, unrecorded.
      for (const n of order) got[n] = await phase(n === 1 ? lb1 : sticky, n, results[n].length === 0 ? 10 : 0);
      results[1].push(got[1]!);
      results[2].push(got[2]!);
      ratios.push(got[2]!.rate.achieved / got[1]!.rate.achieved);
      console.log(`[scaling] round ${i + 1}/${rounds} (${order.join(' then ')}): ${got[1]!.rate.achieved} -> ${got[2]!.rate.achieved}/s, x${ratios.at(-1)!.toFixed(3)}`);
    }
    const shift = shiftInterval(ratios.map(Math.log))!;
    const ratio = +Math.exp(shift.estimate).toFixed(2);
    const med = (n: 1 | 2, pick: (r: RunResult) => number) => +median(results[n].map(pick)).toFixed(1);
    const errorPercent = (n: 1 | 2) => +((100 * results[n].reduce((a, r) => a + r.counts.failed, 0)) / Math.max(1, results[n].reduce((a, r) => a + r.counts.completed, 0))).toFixed(2);
    reportTable({
      title: `Closed loop, ${vus} VUs, tools/call over ${via} through a round-robin balancer: ${rounds} rounds of ${seconds} s on each (medians of the rounds; errors over all)`,
      columns: ['instances', 'workers each', 'throughput/s', 'p50 ms', 'p95 ms', 'errors %'],
      rows: ([1, 2] as const).map((n) => [n, gw.workers, med(n, (r) => r.rate.achieved), med(n, (r) => r.latency.p50), med(n, (r) => r.latency.p95), errorPercent(n)]),
    });
    reportTable({
      title: 'Each round: throughput with 1 instance, with 2, and their ratio',
      columns: ['round', 'order', '1 instance/s', '2 instances/s', 'ratio'],
      rows: orders.map((o, i) => [i + 1, o.join('-'), results[1][i]!.rate.achieved, results[2][i]!.rate.achieved, +ratios[i]!.toFixed(3)]),
    });
    const [lo, hi] = [Math.exp(shift.lo), Math.exp(shift.hi)].map((x) => x.toFixed(2));
    reportNote(`scaling: 2 instances give x${ratio} the throughput of 1 (${(shift.achieved * 100).toFixed(1)}% interval x${lo}-x${hi} over ${rounds} paired rounds; the second instance sits idle during the 1-instance rounds)`);
    for (const r of [...results[1], ...results[2]]) expect(r).toMeetSlo({ errorRate: '0.1%' });
    // Where the instances get cores of their own (a core per worker of both, and two for the rest of the stack and
    // the load) a second one must add most of its share: the plan's x1.6, in nightly. On fewer the first instance
    // already fills them (its workers contend with the second's), so the bound only catches a collapse: instances
    // fighting over locks or sessions.
    const cores = availableParallelism();
    const ownCores = cores >= 2 * gw.workers + 2;
    const atLeast = byProfile({ smoke: 0.5, nightly: ownCores ? 1.6 : 0.5 });
    if (PROFILE === 'nightly' && !ownCores) reportNote(`scaling: this machine has ${cores} cores, fewer than the ${2 * gw.workers + 2} two instances of ${gw.workers} workers need to each have their own: the plan's x1.6 is not asked, only no collapse (x${atLeast})`);
    expect(ratio, `2 instances gave x${ratio} the throughput of 1`).toBeGreaterThanOrEqual(atLeast);
    // On shared cores the ratio also follows the neighbours' load (more gateway processes win more of the CPU),
    // while the runs of one session lie within a few percent. Smoke therefore judges a fall beyond 15% (what it
    // caught and what it let pass: docs/catalogue.md, "sized and ordered").
    expect(ratio).toMatchBaselineFigure({ name: 'scaling throughput ratio, 2 instances to 1', unit: 'x', better: 'higher', load: `${vus} VUs, ${rounds} rounds of ${seconds} s`, ...byProfile({ smoke: { minChange: 0.15 }, nightly: {} }) });
  });

  it('MCP through a round-robin balancer: 2026-07-28 stateless spreads per request; 2025-era sessions without and with affinity', async () => {
    const gw = gateway!;
    reportNote(secondReady);
    const vus = byProfile({ smoke: 4, nightly: 32 });
    const seconds = byProfile({ smoke: 8, nightly: 60 });
    const call = { method: 'tools/call' as const, name: gatewayTool(gw, 'fast_time', 'get_system_time'), arguments: { timezone: 'UTC' } };
    const stateless: EraArm = { protocol: '2026-07-28', session: 'per-vu' };
    const sessions: EraArm = { protocol: '2025-06-18', session: 'per-vu' };
    // A gateway that refuses 2026-07-28 is a finding: its sessions are still measured through the balancer.
    const refused = await armRefused(gw, stateless, call);
    if (refused) reportNote(`finding: ${refused}; the stateless phase is left out`);
    reportNote(await sessionModeNote(gw, sessions.protocol));
    const phase = async (lb: Balancer, arm: EraArm, how: string, preflight = true) => {
      const before = await lb.requestsByBackend();
      const result = await runLoad({
        scenario: { name: `balancer: ${armName(arm)}, ${how}, ${vus} VUs`, executor: 'constant-vus', vus, duration: `${seconds}s`, timeout: '30s' },
        operation: { kind: 'streamable', url: viaBalancer(gw.mcpUrl, lb), headers: authHeaders(gw), session: arm.session, protocol: arm.protocol, call },
        warmupSeconds: 2, monitor: false, progressEverySeconds: seconds,
        preflight,
      });
      const spread = spreadVerdict(countsSince(before, await lb.requestsByBackend()), backends);
      return { result, spread };
    };
    const spreadStateless = refused ? undefined : await phase(lb2, stateless, 'round-robin, no affinity');
    // No preflight: a failed one would stop the case, and without affinity a session's call may fail; it is counted.
    const noAffinity = await phase(lb2, sessions, 'round-robin, no affinity', false);
    const withAffinity = await phase(sticky, sessions, 'sticky on Mcp-Session-Id');
    const rows = [spreadStateless, noAffinity, withAffinity].filter((r) => r !== undefined);
    reportTable({
      title: `Two instances behind HAProxy, closed loop of ${vus} VUs, ${seconds} s each: what each revision needs of the balancer`,
      columns: ['phase', 'calls/s', 'p50 ms', 'p95 ms', 'errors %', 'requests per instance'],
      rows: rows.map(({ result: r, spread }) => [r.scenario, r.rate.achieved, r.latency.p50, r.latency.p95, +(r.errorRate * 100).toFixed(2), Object.values(spread.shares).map((x) => `${(x * 100).toFixed(0)}%`).join(' / ')]),
    });
    const failed = noAffinity.result.counts.failed;
    reportNote(`2025-era sessions without affinity: ${failed} of ${noAffinity.result.counts.completed} calls failed (${Object.entries(noAffinity.result.errors).map(([k, n]) => `${n}x ${k}`).join(', ') || 'none'}): ${failed ? 'what users hit behind a plain balancer' : 'an instance answered calls of sessions it did not open (it shares sessions, or keeps none); compare the two phases\' latency for what that costs'}`);
    // Stateless requests must spread over both instances and succeed; sessions must succeed with affinity.
    if (spreadStateless) {
      expect(spreadStateless.spread.pass, `2026-07-28 through a round-robin balancer: ${spreadStateless.spread.text}`).toBe(true);
      expect(spreadStateless.result).toMeetSlo({ errorRate: '0.1%' });
    }
    expect(withAffinity.result).toMeetSlo({ errorRate: '0.1%' });
    expect(withAffinity.spread.total, `sticky balancer: ${withAffinity.spread.text}`).toBeGreaterThan(0);
  });
});
