import { Agent, Pool, type Dispatcher } from 'undici';
import { classifyError, OperationFailure } from './errors.ts';
import type { IterationDone, Outcome } from './operation.ts';
import { CLIENT_KEEP_ALIVE_MS, H1Dispatcher, HEADERS_UNUSED, type SentAware } from './h1-dispatcher.ts';

export interface PoolOptions {
  /** Connections per origin (default 64). */
  connections?: number;
  /** Requests in flight per connection (default 1: no pipelining). */
  pipelining?: number;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
  /**
   * h1 (default): the engine's lean HTTP/1.1 dispatcher (H1Dispatcher), cheaper per request; undici: undici's
   * Agent, for what h1 does not do (pipelining, streamed request bodies). Pipelining > 1 always uses undici.
   */
  client?: 'h1' | 'undici';
}

function dispatcherOptions(options: PoolOptions) {
  return {
    connections: options.connections ?? 64,
    pipelining: options.pipelining ?? 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? CLIENT_KEEP_ALIVE_MS,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    // Timeouts belong to the engine (per iteration), not to the connection.
    headersTimeout: 0,
    bodyTimeout: 0,
  };
}

/** A keep-alive connection pool to one origin. Close it when the run is over. */
export function createPool(origin: string, options: PoolOptions = {}): Pool {
  return new Pool(origin, dispatcherOptions(options));
}

/** Keep-alive pools for any origin. Close it when the run is over. */
export function createAgent(options: PoolOptions = {}): Agent {
  return new Agent(dispatcherOptions(options));
}

/** The dispatcher the engine's operations send through: see PoolOptions.client. Close it when the run is over. */
export function createDispatcher(options: PoolOptions = {}): Dispatcher {
  if (options.client === 'undici' || (options.pipelining ?? 1) > 1) return createAgent(options);
  return new H1Dispatcher({ connections: options.connections ?? 64, keepAliveTimeoutMs: options.keepAliveTimeoutMs, connectTimeoutMs: options.connectTimeoutMs });
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text; empty when the request asked to discard it. */
  body: string;
  bytesIn: number;
  bytesOut: number;
  /** When the request was written to its connection (performance.now()), where the dispatcher tells (h1). */
  sentAt?: number;
}

export interface HttpRequest {
  method?: Dispatcher.HttpMethod;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Throw an http_status failure unless the status is one of these (default: any 2xx). */
  expect?: number[];
  /** Count the body's bytes without keeping it (the connection is still read to the end). */
  discardBody?: boolean;
  /** The caller does not look at the response's headers: HttpResponse.headers may come back empty. */
  discardHeaders?: boolean;
}

/**
 * One abort listener per signal, however many requests it covers: a VU's signal lives for many
 * iterations, and adding and removing an EventTarget listener per request cost more than the rest of
 * a request's handling.
 */
class AbortWatch {
  readonly active = new Set<ResponseCollector>();
  private readonly signal: AbortSignal;

  constructor(signal: AbortSignal) {
    this.signal = signal;
    signal.addEventListener('abort', this, { once: true });
  }

  handleEvent(): void {
    const error = errorOf(this.signal.reason);
    for (const collector of [...this.active]) collector.abort(error);
  }
}
const watches = new WeakMap<AbortSignal, AbortWatch>();

/** A signal's abort reason as the Error a dispatcher controller takes. */
const errorOf = (reason: unknown): Error => (reason instanceof Error ? reason : new Error(String(reason)));

function watchOf(signal: AbortSignal): AbortWatch {
  let watch = watches.get(signal);
  if (!watch) {
    watch = new AbortWatch(signal);
    watches.set(signal, watch);
  }
  return watch;
}

/**
 * The handler of one request: one object with its methods on the prototype, so a request allocates no
 * closures (this runs once per request, and the engine's CPU per request is what its benchmark measures).
 * Subclasses deliver the answer: as a promise's HttpResponse, or as an engine outcome.
 */
abstract class ResponseCollector implements Dispatcher.DispatchHandler, SentAware {
  status = 0;
  /** When the h1 dispatcher wrote the request (0: not known, e.g. on undici). */
  sentAt = 0;
  headers: HttpResponse['headers'] = {};
  bytesIn = 0;
  private chunks: Buffer[] | undefined;
  private controller: Dispatcher.DispatchController | undefined;
  private readonly watch: AbortWatch | undefined;
  protected readonly req: HttpRequest;
  private readonly method: string;

  constructor(req: HttpRequest, method: string) {
    this.req = req;
    this.method = method;
    if (req.signal) {
      this.watch = watchOf(req.signal);
      this.watch.active.add(this);
    }
  }

  get [HEADERS_UNUSED](): boolean {
    return this.req.discardHeaders === true;
  }

  abort(error: Error): void {
    this.controller?.abort(error);
  }

  onRequestSent(): void {
    this.sentAt = performance.now();
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    const signal = this.req.signal;
    if (signal?.aborted) this.abort(errorOf(signal.reason));
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.status = statusCode;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.bytesIn += chunk.length;
    if (!this.req.discardBody) (this.chunks ??= []).push(chunk);
  }

  onResponseEnd(): void {
    const req = this.req;
    this.watch?.active.delete(this);
    const chunks = this.chunks;
    const body = !chunks ? '' : chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
    const status = this.status;
    const ok = req.expect ? req.expect.includes(status) : status >= 200 && status < 300;
    if (!ok) {
      this.reject(new OperationFailure({ class: 'http_status', code: status, message: `${this.method} ${req.path} -> ${status}: ${body.slice(0, 200)}` }));
      return;
    }
    this.succeed(status, body);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    const signal = this.req.signal;
    this.watch?.active.delete(this);
    this.reject(signal?.aborted ? signal.reason : error);
  }

  /** What the request sent as its body, in bytes. */
  protected get bytesOut(): number {
    return this.req.body ? Buffer.byteLength(this.req.body) : 0;
  }

  protected abstract succeed(status: number, body: string): void;
  protected abstract reject(error: unknown): void;
}

class PromisedResponse extends ResponseCollector {
  private readonly resolve: (res: HttpResponse) => void;
  protected readonly reject: (error: unknown) => void;

  constructor(req: HttpRequest, method: string, resolve: (res: HttpResponse) => void, reject: (error: unknown) => void) {
    super(req, method);
    this.resolve = resolve;
    this.reject = reject;
  }

  protected succeed(status: number, body: string): void {
    this.resolve({ status, headers: this.headers, body, bytesIn: this.bytesIn, bytesOut: this.bytesOut, sentAt: this.sentAt || undefined });
  }
}

class OutcomeResponse extends ResponseCollector {
  private readonly done: IterationDone;

  constructor(req: HttpRequest, method: string, done: IterationDone) {
    super(req, method);
    this.done = done;
  }

  protected succeed(): void {
    const outcome: Outcome = { ok: true, bytesIn: this.bytesIn, bytesOut: this.bytesOut, sentAt: this.sentAt || undefined };
    this.done(outcome);
  }

  protected reject(error: unknown): void {
    if (this.sentAt) this.done({ ok: false, failure: classifyError(error), bytesOut: this.bytesOut, sentAt: this.sentAt });
    else this.done(undefined, error);
  }
}

const methodOf = (req: HttpRequest): Dispatcher.HttpMethod => req.method ?? (req.body === undefined ? 'GET' : 'POST');

function dispatchTo(dispatcher: Dispatcher, origin: string, req: HttpRequest, method: Dispatcher.HttpMethod, collector: ResponseCollector): void {
  dispatcher.dispatch({ origin, path: req.path, method, headers: req.headers, body: req.body }, collector);
}

/**
 * One request on undici's dispatch API: no stream objects, the body always read to the end so the
 * connection goes back to the pool, and an abort signal honoured at any point.
 */
export function httpRequest(dispatcher: Dispatcher, origin: string, req: HttpRequest): Promise<HttpResponse> {
  const method = methodOf(req);
  return new Promise<HttpResponse>((resolve, reject) => {
    if (req.signal?.aborted) return reject(req.signal.reason);
    dispatchTo(dispatcher, origin, req, method, new PromisedResponse(req, method, resolve, reject));
  });
}

/**
 * httpRequest in the engine's callback form (OperationStart): the answer is reported to `done` as an
 * outcome with its byte counts, a failure as an error; no promise per request.
 */
export function httpIteration(dispatcher: Dispatcher, origin: string, req: HttpRequest, done: IterationDone): void {
  const method = methodOf(req);
  if (req.signal?.aborted) return done(undefined, req.signal.reason);
  try {
    dispatchTo(dispatcher, origin, req, method, new OutcomeResponse(req, method, done));
  } catch (error) {
    done(undefined, error);
  }
}
