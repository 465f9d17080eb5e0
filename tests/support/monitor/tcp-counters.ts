import { readFileSync } from 'node:fs';
import type { GatewayEndpoints } from '../shared/stack-info.ts';

/** Kernel TCP counters by name ("TcpExtListenOverflows", "TcpOutRsts"), and whose network namespace they count. */
export interface TcpCounters {
  where: string;
  counters: Record<string, number>;
}

/**
 * /proc/net/netstat and /proc/net/snmp as one map: each section is a line of names ("TcpExt: A B") followed by a line
 * of values ("TcpExt: 1 2"); a counter is named section + name, as nstat names them.
 */
export function parseNetstat(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  const lines = text.split('\n').filter((l) => /^\w+:/.test(l));
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const [section, ...names] = lines[i]!.trim().split(/\s+/);
    const [again, ...values] = lines[i + 1]!.trim().split(/\s+/);
    if (section !== again) throw new Error(`/proc/net counters: a "${section}" line of names followed by "${again}", not its values`);
    const prefix = section!.slice(0, -1);
    names.forEach((name, k) => {
      const v = Number(values[k]);
      if (Number.isFinite(v)) out[prefix + name] = v;
    });
  }
  return out;
}

/** What each counter that can end a client's connection badly means, in the order a reader should weigh them. */
const MEANINGS: Array<[string, string]> = [
  ['TcpExtTCPAbortOnClose', 'connections closed by the server with a request unread in them, so the kernel reset them (a keep-alive or worker timeout that fired while the request waited for a busy event loop)'],
  ['TcpExtTCPAbortOnData', 'connections reset because data arrived after the server had closed its end'],
  ['TcpExtListenOverflows', 'handshakes dropped because the listen (accept) queue was full: the server accepted too slowly (clients retry, then time out)'],
  ['TcpExtTCPReqQFullDrop', 'SYNs dropped because the SYN queue was full'],
  ['TcpExtTCPAbortOnMemory', 'connections reset because TCP memory ran out'],
  ['TcpExtTCPAbortOnTimeout', 'connections dropped after retransmissions timed out'],
  ['TcpExtEmbryonicRsts', 'resets sent to half-open handshakes'],
  ['TcpExtSyncookiesFailed', 'SYN cookies that no longer validated'],
];

/** The abort counters: each counts resets the namespace sent for a reason it names. */
const NAMED_RESETS = ['TcpExtTCPAbortOnClose', 'TcpExtTCPAbortOnData', 'TcpExtTCPAbortOnMemory', 'TcpExtTCPAbortOnLinger', 'TcpExtEmbryonicRsts'];

/**
 * The counters that changed between two readings, and a sentence for each that can end a connection badly, largest
 * first, with the resets the namespace sent (TcpOutRsts) for scale. Empty lines when nothing of the kind happened.
 */
export function explainTcpChange(before: TcpCounters, after: TcpCounters): { delta: Record<string, number>; lines: string[] } {
  const delta: Record<string, number> = {};
  for (const [name, v] of Object.entries(after.counters)) {
    const d = v - (before.counters[name] ?? 0);
    if (d > 0) delta[name] = d;
  }
  const lines = MEANINGS.filter(([name]) => delta[name])
    .sort(([a], [b]) => delta[b]! - delta[a]!)
    .map(([name, meaning]) => `${delta[name]} ${meaning} (${name})`);
  if (lines.length && delta.TcpOutRsts) {
    // A segment for a connection the kernel does not hold is answered with a reset that no abort counter names: after
    // a full accept queue dropped a handshake the client took as done, its request meets exactly that.
    const unnamed = delta.TcpOutRsts - NAMED_RESETS.reduce((n, name) => n + (delta[name] ?? 0), 0);
    lines.push(`${delta.TcpOutRsts} resets sent in all (TcpOutRsts)${unnamed > 0 ? `, ${unnamed} of them to segments of connections the kernel did not hold (none of the abort counters)${delta.TcpExtListenOverflows ? ': with the accept queue overflowing, clients whose handshake it dropped sent their requests into it' : ''}` : ''}`);
  }
  return { delta, lines: lines.map((l) => `${after.where}: ${l}`) };
}

/**
 * The TCP counters of the gateway's network namespace: a container's through the Docker API (`cat` inside it, so a
 * remote engine works too), a local process's from /proc (the host's namespace, shared with everything else on it).
 * `{ unavailable }`, with the reason, where neither can be read: the counters explain a verdict, they never decide one.
 */
export async function gatewayTcpCounters(gateway: Pick<GatewayEndpoints, 'containerId' | 'pid'>, timeoutMs = 10_000): Promise<TcpCounters | { unavailable: string }> {
  try {
    if (gateway.containerId) return { where: "the gateway container's kernel counters", counters: parseNetstat(await catInContainer(gateway.containerId, timeoutMs)) };
    if (gateway.pid) {
      const text = readFileSync(`/proc/${gateway.pid}/net/netstat`, 'utf8') + readFileSync(`/proc/${gateway.pid}/net/snmp`, 'utf8');
      return { where: "this host's kernel counters (shared with every other process on it)", counters: parseNetstat(text) };
    }
    return { unavailable: 'the gateway is neither a container nor a process this run started' };
  } catch (e) {
    return { unavailable: (e as Error).message };
  }
}

async function catInContainer(containerId: string, timeoutMs: number): Promise<string> {
  const [{ dockerContainer }, { demultiplex }] = await Promise.all([import('../stack/runtime.ts'), import('../stack/gateway-state.ts')]);
  const container = await dockerContainer(containerId, "read the gateway container's TCP counters");
  const exec = await container.exec({ Cmd: ['cat', '/proc/net/netstat', '/proc/net/snmp'], AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const chunks: Buffer[] = [];
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`reading /proc/net/netstat in the gateway container took over ${timeoutMs} ms`));
    }, timeoutMs);
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => (clearTimeout(timer), resolve()));
    stream.on('error', (e: Error) => (clearTimeout(timer), reject(e)));
  });
  const text = demultiplex(Buffer.concat(chunks));
  const { ExitCode } = await exec.inspect();
  if (ExitCode !== 0) throw new Error(`cat /proc/net/netstat in the gateway container exited ${ExitCode}: ${text.trim().slice(0, 200)}`);
  return text;
}
