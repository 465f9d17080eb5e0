import { defineConfig } from 'vitest/config';
import { outsideVariable } from './tests/support/shared/config.ts';

// Fast unit and integration tests: engine math, MCP client against the shipped servers on loopback.
// The stack tests (tests/integration/stack.test.ts) need a container runtime and skip, saying why, without one.
export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: outsideVariable('CI') ? ['default', 'junit'] : ['default'],
    outputFile: { junit: 'reports/junit-tests.xml' },
  },
});
