import { describe, expect, it } from 'vitest';
import { fitRate, shareOfCapacity } from '../support/analysis/load-share.ts';

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
