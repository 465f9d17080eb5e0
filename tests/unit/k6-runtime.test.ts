// The functions every exported k6 script carries, run here with a stand-in for k6/http: what counts as a call's
// success must be what the suite's own client counts (the answer's id checked, every event of a stream read, a
// lost session replaced, paged lists walked), or the k6 figures would not be the suite's.
import { describe, expect, it } from 'vitest';
import { RUNTIME } from '../support/k6/export.ts';

interface Res { status: number; headers: Record<string, string>; body: string | null }
type Server = (method: string, url: string, body: string | null, headers: Record<string, string>) => Res;
type Vu = { sessions: Record<string, unknown> };
interface Runtime {
  resultOf(res: Res, method: string, id: number): unknown;
  // A call's result (the last page's, walking a list), or null when it failed.
  rpcCall(url: string, headers: object, method: string, params: unknown, tag: string, all?: boolean): object | null;
  streamableCall(vu: Vu, url: string, headers: object, method: string, params: unknown, mode: string, tag: string, all?: boolean): object | null;
  statelessCall(url: string, headers: object, method: string, params: unknown, revision: string, tag: string, all?: boolean): object | null;
  agentStep(vu: object, key: string, listFirst: string, list: () => object | null, call: () => object | null): object | null;
}

/** The runtime, with http.request answered by `server` and every request recorded. */
function runtime(server: Server): { rt: Runtime; sent: { method: string; body: { id?: number; method?: string; params?: Record<string, unknown> } | null; headers: Record<string, string> }[] } {
  const sent: { method: string; body: { id?: number; method?: string; params?: Record<string, unknown> } | null; headers: Record<string, string> }[] = [];
  const http = {
    request: (method: string, url: string, body: string | null, params: { headers: Record<string, string> }) => {
      sent.push({ method, body: body ? JSON.parse(body) : null, headers: params.headers });
      return server(method, url, body, params.headers);
    },
  };
  const rt = new Function('http', 'TIMEOUT', 'PROTOCOL_VERSION', `${RUNTIME}\nreturn { resultOf, rpcCall, streamableCall, statelessCall, agentStep };`)(http, '10s', '2025-06-18') as Runtime;
  return { rt, sent };
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Res => ({ status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
const idOf = (body: string | null) => (JSON.parse(body!) as { id: number }).id;

describe('the k6 runtime', () => {
  it('takes a result only under the request\'s own id, from a body or from any event of a stream', () => {
    const { rt } = runtime(() => json({}));
    const ok = { content: [] };
    expect(rt.resultOf(json({ jsonrpc: '2.0', id: 7, result: ok }), 'tools/call', 7)).toEqual(ok);
    expect(rt.resultOf(json({ jsonrpc: '2.0', id: 8, result: ok }), 'tools/call', 7)).toBeNull();
    expect(rt.resultOf(json({ jsonrpc: '2.0', id: null, result: ok }), 'tools/call', 7)).toBeNull();
    expect(rt.resultOf(json({ jsonrpc: '2.0', id: 7, error: { code: -32022, message: 'x' } }), 'tools/call', 7)).toBeNull();
    expect(rt.resultOf(json({ jsonrpc: '2.0', id: 7, result: { content: [], isError: true } }), 'tools/call', 7)).toBeNull();
    const stream = (events: string[]): Res => ({ status: 200, headers: { 'Content-Type': 'text/event-stream' }, body: events.map((e) => `event: message\n${e}\n\n`).join('') });
    const progress = 'data: {"jsonrpc":"2.0","method":"notifications/progress","params":{"progress":1}}';
    // The answer is the second event, its JSON split over two data lines.
    expect(rt.resultOf(stream([progress, 'data: {"jsonrpc":"2.0","id":7,\ndata: "result":{"content":[]}}']), 'tools/call', 7)).toEqual(ok);
    // Another caller's answer in this request's stream fails it, even when its own follows.
    expect(rt.resultOf(stream(['data: {"jsonrpc":"2.0","id":99,"result":{"content":[]}}', 'data: {"jsonrpc":"2.0","id":7,"result":{"content":[]}}']), 'tools/call', 7)).toBeNull();
    expect(rt.resultOf(stream(['data: not json']), 'tools/call', 7)).toBeNull();
  });

  it('walks a paged list through nextCursor, and gives up on one that never ends', () => {
    const pages = (n: number): Server => (_m, _u, body) => {
      const cursor = Number((JSON.parse(body!) as { params?: { cursor?: string } }).params?.cursor ?? 0);
      return json({ jsonrpc: '2.0', id: idOf(body), result: { tools: [{ name: `t${cursor}` }], ...(cursor + 1 < n ? { nextCursor: String(cursor + 1) } : {}) } });
    };
    const three = runtime(pages(3));
    expect(three.rt.rpcCall('http://x/rpc', {}, 'tools/list', null, 'op', true)).not.toBeNull();
    expect(three.sent.map((s) => s.body!.params?.cursor ?? null)).toEqual([null, '1', '2']);
    const once = runtime(pages(3));
    expect(once.rt.rpcCall('http://x/rpc', {}, 'tools/list', null, 'op')).not.toBeNull();
    expect(once.sent).toHaveLength(1);
    const endless = runtime(pages(Number.POSITIVE_INFINITY));
    expect(endless.rt.rpcCall('http://x/rpc', {}, 'tools/list', null, 'op', true)).toBeNull();
    expect(endless.sent).toHaveLength(100);
  });

  it('drops a session the server no longer knows, so the next iteration opens a new one', () => {
    let known = 'session-1';
    const server: Server = (method, _u, body, headers) => {
      if (method === 'DELETE' || !body) return json({});
      const msg = JSON.parse(body) as { id?: number; method: string };
      if (msg.method === 'initialize') {
        known = `session-${Math.random()}`;
        return json({ jsonrpc: '2.0', id: msg.id, result: { protocolVersion: '2025-06-18', capabilities: {}, serverInfo: { name: 's', version: '1' } } }, 200, { 'Mcp-Session-Id': known });
      }
      if (msg.id === undefined) return { status: 202, headers: {}, body: null };
      if (headers['mcp-session-id'] !== known) return json({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }, 404);
      return json({ jsonrpc: '2.0', id: msg.id, result: { content: [] } });
    };
    const { rt, sent } = runtime(server);
    const vu: Vu = { sessions: {} };
    const call = () => rt.streamableCall(vu, 'http://x/mcp', {}, 'tools/call', { name: 't' }, 'per-vu', 'op');
    expect(call()).not.toBeNull();
    known = 'restarted';
    expect(call()).toBeNull();
    expect(vu.sessions['http://x/mcp']).toBeUndefined();
    expect(call()).not.toBeNull();
    expect(sent.filter((s) => s.body?.method === 'initialize')).toHaveLength(2);
  });

  it('on 2026-07-28 sends the envelope and the routing headers, and no session', () => {
    const { rt, sent } = runtime((_m, _u, body) => json({ jsonrpc: '2.0', id: idOf(body), result: { content: [] } }));
    expect(rt.statelessCall('http://x/mcp', { authorization: 'Bearer t' }, 'tools/call', { name: 'fast_compute', arguments: { a: 1 } }, '2026-07-28', 'op')).not.toBeNull();
    expect(sent[0]!.headers).toMatchObject({ 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'fast_compute', authorization: 'Bearer t' });
    expect(sent[0]!.headers['mcp-session-id']).toBeUndefined();
    expect(sent[0]!.body!.params!._meta).toMatchObject({ 'io.modelcontextprotocol/protocolVersion': '2026-07-28' });
  });

  it('an agent step lists first: every time with always, once per ttlMs with cached', () => {
    const server: Server = (_m, _u, body) => {
      const msg = JSON.parse(body!) as { id: number; method: string };
      return json({ jsonrpc: '2.0', id: msg.id, result: msg.method === 'tools/list' ? { tools: [], ttlMs: 60_000 } : { content: [] } });
    };
    for (const [listFirst, lists] of [['always', 3], ['cached', 1]] as const) {
      const { rt, sent } = runtime(server);
      const vu = {};
      const step = () => rt.agentStep(vu, 'http://x/mcp', listFirst, () => rt.statelessCall('http://x/mcp', {}, 'tools/list', null, '2026-07-28', 'op'), () => rt.statelessCall('http://x/mcp', {}, 'tools/call', { name: 't' }, '2026-07-28', 'op'));
      for (let i = 0; i < 3; i++) expect(step()).not.toBeNull();
      expect(sent.filter((x) => x.body?.method === 'tools/list')).toHaveLength(lists);
      expect(sent.filter((x) => x.body?.method === 'tools/call')).toHaveLength(3);
    }
    // A list with no ttlMs is not kept: cached lists again every step.
    const { rt, sent } = runtime((_m, _u, body) => json({ jsonrpc: '2.0', id: idOf(body), result: { tools: [], content: [] } }));
    const vu = {};
    for (let i = 0; i < 2; i++) rt.agentStep(vu, 'k', 'cached', () => rt.statelessCall('http://x/mcp', {}, 'tools/list', null, '2026-07-28', 'op'), () => rt.statelessCall('http://x/mcp', {}, 'tools/call', { name: 't' }, '2026-07-28', 'op'));
    expect(sent.filter((x) => x.body?.method === 'tools/list')).toHaveLength(2);
  });
});
