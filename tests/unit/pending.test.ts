import { describe, expect, it } from 'vitest';
import { PendingResponses } from '../support/mcp/pending.ts';

describe('PendingResponses.roundTrip', () => {
  it('a timeout while the send is still pending rejects the round trip, and nothing else goes unhandled', async () => {
    const pending = new PendingResponses();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let failSend: (e: Error) => void = () => undefined;
      const send = () => new Promise<void>((_, reject) => (failSend = reject));
      const trip = pending.roundTrip(1, '{}', send, AbortSignal.timeout(20));
      trip.catch(() => undefined);
      await new Promise((r) => setTimeout(r, 60));
      failSend(new Error('POST aborted'));
      await expect(trip).rejects.toThrow('POST aborted');
      await new Promise((r) => setTimeout(r, 20));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it('an answer that arrives resolves it, and a timeout after a completed send rejects it', async () => {
    const pending = new PendingResponses();
    const trip = pending.roundTrip(7, '{"x":1}', () => {
      setTimeout(() => pending.deliver({ jsonrpc: '2.0', id: 7, result: {} }, 30), 5);
    });
    await expect(trip).resolves.toMatchObject({ bytesIn: 30, bytesOut: 7 });
    await expect(pending.roundTrip(8, '{}', () => undefined, AbortSignal.timeout(10))).rejects.toThrow(/timeout/i);
  });
});
