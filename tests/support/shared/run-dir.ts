import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackInfo } from './stack-info.ts';
import { config } from './config.ts';

export const REPORTS_DIR = config().PERF_REPORTS_DIR ?? fileURLToPath(new URL('../../../reports/', import.meta.url));

/** The run's report directory: reports/<PERF_RUN_ID>, set once per run by the perf config. */
export function runDir(): string {
  const id = config().PERF_RUN_ID ?? 'latest';
  return join(REPORTS_DIR, id);
}

/** What global setup leaves for the reporter (the stack without its token, the calibration). */
export interface RunInfoFile {
  stack: RunInfoStack;
  calibrationP50: number | null;
  /** Both sides of an A/B run. */
  ab?: { base: RunInfoStack; head: RunInfoStack; describe: Record<'base' | 'head', string> };
}

export type RunInfoStack = Omit<StackInfo, 'gateway' | 'scaleOut'> & { gateway?: Omit<NonNullable<StackInfo['gateway']>, 'token'> };

/** The stack without its secrets (token, the gateway environment): what reports may show. */
export function redactStack(info: StackInfo): RunInfoStack {
  const { scaleOut: _scaleOut, ...rest } = info;
  if (!rest.gateway) return rest;
  const { token: _token, ...gateway } = rest.gateway;
  return { ...rest, gateway };
}
