import { OperationFailure, type Failure } from '../engine/errors.ts';
import { HEADER_MISMATCH, UNSUPPORTED_PROTOCOL_VERSION } from './protocol.ts';

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

/**
 * The failure a JSON-RPC error stands for: a refused revision or mismatched routing headers are the protocol's own
 * kind (a gateway that does not speak what the run speaks is a finding, not a tool error); any other, jsonrpc.
 */
export function failureOf(error: NonNullable<JsonRpcResponse['error']>): Failure {
  if (error.code === UNSUPPORTED_PROTOCOL_VERSION) {
    const data = error.data as { supported?: unknown; requested?: unknown } | undefined;
    const supported = Array.isArray(data?.supported) ? `; it speaks ${data.supported.join(', ')}` : '';
    return { class: 'protocol', code: 'version_refused', message: `protocol version refused (${error.code}: ${error.message})${data?.requested ? `: asked ${String(data.requested)}` : ''}${supported}` };
  }
  if (error.code === HEADER_MISMATCH) return { class: 'protocol', code: 'header_mismatch', message: `routing headers refused (${error.code}): ${error.message}` };
  return { class: 'jsonrpc', code: error.code, message: `JSON-RPC error ${error.code}: ${error.message}` };
}

/**
 * The result of a response, or a failure carrying the error code. A result under id null is not an answer to any
 * request (JSON-RPC gives null only to errors about a request it could not read): it is malformed, not a success.
 */
export function unwrap<T>(response: JsonRpcResponse): T {
  if (response.error) throw new OperationFailure(failureOf(response.error));
  if (!('result' in response)) throw new OperationFailure({ class: 'malformed_response', code: 'no_result', message: 'response has neither result nor error' });
  if (response.id === null) throw new OperationFailure({ class: 'malformed_response', code: 'null_id', message: `a result under id null answers no request: ${JSON.stringify(response.result).slice(0, 160)}` });
  return response.result as T;
}

/** The JSON-RPC error in an HTTP error's body, when it carries one. */
export function errorInBody(text: string): JsonRpcResponse['error'] | undefined {
  try {
    const parsed = JSON.parse(text) as unknown;
    const error = isResponse(parsed) ? parsed.error : undefined;
    return error && typeof error.code === 'number' ? error : undefined;
  } catch {
    return undefined;
  }
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
