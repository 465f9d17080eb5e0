import type { Dispatcher } from 'undici';
import { OperationFailure } from '../engine/errors.ts';
import { bodyOf, McpClient, type CallOptions, type Exchange } from './client.ts';
import { errorInBody, failureOf, isResponse, parseResponse, SseParser, type JsonRpcResponse } from './jsonrpc.ts';
import { DEFAULT_REVISION, isStateless, routingHeaders, withEnvelope, type McpRevision } from './protocol.ts';

export interface StreamableHttpClientOptions {
  /** Full URL of the MCP endpoint, e.g. http://127.0.0.1:4444/servers/<id>/mcp */
  url: string;
  dispatcher: Dispatcher;
  headers?: Record<string, string>;
  /** The revision to speak (default 2025-06-18); on 2026-07-28 every request carries its envelope and routing headers. */
  protocol?: McpRevision;
}

/** A DELETE's answer that says the session is already gone: 404, or 400 naming the session (the TypeScript SDK's servers). */
export function sessionGoneAnswer(status: number, text: string): boolean {
  return status === 404 || (status === 400 && /session/i.test(text));
}

/**
 * MCP Streamable HTTP: POST per message, JSON or text/event-stream answers. On 2025-era revisions, Mcp-Session-Id
 * kept from initialize (when the server hands one out) and ended with DELETE on close; on 2026-07-28, no session:
 * each request carries its protocol version and capabilities in `_meta`, and Mcp-Method / Mcp-Name headers.
 */
export class StreamableHttpClient extends McpClient {
  private readonly origin: string;
  private readonly path: string;
  private readonly dispatcher: Dispatcher;
  private readonly baseHeaders: Record<string, string>;
  sessionId: string | undefined;
  private protocolVersion: string | undefined;
  override readonly revision: McpRevision;

  constructor(options: StreamableHttpClientOptions) {
    super();
    const url = new URL(options.url);
    this.origin = url.origin;
    this.path = url.pathname + url.search;
    this.dispatcher = options.dispatcher;
    this.baseHeaders = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...options.headers };
    this.revision = options.protocol ?? DEFAULT_REVISION;
  }

  get stateless(): boolean {
    return isStateless(this.revision);
  }

  private headers(extra?: Record<string, string>): Record<string, string> {
    const h = { ...this.baseHeaders, ...extra };
    if (this.sessionId) h['mcp-session-id'] = this.sessionId;
    if (this.protocolVersion) h['mcp-protocol-version'] = this.protocolVersion;
    return h;
  }

  private async post(body: string, opts: CallOptions, extra?: Record<string, string>): Promise<Dispatcher.ResponseData> {
    return this.dispatcher.request({ origin: this.origin, path: this.path, method: 'POST', headers: this.headers(extra), body, signal: opts.signal });
  }

  protected async exchange(method: string, params: Record<string, unknown> | undefined, id: number, opts: CallOptions): Promise<Exchange> {
    const sent = this.stateless ? withEnvelope(this.revision, params) : params;
    const body = bodyOf(method, sent, id);
    const res = await this.post(body, opts, this.stateless ? routingHeaders(this.revision, method, params) : undefined);
    const bytesOut = Buffer.byteLength(body);
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = await res.body.text();
      const error = errorInBody(text);
      const failure = error ? failureOf(error) : undefined;
      // A refused revision comes as HTTP 400 with -32022 (2026-07-28): the protocol's own kind, not just a status.
      if (failure?.class === 'protocol') throw new OperationFailure({ ...failure, message: `POST ${this.path} ${method} (MCP ${this.revision}) -> ${res.statusCode}: ${failure.message}` });
      // A 2025-era server refuses an MCP-Protocol-Version it does not speak with a plain 400 (2025-06-18, Transports).
      if (res.statusCode === 400 && /protocol[- ]version/i.test(error?.message ?? text)) {
        throw new OperationFailure({ class: 'protocol', code: 'version_refused', message: `POST ${this.path} ${method} (MCP ${this.revision}) -> 400: protocol version refused, the 2025 way (no -32022): ${text.slice(0, 200)}` });
      }
      throw new OperationFailure({ class: 'http_status', code: res.statusCode, message: `POST ${this.path} ${method} -> ${res.statusCode}: ${text.slice(0, 200)}` });
    }
    const session = res.headers['mcp-session-id'];
    if (method === 'initialize' && typeof session === 'string') this.sessionId = session;
    const type = String(res.headers['content-type'] ?? '');
    let response: JsonRpcResponse | undefined;
    let foreign: string | undefined;
    let bytesIn = 0;
    if (type.includes('text/event-stream')) {
      const parser = new SseParser();
      res.body.setEncoding('utf8');
      for await (const chunk of res.body as AsyncIterable<string>) {
        bytesIn += Buffer.byteLength(chunk);
        if (response) continue;
        for (const event of parser.push(chunk)) {
          if (event.event !== 'message' || !event.data) continue;
          let msg: unknown;
          try {
            msg = JSON.parse(event.data);
          } catch {
            throw new OperationFailure({ class: 'malformed_response', code: 'sse_json', message: `event data is not JSON: ${event.data.slice(0, 200)}` });
          }
          if (!isResponse(msg)) this.notification(msg);
          else if (msg.id === id) response = msg;
          // This POST's stream carries only this request's answer: one to another id was routed to the wrong caller.
          else foreign ??= event.data;
        }
      }
      if (foreign !== undefined) throw new OperationFailure({ class: 'isolation', code: 'foreign_answer', message: `the event stream for ${method} id ${id} carried an answer to another request: ${foreign.slice(0, 160)}` });
      if (!response) throw new OperationFailure({ class: 'malformed_response', code: 'sse_no_response', message: `event stream for ${method} ended without a response to id ${id}` });
    } else {
      const text = await res.body.text();
      bytesIn = Buffer.byteLength(text);
      response = parseResponse(text, id);
    }
    if (method === 'initialize' && response.result && typeof response.result === 'object') {
      this.protocolVersion = (response.result as { protocolVersion?: string }).protocolVersion ?? this.revision;
    }
    return { response, bytesIn, bytesOut };
  }

  protected async notify(method: string, params: Record<string, unknown> | undefined, opts: CallOptions): Promise<void> {
    const res = await this.post(bodyOf(method, params), opts);
    const text = await res.body.text();
    if (res.statusCode !== 202 && res.statusCode !== 200 && res.statusCode !== 204) {
      throw new OperationFailure({ class: 'http_status', code: res.statusCode, message: `notification ${method} -> ${res.statusCode}: ${text.slice(0, 200)}` });
    }
  }

  /**
   * Ends the session with DELETE. Servers without sessions, that refuse DELETE (405), or that no longer know
   * the session (404; 400 naming the session, from the TypeScript SDK's servers) are fine; any other 400 is not.
   */
  async close(opts: CallOptions = {}): Promise<void> {
    if (!this.sessionId) return;
    const res = await this.dispatcher.request({ origin: this.origin, path: this.path, method: 'DELETE', headers: this.headers(), signal: opts.signal });
    const text = await res.body.text();
    this.sessionId = undefined;
    if (res.statusCode >= 400 && res.statusCode !== 405 && !sessionGoneAnswer(res.statusCode, text)) {
      throw new OperationFailure({ class: 'http_status', code: res.statusCode, message: `DELETE session -> ${res.statusCode}: ${text.slice(0, 200)}` });
    }
  }
}
