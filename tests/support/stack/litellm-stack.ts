import { GenericContainer, Network, type ContainerRuntimeClient, type StartedNetwork, type StartedTestContainer } from 'testcontainers';
import { bootstrapLiteLLM, LITELLM_CONFIG_PATH, LITELLM_PORT, litellmArgs, litellmConfig, litellmEnv, litellmMasterKey } from '../gateway/litellm.ts';
import type { StackInfo, StartedStack } from '../shared/stack-info.ts';
import type { GatewayVariant } from './extra-cost.ts';
import { resolveImage } from './images.ts';
import { LogTail } from './log-tail.ts';
import { asGatewayContainer } from './gateway-container.ts';
import type { StackOptions } from './options.ts';
import { startUpstreamServers, upstreamSpecs } from './upstream-containers.ts';

export interface LiteLLMStackParts {
  client: ContainerRuntimeClient;
  opts: StackOptions;
  reason: string;
  variant: GatewayVariant;
  labels: Record<string, string>;
  host: string;
  track: <T extends StartedTestContainer>(c: T) => T;
  stops: (() => Promise<unknown>)[];
  stop: () => Promise<void>;
  t0: number;
}

/**
 * LiteLLM's proxy in front of our MCP servers, on one network: no database and no Redis (it is given its
 * upstreams in a config file, and a database only backs its REST API for MCP servers, which the suite does not use).
 * The teardown is the caller's (`stop`, which removes everything labelled with the run).
 */
export async function startLiteLLMStack(p: LiteLLMStackParts): Promise<StartedStack> {
  if (p.variant.extraCost) throw new Error('PERF_GATEWAY=litellm: an extra cost per request (the gate benchmark\'s knob) exists only for ContextForge');
  const [gwImage, serversImage] = await Promise.all([resolveImage(p.client, 'litellm', undefined, p.variant.image), resolveImage(p.client, 'servers')]);
  const network: StartedNetwork = await new Network().start();
  p.stops.push(() => network.stop());
  const specs = upstreamSpecs(p.opts.extraLoadServers);
  const { direct, upstreams } = await startUpstreamServers({ image: serversImage.name, network, labels: p.labels, host: p.host, specs, track: p.track });
  const masterKey = litellmMasterKey();
  const log = new LogTail();
  let gateway: StartedTestContainer;
  try {
    gateway = p.track(await asGatewayContainer(new GenericContainer(gwImage.name)
      .withNetwork(network).withNetworkAliases('gateway').withLabels(p.labels)
      .withCopyContentToContainer([{ content: litellmConfig(masterKey, upstreams), target: LITELLM_CONFIG_PATH, mode: 0o444 }])
      .withCommand(litellmArgs(p.opts.gatewayWorkers)), { env: litellmEnv(p.opts.gatewayEnv), port: LITELLM_PORT, host: p.host, log, startupTimeoutMs: 120_000 })
      .start());
  } catch (error) {
    throw new Error(`LiteLLM (${gwImage.name}) did not start: ${(error as Error).message}\n--- last lines of its log ---\n${log.tail()}`, { cause: error });
  }
  const container = p.client.container.getById(gateway.getId());
  const isAlive = async () => (await p.client.container.inspect(container).catch(() => undefined))?.State.Running ?? false;
  let endpoints;
  try {
    endpoints = await bootstrapLiteLLM({
      baseUrl: `http://${gateway.getHost()}:${gateway.getMappedPort(LITELLM_PORT)}`, masterKey, upstreams, workers: p.opts.gatewayWorkers,
      version: gwImage.name.split(':').pop() ?? 'unknown', timeoutMs: p.opts.startupTimeoutMs, isAlive,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}\n--- last lines of LiteLLM's log ---\n${log.tail()}`, { cause: error });
  }
  endpoints.containerId = gateway.getId();
  const info: StackInfo = {
    provider: 'containers',
    reason: `${p.reason}; gateway: LiteLLM (PERF_GATEWAY=litellm)`,
    gateway: endpoints,
    direct,
    images: Object.fromEntries([gwImage, serversImage].map((i) => [i.role, `${i.name} (${i.source})${i.id ? ` ${i.id.slice(0, 19)}` : ''}`])),
    startedInMs: Date.now() - p.t0,
  };
  return { info, stop: p.stop };
}
