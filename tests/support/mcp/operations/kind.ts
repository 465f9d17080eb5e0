import type { Dispatcher } from 'undici';
import type { LoadOperation, Outcome } from '../../engine/operation.ts';

/** How an operation's requests go out: connections per origin, pipelining, and the HTTP client (see PoolOptions.client). */
export interface TransportSpec {
  connections?: number;
  pipelining?: number;
  client?: 'h1' | 'undici';
}

/** What creating an operation is given: the thread's keep-alive agent, how to close it, and how to build another kind (a mix's items). */
export interface CreateContext<Any> {
  agent: Dispatcher;
  close: () => Promise<void>;
  build: (spec: Any, agent: Dispatcher) => LoadOperation;
}

/** What a k6 script's operation is given: the headers as a JS expression (secrets as __ENV lookups) and its metrics tag. */
export interface K6Context {
  headers: string;
  tag: string;
}

/**
 * One kind of load operation, all it takes in one module: its spec (data, so a worker thread can rebuild it), a
 * check with a clear error, the engine operation, and the same operation in a k6 script.
 */
export interface OperationKind<S extends { kind: string }, Any> {
  kind: S['kind'];
  /** Throws, saying what is wrong and what to write, on a spec that cannot run. */
  validate(spec: S): void;
  create(spec: S, ctx: CreateContext<Any>): LoadOperation;
  /**
   * A JS function expression `(vu) => boolean` for the k6 export, using its runtime (send, okStatus, pagedList,
   * rpcCall, streamableCall); none for a kind the export expands itself (mix).
   */
  k6?(spec: S, ctx: K6Context): string;
  /** What preflight names when the target does not answer. */
  describe(spec: S): string;
}

export const ok = (reply: { bytesIn: number; bytesOut: number; sentAt?: number }): Outcome => ({ ok: true, bytesIn: reply.bytesIn, bytesOut: reply.bytesOut, sentAt: reply.sentAt });

/** The URL of a spec, parsed, or an error naming the kind and what it was given. */
export function urlOf(spec: { kind: string; url: string }): URL {
  try {
    return new URL(spec.url);
  } catch {
    throw new Error(`a ${spec.kind} operation needs an absolute URL (e.g. http://127.0.0.1:4444/rpc), got "${spec.url}"`);
  }
}

export const q = (s: string) => JSON.stringify(s);
