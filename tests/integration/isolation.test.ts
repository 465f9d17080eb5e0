// Answers that belong to another caller: a bridge that broadcasts every answer to every SSE session, a
// gateway that hands a call the previous call's answer, a stream that carries frames that are not JSON.
// Each is counted as a failure of its own kind, where it used to pass as a success.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { runScenario } from '../support/engine/runner.ts';
import { createOperation } from '../support/mcp/operations.ts';
import { StreamPool } from '../support/mcp/stream-pool.ts';
import { startShippedServer, type LocalMcpServer } from '../support/stack/shipped-servers.ts';

const servers: Server[] = [];
const shipped: LocalMcpServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => {
    s.closeAllConnections();
    s.close(() => r());
  })));
  await Promise.all(shipped.splice(0).map((s) => s.process.stop()));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => resolve(body));
});

function answer(msg: { id: number; method: string; params?: { arguments?: Record<string, unknown> } }, text = 'ok') {
  const result = msg.method === 'initialize'
    ? { protocolVersion: '2025-06-18', serverInfo: { name: 'fake', version: '1' }, capabilities: {} }
    : { content: [{ type: 'text', text }] };
  return JSON.stringify({ jsonrpc: '2.0', id: msg.id, result });
}

/**
 * A WebSocket endpoint that answers notifications as ContextForge's /ws does (an empty result under an id of
 * its own), and with `stray` also sends, after each answer, an answer to a call this client never made.
 */
async function wsRelay(opts: { stray?: boolean } = {}): Promise<string> {
  const base = await listen(createServer());
  const wss = new WebSocketServer({ server: servers.at(-1)! });
  wss.on('connection', (socket) => socket.on('message', (data) => {
    const msg = JSON.parse(String(data)) as { id?: number; method: string };
    if (msg.id === undefined) return void socket.send(JSON.stringify({ jsonrpc: '2.0', result: {}, id: randomUUID() }));
    socket.send(answer(msg as { id: number; method: string }));
    if (opts.stray && msg.method !== 'initialize') socket.send(answer({ id: 7, method: 'tools/call' }, 'someone else\'s'));
  }));
  return base.replace('http:', 'ws:');
}

/** An SSE "bridge" that sends every answer to every open stream, as one that ignores sessions would. */
async function broadcastingSseServer(opts: { garbage?: boolean } = {}): Promise<string> {
  const streams: ServerResponse[] = [];
  return listen(createServer((req, res) => {
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: endpoint\ndata: /message?session=${streams.length}\n\n`);
      if (opts.garbage) res.write('event: message\ndata: this is not JSON\n\n');
      streams.push(res);
      return;
    }
    void readBody(req).then((body) => {
      res.writeHead(202).end();
      const msg = JSON.parse(body) as { id?: number; method: string };
      if (msg.id === undefined) return;
      for (const s of streams) s.write(`event: message\ndata: ${answer(msg as { id: number; method: string })}\n\n`);
    });
  }));
}

describe('answers that belong to another caller', () => {
  it('counts answers broadcast to every SSE session as isolation:foreign_answer (they passed as successes)', async () => {
    const base = await broadcastingSseServer();
    const pool = await StreamPool.open({ kind: 'sse', url: `${base}/sse`, count: 3 });
    try {
      const result = await runScenario({ name: 'broadcast', executor: 'shared-iterations', vus: 3, iterations: 30 }, pool.operation({ method: 'tools/call', name: 'anything' }));
      expect(result.errors['isolation:foreign_answer'] ?? 0).toBeGreaterThan(0);
      expect(result.errorsByClass.isolation).toBe(result.errors['isolation:foreign_answer']);
      expect(Object.values(result.errorSamples).join('\n')).toMatch(/belonged to another caller/);
    } finally {
      await pool.close();
    }
  });

  it('takes the empty answer ContextForge\'s /ws gives a notification for what it is, not another caller\'s answer; a real stray answer still counts', async () => {
    const clean = await StreamPool.open({ kind: 'ws', url: `${await wsRelay()}/ws`, count: 2 });
    try {
      const result = await runScenario({ name: 'relay', executor: 'shared-iterations', vus: 2, iterations: 10 }, clean.operation({ method: 'tools/call', name: 'anything' }));
      expect(result.errors).toEqual({});
      expect(result.counts.ok).toBe(10);
    } finally {
      await clean.close();
    }
    const stray = await StreamPool.open({ kind: 'ws', url: `${await wsRelay({ stray: true })}/ws`, count: 2 });
    try {
      const result = await runScenario({ name: 'stray', executor: 'shared-iterations', vus: 2, iterations: 10 }, stray.operation({ method: 'tools/call', name: 'anything' }));
      expect(result.errors['isolation:foreign_answer'] ?? 0).toBeGreaterThan(0);
    } finally {
      await stray.close();
    }
  });

  it('counts a frame that is not JSON as malformed_response:frame (it was dropped silently)', async () => {
    const base = await broadcastingSseServer({ garbage: true });
    const pool = await StreamPool.open({ kind: 'sse', url: `${base}/sse`, count: 1 });
    try {
      const result = await runScenario({ name: 'garbage', executor: 'shared-iterations', vus: 1, iterations: 3 }, pool.operation({ method: 'ping' }));
      expect(result.errors['malformed_response:frame']).toBe(1);
      expect(result.counts.ok).toBe(2);
    } finally {
      await pool.close();
    }
  });

  it('fails a call whose answer does not echo its nonce (the previous call\'s answer) as isolation:nonce; the real echo passes', async () => {
    let previous = 'nothing yet';
    const base = await listen(createServer((req, res) => {
      void readBody(req).then((body) => {
        const msg = JSON.parse(body) as { id?: number; method: string; params?: { arguments?: { a?: number } } };
        if (msg.id === undefined) return void res.writeHead(202).end();
        const mine = JSON.stringify({ result: msg.params?.arguments?.a ?? 0 });
        res.writeHead(200, { 'content-type': 'application/json' }).end(answer(msg as { id: number; method: string }, msg.method === 'tools/call' ? previous : 'ok'));
        if (msg.method === 'tools/call') previous = mine;
      });
    }));
    const call = { method: 'tools/call' as const, name: 'fast_compute', arguments: { b: 0 }, nonce: { argument: 'a' } };
    const mixedUp = await runScenario({ name: 'mixed up', executor: 'shared-iterations', vus: 2, iterations: 10 }, createOperation({ kind: 'streamable', url: `${base}/mcp`, session: 'per-vu', call }));
    expect(mixedUp.errors).toEqual({ 'isolation:nonce': 10 });

    const server = await startShippedServer({ profile: 'load' });
    shipped.push(server);
    const echoed = await runScenario({ name: 'echoed', executor: 'shared-iterations', vus: 2, iterations: 10 }, createOperation({ kind: 'streamable', url: `${server.baseUrl}/mcp`, session: 'per-vu', call }));
    expect(echoed.counts.ok).toBe(10);
  });

  it('fails answers swapped under the right ids (a proxy handing each tools/call the previous call\'s result) when the tag is checked, as the catalogue\'s time calls now do; unchecked, they all pass', async () => {
    const server = await startShippedServer({ profile: 'time', json: true });
    shipped.push(server);
    let previous: unknown;
    const proxy = await listen(createServer((req, res) => {
      void readBody(req).then(async (body) => {
        const headers = Object.fromEntries(Object.entries(req.headers).filter(([k]) => !['host', 'content-length', 'connection'].includes(k)).map(([k, v]) => [k, String(v)]));
        const upstream = await fetch(`${server.baseUrl}${req.url}`, { method: req.method, headers, ...(req.method === 'POST' ? { body } : {}) });
        let text = await upstream.text();
        const isCall = req.method === 'POST' && (JSON.parse(body) as { method?: string }).method === 'tools/call';
        if (isCall && upstream.ok) {
          const answer = JSON.parse(text) as { result?: unknown };
          const mine = answer.result;
          if (previous !== undefined) text = JSON.stringify({ ...answer, result: previous });
          previous = mine;
        }
        const out: Record<string, string> = {};
        upstream.headers.forEach((v, k) => { if (k !== 'content-length' && k !== 'transfer-encoding') out[k] = v; });
        res.writeHead(upstream.status, out).end(text);
      });
    }));
    const plain = { method: 'tools/call' as const, name: 'get_system_time', arguments: { timezone: 'UTC' } };
    const tagged = { ...plain, nonce: { argument: 'tag', type: 'string' as const } };
    const run = (name: string, url: string, call: typeof plain) => runScenario({ name, executor: 'shared-iterations', vus: 1, iterations: 10 }, createOperation({ kind: 'streamable', url, session: 'per-vu', call }));
    const unchecked = await run('swapped, unchecked', `${proxy}/mcp`, plain);
    expect(unchecked.counts.ok).toBe(10);
    previous = undefined;
    const checked = await run('swapped, checked', `${proxy}/mcp`, tagged);
    expect(checked.errors).toEqual({ 'isolation:nonce': 9 });
    const direct = await run('direct, checked', `${server.baseUrl}/mcp`, tagged);
    expect(direct.counts.ok).toBe(10);
  });
});
