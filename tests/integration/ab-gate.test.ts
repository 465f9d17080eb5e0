// The A/B harness end to end on two loopback targets with known latencies: the same target on both sides
// passes, a head 50% slower fails with a verdict table naming the metric. No containers needed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../support/analysis/random.ts';
import { baseCapacity, roundOrders, runAbCase, type AbCaseSpec } from '../support/ab-gate.ts';
import '../support/budget/matchers.ts';
import type { AbStacks } from '../support/shared/stack-info.ts';
import { runCleanups } from '../support/stack/cleanup.ts';
import { startHttpTarget } from '../support/stack/http-target.ts';
import type { DirectServer, GatewayEndpoints, StackInfo } from '../support/shared/stack-info.ts';

let targets: Awaited<ReturnType<typeof startHttpTarget>>[] = [];

beforeAll(async () => {
  targets = await Promise.all([startHttpTarget(), startHttpTarget()]);
});
afterAll(async () => {
  await Promise.all(targets.map((t) => t.process.stop()));
  await runCleanups();
});

/**
 * A stack whose "gateway" is a target process: the harness reads its CPU from its process group. With
 * `upstream`, the same process stands as its MCP server too, whose CPU the rounds report beside the gateway's.
 */
function stackOf(t: Awaited<ReturnType<typeof startHttpTarget>>, upstream = false): StackInfo {
  const direct = upstream ? [{ name: 'target', pid: t.process.pid } as DirectServer] : [];
  return { provider: 'direct', reason: 'test', direct, startedInMs: 0, gateway: { baseUrl: t.baseUrl, pid: t.process.pid } as GatewayEndpoints };
}

function pair(upstream = false): AbStacks {
  return { base: stackOf(targets[0]!, upstream), head: stackOf(targets[1]!, upstream), describe: { base: 'target A', head: 'target B' } };
}

/** The same phase on both sides; each side's target answers after its own delay. */
function spec(ab: AbStacks, delayMs: Record<'base' | 'head', number>): AbCaseSpec {
  return {
    name: 'A/B harness test', pairs: 6, initialWarmupSeconds: 1, warmupSeconds: 0,
    phase: (stack) => ({
      scenario: { name: 'ab test phase', executor: 'constant-arrival-rate', rate: 40, duration: '1s', preAllocatedVUs: 5, maxVUs: 20 },
      operation: { kind: 'http-get', url: `${stack.gateway!.baseUrl}/delay?ms=${stack === ab.base ? delayMs.base : delayMs.head}` },
    }),
    metrics: [{ name: 'latency p50', unit: 'ms', direction: 'higher-is-worse', of: (f) => f.result.latency.p50 }],
  };
}

describe('A/B gate harness', () => {
  it('orders each two rounds as base-head and head-base, which first drawn by the seed', () => {
    const orders = roundOrders(40, seededRandom(7));
    for (let i = 0; i < 40; i += 2) expect([orders[i]!.join(' '), orders[i + 1]!.join(' ')].sort()).toEqual(['base head', 'head base']);
    const baseFirstInPair = orders.filter((_, i) => i % 2 === 0).map((o) => o[0] === 'base');
    expect(baseFirstInPair).toContain(true);
    expect(baseFirstInPair).toContain(false);
    expect(roundOrders(40, seededRandom(7))).toEqual(orders);
    expect(roundOrders(5, seededRandom(1))).toHaveLength(5);
  });

  it('passes the same target on both sides, with the detectable change stated and each side\'s upstream CPU read', async () => {
    const ab = pair(true);
    const lines: string[] = [];
    const outcome = await runAbCase(ab, spec(ab, { base: 20, head: 20 }), (line) => lines.push(line));
    // A round the generator decided (a busy machine: npm test runs files side by side) is measured again, both sides.
    const rounds = lines.filter((l) => /\) (base|head): /.test(l));
    expect(rounds).toHaveLength(12 + 2 * outcome.discarded.length);
    for (const l of rounds) expect(l).toMatch(/, its upstreams \d+(\.\d+)? ms CPU\/call( INVALID)?$/);
    expect(outcome.verdicts[0]!.n).toBe(6);
    expect(outcome.verdicts[0]!.status).toBe('no regression');
    expect(outcome.verdicts[0]!.detectable).toBeGreaterThan(0);
    expect(outcome.invalid, outcome.invalid.join('; ')).toEqual([]);
    expect(outcome.inconclusive).toBeUndefined();
    expect(outcome).toPassAbGate();
    expect([outcome]).toBeConclusive();
  });

  it('calls a gate INCONCLUSIVE, not passed, when its cases could not have caught a change of its limit', async () => {
    const ab = pair();
    // No run can see a change of 0.01%: the same A/A run that passes above must not pass here.
    const outcome = await runAbCase(ab, { ...spec(ab, { base: 20, head: 20 }), maxDetectable: 0.0001 }, () => {});
    expect(outcome.verdicts[0]!.status).toBe('no regression');
    expect(outcome.inconclusive).toMatch(/in latency p50, past the gate's limit of \+0\.0%/);
    expect(() => expect([outcome]).toBeConclusive()).toThrow(/the gate is INCONCLUSIVE, neither passed nor failed/);
  });

  it('fails a head 50% slower, naming the metric, its ratio and interval', async () => {
    const ab = pair();
    const lines: string[] = [];
    const outcome = await runAbCase(ab, spec(ab, { base: 20, head: 30 }), (line) => lines.push(line));
    expect(lines.filter((l) => /its upstreams/.test(l)), 'no upstream to read: no upstream figure').toEqual([]);
    const v = outcome.verdicts[0]!;
    expect(v.status).toBe('regression');
    expect(v.ratio).toBeGreaterThan(1.4);
    expect(v.ci[0]).toBeGreaterThan(1.05);
    expect(() => expect(outcome).toPassAbGate()).toThrow(/REGRESSED on latency p50[\s\S]*head\/base[\s\S]*95% interval/);
  });

  it('stops the case naming the side whose gateway died, instead of judging its failures', async () => {
    const doomed = await startHttpTarget();
    const ab: AbStacks = { base: stackOf(targets[0]!), head: stackOf(doomed), describe: { base: 'target A', head: 'a target that dies' } };
    const killer = setTimeout(() => void doomed.process.stop(), 2500);
    try {
      await expect(runAbCase(ab, spec(ab, { base: 5, head: 5 }), () => {})).rejects.toThrow(/the head side's gateway \(a target that dies\) is gone[\s\S]*THE GATEWAY ITSELF DIED: its process \d+ is gone/);
    } finally {
      clearTimeout(killer);
      await doomed.process.stop();
    }
  });

  it('warms each side for its own time before the first round (the base, just probed for its capacity, less)', async () => {
    const ab = pair();
    const arrivals = async (t: (typeof targets)[number]) => ((await (await fetch(`${t.baseUrl}/arrivals`)).json()) as { requests: number }).requests;
    await Promise.all(targets.map(arrivals));
    await runAbCase(ab, { ...spec(ab, { base: 5, head: 5 }), initialWarmupSeconds: { base: 0, head: 3 } }, () => {});
    const [base, head] = await Promise.all(targets.map(arrivals));
    // The rounds and their re-runs load both alike (6 of 1 s at 40/s each); head's 3 s warm-up adds about 120 calls.
    expect(head! - base!).toBeGreaterThan(80);
    expect(head! - base!).toBeLessThan(160);
  });

  it('measures the base side\'s closed-loop capacity, which the sized cases offer a share of', async () => {
    const ab = pair();
    const lines: string[] = [];
    const capacityOf = (executor: 'constant-vus' | 'constant-arrival-rate') => baseCapacity(ab, (stack) => ({
      scenario: executor === 'constant-vus'
        ? { name: 'capacity test', executor, vus: 4, duration: '2s' }
        : { name: 'capacity test', executor, rate: 10, duration: '2s', preAllocatedVUs: 2 },
      operation: { kind: 'http-get', url: `${stack.gateway!.baseUrl}/delay?ms=${stack === ab.base ? 20 : 80}` },
    }), (line) => lines.push(line));
    // 4 VUs on calls of 20 ms: at most 200 calls/s; the head's 80 ms never enters it.
    const capacity = await capacityOf('constant-vus');
    expect(capacity).toBeGreaterThan(100);
    expect(capacity).toBeLessThanOrEqual(200);
    expect(lines.join('\n')).toMatch(/\[capacity of base\] [\d.]+ calls\/s with 4 VUs/);
    await expect(capacityOf('constant-arrival-rate')).rejects.toThrow(/closed loop \(constant-vus\), not constant-arrival-rate/);
  });
});
