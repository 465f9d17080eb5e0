// The client on each MCP revision, against a scripted server that answers what a test tells it to: what a 2026-07-28
// request carries (no session, the _meta envelope, routing headers), a refused revision as its own error kind, and
// answers that must not count as this call's success (a result under id null, another caller's answer in the stream,
// a 400 to DELETE that is not about the session).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { classifyError } from '../support/engine/errors.ts';
import { runScenario } from '../support/engine/runner.ts';
import { createOperation } from '../support/mcp/operations.ts';
import { chooseRevision } from '../support/mcp/negotiate.ts';
import { preflight, waitHealthy } from '../support/perf-case.ts';
import type { GatewayEndpoints } from '../support/shared/stack-info.ts';
import { StreamableHttpClient } from '../support/mcp/streamable-http-client.ts';

interface Seen { headers: IncomingHttpHeaders; method: string; body?: { id?: number; method: string; params?: Record<string, unknown> } }
type Answer = (msg: NonNullable<Seen['body']>, headers: IncomingHttpHeaders) => { status: number; body: string; type?: string; headers?: Record<string, string> };

const agent = new Agent();
let server: Server | undefined;
const seen: Seen[] = [];
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())).then(() => void seen.splice(0)));
afterAll(() => agent.close());

const json = (id: number | null | undefined, payload: Record<string, unknown>) => JSON.stringify({ jsonrpc: '2.0', id: id ?? null, ...payload });
const toolResult = (text: string) => ({ result: { content: [{ type: 'text', text }] } });

async function serve(answer: Answer, onDelete: () => { status: number; body: string } = () => ({ status: 405, body: '' })): Promise<string> {
  server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      if (req.method === 'DELETE') {
        seen.push({ headers: req.headers, method: 'DELETE' });
        const d = onDelete();
        return void res.writeHead(d.status, { 'content-type': 'application/json' }).end(d.body);
      }
      const body = JSON.parse(raw) as NonNullable<Seen['body']>;
      seen.push({ headers: req.headers, method: body.method, body });
      if (body.id === undefined) return void res.writeHead(202).end();
      const a = answer(body, req.headers);
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/json', ...a.headers }).end(a.body);
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/mcp`;
}

/** A 2026-07-28 server: answers what carries the envelope, refuses the rest as the Python SDK does (400, -32022). */
const modern: Answer = (msg, headers) => {
  const meta = msg.params?._meta as Record<string, unknown> | undefined;
  const version = meta?.['io.modelcontextprotocol/protocolVersion'];
  if (msg.method === 'initialize' || version !== '2026-07-28' || headers['mcp-protocol-version'] !== version) {
    return { status: 400, body: json(msg.id, { error: { code: -32022, message: 'Unsupported protocol version', data: { supported: ['2026-07-28'], requested: version ?? '2025-06-18' } } }) };
  }
  if (msg.method === 'server/discover') return { status: 200, body: json(msg.id, { result: { supportedVersions: ['2026-07-28'], capabilities: { tools: {} }, serverInfo: { name: 'fake', version: '1' }, ttlMs: 300000, cacheScope: 'private' } }) };
  return { status: 200, body: json(msg.id, toolResult(`called ${String(msg.params?.name)}`)) };
};

/** A 2025-era server that hands out a session, and knows no server/discover. */
const legacy: Answer = (msg) => {
  if (msg.method === 'initialize') return { status: 200, headers: { 'mcp-session-id': 's-1' }, body: json(msg.id, { result: { protocolVersion: '2025-11-25', capabilities: {}, serverInfo: { name: 'fake', version: '1' } } }) };
  if (msg.method === 'server/discover') return { status: 200, body: json(msg.id, { error: { code: -32601, message: 'Method not found' } }) };
  return { status: 200, body: json(msg.id, toolResult('ok')) };
};

const failureOf = async (p: Promise<unknown>) => classifyError(await p.then(() => undefined, (e: unknown) => e));

describe('MCP 2026-07-28 on the wire', () => {
  it('sends no initialize and no session; every request carries the envelope in _meta and MCP-Protocol-Version, Mcp-Method, Mcp-Name', async () => {
    const url = await serve(modern);
    const op = createOperation({ kind: 'streamable', url, session: 'per-vu', protocol: '2026-07-28', call: { method: 'tools/call', name: 'fast_compute', arguments: { a: 1 } } });
    const result = await runScenario({ name: 'stateless', executor: 'shared-iterations', vus: 2, iterations: 6 }, op);
    expect(result.counts.ok).toBe(6);
    expect(seen.map((s) => s.method)).toEqual(Array(6).fill('tools/call'));
    for (const s of seen) {
      expect(s.headers['mcp-session-id']).toBeUndefined();
      expect(s.headers).toMatchObject({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'fast_compute' });
      expect(s.body!.params!._meta).toMatchObject({ 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'mcp-perf' } });
      expect(s.body!.params!.arguments).toEqual({ a: 1 });
    }
  });

  it('keeps a progress token beside the envelope, and wraps a name HTTP cannot carry as it is', async () => {
    const url = await serve(modern);
    const client = new StreamableHttpClient({ url, dispatcher: agent, protocol: '2026-07-28' });
    await client.callTool('zeit über', {}, { progress: true });
    expect(seen[0]!.headers['mcp-name']).toBe(`=?base64?${Buffer.from('zeit über').toString('base64')}?=`);
    expect(Object.keys(seen[0]!.body!.params!._meta as object)).toEqual(expect.arrayContaining(['progressToken', 'io.modelcontextprotocol/protocolVersion']));
  });

  it('classifies a refused revision (HTTP 400, -32022) as protocol:version_refused, naming what the server speaks', async () => {
    const url = await serve(modern);
    const f = await failureOf(new StreamableHttpClient({ url, dispatcher: agent }).initialize());
    expect(f).toMatchObject({ class: 'protocol', code: 'version_refused' });
    expect(f.message).toMatch(/MCP 2025-06-18.*-> 400.*protocol version refused.*it speaks 2026-07-28/);
    // The same refusal inside a 200 answer.
    const url2 = await (async () => { await new Promise<void>((r) => server!.close(() => r())); return serve((msg) => ({ status: 200, body: json(msg.id, { error: { code: -32022, message: 'Unsupported protocol version' } }) })); })();
    expect(await failureOf(new StreamableHttpClient({ url: url2, dispatcher: agent, protocol: '2026-07-28' }).callTool('x'))).toMatchObject({ class: 'protocol', code: 'version_refused' });
  });

  it('a preflight refused for its revision says so and what to set, not "is the stack up?"', async () => {
    const url = await serve(modern);
    await expect(preflight('refused', { kind: 'streamable', url, session: 'per-vu', protocol: '2025-06-18', call: { method: 'tools/list' } }))
      .rejects.toThrow(/\[refused\] the target refuses the MCP revision this run speaks[\s\S]*protocol:version_refused[\s\S]*Set PERF_MCP_PROTOCOL to a revision it speaks/);
  });

  it('classifies a 2025-era refusal (HTTP 400 naming the protocol version, no -32022) as protocol:version_refused too', async () => {
    const url = await serve(() => ({ status: 400, body: json(null, { error: { code: -32600, message: 'Unsupported MCP-Protocol-Version 2026-07-28; supported: 2025-06-18' } }) }));
    const f = await failureOf(new StreamableHttpClient({ url, dispatcher: agent, protocol: '2026-07-28' }).discover());
    expect(f).toMatchObject({ class: 'protocol', code: 'version_refused' });
    expect(f.message).toMatch(/the 2025 way \(no -32022\).*Unsupported MCP-Protocol-Version/);
    // Any other 400 stays an HTTP status.
    const other = await (async () => { await new Promise<void>((r) => server!.close(() => r())); return serve(() => ({ status: 400, body: json(null, { error: { code: -32600, message: 'Bad Request: malformed body' } }) })); })();
    expect(await failureOf(new StreamableHttpClient({ url: other, dispatcher: agent, protocol: '2026-07-28' }).discover())).toMatchObject({ class: 'http_status', code: 400 });
  });

  it('waitHealthy on a gateway without a health route asks server/discover on 2026-07-28, which has no ping', async () => {
    const noPing: Answer = (msg, headers) => (msg.method === 'ping' ? { status: 200, body: json(msg.id, { error: { code: -32601, message: 'Method not found' } }) } : modern(msg, headers));
    const url = await serve(noPing);
    const gateway = { name: 'fake', mcpUrl: url, protocol: { revision: '2026-07-28', chosenBy: 'setting', how: 'test' } } as unknown as GatewayEndpoints;
    expect(await waitHealthy(gateway, 2000)).not.toBeNull();
    expect(seen.map((s) => s.method)).toEqual(['server/discover']);
    await expect(new StreamableHttpClient({ url, dispatcher: agent, protocol: '2026-07-28' }).ping()).rejects.toThrow(/ping is not part of MCP 2026-07-28/);
  });

  it('refuses initialize on a stateless revision (a programming error, said plainly)', async () => {
    const url = await serve(modern);
    await expect(new StreamableHttpClient({ url, dispatcher: agent, protocol: '2026-07-28' }).initialize()).rejects.toThrow(/initialize is not part of MCP 2026-07-28/);
    expect(seen).toHaveLength(0);
  });
});

describe('choosing the revision (PERF_MCP_PROTOCOL)', () => {
  it('auto: 2026-07-28 where server/discover lists it; else what initialize agreed to', async () => {
    expect(await chooseRevision(await serve(modern), {}, 'auto')).toMatchObject({ revision: '2026-07-28', how: expect.stringMatching(/server\/discover lists 2026-07-28/) });
    await new Promise<void>((r) => server!.close(() => r()));
    const chosen = await chooseRevision(await serve(legacy, () => ({ status: 200, body: '' })), {}, 'auto');
    expect(chosen).toMatchObject({ revision: '2025-11-25', how: expect.stringMatching(/server\/discover on 2026-07-28 failed: jsonrpc:-32601.*initialize on 2025-11-25 agreed to 2025-11-25/) });
  });

  it('a fixed revision the endpoint refuses is kept, with a warning that says so', async () => {
    const chosen = await chooseRevision(await serve(legacy), {}, '2026-07-28');
    expect(chosen.revision).toBe('2026-07-28');
    expect(chosen.how).toMatch(/WARNING: the endpoint may not speak it/);
  });
});

describe('answers that are not this call\'s success', () => {
  it('a result under id null is malformed, not a success', async () => {
    const url = await serve((msg) => msg.method === 'initialize' ? legacy(msg, {}) : { status: 200, body: json(null, toolResult('ok')) });
    const client = new StreamableHttpClient({ url, dispatcher: agent });
    await client.initialize();
    expect(await failureOf(client.callTool('x'))).toMatchObject({ class: 'malformed_response', code: 'null_id' });
  });

  it('an event stream that carries an answer to another request is an isolation failure, even when this call\'s answer follows', async () => {
    const url = await serve((msg) => ({
      status: 200, type: 'text/event-stream',
      body: `event: message\ndata: ${json(msg.id! + 1000, toolResult('someone else'))}\n\nevent: message\ndata: ${json(msg.id, toolResult('mine'))}\n\n`,
    }));
    expect(await failureOf(new StreamableHttpClient({ url, dispatcher: agent, protocol: '2026-07-28' }).callTool('x'))).toMatchObject({ class: 'isolation', code: 'foreign_answer' });
  });

  it('a 400 to DELETE counts as "session gone" only when it names the session', async () => {
    let deleteAnswer = { status: 400, body: json(null, { error: { code: -32600, message: 'Bad Request: malformed header' } }) };
    const url = await serve(legacy, () => deleteAnswer);
    const client = new StreamableHttpClient({ url, dispatcher: agent });
    await client.initialize();
    expect(await failureOf(client.close())).toMatchObject({ class: 'http_status', code: 400 });
    deleteAnswer = { status: 400, body: json(null, { error: { code: -32000, message: 'Bad Request: No valid session ID provided' } }) };
    await client.initialize();
    await expect(client.close()).resolves.toBeUndefined();
  });
});
