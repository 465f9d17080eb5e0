import { Agent } from 'undici';
import { classifyError, failureKey } from '../engine/errors.ts';
import { newHistogram, recordMs, summarize, type LatencySummary } from '../engine/histogram.ts';
import { CLIENT_KEEP_ALIVE_MS } from '../engine/h1-dispatcher.ts';
import type { LoadOperation } from '../engine/operation.ts';
import { callMcp, type McpCall } from './mcp-call.ts';
import { SseClient } from './sse-client.ts';
import { WsClient } from './ws-client.ts';

export interface StreamPoolOptions {
  kind: 'sse' | 'ws';
  /** The SSE stream URL (…/sse) or the WebSocket URL (ws://…/ws). */
  url: string;
  headers?: Record<string, string>;
  count: number;
  /** Streams opened at once while connecting (default 25). */
  connectConcurrency?: number;
  connectTimeoutMs?: number;
  /** initialize each stream's MCP session after connecting (default true). */
  initialize?: boolean;
}

export interface StreamPoolStatus {
  kind: 'sse' | 'ws';
  wanted: number;
  opened: number;
  /** Failures to open, by error key. */
  openFailures: Record<string, number>;
  /** Time to connect (and initialize) a stream. */
  connect: LatencySummary;
  /** Streams open now. */
  open: number;
  /** Streams that were open and closed without being asked to. */
  dropped: number;
  /** Open streams that have not carried a single message since the last mark() (or since they opened). */
  silent: number;
  /** Fewest and most messages one stream carried. */
  messages: { min: number; max: number; total: number };
}

type Stream = SseClient | WsClient;

const received = (s: Stream) => (s instanceof SseClient ? s.eventsReceived : s.messagesReceived);

/**
 * N SSE streams or WebSockets held open at once, with messages flowing on each: iteration i of a load
 * phase sends its call on stream i mod N, so a constant arrival rate gives every stream rate/N messages a
 * second. A stream that closes on its own is a drop; its iterations fail as connection_reset.
 */
export class StreamPool {
  private readonly streams: Stream[] = [];
  private readonly agent: Agent;
  private readonly o: StreamPoolOptions;
  private readonly openFailures: Record<string, number> = {};
  private readonly connectTimes = newHistogram();
  private next = 0;
  private marks = new Map<Stream, number>();

  private constructor(o: StreamPoolOptions) {
    this.o = o;
    // Each SSE stream holds a connection for good; its POSTs need others.
    this.agent = new Agent({ connections: null, keepAliveTimeout: CLIENT_KEEP_ALIVE_MS, headersTimeout: 0, bodyTimeout: 0, connect: { timeout: o.connectTimeoutMs ?? 10_000 } });
  }

  static async open(o: StreamPoolOptions): Promise<StreamPool> {
    if (!Number.isInteger(o.count) || o.count < 1) throw new Error(`stream pool: count must be a whole number >= 1, got ${o.count}`);
    const pool = new StreamPool(o);
    let index = 0;
    const worker = async () => {
      while (index < o.count) {
        index++;
        await pool.openOne();
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.count, o.connectConcurrency ?? 25) }, worker));
    pool.mark();
    return pool;
  }

  private async openOne(): Promise<void> {
    const started = performance.now();
    const stream: Stream = this.o.kind === 'sse'
      ? new SseClient({ url: this.o.url, dispatcher: this.agent, headers: this.o.headers, connectTimeoutMs: this.o.connectTimeoutMs })
      : new WsClient({ url: this.o.url, headers: this.o.headers, connectTimeoutMs: this.o.connectTimeoutMs });
    try {
      // Each client bounds its own connect (connectTimeoutMs); the initialize gets the same bound.
      await stream.connect();
      if (this.o.initialize !== false) await stream.initialize({ signal: AbortSignal.timeout(this.o.connectTimeoutMs ?? 10_000) });
      recordMs(this.connectTimes, performance.now() - started);
      this.streams.push(stream);
    } catch (error) {
      const key = failureKey(classifyError(error));
      this.openFailures[key] = (this.openFailures[key] ?? 0) + 1;
      await stream.close().catch(() => undefined);
    }
  }

  /** The load operation: each iteration sends `call` on the next stream in turn. */
  operation(call: McpCall): LoadOperation {
    return {
      iterate: async ({ signal }) => {
        if (this.streams.length === 0) throw new Error(`no ${this.o.kind} stream could be opened`);
        const stream = this.streams[this.next++ % this.streams.length]!;
        const reply = await callMcp(stream, call, signal);
        // Another caller's answer, or a frame that is not JSON, on this stream: the call's own answer does not make up for it.
        const anomaly = stream.takeAnomaly();
        if (anomaly) return { ok: false, failure: anomaly, bytesIn: reply.bytesIn, bytesOut: reply.bytesOut };
        return { ok: true, bytesIn: reply.bytesIn, bytesOut: reply.bytesOut };
      },
    };
  }

  /** From now on, a stream that carries no message counts as silent (call it as a load phase starts). */
  mark(): void {
    this.marks = new Map(this.streams.map((s) => [s, received(s)]));
  }

  status(): StreamPoolStatus {
    const counts = this.streams.map(received);
    const open = this.streams.filter((s) => s.connected);
    return {
      kind: this.o.kind,
      wanted: this.o.count,
      opened: this.streams.length,
      openFailures: { ...this.openFailures },
      connect: summarize(this.connectTimes),
      open: open.length,
      dropped: this.streams.length - open.length,
      silent: open.filter((s) => received(s) <= (this.marks.get(s) ?? 0)).length,
      messages: { min: counts.length ? Math.min(...counts) : 0, max: counts.length ? Math.max(...counts) : 0, total: counts.reduce((a, b) => a + b, 0) },
    };
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.streams.map((s) => s.close()));
    await this.agent.close().catch(() => undefined);
  }
}
