import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BAND_DEFAULTS, BaselineError, MIN_TAIL, SHARE_BEYOND, baselineProblems, percentileBand, readBaselineFile, spreadOf, type Baseline } from './baseline.ts';
import { compareFigure, figureBaselineProblems, type FigureBaseline } from './figure-baseline.ts';
import { textTable } from '../shared/text-table.ts';

const isFigure = (b: Baseline | FigureBaseline): b is FigureBaseline => 'kind' in b && b.kind === 'figure';

/**
 * What each baseline in `dir` could catch before any run: its runs and, per percentile, the band a run of the same
 * size would get (the run's own noise beyond the recorded runs' taken as none, the noise floor as the baseline's
 * calibration) and the figures' bands. Default comparison options, as toMatchBaseline uses them. Each file is read
 * as a run of `profile` would read it; one that run could not use is listed as such, with the reason.
 */
export function baselineBands(dir: string, profile: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'gate-noise.json').sort();
  const cases: string[][] = [['case', 'runs', 'spread', 'rate/s', 'p50 ms', 'p50 may rise', 'p95 ms', 'p95 may rise', 'p99 ms', 'p99 may rise']];
  const figures: string[][] = [['figure', 'runs', 'load', 'median', 'band']];
  const unusable: string[] = [];
  for (const f of files) {
    const path = join(dir, f);
    let parsed: Baseline | FigureBaseline;
    try {
      parsed = readBaselineFile<Baseline | FigureBaseline>(path, (b) => (isFigure(b) ? figureBaselineProblems(b, profile) : baselineProblems(b, profile)))!;
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      unusable.push(`NOT USED ${f}: ${error.message}`);
      continue;
    }
    if (isFigure(parsed)) {
      figures.push([parsed.figure, String(parsed.runs.length), parsed.load ?? '(not kept)', `${parsed.median} ${parsed.unit}`, compareFigure(parsed.median, parsed).row.target]);
      continue;
    }
    const base = parsed;
    const cell = (key: 'p50' | 'p95' | 'p99') => {
      if (Math.floor(base.metrics.completed * SHARE_BEYOND[key]) < MIN_TAIL) return 'not judged (too few samples beyond it)';
      const band = percentileBand(base, key, { ...BAND_DEFAULTS, within: 0, floorMs: base.calibrationP50 ?? 0 });
      return `${band.detectable} (${band.reason})`;
    };
    cases.push([base.case, String(base.runs.length), spreadOf(base) ? 'measured' : 'unknown', String(base.metrics.achievedRate),
      String(base.metrics.p50), cell('p50'), String(base.metrics.p95), cell('p95'), String(base.metrics.p99), cell('p99')]);
  }
  return [textTable(cases), '', figures.length > 1 ? textTable(figures) : 'no figure baselines', ...(unusable.length ? ['', ...unusable] : [])].join('\n');
}
