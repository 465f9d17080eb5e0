import { describe, expect, it } from 'vitest';
import { RequestQueue } from '../support/engine/h1-dispatcher.ts';

describe('the h1 dispatcher\'s request queue', () => {
  it('clears a served slot at once, so a queue that stays backed up holds only what still waits', () => {
    const q = new RequestQueue<{ n: number }>();
    for (let i = 0; i < 10; i++) q.push({ n: i });
    // Backed up for a long time: one in, one out, 100,000 times.
    for (let i = 10; i < 100_010; i++) {
      q.push({ n: i });
      expect(q.shift()!.n).toBe(i - 10);
    }
    expect(q.size).toBe(10);
    expect(q.retained()).toBe(10);
  });

  it('takes a request out of turn (it gave up) and skips it, keeping the order of the rest', () => {
    const q = new RequestQueue<{ n: number }>();
    const items = Array.from({ length: 5 }, (_, n) => ({ n }));
    for (const item of items) q.push(item);
    q.remove(items[2]!);
    q.remove(items[2]!);
    q.remove({ n: 99 });
    expect(q.size).toBe(4);
    expect([q.shift(), q.shift(), q.shift(), q.shift(), q.shift()].map((x) => x?.n)).toEqual([0, 1, 3, 4, undefined]);
    q.push(items[0]!);
    q.push(items[1]!);
    q.remove(items[0]!);
    expect(q.drain().map((x) => x.n)).toEqual([1]);
    expect(q.size).toBe(0);
  });
});
