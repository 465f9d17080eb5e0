import { randomBytes, randomUUID } from 'node:crypto';
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from '@testcontainers/postgresql';
import { RedisContainer, type StartedRedisContainer } from '@testcontainers/redis';
import { GenericContainer, Network, Wait, type ContainerRuntimeClient, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { describeGunicornSettings, gunicornSettingProblems, parseGunicornSettings } from '../gateway/gunicorn-settings.ts';
import { bootstrapContextForge, CONTEXTFORGE_PORT, contextforgeEnv, describeDependencies, generateSecrets, type Upstream } from '../gateway/contextforge.ts';
import { onCleanup, withTimeout } from './cleanup.ts';
import { guardRun } from './guard.ts';
import { IMAGES, resolveImage } from './images.ts';
import { LogTail } from './log-tail.ts';
import { startUpstreamServers, upstreamSpecs } from './upstream-containers.ts';
import { startLiteLLMStack } from './litellm-stack.ts';
import { extraCostSetup, type GatewayVariant } from './extra-cost.ts';
import { asGatewayContainer } from './gateway-container.ts';
import { bindHost, bindPorts } from './loopback.ts';
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
 * The default stack: PostgreSQL, Redis, the shipped MCP servers and ContextForge in containers on one
 * Testcontainers network (the gateway reaches upstreams by alias). Published ports bind 127.0.0.1 only
 * (PERF_BIND_HOST names another address).
 */
export async function startContainersStack(client: ContainerRuntimeClient, opts: StackOptions, reason: string, variant: GatewayVariant = {}): Promise<StartedStack> {
  const t0 = Date.now();
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
    if (opts.gateway === 'litellm') return await startLiteLLMStack({ client, opts, reason, variant, labels, host, track, stops, stop, t0 });
    const [pgImage, redisImage, gwImage, serversImage] = await Promise.all([
      resolveImage(client, 'postgres'), resolveImage(client, 'redis'), resolveImage(client, 'gateway', undefined, variant.image), resolveImage(client, 'servers'),
    ]);
    const network: StartedNetwork = await new Network().start();
    stops.push(() => network.stop());
    const specs = upstreamSpecs(opts.extraLoadServers);
    const pgPassword = randomBytes(16).toString('hex');
    const maxConnections = opts.gatewayWorkers * 2 * (20 + 10) + 50;

    const startPostgres = async (): Promise<StartedPostgreSqlContainer> => track(await bindPorts(new PostgreSqlContainer(pgImage.name)
      .withNetwork(network).withNetworkAliases('postgres').withLabels(labels)
      .withDatabase('mcpgateway').withUsername('perf').withPassword(pgPassword)
      .withCommand(['postgres', '-c', `max_connections=${maxConnections}`, '-c', 'shared_preload_libraries=pg_stat_statements'])
      // The module's own health check runs pg_isready every 250 ms for the whole run: load on the machine
      // under test. Readiness is checked once instead, and Docker's health check is kept rare.
      .withHealthCheck({ test: ['CMD-SHELL', 'pg_isready --host localhost --username perf'], interval: 60_000, timeout: 5_000, retries: 3 })
      .withWaitStrategy(Wait.forSuccessfulCommand(`PGPASSWORD=${pgPassword} pg_isready --host localhost --username perf --dbname mcpgateway`))
      .withStartupTimeout(opts.startupTimeoutMs), host)
      .start());
    const startRedis = async (): Promise<StartedRedisContainer> => track(await bindPorts(new RedisContainer(redisImage.name)
      .withNetwork(network).withNetworkAliases('redis').withLabels(labels).withStartupTimeout(opts.startupTimeoutMs), host).start());
    const [postgres, redis, up] = await Promise.all([startPostgres(), startRedis(), startUpstreamServers({ image: serversImage.name, network, labels, host, specs, track })]);
    const p = postgres as StartedPostgreSqlContainer;
    const r = redis as StartedRedisContainer;

    const secrets = generateSecrets();
    const extra = extraCostSetup(variant.extraCost);
    const gatewayEnv = contextforgeEnv({
      databaseUrl: `postgresql+psycopg://perf:${pgPassword}@postgres:5432/mcpgateway`,
      redisUrl: 'redis://redis:6379/0',
      workers: opts.gatewayWorkers,
      secrets,
      extra: { ...opts.gatewayEnv, ...extra.env },
    });
    const gatewayLog = new LogTail();
    let gateway: StartedTestContainer;
    try {
      gateway = track(await asGatewayContainer(new GenericContainer(gwImage.name)
        .withNetwork(network).withNetworkAliases('gateway').withLabels(labels)
        .withCopyDirectoriesToContainer(extra.copy)
        .withBindMounts(extra.mounts), { env: gatewayEnv, port: CONTEXTFORGE_PORT, host, log: gatewayLog, startupTimeoutMs: 60_000 })
        .start());
    } catch (error) {
      throw new Error(`the gateway (${gwImage.name}) did not start: ${(error as Error).message}\n--- last lines of the gateway's log ---\n${gatewayLog.tail()}`, { cause: error });
    }
    // Read now: the entrypoint prints them before gunicorn listens, and the tail keeps only the latest lines.
    const settings = parseGunicornSettings(gatewayLog.tail(200));
    const gatewayContainer = client.container.getById(gateway.getId());
    const isAlive = async () => (await client.container.inspect(gatewayContainer).catch(() => undefined))?.State.Running ?? false;

    const { direct } = up;
    const upstreams: Upstream[] = up.upstreams;
    let endpoints;
    try {
      endpoints = await bootstrapContextForge({
        baseUrl: `http://${gateway.getHost()}:${gateway.getMappedPort(CONTEXTFORGE_PORT)}`,
        secrets, upstreams, workers: opts.gatewayWorkers, version: gwImage.name.split(':').pop() ?? IMAGES.contextforgeVersion,
        timeoutMs: opts.startupTimeoutMs, isAlive, dependsOn: describeDependencies(gatewayEnv), env: gatewayEnv,
      });
    } catch (error) {
      throw new Error(`${(error as Error).message}\n--- last lines of the gateway's log ---\n${gatewayLog.tail()}`, { cause: error });
    }
    endpoints.containerId = gateway.getId();
    endpoints.settings = { text: describeGunicornSettings(settings), problems: gunicornSettingProblems(settings, { workers: opts.gatewayWorkers }) };

    const info: StackInfo = {
      provider: 'containers',
      reason,
      gateway: endpoints,
      direct,
      postgres: { connectionString: p.getConnectionUri(), containerId: p.getId() },
      redis: { url: r.getConnectionUrl(), containerId: r.getId() },
      scaleOut: { network: network.getName(), gatewayImage: gwImage.name, serversImage: serversImage.name, gatewayEnv, gatewayPort: CONTEXTFORGE_PORT, labels, bindHost: host },
      images: Object.fromEntries([pgImage, redisImage, gwImage, serversImage].map((i) => [i.role, `${i.name} (${i.source})${i.id ? ` ${i.id.slice(0, 19)}` : ''}`])),
      startedInMs: Date.now() - t0,
    };
    return { info, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
