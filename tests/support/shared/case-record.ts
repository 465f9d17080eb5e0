import type { RunResult } from '../engine/result.ts';
import type { Slo, SloCheck } from './slo.ts';
import type { ScenarioInput } from '../engine/scenario.ts';
import type { OperationSpec } from '../mcp/operations.ts';
import type { AbOutcome } from './ab-outcome.ts';

/** What a perf case leaves for the reporter: each load phase's result, and every check made on it. */
export interface CaseRecord {
  results: RunResult[];
  /** Every check made, with the budget itself for an SLO check (the k6 export turns it into thresholds). */
  checks: {
    scenario: string; kind: 'slo' | 'baseline' | 'ab'; pass: boolean; rows: SloCheck[]; slo?: Slo;
    /** Reported, not judged: a committed baseline compared without PERF_BASELINE=judge (it never fails a case). */
    advisory?: boolean;
  }[];
  /** The load phases given as data, for their k6 scripts (never in results.json: their headers hold the token). */
  phases?: { scenario: ScenarioInput; operation: OperationSpec }[];
  /** Headline figures given to a figure baseline (knee rate, recovery time, ...), whatever the baseline mode, so a run can be judged again later. */
  figures?: { name: string; unit: string; better: 'higher' | 'lower'; floor?: number; load?: string; value: number }[];
  /** A/B verdicts of the regression gate (base and head measured in alternating rounds). */
  ab?: AbOutcome[];
  monitors: MonitorRecord[];
  notes: string[];
  /** Tables a case derives from its phases (stress levels, sizing, per-server latency), shown in the report. */
  tables: CaseTable[];
}

export interface CaseTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
}

/** The gateway's Prometheus metrics over a phase. */
export interface MetricsDelta {
  families: number;
  /** Counters that moved during the phase (after - before), largest first. */
  counters: Record<string, number>;
  /** Gauges after the phase. */
  gauges: Record<string, number>;
  error?: string;
}

/** Samples of the system under test taken during one load phase. */
export interface MonitorRecord {
  scenario: string;
  /** Seconds since the phase started. */
  samples: { t: number; target: string; cpuPercent: number; memoryMB: number }[];
  postgres?: { t: number; byState: Record<string, number>; total: number }[];
  redis?: { t: number; clients: number; usedMemoryMB: number; opsPerSec: number }[];
  /**
   * The rest of the machine, in % of one core (containers stack): `stealPercent` the hypervisor gave to
   * other machines, `othersPercent` busy CPU that neither the sampled targets nor the load generator used.
   */
  machine?: { t: number; stealPercent: number; othersPercent: number }[];
  /** The statements that took the most database time during the phase (pg_stat_statements, where available). */
  topStatements?: { query: string; calls: number; totalMs: number; meanMs: number }[];
  /** The gateway's Prometheus metrics: counters that moved during the phase, gauges after it. */
  gatewayMetrics?: MetricsDelta;
  /** What sampling cost: how many samples, and the time spent taking them. */
  cost: { samples: number; ms: number };
  errors: string[];
}

declare module 'vitest' {
  interface TaskMeta {
    mcpPerf?: CaseRecord;
  }
}

let current: CaseRecord = fresh();

function fresh(): CaseRecord {
  return { results: [], checks: [], monitors: [], notes: [], tables: [], ab: [], phases: [], figures: [] };
}

/** The record of the running case (reset before each test by the perf setup file). */
export function caseRecord(): CaseRecord {
  return current;
}

export function resetCaseRecord(): CaseRecord {
  const done = current;
  current = fresh();
  return done;
}
