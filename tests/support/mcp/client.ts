import { randomInt } from 'node:crypto';
import { OperationFailure, type Failure } from '../engine/errors.ts';
import { unwrap, type JsonRpcResponse } from './jsonrpc.ts';
import { CLIENT_INFO, DEFAULT_REVISION, isStateless, type McpRevision } from './protocol.ts';

export interface Exchange {
  response: JsonRpcResponse;
  bytesIn: number;
  bytesOut: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * Ask for progress: the request carries _meta.progressToken, and the reply says how many
   * notifications/progress for it arrived before the answer.
   */
  progress?: boolean;
}

/** What a call returned, with the bytes it moved, so an engine operation can report them. */
export interface McpReply<T> {
  result: T;
  bytesIn: number;
  bytesOut: number;
  /** notifications/progress received for this request, when it asked for progress. */
  progress?: number;
}

export interface Tool {
  name: string;
  description?: string;
  inputSchema?: unknown;
}

export interface ToolCallResult {
  content: { type: string; text?: string }[];
  isError?: boolean;
}

export interface Resource {
  uri: string;
  name: string;
}

export interface Prompt {
  name: string;
  arguments?: { name: string; required?: boolean }[];
}

export interface InitializeResult {
  protocolVersion: string;
  serverInfo: { name: string; version: string };
  capabilities: Record<string, unknown>;
}

/** server/discover (2026-07-28): what initialize told, asked without a session; ttlMs says how long it may be cached. */
export interface DiscoverResult {
  supportedVersions?: string[];
  serverInfo?: { name: string; version: string };
  capabilities?: Record<string, unknown>;
  ttlMs?: number;
  cacheScope?: string;
}

const isEmptyResult = (msg: JsonRpcResponse): boolean =>
  typeof msg.result === 'object' && msg.result !== null && Object.keys(msg.result).length === 0;

/**
 * The MCP operations, over any transport. A transport implements `exchange` (one request, its
 * response) and `notify`; JSON-RPC errors and malformed frames become classified OperationFailures.
 */
export abstract class McpClient {
  /** The revision this client speaks; a transport that carries 2026-07-28 overrides it. */
  readonly revision: McpRevision = DEFAULT_REVISION;
  /**
   * Each client numbers its requests from its own random base, so an answer meant for another client (a
   * gateway or bridge that mixes up sessions) never carries an id this one is waiting for.
   */
  private readonly firstId = randomInt(1, 2 ** 40);
  private nextId = this.firstId;
  /** What arrived on a shared stream that no request of this client asked for, or could not be read. */
  private readonly anomalies = { foreign: 0, malformed: 0, sample: '' };
  private anomaliesSeen = { foreign: 0, malformed: 0 };
  /**
   * Notifications this client sent, and the answers seen to them. ContextForge's /ws relays a notification
   * to /rpc, which answers it with an empty result under an id of its own: a deviation from JSON-RPC, not an
   * answer that belonged to another caller.
   */
  private notificationsSent = 0;
  notificationsAnswered = 0;
  /** Progress notifications per token of the requests that asked for progress and still wait. */
  private readonly progressSeen = new Map<string, number>();

  protected abstract exchange(method: string, params: Record<string, unknown> | undefined, id: number, opts: CallOptions): Promise<Exchange>;
  protected abstract notify(method: string, params: Record<string, unknown> | undefined, opts: CallOptions): Promise<void>;
  abstract close(): Promise<void>;

  /** Whether an id is one this client sent (its answer may come late, after the request gave up). */
  protected isOwnId(id: unknown): boolean {
    return typeof id === 'number' && id >= this.firstId && id < this.nextId;
  }

  /** A stream transport reports a response no request of this client waits for. */
  protected unmatchedResponse(msg: JsonRpcResponse, text: string): void {
    const id = msg.id;
    if (this.isOwnId(id)) return;
    if (typeof id === 'string' && this.notificationsAnswered < this.notificationsSent && isEmptyResult(msg)) {
      this.notificationsAnswered++;
      return;
    }
    this.anomalies.foreign++;
    this.anomalies.sample ||= `an answer to id ${String(id)}, which this client never sent: ${text.slice(0, 160)}`;
  }

  /** A stream transport reports a frame that is not JSON. */
  protected malformedFrame(text: string): void {
    this.anomalies.malformed++;
    this.anomalies.sample ||= `a frame that is not JSON: ${text.slice(0, 160)}`;
  }

  /**
   * What went wrong on this client's stream since the last call, as a failure to count (foreign answers first:
   * they are the worse fault), or undefined.
   */
  takeAnomaly(): Failure | undefined {
    const { foreign, malformed, sample } = this.anomalies;
    const seen = this.anomaliesSeen;
    this.anomaliesSeen = { foreign, malformed };
    this.anomalies.sample = '';
    if (foreign > seen.foreign) return { class: 'isolation', code: 'foreign_answer', message: `${foreign - seen.foreign} answer(s) on this stream belonged to another caller; ${sample}` };
    if (malformed > seen.malformed) return { class: 'malformed_response', code: 'frame', message: `${malformed - seen.malformed} frame(s) on this stream were not JSON; ${sample}` };
    return undefined;
  }

  async request<T>(method: string, params?: Record<string, unknown>, opts: CallOptions = {}): Promise<McpReply<T>> {
    const id = this.nextId++;
    const token = opts.progress ? `${this.firstId}-${id}` : undefined;
    if (token) this.progressSeen.set(token, 0);
    try {
      const sent = token ? { ...params, _meta: { ...(params?._meta as object | undefined), progressToken: token } } : params;
      const { response, bytesIn, bytesOut } = await this.exchange(method, sent, id, opts);
      if (response.id !== id && response.id !== null) {
        throw new OperationFailure({ class: 'isolation', code: 'id_mismatch', message: `asked id ${id}, got the answer to id ${String(response.id)}` });
      }
      return { result: unwrap<T>(response), bytesIn, bytesOut, ...(token ? { progress: this.progressSeen.get(token) ?? 0 } : {}) };
    } finally {
      if (token) this.progressSeen.delete(token);
    }
  }

  /** A transport hands over every notification it receives; progress for a request of this client is counted. */
  protected notification(msg: unknown): void {
    const m = msg as { method?: unknown; params?: { progressToken?: unknown } } | null;
    if (!m || typeof m !== 'object' || m.method !== 'notifications/progress') return;
    const token = m.params?.progressToken;
    if (typeof token === 'string' && this.progressSeen.has(token)) this.progressSeen.set(token, this.progressSeen.get(token)! + 1);
  }

  /** initialize followed by notifications/initialized (2025-era revisions; 2026-07-28 has no handshake). */
  async initialize(opts: CallOptions = {}, clientName = CLIENT_INFO.name): Promise<McpReply<InitializeResult>> {
    if (isStateless(this.revision)) throw new Error(`initialize is not part of MCP ${this.revision}: a stateless client asks server/discover, or nothing`);
    const reply = await this.request<InitializeResult>('initialize', {
      protocolVersion: this.revision,
      capabilities: {},
      clientInfo: { ...CLIENT_INFO, name: clientName },
    }, opts);
    this.notificationsSent++;
    await this.notify('notifications/initialized', undefined, opts);
    return reply;
  }

  /** server/discover: the server's revisions and capabilities, without a session. */
  discover(opts?: CallOptions) {
    return this.request<DiscoverResult>('server/discover', undefined, opts);
  }

  async ping(opts?: CallOptions): Promise<McpReply<Record<string, never>>> {
    if (isStateless(this.revision)) throw new Error(`ping is not part of MCP ${this.revision}: ask server/discover to see that a server answers`);
    return this.request<Record<string, never>>('ping', undefined, opts);
  }

  listTools(cursor?: string, opts?: CallOptions) {
    return this.request<{ tools: Tool[]; nextCursor?: string }>('tools/list', cursor ? { cursor } : undefined, opts);
  }

  /** Follows nextCursor until the list ends (at most `maxPages` pages). */
  listAllTools(opts?: CallOptions, maxPages = 100): Promise<McpReply<Tool[]>> {
    return this.allPages('tools/list', 'tools', opts, maxPages);
  }

  /** Every page of a paginated list (tools/list, resources/list, prompts/list), following nextCursor. */
  protected async allPages<T>(method: string, field: string, opts: CallOptions | undefined, maxPages: number): Promise<McpReply<T[]>> {
    const items: T[] = [];
    let cursor: string | undefined;
    let bytesIn = 0;
    let bytesOut = 0;
    for (let page = 0; page < maxPages; page++) {
      const reply = await this.request<Record<string, unknown> & { nextCursor?: string }>(method, cursor ? { cursor } : undefined, opts);
      const list = reply.result?.[field];
      if (!Array.isArray(list)) throw new OperationFailure({ class: 'malformed_response', code: 'list_result', message: `${method}: result has no ${field} array` });
      items.push(...(list as T[]));
      bytesIn += reply.bytesIn;
      bytesOut += reply.bytesOut;
      cursor = reply.result.nextCursor;
      if (!cursor) return { result: items, bytesIn, bytesOut };
    }
    throw new OperationFailure({ class: 'malformed_response', code: 'cursor_loop', message: `${method} still paging after ${maxPages} pages` });
  }

  /** tools/call; a result with isError is a failure (class jsonrpc, code isError). */
  async callTool(name: string, args: Record<string, unknown> = {}, opts?: CallOptions): Promise<McpReply<ToolCallResult>> {
    const reply = await this.request<ToolCallResult>('tools/call', { name, arguments: args }, opts);
    if (reply.result?.isError) {
      const text = reply.result.content?.map((c) => c.text ?? '').join(' ') ?? '';
      throw new OperationFailure({ class: 'jsonrpc', code: 'isError', message: `tool ${name} returned isError: ${text.slice(0, 200)}` });
    }
    if (!Array.isArray(reply.result?.content)) {
      throw new OperationFailure({ class: 'malformed_response', code: 'tool_result', message: `tools/call ${name}: result has no content array` });
    }
    return reply;
  }

  listResources(cursor?: string, opts?: CallOptions) {
    return this.request<{ resources: Resource[]; nextCursor?: string }>('resources/list', cursor ? { cursor } : undefined, opts);
  }

  listAllResources(opts?: CallOptions, maxPages = 100): Promise<McpReply<Resource[]>> {
    return this.allPages('resources/list', 'resources', opts, maxPages);
  }

  readResource(uri: string, opts?: CallOptions) {
    return this.request<{ contents: { uri: string; text?: string; blob?: string }[] }>('resources/read', { uri }, opts);
  }

  listPrompts(cursor?: string, opts?: CallOptions) {
    return this.request<{ prompts: Prompt[]; nextCursor?: string }>('prompts/list', cursor ? { cursor } : undefined, opts);
  }

  listAllPrompts(opts?: CallOptions, maxPages = 100): Promise<McpReply<Prompt[]>> {
    return this.allPages('prompts/list', 'prompts', opts, maxPages);
  }

  getPrompt(name: string, args: Record<string, string> = {}, opts?: CallOptions) {
    return this.request<{ messages: { role: string; content: unknown }[] }>('prompts/get', { name, arguments: args }, opts);
  }
}

export function bodyOf(method: string, params: Record<string, unknown> | undefined, id?: number): string {
  return JSON.stringify(id === undefined ? { jsonrpc: '2.0', method, ...(params ? { params } : {}) } : { jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
}
