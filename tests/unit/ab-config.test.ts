import { describe, expect, it } from 'vitest';
import { abConfigFromEnv } from '../support/stack/ab.ts';

describe('A/B mode from the environment', () => {
  const both = { PERF_AB_BASE: 'gw:base', PERF_AB_HEAD: 'gw:head' };

  it('is off without images, and needs both', () => {
    expect(abConfigFromEnv({})).toBeUndefined();
    expect(() => abConfigFromEnv({ PERF_AB_BASE: 'gw:base' })).toThrow(/needs both PERF_AB_BASE and PERF_AB_HEAD.*only PERF_AB_BASE/);
  });

  it('reads a known extra cost per side, and refuses one that is not a number of ms', () => {
    expect(abConfigFromEnv({ ...both, PERF_AB_HEAD_EXTRA_CPU_MS: '17' })!.head.extraCost).toEqual({ ms: 17 });
    expect(() => abConfigFromEnv({ ...both, PERF_AB_HEAD_EXTRA_CPU_MS: 'lots' })).toThrow(/PERF_AB_HEAD_EXTRA_CPU_MS="lots" must be a number/);
  });

  it('leaves which stack starts first to chance unless PERF_AB_START_FIRST says base or head', () => {
    expect(abConfigFromEnv(both)!.startFirst).toBeUndefined();
    expect(abConfigFromEnv({ ...both, PERF_AB_START_FIRST: 'head' })!.startFirst).toBe('head');
    expect(() => abConfigFromEnv({ ...both, PERF_AB_START_FIRST: 'second' })).toThrow(/PERF_AB_START_FIRST="second" must be base or head/);
  });
});
