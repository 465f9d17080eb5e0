/** Why an iteration failed. Counted by class and by `key` (class plus code), never thrown out of a run. */
export type ErrorClass =
  | 'connection_refused'
  | 'connection_reset'
  | 'timeout'
  | 'http_status'
  | 'jsonrpc'
  | 'malformed_response'
  | 'check_failed'
  /** An answer that belonged to another caller (another session's id, a nonce that is not this call's). */
  | 'isolation'
  /** The server refused the protocol itself: a revision it does not speak (-32022), routing headers that disagree with the body (-32020). */
  | 'protocol'
  | 'interrupted'
  /** This machine, not the target, could not make the call: no local port or file descriptor left (EADDRNOTAVAIL, EMFILE). */
  | 'load_generator'
  | 'other';

export interface Failure {
  class: ErrorClass;
  code?: string | number;
  message?: string;
}

export const ERROR_CLASSES: readonly ErrorClass[] = [
  'connection_refused', 'connection_reset', 'timeout', 'http_status', 'jsonrpc', 'malformed_response', 'check_failed', 'isolation', 'protocol', 'interrupted', 'load_generator', 'other',
];

export function failureKey(failure: Failure): string {
  return failure.code === undefined ? failure.class : `${failure.class}:${failure.code}`;
}

export function classOfKey(key: string): ErrorClass {
  const cls = key.split(':', 1)[0] as ErrorClass;
  return ERROR_CLASSES.includes(cls) ? cls : 'other';
}

/** An error an operation can throw to report a classified failure. */
export class OperationFailure extends Error {
  readonly failure: Failure;
  constructor(failure: Failure) {
    super(failure.message ?? failureKey(failure));
    this.name = 'OperationFailure';
    this.failure = failure;
  }
}

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const RESET = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'ERR_STREAM_PREMATURE_CLOSE', 'ECONNABORTED']);
const LOAD_GENERATOR = new Set(['EADDRNOTAVAIL', 'EMFILE', 'ENFILE']);
const TIMEOUT = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ESOCKETTIMEDOUT']);

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  const cause = (error as { cause?: unknown }).cause;
  return cause && cause !== error ? errorCode(cause) : undefined;
}

/** Maps anything an operation threw (undici, ws, JSON.parse, OperationFailure) onto the taxonomy. */
export function classifyError(error: unknown): Failure {
  if (error instanceof OperationFailure) return error.failure;
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error ? error.name : '';
  const code = errorCode(error);
  if (code && REFUSED.has(code)) return { class: 'connection_refused', code, message };
  if (code && TIMEOUT.has(code)) return { class: 'timeout', code, message };
  if (name === 'TimeoutError') return { class: 'timeout', message };
  if (code && RESET.has(code)) return { class: 'connection_reset', code, message };
  if (code && LOAD_GENERATOR.has(code)) return { class: 'load_generator', code, message };
  if (name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED') return { class: 'interrupted', message };
  if (error instanceof SyntaxError) return { class: 'malformed_response', message };
  // llhttp (undici) and http-parser-js (the h1 dispatcher) name their parse errors HPE_*.
  if (code?.startsWith('HPE_')) return { class: 'malformed_response', code, message };
  if (/other side closed|socket hang up|reset/i.test(message)) return { class: 'connection_reset', message };
  return { class: 'other', ...(code ? { code } : name && name !== 'Error' ? { code: name } : {}), message };
}

/** An error's message with its causes' ("fetch failed: other side closed (UND_ERR_SOCKET)"): undici hides the reason in `cause`. */
export function describeError(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    const message = e instanceof Error ? e.message : String(e);
    const code = typeof e === 'object' ? (e as { code?: unknown }).code : undefined;
    parts.push(typeof code === 'string' && !message.includes(code) ? `${message} (${code})` : message);
    const cause = typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined;
    e = cause === e ? undefined : cause;
  }
  return parts.join(': ');
}
