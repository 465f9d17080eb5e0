import type { Dispatcher } from 'undici';
import { OperationFailure } from '../engine/errors.ts';
import { bodyOf, McpClient, type CallOptions, type Exchange } from './client.ts';
import { isResponse, SseParser } from './jsonrpc.ts';
import { PendingResponses } from './pending.ts';

export interface SseClientOptions {
  /** URL of the SSE stream, e.g. http://127.0.0.1:4444/servers/<id>/sse */
  url: string;
  /** Each open stream holds a connection: use a dispatcher with enough (an Agent with connections: null). */
  dispatcher: Dispatcher;
  headers?: Record<string, string>;
  /** How long to wait for the endpoint event (default 10 s). */
  connectTimeoutMs?: number;
}

/** The classic SSE transport: GET a stream, learn the message URL from its endpoint event, POST to it, read answers from the stream. */
export class SseClient extends McpClient {
  private readonly options: SseClientOptions;
  private readonly pending = new PendingResponses();
  private readonly stream = new AbortController();
  private messageUrl: URL | undefined;
  /** Events received on the stream (responses and notifications). */
  eventsReceived = 0;
  private closed = false;
  /** The stream ended or broke after it was connected (a drop, unless close() was called). */
  private ended = false;

  constructor(options: SseClientOptions) {
    super();
    this.options = options;
  }

  /**
   * Opens the stream and waits for the endpoint event, all within connectTimeoutMs: a server that never
   * answers the GET, or answers without an endpoint event, fails as a timeout and the stream is closed.
   */
  async connect(opts: CallOptions = {}): Promise<void> {
    const url = new URL(this.options.url);
    const ms = this.options.connectTimeoutMs ?? 10_000;
    const timer = setTimeout(() => this.stream.abort(new OperationFailure({ class: 'timeout', code: 'sse_connect', message: `no endpoint event on the SSE stream within ${ms} ms` })), ms);
    const onCallerAbort = () => this.stream.abort(opts.signal?.reason);
    if (opts.signal?.aborted) onCallerAbort();
    opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      const res = await this.options.dispatcher.request({
        origin: url.origin, path: url.pathname + url.search, method: 'GET',
        headers: { accept: 'text/event-stream', ...this.options.headers }, signal: this.stream.signal,
      });
      if (res.statusCode !== 200) {
        const text = await res.body.text();
        throw new OperationFailure({ class: 'http_status', code: res.statusCode, message: `GET ${url.pathname} -> ${res.statusCode}: ${text.slice(0, 200)}` });
      }
      let onEndpoint: () => void = () => undefined;
      let onFail: (e: unknown) => void = () => undefined;
      const endpoint = new Promise<void>((resolve, reject) => {
        onEndpoint = resolve;
        onFail = reject;
      });
      const onStreamAbort = () => onFail(this.stream.signal.reason);
      this.stream.signal.addEventListener('abort', onStreamAbort, { once: true });
      const parser = new SseParser();
      res.body.setEncoding('utf8');
      void (async () => {
        try {
          for await (const chunk of res.body as AsyncIterable<string>) {
            for (const event of parser.push(chunk)) {
              if (event.event === 'endpoint') {
                this.messageUrl = new URL(event.data, url);
                onEndpoint();
                continue;
              }
              if (event.event !== 'message') continue;
              this.eventsReceived++;
              let msg: unknown;
              try {
                msg = JSON.parse(event.data);
              } catch {
                this.malformedFrame(event.data);
                continue;
              }
              if (!isResponse(msg)) this.notification(msg);
              else if (!this.pending.deliver(msg, Buffer.byteLength(event.data))) this.unmatchedResponse(msg, event.data);
            }
          }
          this.ended = true;
          this.pending.failAll('the SSE stream ended');
        } catch (error) {
          this.ended = true;
          this.pending.failAll(this.closed ? 'client closed' : `the SSE stream broke: ${(error as Error).message}`);
        }
        onFail(new OperationFailure({ class: 'connection_reset', code: 'sse_closed', message: 'the SSE stream ended before the endpoint event' }));
      })();
      try {
        await endpoint;
      } finally {
        this.stream.signal.removeEventListener('abort', onStreamAbort);
      }
    } finally {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onCallerAbort);
    }
  }

  get connected(): boolean {
    return this.messageUrl !== undefined && !this.closed && !this.ended;
  }

  protected exchange(method: string, params: Record<string, unknown> | undefined, id: number, opts: CallOptions): Promise<Exchange> {
    const target = this.requireEndpoint();
    const body = bodyOf(method, params, id);
    return this.pending.roundTrip(id, body, () => this.post(target, body, opts), opts.signal);
  }

  protected async notify(method: string, params: Record<string, unknown> | undefined, opts: CallOptions): Promise<void> {
    await this.post(this.requireEndpoint(), bodyOf(method, params), opts);
  }

  private requireEndpoint(): URL {
    if (!this.connected || !this.messageUrl) throw new OperationFailure({ class: 'connection_reset', code: 'sse_not_connected', message: 'SSE client is not connected (call connect first)' });
    return this.messageUrl;
  }

  private async post(target: URL, body: string, opts: CallOptions): Promise<void> {
    const res = await this.options.dispatcher.request({
      origin: target.origin, path: target.pathname + target.search, method: 'POST',
      headers: { 'content-type': 'application/json', ...this.options.headers }, body, signal: opts.signal,
    });
    const text = await res.body.text();
    if (res.statusCode < 200 || res.statusCode >= 300) {
      throw new OperationFailure({ class: 'http_status', code: res.statusCode, message: `POST ${target.pathname} -> ${res.statusCode}: ${text.slice(0, 200)}` });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.stream.abort();
  }
}
