import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { newHistogram, recordMs, summarize } from '../engine/histogram.ts';
import type { RunResult } from '../engine/result.ts';
import { K6SummaryError, k6RunResult } from './import.ts';

/**
 * Reads k6's raw samples (k6 run --out json=FILE, .gz too) of a script this suite exported, from one or several k6
 * processes (execution segments, or the k6-operator's runners), into one run result: every mcp_op_duration sample
 * goes into one histogram, so the percentiles are those of the whole run (a summary's percentiles cannot be merged).
 * Memory stays bounded: the files are streamed, the histogram keeps buckets, not samples.
 */
export async function fromK6Samples(paths: readonly string[], scenario: string): Promise<RunResult> {
  if (paths.length === 0) throw new K6SummaryError('no sample files: give the --out json=FILE of each k6 process');
  const h = newHistogram();
  let failed = 0;
  let judged = 0;
  let dropped = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const path of paths) {
    const stream = createReadStream(path);
    const lines = createInterface({ input: path.endsWith('.gz') ? stream.pipe(createGunzip()) : stream, crlfDelay: Number.POSITIVE_INFINITY });
    let points = 0;
    for await (const line of lines) {
      if (!line.startsWith('{"') || !line.includes('"Point"')) continue;
      let p: { type?: string; metric?: string; data?: { time?: string; value?: number } };
      try {
        p = JSON.parse(line) as typeof p;
      } catch {
        throw new K6SummaryError(`${path}: a line is not JSON: ${line.slice(0, 120)}`);
      }
      if (p.type !== 'Point' || typeof p.data?.value !== 'number') continue;
      points++;
      const t = Date.parse(p.data.time ?? '');
      if (Number.isFinite(t)) {
        first = Math.min(first, t);
        last = Math.max(last, t);
      }
      if (p.metric === 'mcp_op_duration') recordMs(h, p.data.value);
      else if (p.metric === 'mcp_op_failed') {
        judged++;
        if (p.data.value) failed++;
      } else if (p.metric === 'dropped_iterations') dropped += p.data.value;
    }
    if (points === 0) throw new K6SummaryError(`${path} holds no k6 samples (write it with k6 run --out json=${path})`);
  }
  if (h.totalCount === 0) throw new K6SummaryError('the samples have no mcp_op_duration: was the script exported by mcp-perf?');
  const durationMs = Number.isFinite(first) ? last - first : 0;
  return k6RunResult({ scenario, startedAt: new Date(Number.isFinite(first) ? first : 0).toISOString(), durationMs, processes: paths.length, completed: judged, failed, dropped, latency: summarize(h), vusMax: 0 });
}
