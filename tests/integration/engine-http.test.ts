import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAgent, httpRequest } from '../support/engine/http.ts';
import { closedModelStall } from '../support/budget/validity.ts';
import { runScenario, runScenarioInWorkers } from '../support/engine/runner.ts';
import type { ScenarioInput } from '../support/engine/scenario.ts';
import { createOperation } from '../support/mcp/operations.ts';
import { startHttpTarget } from '../support/stack/http-target.ts';

let target: Awaited<ReturnType<typeof startHttpTarget>>;
beforeAll(async () => {
  target = await startHttpTarget();
});
afterAll(async () => target?.process.stop());

const pauseAfter = (delayMs: number, pauseMs: number) => setTimeout(() => {
  void fetch(`${target.baseUrl}/pause?ms=${pauseMs}`, { method: 'POST' }).then((r) => r.text());
}, delayMs);

describe('coordinated omission against a target that stalls for 1 s', () => {
  it('the open model shows the stall in p99; a closed loop hides it', async () => {
    const okOp = () => createOperation({ kind: 'http-get', url: `${target.baseUrl}/ok` });

    pauseAfter(1000, 1000);
    const open = await runScenario({ name: 'open', executor: 'constant-arrival-rate', rate: 200, duration: '3s', preAllocatedVUs: 50, maxVUs: 400 }, okOp());

    pauseAfter(1000, 1000);
    const closed = await runScenario({ name: 'closed', executor: 'constant-vus', vus: 1, duration: '3s' }, okOp());

    // ~200 requests were due during the pause: a fifth to a third of the run waits up to 1 s.
    expect(open.counts.completed).toBe(600);
    expect(open.latency.p90).toBeGreaterThan(300);
    expect(open.latency.p99).toBeGreaterThan(800);
    // The closed loop sent nothing while it waited: one slow sample among thousands of fast ones.
    expect(closed.latency.max).toBeGreaterThan(800);
    expect(closed.latency.p99).toBeLessThan(50);
    expect(closed.counts.completed).toBeGreaterThan(open.counts.completed);
    // ...and the run says so instead of passing it off as a p99 of a few ms.
    expect(closedModelStall(closed)).toMatch(/closed model: the slowest iteration took \d+(\.\d+)? ms, \d+x the p99 .*coordinated omission/);
    expect(closedModelStall(open)).toBeUndefined();
  });

  it('times service from when the request was written, not from a wait for a free connection in the generator', async () => {
    // One connection, two VUs, a 100 ms answer: each request waits ~100 ms for the other's to finish.
    const result = await runScenario(
      { name: 'queued', executor: 'constant-vus', vus: 2, duration: '2s' },
      createOperation({ kind: 'http-get', url: `${target.baseUrl}/delay?ms=100`, connections: 1 }),
    );
    expect(result.latency.p50).toBeGreaterThan(180);
    expect(result.service.p50).toBeGreaterThan(95);
    expect(result.service.p50).toBeLessThan(140);
  });

  it('with too few VUs the stall shows as dropped iterations, not as a silent queue', async () => {
    pauseAfter(500, 1000);
    const result = await runScenario(
      { name: 'few VUs', executor: 'constant-arrival-rate', rate: 100, duration: '2s', preAllocatedVUs: 5, maxVUs: 5 },
      createOperation({ kind: 'http-get', url: `${target.baseUrl}/ok` }),
    );
    expect(result.counts.dropped).toBeGreaterThan(50);
    expect(result.counts.started + result.counts.dropped).toBe(200);
    expect(result.errorRate).toBeGreaterThan(0.25);
  });
});

describe('worker threads', () => {
  const scenario: ScenarioInput = { name: 'split', executor: 'constant-arrival-rate', rate: 300, duration: '2s', preAllocatedVUs: 20 };

  it('split one scenario over threads and merge their histograms exactly', async () => {
    const result = await runScenarioInWorkers(scenario, {
      module: new URL('../support/mcp/operation-module.ts', import.meta.url),
      params: { kind: 'http-get', url: `${target.baseUrl}/delay?ms=5` },
      workers: 2,
    });
    expect(result.workers).toBe(2);
    expect(result.counts.completed).toBe(600);
    expect(result.counts.ok).toBe(600);
    expect(result.operations.split!.latency.count).toBe(600);
    expect(result.latency.p50).toBeGreaterThanOrEqual(5);
    expect(result.latency.p50).toBeLessThan(50);
    expect(result.series.reduce((n, p) => n + p.requests, 0)).toBe(600);
    // 150 calls/s of 5 ms each keep a thread's event loop mostly idle. Read from the parent after 'done', a worker
    // already stopped answered -1 for its idle time and the phase read 100% busy (the generator "set the pace").
    expect(result.generator!.eventLoopUtilization).toBeLessThan(0.5);
  });

  it('report a module without createOperation as a clear error', async () => {
    await expect(runScenarioInWorkers(scenario, { module: new URL('../support/engine/duration.ts', import.meta.url), workers: 1 }))
      .rejects.toThrow(/does not export createOperation/);
  });
});

describe('http helper', () => {
  it('classifies a non-2xx status', async () => {
    const agent = createAgent();
    await expect(httpRequest(agent, target.baseUrl, { path: '/missing' })).rejects.toMatchObject({ failure: { class: 'http_status', code: 404 } });
    await agent.close();
  });
});

describe('operations as data: HTTP with a body, and a weighted mix', () => {
  it('"{{uuid}}" in a body is new on every iteration', async () => {
    const r = await runScenario(
      { name: 'unique writes', executor: 'shared-iterations', vus: 4, iterations: 200 },
      createOperation({ kind: 'http', method: 'POST', url: `${target.baseUrl}/unique`, body: '{"name":"server-{{uuid}}"}', expect: [201] }),
    );
    expect(r.counts.ok).toBe(200);
    const fixed = await runScenario(
      { name: 'repeated writes', executor: 'shared-iterations', vus: 1, iterations: 3 },
      createOperation({ kind: 'http', method: 'POST', url: `${target.baseUrl}/unique`, body: '{"name":"same"}', expect: [201] }),
    );
    expect(fixed.errors).toEqual({ 'http_status:409': 2 });
  });

  it('a mix runs each item its exact share, recorded under its own name, failures included', async () => {
    const r = await runScenario(
      { name: 'mix', executor: 'shared-iterations', vus: 5, iterations: 600 },
      createOperation({
        kind: 'mix',
        items: [
          { name: 'ok', weight: 3, op: { kind: 'http-get', url: `${target.baseUrl}/ok` } },
          { name: 'slow', weight: 2, op: { kind: 'http-get', url: `${target.baseUrl}/delay?ms=5` } },
          { name: 'broken', weight: 1, op: { kind: 'http', url: `${target.baseUrl}/status?code=503` } },
        ],
      }),
    );
    expect(r.operations.ok!.count).toBe(300);
    expect(r.operations.slow!.count).toBe(200);
    expect(r.operations.broken!.count).toBe(100);
    expect(r.operations.broken!.errors).toEqual({ 'http_status:503': 100 });
    expect(r.operations.slow!.latency.p50).toBeGreaterThan(4);
    expect(r.errorRate).toBeCloseTo(1 / 6, 5);
  });

  it('a paged list follows nextCursor to the end, and a list that never ends fails as malformed', async () => {
    const r = await runScenario({ name: 'paged', executor: 'shared-iterations', vus: 2, iterations: 10 }, createOperation({ kind: 'http-paged', url: `${target.baseUrl}/pages?n=4` }));
    expect(r.counts.ok).toBe(10);
    expect(r.bytes.in).toBe(10 * (JSON.stringify({ items: [0], nextCursor: '1' }).length * 3 + JSON.stringify({ items: [3], nextCursor: null }).length));
    const loop = await runScenario({ name: 'loop', executor: 'shared-iterations', vus: 1, iterations: 1 }, createOperation({ kind: 'http-paged', url: `${target.baseUrl}/pages?n=-1`, maxPages: 5 }));
    expect(loop.errors).toEqual({ 'malformed_response:cursor_loop': 1 });
  });

  it('a mix refuses a weight that is not positive', () => {
    expect(() => createOperation({ kind: 'mix', items: [{ name: 'x', weight: 0, op: { kind: 'http-get', url: `${target.baseUrl}/ok` } }] })).toThrow(/mix item "x": weight must be a positive number/);
  });
});
