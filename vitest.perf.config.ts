import { defineConfig } from 'vitest/config';

// The perf suite: globalSetup starts the stack once (PERF_STACK), cases run one at a time so no two
// load tests share the machine, and timeouts follow the profile (PERF_PROFILE).
const profile = process.env.PERF_PROFILE ?? 'smoke';
const caseTimeoutMs = { smoke: 5 * 60_000, pr: 20 * 60_000, nightly: 3 * 3_600_000, soak: 30 * 3_600_000 }[profile] ?? 5 * 60_000;

export default defineConfig({
  test: {
    include: ['tests/perf/**/*.perf.ts'],
    globalSetup: ['tests/support/stack/global-setup.ts'],
    setupFiles: ['tests/support/budget/matchers.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
    testTimeout: caseTimeoutMs,
    hookTimeout: 10 * 60_000,
    teardownTimeout: 2 * 60_000,
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'reports/junit-perf.xml' },
  },
});
