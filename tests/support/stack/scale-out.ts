import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { pollUntilOk } from '../gateway/ready.ts';
import { withTimeout } from './cleanup.ts';
import { LogTail } from './log-tail.ts';
import { asGatewayContainer } from './gateway-container.ts';
import { extraCostSetup } from './extra-cost.ts';
import { bindPorts } from './loopback.ts';
import type { ScaleOut } from '../shared/stack-info.ts';

const LB_PORT = 8080;

export interface Balancer {
  url: string;
  stop(): Promise<void>;
}

/** A round-robin TCP balancer (fixtures/servers/lb.ts in the servers image) on the stack's network. */
export async function startBalancer(s: ScaleOut, backends: string[]): Promise<Balancer> {
  const c = await bindPorts(new GenericContainer(s.serversImage)
    .withNetworkMode(s.network).withNetworkAliases(`lb-${backends.length}`).withLabels(s.labels)
    .withCommand(['node', 'lb.ts', '--port', String(LB_PORT), '--backends', backends.join(',')])
    .withExposedPorts(LB_PORT).withWaitStrategy(Wait.forLogMessage(/lb listening/)).withStartupTimeout(60_000), s.bindHost)
    .start()
    .catch((error: Error) => {
      throw new Error(`the load balancer (${s.serversImage}, node lb.ts) did not start: ${error.message}. Is the image current? npm run images rebuilds it.`, { cause: error });
    });
  return { url: `http://${c.getHost()}:${c.getMappedPort(LB_PORT)}`, stop: () => stopQuietly(c) };
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
