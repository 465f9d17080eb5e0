// Streamable HTTP sessions under failure: ended when the call fails, replaced when the server forgot them,
// lists followed through every page, DELETE answered the way the TypeScript SDK's servers answer it.
import { createServer, type Server } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { runScenario } from '../support/engine/runner.ts';
import { createOperation, withoutClose } from '../support/mcp/operations.ts';
import { StreamableHttpClient } from '../support/mcp/streamable-http-client.ts';
import { startShippedServer, type LocalMcpServer } from '../support/stack/shipped-servers.ts';

const started: LocalMcpServer[] = [];
const agent = new Agent();
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.process.stop()));
});
afterAll(() => agent.close());

async function openSessions(s: LocalMcpServer): Promise<number> {
  return ((await (await fetch(`${s.baseUrl}/health`)).json()) as { sessions: number }).sessions;
}

describe('Streamable HTTP sessions under failure', () => {
  it('ends a per-iteration session whose call failed (20 failing calls leave no session open)', async () => {
    const server = await startShippedServer({ profile: 'load' });
    started.push(server);
    const result = await runScenario(
      { name: 'churn failing', executor: 'shared-iterations', vus: 2, iterations: 20 },
      createOperation({ kind: 'streamable', url: `${server.baseUrl}/mcp`, session: 'per-iteration', call: { method: 'tools/call', name: 'error_simulation', arguments: { rate: 1, kind: 'tool' } } }),
    );
    expect(result.counts.failed).toBe(20);
    expect(result.errors).toEqual({ 'jsonrpc:isError': 20 });
    expect(await openSessions(server)).toBe(0);
  });

  it('starts a new session when the server answers 404 for it (a restart mid-run), instead of failing every later call', async () => {
    const server = await startShippedServer({ profile: 'load' });
    started.push(server);
    const op = createOperation({ kind: 'streamable', url: `${server.baseUrl}/mcp`, session: 'per-vu', call: { method: 'tools/call', name: 'fast_compute', arguments: { a: 1, b: 2 } } });
    const scenario = { name: 'per-vu', executor: 'shared-iterations' as const, vus: 2, iterations: 10 };
    expect((await runScenario(scenario, withoutClose(op))).counts.ok).toBe(10);
    await server.process.stop();
    started.pop();
    started.push(await startShippedServer({ profile: 'load', port: server.port }));
    const after = await runScenario(scenario, op);
    // Each VU's first call after the restart fails (its session is unknown: 404; or its kept-alive
    // connection was closed), then it initializes again and the rest succeed.
    expect(after.counts.failed).toBeLessThanOrEqual(4);
    expect(after.counts.ok).toBeGreaterThanOrEqual(6);
    expect(Object.keys(after.errors).some((k) => k === 'http_status:404')).toBe(true);
  });
});

describe('a server of the TypeScript SDK\'s habits', () => {
  let fake: Server;
  let url = '';
  const pages = { 'resources/list': [[{ uri: 'a://1', name: 'one' }, { uri: 'a://2', name: 'two' }], [{ uri: 'a://3', name: 'three' }]], 'prompts/list': [[{ name: 'p1' }], [{ name: 'p2' }]] } as const;

  afterEach(() => new Promise<void>((r) => (fake ? fake.close(() => r()) : r())));

  async function startFake(): Promise<void> {
    fake = createServer((req, res) => {
      if (req.method === 'DELETE') {
        res.writeHead(400, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","error":{"code":-32000,"message":"Bad Request: No valid session ID provided"},"id":null}');
        return;
      }
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const msg = JSON.parse(body) as { id?: number; method: string; params?: { cursor?: string } };
        if (msg.id === undefined) return void res.writeHead(202).end();
        const page = Number(msg.params?.cursor ?? 0);
        const list = pages[msg.method as keyof typeof pages];
        const result = msg.method === 'initialize'
          ? { protocolVersion: '2025-06-18', serverInfo: { name: 'fake', version: '1' }, capabilities: {} }
          : { [msg.method.split('/')[0]!]: list![page], ...(page + 1 < list!.length ? { nextCursor: String(page + 1) } : {}) };
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'fake-session' }).end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result }));
      });
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    const addr = fake.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/mcp`;
  }

  it('follows nextCursor through every page of resources/list and prompts/list', async () => {
    await startFake();
    const client = new StreamableHttpClient({ url, dispatcher: agent });
    await client.initialize();
    expect((await client.listAllResources()).result.map((r) => r.uri)).toEqual(['a://1', 'a://2', 'a://3']);
    expect((await client.listAllPrompts()).result.map((p) => p.name)).toEqual(['p1', 'p2']);
    await client.close();
  });

  it('takes a 400 to DELETE as a session the server no longer has, not as a failure', async () => {
    await startFake();
    const client = new StreamableHttpClient({ url, dispatcher: agent });
    await client.initialize();
    expect(client.sessionId).toBe('fake-session');
    await expect(client.close()).resolves.toBeUndefined();
    expect(client.sessionId).toBeUndefined();
  });
});
