import { readdirSync, readFileSync } from 'node:fs';

/** The host limits that decide how many connections a load test can hold. NaN where unreadable. */
export interface HostLimits {
  openFilesSoft: number;
  openFilesHard: number;
  somaxconn: number;
  portRange: [number, number];
  tcpTwReuse: number;
}

export interface HostWarning {
  what: string;
  have: string;
  need: string;
  fix: string;
}

const num = (s: string | undefined) => (s === undefined ? Number.NaN : s.trim() === 'unlimited' ? Number.POSITIVE_INFINITY : Number(s.trim()));

/** Reads this process's open-file limit and the kernel's network settings (Linux /proc). */
export function readHostLimits(read: (path: string) => string = (p) => readFileSync(p, 'utf8')): HostLimits {
  const safe = (path: string) => {
    try {
      return read(path);
    } catch {
      return '';
    }
  };
  const limits = /^Max open files\s+(\S+)\s+(\S+)/m.exec(safe('/proc/self/limits'));
  const range = safe('/proc/sys/net/ipv4/ip_local_port_range').trim().split(/\s+/).map(Number);
  return {
    openFilesSoft: num(limits?.[1]),
    openFilesHard: num(limits?.[2]),
    somaxconn: num(safe('/proc/sys/net/core/somaxconn') || undefined),
    portRange: [range[0] ?? Number.NaN, range[1] ?? Number.NaN],
    tcpTwReuse: num(safe('/proc/sys/net/ipv4/tcp_tw_reuse') || undefined),
  };
}

/**
 * What would make a case that opens `connections` sockets (or `connectionsPerSecond` new ones) fail for
 * reasons of the load machine rather than the gateway, each with the fix from the plan's tuning table.
 */
export function checkHost(l: HostLimits, need: { connections: number; connectionsPerSecond?: number }): HostWarning[] {
  const out: HostWarning[] = [];
  // Each connection is one descriptor here; keep a margin for the runner, its pipes and the monitors.
  const fds = need.connections + 256;
  if (l.openFilesSoft < fds) {
    out.push({
      what: 'open-file limit of the load generator', have: `${l.openFilesSoft} (hard ${l.openFilesHard})`, need: `>= ${fds}`,
      fix: l.openFilesHard >= fds ? `ulimit -n ${Math.min(l.openFilesHard, 1_048_576)} in the shell that runs the suite` : 'raise the hard limit: LimitNOFILE=1048576 (systemd) or "* - nofile 1048576" in /etc/security/limits.conf, then ulimit -n 1048576',
    });
  }
  if (l.somaxconn < Math.min(need.connections, 4096)) {
    out.push({ what: 'listen backlog (net.core.somaxconn)', have: String(l.somaxconn), need: `>= ${Math.min(need.connections, 4096)}`, fix: 'sysctl -w net.core.somaxconn=65535 (on the gateway\'s host too)' });
  }
  const ports = l.portRange[1] - l.portRange[0] + 1;
  // Closed sockets sit in TIME_WAIT for 60 s on Linux; new connections per second times that must fit the range.
  const portsNeeded = Math.max(need.connections, (need.connectionsPerSecond ?? 0) * (l.tcpTwReuse === 1 ? 1 : 60));
  if (ports < portsNeeded) {
    out.push({
      what: 'ephemeral ports (net.ipv4.ip_local_port_range)', have: `${l.portRange[0]}-${l.portRange[1]} (${ports})`, need: `>= ${portsNeeded}`,
      fix: 'sysctl -w net.ipv4.ip_local_port_range="1024 65535"; sysctl -w net.ipv4.tcp_tw_reuse=1',
    });
  }
  return out;
}

export function formatHostWarnings(warnings: HostWarning[]): string {
  return warnings.map((w) => `host limit: ${w.what} is ${w.have}, this case needs ${w.need}. Fix: ${w.fix}`).join('\n');
}

/**
 * The Docker userland proxy (docker-proxy) that carries loopback connections to a port published on this machine:
 * its pid, open-file limit and the descriptors it holds now; undefined where none does (another runtime, a remote
 * engine). At its limit it exits on the failed accept, and the port is refused for the rest of the run.
 */
export function publishedPortProxy(port: number, procDir = '/proc'): { pid: number; openFiles: number; inUse: number } | undefined {
  let entries: string[];
  try {
    entries = readdirSync(procDir).filter((e) => /^\d+$/.test(e));
  } catch {
    return undefined;
  }
  for (const pid of entries) {
    try {
      const args = readFileSync(`${procDir}/${pid}/cmdline`, 'utf8').split('\0');
      const at = args.indexOf('-host-port');
      if (!/(^|\/)docker-proxy$/.test(args[0] ?? '') || at < 0 || args[at + 1] !== String(port)) continue;
      const openFiles = num(/^Max open files\s+(\S+)/m.exec(readFileSync(`${procDir}/${pid}/limits`, 'utf8'))?.[1]);
      return Number.isFinite(openFiles) ? { pid: Number(pid), openFiles, inUse: readdirSync(`${procDir}/${pid}/fd`).length } : undefined;
    } catch {
      continue; // a process that ended while we looked, or one we may not read
    }
  }
  return undefined;
}

/**
 * Descriptors a connection costs Docker's userland proxy at most: its two sockets, and a splice pipe (two
 * descriptors) each way while data may flow (tests/integration/published-port-proxy.test.ts counts them).
 */
export const PROXY_FILES_PER_CONNECTION = 6;

/** The share of the proxy's free descriptors a flood may take: failed connections are replaced before they are gone. */
const PROXY_SHARE = 0.8;

/**
 * The most connections a flood may hold through the userland proxy of a published port: PROXY_SHARE of the
 * descriptors its limit leaves, at PROXY_FILES_PER_CONNECTION each. Undefined where no proxy carries the port.
 */
export function proxyConnectionCeiling(port: number, procDir = '/proc'): { connections: number; openFiles: number; share: number } | undefined {
  const proxy = publishedPortProxy(port, procDir);
  if (!proxy) return undefined;
  return { connections: Math.max(1, Math.floor(PROXY_SHARE * (proxy.openFiles - proxy.inUse) / PROXY_FILES_PER_CONNECTION)), openFiles: proxy.openFiles, share: PROXY_SHARE };
}
