import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ADAPTERS, adapterFor } from '../support/gateway/adapters.ts';
import type { LaunchContext } from '../support/gateway/adapter.ts';
import { IMAGES } from '../support/shared/images-file.ts';
import { findLocalTools } from '../support/stack/local.ts';
import { buildConfig } from '../support/shared/config.ts';
import { extraCostSetup } from '../support/stack/extra-cost.ts';
import { defaultNoiseFile, loadRunToRun } from '../support/budget/run-to-run.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const upstreams = [{ name: 'perf_load', url: 'http://perf-load:8000/mcp', expectTools: 7 }, { name: 'fast_time', url: 'http://fast-time:8000/mcp', expectTools: 2 }];
const deps = { postgres: { host: 'postgres', port: 5432, user: 'perf', password: 'pw', database: 'mcpgateway' }, redis: { host: 'redis', port: 6379 } };
const context = (where: LaunchContext['where'], dir: string): LaunchContext => ({ where, host: where === 'local' ? '127.0.0.1' : '0.0.0.0', port: 4100, workers: 2, upstreams, deps, dir, extraEnv: { EXTRA: '1' } });

describe('gateway adapters', () => {
  it.each(Object.values(ADAPTERS))('$kind: its image role is pinned in images.json, local and its version (official where one is published)', (adapter) => {
    expect(IMAGES.local[adapter.image.role], `images.json local.${adapter.image.role}`).toBeTruthy();
    expect(IMAGES.versions[adapter.image.role], `images.json versions.${adapter.image.role}`).toBe(adapter.version);
  });

  it('every folder of tests/support/gateway with an index.ts is an adapter, found by its kind (no list to edit)', () => {
    const folders = readdirSync(join(root, 'tests/support/gateway'), { withFileTypes: true }).filter((d) => d.isDirectory() && existsSync(join(root, 'tests/support/gateway', d.name, 'index.ts'))).map((d) => d.name);
    expect(Object.keys(ADAPTERS).sort()).toEqual(folders.sort());
  });

  it('the image build lists every adapter whose image is built here, with its pinned version', () => {
    const r = spawnSync(process.execPath, ['scripts/gateway-builds.ts'], { cwd: root, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const built = Object.values(ADAPTERS).filter((a) => a.image.build);
    expect(r.stdout.trim().split('\n').map((line) => line.split('\t')[0])).toEqual(built.map((a) => IMAGES.local[a.image.role]));
    for (const a of built) expect(r.stdout).toContain(`${a.image.build!.versionArg}=${a.version}`);
  });

  it('the scripts that handle every stack image (setup, the registry mirror, the non-root check) get every adapter\'s role', () => {
    const roles = (which: string) => spawnSync(process.execPath, ['scripts/official-image.ts', '--roles', which], { cwd: root, encoding: 'utf8' });
    const stack = roles('stack');
    expect(stack.status, stack.stderr).toBe(0);
    expect(stack.stdout.trim().split(' ')).toEqual(['postgres', 'redis', 'haproxy', ...new Set(Object.values(ADAPTERS).map((a) => a.image.role).filter((role) => IMAGES.official[role]))]);
    expect(roles('services').stdout.trim()).toBe('postgres redis haproxy');
    const bad = roles('gateways');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--roles stack\|services/);
  });

  it.each(Object.values(ADAPTERS))('$kind: PERF_GATEWAY_ENV comes last, and the listen address and port are the ones given', (adapter) => {
    const p = adapter.prepare(context('container', adapter.image.configDir));
    expect(p.env.EXTRA).toBe('1');
    expect(JSON.stringify([p.env, p.args ?? []])).toMatch(/4100/);
  });

  it('ContextForge: database and Redis by URL, metrics in a tmpfs in a container and in the run directory as a process', () => {
    const cf = adapterFor('contextforge');
    const c = cf.prepare(context('container', '/app'));
    expect(c.env.DATABASE_URL).toBe('postgresql+psycopg://perf:pw@postgres:5432/mcpgateway');
    expect(c.env.REDIS_URL).toBe('redis://redis:6379/0');
    expect(c.env.PROMETHEUS_MULTIPROC_DIR).toBe(Object.keys(cf.image.tmpfs ?? {})[0]);
    expect(c.args).toBeUndefined();
    const l = cf.prepare(context('local', '/tmp/run/gateway'));
    expect(l.env.PROMETHEUS_MULTIPROC_DIR).toBe('/tmp/run/gateway/prometheus');
    expect(l.args).toEqual(expect.arrayContaining(['--workers', '2', '--bind', '127.0.0.1:4100']));
    expect(() => cf.prepare({ ...context('container', '/app'), deps: {} })).toThrow(/needs the PostgreSQL and Redis/);
  });

  it('LiteLLM: told about its upstreams by a config file in the directory given, no database', () => {
    const ll = adapterFor('litellm');
    expect(ll.needs).toEqual({ postgres: false, redis: false });
    const p = ll.prepare(context('local', '/tmp/run/gateway'));
    expect(p.files).toHaveLength(1);
    expect(p.files[0]!.target).toBe('/tmp/run/gateway/mcp-perf-config.yaml');
    expect(p.files[0]!.content).toMatch(/perf_load:\n {4}url: "http:\/\/perf-load:8000\/mcp"/);
    expect(p.args).toEqual(['--config', '/tmp/run/gateway/mcp-perf-config.yaml', '--port', '4100', '--host', '127.0.0.1', '--num_workers', '2', '--timeout_worker_healthcheck', '120']);
  });

  it('an unknown gateway is refused with the choices', () => {
    const kinds = Object.keys(ADAPTERS);
    expect(() => adapterFor('kong')).toThrow(`PERF_GATEWAY="kong" is not a gateway the suite can start: use ${kinds.slice(0, -1).join(', ')} or ${kinds.at(-1)}`);
  });

  it('the local stack asks only for what the gateway needs, and names what to install', () => {
    const ll = findLocalTools('litellm', buildConfig({ PERF_LITELLM_VENV: '/nonexistent' }));
    expect(ll.missing).toEqual([expect.stringMatching(/^LiteLLM's proxy in a Python virtualenv at \/nonexistent/)]);
    const cf = findLocalTools('contextforge', buildConfig({ PERF_CONTEXTFORGE_VENV: '/nonexistent' }), '');
    expect(cf.missing.some((m) => /ContextForge in a Python >= 3.12 virtualenv at \/nonexistent/.test(m))).toBe(true);
    expect(cf.missing.some((m) => /redis-server/.test(m))).toBe(true);
  });

  it('the gate benchmark\'s extra cost wraps the app its adapter names', () => {
    const cf = extraCostSetup({ ms: 5 }, adapterFor('contextforge'));
    expect(cf.env).toMatchObject({ MCP_PERF_APP_MODULE: 'mcpgateway.main', MCP_PERF_EXTRA_CPU_MS: '5' });
    const ll = extraCostSetup({ ms: 5 }, adapterFor('litellm'));
    expect(ll.env.MCP_PERF_APP_MODULE).toBe('litellm.proxy.proxy_server');
    expect(() => extraCostSetup({ ms: 5 }, { kind: 'other' })).toThrow(/PERF_GATEWAY=other: its adapter names no app/);
    expect(extraCostSetup(undefined, { kind: 'other' }).env).toEqual({});
    expect(extraCostSetup({ ms: 5, paths: 'all' }, adapterFor('contextforge')).env.MCP_PERF_EXTRA_CPU_PATHS).toBe('all');
    expect(extraCostSetup({ ms: 5, paths: 'mcp' }, adapterFor('contextforge')).env.MCP_PERF_EXTRA_CPU_PATHS).toBeUndefined();
  });

  it('the extra-cost wrapper spends its CPU on MCP requests only, or on every request with paths all (Python, a stand-in app)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-perf-extra-cost-'));
    try {
      writeFileSync(join(dir, 'standin_app.py'), 'async def app(scope, receive, send):\n    return None\n');
      const probe = [
        'import asyncio, time, standin_app',
        'async def main():',
        '    for path in ("/health", "/v1/tools", "/servers/x/mcp", "/rpc"):',
        '        t = time.thread_time()',
        '        await standin_app.app({"type": "http", "path": path}, None, None)',
        '        print(path, round((time.thread_time() - t) * 1000))',
        'asyncio.run(main())',
      ].join('\n');
      const cpuMs = (paths?: string) => {
        const env = { ...process.env, PYTHONPATH: `${join(root, 'fixtures/gateway-extra-cost')}:${dir}`, MCP_PERF_APP_MODULE: 'standin_app', MCP_PERF_EXTRA_CPU_MS: '30', ...(paths ? { MCP_PERF_EXTRA_CPU_PATHS: paths } : {}) };
        const run = spawnSync('python3', ['-c', probe], { env, encoding: 'utf8', timeout: 20_000 });
        expect(run.status, run.stderr).toBe(0);
        expect(run.stderr).toMatch(paths === 'all' ? /30\.0 ms of CPU per HTTP request/ : /30\.0 ms of CPU per MCP request/);
        return Object.fromEntries(run.stdout.trim().split('\n').map((l) => l.split(' ')).map(([p, ms]) => [p, Number(ms)]));
      };
      const mcp = cpuMs();
      expect(mcp['/health']).toBeLessThan(5);
      expect(mcp['/v1/tools']).toBeLessThan(5);
      expect(mcp['/servers/x/mcp']).toBeGreaterThanOrEqual(30);
      expect(mcp['/rpc']).toBeGreaterThanOrEqual(30);
      for (const ms of Object.values(cpuMs('all'))) expect(ms).toBeGreaterThanOrEqual(30);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the extra-cost wrapper also wraps what a uvicorn Config loads (a server that builds its app at run time), and keeps the leak it is asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-perf-extra-cost-'));
    try {
      writeFileSync(join(dir, 'standin_uv.py'), 'class Config:\n    def __init__(self, app):\n        self.app = app\n    def load(self):\n        self.loaded_app = self.app\n');
      const probe = [
        'import asyncio, time, standin_uv, sitecustomize',
        'async def app(scope, receive, send):',
        '    return None',
        'async def main():',
        '    c = standin_uv.Config(app)',
        '    c.load()',
        '    t = time.thread_time()',
        '    for _ in range(100):',
        '        await c.loaded_app({"type": "http", "path": "/mcp"}, None, None)',
        '    print(round((time.thread_time() - t) * 1000 / 100), sum(len(b) for b in c.loaded_app._leak.kept))',
        'asyncio.run(main())',
      ].join('\n');
      const env = { ...process.env, PYTHONPATH: `${join(root, 'fixtures/gateway-extra-cost')}:${dir}`, MCP_PERF_APP_MODULE: 'standin_uv', MCP_PERF_EXTRA_CPU_MS: '5', MCP_PERF_LEAK_BYTES: '2000' };
      const run = spawnSync('python3', ['-c', probe], { env, encoding: 'utf8', timeout: 20_000 });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toMatch(/standin_uv\.Config\.load wrapped: 5\.0 ms of CPU per MCP request, 2000 bytes kept per request/);
      const [ms, kept] = run.stdout.trim().split(' ').map(Number);
      expect(ms).toBeGreaterThanOrEqual(5);
      // 100 requests x 2000 bytes, kept in whole 64 KiB blocks: three blocks (196608 bytes), the rest pending.
      expect(kept).toBe(3 * 65536);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a gateway repository\'s own build gets the same extra cost: the Containerfile lines wrap its adapter\'s app', () => {
    const layer = (...args: string[]) => spawnSync(process.execPath, ['scripts/extra-cost-layer.ts', ...args], { cwd: root, encoding: 'utf8' });
    const ll = layer('litellm', '30', 'slow');
    expect(ll.status, ll.stderr).toBe(0);
    expect(ll.stdout).toBe('COPY slow/ /opt/mcp-perf-extra-cost/\nENV PYTHONPATH="/opt/mcp-perf-extra-cost:/app" MCP_PERF_APP_MODULE="litellm.proxy.proxy_server" MCP_PERF_EXTRA_CPU_MS="30"\n');
    expect(layer('contextforge', '0', 'x').stdout).toContain('MCP_PERF_APP_MODULE="mcpgateway.main" MCP_PERF_EXTRA_CPU_MS="0"');
    for (const [args, why] of [[['other', '30', 'slow'], /unknown gateway 'other'/], [['litellm', '-1', 'slow'], /ms '-1': a number/], [['litellm', '30'], /usage:/]] as const) {
      const bad = layer(...args);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toMatch(why);
    }
  });

  it('the A/B gate reads each gateway\'s own run-to-run noise, never another\'s', () => {
    expect(defaultNoiseFile('contextforge')).toBe('baselines/gate-noise.json');
    expect(defaultNoiseFile('litellm')).toBe('baselines/litellm/gate-noise.json');
    expect(loadRunToRun(undefined, 'no-such-gateway')).toEqual({ noise: null, from: 'baselines/no-such-gateway/gate-noise.json absent' });
  });
});
