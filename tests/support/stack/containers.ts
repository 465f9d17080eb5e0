import { randomUUID } from 'node:crypto';
import { GenericContainer, StartedNetwork, type ContainerRuntimeClient, type StartedTestContainer } from 'testcontainers';
import { adapterFor } from '../gateway/adapters.ts';
import type { GatewayDependencies } from '../gateway/adapter.ts';
import { onCleanup, withTimeout } from './cleanup.ts';
import { guardRun } from './guard.ts';
import { describeImage, resolveImage, type ResolvedImage } from './images.ts';
import { LogTail } from './log-tail.ts';
import { startUpstreamServers, upstreamSpecs } from './upstream-containers.ts';
import { extraCostSetup, type GatewayVariant } from './extra-cost.ts';
import { asGatewayContainer } from './gateway-container.ts';
import { tcpOpens } from './tcp-probe.ts';
import { bindHost } from './loopback.ts';
import type { ContainerPlace } from './services/place.ts';
import { startPostgresContainer } from './services/postgres.ts';
import { startRedisContainer } from './services/redis.ts';
import { dockerodeOf } from './runtime.ts';
import type { StackOptions } from './options.ts';
import type { StartedStack, StackInfo } from '../shared/stack-info.ts';

export const RUN_LABEL = 'mcp-perf.run';
/**
 * Removes every container and network labelled with this run, whatever state it was left in; fails, naming
 * each one, when something could not be removed (it would skew the next run and hold its ports).
 */
export async function sweepRun(client: ContainerRuntimeClient, runId: string): Promise<number> {
  const dockerode = dockerodeOf(client);
  if (!dockerode) return 0;
  const filters = JSON.stringify({ label: [`${RUN_LABEL}=${runId}`] });
  const failures: string[] = [];
  const containers = await dockerode.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => dockerode.getContainer(c.Id).remove({ force: true, v: true })
    .catch((e: Error) => void failures.push(`container ${c.Id.slice(0, 12)} (${c.Image}): ${e.message}`))));
  const networks = await dockerode.listNetworks({ filters });
  await Promise.all(networks.map((n) => dockerode.getNetwork(n.Id).remove().catch((e: Error) => void failures.push(`network ${n.Name}: ${e.message}`))));
  if (failures.length) throw new Error(`could not remove what run ${runId} started: ${failures.join('; ')}. Remove them with: docker rm -f $(docker ps -aq --filter label=${RUN_LABEL}=${runId})`);
  return containers.length + networks.length;
}

/**
 * The stack's network, labelled with the run like its containers, so that the sweep and the watchdog remove it too
 * (Testcontainers' Network takes no labels: its networks outlived every interrupted run).
 */
async function startRunNetwork(client: ContainerRuntimeClient, runId: string, labels: Record<string, string>): Promise<StartedNetwork> {
  const name = `mcp-perf-${runId}`;
  return new StartedNetwork(client, name, await client.network.create({ Name: name, CheckDuplicate: true, Driver: 'bridge', Labels: labels }));
}

/**
 * The default stack: the shipped MCP servers and the gateway PERF_GATEWAY names (its adapter in
 * tests/support/gateway/), with the PostgreSQL and Redis it needs, in containers on one Testcontainers network
 * (the gateway reaches each by its alias). Published ports bind 127.0.0.1 only (PERF_BIND_HOST names another address).
 */
export async function startContainersStack(client: ContainerRuntimeClient, opts: StackOptions, reason: string, variant: GatewayVariant = {}): Promise<StartedStack> {
  const t0 = Date.now();
  const adapter = adapterFor(opts.gateway);
  const runId = randomUUID();
  const labels = { [RUN_LABEL]: runId };
  const host = bindHost(client.info.containerRuntime.host);
  const stops: (() => Promise<unknown>)[] = [];
  let stopping: Promise<void> | undefined;
  const unguard = guardRun(runId);
  // A container that will not stop is reported, and removed by the sweep that follows; only what the sweep
  // cannot remove fails the teardown.
  const stop = (): Promise<void> => (stopping ??= (async () => {
    unregister();
    for (const s of stops.reverse()) {
      await withTimeout(s(), 60_000, 'stopping a container').catch((e: Error) => console.error(`[mcp-perf] teardown: ${e.message}; the sweep removes it`));
    }
    try {
      await sweepRun(client, runId);
    } finally {
      unguard();
    }
  })());
  const unregister = onCleanup(`container stack ${runId}`, stop);
  const track = <T extends StartedTestContainer>(c: T): T => {
    stops.push(() => c.stop({ remove: true, removeVolumes: true, timeout: 5000 }));
    return c;
  };

  try {
    const [gwImage, serversImage, pgImage, redisImage] = await Promise.all([
      resolveImage(client, adapter.image.role, undefined, variant.image), resolveImage(client, 'servers'),
      adapter.needs.postgres ? resolveImage(client, 'postgres') : undefined, adapter.needs.redis ? resolveImage(client, 'redis') : undefined,
    ]);
    const network = await startRunNetwork(client, runId, labels);
    stops.push(() => network.stop());
    const specs = upstreamSpecs(opts.extraLoadServers, opts.upstreamEras);
    const place: ContainerPlace = { network, labels, host, startupTimeoutMs: opts.startupTimeoutMs, track };
    const need = adapter.needs.postgres;
    const [postgres, redis, up] = await Promise.all([
      need && pgImage ? startPostgresContainer(place, pgImage.name, need, opts.gatewayWorkers) : undefined,
      redisImage ? startRedisContainer(place, redisImage.name) : undefined,
      startUpstreamServers({ image: serversImage.name, network, labels, host, specs, track }),
    ]);
    const deps: GatewayDependencies = { ...(postgres ? { postgres: postgres.forGateway } : {}), ...(redis ? { redis: redis.forGateway } : {}) };

    const extra = extraCostSetup(variant.extraCost, adapter);
    const { port } = adapter.image;
    const prepared = adapter.prepare({
      where: 'container', host: '0.0.0.0', port, workers: opts.gatewayWorkers, upstreams: up.upstreams, deps,
      dir: adapter.image.configDir, extraEnv: { ...opts.gatewayEnv, ...extra.env },
    });
    const files = prepared.files.map((f) => ({ content: f.content, target: f.target, mode: f.mode ?? 0o444 }));
    const gatewayLog = new LogTail();
    let gateway: StartedTestContainer;
    try {
      let container = new GenericContainer(gwImage.name)
        .withNetwork(network).withNetworkAliases('gateway').withLabels(labels)
        .withCopyContentToContainer(files)
        .withCopyDirectoriesToContainer(extra.copy)
        .withBindMounts(extra.mounts);
      if (prepared.args) container = container.withCommand(prepared.args);
      gateway = track(await asGatewayContainer(container, { env: prepared.env, port, tmpfs: adapter.image.tmpfs, host, log: gatewayLog, startupTimeoutMs: adapter.image.startupTimeoutMs })
        .start());
    } catch (error) {
      throw new Error(`${adapter.title} (${gwImage.name}) did not start: ${(error as Error).message}\n--- last lines of its log ---\n${gatewayLog.tail()}`, { cause: error });
    }
    // Read now: an entrypoint prints its settings before the server listens, and the tail keeps only the latest lines.
    const settings = adapter.settingsFromLog?.(gatewayLog.tail(200), opts.gatewayWorkers);
    const gatewayContainer = client.container.getById(gateway.getId());
    const isAlive = async () => (await client.container.inspect(gatewayContainer).catch(() => undefined))?.State.Running ?? false;

    let endpoints;
    try {
      endpoints = await prepared.bootstrap({
        baseUrl: `http://${gateway.getHost()}:${gateway.getMappedPort(port)}`, version: gwImage.name.split(':').pop() ?? 'unknown',
        timeoutMs: opts.startupTimeoutMs, isAlive,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- last lines of ${adapter.title}'s log ---\n${gatewayLog.tail()}`, { cause: error });
    }
    endpoints.containerId = gateway.getId();
    if (settings) endpoints.settings = settings;
    // A container's own address is reached only on its Docker host.
    const containerIp = gateway.getIpAddress(network.getName());
    if (await tcpOpens(containerIp, port)) endpoints.unproxiedBaseUrl = `http://${containerIp}:${port}`;

    const images = [gwImage, serversImage, pgImage, redisImage].filter((i): i is ResolvedImage => i !== undefined);
    const info: StackInfo = {
      provider: 'containers',
      reason: `${reason}; gateway: ${adapter.title} (PERF_GATEWAY=${adapter.kind})`,
      gateway: endpoints,
      direct: up.direct,
      ...(postgres ? { postgres: { connectionString: postgres.connectionString, containerId: postgres.containerId } } : {}),
      ...(redis ? { redis: { url: redis.url, containerId: redis.containerId } } : {}),
      scaleOut: {
        network: network.getName(), gatewayKind: adapter.kind, gatewayImage: gwImage.name, serversImage: serversImage.name, gatewayEnv: prepared.env, gatewayArgs: prepared.args, gatewayFiles: files, gatewayDirs: extra.copy, gatewayMounts: extra.mounts,
        gatewayTmpfs: adapter.image.tmpfs, gatewayPort: port, readyPath: endpoints.readyUrl ? new URL(endpoints.readyUrl).pathname : undefined, labels, bindHost: host,
        ...(adapter.extraCost ? { extraCostApp: adapter.extraCost } : {}),
      },
      images: Object.fromEntries(images.map((i) => [i.role, describeImage(i)])),
      startedInMs: Date.now() - t0,
    };
    return { info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
