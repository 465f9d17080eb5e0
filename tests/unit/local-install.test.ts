// A gateway's local install, described once in its adapter: what the local stack says to install, and what
// scripts/gateway-locals.ts hands setup-local.sh, both from that description.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../support/gateway/adapters.ts';
import { localFromVenv, venvDir, type LocalInstall } from '../support/gateway/local-install.ts';
import { buildConfig } from '../support/shared/config.ts';
import { scratchDir } from '../scratch-dir.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const spec: LocalInstall = { venvSetting: 'PERF_CONTEXTFORGE_VENV', defaultVenv: '.venv-x', minPython: '3.12', packages: ['x-gateway==1.2.3', 'psycopg[binary]>=3.2'], executable: 'x-serve', check: 'import x' };

describe('a gateway\'s local install', () => {
  it('is found in its virtualenv, or says what to install and where', () => {
    const dir = scratchDir('local-install');
    const local = localFromVenv('X', spec);
    const missing = local(buildConfig({ PERF_CONTEXTFORGE_VENV: dir }));
    expect(missing.executable).toBeUndefined();
    expect(missing.install).toBe(`X in a Python >= 3.12 virtualenv at ${dir} (npm run setup:local; or python3.12 -m venv ${dir} && ${dir}/bin/pip install "x-gateway==1.2.3" "psycopg[binary]>=3.2"; or set PERF_CONTEXTFORGE_VENV)`);
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'x-serve'), '');
    expect(local(buildConfig({ PERF_CONTEXTFORGE_VENV: dir })).executable).toBe(join(dir, 'bin', 'x-serve'));
    expect(venvDir(spec, buildConfig({}), '/p')).toBe('/p/.venv-x');
  });

  it('setup-local.sh gets one line per adapter that has one, from the adapters themselves', () => {
    const p = spawnSync(process.execPath, ['scripts/gateway-locals.ts'], { cwd: root, encoding: 'utf8', env: { ...process.env, PERF_LITELLM_VENV: '/elsewhere/litellm' } });
    expect(p.status, p.stderr).toBe(0);
    const lines = p.stdout.trim().split('\n').map((l) => l.split('\t'));
    const withLocal = Object.values(ADAPTERS).filter((a) => a.localInstall);
    expect(lines.map((l) => l[0])).toEqual(withLocal.map((a) => a.title));
    for (const l of lines) expect(l).toHaveLength(6);
    const litellm = lines.find((l) => l[0] === ADAPTERS.litellm!.title)!;
    expect(litellm[1]).toBe('/elsewhere/litellm');
    expect(litellm[3]).toMatch(/^litellm\[proxy\]==\d/);
    expect(litellm[5]).toBe('LITELLM_LOCAL_MODEL_COST_MAP=True');
    expect(lines.find((l) => l[0] === 'ContextForge')![2]).toBe('3.12');
  });
});
