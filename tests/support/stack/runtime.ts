import { existsSync } from 'node:fs';
import type Dockerode from 'dockerode';
import { getContainerRuntimeClient, ImageName, type ContainerRuntimeClient } from 'testcontainers';
import { withTimeout } from './cleanup.ts';
import { outsideVariable, setVariable } from '../shared/config.ts';

export interface RuntimeProbe {
  ok: boolean;
  client?: ContainerRuntimeClient;
  /** What was found or why not, for the line that says which stack was picked. */
  detail: string;
  /** Settings applied by detection, each with its reason. */
  adjustments: string[];
}

/** The Docker API client behind Testcontainers' runtime client (undefined for a runtime without one). */
export function dockerodeOf(client: ContainerRuntimeClient): Dockerode | undefined {
  return (client.container as unknown as { dockerode?: Dockerode }).dockerode;
}

/** One of the run's containers through the Docker API, for what Testcontainers' client does not do (`purpose`: "kill or start a container"). */
export async function dockerContainer(id: string, purpose: string): Promise<Dockerode.Container> {
  const container = await dockerContainerIfAny(id);
  if (!container) throw new Error(`the container runtime exposes no Docker API: cannot ${purpose}`);
  return container;
}

/** The same, undefined when the runtime has no Docker API (for a look that is optional). */
export async function dockerContainerIfAny(id: string): Promise<Dockerode.Container | undefined> {
  return dockerodeOf(await getContainerRuntimeClient())?.getContainer(id);
}

const RYUK_IMAGE = 'testcontainers/ryuk:0.14.0';
let probe: Promise<RuntimeProbe> | undefined;

/**
 * Applies the Testcontainers settings this machine needs, by detection rather than for everyone:
 * - on a Docker host that also has a /.dockerenv file, Testcontainers would dial the bridge gateway;
 *   when the docker0 bridge is one of our own interfaces we are the host, so containers are on 127.0.0.1;
 * - when the reaper image is neither present nor pullable, the reaper is disabled (our own teardown
 *   removes everything the run started either way).
 */
export function probeRuntime(timeoutMs = 20_000): Promise<RuntimeProbe> {
  probe ??= doProbe(timeoutMs);
  return probe;
}

async function doProbe(timeoutMs: number): Promise<RuntimeProbe> {
  const adjustments: string[] = [];
  const dockerHost = outsideVariable('DOCKER_HOST');
  const localSocket = !dockerHost || dockerHost.startsWith('unix://');
  if (outsideVariable('TESTCONTAINERS_HOST_OVERRIDE') === undefined && localSocket && existsSync('/.dockerenv') && existsSync('/sys/class/net/docker0')) {
    setVariable('TESTCONTAINERS_HOST_OVERRIDE', '127.0.0.1');
    adjustments.push('TESTCONTAINERS_HOST_OVERRIDE=127.0.0.1 (this machine is the Docker host: it owns docker0, despite /.dockerenv)');
  }
  let client: ContainerRuntimeClient;
  try {
    client = await withTimeout(getContainerRuntimeClient(), timeoutMs, 'finding a container runtime');
  } catch (error) {
    return {
      ok: false, adjustments,
      detail: `no container runtime answered (${(error as Error).message.split('\n')[0]}). Install and start Docker (on Debian as root: npm run setup), or set DOCKER_HOST`,
    };
  }
  if (outsideVariable('TESTCONTAINERS_RYUK_DISABLED') === undefined) {
    const ryuk = ImageName.fromString(RYUK_IMAGE);
    let available = await client.image.exists(ryuk).catch(() => false);
    if (!available) available = await withTimeout(client.image.pull(ryuk), 60_000, 'pulling the reaper image').then(() => true, () => false);
    if (!available) {
      setVariable('TESTCONTAINERS_RYUK_DISABLED', 'true');
      adjustments.push(`TESTCONTAINERS_RYUK_DISABLED=true (${RYUK_IMAGE} is not present and cannot be pulled; the suite removes its own containers)`);
    }
  }
  const info = client.info.containerRuntime;
  return { ok: true, client, adjustments, detail: `${info.operatingSystem}, engine API ${info.serverVersion}, ${info.cpus} CPUs, containers reached at ${info.host}` };
}
