import { describe, expect, it } from 'vitest';
import { checkHost, formatHostWarnings, readHostLimits } from '../support/stack/host-preflight.ts';

const files = (over: Record<string, string> = {}) => (path: string) => {
  const all: Record<string, string> = {
    '/proc/self/limits': 'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n',
    '/proc/sys/net/core/somaxconn': '4096\n',
    '/proc/sys/net/ipv4/ip_local_port_range': '32768\t60999\n',
    '/proc/sys/net/ipv4/tcp_tw_reuse': '2\n',
    ...over,
  };
  if (!(path in all)) throw new Error(`ENOENT ${path}`);
  return all[path]!;
};

describe('host preflight', () => {
  it('reads the limits from /proc', () => {
    expect(readHostLimits(files())).toEqual({ openFilesSoft: 1024, openFilesHard: 524288, somaxconn: 4096, portRange: [32768, 60999], tcpTwReuse: 2 });
  });

  it('warns with the fix when the open-file limit is below the connections a case opens', () => {
    const w = checkHost(readHostLimits(files()), { connections: 10_000 });
    expect(w.map((x) => x.what)).toEqual(['open-file limit of the load generator']);
    expect(w[0]!.fix).toBe('ulimit -n 524288 in the shell that runs the suite');
    expect(formatHostWarnings(w)).toMatch(/is 1024 \(hard 524288\), this case needs >= 10256/);
  });

  it('asks for the hard limit to be raised when ulimit alone cannot do it, and checks backlog and ports', () => {
    const l = readHostLimits(files({
      '/proc/self/limits': 'Max open files            1024                 4096                 files\n',
      '/proc/sys/net/core/somaxconn': '128\n',
      '/proc/sys/net/ipv4/ip_local_port_range': '60000 61000\n',
    }));
    const w = checkHost(l, { connections: 5000, connectionsPerSecond: 100 });
    expect(w.map((x) => x.what)).toEqual(['open-file limit of the load generator', 'listen backlog (net.core.somaxconn)', 'ephemeral ports (net.ipv4.ip_local_port_range)']);
    expect(w[0]!.fix).toMatch(/LimitNOFILE/);
    expect(w[2]!.need).toBe('>= 6000');
  });

  it('is quiet on a tuned host, and unreadable files do not throw', () => {
    const tuned = readHostLimits(files({ '/proc/self/limits': 'Max open files            1048576              1048576              files\n' }));
    expect(checkHost(tuned, { connections: 10_000 })).toEqual([]);
    expect(Number.isNaN(readHostLimits(() => { throw new Error('no /proc'); }).somaxconn)).toBe(true);
  });
});
