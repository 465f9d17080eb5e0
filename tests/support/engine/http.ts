import { Agent, Pool, type Dispatcher } from 'undici';
import { OperationFailure } from './errors.ts';

export interface PoolOptions {
  /** Connections per origin (default 64). */
  connections?: number;
  /** Requests in flight per connection (default 1: no pipelining). */
  pipelining?: number;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
}

/** A keep-alive connection pool to one origin. Close it when the run is over. */
export function createPool(origin: string, options: PoolOptions = {}): Pool {
  return new Pool(origin, {
    connections: options.connections ?? 64,
    pipelining: options.pipelining ?? 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

export function createAgent(options: PoolOptions = {}): Agent {
  return new Agent({
    connections: options.connections ?? 64,
    pipelining: options.pipelining ?? 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
    connect: { timeout: options.connectTimeoutMs ?? 10_000 },
    headersTimeout: 0,
    bodyTimeout: 0,
  });
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  bytesIn: number;
  bytesOut: number;
}

export interface HttpRequest {
  method?: Dispatcher.HttpMethod;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
  /** Throw an http_status failure unless the status is one of these (default: any 2xx). */
  expect?: number[];
}

/** One request whose body is always read to the end, so the connection goes back to the pool. */
export async function httpRequest(dispatcher: Dispatcher, origin: string, req: HttpRequest): Promise<HttpResponse> {
  const res = await dispatcher.request({
    origin, path: req.path, method: req.method ?? (req.body === undefined ? 'GET' : 'POST'),
    headers: req.headers, body: req.body, signal: req.signal,
  });
  const body = await res.body.text();
  const ok = req.expect ? req.expect.includes(res.statusCode) : res.statusCode >= 200 && res.statusCode < 300;
  if (!ok) {
    throw new OperationFailure({ class: 'http_status', code: res.statusCode, message: `${req.method ?? 'GET'} ${req.path} -> ${res.statusCode}: ${body.slice(0, 200)}` });
  }
  return { status: res.statusCode, headers: res.headers, body, bytesIn: Buffer.byteLength(body), bytesOut: req.body ? Buffer.byteLength(req.body) : 0 };
}
