import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../support/engine/runner.ts';
import { StreamPool } from '../support/mcp/stream-pool.ts';
import { startShippedServer, type LocalMcpServer } from '../support/stack/shipped-servers.ts';

let server: LocalMcpServer;
beforeAll(async () => {
  server = await startShippedServer({ profile: 'load', name: 'streams' });
});
afterAll(async () => server?.process.stop());

describe('held streams with messages flowing on each', () => {
  for (const kind of ['sse', 'ws'] as const) {
    it(`${kind}: every stream opens, carries its share of calls, and a server that goes away shows as drops`, async () => {
      const url = kind === 'sse' ? `${server.baseUrl}/sse` : `${server.baseUrl.replace('http', 'ws')}/ws`;
      const pool = await StreamPool.open({ kind, url, count: 30 });
      try {
        const r = await runScenario({ name: `${kind} streams`, executor: 'constant-arrival-rate', rate: 60, duration: '2s', preAllocatedVUs: 10, maxVUs: 60 }, pool.operation({ method: 'ping' }));
        expect(r.counts.ok).toBe(120);
        const s = pool.status();
        expect(s).toMatchObject({ wanted: 30, opened: 30, open: 30, dropped: 0, silent: 0, openFailures: {} });
        pool.mark();
        expect(pool.status().silent).toBe(30);
        // 120 pings over 30 streams in turn: 4 answers each, plus the initialize answer.
        expect(s.messages).toEqual({ min: 5, max: 5, total: 150 });
        expect(s.connect.count).toBe(30);

        await server.process.stop();
        await expect.poll(() => pool.status().dropped, { timeout: 5000 }).toBe(30);
        const after = await runScenario({ name: `${kind} after`, executor: 'shared-iterations', vus: 1, iterations: 3 }, pool.operation({ method: 'ping' }));
        expect(after.errorsByClass.connection_reset).toBe(3);
      } finally {
        await pool.close();
        server = await startShippedServer({ profile: 'load', name: 'streams' });
      }
    });
  }

  it('counts streams that cannot be opened instead of throwing', async () => {
    const pool = await StreamPool.open({ kind: 'ws', url: 'ws://127.0.0.1:9/ws', count: 3, connectTimeoutMs: 2000 });
    expect(pool.status()).toMatchObject({ opened: 0, openFailures: { 'connection_refused:ECONNREFUSED': 3 } });
    await pool.close();
  });
});
