import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { HTTPParser } from 'http-parser-js';
import { Dispatcher } from 'undici';
import { addHeader, keepAliveHintOf, parseWholeResponse } from './h1-whole-response.ts';

/**
 * How long an idle connection is kept for reuse, unless the server's Keep-Alive header says less: shorter than
 * the servers' own idle timeouts, or a request sent as the server closes the connection fails with "other side
 * closed", counted against the gateway (docs/engine-and-client.md). The shortest known: gunicorn's keepalive, 2 s
 * by default, which ContextForge's uvicorn workers take as theirs and do not announce (uvicorn alone and Node: 5 s).
 */
export const CLIENT_KEEP_ALIVE_MS = 1_500;

/**
 * A lean HTTP/1.1 keep-alive dispatcher for load generation, behind undici's Dispatcher interface (so
 * httpRequest, RpcClient and dispatcher.request() work on it unchanged). It does what a load generator
 * needs and no more: one request per connection at a time, string or Buffer bodies, a whole small
 * response read in one pass (h1-whole-response.ts) and any other by http-parser-js (the parser
 * autocannon uses), no per-request timers (timeouts belong to the engine). The whole engine on it
 * spends less CPU per request than undici's Pool alone did (README, Benchmarks). Pipelining, streamed
 * bodies, upgrades and CONNECT are left to undici: createDispatcher picks undici for those.
 */
export interface H1DispatcherOptions {
  /** Connections per origin (default 64); requests beyond them wait in a queue. */
  connections?: number;
  /** Idle connections are closed after this (default 4 s, or the server's Keep-Alive timeout less 1 s). */
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
  /** For https origins: a private CA (or NODE_EXTRA_CA_CERTS), or rejectUnauthorized: false for a self-signed gateway. */
  tls?: Pick<ConnectionOptions, 'ca' | 'rejectUnauthorized'>;
}

type Handler = Dispatcher.DispatchHandler;
type Headers = Record<string, string | string[] | undefined>;

const codeError = (message: string, code: string): Error => Object.assign(new Error(message), { code });

/**
 * A handler with this property set to true will not look at the response's headers: a whole small
 * response is then read without building them (onResponseStart gets an empty object and status message).
 */
export const HEADERS_UNUSED: unique symbol = Symbol('h1.headersUnused');

/** A handler that wants to know when its request left the local queue and was written to a connection. */
export interface SentAware {
  onRequestSent?(): void;
}
const withHeadersFor = (handler: Handler): boolean => (handler as { [HEADERS_UNUSED]?: boolean })[HEADERS_UNUSED] !== true;
/** The trailers of every response: the dispatcher reads none. */
const NO_TRAILERS = Object.freeze({});

/** A request, from dispatch to its end; it is also the controller undici's handlers receive. */
class PendingRequest {
  readonly pool: OriginPool;
  readonly handler: Handler;
  readonly wire: string;
  readonly body: Uint8Array | undefined;
  readonly head: boolean;
  readonly withHeaders: boolean;
  connection: Connection | undefined;
  done = false;
  aborted = false;
  paused = false;
  reason: Error | null = null;

  constructor(pool: OriginPool, handler: Handler, wire: string, body: Uint8Array | undefined, head: boolean) {
    this.pool = pool;
    this.handler = handler;
    this.wire = wire;
    this.body = body;
    this.head = head;
    this.withHeaders = withHeadersFor(handler);
  }

  /** The controller's abort: the handler asked (its signal fired). */
  abort(reason?: Error): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason ?? Object.assign(new Error('Request aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
    if (this.done) return;
    this.done = true;
    if (this.connection) {
      // The connection is mid-exchange: it cannot carry another request.
      this.connection.current = undefined;
      this.connection.destroy();
    } else {
      this.pool.unqueue(this);
    }
    this.handler.onResponseError?.(this as never, this.reason);
  }

  pause(): void {
    this.paused = true;
    this.connection?.socket.pause();
  }

  resume(): void {
    this.paused = false;
    this.connection?.socket.resume();
  }

  fail(error: Error): void {
    if (this.done) return;
    this.done = true;
    this.handler.onResponseError?.(this as never, error);
  }
}

class Connection {
  readonly pool: OriginPool;
  readonly socket: Socket;
  current: PendingRequest | undefined;
  lastUsed = 0;
  keepAliveMs: number;
  private closed = false;
  private readonly parser = new HTTPParser(HTTPParser.RESPONSE);
  private keepAlive = true;
  /** http-parser-js is reading the current response (it came in pieces, or is not the simple kind). */
  private viaParser = false;

  constructor(pool: OriginPool) {
    this.pool = pool;
    const { url, options } = pool;
    this.keepAliveMs = options.keepAliveTimeoutMs;
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    this.socket = url.protocol === 'https:'
      ? tlsConnect({ host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host, ALPNProtocols: ['http/1.1'], ...options.tls })
      : netConnect({
          host, port, noDelay: true,
          // Reads go to one buffer per connection instead of through the stream machinery. Its bytes are
          // reused by the next read, so what is handed on is copied (onData's borrowed).
          onread: { buffer: Buffer.allocUnsafe(65_536), callback: (n: number, buffer: Uint8Array) => {
            this.onData(buffer.subarray(0, n) as Buffer, true);
            return true;
          } },
        });
    const connected = url.protocol === 'https:' ? 'secureConnect' : 'connect';
    this.socket.setTimeout(options.connectTimeoutMs, () => {
      this.failWith(codeError(`connect to ${url.host} timed out after ${options.connectTimeoutMs} ms`, 'UND_ERR_CONNECT_TIMEOUT'));
    });
    this.socket.once(connected, () => this.socket.setTimeout(0));
    if (url.protocol === 'https:') this.socket.on('data', (chunk: Buffer) => this.onData(chunk, false));
    this.socket.on('end', () => this.onEnd());
    this.socket.on('error', (error: Error) => this.failWith(error));
    this.socket.on('close', () => this.failWith(codeError('other side closed', 'UND_ERR_SOCKET')));
    this.parser[HTTPParser.kOnHeadersComplete] = (info) => this.onHeaders(info.statusCode, info.statusMessage, info.headers, info.shouldKeepAlive);
    this.parser[HTTPParser.kOnBody] = (chunk, offset, length) => {
      const request = this.current;
      if (request && !request.done) request.handler.onResponseData?.(request as never, offset === 0 && length === chunk.length ? chunk : chunk.subarray(offset, offset + length));
    };
    this.parser[HTTPParser.kOnMessageComplete] = () => this.onComplete();
  }

  send(request: PendingRequest): void {
    this.current = request;
    request.connection = this;
    (request.handler as SentAware).onRequestSent?.();
    if (request.body) {
      this.socket.cork();
      this.socket.write(request.wire);
      this.socket.write(request.body);
      this.socket.uncork();
    } else {
      this.socket.write(request.wire);
    }
  }

  /** Idle for longer than its keep-alive: the server may close it under a request. */
  staleAt(now: number): boolean {
    return now - this.lastUsed > this.keepAliveMs;
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.pool.forget(this);
    this.socket.destroy();
  }

  private onHeaders(status: number, statusMessage: string, raw: string[], shouldKeepAlive: boolean): number | void {
    if (status < 200) return;
    const request = this.current;
    const headers: Headers = {};
    let hint: number | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      addHeader(headers, name, raw[i + 1]!);
      if (name === 'keep-alive') hint = keepAliveHintOf(raw[i + 1]!);
    }
    this.keepAliveFrom(shouldKeepAlive, hint);
    if (request && !request.done) request.handler.onResponseStart?.(request as never, status, headers, statusMessage);
    // A HEAD answer announces a body length it does not send.
    return request?.head ? 1 : undefined;
  }

  private keepAliveFrom(keepAlive: boolean, hintSeconds: number | undefined): void {
    this.keepAlive = keepAlive;
    if (hintSeconds !== undefined) this.keepAliveMs = Math.min(this.pool.options.keepAliveTimeoutMs, Math.max(0, hintSeconds * 1000 - 1000));
  }

  private onComplete(): void {
    this.viaParser = false;
    const request = this.current;
    if (!request) return;
    this.current = undefined;
    request.connection = undefined;
    if (this.keepAlive) this.pool.release(this);
    else this.destroy();
    if (request.done) return;
    request.done = true;
    request.handler.onResponseEnd?.(request as never, NO_TRAILERS);
  }

  /** borrowed: the chunk's bytes are overwritten by the next read, so what is handed on is copied first. */
  private onData(chunk: Buffer, borrowed: boolean): void {
    const request = this.current;
    if (!this.viaParser && request) {
      const whole = parseWholeResponse(chunk, request.head, request.withHeaders);
      if (whole) {
        this.keepAliveFrom(whole.keepAlive, whole.keepAliveHint);
        if (!request.done) request.handler.onResponseStart?.(request as never, whole.status, whole.headers, whole.statusMessage);
        if (whole.bodyLength > 0 && !request.done) {
          const body = chunk.subarray(whole.bodyStart);
          request.handler.onResponseData?.(request as never, borrowed ? Buffer.from(body) : body);
        }
        this.onComplete();
        return;
      }
    }
    this.viaParser = true;
    const result = this.parser.execute(borrowed ? Buffer.from(chunk) : chunk);
    if (result instanceof Error) this.failWith(codeError(`malformed HTTP response from ${this.pool.url.host}: ${result.message}`, 'HPE_INVALID'));
  }

  private onEnd(): void {
    // A body delimited by the connection's end completes here.
    if (this.current) this.parser.finish();
    this.failWith(codeError('other side closed', 'UND_ERR_SOCKET'));
  }

  private failWith(error: Error): void {
    const request = this.current;
    this.current = undefined;
    this.destroy();
    if (request) {
      request.connection = undefined;
      request.fail(error);
    }
  }
}

/**
 * Requests waiting for a connection, first in first out. A served slot is cleared at once, so a queue that
 * stays backed up holds only the requests still waiting; a request that gave up is marked and skipped when
 * its turn comes (removal in O(1)). The array is compacted once its served head outgrows what still waits.
 */
export class RequestQueue<T extends object> {
  private items: (T | undefined)[] = [];
  private head = 0;
  /** What is in the queue and still waiting (a removed item stays in the array until its turn, not here). */
  private readonly waiting = new WeakSet<T>();
  /** Requests still waiting. */
  size = 0;

  push(item: T): void {
    this.items.push(item);
    this.waiting.add(item);
    this.size++;
  }

  /** Takes a waiting request out of turn (it gave up); O(1). Anything not waiting in the queue is left alone. */
  remove(item: T): void {
    if (!this.waiting.delete(item)) return;
    this.size--;
  }

  shift(): T | undefined {
    while (this.head < this.items.length) {
      const item = this.items[this.head]!;
      this.items[this.head++] = undefined;
      if (!this.waiting.delete(item)) continue;
      this.size--;
      this.compact();
      return item;
    }
    this.compact();
    return undefined;
  }

  /** Every waiting request, emptying the queue. */
  drain(): T[] {
    const waiting = this.items.slice(this.head).filter((x): x is T => x !== undefined && this.waiting.delete(x));
    this.items = [];
    this.head = 0;
    this.size = 0;
    return waiting;
  }

  /** Slots the array still holds a request in (served ones are cleared): for tests. */
  retained(): number {
    return this.items.reduce((n, x) => n + (x === undefined ? 0 : 1), 0);
  }

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}

/** The connections to one origin: idle ones reused last-in first-out, requests queued when all are busy. */
class OriginPool {
  private readonly idle: Connection[] = [];
  private readonly all = new Set<Connection>();
  private readonly queue = new RequestQueue<PendingRequest>();
  readonly url: URL;
  readonly options: Required<H1DispatcherOptions>;
  readonly hostHeader: string;

  constructor(url: URL, options: Required<H1DispatcherOptions>) {
    this.url = url;
    this.options = options;
    this.hostHeader = url.host;
  }

  get busy(): number {
    return this.all.size - this.idle.length + this.queue.size;
  }

  enqueue(request: PendingRequest): void {
    const connection = this.takeIdle() ?? (this.all.size < this.options.connections ? this.open() : undefined);
    if (connection) connection.send(request);
    else this.queue.push(request);
  }

  unqueue(request: PendingRequest): void {
    this.queue.remove(request);
  }

  release(connection: Connection): void {
    const next = this.queue.shift();
    if (next) {
      connection.send(next);
      return;
    }
    connection.lastUsed = performance.now();
    this.idle.push(connection);
  }

  forget(connection: Connection): void {
    this.all.delete(connection);
    const at = this.idle.lastIndexOf(connection);
    if (at >= 0) this.idle.splice(at, 1);
    // A request that waited for a connection gets a new one.
    if (this.queue.size > 0 && this.all.size < this.options.connections) this.release(this.open());
  }

  closeIdleOlderThan(now: number): void {
    for (const connection of [...this.idle]) if (connection.staleAt(now)) connection.destroy();
  }

  destroyAll(error: Error): void {
    for (const request of this.queue.drain()) request.fail(error);
    for (const connection of [...this.all]) {
      const request = connection.current;
      connection.current = undefined;
      connection.destroy();
      request?.fail(error);
    }
  }

  private takeIdle(): Connection | undefined {
    const now = performance.now();
    for (let connection = this.idle.pop(); connection; connection = this.idle.pop()) {
      if (!connection.staleAt(now)) return connection;
      connection.destroy();
    }
    return undefined;
  }

  private open(): Connection {
    const connection = new Connection(this);
    this.all.add(connection);
    return connection;
  }
}

interface HeaderLines {
  lines: string;
  host: boolean;
}
const NO_HEADERS: HeaderLines = { lines: '', host: false };
const headerCache = new WeakMap<object, HeaderLines>();

/** Request header lines without content-length (which the dispatcher writes), cached per headers object. */
function headerLines(headers: Dispatcher.DispatchOptions['headers']): HeaderLines {
  if (!headers) return NO_HEADERS;
  const cached = headerCache.get(headers);
  if (cached !== undefined) return cached;
  const pairs: [string, string][] = [];
  if (Array.isArray(headers)) {
    for (let i = 0; i < headers.length; i += 2) pairs.push([String(headers[i]), String(headers[i + 1])]);
  } else if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    for (const [k, v] of headers as Iterable<[string, string]>) pairs.push([k, v]);
  } else {
    for (const [k, v] of Object.entries(headers)) {
      if (v === undefined) continue;
      for (const one of Array.isArray(v) ? v : [v]) pairs.push([k, String(one)]);
    }
  }
  let lines = '';
  for (const [k, v] of pairs) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(v)) throw new TypeError(`invalid header ${k}: a header may not contain CR or LF`);
    if (k.toLowerCase() === 'content-length' || k.toLowerCase() === 'transfer-encoding') continue;
    lines += `${k}: ${v}\r\n`;
  }
  const result = { lines, host: /(^|\n)host:/i.test(lines) };
  headerCache.set(headers, result);
  return result;
}

export class H1Dispatcher extends Dispatcher {
  private readonly pools = new Map<string, OriginPool>();
  private readonly options: Required<H1DispatcherOptions>;
  private readonly sweeper: NodeJS.Timeout;
  private closing: Promise<void> | undefined;

  constructor(options: H1DispatcherOptions = {}) {
    super();
    this.options = {
      connections: options.connections ?? 64,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? CLIENT_KEEP_ALIVE_MS,
      connectTimeoutMs: options.connectTimeoutMs ?? 10_000,
      tls: options.tls ?? {},
    };
    this.sweeper = setInterval(() => {
      const now = performance.now();
      for (const pool of this.pools.values()) pool.closeIdleOlderThan(now);
    }, 1_000).unref();
  }

  override dispatch(opts: Dispatcher.DispatchOptions, handler: Handler): boolean {
    const origin = opts.origin === undefined ? undefined : String(opts.origin);
    if (!origin) throw new TypeError('H1Dispatcher: every request needs an origin');
    if (this.closing) throw codeError('H1Dispatcher: dispatch after close', 'UND_ERR_CLOSED');
    if (opts.upgrade || opts.method === 'CONNECT' || opts.query || opts.expectContinue) {
      throw new TypeError('H1Dispatcher does not do upgrades, CONNECT, query objects or Expect: 100-continue: use undici (PoolOptions.client "undici")');
    }
    const body = opts.body;
    if (body !== undefined && body !== null && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw new TypeError('H1Dispatcher sends string or Buffer bodies only: use undici (PoolOptions.client "undici") for streamed bodies');
    }
    let pool = this.pools.get(origin);
    if (!pool) {
      const url = new URL(origin);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`H1Dispatcher: unsupported origin ${origin}`);
      pool = new OriginPool(url, this.options);
      this.pools.set(origin, pool);
    }
    const method = opts.method;
    const { lines, host } = headerLines(opts.headers);
    let wire = `${method} ${opts.path} HTTP/1.1\r\n${host ? '' : `host: ${pool.hostHeader}\r\n`}${lines}`;
    let bytes: Uint8Array | undefined;
    if (typeof body === 'string') wire += `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    else if (body) {
      wire += `content-length: ${body.byteLength}\r\n\r\n`;
      bytes = body;
    } else wire += method === 'POST' || method === 'PUT' || method === 'PATCH' ? 'content-length: 0\r\n\r\n' : '\r\n';
    const request = new PendingRequest(pool, handler, wire, bytes, method === 'HEAD');
    handler.onRequestStart?.(request as never, {});
    if (!request.done) pool.enqueue(request);
    return true;
  }

  override close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.sweeper);
      const deadline = performance.now() + 10_000;
      while ([...this.pools.values()].some((p) => p.busy > 0) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      for (const pool of this.pools.values()) pool.destroyAll(codeError('the dispatcher was closed', 'UND_ERR_CLOSED'));
    })();
    return this.closing;
  }

  override destroy(): Promise<void> {
    this.closing ??= Promise.resolve();
    clearInterval(this.sweeper);
    for (const pool of this.pools.values()) pool.destroyAll(codeError('the dispatcher was destroyed', 'UND_ERR_DESTROYED'));
    return Promise.resolve();
  }
}
