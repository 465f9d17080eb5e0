import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OperationFailure } from '../support/engine/errors.ts';
import { H1Dispatcher } from '../support/engine/h1-dispatcher.ts';
import type { McpClient } from '../support/mcp/client.ts';
import { RpcClient } from '../support/mcp/rpc-client.ts';
import { SseClient } from '../support/mcp/sse-client.ts';
import { StreamableHttpClient } from '../support/mcp/streamable-http-client.ts';
import { WsClient } from '../support/mcp/ws-client.ts';
import { startShippedServer, type LocalMcpServer } from '../support/stack/shipped-servers.ts';

let server: LocalMcpServer;
let jsonServer: LocalMcpServer;
const undiciAgent = new Agent({ connections: null, keepAliveTimeout: 10_000 });
const h1 = new H1Dispatcher();

beforeAll(async () => {
  [server, jsonServer] = await Promise.all([startShippedServer({ profile: 'all' }), startShippedServer({ profile: 'all', json: true, name: 'json' })]);
});
afterAll(async () => {
  await Promise.all([server?.process.stop(), jsonServer?.process.stop()]);
  await Promise.all([undiciAgent.close(), h1.close()]);
});

const failureOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    if (error instanceof OperationFailure) return error.failure;
    throw error;
  }
  throw new Error('expected a failure');
};

async function exerciseAllOperations(client: McpClient) {
  const init = await client.initialize();
  expect(init.result.serverInfo.name).toMatch(/mcp-perf|json/);
  expect(init.bytesIn).toBeGreaterThan(0);
  await client.ping();
  const tools = await client.listAllTools();
  expect(tools.result.map((t) => t.name)).toEqual(expect.arrayContaining([
    'fast_compute', 'cpu_intensive', 'memory_allocate', 'async_io', 'session_counter', 'perf_stats', 'error_simulation', 'get_system_time', 'convert_time',
  ]));
  const sum = await client.callTool('fast_compute', { a: 2, b: 40 });
  expect(JSON.parse(sum.result.content[0]!.text!)).toEqual({ result: 42 });
  const time = await client.callTool('get_system_time', { timezone: 'UTC' });
  expect(time.result.content[0]!.text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  const converted = await client.callTool('convert_time', { time: '2026-01-15T12:00:00Z', source_timezone: 'UTC', target_timezone: 'Asia/Tokyo' });
  expect(converted.result.content[0]!.text).toBe('2026-01-15T21:00:00+09:00');
  const resources = await client.listResources();
  expect(resources.result.resources.map((r) => r.uri)).toContain('perf://static/small');
  const small = await client.readResource('perf://static/small');
  expect(small.result.contents[0]!.text).toHaveLength(1024);
  const prompts = await client.listPrompts();
  expect(prompts.result.prompts.map((p) => p.name)).toEqual(expect.arrayContaining(['simple_prompt', 'templated_prompt']));
  const prompt = await client.getPrompt('templated_prompt', { topic: 'latency' });
  expect(JSON.stringify(prompt.result.messages)).toContain('latency');
  expect(await failureOf(client.callTool('error_simulation', { rate: 1, kind: 'tool' }))).toMatchObject({ class: 'jsonrpc', code: 'isError' });
  expect(await failureOf(client.request('no/such/method'))).toMatchObject({ class: 'jsonrpc', code: -32601 });
}

describe.each([['undici Agent', undiciAgent], ['the h1 dispatcher', h1]] as const)('MCP client against the shipped servers over loopback, on %s', (_name, agent) => {
  it('Streamable HTTP with event-stream answers: session, every operation, DELETE', async () => {
    const client = new StreamableHttpClient({ url: `${server.baseUrl}/mcp`, dispatcher: agent });
    await exerciseAllOperations(client);
    expect(client.sessionId).toMatch(/[0-9a-f-]{36}/);
    const counter1 = await client.callTool('session_counter');
    const counter2 = await client.callTool('session_counter');
    expect(Number(JSON.parse(counter2.result.content[0]!.text!).count)).toBe(Number(JSON.parse(counter1.result.content[0]!.text!).count) + 1);
    const id = client.sessionId;
    await client.close();
    const stale = new StreamableHttpClient({ url: `${server.baseUrl}/mcp`, dispatcher: agent });
    stale.sessionId = id;
    expect(await failureOf(stale.ping())).toMatchObject({ class: 'http_status', code: 404 });
  });

  it('Streamable HTTP with JSON answers', async () => {
    const client = new StreamableHttpClient({ url: `${jsonServer.baseUrl}/mcp`, dispatcher: agent });
    await exerciseAllOperations(client);
    await client.close();
  });

  it('stateless JSON-RPC POST (the /rpc shape)', async () => {
    const client = new RpcClient({ url: `${jsonServer.baseUrl}/mcp`, dispatcher: agent, headers: { accept: 'application/json, text/event-stream' } });
    const tools = await client.listTools();
    expect(tools.result.tools.length).toBeGreaterThanOrEqual(9);
    const reply = await client.callTool('fast_compute', { a: 1, b: 1 });
    expect(reply.result.content[0]!.text).toBe('{"result":2}');
  });

  it('classic SSE transport', async () => {
    const client = new SseClient({ url: `${server.baseUrl}/sse`, dispatcher: agent });
    await client.connect();
    expect(client.connected).toBe(true);
    await exerciseAllOperations(client);
    expect(client.eventsReceived).toBeGreaterThan(10);
    await client.close();
    expect(await failureOf(client.ping())).toMatchObject({ class: 'connection_reset' });
  });

  it('classifies HTTP errors, refused connections and malformed bodies', async () => {
    const notFound = new RpcClient({ url: `${server.baseUrl}/nope`, dispatcher: agent });
    expect(await failureOf(notFound.ping())).toMatchObject({ class: 'http_status', code: 404 });
    const health = new RpcClient({ url: `${server.baseUrl}/health`, dispatcher: agent });
    expect(await failureOf(health.ping())).toMatchObject({ class: 'malformed_response', code: 'jsonrpc' });
    const refused = new RpcClient({ url: 'http://127.0.0.1:1/rpc', dispatcher: agent });
    const err = await refused.ping().catch((e: unknown) => e);
    const { classifyError } = await import('../support/engine/errors.ts');
    expect(classifyError(err).class).toBe('connection_refused');
  });
});

describe('MCP client over WebSocket', () => {
  it('every operation, and a closed socket classified', async () => {
    const client = new WsClient({ url: `${server.baseUrl.replace('http', 'ws')}/ws` });
    await client.connect();
    await exerciseAllOperations(client);
    await client.close();
    expect(await failureOf(client.ping())).toMatchObject({ class: 'connection_reset', code: 'ws_closed' });
  });
});

describe('the shipped server over stdio', () => {
  it('answers the SDK client', async () => {
    const { Client } = await import('@modelcontextprotocol/sdk/client/index.js');
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const { SERVERS_DIR } = await import('../support/stack/shipped-servers.ts');
    const transport = new StdioClientTransport({ command: process.execPath, args: [`${SERVERS_DIR}main.ts`, '--stdio', '--profile', 'time'] });
    const client = new Client({ name: 'stdio-test', version: '0' });
    await client.connect(transport);
    try {
      const tools = await client.listTools();
      expect(tools.tools.map((t) => t.name).sort()).toEqual(['convert_time', 'get_system_time']);
      const result = await client.callTool({ name: 'convert_time', arguments: { time: '2026-07-01T00:00:00Z', source_timezone: 'UTC', target_timezone: 'America/New_York' } });
      expect((result.content as { text: string }[])[0]!.text).toBe('2026-06-30T20:00:00-04:00');
    } finally {
      await client.close();
    }
  });
});
