import { dockerContainer } from './runtime.ts';

/** Kill and start one of the stack's containers (fault injection). Its network alias survives a restart. */
export interface ContainerControl {
  kill(): Promise<void>;
  start(): Promise<void>;
  running(): Promise<boolean>;
}

export async function controlContainer(id: string): Promise<ContainerControl> {
  const container = await dockerContainer(id, 'kill or start a container');
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
