import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { getEventListeners } from 'node:events';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyError } from '../support/engine/errors.ts';
import { H1Dispatcher } from '../support/engine/h1-dispatcher.ts';
import { createDispatcher, httpRequest } from '../support/engine/http.ts';

let server: Server;
let origin: string;
const connections = new Set<Socket>();
let opened = 0;
const received: { method: string; url: string; headers: IncomingMessage['headers']; body: Buffer }[] = [];

function route(req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const url = new URL(req.url ?? '/', 'http://x');
  const ms = Number(url.searchParams.get('ms') ?? 0);
  received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
  switch (url.pathname) {
    case '/ok': return res.end('{"ok":true}');
    case '/sized': return res.setHeader('content-length', '11').end(req.method === 'HEAD' ? undefined : '{"ok":true}');
    case '/echo': return res.setHeader('content-type', 'application/octet-stream').end(body);
    case '/chunked': {
      res.write('a'.repeat(10));
      setTimeout(() => res.end('b'.repeat(70_000)), 5);
      return;
    }
    case '/close': return res.setHeader('connection', 'close').end('bye');
    case '/multi': return res.setHeader('set-cookie', ['a=1', 'b=2']).setHeader('X-Mixed-Case', 'yes').end();
    case '/empty': return res.writeHead(204).end();
    case '/slow': return void setTimeout(() => res.end('slow'), ms);
    case '/status': return res.writeHead(Number(url.searchParams.get('code'))).end('status');
    case '/destroy': return void res.socket?.destroy();
    default: return res.writeHead(404).end();
  }
}

beforeAll(async () => {
  server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => route(req, res, Buffer.concat(chunks)));
  });
  server.keepAliveTimeout = 2_000;
  server.on('connection', (socket: Socket) => {
    opened++;
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** A raw TCP server that answers every request with `answer` (for what a well-behaved server never sends). */
async function rawServer(answer: (socket: Socket) => void): Promise<{ origin: string; close: () => Promise<void> }> {
  const raw = createNetServer((socket) => socket.once('data', () => answer(socket)));
  await new Promise<void>((resolve) => raw.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(raw.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => raw.close(() => resolve())),
  };
}

const failureOf = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => classifyError(e));

describe('H1Dispatcher', () => {
  it('reuses one keep-alive connection for sequential requests', async () => {
    const d = new H1Dispatcher();
    const before = opened;
    for (let i = 0; i < 50; i++) expect((await httpRequest(d, origin, { path: '/ok' })).body).toBe('{"ok":true}');
    expect(opened - before).toBe(1);
    await d.close();
  });

  it('never opens more than its connections: the rest wait their turn and all succeed', async () => {
    const d = new H1Dispatcher({ connections: 3 });
    const before = opened;
    const replies = await Promise.all(Array.from({ length: 30 }, () => httpRequest(d, origin, { path: '/slow?ms=5' })));
    expect(replies.every((r) => r.body === 'slow')).toBe(true);
    expect(opened - before).toBe(3);
    await d.close();
  });

  it('reads chunked, empty, HEAD and multi-valued answers', async () => {
    const d = new H1Dispatcher();
    const chunked = await httpRequest(d, origin, { path: '/chunked' });
    expect(chunked.body).toBe('a'.repeat(10) + 'b'.repeat(70_000));
    expect(chunked.headers['transfer-encoding']).toBe('chunked');
    expect((await httpRequest(d, origin, { path: '/empty' })).status).toBe(204);
    const head = await httpRequest(d, origin, { method: 'HEAD', path: '/sized' });
    expect(head.headers['content-length']).toBe('11');
    expect(head.body).toBe('');
    const multi = await httpRequest(d, origin, { path: '/multi' });
    expect(multi.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(multi.headers['x-mixed-case']).toBe('yes');
    // The connection is still in step after all of them.
    expect((await httpRequest(d, origin, { path: '/ok' })).body).toBe('{"ok":true}');
    await d.close();
  });

  it('sends string and Buffer bodies with their byte length, and the caller\'s headers', async () => {
    const d = new H1Dispatcher();
    const text = '{"name":"zürich ☃"}';
    const echoed = await httpRequest(d, origin, { method: 'POST', path: '/echo', body: text, headers: { 'content-type': 'application/json', authorization: 'Bearer x' } });
    expect(echoed.body).toBe(text);
    const last = received.at(-1)!;
    expect(last.headers['content-length']).toBe(String(Buffer.byteLength(text)));
    expect(last.headers.authorization).toBe('Bearer x');
    expect(last.headers.host).toBe(new URL(origin).host);
    const bytes = Buffer.from([0, 1, 2, 255]);
    const reply = await d.request({ origin, path: '/echo', method: 'PUT', body: bytes });
    expect(Buffer.from(await reply.body.arrayBuffer())).toEqual(bytes);
    await httpRequest(d, origin, { method: 'POST', path: '/ok' });
    expect(received.at(-1)!.headers['content-length']).toBe('0');
    await d.close();
  });

  it('serves undici\'s request() API, with streamed answers', async () => {
    const d = new H1Dispatcher();
    const res = await d.request({ origin, path: '/chunked', method: 'GET' });
    expect(res.statusCode).toBe(200);
    expect((await res.body.text()).length).toBe(70_010);
    await d.close();
  });

  it('opens a new connection after the server says connection: close, or closes an idle one', async () => {
    const d = new H1Dispatcher();
    expect((await httpRequest(d, origin, { path: '/close' })).body).toBe('bye');
    expect((await httpRequest(d, origin, { path: '/ok' })).body).toBe('{"ok":true}');
    const idle = new H1Dispatcher({ keepAliveTimeoutMs: 50 });
    const before = opened;
    await httpRequest(idle, origin, { path: '/ok' });
    await new Promise((r) => setTimeout(r, 120));
    await httpRequest(idle, origin, { path: '/ok' });
    expect(opened - before).toBe(2);
    await Promise.all([d.close(), idle.close()]);
  });

  it('aborts a request in flight or waiting for a connection, and goes on serving others', async () => {
    const d = new H1Dispatcher({ connections: 1 });
    const inFlight = new AbortController();
    const first = httpRequest(d, origin, { path: '/slow?ms=300', signal: inFlight.signal });
    const queued = new AbortController();
    const second = httpRequest(d, origin, { path: '/ok', signal: queued.signal });
    const third = httpRequest(d, origin, { path: '/ok' });
    queued.abort(Object.assign(new Error('gave up waiting'), { name: 'AbortError' }));
    await expect(second).rejects.toThrow('gave up waiting');
    inFlight.abort(Object.assign(new Error('no answer in time'), { name: 'TimeoutError' }));
    expect(await failureOf(first)).toMatchObject({ class: 'timeout' });
    expect((await third).body).toBe('{"ok":true}');
    await d.close();
  });

  it('one signal over many requests: one listener on it, and its abort ends every request still using it', async () => {
    const d = new H1Dispatcher({ connections: 2 });
    const vu = new AbortController();
    for (let i = 0; i < 20; i++) await httpRequest(d, origin, { path: '/ok', signal: vu.signal });
    expect(getEventListeners(vu.signal, 'abort')).toHaveLength(1);
    const pending = [1, 2, 3].map(() => failureOf(httpRequest(d, origin, { path: '/slow?ms=300', signal: vu.signal })));
    vu.abort(Object.assign(new Error('iteration timed out'), { name: 'TimeoutError' }));
    expect(await Promise.all(pending)).toMatchObject([{ class: 'timeout' }, { class: 'timeout' }, { class: 'timeout' }]);
    expect((await httpRequest(d, origin, { path: '/ok' })).body).toBe('{"ok":true}');
    await d.close();
  });

  it('skips the headers of a request that discards them, and still reads the message right', async () => {
    const d = new H1Dispatcher({ connections: 1 });
    const lean = await httpRequest(d, origin, { path: '/multi', discardHeaders: true, discardBody: true });
    expect(lean.headers).toEqual({});
    expect((await httpRequest(d, origin, { path: '/multi' })).headers['set-cookie']).toEqual(['a=1', 'b=2']);
    const closing = await httpRequest(d, origin, { path: '/close', discardHeaders: true });
    expect(closing.body).toBe('bye');
    expect((await httpRequest(d, origin, { path: '/ok', discardHeaders: true })).body).toBe('{"ok":true}');
    await d.close();
  });

  it('classifies refused and reset connections, HTTP statuses and malformed answers', async () => {
    const d = new H1Dispatcher();
    expect(await failureOf(httpRequest(d, 'http://127.0.0.1:1', { path: '/' }))).toMatchObject({ class: 'connection_refused', code: 'ECONNREFUSED' });
    expect(await failureOf(httpRequest(d, origin, { path: '/destroy' }))).toMatchObject({ class: 'connection_reset' });
    expect(await failureOf(httpRequest(d, origin, { path: '/status?code=503' }))).toMatchObject({ class: 'http_status', code: 503 });
    const garbage = await rawServer((socket) => socket.end('NOT HTTP AT ALL\r\n\r\n'));
    expect(await failureOf(httpRequest(d, garbage.origin, { path: '/' }))).toMatchObject({ class: 'malformed_response' });
    const cut = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\nshort'));
    expect(await failureOf(httpRequest(d, cut.origin, { path: '/' }))).toMatchObject({ class: 'connection_reset' });
    const untilClose = await rawServer((socket) => socket.end('HTTP/1.0 200 OK\r\n\r\nthe whole body'));
    expect((await httpRequest(d, untilClose.origin, { path: '/' })).body).toBe('the whole body');
    await Promise.all([garbage.close(), cut.close(), untilClose.close(), d.close()]);
  });

  it('says what it does not do, and createDispatcher hands that to undici', async () => {
    const d = new H1Dispatcher();
    expect(() => d.dispatch({ origin, path: '/', method: 'GET', upgrade: 'websocket' }, {})).toThrow(/use undici/);
    expect(() => d.dispatch({ origin, path: '/', method: 'POST', body: (async function* () { yield 'x'; })() as never }, {})).toThrow(/string or Buffer bodies/);
    await d.close();
    expect(() => d.dispatch({ origin, path: '/', method: 'GET' }, {})).toThrow(/after close/);
    expect(createDispatcher()).toBeInstanceOf(H1Dispatcher);
    const pipelined = createDispatcher({ pipelining: 4 });
    expect(pipelined).not.toBeInstanceOf(H1Dispatcher);
    await pipelined.close();
  });

  it('speaks TLS to an https origin, trusting a private CA only when told to', async () => {
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));
    const cert = fixture('localhost-cert.pem');
    const tlsServer = createHttpsServer({ key: fixture('localhost-key.pem'), cert }, (_req, res) => res.end('{"tls":true}'));
    await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
    const port = (tlsServer.address() as AddressInfo).port;
    const trusting = new H1Dispatcher({ tls: { ca: cert } });
    const strict = new H1Dispatcher();
    try {
      for (const host of ['localhost', '127.0.0.1']) expect((await httpRequest(trusting, `https://${host}:${port}`, { path: '/' })).body).toBe('{"tls":true}');
      const error = await httpRequest(strict, `https://localhost:${port}`, { path: '/' }).catch((e: unknown) => e);
      expect((error as { code?: string }).code).toMatch(/SELF_SIGNED|UNABLE_TO_VERIFY/);
    } finally {
      await Promise.all([trusting.close(), strict.close()]);
      tlsServer.closeAllConnections();
      await new Promise((resolve) => tlsServer.close(resolve));
    }
  });

  it('closes every connection it opened', async () => {
    const before = new Set(connections);
    const d = new H1Dispatcher();
    await Promise.all(Array.from({ length: 8 }, () => httpRequest(d, origin, { path: '/slow?ms=20' })));
    const mine = [...connections].filter((c) => !before.has(c));
    expect(mine).toHaveLength(8);
    await d.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(mine.filter((c) => !c.destroyed)).toHaveLength(0);
  });
});
