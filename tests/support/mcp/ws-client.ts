import WebSocket from 'ws';
import { OperationFailure } from '../engine/errors.ts';
import { bodyOf, McpClient, type CallOptions, type Exchange } from './client.ts';
import { isResponse } from './jsonrpc.ts';
import { PendingResponses } from './pending.ts';

export interface WsClientOptions {
  /** ws:// URL, e.g. ws://127.0.0.1:4444/ws */
  url: string;
  headers?: Record<string, string>;
  connectTimeoutMs?: number;
}

/** JSON-RPC over a WebSocket, one message per text frame, answers matched by id. */
export class WsClient extends McpClient {
  private readonly options: WsClientOptions;
  private readonly pending = new PendingResponses();
  private socket: WebSocket | undefined;
  messagesReceived = 0;
  closeCode: number | undefined;

  constructor(options: WsClientOptions) {
    super();
    this.options = options;
  }

  async connect(): Promise<void> {
    const socket = new WebSocket(this.options.url, { headers: this.options.headers, handshakeTimeout: this.options.connectTimeoutMs ?? 10_000 });
    this.socket = socket;
    socket.on('message', (data) => {
      this.messagesReceived++;
      const text = String(data);
      let msg: unknown;
      try {
        msg = JSON.parse(text);
      } catch {
        this.malformedFrame(text);
        return;
      }
      if (!isResponse(msg)) this.notification(msg);
      else if (!this.pending.deliver(msg, Buffer.byteLength(text))) this.unmatchedResponse(msg, text);
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.pending.failAll(`WebSocket closed with code ${code}`);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
      socket.once('unexpected-response', (_req, res) => reject(new OperationFailure({ class: 'http_status', code: res.statusCode ?? 0, message: `WebSocket upgrade refused: ${res.statusCode}` })));
    });
    socket.on('error', () => undefined);
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  private send(text: string): void {
    if (!this.connected) throw new OperationFailure({ class: 'connection_reset', code: 'ws_closed', message: `WebSocket is not open (close code ${this.closeCode ?? 'none'})` });
    this.socket!.send(text);
  }

  protected exchange(method: string, params: Record<string, unknown> | undefined, id: number, opts: CallOptions): Promise<Exchange> {
    const body = bodyOf(method, params, id);
    return this.pending.roundTrip(id, body, () => this.send(body), opts.signal);
  }

  protected async notify(method: string, params: Record<string, unknown> | undefined): Promise<void> {
    this.send(bodyOf(method, params));
  }

  async close(): Promise<void> {
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2000);
      socket.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.close();
    });
  }
}
