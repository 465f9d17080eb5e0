// Where a service module starts its service: in a container on the stack's network, or as a process of this
// machine. The stack owns both (teardown runs whatever `track` was given, in reverse).
import type { StartedNetwork, StartedTestContainer } from 'testcontainers';
import type { ManagedProcess } from '../process.ts';

export interface ContainerPlace {
  network: StartedNetwork;
  labels: Record<string, string>;
  /** The address published ports bind (127.0.0.1 unless PERF_BIND_HOST says otherwise). */
  host: string;
  startupTimeoutMs: number;
  track<T extends StartedTestContainer>(container: T): T;
}

export interface LocalPlace {
  /** A temporary directory the stack removes at teardown. */
  dir: string;
  freePort(): Promise<number>;
  track(proc: ManagedProcess): ManagedProcess;
}
