import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkSlo } from '../support/budget/slo.ts';
import { runScenario } from '../support/engine/runner.ts';
import type { AbOutcome } from '../support/shared/ab-outcome.ts';
import type { CaseRecord } from '../support/shared/case-record.ts';
import { toHtml } from '../support/report/html.ts';
import { toMarkdown, toTerminal } from '../support/report/markdown.ts';
import { recommend } from '../support/report/recommendations.ts';
import type { RunReport } from '../support/report/run-report.ts';
import { scratchDir } from '../scratch-dir.ts';
import { inChromium } from '../chromium.ts';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

async function sampleReport(): Promise<RunReport> {
  let i = 0;
  const result = await runScenario({ name: 'sample case', executor: 'constant-arrival-rate', rate: 50, duration: '3s', preAllocatedVUs: 10 }, async () => {
    await new Promise((r) => setTimeout(r, 2 + (i++ % 7)));
    if (i % 25 === 0) return { ok: false, failure: { class: 'http_status', code: 503 } };
  });
  const record: CaseRecord = {
    results: [result],
    checks: [{ scenario: 'sample case', kind: 'slo', pass: false, rows: checkSlo(result, { p95: '5ms', errorRate: '0.1%' }) }],
    monitors: [{
      scenario: 'sample case',
      samples: [0, 1, 2, 3].flatMap((t) => [{ t, target: 'gateway', cpuPercent: 40 + t * 10, memoryMB: 700 + t }, { t, target: 'postgres', cpuPercent: 10, memoryMB: 80 }]),
      postgres: [0, 1, 2, 3].map((t) => ({ t, byState: { active: 1, idle: 7, 'idle in transaction': 3 }, total: 11 })),
      cost: { samples: 4, ms: 1000 }, errors: [],
    }],
    notes: ['no baseline: recorded baselines/smoke/sample-case.json'],
    tables: [{ title: 'Load levels', columns: ['rate/s', 'p95 ms'], rows: [[10, 31.5], [20, 48.25]] }],
  };
  const cases = [
    { name: 'family > sample case <script>alert(1)</script>', file: 'tests/perf/x.perf.ts', state: 'failed' as const, durationMs: 3100, errors: ['"sample case" missed its SLO'], record },
    { name: 'family > skipped case', file: 'tests/perf/x.perf.ts', state: 'skipped' as const, durationMs: 0, errors: [], record: null },
  ];
  return {
    schema: 1,
    run: { id: 'test-run', profile: 'smoke', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), stack: null, calibrationP50: 3.9, environment: { cpus: 2, node: process.version, platform: 'linux x64' } },
    cases, recommendations: recommend(cases, 2),
  };
}

/** A gate case's outcome that found no regression, with `extra` (its load, why it was blind) over it. */
function abOutcome(name: string, extra: Partial<AbOutcome> = {}): AbOutcome {
  const noRegression = { base: { failed: 0, total: 10 }, head: { failed: 0, total: 10 }, p: 1, status: 'no regression' as const, text: 'errors: none' };
  return { case: name, verdicts: [], errors: noRegression, invalid: [], discarded: [], idleGatewayCpuPercent: { mean: 1, max: 2 }, wallSeconds: 10, ...extra };
}

describe('reports', () => {
  it('summary.md and the terminal summary name the failure and the figures', async () => {
    const report = await sampleReport();
    const md = toMarkdown(report);
    expect(md).toMatch(/❌ 1 failed/);
    expect(md).toMatch(/\| sample case \| failed \| 50 \|/);
    expect(md).toMatch(/\*\*FAIL\*\*/);
    expect(md).toMatch(/database pool exhaustion/);
    expect(md).toMatch(/### family > sample case .*: Load levels/);
    expect(md).toContain('| 20 | 48.25 |');
    const term = toTerminal(report, 'reports/test-run');
    expect(term).toMatch(/1 case\(s\) FAILED/);
    expect(term).toMatch(/FAIL\s+sample case/);
  });

  it('summary.md says the settings the run was given, or that all were at their defaults', async () => {
    const report = await sampleReport();
    expect(toMarkdown({ ...report, run: { ...report.run, settings: { PERF_BASELINE: 'judge', PERF_GATEWAY_TOKEN: '***' } } })).toContain('Settings: `PERF_BASELINE=judge` `PERF_GATEWAY_TOKEN=***`.');
    expect(toMarkdown({ ...report, run: { ...report.run, settings: {} } })).toContain('Settings: all at their defaults.');
  });

  it('the gate section says the load each case ran at, when the case sized it', async () => {
    const report = await sampleReport();
    report.cases[0]!.record!.ab = [abOutcome('gate: capacity'), abOutcome('gate: fixed', { load: "7.2/s (40% of the base gateway's capacity, 18 calls/s), 9 s phases" })];
    const md = toMarkdown(report);
    expect(md).toContain("- gate: fixed: each round at 7.2/s (40% of the base gateway's capacity, 18 calls/s), 9 s phases");
    expect(md).not.toMatch(/gate: capacity: each round/);
    expect(toHtml(report)).toContain("alternating rounds at 7.2/s (40% of the base gateway's capacity");
  });

  it('the gate section calls a run INCONCLUSIVE when no case could have caught the gate\'s size, and names a blind case', async () => {
    const report = await sampleReport();
    const blind = 'the smallest change it could have caught (4 times in 5) was +54.4% in gateway CPU per call';
    report.cases[0]!.record!.ab = [abOutcome('gate: capacity', { inconclusive: blind }), abOutcome('gate: fixed', { inconclusive: blind })];
    expect(toMarkdown(report)).toMatch(/^### Regression gate: ⚠️ INCONCLUSIVE: no regression found, but no case could have caught one of the gate's size$/m);
    expect(toTerminal(report, 'reports/test-run')).toMatch(/^mcp-perf smoke regression gate: INCONCLUSIVE: no regression found/m);
    report.cases[0]!.record!.ab = [abOutcome('gate: capacity'), abOutcome('gate: fixed', { inconclusive: blind })];
    const md = toMarkdown(report);
    expect(md).toMatch(/^### Regression gate: ✅ no regression in 2 case\(s\)/m);
    expect(md).toContain(`- gate: fixed, on its own, could not have caught a regression of the gate's size: ${blind}`);
    expect(toTerminal(report, 'reports/test-run')).not.toMatch(/INCONCLUSIVE/);
  });

  it('report.html escapes names and holds its charts inline', async () => {
    const html = toHtml(await sampleReport());
    expect(html).not.toContain('<script>alert(1)</script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<(script|link|img)[^>]+(src|href)=["']https?:/);
    expect((html.match(/<svg class="chart"/g) ?? []).length).toBe(5);
    expect(html).toContain('<caption>Load levels</caption>');
  });

  it.skipIf(!CHROMIUM)(`renders in a real browser with no console errors${CHROMIUM ? '' : ' (skipped: no Chromium; apt-get install chromium)'}`, async () => {
    const { chromium } = await import('playwright-core');
    const dir = scratchDir('report');
    const file = join(dir, 'report.html');
    writeFileSync(file, toHtml(await sampleReport()));
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => !r.url().startsWith('file:') && problems.push(`network request to ${r.url()}`));
      await page.goto(`file://${file}`);
      // Browser-side expressions as strings: the project's types are Node's, not the DOM's.
      expect(await page.evaluate('document.body.dataset.charts')).toBe('5');
      const drawn = await page.evaluate<{ w: number; h: number; paths: number; len: number }[]>(`[...document.querySelectorAll('svg.chart')].map((svg) => {
        const box = svg.getBoundingClientRect();
        const paths = [...svg.querySelectorAll('path.series')];
        return { w: box.width, h: box.height, paths: paths.length, len: Math.max(0, ...paths.map((p) => p.getTotalLength())) };
      })`);
      for (const c of drawn) {
        expect(c.w).toBeGreaterThan(100);
        expect(c.h).toBeGreaterThan(100);
        expect(c.paths).toBeGreaterThan(0);
        expect(c.len).toBeGreaterThan(10);
      }
      expect(await page.locator('table.checks.slo caption').first().textContent()).toMatch(/SLO: FAIL/);
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  /** A gate run whose head was ~20% slower: one case regressed in throughput, one did not. */
  function regressedGateReport(): RunReport {
    const row = (metric: string, unit: string, direction: 'higher-is-worse' | 'lower-is-worse', base: number[], head: number[], ratio: number, ci: [number, number], status: 'regression' | 'no regression') => ({
      case: 'gate: capacity', metric, unit, direction, base: base[0]!, head: head[0]!, rounds: { base, head }, n: base.length, ratio, ci, achievedConfidence: 0.96,
      allowed: 0.05, detectable: 0.12, runToRunSd: 0.008, runToRunRuns: 10, status,
    });
    const regressed = abOutcome('gate: capacity', {
      verdicts: [
        row('throughput', 'calls/s', 'lower-is-worse', [30.6, 32.1, 31.0, 30.2], [24.1, 25.3, 23.9, 24.8], 0.79, [0.74, 0.84], 'regression'),
        row('gateway CPU per call', 'ms', 'higher-is-worse', [52.1, 50.4, 51.7, 52.9], [53.0, 51.1, 52.2, 52.4], 1.01, [0.98, 1.04], 'no regression'),
      ],
    });
    const cases = [
      { name: 'regression gate: head against base > gate: capacity', file: 'tests/perf/gate.perf.ts', state: 'failed' as const, durationMs: 200_000, errors: ['"gate: capacity" REGRESSED on throughput'], record: { results: [], checks: [], monitors: [], notes: [], tables: [], ab: [regressed] } },
      { name: 'regression gate: head against base > gate: fixed', file: 'tests/perf/gate.perf.ts', state: 'passed' as const, durationMs: 200_000, errors: [], record: { results: [], checks: [], monitors: [], notes: [], tables: [], ab: [abOutcome('gate: fixed')] } },
    ];
    return {
      schema: 1,
      run: { id: 'ab-run', profile: 'smoke', startedAt: new Date().toISOString(), finishedAt: new Date().toISOString(), stack: null, calibrationP50: 3.9, environment: { cpus: 2, node: process.version, platform: 'linux x64' }, ab: { base: 'gw:base', head: 'gw:head' } },
      cases, recommendations: [],
    };
  }

  it('report.html of a regressed gate run leads with the verdict, fills its summary, and draws each case\'s change and rounds', async () => {
    const html = toHtml(regressedGateReport());
    expect(html).toMatch(/<p class="verdict bad" id="gate-verdict">Regression gate: REGRESSION in 1 of 2 case\(s\)<\/p>/);
    expect(html).toContain('<li>gate: capacity: throughput -21.0% (30.6 to 24.1 calls/s; 95% interval -26.0% .. -16.0%; allowed &gt;= -4.8%)</li>');
    expect(html).not.toContain('No symptom stood out');
    expect(html).toMatch(/<h2>Summary<\/h2>\n<table><tr><th>case<\/th>.*<td>gate: capacity<\/td><td>throughput \(calls\/s\)<\/td>/);
    expect(html).toContain('change with its 95% interval');
    const passing = regressedGateReport();
    passing.cases[0]!.record!.ab = [abOutcome('gate: capacity')];
    expect(toHtml(passing)).toMatch(/class="verdict good" id="gate-verdict">Regression gate: no regression in 2 case\(s\)/);
    expect(toMarkdown(regressedGateReport())).toContain('- **gate: capacity: throughput -21.0%');
  });

  it('summary.md and the terminal summary of a gate run lead with the verdict, and count the cases after it', () => {
    const md = toMarkdown(regressedGateReport()).split('\n').filter(Boolean);
    expect(md.slice(0, 2)).toEqual(['## mcp-perf regression gate — profile `smoke`', '### Regression gate: ❌ REGRESSION in 1 of 2 case(s)']);
    expect(md).toContain('Cases: 1 passed, 1 failed, 0 skipped.');
    const term = toTerminal(regressedGateReport(), 'reports/ab-run').split('\n').filter(Boolean);
    expect(term.slice(0, 2)).toEqual(['mcp-perf smoke regression gate: REGRESSION in 1 of 2 case(s)', '  - gate: capacity: throughput -21.0% (30.6 to 24.1 calls/s; 95% interval -26.0% .. -16.0%; allowed >= -4.8%)']);
  });

  it.skipIf(!CHROMIUM)(`a regressed gate run's report renders its verdict and charts in a real browser${CHROMIUM ? '' : ' (skipped: no Chromium)'}`, async () => {
    const dir = scratchDir('report-ab');
    const file = join(dir, 'report.html');
    writeFileSync(file, toHtml(regressedGateReport()));
    const problems = await inChromium(file, async (page) => {
      expect(await page.locator('#gate-verdict').textContent()).toMatch(/^Regression gate: REGRESSION in 1 of 2 case\(s\)/);
      // Two interval charts (one per case, the passing one has no metric rows) and two round charts for the regressed case.
      const lanes = await page.evaluate<{ red: number; blue: number; width: number }>(`(() => {
        const bars = [...document.querySelectorAll('line.interval')];
        return { red: bars.filter((b) => b.getAttribute('stroke') === '#dc2626').length, blue: bars.filter((b) => b.getAttribute('stroke') === '#2563eb').length,
          width: Math.min(...bars.map((b) => b.getBoundingClientRect().width)) };
      })()`);
      expect(lanes).toMatchObject({ red: 1, blue: 1 });
      expect(lanes.width).toBeGreaterThan(5);
      expect(await page.locator('figure.chart:not(.interval) path.series').count()).toBe(4);
    });
    expect(problems).toEqual([]);
  });
});
