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
    /** What the two sides of an A/B run ran. */
    ab?: Record<'base' | 'head', string>;
  };
  cases: CaseReport[];
  recommendations: Recommendation[];
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
