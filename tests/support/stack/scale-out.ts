import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { pollUntilOk } from '../gateway/ready.ts';
import { withTimeout } from './cleanup.ts';
import { LogTail } from './log-tail.ts';
import { asGatewayContainer } from './gateway-container.ts';
import { extraCostSetup } from './extra-cost.ts';
import { bindPorts } from './loopback.ts';
import type { ScaleOut } from '../shared/stack-info.ts';
import { resolveImage } from './images.ts';

const LB_PORT = 8080;
const STATS_PORT = 8404;

export interface Balancer {
  url: string;
  /** The image it runs, as reports name images: "<name> (<where it came from>)". */
  image: string;
  /** HTTP requests each backend was sent so far, by its address (HAProxy's own counters). */
  requestsByBackend(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

export interface BalancerOptions {
  /**
   * Keep a 2025-era session on the instance that opened it: HAProxy learns each Mcp-Session-Id from the answer that
   * hands it out and sends every request that carries it there. Without it, every request goes round-robin.
   */
  affinity?: boolean;
}

/**
 * HAProxy's configuration: HTTP mode, round-robin per request (not per connection: a kept-alive client's requests
 * spread too), optionally sticky on Mcp-Session-Id; its statistics on a second port.
 */
export function haproxyConfig(backends: string[], o: BalancerOptions = {}): string {
  return [
    'global',
    '  maxconn 4096',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 120s',
    '  timeout server 120s',
    '  option http-keep-alive',
    // A pooled server connection the gateway closed as idle (gunicorn's keep-alive, 2 s by default) races the request
    // HAProxy reuses it for: HAProxy then closes the client's connection unanswered. Retry those on another connection,
    // as a production balancer would.
    '  retries 3',
    '  retry-on conn-failure empty-response',
    'frontend stats',
    `  bind :${STATS_PORT}`,
    '  monitor-uri /healthz',
    '  stats enable',
    '  stats uri /stats',
    'frontend mcp',
    `  bind :${LB_PORT}`,
    '  default_backend gateways',
    'backend gateways',
    '  balance roundrobin',
    ...(o.affinity ? [
      '  stick-table type string len 128 size 100k expire 30m',
      '  stick store-response res.hdr(mcp-session-id)',
      '  stick match req.hdr(mcp-session-id)',
    ] : []),
    ...backends.map((b, i) => `  server g${i + 1} ${b}`),
    '',
  ].join('\n');
}

/** Requests per server from HAProxy's CSV statistics: every response it relayed, by status class. */
export function requestsFromStats(csv: string, backends: string[]): Record<string, number> {
  const [header, ...rows] = csv.replace(/^# /, '').trim().split('\n');
  const cols = header!.split(',');
  const at = (name: string) => cols.indexOf(name);
  const out: Record<string, number> = {};
  for (const row of rows) {
    const f = row.split(',');
    if (f[at('pxname')] !== 'gateways' || !/^g\d+$/.test(f[at('svname')] ?? '')) continue;
    const i = Number(f[at('svname')]!.slice(1)) - 1;
    out[backends[i] ?? f[at('svname')]!] = ['hrsp_1xx', 'hrsp_2xx', 'hrsp_3xx', 'hrsp_4xx', 'hrsp_5xx', 'hrsp_other'].reduce((a, c) => a + (Number(f[at(c)]) || 0), 0);
  }
  return out;
}

/** A real HTTP balancer, HAProxy (role haproxy: its official image, or the local one npm run images builds), on the stack's network. */
export async function startBalancer(s: ScaleOut, backends: string[], o: BalancerOptions = {}): Promise<Balancer> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const image = await resolveImage(await getContainerRuntimeClient(), 'haproxy');
  const c = await bindPorts(new GenericContainer(image.name)
    .withNetworkMode(s.network).withNetworkAliases(`lb-${backends.length}${o.affinity ? '-sticky' : ''}`).withLabels(s.labels)
    .withCopyContentToContainer([{ content: haproxyConfig(backends, o), target: '/usr/local/etc/haproxy/haproxy.cfg', mode: 0o644 }])
    .withCommand(['haproxy', '-db', '-f', '/usr/local/etc/haproxy/haproxy.cfg'])
    .withExposedPorts(LB_PORT, STATS_PORT).withWaitStrategy(Wait.forHttp('/healthz', STATS_PORT).forStatusCode(200)).withStartupTimeout(60_000), s.bindHost)
    .start()
    .catch((error: Error) => {
      throw new Error(`the load balancer (HAProxy, ${image.name}) did not start: ${error.message}. npm run images builds local/haproxy:2.6.`, { cause: error });
    });
  const stats = `http://${c.getHost()}:${c.getMappedPort(STATS_PORT)}/stats;csv`;
  return {
    url: `http://${c.getHost()}:${c.getMappedPort(LB_PORT)}`,
    image: `${image.name} (${image.source}${image.id ? ` ${image.id.slice(0, 19)}` : ''})`,
    requestsByBackend: async () => requestsFromStats(await (await fetch(stats, { signal: AbortSignal.timeout(5000) })).text(), backends),
    stop: () => stopQuietly(c),
  };
}

export interface ExtraGateway {
  /** Address of the instance on the stack's network, for a balancer. */
  backend: string;
  container: StartedTestContainer;
  stop(): Promise<void>;
}

export interface ExtraGatewayOptions {
  timeoutMs?: number;
  /** A known extra CPU cost per MCP request in this instance only (ms): a known-bad second instance. */
  extraCpuMs?: number;
}

/**
 * One more gateway instance with the first one's settings (same Postgres, Redis, secrets and config files), ready
 * when its ready endpoint answers 200 (or, without one, when it listens). A start-up failure names the instance and
 * ends with its log tail.
 */
export async function startExtraGateway(s: ScaleOut, index: number, o: ExtraGatewayOptions = {}): Promise<ExtraGateway> {
  const alias = `gateway-${index}`;
  const timeoutMs = o.timeoutMs ?? 240_000;
  const log = new LogTail();
  let c: StartedTestContainer | undefined;
  try {
    const slowed = o.extraCpuMs ? extraCostSetup({ ms: o.extraCpuMs }, { kind: s.gatewayKind, extraCost: s.extraCostApp }) : undefined;
    const dirs = s.gatewayDirs ?? [];
    const copy = [...dirs, ...(slowed?.copy ?? []).filter((d) => !dirs.some((x) => x.target === d.target))];
    let container = new GenericContainer(s.gatewayImage).withNetworkMode(s.network).withNetworkAliases(alias).withLabels(s.labels)
      .withCopyContentToContainer(s.gatewayFiles)
      .withCopyDirectoriesToContainer(copy).withBindMounts(s.gatewayMounts ?? []);
    if (s.gatewayArgs) container = container.withCommand(s.gatewayArgs);
    const env: Record<string, string> = { ...s.gatewayEnv, ...slowed?.env };
    if (slowed) delete env.MCP_PERF_EXTRA_CPU_FILE;
    c = await asGatewayContainer(container, { env, port: s.gatewayPort, tmpfs: s.gatewayTmpfs, host: s.bindHost, log, startupTimeoutMs: timeoutMs })
      .start();
    if (s.readyPath) {
      const url = `http://${c.getHost()}:${c.getMappedPort(s.gatewayPort)}${s.readyPath}`;
      const polled = await pollUntilOk(url, timeoutMs);
      if (!polled.ready) throw new Error(`${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s (last: ${polled.last})`);
    }
    const started = c;
    return { backend: `${alias}:${s.gatewayPort}`, container: started, stop: () => stopQuietly(started) };
  } catch (error) {
    if (c) await stopQuietly(c);
    throw new Error(`gateway instance ${alias} did not start: ${(error as Error).message}\n--- last lines of its log ---\n${log.tail()}`, { cause: error });
  }
}

async function stopQuietly(c: StartedTestContainer): Promise<void> {
  await withTimeout(c.stop({ remove: true, timeout: 5000 }), 60_000, 'stopping a scale-out container')
    .catch((e: Error) => console.error(`[mcp-perf] ${e.message}: the run's sweep removes it at teardown`));
}
