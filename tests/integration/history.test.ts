// The nightly history as the workflow uses it: append each run's results.json, then check for change points.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { scratchDir } from '../scratch-dir.ts';
import { CHROMIUM, inChromium } from '../chromium.ts';
import { results } from '../results-fixture.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const history = (args: string[]) => spawnSync(process.execPath, ['scripts/history.ts', ...args], { cwd: root, encoding: 'utf8' });

describe('nightly history', () => {
  it('flags a p50 that stepped up 15% and stayed, naming the run it started with; a steady history passes', () => {
    const dir = scratchDir('history');
    const file = join(dir, 'history.json');
    const level = (i: number) => (i < 12 ? 40 : 46) * (1 + 0.02 * Math.sin(1.9 * i));
    for (let i = 0; i < 11; i++) expect(history(['append', results(dir, i, level(i)), '--file', file, '--commit', `c0ffee${i}`]).status).toBe(0);
    const steady = history(['check', '--file', file]);
    expect(steady.status, steady.stdout + steady.stderr).toBe(0);
    expect(steady.stdout).toMatch(/no shift/);
    for (let i = 11; i < 20; i++) history(['append', results(dir, i, level(i)), '--file', file]);
    const shifted = history(['check', '--file', file]);
    expect(shifted.status, shifted.stdout + shifted.stderr).toBe(1);
    expect(shifted.stdout).toMatch(/WORSE\s+nightly \| unknown gateway \| MCP 2025-06-18\s+PERF-01 tools\/list\s+p50 .* nightly-12/);
    expect(JSON.parse(readFileSync(file, 'utf8')).entries).toHaveLength(20);
  });

  it('keeps gateways and MCP revisions apart: two gateways 30% apart, run on alternate nights, raise nothing; a step in one is named with its series', () => {
    const dir = scratchDir('history');
    const file = join(dir, 'history.json');
    const wobble = (i: number) => 1 + 0.02 * Math.sin(1.9 * i);
    for (let i = 0; i < 14; i++) {
      history(['append', results(dir, i, 40 * wobble(i), { gateway: 'alpha', revision: '2026-07-28' }), '--file', file]);
      history(['append', results(dir, i, 52 * wobble(i) * (i >= 8 ? 1.15 : 1), { gateway: 'beta', revision: '2025-06-18' }), '--file', file]);
    }
    const page = join(dir, 'trend.html');
    const r = history(['check', '--file', file, '--page', page]);
    expect(r.status, r.stdout + r.stderr).toBe(1);
    expect(r.stdout).toMatch(/WORSE\s+nightly \| beta 1 \| MCP 2025-06-18\s+PERF-01 tools\/list\s+p50 .* nightly-8-beta/);
    expect(r.stdout).not.toMatch(/alpha 1/);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('<h2>nightly | alpha 1 | MCP 2026-07-28: 14 run(s)</h2><p class="steady">No change point in this series.</p>');
    expect((html.match(/class="marker"/g) ?? []).length).toBe(1);
  });

  it.skipIf(!CHROMIUM)(`the trend page opens in a real browser and shows the change point${CHROMIUM ? '' : ' (skipped: no Chromium)'}`, async () => {
    const dir = scratchDir('history');
    const file = join(dir, 'history.json');
    for (let i = 0; i < 14; i++) history(['append', results(dir, i, (i < 7 ? 40 : 46) * (1 + 0.02 * Math.sin(1.9 * i))), '--file', file]);
    const page = join(dir, 'trend.html');
    expect(history(['page', '--file', file, '--out', page]).status).toBe(0);
    const problems = await inChromium(page, async (tab) => {
      expect(Number(await tab.evaluate('document.body.dataset.charts'))).toBeGreaterThanOrEqual(3);
      expect(await tab.evaluate('document.body.dataset.markers')).toBe('1');
      // The marker sits at run 8 (the first after the change), between runs 7 and 9 on the latency chart.
      const where = await tab.evaluate<{ marker: number; title: string }>(`(() => {
        const m = document.querySelector('line.marker');
        return { marker: m.getBoundingClientRect().x, title: m.querySelector('title').textContent };
      })()`);
      expect(where.title).toMatch(/^WORSE: p50 \+1\d\.\d% from nightly-7$/);
      expect(where.marker).toBeGreaterThan(0);
    });
    expect(problems).toEqual([]);
  });

  it('flags a 5% step in the gateway CPU per call measured side by side (head against a reference), pooled over the cases, while the plain figures wander more than that; the same history without the step raises nothing', () => {
    // The plain figures wander more than the step from night to night (the runner), the side-by-side ratios less (each
    // case apart): how real runs behave (docs/soak.md, "Drift measured side by side").
    const appendAll = (file: string, step: number) => {
      const dir = scratchDir('history');
      const paths = Array.from({ length: 12 }, (_, i) => results(dir, i, 40 * (1 + 0.08 * Math.sin(2.3 * i)), undefined,
        [0, 1, 2].map((k) => (i >= 6 ? step : 1) * (1 + 0.015 * Math.sin(1.7 * i + 2.1 * k)))));
      const r = history(['append', ...paths, '--file', file]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/appended nightly-0 \(1 scenarios, 4 figures side by side\)/);
    };
    const dir = scratchDir('history');
    const clean = join(dir, 'clean.json');
    appendAll(clean, 1);
    const steady = history(['check', '--file', clean, '--min-change', '0.03']);
    expect(steady.status, steady.stdout).toBe(0);
    expect(steady.stdout).toMatch(/no shift/);
    const injected = join(dir, 'injected.json');
    appendAll(injected, 1.05);
    const page = join(dir, 'trend.html');
    const r = history(['check', '--file', injected, '--min-change', '0.03', '--page', page]);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toMatch(/WORSE\s+nightly \| unknown gateway \| MCP 2025-06-18\s+all cases: gateway CPU per call\s+head\/base\s+\S+\s+\S+\s+\+\d\.\d%\s+nightly-6 /);
    expect(r.stdout).not.toMatch(/WORSE.*PERF-01/);
    const html = readFileSync(page, 'utf8');
    expect(html).toContain('measured side by side in each run');
    expect(html).toMatch(/WORSE: \+\d\.\d% from nightly-6/);
  });

  it('keeps gate runs on another MCP revision in their own series: named by their cases, as an A/B run\'s stack negotiates none', () => {
    // Six nightly gates on 2025-06-18, then six on 2026-07-28 whose pooled CPU ratio sits 10% higher: not a shift of one series.
    const dir = scratchDir('history');
    const paths = Array.from({ length: 12 }, (_, i) => results(dir, i, 40, undefined, [1, 1, 1].map((x) => x * (i >= 6 ? 1.1 : 1) * (1 + 0.01 * Math.sin(i + 1))), i >= 6 ? ' [MCP 2026-07-28]' : ''));
    const file = join(dir, 'history.json');
    expect(history(['append', ...paths, '--file', file]).status).toBe(0);
    const entries = (JSON.parse(readFileSync(file, 'utf8')) as { entries: { revision?: string }[] }).entries;
    expect(entries.map((e) => e.revision ?? '2025-06-18')).toEqual([...Array(6).fill('2025-06-18'), ...Array(6).fill('2026-07-28')]);
    const r = history(['check', '--file', file, '--min-change', '0.03']);
    expect(r.status, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/no shift/);
  });

  it('refuses what is not a results.json, saying so', () => {
    const dir = scratchDir('history');
    writeFileSync(join(dir, 'x.json'), '{"hello":1}');
    const r = history(['append', join(dir, 'x.json'), '--file', join(dir, 'h.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/not a results.json of mcp-perf/);
  });
});
