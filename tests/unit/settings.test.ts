import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SETTINGS } from '../support/shared/settings.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCES = ['tests/support', 'scripts', 'fixtures/gateway-extra-cost', 'vitest.config.ts', 'vitest.perf.config.ts', '.github', '.ci'];
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
    const table = readme.slice(readme.indexOf('### Every setting'));
    expect(SETTINGS.filter((s) => !s.internal && !table.includes(`| \`${s.name}\` |`)).map((s) => s.name)).toEqual([]);
  });

  it('fails on a variable read but not catalogued', () => {
    const read = variablesRead([...code, 'const x = process.env.PERF_NOT_A_SETTING;']);
    expect([...read].filter((v) => !known.has(v))).toEqual(['PERF_NOT_A_SETTING']);
  });
});
