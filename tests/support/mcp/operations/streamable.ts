import { classifyError, OperationFailure } from '../../engine/errors.ts';
import type { Outcome } from '../../engine/operation.ts';
import type { McpReply } from '../client.ts';
import { callMcp, jsonRpcOf, walksPages, type McpCall } from '../mcp-call.ts';
import { DEFAULT_REVISION, isMcpRevision, isStateless, MCP_REVISIONS, type McpRevision } from '../protocol.ts';
import { sessionGoneAnswer, StreamableHttpClient } from '../streamable-http-client.ts';
import { ok, q, urlOf, type OperationKind, type TransportSpec } from './kind.ts';

export type StreamableSpec = TransportSpec & {
  kind: 'streamable';
  url: string;
  headers?: Record<string, string>;
  call: McpCall;
  /**
   * 2025-era revisions: per-vu initializes once per VU and reuses the session; per-iteration initializes, calls and
   * DELETEs every time. 2026-07-28 has no session: per-vu keeps a client per VU, per-iteration a new client per call.
   */
  session: 'per-vu' | 'per-iteration';
  /** The MCP revision (default 2025-06-18; the harness fills in the one the run chose for the target). */
  protocol?: McpRevision;
  /**
   * An agent's step: tools/list before every call (always), or only when the list it holds has expired (cached:
   * kept for the ttlMs the last tools/list answered, as a 2026-07-28 client may; a list without ttlMs is not kept).
   * A session per VU only.
   */
  listFirst?: 'always' | 'cached';
};

/**
 * An answer that says the session is gone: 404 as the specification has it, or 400 naming the session, as
 * the TypeScript SDK's example servers (server-everything among them) answer an unknown session id.
 */
function sessionLost(error: unknown): boolean {
  if (!(error instanceof OperationFailure) || error.failure.class !== 'http_status') return false;
  return sessionGoneAnswer(Number(error.failure.code), error.failure.message ?? '');
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

/** How a spec's calls are made, in words: the revision, and the session (or none). */
export function streamableMode(spec: Pick<StreamableSpec, 'session' | 'protocol'>): string {
  const revision = spec.protocol ?? DEFAULT_REVISION;
  if (isStateless(revision)) return `MCP ${revision}, stateless${spec.session === 'per-iteration' ? ', a new client per call' : ''}`;
  return `MCP ${revision}, a session ${spec.session === 'per-vu' ? 'per VU' : 'per call'}`;
}

/** Standard MCP over Streamable HTTP: a session per VU, or a new one per call; on 2026-07-28, no session. */
export const streamable: OperationKind<StreamableSpec, unknown> = {
  kind: 'streamable',
  validate(spec) {
    urlOf(spec);
    if (spec.session !== 'per-vu' && spec.session !== 'per-iteration') throw new Error(`streamable ${spec.url}: session must be per-vu or per-iteration, got ${String(spec.session)}`);
    if (spec.protocol !== undefined && !isMcpRevision(spec.protocol)) throw new Error(`streamable ${spec.url}: protocol must be one of ${MCP_REVISIONS.join(', ')}, got ${String(spec.protocol)}`);
    if (spec.listFirst !== undefined && !['always', 'cached'].includes(spec.listFirst)) throw new Error(`streamable ${spec.url}: listFirst must be always or cached, got ${String(spec.listFirst)}`);
    if (spec.listFirst && spec.session !== 'per-vu') throw new Error(`streamable ${spec.url}: listFirst needs a session per VU (session: 'per-vu'): a list cached for ttlMs belongs to a client that lives`);
  },
  describe: (spec) => `${spec.listFirst ? `tools/list (${spec.listFirst === 'always' ? 'every time' : 'kept for its ttlMs'}) then ` : ''}${spec.call.method} over Streamable HTTP at ${spec.url} (${streamableMode(spec)})`,
  create(spec, { agent, close }) {
    const sessions = new Map<number, StreamableHttpClient>();
    const newClient = () => new StreamableHttpClient({ url: spec.url, dispatcher: agent, headers: spec.headers, protocol: spec.protocol });
    const stateless = isStateless(spec.protocol ?? DEFAULT_REVISION);
    /** Until when (performance.now()) each VU's last tools/list may be reused, by its ttlMs. */
    const listedUntil = new Map<number, number>();
    const step = async (client: StreamableHttpClient, vu: number, signal: AbortSignal): Promise<Outcome> => {
      if (!spec.listFirst) return ok(await callMcp(client, spec.call, signal));
      let bytesIn = 0;
      let bytesOut = 0;
      if (spec.listFirst === 'always' || (listedUntil.get(vu) ?? 0) <= performance.now()) {
        const list = await client.listTools(undefined, { signal });
        const ttl = Number((list.result as { ttlMs?: unknown }).ttlMs);
        listedUntil.set(vu, performance.now() + (Number.isFinite(ttl) && ttl > 0 ? ttl : 0));
        bytesIn += list.bytesIn;
        bytesOut += list.bytesOut;
      }
      const reply = await callMcp(client, spec.call, signal);
      return { ok: true, bytesIn: bytesIn + reply.bytesIn, bytesOut: bytesOut + reply.bytesOut };
    };
    return {
      iterate: async ({ vu, signal }) => {
        if (stateless && spec.session === 'per-iteration') return ok(await callMcp(newClient(), spec.call, signal));
        if (spec.session === 'per-iteration') return oneSessionCall(newClient(), spec.call, signal);
        // One session per VU id for the operation's life: a warm-up run on the same operation leaves the
        // measured run's VUs with their sessions open, so initialize is not counted in the first calls.
        let client = sessions.get(vu.id);
        if (!client) {
          client = newClient();
          try {
            if (!stateless) await client.initialize({ signal });
          } catch (error) {
            await closeAfterFailure(client, error);
          }
          sessions.set(vu.id, client);
        }
        try {
          return await step(client, vu.id, signal);
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
  },
  k6(spec, { headers, tag }) {
    const [method, params] = jsonRpcOf(spec.call);
    const revision = spec.protocol ?? DEFAULT_REVISION;
    const all = walksPages(spec.call) ? ', true' : '';
    const request = (m: string, p: unknown, walk: string) => (isStateless(revision)
      ? `statelessCall(${q(spec.url)}, ${headers}, ${q(m)}, ${JSON.stringify(p ?? null)}, ${q(revision)}, ${q(tag)}${walk})`
      : `streamableCall(vu, ${q(spec.url)}, ${headers}, ${q(m)}, ${JSON.stringify(p ?? null)}, ${q(spec.session)}, ${q(tag)}${walk})`);
    if (spec.listFirst) return `(vu) => agentStep(vu, ${q(spec.url)}, ${q(spec.listFirst)}, () => ${request('tools/list', null, '')}, () => ${request(method, params, all)})`;
    return `(vu) => ${request(method, params, all)}`;
  },
};
