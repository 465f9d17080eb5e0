import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { buildConfig, config, settingsAsGiven } from '../support/shared/config.ts';
import { stackOptionsFrom } from '../support/stack/options.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('the run\'s configuration: one typed value built from the settings catalogue', () => {
  it('gives every unset setting its default, and numbers as numbers', () => {
    const c = buildConfig({});
    expect(c.PERF_PROFILE).toBe('smoke');
    expect(c.PERF_STACK).toBe('auto');
    expect(c.PERF_STARTUP_TIMEOUT_S).toBe(240);
    expect(c.PERF_GATEWAY_UPSTREAMS).toBe('perf_load,fast_time');
    expect(c.PERF_BASELINE).toBeUndefined();
    // Unset workers: the suite's 2 for a stack it starts, unknown for an external gateway (not a catalogue default).
    expect(c.PERF_GATEWAY_WORKERS).toBeUndefined();
    expect(stackOptionsFrom(c).gatewayWorkers).toBe(2);
    const given = buildConfig({ PERF_STARTUP_TIMEOUT_S: '30', PERF_AB_HEAD_EXTRA_CPU_MS: '2.5', PERF_STACK: '' });
    expect(given.PERF_STARTUP_TIMEOUT_S).toBe(30);
    expect(given.PERF_AB_HEAD_EXTRA_CPU_MS).toBe(2.5);
    expect(given.PERF_STACK).toBe('auto');
  });

  it('takes the profile\'s default where the profile decides', () => {
    expect([buildConfig({}).PERF_CASES, buildConfig({}).PERF_FIT_RATES]).toEqual(['quick', 0]);
    expect([buildConfig({ PERF_PROFILE: 'pr' }).PERF_CASES, buildConfig({ PERF_PROFILE: 'pr' }).PERF_FIT_RATES]).toEqual(['all', 0]);
    expect(buildConfig({ PERF_PROFILE: 'nightly' }).PERF_FIT_RATES).toBe(0.6);
    expect(buildConfig({ PERF_PROFILE: 'nightly', PERF_FIT_RATES: '0' }).PERF_FIT_RATES).toBe(0);
    expect(buildConfig({ PERF_PROFILE: 'smoke', PERF_CASES: 'all' }).PERF_CASES).toBe('all');
  });

  it('refuses every bad value at once, before anything uses one', () => {
    expect(() => buildConfig({ PERF_PROFILE: 'weekly', PERF_GATEWAY_WORKERS: 'two' }, () => undefined))
      .toThrow('bad settings: PERF_PROFILE="weekly" must be one of smoke, pr, nightly, soak; PERF_GATEWAY_WORKERS="two" must be a whole number >= 1');
    const warned: string[] = [];
    buildConfig({ PERF_PROFLE: 'pr' }, (line) => warned.push(line));
    expect(warned).toEqual(['[mcp-perf] WARNING: PERF_PROFLE is not a setting of the suite and is ignored: did you mean PERF_PROFILE?']);
  });

  it('keeps MCP_PERF_<ROLE>_IMAGE by name', () => {
    expect(buildConfig({ MCP_PERF_POSTGRES_IMAGE: 'mirror/postgres:17' }).roleImages).toEqual({ MCP_PERF_POSTGRES_IMAGE: 'mirror/postgres:17' });
  });

  it('is built again when a setting changes, and only then', () => {
    const first = config();
    expect(config()).toBe(first);
    vi.stubEnv('PERF_BASELINE', 'judge');
    try {
      expect(config().PERF_BASELINE).toBe('judge');
      expect(config()).not.toBe(first);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(config().PERF_BASELINE).toBeUndefined();
  });

  it('says which settings a run was given away from their defaults, credentials hidden', () => {
    expect(settingsAsGiven(buildConfig({}))).toEqual({});
    expect(settingsAsGiven(buildConfig({ PERF_PROFILE: 'pr', PERF_CASES: 'all', PERF_STACK: 'auto', PERF_BASELINE: 'judge', PERF_RUN_ID: 'x', PERF_GATEWAY_TOKEN: 's3cret', PERF_ACT_USER: 'u' })))
      .toEqual({ PERF_PROFILE: 'pr', PERF_BASELINE: 'judge', PERF_GATEWAY_TOKEN: '***' });
    // all is pr's default but not smoke's.
    expect(settingsAsGiven(buildConfig({ PERF_CASES: 'all' }))).toEqual({ PERF_CASES: 'all' });
  });

  it('a bad setting stops the perf suite in one line, exit 2, before anything starts', () => {
    const vitest = join(root, 'node_modules/vitest/vitest.mjs');
    const r = spawnSync(process.execPath, [vitest, 'run', '--config', 'vitest.perf.config.ts'], { cwd: root, encoding: 'utf8', timeout: 60_000, env: { ...process.env, PERF_PROFILE: 'weekly', PERF_RUN_ID: 'bad-setting' } });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(2);
    expect(r.stderr.trim()).toBe('[mcp-perf] bad settings: PERF_PROFILE="weekly" must be one of smoke, pr, nightly, soak (README, "Every setting", gives each one\'s values)');
  }, 90_000);

  it('reaches a case as the one value the Vitest config handed over, not a second read of the environment', () => {
    // Inside the project (scratch/ is ignored by git), so that the config file resolves vitest from node_modules.
    mkdirSync(join(root, 'scratch'), { recursive: true });
    const dir = mkdtempSync(join(root, 'scratch', 'config-handed-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const configFile = join(dir, 'vitest.handed.config.ts');
    const testFile = join(dir, 'handed.test.ts');
    const configModule = join(root, 'tests/support/shared/config.ts');
    writeFileSync(configFile, `import { defineConfig } from 'vitest/config';\nimport { buildConfig } from '${configModule}';\n` +
      `export default defineConfig({ test: { root: '${dir}', include: ['handed.test.ts'], provide: { config: buildConfig({ PERF_PROFILE: 'nightly' }) } } });\n`);
    writeFileSync(testFile, `import { expect, it } from 'vitest';\nimport { config } from '${configModule}';\n` +
      `it('sees the handed configuration', () => { expect(config().PERF_PROFILE).toBe('nightly'); expect(process.env.PERF_PROFILE).toBe('smoke'); });\n`);
    const vitest = join(root, 'node_modules/vitest/vitest.mjs');
    const r = spawnSync(process.execPath, [vitest, 'run', '--config', configFile], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, PERF_PROFILE: 'smoke' } });
    expect(r.status, `${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/1 passed/);
  }, 150_000);
});
