// Docker's userland proxy, which carries loopback connections to a published port, exits when it runs out of
// open files, and the port is refused for the rest of the run: a flood past its limit measures the proxy, and
// kills the stack. proxyConnectionCeiling bounds the connections it can carry; PERF-06 floods no more than that.
// Needs a container runtime on this machine, the images (npm run setup), and prlimit (util-linux) as root.
import { execFileSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { PROXY_FILES_PER_CONNECTION, proxyConnectionCeiling, publishedPortProxy } from '../support/stack/host-preflight.ts';
import { resolveImage } from '../support/stack/images.ts';
import { bindPorts } from '../support/stack/loopback.ts';
import { probeRuntime } from '../support/stack/runtime.ts';

const runtime = await probeRuntime();
const prlimit = (() => {
  try {
    return process.getuid?.() === 0 && execFileSync('prlimit', ['--version'], { encoding: 'utf8' }).length > 0;
  } catch {
    return false;
  }
})();
const skip = !runtime.ok ? runtime.detail : !prlimit ? 'prlimit (util-linux) as root is needed to lower the proxy\'s limit' : undefined;

/** Opens `n` connections to the port and waits until each is open or failed. */
async function hold(port: number, n: number): Promise<Socket[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<Socket>((resolve) => {
    const s = connect({ host: '127.0.0.1', port, timeout: 3000 });
    s.once('connect', () => resolve(s));
    s.once('error', () => resolve(s));
    s.once('timeout', () => resolve(s));
  })));
}

/** Whether a new connection to the port is still accepted and served (Redis answers PING). */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port, timeout: 3000 });
    s.once('connect', () => s.write('PING\r\n'));
    s.once('data', (d) => { s.destroy(); resolve(d.toString().startsWith('+PONG')); });
    s.once('error', () => resolve(false));
    s.once('timeout', () => { s.destroy(); resolve(false); });
  });
}

describe.skipIf(skip !== undefined)(`the userland proxy of a published port${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let container: StartedTestContainer;
  const started = async () => {
    const image = await resolveImage(runtime.client!, 'redis');
    return bindPorts(new GenericContainer(image.name).withExposedPorts(6379).withLabels({ 'mcp-perf.run': 'published-port-proxy-test' }), '127.0.0.1').start();
  };
  beforeAll(async () => { container = await started(); }, 60_000);
  afterAll(async () => { await container?.stop({ timeout: 5000 }); });

  it('costs at most PROXY_FILES_PER_CONNECTION a connection; within the ceiling the port keeps answering, past its limit it is refused for good', async () => {
    const port = container.getMappedPort(6379);
    const proxy = publishedPortProxy(port);
    expect(proxy, `no docker-proxy carries port ${port}`).toBeDefined();
    execFileSync('prlimit', ['--pid', String(proxy!.pid), '--nofile=300:300']);
    const ceiling = proxyConnectionCeiling(port)!;
    expect(ceiling.openFiles).toBe(300);
    // Within the ceiling, each connection carrying a command and its answer: the port still serves, and the
    // descriptors each cost the proxy stay within the bound the ceiling assumes.
    const within = await hold(port, ceiling.connections);
    const answered = await Promise.all(within.map((s) => new Promise<boolean>((resolve) => {
      s.write('PING\r\n');
      s.once('data', () => resolve(true));
      setTimeout(() => resolve(false), 3000).unref();
    })));
    expect(answered.every(Boolean)).toBe(true);
    const perConnection = (publishedPortProxy(port)!.inUse - proxy!.inUse) / within.length;
    expect(perConnection).toBeGreaterThanOrEqual(2);
    expect(perConnection).toBeLessThanOrEqual(PROXY_FILES_PER_CONNECTION);
    expect(await answers(port)).toBe(true);
    within.forEach((s) => s.destroy());
    await new Promise((r) => setTimeout(r, 300));
    // Past the limit (as many connections as it has files; each costs at least its two sockets): the proxy exits
    // and the port is refused from then on.
    const past = await hold(port, ceiling.openFiles);
    past.forEach((s) => s.destroy());
    await new Promise((r) => setTimeout(r, 500));
    expect(await answers(port)).toBe(false);
    expect(publishedPortProxy(port)).toBeUndefined();
  }, 60_000);
});
