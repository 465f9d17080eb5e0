// Setup file of the perf suite: the custom matchers; after each case, its phases' k6 scripts (with the budgets it
// asserted) and its record handed to the reporter.
import { afterEach, beforeEach, inject } from 'vitest';
import './budget/matchers.ts';
import { writeK6Phase } from './k6/run-export.ts';
import { resetCaseRecord } from './shared/case-record.ts';
import type { Slo } from './shared/slo.ts';

beforeEach(() => {
  resetCaseRecord();
});

afterEach(({ task }) => {
  const { phases = [], ...record } = resetCaseRecord();
  const token = inject('stack').gateway?.token;
  for (const phase of phases) {
    const slos = record.checks.filter((c) => c.kind === 'slo' && c.scenario === phase.scenario.name && c.slo).map((c) => c.slo as Slo);
    writeK6Phase(phase.scenario, phase.operation, slos, token);
  }
  if (record.results.length || record.checks.length) task.meta.mcpPerf = record;
});
