import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { scratchDir } from '../scratch-dir.ts';

const reports = scratchDir('reporter');
vi.stubEnv('PERF_REPORTS_DIR', reports);
vi.stubEnv('PERF_RUN_ID', 'outside-errors');
const { default: PerfReporter } = await import('../support/report/reporter.ts');

describe('a run whose stack never started', () => {
  it('reads as failed, naming the error, in the terminal, summary.md and report.html (not "all cases passed")', () => {
    const said: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((line: string) => { said.push(line); });
    try {
      new PerfReporter().onTestRunEnd([], [{ message: 'no gateway image is available: ghcr.io/x/gw:v1 is not present and pulling failed\n  more detail' }]);
    } finally {
      log.mockRestore();
    }
    const dir = join(reports, 'outside-errors');
    const md = readFileSync(join(dir, 'summary.md'), 'utf8');
    expect(md.split('\n')[0]).toBe('## mcp-perf: ❌ the run FAILED outside its cases: no gateway image is available: ghcr.io/x/gw:v1 is not present and pulling failed — profile `smoke`');
    expect(md).toContain('Cases: 0 passed, 0 failed, 0 skipped.');
    expect(said.join('\n')).toMatch(/^mcp-perf smoke: the run FAILED outside its cases: no gateway image/m);
    expect(said.join('\n')).not.toMatch(/all cases passed/);
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toContain('<p class="verdict bad" id="run-failed">the run FAILED outside its cases: no gateway image');
    expect(JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).run.errors).toHaveLength(1);
  });
});
