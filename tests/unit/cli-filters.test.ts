import { describe, expect, it } from 'vitest';
import { cliFilters, namesCases } from '../support/shared/cli-filters.ts';

const vitest = (...args: string[]) => ['/usr/bin/node', '/x/node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.perf.config.ts', ...args];

describe('what a perf command line names', () => {
  it('names nothing when it only sets options (npm run perf)', () => {
    expect(cliFilters(vitest())).toEqual([]);
    expect(namesCases(vitest('--reporter', 'verbose', '--bail', '1'))).toBe(false);
  });

  it('names files, and cases by name', () => {
    expect(cliFilters(vitest('tests/perf/spike.perf.ts', '--reporter', 'dot', 'soak'))).toEqual(['tests/perf/spike.perf.ts', 'soak']);
    expect(namesCases(vitest('-t', 'PERF-05'))).toBe(true);
    expect(namesCases(vitest('--testNamePattern=PERF-05'))).toBe(true);
    expect(namesCases(vitest('spike'))).toBe(true);
  });
});
