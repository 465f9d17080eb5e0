import type { CaseRecord } from '../shared/case-record.ts';
import type { RunInfoStack } from '../shared/run-dir.ts';

/** results.json: one run of the perf suite. */
export interface RunReport {
  schema: 1;
  run: {
    id: string;
    profile: string;
    startedAt: string;
    finishedAt: string;
    stack: RunInfoStack | null;
    calibrationP50: number | null;
    environment: { cpus: number; node: string; platform: string };
    /** The settings the run was given away from their defaults (credentials as ***): what repeats it. */
    settings?: Record<string, string>;
    /** What the two sides of an A/B run ran. */
    ab?: Record<'base' | 'head', string>;
    /** Errors outside every case (the stack's start in global setup, a teardown): the run failed whatever its cases did. */
    errors?: string[];
  };
  cases: CaseReport[];
  recommendations: Recommendation[];
}

/** The run's errors outside its cases, in one line: what a reader must see before any count of cases. */
export function outsideErrorsLine(report: RunReport): string | undefined {
  const errors = report.run.errors ?? [];
  if (errors.length === 0) return undefined;
  const first = errors[0]!.split('\n')[0]!;
  return `the run FAILED outside its cases${errors.length > 1 ? ` (${errors.length} errors)` : ''}: ${first}`;
}

export interface CaseReport {
  name: string;
  file: string;
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  durationMs: number;
  errors: string[];
  record: CaseRecord | null;
}

export interface Recommendation {
  case: string;
  symptom: string;
  evidence: string;
  advice: string;
}
