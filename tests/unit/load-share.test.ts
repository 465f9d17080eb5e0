import { describe, expect, it } from 'vitest';
import { shareOfCapacity } from '../support/analysis/load-share.ts';

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
