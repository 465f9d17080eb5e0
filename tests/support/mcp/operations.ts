import { randomInt, randomUUID } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { classifyError, OperationFailure } from '../engine/errors.ts';
import { createDispatcher, httpIteration, httpRequest, type HttpRequest } from '../engine/http.ts';
import type { LoadOperation, Outcome } from '../engine/operation.ts';
import type { McpClient, McpReply } from './client.ts';
import { RpcClient } from './rpc-client.ts';
import { StreamableHttpClient } from './streamable-http-client.ts';

/** One MCP call, as data (so a worker thread can rebuild it). */
export type McpCall =
  | { method: 'ping' }
  | { method: 'tools/list'; all?: boolean }
  | {
      method: 'tools/call';
      name: string;
      arguments?: Record<string, unknown>;
      /**
       * The isolation check: `argument` gets a new random integer on every call (as a number, or as a string
       * for tools that take text), and the answer must echo it in its text, or the call fails as
       * isolation:nonce, an answer that belonged to another caller. For tools that echo an argument:
       * fast_compute with { b: 0 } and nonce { argument: 'a' }; server-everything's echo with { argument: 'message', type: 'string' }.
       */
      nonce?: { argument: string; type?: 'number' | 'string' };
      /** Ask for progress notifications (_meta.progressToken), so a tool that reports progress streams it. */
      progress?: boolean;
    }
  | { method: 'resources/list'; all?: boolean }
  | { method: 'resources/read'; uri: string }
  | { method: 'prompts/list'; all?: boolean }
  | { method: 'prompts/get'; name: string; arguments?: Record<string, string> };

/** How an operation's requests go out: connections per origin, pipelining, and the HTTP client (see PoolOptions.client). */
export interface TransportSpec {
  connections?: number;
  pipelining?: number;
  client?: 'h1' | 'undici';
}

/** A load operation, as data. */
export type OperationSpec = TransportSpec & (
  | { kind: 'http-get'; url: string; headers?: Record<string, string>; expect?: number[] }
  | {
      kind: 'http';
      url: string;
      method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
      headers?: Record<string, string>;
      /** Request body; every "{{uuid}}" in it becomes a new random UUID on each iteration (unique names for write paths). */
      body?: string;
      expect?: number[];
    }
  | {
      /** A REST list read page by page: GET url, then url + cursor=<nextCursor> until the answer has none. */
      kind: 'http-paged';
      url: string;
      headers?: Record<string, string>;
      /** Field of the answer that holds the next cursor (default nextCursor). */
      cursorField?: string;
      /** Query parameter that takes it (default cursor). */
      cursorParam?: string;
      /** Fail when the list is still paging after this many pages (default 100). */
      maxPages?: number;
    }
  | {
      kind: 'mix';
      /**
       * Weighted operations, like user classes: each iteration runs one of them, chosen by smooth weighted
       * round-robin (so the shares hold exactly in every second, not just on average), recorded under its name.
       */
      items: MixItem[];
    }
  | { kind: 'rpc'; url: string; headers?: Record<string, string>; call: McpCall }
  | {
      kind: 'streamable';
      url: string;
      headers?: Record<string, string>;
      call: McpCall;
      /** per-vu: initialize once per VU and reuse the session; per-iteration: initialize, call, DELETE every time. */
      session: 'per-vu' | 'per-iteration';
    }
);

/** Any operation but a mix: what a mix is made of. */
export type SingleOperationSpec = Exclude<OperationSpec, { kind: 'mix' }>;

export interface MixItem {
  name: string;
  weight: number;
  op: SingleOperationSpec;
}

export function callMcp(client: McpClient, call: McpCall, signal: AbortSignal): Promise<McpReply<unknown>> {
  const opts = { signal, progress: call.method === 'tools/call' ? call.progress : undefined };
  switch (call.method) {
    case 'ping': return client.ping(opts);
    case 'tools/list': return call.all ? client.listAllTools(opts) : client.listTools(undefined, opts);
    case 'tools/call': return call.nonce ? callWithNonce(client, call, call.nonce, opts) : client.callTool(call.name, call.arguments ?? {}, opts);
    case 'resources/list': return call.all ? client.listAllResources(opts) : client.listResources(undefined, opts);
    case 'resources/read': return client.readResource(call.uri, opts);
    case 'prompts/list': return call.all ? client.listAllPrompts(opts) : client.listPrompts(undefined, opts);
    case 'prompts/get': return client.getPrompt(call.name, call.arguments ?? {}, opts);
  }
}

async function callWithNonce(client: McpClient, call: Extract<McpCall, { method: 'tools/call' }>, nonceOf: { argument: string; type?: 'number' | 'string' }, opts: { signal: AbortSignal }): Promise<McpReply<unknown>> {
  const nonce = randomInt(1, 2 ** 47);
  const argument = nonceOf.argument;
  const reply = await client.callTool(call.name, { ...call.arguments, [argument]: nonceOf.type === 'string' ? String(nonce) : nonce }, opts);
  const text = reply.result.content.map((c) => c.text ?? '').join(' ');
  if (!text.includes(String(nonce))) {
    throw new OperationFailure({ class: 'isolation', code: 'nonce', message: `tools/call ${call.name} sent ${argument}=${nonce}; the answer does not echo it: ${text.slice(0, 160)}` });
  }
  return reply;
}

const ok = (reply: { bytesIn: number; bytesOut: number; sentAt?: number }): Outcome => ({ ok: true, bytesIn: reply.bytesIn, bytesOut: reply.bytesOut, sentAt: reply.sentAt });

/**
 * An answer that says the session is gone: 404 as the specification has it, or 400 naming the session, as
 * the TypeScript SDK's example servers (server-everything among them) answer an unknown session id.
 */
function sessionLost(error: unknown): boolean {
  if (!(error instanceof OperationFailure) || error.failure.class !== 'http_status') return false;
  return error.failure.code === 404 || (error.failure.code === 400 && /session/i.test(error.failure.message ?? ''));
}

/** A session whose iteration failed is still ended; the iteration's failure is what is reported (with the DELETE's, if that failed too). */
async function closeAfterFailure(client: StreamableHttpClient, error: unknown): Promise<never> {
  try {
    await client.close({ signal: AbortSignal.timeout(5000) });
  } catch (closeError) {
    const failure = classifyError(error);
    throw new OperationFailure({ ...failure, message: `${failure.message ?? ''}; ending its session failed too: ${failureText(closeError)}` });
  }
  throw error;
}

const failureText = (error: unknown) => {
  const f = classifyError(error);
  return `${f.class}${f.code === undefined ? '' : `:${f.code}`} ${f.message ?? ''}`.trim();
};

/** initialize, the call, DELETE: a new session for one call, ended whether the call succeeded or not. */
async function oneSessionCall(client: StreamableHttpClient, call: McpCall, signal: AbortSignal): Promise<Outcome> {
  let init: McpReply<unknown>;
  let reply: McpReply<unknown>;
  try {
    init = await client.initialize({ signal });
    reply = await callMcp(client, call, signal);
  } catch (error) {
    return closeAfterFailure(client, error);
  }
  await client.close({ signal });
  return { ok: true, bytesIn: init.bytesIn + reply.bytesIn, bytesOut: init.bytesOut + reply.bytesOut };
}

/** Builds the engine operation for a spec; one keep-alive agent is shared by all VUs of the thread. */
export function createOperation(spec: OperationSpec, dispatcher?: Dispatcher): LoadOperation {
  const agent = dispatcher ?? createDispatcher({ connections: spec.connections ?? 256, pipelining: spec.pipelining ?? 1, client: spec.client });
  const close = async () => {
    if (!dispatcher) await agent.close();
  };
  switch (spec.kind) {
    case 'http-get': {
      const url = new URL(spec.url);
      const { origin } = url;
      const path = url.pathname + url.search;
      const request = (signal: AbortSignal): HttpRequest => ({ path, headers: spec.headers, signal, expect: spec.expect, discardBody: true, discardHeaders: true });
      return {
        iterate: ({ signal }) => httpRequest(agent, origin, request(signal)).then(ok),
        // The callback form (the engine's hot path): no promise per request.
        start: ({ signal }, done) => httpIteration(agent, origin, request(signal), done),
        close,
      };
    }
    case 'http': {
      const url = new URL(spec.url);
      const { origin } = url;
      const path = url.pathname + url.search;
      const templated = spec.body?.includes('{{uuid}}') ?? false;
      const headers = spec.body === undefined ? spec.headers : { 'content-type': 'application/json', ...spec.headers };
      const request = (signal: AbortSignal): HttpRequest => ({
        method: spec.method, path, headers, signal, expect: spec.expect, discardBody: true, discardHeaders: true,
        body: templated ? spec.body!.replaceAll('{{uuid}}', randomUUID()) : spec.body,
      });
      return {
        iterate: ({ signal }) => httpRequest(agent, origin, request(signal)).then(ok),
        start: ({ signal }, done) => httpIteration(agent, origin, request(signal), done),
        close,
      };
    }
    case 'http-paged': {
      const url = new URL(spec.url);
      const field = spec.cursorField ?? 'nextCursor';
      const param = spec.cursorParam ?? 'cursor';
      const maxPages = spec.maxPages ?? 100;
      return {
        iterate: async ({ signal }) => {
          let bytesIn = 0;
          let cursor: string | undefined;
          for (let page = 0; page < maxPages; page++) {
            const pageUrl = new URL(url);
            if (cursor) pageUrl.searchParams.set(param, cursor);
            const res = await httpRequest(agent, url.origin, { path: pageUrl.pathname + pageUrl.search, headers: spec.headers, signal });
            bytesIn += res.bytesIn;
            let next: unknown;
            try {
              next = (JSON.parse(res.body) as Record<string, unknown>)[field];
            } catch (error) {
              throw new OperationFailure({ class: 'malformed_response', code: 'json', message: `GET ${pageUrl.pathname}: ${(error as Error).message}` });
            }
            if (typeof next !== 'string' || next === '') return { ok: true, bytesIn };
            cursor = next;
          }
          throw new OperationFailure({ class: 'malformed_response', code: 'cursor_loop', message: `${url.pathname} still paging after ${maxPages} pages` });
        },
        close,
      };
    }
    case 'mix': {
      const ops = spec.items.map((item) => ({ item, op: createOperation(item.op, agent) }));
      const next = weightedRoundRobin(spec.items.map((i) => i.weight), spec.items.map((i) => i.name));
      return {
        iterate: async (ctx) => {
          const chosen = ops[next()]!;
          const name = chosen.item.name;
          ctx.name = name;
          try {
            const outcome = await chosen.op.iterate(ctx);
            return outcome ? { ...outcome, name } : { ok: true, name };
          } catch (error) {
            return { ok: false, failure: classifyError(error), name };
          }
        },
        close: async () => {
          await Promise.allSettled(ops.map((o) => o.op.close?.()));
          await close();
        },
      };
    }
    case 'rpc': {
      const client = new RpcClient({ url: spec.url, dispatcher: agent, headers: spec.headers });
      return { iterate: async ({ signal }) => ok(await callMcp(client, spec.call, signal)), close };
    }
    case 'streamable': {
      const sessions = new Map<number, StreamableHttpClient>();
      const newClient = () => new StreamableHttpClient({ url: spec.url, dispatcher: agent, headers: spec.headers });
      return {
        iterate: async ({ vu, signal }) => {
          if (spec.session === 'per-iteration') return oneSessionCall(newClient(), spec.call, signal);
          // One session per VU id for the operation's life: a warm-up run on the same operation leaves the
          // measured run's VUs with their sessions open, so initialize is not counted in the first calls.
          let client = sessions.get(vu.id);
          if (!client) {
            client = newClient();
            try {
              await client.initialize({ signal });
            } catch (error) {
              await closeAfterFailure(client, error);
            }
            sessions.set(vu.id, client);
          }
          try {
            return ok(await callMcp(client, spec.call, signal));
          } catch (error) {
            // The server no longer knows the session (a restart): the client must start a new one (MCP
            // 2025-06-18, Session Management), so the VU's next iteration initializes again.
            if (client.sessionId && sessionLost(error)) {
              sessions.delete(vu.id);
              client.sessionId = undefined;
            }
            throw error;
          }
        },
        close: async () => {
          await Promise.allSettled([...sessions.values()].map((c) => c.close({ signal: AbortSignal.timeout(5000) })));
          await close();
        },
      };
    }
  }
}

/**
 * Smooth weighted round-robin (nginx's): returns the index of the next item. Over any window of
 * sum(weights) picks each item comes up exactly weight times, evenly spread.
 */
export function weightedRoundRobin(weights: number[], names: string[] = []): () => number {
  if (weights.length === 0) throw new Error('a mix needs at least one item');
  weights.forEach((w, i) => {
    if (!Number.isFinite(w) || w <= 0) throw new Error(`mix item "${names[i] ?? i}": weight must be a positive number, got ${w}`);
  });
  const total = weights.reduce((a, b) => a + b, 0);
  const current = weights.map(() => 0);
  return () => {
    let best = 0;
    for (let i = 0; i < weights.length; i++) {
      current[i]! += weights[i]!;
      if (current[i]! > current[best]!) best = i;
    }
    current[best]! -= total;
    return best;
  };
}

/** Leaves an operation ready for reuse: warm-up and measured phases can share it, only the last closes it. */
export function withoutClose(op: LoadOperation): LoadOperation {
  return { iterate: op.iterate };
}
