import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseClient } from '../support/mcp/sse-client.ts';
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

describe('SSE connect is bounded', () => {
  it('a server that never answers the GET fails as a timeout within connectTimeoutMs', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const agent = new Agent({ connections: null });
    try {
      const client = new SseClient({ url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/sse`, dispatcher: agent, connectTimeoutMs: 300 });
      const t0 = performance.now();
      await expect(client.connect()).rejects.toMatchObject({ failure: { class: 'timeout', code: 'sse_connect' } });
      expect(performance.now() - t0).toBeLessThan(2000);
      const pool = await StreamPool.open({ kind: 'sse', url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/sse`, count: 2, connectTimeoutMs: 300 });
      expect(pool.status().openFailures).toEqual({ 'timeout:sse_connect': 2 });
      await pool.close();
    } finally {
      silent.closeAllConnections();
      silent.close();
      await agent.close();
    }
  });

  it('a connected stream outlives the connect timeout', async () => {
    const agent = new Agent({ connections: null });
    const client = new SseClient({ url: `${server.baseUrl}/sse`, dispatcher: agent, connectTimeoutMs: 300 });
    try {
      await client.connect();
      await new Promise((r) => setTimeout(r, 600));
      expect(client.connected).toBe(true);
      await expect(client.initialize()).resolves.toMatchObject({ result: { protocolVersion: expect.any(String) } });
    } finally {
      await client.close();
      await agent.close();
    }
  });
});
