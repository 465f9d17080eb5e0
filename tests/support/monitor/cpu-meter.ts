import { existsSync, readFileSync, readdirSync } from 'node:fs';
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

/**
 * Where a container's cumulative CPU counter lies in this machine's cgroup tree (cgroup v1 or v2, Docker's cgroupfs or
 * systemd driver), and in what unit; undefined where the engine is not on this machine or lays it out otherwise.
 */
export function cgroupCpuCounter(containerId: string, root = '/sys/fs/cgroup'): { path: string; read(text: string): number } | undefined {
  const ns = (text: string) => Number(text.trim()) / 1e9;
  const usec = (text: string) => Number(/^usage_usec (\d+)/m.exec(text)?.[1] ?? Number.NaN) / 1e6;
  const candidates = [
    { path: `${root}/cpuacct/docker/${containerId}/cpuacct.usage`, read: ns },
    { path: `${root}/cpu,cpuacct/docker/${containerId}/cpuacct.usage`, read: ns },
    { path: `${root}/cpuacct/system.slice/docker-${containerId}.scope/cpuacct.usage`, read: ns },
    { path: `${root}/system.slice/docker-${containerId}.scope/cpu.stat`, read: usec },
    { path: `${root}/docker/${containerId}/cpu.stat`, read: usec },
  ];
  return candidates.find((c) => existsSync(c.path));
}

/**
 * A reader of the gateway's cumulative CPU seconds; fails at once when the gateway's CPU cannot be read. A container
 * is read from its cgroup file where the engine runs on this machine, else through the Docker API, whose stats call
 * waits for the engine's next sample: it dominated a gate round's overhead (docs/regression-gate.md).
 */
export async function gatewayCpuReader(gateway: Pick<GatewayEndpoints, 'containerId' | 'pid'>): Promise<CpuReader> {
  const file = gateway.containerId && /^[0-9a-f]{64}$/.test(gateway.containerId) ? cgroupCpuCounter(gateway.containerId) : undefined;
  if (file) {
    return async () => {
      const seconds = file.read(readFileSync(file.path, 'utf8'));
      if (!Number.isFinite(seconds)) throw new Error(`${file.path} holds no CPU counter the suite can read`);
      return seconds;
    };
  }
  if (gateway.containerId) {
    const { dockerContainer } = await import('../stack/runtime.ts');
    const container = await dockerContainer(gateway.containerId, "read the gateway's CPU");
    return async () => {
      const s = (await container.stats({ stream: false, 'one-shot': true } as { stream: false })) as unknown as { cpu_stats: { cpu_usage: { total_usage: number } } };
      return s.cpu_stats.cpu_usage.total_usage / 1e9;
    };
  }
  const pid = gateway.pid;
  if (pid) return async () => processGroupUsage(pid).cpuSeconds;
  throw new Error('the gateway runs neither in a container nor as a local process of this run: its CPU cannot be read');
}
