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

function dispatcherOptions(options: PoolOptions) {
  return {
    connections: options.connections ?? 64,
    pipelining: options.pipelining ?? 1,
    keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
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

export interface HttpResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as text; empty when the request asked to discard it. */
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
  /** Count the body's bytes without keeping it (the connection is still read to the end). */
  discardBody?: boolean;
}

/**
 * One request on undici's dispatch API: no stream objects, the body always read to the end so the
 * connection goes back to the pool, and an abort signal honoured at any point.
 */
export function httpRequest(dispatcher: Dispatcher, origin: string, req: HttpRequest): Promise<HttpResponse> {
  const method = req.method ?? (req.body === undefined ? 'GET' : 'POST');
  return new Promise<HttpResponse>((resolve, reject) => {
    const signal = req.signal;
    if (signal?.aborted) return reject(signal.reason);
    let status = 0;
    let headers: HttpResponse['headers'] = {};
    const chunks: Buffer[] = [];
    let bytesIn = 0;
    let abortRequest: ((reason: unknown) => void) | undefined;
    const onAbort = () => abortRequest?.(signal!.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => signal?.removeEventListener('abort', onAbort);
    dispatcher.dispatch({ origin, path: req.path, method, headers: req.headers, body: req.body }, {
      onRequestStart(controller) {
        abortRequest = (reason) => controller.abort(reason instanceof Error ? reason : new Error(String(reason)));
        if (signal?.aborted) onAbort();
      },
      onResponseStart(_controller, statusCode, responseHeaders) {
        status = statusCode;
        headers = responseHeaders as HttpResponse['headers'];
      },
      onResponseData(_controller, chunk) {
        bytesIn += chunk.length;
        if (!req.discardBody) chunks.push(chunk);
      },
      onResponseEnd() {
        done();
        const body = req.discardBody ? '' : chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
        const ok = req.expect ? req.expect.includes(status) : status >= 200 && status < 300;
        if (!ok) {
          reject(new OperationFailure({ class: 'http_status', code: status, message: `${method} ${req.path} -> ${status}: ${body.slice(0, 200)}` }));
          return;
        }
        resolve({ status, headers, body, bytesIn, bytesOut: req.body ? Buffer.byteLength(req.body) : 0 });
      },
      onResponseError(_controller, error) {
        done();
        reject(signal?.aborted ? signal.reason : error);
      },
    });
  });
}
