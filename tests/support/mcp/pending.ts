import { OperationFailure } from '../engine/errors.ts';
import type { JsonRpcResponse } from './jsonrpc.ts';

interface Waiter {
  resolve: (response: JsonRpcResponse, bytes: number) => void;
  reject: (error: unknown) => void;
}

/** Requests waiting for their response on a shared stream (SSE, WebSocket), matched by id. */
export class PendingResponses {
  private readonly waiters = new Map<number | string, Waiter>();

  wait(id: number, signal?: AbortSignal): Promise<{ response: JsonRpcResponse; bytesIn: number }> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiters.delete(id);
        reject(signal?.reason ?? new DOMException('aborted', 'AbortError'));
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.set(id, {
        resolve: (response, bytesIn) => {
          signal?.removeEventListener('abort', onAbort);
          resolve({ response, bytesIn });
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      });
    });
  }

  /** Hands a response to the request waiting for its id; false when none waits for it. */
  deliver(response: JsonRpcResponse, bytes: number): boolean {
    if (response.id === null) return false;
    const waiter = this.waiters.get(response.id);
    if (!waiter) return false;
    this.waiters.delete(response.id);
    waiter.resolve(response, bytes);
    return true;
  }

  /** Registers for the answer, sends, and waits: the round trip of a transport whose answers share one stream. */
  async roundTrip(id: number, body: string, send: () => void | Promise<void>, signal?: AbortSignal): Promise<{ response: JsonRpcResponse; bytesIn: number; bytesOut: number }> {
    const answer = this.wait(id, signal);
    // The signal can fire while send() is still pending (a server that does not read the POST): the answer
    // rejects then, before anything awaits it. Handled here so it is not an unhandled rejection; awaited below.
    answer.catch(() => undefined);
    try {
      await send();
    } catch (error) {
      this.cancel(id);
      throw error;
    }
    const { response, bytesIn } = await answer;
    return { response, bytesIn, bytesOut: Buffer.byteLength(body) };
  }

  cancel(id: number): void {
    this.waiters.delete(id);
  }

  failAll(reason: string): void {
    for (const waiter of this.waiters.values()) waiter.reject(new OperationFailure({ class: 'connection_reset', code: 'stream_closed', message: reason }));
    this.waiters.clear();
  }
}
