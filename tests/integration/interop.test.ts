// Interoperability with MCP servers nobody here wrote: from npm, @modelcontextprotocol/server-everything
// (the SDK's reference server) over Streamable HTTP and SSE, and supergateway bridging its stdio server to
// WebSocket; from PyPI, a server on the Python SDK on every MCP revision. Every client operation, pagination, bad calls classified, a short engine load with the
// isolation check on, sessions ended as counted by the server itself, and a restart in the middle of a run.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { OperationFailure } from '../support/engine/errors.ts';
import { runScenario } from '../support/engine/runner.ts';
import { callMcp, createOperation, withoutClose, type McpCall } from '../support/mcp/operations.ts';
import { SseClient } from '../support/mcp/sse-client.ts';
import { StreamPool } from '../support/mcp/stream-pool.ts';
import { StreamableHttpClient } from '../support/mcp/streamable-http-client.ts';
import { errorInBody, failureOf } from '../support/mcp/jsonrpc.ts';
import { isStateless, MCP_REVISIONS } from '../support/mcp/protocol.ts';
import { freePort, startProcess, type ManagedProcess } from '../support/stack/process.ts';

const EVERYTHING = fileURLToPath(new URL('../../node_modules/@modelcontextprotocol/server-everything/dist/index.js', import.meta.url));
const SUPERGATEWAY = fileURLToPath(new URL('../../node_modules/supergateway/dist/index.js', import.meta.url));
const agent = new Agent();
const running: ManagedProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});
// Processes kept for the whole file (the Python servers), stopped when it ends.
const kept: ManagedProcess[] = [];
afterAll(async () => {
  await Promise.all(kept.splice(0).map((p) => p.stop()));
  await agent.close();
});

/** The echo tool with the isolation check: every call's message is a fresh number the answer must echo. */
const echo: McpCall = { method: 'tools/call', name: 'echo', arguments: {}, nonce: { argument: 'message', type: 'string' } };

interface Everything {
  url: string;
  port: number;
  log: string[];
}

/** Waits until `done` holds, at most 5 s, then 100 ms more for a line that would be one too many. */
async function logSettled(done: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5_000; !done() && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 100));
}

async function everything(transport: 'streamableHttp' | 'sse', port?: number): Promise<Everything> {
  const p = port ?? await freePort();
  const log: string[] = [];
  const path = transport === 'sse' ? '/sse' : '/mcp';
  running.push(await startProcess({
    name: `server-everything ${transport}`, command: process.execPath, args: [EVERYTHING, transport], env: { PORT: String(p) },
    onLine: (line) => void (/Session initialized|session termination/.test(line) && log.push(line)),
  }));
  // It answers nothing without a session, so readiness is the port accepting an initialize.
  const deadline = Date.now() + 15_000;
  for (;;) {
    const probe = new StreamableHttpClient({ url: `http://127.0.0.1:${p}/mcp`, dispatcher: agent });
    const ok = transport === 'sse'
      ? await fetch(`http://127.0.0.1:${p}/sse`, { signal: AbortSignal.timeout(1000) }).then((r) => (void r.body?.cancel(), true), () => false)
      : await probe.initialize({ signal: AbortSignal.timeout(1000) }).then(() => probe.close().then(() => true), () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`server-everything ${transport} did not answer on port ${p} within 15 s`);
    await new Promise((r) => setTimeout(r, 200));
  }
  log.length = 0;
  return { url: `http://127.0.0.1:${p}${path}`, port: p, log };
}

describe('interop: server-everything over Streamable HTTP', () => {
  it('every operation works, lists are followed to their end, a bad call is classified', async () => {
    const server = await everything('streamableHttp');
    const client = new StreamableHttpClient({ url: server.url, dispatcher: agent });
    const init = await client.initialize();
    expect(init.result.serverInfo.name).toMatch(/everything/);
    await client.ping();
    const tools = (await client.listAllTools()).result.map((t) => t.name);
    expect(tools).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    await callMcp(client, echo, AbortSignal.timeout(5000));
    const resources = (await client.listAllResources()).result;
    expect(resources.length).toBeGreaterThan(0);
    expect((await client.readResource(resources[0]!.uri)).result.contents.length).toBeGreaterThan(0);
    const prompts = (await client.listAllPrompts()).result;
    const plain = prompts.find((p) => !(p.arguments ?? []).some((a) => a.required));
    expect(plain, `a prompt without required arguments among ${prompts.map((p) => p.name).join(', ')}`).toBeDefined();
    expect((await client.getPrompt(plain!.name)).result.messages.length).toBeGreaterThan(0);
    const bad = await client.callTool('no-such-tool').then(() => undefined, (e: unknown) => e);
    expect(bad).toBeInstanceOf(OperationFailure);
    expect((bad as OperationFailure).failure.class).toBe('jsonrpc');
    await client.close();
    await logSettled(() => server.log.some((l) => /session termination/.test(l)));
    expect(server.log.filter((l) => /session termination/.test(l))).toHaveLength(1);
  });

  it('carries a progress token: the long-running tool streams its progress, counted on the reply, under load too', async () => {
    const server = await everything('streamableHttp');
    const client = new StreamableHttpClient({ url: server.url, dispatcher: agent });
    await client.initialize();
    const reply = await client.callTool('trigger-long-running-operation', { duration: 0.2, steps: 4 }, { progress: true });
    expect(reply.progress).toBe(4);
    expect((await client.callTool('trigger-long-running-operation', { duration: 0.1, steps: 2 })).progress).toBeUndefined();
    await client.close();
    const call: McpCall = { method: 'tools/call', name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 4 }, progress: true };
    const result = await runScenario({ name: 'progress', executor: 'constant-arrival-rate', rate: 20, duration: '1s', preAllocatedVUs: 10, maxVUs: 20 }, createOperation({ kind: 'streamable', url: server.url, session: 'per-vu', call }));
    expect(result.counts.ok, JSON.stringify(result.errors)).toBe(20);
    expect(result.latency.p50).toBeGreaterThan(200);
  });

  it('a short load with the isolation check: no error; churned sessions all ended, as the server counts them', async () => {
    const server = await everything('streamableHttp');
    const reused = await runScenario({ name: 'reuse', executor: 'constant-arrival-rate', rate: 20, duration: '2s', preAllocatedVUs: 5, maxVUs: 20 }, createOperation({ kind: 'streamable', url: server.url, session: 'per-vu', call: echo }));
    expect(reused.counts.ok, JSON.stringify(reused.errors)).toBe(40);
    // The server's log reaches this process through a pipe, after the answers: wait for the lines of a phase
    // (bounded) before counting or clearing them.
    const count = (re: RegExp) => server.log.filter((l) => re.test(l)).length;
    await logSettled(() => count(/session termination/) >= count(/Session initialized/));
    server.log.length = 0;
    const churn = await runScenario({ name: 'churn', executor: 'shared-iterations', vus: 3, iterations: 15 }, createOperation({ kind: 'streamable', url: server.url, session: 'per-iteration', call: echo }));
    expect(churn.counts.ok, JSON.stringify(churn.errors)).toBe(15);
    await logSettled(() => count(/session termination/) >= 15);
    expect(count(/Session initialized/)).toBe(15);
    expect(count(/session termination/)).toBe(15);
  });

  it('initializes again after the server restarted mid-run (it answers 400 "No valid session ID" for a session it lost)', async () => {
    const server = await everything('streamableHttp');
    const op = createOperation({ kind: 'streamable', url: server.url, session: 'per-vu', call: echo });
    const scenario = { name: 'restart', executor: 'shared-iterations' as const, vus: 2, iterations: 10 };
    expect((await runScenario(scenario, withoutClose(op))).counts.ok).toBe(10);
    await running.pop()!.stop();
    await everything('streamableHttp', server.port);
    const after = await runScenario(scenario, op);
    expect(after.counts.ok, JSON.stringify(after.errors)).toBeGreaterThanOrEqual(6);
    expect(after.errors['http_status:400'] ?? 0).toBeGreaterThan(0);
  });
});

describe('interop: server-everything over SSE, and supergateway (stdio to WebSocket)', () => {
  it('SSE streams under load: every call answered, no answer that belonged to another session', async () => {
    const server = await everything('sse');
    const pool = await StreamPool.open({ kind: 'sse', url: server.url, count: 3 });
    try {
      const result = await runScenario({ name: 'sse', executor: 'shared-iterations', vus: 3, iterations: 30 }, pool.operation(echo));
      expect(result.counts.ok, JSON.stringify(result.errors)).toBe(30);
      expect(pool.status()).toMatchObject({ opened: 3, dropped: 0 });
    } finally {
      await pool.close();
    }
    const single = new SseClient({ url: server.url, dispatcher: agent });
    await single.connect();
    await single.initialize();
    expect((await single.listAllTools()).result.length).toBeGreaterThan(0);
    await single.close();
  });

  it('WebSockets through supergateway: every call answered by the stdio server, each to its own caller', async () => {
    const port = await freePort();
    running.push(await startProcess({
      name: 'supergateway', command: process.execPath,
      args: [SUPERGATEWAY, '--stdio', `${process.execPath} ${EVERYTHING} stdio`, '--outputTransport', 'ws', '--port', String(port)],
    }));
    const deadline = Date.now() + 15_000;
    let pool: StreamPool | undefined;
    while (!pool) {
      const attempt = await StreamPool.open({ kind: 'ws', url: `ws://127.0.0.1:${port}/message`, count: 2 });
      if (attempt.status().opened === 2) pool = attempt;
      else {
        await attempt.close();
        if (Date.now() > deadline) throw new Error(`supergateway did not take 2 WebSockets on port ${port}: ${JSON.stringify(attempt.status().openFailures)}`);
        await new Promise((r) => setTimeout(r, 300));
      }
    }
    try {
      const result = await runScenario({ name: 'ws', executor: 'shared-iterations', vus: 2, iterations: 20 }, pool.operation(echo));
      expect(result.counts.ok, JSON.stringify(result.errors)).toBe(20);
    } finally {
      await pool.close();
    }
  });

  it('supergateway stdio to SSE sends every answer to every session: the suite reports it as isolation:foreign_answer', async () => {
    const port = await freePort();
    running.push(await startProcess({
      name: 'supergateway sse', command: process.execPath,
      args: [SUPERGATEWAY, '--stdio', `${process.execPath} ${EVERYTHING} stdio`, '--port', String(port)],
    }));
    const deadline = Date.now() + 15_000;
    while (!(await fetch(`http://127.0.0.1:${port}/sse`, { signal: AbortSignal.timeout(1000) }).then((r) => (void r.body?.cancel(), r.ok), () => false))) {
      if (Date.now() > deadline) throw new Error(`supergateway did not answer on port ${port} within 15 s`);
      await new Promise((r) => setTimeout(r, 200));
    }
    // One stdio server behind three sessions: initialized once, by the first.
    const pool = await StreamPool.open({ kind: 'sse', url: `http://127.0.0.1:${port}/sse`, count: 3, initialize: false });
    try {
      const result = await runScenario({ name: 'broadcast', executor: 'shared-iterations', vus: 3, iterations: 30 }, pool.operation(echo));
      expect(result.errors['isolation:foreign_answer'] ?? 0, JSON.stringify(result.errors)).toBeGreaterThanOrEqual(20);
    } finally {
      await pool.close();
    }
  });
});

// A server on the Python SDK (mcp 2.3.0: 2025-era sessions and 2026-07-28), stateful and stateless, on every revision
// the client speaks: the revision's own wire (a session or none), and a short load with the isolation check on.
const PYTHON = fileURLToPath(new URL('../../.tools/python-mcp/bin/python', import.meta.url));
const PYTHON_SERVER = fileURLToPath(new URL('../../fixtures/python-server/server.py', import.meta.url));
const noPython = existsSync(PYTHON) ? '' : ' (skipped: no Python MCP SDK at .tools/python-mcp: npm run setup -- --with-python)';

// One server per mode for the whole file (each start costs seconds of Python imports); every test speaks to it afresh.
const pythonServers = new Map<boolean, Promise<string>>();
function pythonServer(stateless: boolean): Promise<string> {
  let url = pythonServers.get(stateless);
  if (!url) pythonServers.set(stateless, (url = startPythonServer(stateless)));
  return url;
}

async function startPythonServer(stateless: boolean): Promise<string> {
  const port = await freePort();
  kept.push(await startProcess({
    name: `python mcp server${stateless ? ' (stateless)' : ''}`, command: PYTHON, args: [PYTHON_SERVER, '--port', String(port), ...(stateless ? ['--stateless'] : [])],
    readyUrl: `http://127.0.0.1:${port}/health`, readyTimeoutMs: 30_000,
  }));
  return `http://127.0.0.1:${port}/mcp`;
}

describe.skipIf(noPython !== '')(`interop: the Python SDK's server (mcp 2.3.0) on every revision${noPython}`, () => {
  const cases = [false, true].flatMap((stateless) => MCP_REVISIONS.map((revision) => ({ stateless, revision })));
  it.each(cases)('stateless $stateless, MCP $revision: its wire, and a short load with the isolation check', async ({ stateless, revision }) => {
    const url = await pythonServer(stateless);
    const client = new StreamableHttpClient({ url, dispatcher: agent, protocol: revision });
    if (isStateless(revision)) expect((await client.discover()).result.supportedVersions).toContain(revision);
    else expect((await client.initialize()).result.protocolVersion).toBe(revision);
    // A session on the 2025 era of the stateful server only; never on 2026-07-28.
    expect(client.sessionId !== undefined).toBe(!stateless && !isStateless(revision));
    expect((await client.listAllTools()).result.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'add']));
    await client.close();
    const result = await runScenario(
      { name: `python ${revision}`, executor: 'shared-iterations', vus: 4, iterations: 40 },
      createOperation({ kind: 'streamable', url, session: 'per-vu', protocol: revision, call: echo }),
    );
    expect(result.errors).toEqual({});
    expect(result.counts.ok).toBe(40);
  }, 60_000);

  it('a 2026-07-28 request with routing headers that disagree with its body is refused as protocol:header_mismatch', async () => {
    const url = await pythonServer(true);
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { message: 'x' }, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28', 'io.modelcontextprotocol/clientCapabilities': {} } } });
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/call', 'mcp-name': 'add' } });
    expect(res.status).toBe(400);
    const error = errorInBody(await res.text());
    expect(error && failureOf(error)).toMatchObject({ class: 'protocol', code: 'header_mismatch' });
  }, 60_000);
});
