import { dockerodeOf } from './runtime.ts';

/** Kill and start one of the stack's containers (fault injection). Its network alias survives a restart. */
export interface ContainerControl {
  kill(): Promise<void>;
  start(): Promise<void>;
  running(): Promise<boolean>;
}

export async function controlContainer(id: string): Promise<ContainerControl> {
  const { getContainerRuntimeClient } = await import('testcontainers');
  const dockerode = dockerodeOf(await getContainerRuntimeClient());
  if (!dockerode) throw new Error('the container runtime exposes no Docker API: cannot kill or start a container');
  const container = dockerode.getContainer(id);
  return {
    kill: async () => {
      await container.kill({ signal: 'SIGKILL' });
    },
    start: async () => {
      await container.start();
    },
    running: async () => (await container.inspect()).State.Running,
  };
}
