import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../support/engine/scenario.ts';
import { toK6Script } from '../support/k6/export.ts';
import { fromK6Summary, K6SummaryError } from '../support/k6/import.ts';
import { fromK6Samples } from '../support/k6/samples.ts';
import type { OperationSpec } from '../support/mcp/operations.ts';
import { startHttpTarget } from '../support/stack/http-target.ts';
import { startShippedServer, type LocalMcpServer } from '../support/stack/shipped-servers.ts';
import { scratchDir } from '../scratch-dir.ts';

const run = promisify(execFile);
const K6 = process.env.K6_BIN ?? fileURLToPath(new URL('../../.tools/k6', import.meta.url));
const haveK6 = existsSync(K6);
const dir = scratchDir('k6');

let server: LocalMcpServer;
let target: Awaited<ReturnType<typeof startHttpTarget>>;
beforeAll(async () => {
  [server, target] = await Promise.all([startShippedServer({ profile: 'all', name: 'k6' }), startHttpTarget()]);
});
afterAll(async () => Promise.all([server?.process.stop(), target?.process.stop()]));

const write = (name: string, script: string) => {
  const path = join(dir, `${name}.js`);
  writeFileSync(path, script);
  return path;
};

const SECRET = 'super-secret-token-value';

describe('k6 export', () => {
  const scenarios: ScenarioInput[] = [
    { name: 'car', executor: 'constant-arrival-rate', rate: 20, duration: '30s', preAllocatedVUs: 5, maxVUs: 50, timeout: '10s' },
    { name: 'rar', executor: 'ramping-arrival-rate', startRate: 5, stages: [{ duration: '10s', target: 50 }, { duration: '1m', target: 50 }], preAllocatedVUs: 5, maxVUs: 100 },
    { name: 'cvus', executor: 'constant-vus', vus: 10, duration: '1m' },
    { name: 'rvus', executor: 'ramping-vus', startVUs: 0, stages: [{ duration: '30s', target: 20 }], gracefulRampDown: '5s' },
    { name: 'pvi', executor: 'per-vu-iterations', vus: 3, iterations: 10, maxDuration: '1m' },
    { name: 'si', executor: 'shared-iterations', vus: 3, iterations: 30 },
  ];
  const op = (): OperationSpec => ({
    kind: 'mix',
    items: [
      { name: 'health', weight: 1, op: { kind: 'http-get', url: `${server.baseUrl}/health` } },
      { name: 'tools/call', weight: 2, op: { kind: 'streamable', url: `${server.baseUrl}/mcp`, session: 'per-vu', headers: { authorization: `Bearer ${SECRET}` }, call: { method: 'tools/call', name: 'fast_compute', arguments: { a: 1 } } } },
      { name: 'churn', weight: 1, op: { kind: 'streamable', url: `${server.baseUrl}/mcp`, session: 'per-iteration', call: { method: 'tools/list' } } },
      { name: 'write', weight: 1, op: { kind: 'http', method: 'POST', url: `${target.baseUrl}/unique`, body: '{"n":"{{uuid}}"}', expect: [201] } },
      { name: 'paged', weight: 1, op: { kind: 'http-paged', url: `${target.baseUrl}/pages?n=3` } },
      { name: 'stateless', weight: 1, op: { kind: 'streamable', url: `${server.baseUrl}/mcp`, session: 'per-vu', protocol: '2026-07-28', call: { method: 'tools/call', name: 'fast_compute', arguments: { a: 1 } } } },
      { name: 'every tool', weight: 1, op: { kind: 'streamable', url: `${server.baseUrl}/mcp`, session: 'per-vu', call: { method: 'tools/list', all: true } } },
      { name: 'agent step', weight: 1, op: { kind: 'streamable', url: `${server.baseUrl}/mcp`, session: 'per-vu', protocol: '2026-07-28', listFirst: 'cached', call: { method: 'tools/call', name: 'fast_compute', arguments: { a: 1 } } } },
    ],
  });

  it('keeps secrets out of the file and carries budgets as thresholds', () => {
    const script = toK6Script({ scenario: scenarios[0]!, operation: op(), secrets: { MCP_PERF_TOKEN: SECRET }, slos: [{ p95: '200ms', errorRate: '0.1%' }, { operation: 'health', p99: '1s' }] });
    expect(script).not.toContain(SECRET);
    expect(script).toContain('"Bearer " + __ENV.MCP_PERF_TOKEN');
    expect(script).toContain('"mcp_op_duration": [\n      "p(95)<200"');
    expect(script).toContain('"mcp_op_failed": [\n      "rate<=0.001"');
    expect(script).toContain('"mcp_op_duration{op:health}"');
  });

  it('refuses a scenario that would not run here either', () => {
    expect(() => toK6Script({ scenario: { name: 'bad', executor: 'constant-arrival-rate', rate: 0, duration: '1s', preAllocatedVUs: 1 }, operation: op() })).toThrow(/"rate" must be a positive number/);
  });

  it.skipIf(!haveK6)(`k6 inspect accepts every executor's options as ours${haveK6 ? '' : ' (skipped: no k6 at .tools/k6; npm run setup -- --with-k6)'}`, async () => {
    for (const scenario of scenarios) {
      const path = write(scenario.name, toK6Script({ scenario, operation: op(), secrets: { MCP_PERF_TOKEN: SECRET }, slos: [{ p95: '200ms', errorRate: '1%' }, { operation: 'tools/call', p50: '100ms' }] }));
      const { stdout } = await run(K6, ['inspect', '-e', `MCP_PERF_TOKEN=${SECRET}`, path], { timeout: 30_000 });
      const inspected = JSON.parse(stdout) as { scenarios: Record<string, Record<string, unknown>>; thresholds: Record<string, unknown> };
      const k6s = Object.values(inspected.scenarios)[0]!;
      expect(k6s.executor, scenario.name).toBe(scenario.executor);
      for (const key of ['rate', 'vus', 'iterations', 'startRate', 'startVUs', 'preAllocatedVUs', 'maxVUs'] as const) {
        if (scenario[key] !== undefined) expect(k6s[key], `${scenario.name}.${key}`).toBe(scenario[key]);
      }
      expect(Object.keys(inspected.thresholds).sort()).toEqual(['mcp_op_duration', 'mcp_op_duration{op:tools/call}', 'mcp_op_failed']);
    }
  });

  it.skipIf(!haveK6)('k6 runs an exported mix against our MCP server; its summary comes back as a run result, and a broken budget fails k6', async () => {
    const scenario: ScenarioInput = { name: 'k6 roundtrip', executor: 'constant-arrival-rate', rate: 20, duration: '3s', preAllocatedVUs: 5, maxVUs: 20, timeout: '10s' };
    const path = write('roundtrip', toK6Script({ scenario, operation: op(), secrets: { MCP_PERF_TOKEN: SECRET }, slos: [{ errorRate: '0%' }] }));
    const summaryPath = join(dir, 'summary.json');
    await run(K6, ['run', '--quiet', '--no-usage-report', '-e', `MCP_PERF_TOKEN=${SECRET}`, `--summary-export=${summaryPath}`, path], { timeout: 60_000 });
    const result = fromK6Summary(JSON.parse(readFileSync(summaryPath, 'utf8')), scenario.name);
    expect(result.counts.completed).toBeGreaterThanOrEqual(59);
    expect(result.counts.completed).toBeLessThanOrEqual(61);
    expect(result.errorRate).toBe(0);
    expect(result.latency.p95).toBeGreaterThan(0);

    const strict = write('strict', toK6Script({ scenario: { ...scenario, duration: '1s' }, operation: op(), secrets: { MCP_PERF_TOKEN: SECRET }, slos: [{ p50: '0.001ms' }] }));
    const failed = await run(K6, ['run', '--quiet', '--no-usage-report', '-e', `MCP_PERF_TOKEN=${SECRET}`, strict], { timeout: 60_000 }).then(() => 0, (e: { code?: number }) => e.code);
    expect(failed, 'k6 exits 99 when a threshold fails').toBe(99);
  });

  it.skipIf(!haveK6)('two k6 processes on execution segments, their samples merged by compare:k6, give a single process\'s figures', async () => {
    const scenario: ScenarioInput = { name: 'segments', executor: 'constant-arrival-rate', rate: 30, duration: '4s', preAllocatedVUs: 6, maxVUs: 30, timeout: '10s' };
    const path = write('segments', toK6Script({ scenario, operation: { kind: 'streamable', url: `${server.baseUrl}/mcp`, session: 'per-vu', call: { method: 'tools/call', name: 'fast_compute', arguments: { a: 1 } } } }));
    const k6 = (out: string, segment?: string) => run(K6, ['run', '--quiet', '--no-usage-report', `--out=json=${join(dir, out)}`,
      ...(segment ? ['--execution-segment', segment, '--execution-segment-sequence', '0,1/2,1'] : []), path], { timeout: 60_000 });
    await k6('single.json');
    await Promise.all([k6('half-1.json', '0:1/2'), k6('half-2.json', '1/2:1')]);
    const single = await fromK6Samples([join(dir, 'single.json')], 'segments');
    const halves = await Promise.all(['half-1.json', 'half-2.json'].map((f) => fromK6Samples([join(dir, f)], 'segments')));
    const merged = await fromK6Samples([join(dir, 'half-1.json'), join(dir, 'half-2.json')], 'segments');
    console.log(`k6 segments: single ${single.counts.completed} ops p50 ${single.latency.p50} p95 ${single.latency.p95} ms; halves ${halves.map((h) => h.counts.completed).join(' + ')}; merged ${merged.counts.completed} ops p50 ${merged.latency.p50} p95 ${merged.latency.p95} ms`);
    expect(single.counts.completed).toBeGreaterThanOrEqual(119);
    // Each process ran half the arrivals; together, the single process's count.
    for (const h of halves) expect(Math.abs(h.counts.completed - single.counts.completed / 2)).toBeLessThanOrEqual(2);
    expect(Math.abs(merged.counts.completed - single.counts.completed)).toBeLessThanOrEqual(2);
    expect(merged.errorRate).toBe(0);
    expect(merged.latency.count).toBe(merged.counts.completed);
    expect(merged.latency.p50 / single.latency.p50).toBeGreaterThan(0.5);
    expect(merged.latency.p50 / single.latency.p50).toBeLessThan(2);
    const cli = await run(process.execPath, ['scripts/compare-k6.ts', '--samples', join(dir, 'half-1.json'), join(dir, 'half-2.json'), '--case', 'segments'], { cwd: fileURLToPath(new URL('../..', import.meta.url)) });
    expect(cli.stdout).toContain(`segments (k6, 2 process(es) merged: ${merged.counts.completed} operations`);
    await expect(fromK6Samples([path], 'segments')).rejects.toThrow(/holds no k6 samples/);
  }, 120_000);

  it('a file that is not a k6 summary of an exported script is refused with what to do', () => {
    expect(() => fromK6Summary({ cases: [] }, 'x')).toThrow(K6SummaryError);
    expect(() => fromK6Summary({ metrics: { http_req_duration: {} } }, 'x')).toThrow(/was the script exported by mcp-perf/);
  });
});
