import { OperationFailure } from '../engine/errors.ts';

export interface JsonRpcRequest {
  jsonrpc: '2.0';
  id?: number | string;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcResponse {
  jsonrpc: '2.0';
  id: number | string | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export const MCP_PROTOCOL_VERSION = '2025-06-18';

export function isResponse(msg: unknown): msg is JsonRpcResponse {
  return typeof msg === 'object' && msg !== null && 'id' in msg && ('result' in msg || 'error' in msg);
}

/** Parses a JSON-RPC response body; anything that is not one is a malformed_response failure. */
export function parseResponse(text: string, id?: number | string): JsonRpcResponse {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new OperationFailure({ class: 'malformed_response', code: 'json', message: `not JSON: ${text.slice(0, 200)}` });
  }
  if (Array.isArray(parsed)) parsed = parsed.find((m) => isResponse(m) && (id === undefined || m.id === id));
  if (!isResponse(parsed)) throw new OperationFailure({ class: 'malformed_response', code: 'jsonrpc', message: `not a JSON-RPC response: ${text.slice(0, 200)}` });
  return parsed;
}

/** The result of a response, or a jsonrpc failure carrying the error code. */
export function unwrap<T>(response: JsonRpcResponse): T {
  if (response.error) {
    throw new OperationFailure({ class: 'jsonrpc', code: response.error.code, message: `JSON-RPC error ${response.error.code}: ${response.error.message}` });
  }
  if (!('result' in response)) throw new OperationFailure({ class: 'malformed_response', code: 'no_result', message: 'response has neither result nor error' });
  return response.result as T;
}

export interface SseEvent {
  event: string;
  data: string;
  id?: string;
}

/** Incremental text/event-stream parser: feed chunks, get complete events. */
export class SseParser {
  private buffer = '';

  push(chunk: string): SseEvent[] {
    this.buffer += chunk;
    const events: SseEvent[] = [];
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const block = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const event: SseEvent = { event: 'message', data: '' };
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'data') data.push(value);
        else if (field === 'id') event.id = value;
      }
      if (data.length === 0 && event.event === 'message') continue;
      event.data = data.join('\n');
      events.push(event);
    }
    return events;
  }
}
