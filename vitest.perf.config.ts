import { basename } from 'node:path';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { config as runConfig, outsideVariable, setting, setVariable, type Config } from './tests/support/shared/config.ts';
import { namesCases } from './tests/support/shared/cli-filters.ts';

// The perf suite: globalSetup starts the stack once (PERF_STACK), cases run one at a time so no two
// load tests share the machine, and timeouts follow the profile (PERF_PROFILE).
// One directory per run for results.json, summary.md and report.html (global setup, cases and the reporter share it):
// named before the configuration is built, and set in the environment for the processes the run starts.
if (!setting('PERF_RUN_ID')) setVariable('PERF_RUN_ID', `${new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19)}-${setting('PERF_PROFILE') || 'smoke'}`);
// The run's configuration, built once from the settings (every value checked: a bad one stops the run here, naming
// each) and handed to every case as one value (inject('config'); config() in tests/support reads it).
const config = settingsOrStop();

/** A bad setting stops the run here in one line, before anything starts (not as a stack trace of the config's loading). */
function settingsOrStop(): Config {
  try {
    return runConfig();
  } catch (error) {
    console.error(`[mcp-perf] ${(error as Error).message} (README, "Every setting", gives each one's values)`);
    process.exit(2);
  }
}
const profile = config.PERF_PROFILE;
// A first run that ends in minutes: with the smoke profile and no files named, the quick selection (PERF_CASES).
const QUICK = ['baseline', 'sustained', 'stress', 'tool-calls'];
const quick = config.PERF_CASES === 'quick' && !namesCases(process.argv);
if (quick) console.log(`[mcp-perf] quick run: ${QUICK.length} case files (${QUICK.join(', ')}); the whole catalogue: PERF_CASES=all npm run perf (mcp-perf run --cases all)`);

const caseTimeoutMs = { smoke: 5 * 60_000, pr: 20 * 60_000, nightly: 3 * 3_600_000, soak: 30 * 3_600_000 }[profile];

// One fixed order, so that every run (and every baseline) sees the same conditions: cases that run late
// find a gateway that has been overloaded, written to and faulted (the runs: docs/catalogue.md, "sized and
// ordered"). Light, baseline-judged cases first; overload and fault injection last. Files not listed run
// after these, by name.
const PLAN_ORDER = [
  'baseline', 'gateway-overhead', 'sustained', 'sessions', 'protocol-eras', 'tool-calls', 'mixed-workload', 'database', 'streaming',
  'multi-server', 'soak', 'spike', 'stress', 'saturation', 'scaling', 'error-handling',
];

class PlanOrder extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = PLAN_ORDER.indexOf(basename(f.moduleId, '.perf.ts'));
      return i < 0 ? PLAN_ORDER.length : i;
    };
    return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

export default defineConfig({
  test: {
    include: quick ? QUICK.map((f) => `tests/perf/${f}.perf.ts`) : ['tests/perf/**/*.perf.ts'],
    provide: { config },
    globalSetup: ['tests/support/global-setup.ts'],
    setupFiles: ['tests/support/perf-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    sequence: { concurrent: false, sequencer: PlanOrder },
    testTimeout: caseTimeoutMs,
    hookTimeout: 10 * 60_000,
    teardownTimeout: 2 * 60_000,
    reporters: ['default', './tests/support/report/reporter.ts', ...(outsideVariable('CI') ? ['junit'] : [])],
    outputFile: { junit: `reports/${config.PERF_RUN_ID}/junit.xml` },
  },
});
