import { defineConfig } from 'vitest/config';

// The perf suite: globalSetup starts the stack once (PERF_STACK), cases run one at a time so no two
// load tests share the machine, and timeouts follow the profile (PERF_PROFILE).
const profile = process.env.PERF_PROFILE ?? 'smoke';
// One directory per run for results.json, summary.md and report.html (global setup, cases and the reporter share it).
process.env.PERF_RUN_ID ??= `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-${profile}`;
const caseTimeoutMs = { smoke: 5 * 60_000, pr: 20 * 60_000, nightly: 3 * 3_600_000, soak: 30 * 3_600_000 }[profile] ?? 5 * 60_000;

export default defineConfig({
  test: {
    include: ['tests/perf/**/*.perf.ts'],
    globalSetup: ['tests/support/stack/global-setup.ts'],
    setupFiles: ['tests/support/budget/setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false },
    testTimeout: caseTimeoutMs,
    hookTimeout: 10 * 60_000,
    teardownTimeout: 2 * 60_000,
    reporters: ['default', './tests/support/report/reporter.ts', ...(process.env.CI ? ['junit'] : [])],
    outputFile: { junit: `reports/${process.env.PERF_RUN_ID}/junit.xml` },
  },
});
