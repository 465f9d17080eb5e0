import type { Dispatcher } from 'undici';
import { httpRequest } from '../engine/http.ts';
import { bodyOf, McpClient, type CallOptions, type Exchange } from './client.ts';
import { parseResponse } from './jsonrpc.ts';

export interface RpcClientOptions {
  /** Full URL of the JSON-RPC endpoint, e.g. http://127.0.0.1:4444/rpc */
  url: string;
  dispatcher: Dispatcher;
  headers?: Record<string, string>;
}

/** Stateless JSON-RPC over one POST per call (ContextForge's /rpc). No initialize needed. */
export class RpcClient extends McpClient {
  private readonly origin: string;
  private readonly path: string;
  private readonly headers: Record<string, string>;
  private readonly dispatcher: Dispatcher;

  constructor(options: RpcClientOptions) {
    super();
    const url = new URL(options.url);
    this.origin = url.origin;
    this.path = url.pathname + url.search;
    this.dispatcher = options.dispatcher;
    this.headers = { 'content-type': 'application/json', accept: 'application/json', ...options.headers };
  }

  protected async exchange(method: string, params: Record<string, unknown> | undefined, id: number, opts: CallOptions): Promise<Exchange> {
    const res = await httpRequest(this.dispatcher, this.origin, { method: 'POST', path: this.path, headers: this.headers, body: bodyOf(method, params, id), signal: opts.signal });
    return { response: parseResponse(res.body, id), bytesIn: res.bytesIn, bytesOut: res.bytesOut };
  }

  protected async notify(method: string, params: Record<string, unknown> | undefined, opts: CallOptions): Promise<void> {
    await httpRequest(this.dispatcher, this.origin, { method: 'POST', path: this.path, headers: this.headers, body: bodyOf(method, params), signal: opts.signal, expect: [200, 202, 204] });
  }

  async close(): Promise<void> {}
}
