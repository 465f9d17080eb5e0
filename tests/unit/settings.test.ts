import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertSettings, checkSettings, SETTINGS } from '../support/shared/settings.ts';
import { stackOptionsFrom } from '../support/stack/options.ts';
import { buildConfig } from '../support/shared/config.ts';
import { setting } from '../support/shared/config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = ['tests/support', 'tests/perf', 'scripts', 'fixtures/gateway-extra-cost', 'vitest.config.ts', 'vitest.perf.config.ts', '.github', '.ci'];
const VARIABLE = /\b(?:MCP_)?PERF_[A-Z0-9_]*[A-Z0-9]\b/g;

function files(path: string): string[] {
  const full = join(root, path);
  if (!statSync(full, { throwIfNoEntry: false })) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full).flatMap((f) => files(join(path, f)));
}

/** Every PERF_* and MCP_PERF_* name in the suite's code, but the settings catalogue itself. */
export function variablesRead(texts: string[]): Set<string> {
  return new Set(texts.flatMap((t) => t.match(VARIABLE) ?? []));
}

const code = SOURCES.flatMap(files).filter((f) => !f.endsWith('shared/settings.ts')).map((f) => readFileSync(join(root, f), 'utf8'));
const known = new Set(SETTINGS.map((s) => s.name));

describe('settings: the catalogue, the code and README agree', () => {
  it('every variable the suite reads is in the catalogue', () => {
    expect([...variablesRead(code)].filter((v) => !known.has(v)).sort()).toEqual([]);
  });

  it('every variable in the catalogue is read somewhere (no stale entry)', () => {
    const read = variablesRead(code);
    expect(SETTINGS.map((s) => s.name).filter((n) => !read.has(n))).toEqual([]);
  });

  it('README\'s "Every setting" table has a row for each one users set', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## Every setting'));
    expect(SETTINGS.filter((s) => !s.internal && !table.includes(`| \`${s.name}\` |`)).map((s) => s.name)).toEqual([]);
  });

  it('setting() reads only catalogued names: a name missing from the catalogue is refused', () => {
    expect(() => setting('PERF_NOT_A_SETTING')).toThrow(/PERF_NOT_A_SETTING is not in the settings catalogue/);
    expect(() => setting('PERF_PROFILE')).not.toThrow();
    expect(() => setting('MCP_PERF_POSTGRES_IMAGE')).not.toThrow();
  });

  it('fails on a variable read but not catalogued', () => {
    const read = variablesRead([...code, 'const x = process.env.PERF_NOT_A_SETTING;']);
    expect([...read].filter((v) => !known.has(v))).toEqual(['PERF_NOT_A_SETTING']);
  });

  it('refuses every bad value at once, and names a misspelt variable with the one meant', () => {
    const { errors, warnings } = checkSettings({
      PERF_BASELINE: 'judged', PERF_AB_SEED: '-1', PERF_GATEWAY_MCP_URL: '127.0.0.1:4000/mcp', PERF_PROFILE: 'smoke',
      PERF_GATEWAY_WORKER: '4', MCP_PERF_LITELLM_IMAGE: 'x:1', HOME: '/root', PERF_FIT_RATES: '60%',
    });
    expect(errors).toEqual([
      'PERF_BASELINE="judged" must be one of judge, record, add',
      'PERF_AB_SEED="-1" must be a whole number >= 0',
      'PERF_GATEWAY_MCP_URL="127.0.0.1:4000/mcp" must be an absolute URL, e.g. http://127.0.0.1:4444',
      'PERF_FIT_RATES="60%" must be a number from 0 to 0.95',
    ]);
    expect(checkSettings({ PERF_FIT_RATES: '1' }).errors).toEqual(['PERF_FIT_RATES="1" must be a number from 0 to 0.95']);
    expect(checkSettings({ PERF_FIT_RATES: '0.6' }).errors).toEqual([]);
    expect(warnings).toEqual(['PERF_GATEWAY_WORKER is not a setting of the suite and is ignored: did you mean PERF_GATEWAY_WORKERS?']);
    expect(() => assertSettings({ PERF_TRANSPORT: 'sse' }, () => undefined)).toThrow(/bad settings: PERF_TRANSPORT="sse" must be one of native, mcp/);
  });

  it('the stack options check them before anything starts', () => {
    expect(() => stackOptionsFrom(buildConfig({ PERF_BASELINE: 'jugde' }))).toThrow(/PERF_BASELINE="jugde" must be one of judge, record, add/);
    expect(checkSettings({ PERF_STACK: 'containers', PERF_GATEWAY_WORKERS: '2', PERF_AB_HEAD_EXTRA_CPU_MS: '2.5' })).toEqual({ errors: [], warnings: [] });
  });

  it('a deliberately slowed gateway is never recorded as a baseline, and needs containers', () => {
    expect(stackOptionsFrom(buildConfig({ PERF_GATEWAY_EXTRA_CPU_MS: '20', PERF_BASELINE: 'judge' })).gatewayExtraCpuMs).toBe(20);
    expect(stackOptionsFrom(buildConfig({})).gatewayExtraCpuMs).toBeUndefined();
    expect(stackOptionsFrom(buildConfig({ PERF_GATEWAY_EXTRA_CPU_MS: '0' })).gatewayExtraCpuMs).toBeUndefined();
    for (const mode of ['record', 'add']) {
      expect(() => stackOptionsFrom(buildConfig({ PERF_GATEWAY_EXTRA_CPU_MS: '20', PERF_BASELINE: mode }))).toThrow(new RegExp(`PERF_BASELINE=${mode} would keep that run as a baseline`));
    }
    expect(() => stackOptionsFrom(buildConfig({ PERF_GATEWAY_EXTRA_CPU_MS: '20', PERF_STACK: 'local' }))).toThrow(/needs the containers stack/);
    expect(() => stackOptionsFrom(buildConfig({ PERF_GATEWAY_EXTRA_CPU_MS: '-3' }))).toThrow(/PERF_GATEWAY_EXTRA_CPU_MS="-3"/);
  });

  it('so is a deliberately slowed second instance of the scaling case', () => {
    expect(() => stackOptionsFrom(buildConfig({ PERF_SCALING_SECOND_EXTRA_CPU_MS: '20', PERF_BASELINE: 'judge' }))).not.toThrow();
    for (const mode of ['record', 'add']) {
      expect(() => stackOptionsFrom(buildConfig({ PERF_SCALING_SECOND_EXTRA_CPU_MS: '20', PERF_BASELINE: mode }))).toThrow(new RegExp(`PERF_SCALING_SECOND_EXTRA_CPU_MS=20 slows the gateway on purpose, and PERF_BASELINE=${mode}`));
    }
    expect(() => stackOptionsFrom(buildConfig({ PERF_SCALING_SECOND_EXTRA_CPU_MS: '20', PERF_STACK: 'external' }))).toThrow(/PERF_SCALING_SECOND_EXTRA_CPU_MS needs the containers stack/);
    expect(() => stackOptionsFrom(buildConfig({ PERF_SCALING_SECOND_EXTRA_CPU_MS: 'fast' }))).toThrow(/PERF_SCALING_SECOND_EXTRA_CPU_MS="fast"/);
  });
});
