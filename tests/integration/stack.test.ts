// The containers stack for real: start-up, teardown after failure and Ctrl-C, and clear errors for
// faults. Needs a container runtime and the images (npm run setup); without a runtime these skip.
import { spawn, spawnSync } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { Agent } from 'undici';
import { StreamableHttpClient } from '../support/mcp/streamable-http-client.ts';
import { controlContainer } from '../support/stack/container-control.ts';
import { gatewayDeathNote, gatewayState } from '../support/stack/gateway-state.ts';
import { findLocalTools } from '../support/stack/local.ts';
import { dockerodeOf, probeRuntime } from '../support/stack/runtime.ts';
import type { StackInfo } from '../support/shared/stack-info.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const runtime = await probeRuntime();

/** The suite's containers and networks, and any network Testcontainers made (an interrupted run's used to stay). */
async function leftovers(): Promise<number> {
  const dockerode = (runtime.client!.container as unknown as { dockerode: { listContainers(o: object): Promise<unknown[]>; listNetworks(o: object): Promise<unknown[]> } }).dockerode;
  const ours = JSON.stringify({ label: ['mcp-perf.run'] });
  const [containers, networks, testcontainers] = await Promise.all([dockerode.listContainers({ all: true, filters: ours }),
    dockerode.listNetworks({ filters: ours }), dockerode.listNetworks({ filters: JSON.stringify({ label: ['org.testcontainers=true'] }) })]);
  return containers.length + networks.length + testcontainers.length;
}

/** Whether a TCP connection to address:port opens, is refused, or neither within 3 s. */
function dial(address: string, port: number): Promise<'connected' | 'refused' | string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('timed out');
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? 'refused' : e.code ?? e.message));
  });
}

/** Holds a containers stack (npm run stack -- --hold) while `use` runs with its endpoints; always stopped (Ctrl-C) after. */
async function withHeldStack(use: (held: StackInfo) => Promise<void>, env: Record<string, string> = {}): Promise<void> {
  const holder = spawn(process.execPath, ['scripts/stack.ts', '--hold'], { cwd: root, env: { ...process.env, PERF_STACK: 'containers', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  holder.stdout.on('data', (c: Buffer) => (out += c.toString()));
  holder.stderr.on('data', (c: Buffer) => (err += c.toString()));
  try {
    const deadline = Date.now() + 240_000;
    while (!/stack is up/.test(err) && Date.now() < deadline && holder.exitCode === null) await new Promise((r) => setTimeout(r, 500));
    expect(err, err.slice(-2000)).toMatch(/stack is up/);
    await use(JSON.parse(out) as StackInfo);
  } finally {
    holder.kill('SIGINT');
    await new Promise((r) => (holder.exitCode === null ? holder.once('exit', r) : r(undefined)));
  }
}

interface Exit {
  code: number | null;
  output: string;
  ms: number;
}

function run(args: string[], env: Record<string, string> = {}, opts: { timeoutMs?: number; interruptWhen?: RegExp } = {}): Promise<Exit> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let interrupted = false;
    const onData = (c: Buffer) => {
      output += c.toString();
      if (opts.interruptWhen && !interrupted && opts.interruptWhen.test(output)) {
        interrupted = true;
        child.kill('SIGINT');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${opts.timeoutMs} ms:\n${output.slice(-3000)}`));
    }, opts.timeoutMs ?? 300_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - t0 });
    });
  });
}

describe.skipIf(!runtime.ok)(`containers stack${runtime.ok ? '' : ` (skipped: ${runtime.detail})`}`, () => {
  let before = 0;
  beforeEach(async () => {
    before = await leftovers();
  });

  it('starts, answers and is removed again (npm run stack)', async () => {
    const exit = await run(['scripts/stack.ts'], { PERF_STACK: 'containers' });
    expect(exit.code, exit.output.slice(-3000)).toBe(0);
    const info = JSON.parse(exit.output.slice(exit.output.indexOf('{\n'), exit.output.lastIndexOf('}') + 1));
    expect(info.provider).toBe('containers');
    expect(info.gateway.tools['fast_time/get_system_time']).toBe('fast-time-get-system-time');
    expect(Object.keys(info.gateway.tools)).toHaveLength(9);
    expect(info.direct.map((d: { name: string }) => d.name)).toEqual(['perf_load', 'fast_time']);
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('PERF_GATEWAY=litellm: LiteLLM in front of the same MCP servers, a tool called over its standard MCP endpoint, all removed after', async () => {
    await withHeldStack(async (held) => {
      const gw = held.gateway!;
      expect(gw.kind).toBe('litellm');
      expect(held.postgres).toBeUndefined();
      expect(gw.tools['fast_time/get_system_time']).toBe('fast_time-get_system_time');
      expect(Object.keys(gw.tools)).toHaveLength(9);
      expect(new URL(gw.mcpUrl).hostname).toBe('127.0.0.1');
      const agent = new Agent();
      const client = new StreamableHttpClient({ url: gw.mcpUrl, dispatcher: agent, headers: { authorization: `Bearer ${gw.token}` } });
      try {
        const signal = AbortSignal.timeout(30_000);
        await client.initialize({ signal });
        const reply = await client.callTool(gw.tools['fast_time/get_system_time']!, { timezone: 'UTC' }, { signal });
        expect(reply.result.content.map((c) => c.text ?? '').join(' ')).toMatch(/\d{4}-\d{2}-\d{2}T/);
        await client.close({ signal });
        const refused = await fetch(gw.mcpUrl, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}', signal: AbortSignal.timeout(10_000) });
        // Refused, though not with 401: without a database LiteLLM 1.108.7 looks an unknown key up in one it lacks (500, "No module named 'prisma'").
        expect(refused.status, 'LiteLLM answered MCP without its key').toBeGreaterThanOrEqual(400);
      } finally {
        await agent.close();
      }
      // The same gateway as any gateway: its MCP URL and token only (PERF_STACK=external, standard MCP).
      const external = await run(['scripts/stack.ts'], { PERF_STACK: 'external', PERF_GATEWAY_MCP_URL: gw.mcpUrl, PERF_GATEWAY_TOKEN: gw.token, PERF_GATEWAY: '' });
      expect(external.code, external.output.slice(-2000)).toBe(0);
      const info = JSON.parse(external.output.slice(external.output.indexOf('{\n'), external.output.lastIndexOf('}') + 1)) as StackInfo;
      expect(info.gateway).toMatchObject({ kind: 'mcp', capabilities: [], mcpUrl: gw.mcpUrl });
      expect(info.gateway!.tools).toEqual(gw.tools);
      const wrongNames = await run(['scripts/stack.ts'], { PERF_STACK: 'external', PERF_GATEWAY_MCP_URL: gw.mcpUrl, PERF_GATEWAY_TOKEN: gw.token, PERF_GATEWAY_UPSTREAMS: 'nosuch', PERF_GATEWAY: '' });
      expect(wrongNames.code).toBe(1);
      expect(wrongNames.output).toMatch(/lists 9 tools \(.*\) but none of nosuch: put our MCP servers .* or name yours in PERF_GATEWAY_UPSTREAMS/);
    }, { PERF_GATEWAY: 'litellm' });
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('publishes every port on 127.0.0.1 only: connections to the machine\'s other addresses are refused', async () => {
    await withHeldStack(async (held) => {
      const ports = [
        held.gateway!.baseUrl, ...held.direct.map((d) => d.baseUrl), held.postgres!.connectionString, held.redis!.url,
      ].map((u: string) => Number(new URL(u).port));
      expect(ports).toHaveLength(5);
      const others = Object.values(networkInterfaces()).flat().filter((a) => a && a.family === 'IPv4' && !a.internal).map((a) => a!.address);
      expect(others.length, 'this machine has no non-loopback IPv4 address to try').toBeGreaterThan(0);
      for (const port of ports) {
        expect(await dial('127.0.0.1', port), `127.0.0.1:${port}`).toBe('connected');
        for (const address of others) expect(await dial(address, port), `${address}:${port}`).toBe('refused');
      }
    });
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('runs ContextForge\'s own entrypoint with what a fair measurement needs: no worker recycling, shared metrics, no health check', async () => {
    await withHeldStack(async (held) => {
      const gw = held.gateway!;
      expect(gw.settings).toEqual({ text: `workers ${gw.workers}, timeout 600 s, max requests 0 (workers never recycled), preload true`, problems: [] });
      const container = dockerodeOf(runtime.client!)!.getContainer(gw.containerId!);
      const inspected = await container.inspect();
      expect(inspected.Config.Healthcheck?.Test).toEqual(['NONE']);
      expect(inspected.HostConfig.Tmpfs).toEqual({ '/tmp/mcp-perf-metrics': 'rw,mode=1777' });
      expect(inspected.Config.Env).toContain('PROMETHEUS_MULTIPROC_DIR=/tmp/mcp-perf-metrics');
      const top = await container.top({ ps_args: '-o pid,ppid,args' }) as { Processes: [string, string, string][] };
      const gunicorn = top.Processes.filter(([, , args]) => args.includes('gunicorn -c gunicorn.config.py'));
      const master = gunicorn.filter(([, ppid]) => !gunicorn.some(([pid]) => pid === ppid));
      expect(master, JSON.stringify(top.Processes)).toHaveLength(1);
      expect(master[0]![2]).toMatch(/--max-requests 0 .*--preload mcpgateway\.main:app$/);
      // Each worker has children of its own (ContextForge's sandbox process pool): only the master's are counted.
      expect(gunicorn.filter(([, ppid]) => ppid === master[0]![0])).toHaveLength(gw.workers);
      const metrics = await fetch(gw.metricsUrl!, { headers: { authorization: `Bearer ${gw.token}` }, signal: AbortSignal.timeout(10_000) });
      expect(metrics.status).toBe(200);
    });
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('a gateway that dies is reported as dead, with how it ended and its last log lines', async () => {
    await withHeldStack(async (held) => {
      expect(await gatewayState(held.gateway!)).toEqual({ alive: true });
      await (await controlContainer(held.gateway!.containerId!)).kill();
      const state = await gatewayState(held.gateway!);
      expect(state?.alive).toBe(false);
      expect(state?.ended).toMatch(/exited with code 137/);
      expect(state?.logTail).toMatch(/\S/);
      expect(await gatewayDeathNote(held.gateway!)).toMatch(/THE GATEWAY ITSELF DIED: it exited with code 137[\s\S]*last lines of its log/);
    });
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('removes every container after a perf run that fails on purpose', async () => {
    const exit = await run(['node_modules/vitest/vitest.mjs', 'run', '--config', 'tests/integration/fixtures/vitest.fails.config.ts'], { PERF_STACK: 'containers' });
    expect(exit.output).toContain('failing on purpose');
    expect(exit.code).not.toBe(0);
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('removes every container and network on Ctrl-C', async () => {
    const exit = await run(['scripts/stack.ts', '--hold'], { PERF_STACK: 'containers' }, { interruptWhen: /stack is up/ });
    expect(exit.output).toMatch(/stack is up/);
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('removes every container and network on Ctrl-C in the middle of a perf run (Vitest exits at once; the watchdog cleans up)', async () => {
    const exit = await run(['node_modules/vitest/vitest.mjs', 'run', '--config', 'vitest.perf.config.ts', 'tests/perf/baseline.perf.ts'], { PERF_STACK: 'containers' }, { interruptWhen: /t=5s/ });
    expect(exit.output).toMatch(/t=5s/);
    const deadline = Date.now() + 60_000;
    while ((await leftovers()) !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('a gateway that exits at start-up fails fast, with the tail of its log, and leaves nothing behind', async () => {
    const exit = await run(['scripts/stack.ts'], { PERF_STACK: 'containers', PERF_GATEWAY_ENV: 'JWT_SECRET_KEY=short' });
    expect(exit.code).toBe(1);
    expect(exit.output).toMatch(/gateway/);
    expect(exit.output).toMatch(/did not start: [\s\S]*last lines of its log/);
    expect(exit.output).toMatch(/jwt_secret_key|JWT_SECRET_KEY/i);
    expect(exit.ms).toBeLessThan(120_000);
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('a database the gateway cannot reach fails within the start-up bound, saying so, and leaves nothing behind', async () => {
    const exit = await run(['scripts/stack.ts'], {
      PERF_STACK: 'containers', PERF_STARTUP_TIMEOUT_S: '45',
      PERF_GATEWAY_ENV: 'DATABASE_URL=postgresql+psycopg://perf:nope@no-such-db:5432/mcpgateway',
    });
    expect(exit.code).toBe(1);
    expect(exit.output).toMatch(/the stack did not start/);
    expect(exit.output).toMatch(/database no-such-db:5432\/mcpgateway, redis redis:6379\/0/);
    expect(exit.ms).toBeLessThan(150_000);
    expect(await leftovers()).toBe(before);
  }, 300_000);

  it('PERF_STACK=external uses a gateway that is already running, starting nothing', async () => {
    await withHeldStack(async (held) => {
      const running = await leftovers();
      const exit = await run(['scripts/stack.ts'], { PERF_STACK: 'external', PERF_GATEWAY_URL: held.gateway!.baseUrl, PERF_GATEWAY_TOKEN: held.gateway!.token });
      expect(exit.code, exit.output.slice(-2000)).toBe(0);
      const info = JSON.parse(exit.output.slice(exit.output.indexOf('{\n'), exit.output.lastIndexOf('}') + 1));
      expect(info.provider).toBe('external');
      expect(info.gateway.virtualServer.id).toBe(held.gateway!.virtualServer!.id);
      expect(info.gateway.tools['fast_time/get_system_time']).toBe('fast-time-get-system-time');
      expect(await leftovers()).toBe(running);
      const noUrl = await run(['scripts/stack.ts'], { PERF_STACK: 'external', PERF_GATEWAY_URL: '' });
      expect(noUrl.code).toBe(1);
      expect(noUrl.output).toMatch(/PERF_STACK=external needs PERF_GATEWAY_MCP_URL \(any MCP gateway\), or PERF_GATEWAY_URL/);
    });
    const deadline = Date.now() + 60_000;
    while ((await leftovers()) !== before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 500));
    expect(await leftovers()).toBe(before);
  }, 400_000);

  it('an image that is not there is named, with what to run', async () => {
    const exit = await run(['scripts/stack.ts'], { PERF_STACK: 'containers', MCP_PERF_GATEWAY_IMAGE: 'local/no-such-gateway:0' });
    expect(exit.code).toBe(1);
    expect(exit.output).toMatch(/no gateway image is available: local\/no-such-gateway:0 is not present/);
    expect(exit.output).toMatch(/npm run images/);
    expect(await leftovers()).toBe(before);
  }, 120_000);
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const localTools = findLocalTools();
describe.skipIf(localTools.missing.length > 0)(`local-process stack${localTools.missing.length ? ` (skipped: needs ${localTools.missing.join('; ')}; npm run setup:local)` : ''}`, () => {
  it('starts Postgres, Redis, the MCP servers and ContextForge as processes, and stops them all', async () => {
    const exit = await run(['scripts/stack.ts'], { PERF_STACK: 'local' });
    expect(exit.code, exit.output.slice(-3000)).toBe(0);
    const info = JSON.parse(exit.output.slice(exit.output.indexOf('{\n'), exit.output.lastIndexOf('}') + 1));
    expect(info.provider).toBe('local');
    expect(info.gateway.tools['perf_load/fast_compute']).toBe('perf-load-fast-compute');
    expect(info.gateway.pid).toBeGreaterThan(0);
    expect(isAlive(info.gateway.pid), 'the gateway process after the stack stopped').toBe(false);
  }, 300_000);
});

const litellmTools = findLocalTools('litellm');
describe.skipIf(litellmTools.missing.length > 0)(`local-process stack with LiteLLM${litellmTools.missing.length ? ` (skipped: needs ${litellmTools.missing.join('; ')})` : ''}`, () => {
  it('starts the MCP servers and LiteLLM as processes, without a database, lists every tool through it, and stops them all', async () => {
    const exit = await run(['scripts/stack.ts'], { PERF_STACK: 'local', PERF_GATEWAY: 'litellm' });
    expect(exit.code, exit.output.slice(-3000)).toBe(0);
    expect(exit.output).toMatch(/stack: local\. PERF_STACK=local: MCP servers, LiteLLM as local processes/);
    const info = JSON.parse(exit.output.slice(exit.output.indexOf('{\n'), exit.output.lastIndexOf('}') + 1));
    expect(info.provider).toBe('local');
    expect(info.gateway.kind).toBe('litellm');
    expect(info.gateway.version).toMatch(/\(local\)$/);
    expect(info.gateway.tools['perf_load/fast_compute']).toBe('perf_load-fast_compute');
    expect(info.postgres).toBeUndefined();
    expect(info.gateway.pid).toBeGreaterThan(0);
    expect(isAlive(info.gateway.pid), 'the gateway process after the stack stopped').toBe(false);
  }, 300_000);
});

describe('stack selection without a runtime', () => {
  it('PERF_STACK=containers with an unreachable Docker says what to install', async () => {
    const exit = await run(['scripts/stack.ts'], { PERF_STACK: 'containers', DOCKER_HOST: 'tcp://127.0.0.1:1' }, { timeoutMs: 120_000 });
    expect(exit.code).toBe(1);
    expect(exit.output).toMatch(/no container runtime answered/);
    expect(exit.output).toMatch(/Install and start Docker/);
  }, 120_000);

  it('auto falls back to the direct target and says so, when the local stack lacks a piece too', async () => {
    const exit = await run(['scripts/stack.ts'], { PERF_STACK: 'auto', DOCKER_HOST: 'tcp://127.0.0.1:1', PERF_CONTEXTFORGE_VENV: '/nonexistent' }, { timeoutMs: 120_000 });
    expect(exit.code, exit.output).toBe(0);
    expect(exit.output).toMatch(/stack: direct/);
    // Whatever else this machine lacks (redis-server and Postgres come only with npm run setup:local), the
    // virtualenv named here does not exist, so it is always among the missing pieces.
    expect(exit.output).toMatch(/the local stack lacks \d+ piece\(s\) \((?:[^)]*, )?ContextForge in a Python >= 3.12 virtualenv at \/nonexistent/);
    expect(exit.output).toMatch(/"provider": "direct"/);
  }, 120_000);

  it('a bad PERF_STACK is refused with the choices', async () => {
    const exit = await run(['scripts/stack.ts'], { PERF_STACK: 'kubernetes' }, { timeoutMs: 60_000 });
    expect(exit.code).toBe(1);
    expect(exit.output).toMatch(/PERF_STACK="kubernetes" must be one of auto, containers, local, external, direct/);
  }, 60_000);
});

describe.skipIf(!runtime.ok)(`the gate's images${runtime.ok ? '' : ` (skipped: ${runtime.detail})`}`, () => {
  it('perf:ab refuses a side whose image this machine cannot have, in one line, before Vitest starts', () => {
    const r = spawnSync(process.execPath, ['scripts/perf-ab.ts', '--base', 'mcp-perf-test/absent:0', '--head', 'mcp-perf-test/absent:0'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stdout + r.stderr).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^perf:ab: --base: no gateway image is available: mcp-perf-test\/absent:0 is not present .*: build it, or name an image this machine has/);
    expect(r.stdout).not.toMatch(/RUN|vitest/);
  }, 150_000);
});
