import { describe, expect, it } from 'vitest';
import { fitRate, fitSpike, fitStreams, fitVus, shareOfCapacity } from '../support/analysis/load-share.ts';

describe('shareOfCapacity: an open-model phase sized to the runner', () => {
  const fixed = { share: 0.4, referenceRate: 12, referenceSeconds: 6 };

  it('offers the share of the measured capacity and keeps the reference phase where the runner is fast enough', () => {
    expect(shareOfCapacity(35, fixed)).toMatchObject({ rate: 14, seconds: 6 });
    expect(shareOfCapacity(35, fixed).text).toBe("14/s (40% of the base gateway's capacity, 35 calls/s), 6 s phases");
  });

  it('on a slow runner lowers the rate and lengthens the phase toward the reference calls, at most 1.5 times', () => {
    expect(shareOfCapacity(18.05, fixed)).toMatchObject({ rate: 7.2, seconds: 9 }); // 72 calls wanted: 10 s, capped at 9
    expect(shareOfCapacity(25, fixed)).toMatchObject({ rate: 10, seconds: 8 });
    expect(shareOfCapacity(25, { ...fixed, maxStretch: 1 })).toMatchObject({ seconds: 6 });
  });

  it('never offers less than the lowest rate', () => {
    expect(shareOfCapacity(1, fixed).rate).toBe(1);
    expect(shareOfCapacity(1, { ...fixed, minRate: 2 }).rate).toBe(2);
  });

  it('refuses a capacity or share it cannot size from, saying what was wrong', () => {
    expect(() => shareOfCapacity(0, fixed)).toThrow(/capacity must be a positive rate.*got 0/);
    expect(() => shareOfCapacity(Number.NaN, fixed)).toThrow(/completed no calls/);
    expect(() => shareOfCapacity(20, { ...fixed, share: 1.2 })).toThrow(/between 0 and 1, got 1.2/);
  });
});

describe('fitRate: a profile\'s rate fitted to what the stack held', () => {
  it('keeps the plan\'s rate where it lies within the share of the capacity, saying so', () => {
    expect(fitRate(50, 100, 0.6)).toEqual({ rate: 50, lowered: false, text: 'the plan\'s 50/s (within 60% of the 100 calls/s this stack held in its capacity probe)' });
    expect(fitRate(60, 100, 0.6).lowered).toBe(false);
  });

  it('lowers a plan\'s rate past the share to that share, naming both', () => {
    // A plan's rate well past what the probe found: lowered to the share, one decimal.
    expect(fitRate(100, 48.3, 0.6)).toEqual({ rate: 29, lowered: true, text: '29/s, not the plan\'s 100/s: 60% of the 48.3 calls/s this stack held in its capacity probe' });
    expect(fitRate(100, 0.5, 0.6).rate).toBe(1);
  });

  it('refuses a probe that completed nothing, or a share outside (0, 1)', () => {
    expect(() => fitRate(100, 0, 0.6)).toThrow(/capacity probe completed no call/);
    expect(() => fitRate(100, Number.NaN, 0.6)).toThrow(/completed no call/);
    expect(() => fitRate(100, 50, 1)).toThrow(/between 0 and 1, got 1/);
  });
});

describe('fitVus: a closed loop\'s VUs fitted to what the stack held', () => {
  it('keeps the plan\'s VUs where they take no more than the share of the capacity', () => {
    // 20 calls/s at 100 ms a call alone: 2 VUs fill it; 60% of that is 1.2 VUs, so 1 VU fits and 2 do not.
    expect(fitVus(1, 20, 100, 0.6)).toEqual({ vus: 1, lowered: false, text: 'the plan\'s 1 VU (within 60% of the 20 calls/s this stack held, at 100 ms a call with none queued)' });
    expect(fitVus(12, 100, 200, 0.6).lowered).toBe(false);
  });

  it('lowers a plan\'s VUs past the share (PERF-07\'s 100 on a 2-core machine) to floor(share x C x R), at least 1', () => {
    expect(fitVus(100, 48, 62.5, 0.6)).toEqual({ vus: 1, lowered: true, text: '1 VU, not the plan\'s 100: 60% of the 48 calls/s this stack held, at 62.5 ms a call with none queued' });
    expect(fitVus(100, 400, 50, 0.6).vus).toBe(12);
    expect(fitVus(100, 5, 10, 0.6).vus).toBe(1);
  });

  it('keeps a concurrency case at its least VUs where the share comes to fewer (PERF-07: 4, not 1)', () => {
    expect(fitVus(100, 35.1, 67.9, 0.6, undefined, 4)).toEqual({ vus: 4, lowered: true, text: '4 VUs, not the plan\'s 100: the case\'s least, as its subject is concurrency (60% of the 35.1 calls/s this stack held, at 67.9 ms a call with none queued would be 1 VU; past it calls queue)' });
    expect(fitVus(100, 400, 50, 0.6, undefined, 4).vus).toBe(12);
    expect(fitVus(3, 35.1, 67.9, 0.6, undefined, 4)).toMatchObject({ vus: 3, lowered: false, text: expect.stringMatching(/^the plan's 3 VUs, the case's least/) });
    // A baseline recorded below the least (before it) is another load: not kept. One at the least is, past 80% too.
    expect(fitVus(100, 35.1, 67.9, 0.6, 1, 4).vus).toBe(4);
    expect(fitVus(100, 35.1, 67.9, 0.6, 4, 4).text).toMatch(/^4 VUs, the load its baseline was recorded with/);
  });

  it('refuses probes that completed nothing, or a share outside (0, 1)', () => {
    expect(() => fitVus(100, 0, 50, 0.6)).toThrow(/capacity probe completed no call/);
    expect(() => fitVus(100, 40, Number.NaN, 0.6)).toThrow(/one-VU probe measured no latency/);
    expect(() => fitVus(100, 40, 50, 0)).toThrow(/between 0 and 1, got 0/);
  });
});

describe('a fitted load kept at its baseline\'s, where the stack holds it', () => {
  it('runs at the recorded rate or VUs while they lie within the plan and 80% of what the probe found', () => {
    expect(fitRate(100, 48.3, 0.6, 27.5)).toMatchObject({ rate: 27.5, lowered: true });
    expect(fitRate(100, 48.3, 0.6, 27.5).text).toMatch(/^27.5\/s, the load its baseline was recorded at \(the plan's 100\/s; within 80% of the 48.3 calls\/s/);
    expect(fitRate(100, 40, 0.6, 32).rate).toBe(32); // above the 60% share, within 80%: comparable with its baseline
    expect(fitVus(100, 400, 50, 0.6, 14)).toMatchObject({ vus: 14, lowered: true });
  });

  it('fits afresh when the recorded load is past 80% of this run\'s capacity, or past the plan', () => {
    expect(fitRate(100, 30, 0.6, 27.5)).toMatchObject({ rate: 18, lowered: true }); // the machine slowed: 27.5 > 24
    expect(fitRate(20, 100, 0.6, 27.5).rate).toBe(20); // the plan was lowered since
    expect(fitVus(100, 400, 50, 0.6, 17)).toMatchObject({ vus: 12 }); // 17 > floor(0.8 x 400 x 0.05) = 16
  });
});

describe('fitSpike: the plan\'s spike shape on a stack that cannot hold its peak', () => {
  const plan = { calm: 100, peak: 1000, peakSeconds: 60, recoverySeconds: 30 };

  it('puts the peak at the stack\'s knee (80% of the probe) and the calm at the plan\'s ratio below it', () => {
    const fit = fitSpike(plan, 41.6, 0.6);
    expect(fit).toMatchObject({ peak: 33.3, calm: 3.3, lowered: true });
    expect(fit.text).toMatch(/^calm 3.3\/s, peak 33.3\/s for 60 s, not the plan's 100\/s and 1000\/s/);
  });

  it('keeps the plan where the stack holds it, and never lets the calm past a fitted rate\'s share', () => {
    expect(fitSpike(plan, 2000, 0.6)).toMatchObject({ calm: 100, peak: 1000, lowered: false });
    // A plan whose calm is most of its peak: the calm still within 60% of the capacity.
    expect(fitSpike({ ...plan, calm: 900 }, 100, 0.6)).toMatchObject({ peak: 80, calm: 60 });
  });

  it('refuses a probe that completed nothing', () => {
    expect(() => fitSpike(plan, 0, 0.6)).toThrow(/completed no call/);
  });
});

describe('fitStreams: held streams fitted to the database connections they hold', () => {
  const pool = { workers: 2, perWorker: 30 };
  it('lowers the plan\'s count to the share of the pools the streams may hold', () => {
    // 1000 SSE streams at 1.6 connections each need 1600; 60% of 2 x 30 holds 22.
    const fit = fitStreams(1000, 1.6, pool, 0.6);
    expect(fit).toMatchObject({ count: 22, lowered: true });
    expect(fit.text).toContain('not the plan\'s 1000');
  });
  it('keeps a count the pools hold, and streams that hold no connection', () => {
    expect(fitStreams(16, 1.6, pool, 0.6)).toMatchObject({ count: 16, lowered: false });
    expect(fitStreams(500, 0, pool, 0.6)).toMatchObject({ count: 500, lowered: false });
    expect(fitStreams(500, 0.02, pool, 0.6).text).toContain('holds no database connection');
  });
  it('keeps the plan where the pools or the holding are unknown, saying so', () => {
    expect(fitStreams(1000, 1.6, undefined, 0.6)).toMatchObject({ count: 1000, lowered: false });
    expect(fitStreams(1000, undefined, pool, 0.6).text).toContain('not fitted');
  });
  it('refuses a share outside (0, 1) and a negative holding', () => {
    expect(() => fitStreams(10, 1, pool, 1)).toThrow(/between 0 and 1/);
    expect(() => fitStreams(10, -1, pool, 0.6)).toThrow(/>= 0/);
  });
});
