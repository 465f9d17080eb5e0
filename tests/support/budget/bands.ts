import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BAND_DEFAULTS, BaselineError, MIN_TAIL, SHARE_BEYOND, percentileBand, readBaselineAt, readBaselineFile, spreadOf, type Baseline } from './baseline.ts';
import { compareFigure, readFigureBaselineAt, type FigureBaseline } from './figure-baseline.ts';
import { textTable } from '../shared/text-table.ts';

/**
 * What each baseline in `dir` could catch before any run: its runs and, per percentile, the band a run of the same
 * size would get (the run's own noise beyond the recorded runs' taken as none, the noise floor as the baseline's
 * calibration) and the figures' bands. Default comparison options, as toMatchBaseline uses them. Each file is read
 * as a run of `profile` would read it; one that run could not use is listed as such, with the reason.
 */
export function baselineBands(dir: string, profile: string): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'gate-noise.json').sort();
  const cases: string[][] = [['case', 'runs', 'spread', 'p50 ms', 'p50 may rise', 'p95 ms', 'p95 may rise', 'p99 ms', 'p99 may rise']];
  const figures: string[][] = [['figure', 'runs', 'median', 'band']];
  const unusable: string[] = [];
  for (const f of files) {
    const path = join(dir, f);
    let base: Baseline;
    try {
      const parsed = readBaselineFile<Baseline | FigureBaseline>(path, () => [])!;
      if ('kind' in parsed && parsed.kind === 'figure') {
        const figure = readFigureBaselineAt(path, profile)!;
        figures.push([figure.figure, String(figure.runs.length), `${figure.median} ${figure.unit}`, compareFigure(figure.median, figure).row.target]);
        continue;
      }
      base = readBaselineAt(path, profile)!;
    } catch (error) {
      if (!(error instanceof BaselineError)) throw error;
      unusable.push(`NOT USED ${f}: ${error.message}`);
      continue;
    }
    const cell = (key: 'p50' | 'p95' | 'p99') => {
      if (Math.floor(base.metrics.completed * SHARE_BEYOND[key]) < MIN_TAIL) return 'not judged (too few samples beyond it)';
      const band = percentileBand(base, key, { ...BAND_DEFAULTS, within: 0, floorMs: base.calibrationP50 ?? 0 });
      return `${band.detectable} (${band.reason})`;
    };
    cases.push([base.case, String(base.runs.length), spreadOf(base) ? 'measured' : 'unknown',
      String(base.metrics.p50), cell('p50'), String(base.metrics.p95), cell('p95'), String(base.metrics.p99), cell('p99')]);
  }
  return [textTable(cases), '', figures.length > 1 ? textTable(figures) : 'no figure baselines', ...(unusable.length ? ['', ...unusable] : [])].join('\n');
}
