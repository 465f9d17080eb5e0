import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../support/engine/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500], ['30s', 30_000], ['10m', 600_000], ['1h', 3_600_000], ['1h30m', 5_400_000], ['1.5s', 1500], ['250', 250], [42, 42],
  ])('%s -> %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['', 'abc', '10x', '5 m', '-1s', '1s2'])('rejects %j with a hint', (input) => {
    expect(() => parseDuration(input, 'duration')).toThrow(/duration: .* write it like "500ms", "30s"/);
  });

  it('formats back', () => {
    expect(formatDuration(500)).toBe('500ms');
    expect(formatDuration(30_000)).toBe('30s');
    expect(formatDuration(600_000)).toBe('10m');
    expect(formatDuration(3_600_000)).toBe('1h');
  });
});
