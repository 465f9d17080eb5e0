// Setup file of the perf suite: the custom matchers, and each case's record handed to the reporter.
import { afterEach, beforeEach } from 'vitest';
import { resetCaseRecord } from '../report/case-record.ts';
import './matchers.ts';

beforeEach(() => {
  resetCaseRecord();
});

afterEach(({ task }) => {
  const record = resetCaseRecord();
  if (record.results.length || record.checks.length) task.meta.mcpPerf = record;
});
