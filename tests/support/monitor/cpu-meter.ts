import { readFileSync, readdirSync } from 'node:fs';
import type { GatewayEndpoints } from '../shared/stack-info.ts';

/** CPU seconds a gateway has used since it started: its container's cgroup counter, or its process group's ticks. */
export type CpuReader = () => Promise<number>;

const CLK_TCK = 100;

const PAGE = 4096;

/** CPU seconds and resident memory of a process group (a gunicorn master and its workers), from /proc. */
export function processGroupUsage(pgid: number): { cpuSeconds: number; memoryMB: number } {
  let ticks = 0;
  let pages = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[2]) !== pgid) continue;
      ticks += Number(fields[11]) + Number(fields[12]);
      pages += Number(readFileSync(`/proc/${entry}/statm`, 'utf8').split(' ')[1]);
    } catch {
      /* the process ended between listing and reading */
    }
  }
  return { cpuSeconds: ticks / CLK_TCK, memoryMB: (pages * PAGE) / 1048576 };
}

/** A reader of the gateway's cumulative CPU seconds; fails at once when the gateway's CPU cannot be read. */
export async function gatewayCpuReader(gateway: Pick<GatewayEndpoints, 'containerId' | 'pid'>): Promise<CpuReader> {
  if (gateway.containerId) {
    const [{ getContainerRuntimeClient }, { dockerodeOf }] = await Promise.all([import('testcontainers'), import('../stack/runtime.ts')]);
    const dockerode = dockerodeOf(await getContainerRuntimeClient());
    if (!dockerode) throw new Error('the container runtime exposes no Docker API: the gateway\'s CPU cannot be read');
    const container = dockerode.getContainer(gateway.containerId);
    return async () => {
      const s = (await container.stats({ stream: false, 'one-shot': true } as { stream: false })) as unknown as { cpu_stats: { cpu_usage: { total_usage: number } } };
      return s.cpu_stats.cpu_usage.total_usage / 1e9;
    };
  }
  const pid = gateway.pid;
  if (pid) return async () => processGroupUsage(pid).cpuSeconds;
  throw new Error('the gateway runs neither in a container nor as a local process of this run: its CPU cannot be read');
}
