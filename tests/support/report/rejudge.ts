import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunReport } from './run-report.ts';
import type { SloCheck } from '../shared/slo.ts';
import { BaselineError, baselineFileName, compareWithBaseline, operationView, readBaselineAt, stackDifferences, type Environment } from '../budget/baseline.ts';
import { compareFigure, figureCaseName, readFigureBaselineAt } from '../budget/figure-baseline.ts';

/** One load phase or headline figure of a finished run, judged against a baseline in a directory. */
export interface Rejudged {
  name: string;
  kind: 'latency' | 'figure';
  pass: boolean;
  rows: SloCheck[];
  /** How the baseline's stack differs from the run's (empty: the same images). */
  otherStack: string[];
}

/**
 * Judges a finished run (its results.json) against the baselines in `dir` (a profile's directory, e.g.
 * baselines/smoke, or a gateway's under it) as toMatchBaseline and toMatchBaselineFigure would have: every load phase
 * whose scenario has a baseline there, and every headline figure the run recorded. Phases and figures without a
 * baseline are skipped; a baseline that cannot be used for it (another profile, a figure defined otherwise then) is
 * listed in `unusable` with the reason.
 */
export function rejudgeRun(report: RunReport, dir: string): { judged: Rejudged[]; unusable: string[]; figuresRecorded: boolean } {
  const profile = report.run.profile;
  const stack = report.run.stack ? { stack: report.run.stack.provider, images: report.run.stack.images } : undefined;
  const differences = (env: Environment) => stackDifferences(env, stack);
  const judged: Rejudged[] = [];
  const unusable: string[] = [];
  const usable = <T>(name: string, read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      unusable.push(`${name}: ${error.message}`);
      return undefined;
    }
  };
  let figuresRecorded = false;
  for (const c of report.cases) {
    const record = c.record;
    if (!record) continue;
    // A phase, and each of its operations that has a baseline of its own (toMatchBaseline({ operation })).
    const views = record.results.flatMap((r) => {
      const ops = Object.keys(r.operations);
      return [r, ...(ops.length > 1 ? ops.map((op) => operationView(r, op)) : [])];
    });
    for (const result of views) {
      const path = join(dir, baselineFileName(result.scenario));
      if (!existsSync(path)) continue;
      const base = usable(result.scenario, () => readBaselineAt(path, profile));
      if (!base) continue;
      const cmp = compareWithBaseline(result, base, report.run.calibrationP50);
      judged.push({ name: result.scenario, kind: 'latency', pass: cmp.pass, rows: cmp.rows, otherStack: differences(base.environment) });
    }
    if (record.figures) figuresRecorded = true;
    for (const figure of record.figures ?? []) {
      const base = usable(figure.name, () => readFigureBaselineAt(join(dir, baselineFileName(figureCaseName(figure.name))), profile, figure));
      if (!base) continue;
      const cmp = compareFigure(figure.value, base, {}, figure.load);
      judged.push({ name: figure.name, kind: 'figure', pass: cmp.pass, rows: [cmp.row], otherStack: differences(base.environment) });
    }
  }
  return { judged, unusable, figuresRecorded };
}
