import { describe, expect, it } from 'vitest';
import { explainTcpChange, parseNetstat } from '../support/monitor/tcp-counters.ts';

// Shaped as Linux prints them (trimmed to a few names per section).
const reading = (overflows: number, abortOnClose: number, outRsts: number) =>
  [
    'TcpExt: SyncookiesSent ListenOverflows ListenDrops TCPAbortOnData TCPAbortOnClose',
    `TcpExt: 0 ${overflows} ${overflows} 0 ${abortOnClose}`,
    'IpExt: InNoRoutes InOctets',
    'IpExt: 0 123456',
    'Tcp: RtoAlgorithm ActiveOpens EstabResets OutRsts MaxConn',
    `Tcp: 1 10 3 ${outRsts} -1`,
  ].join('\n');

describe('kernel TCP counters', () => {
  it('names each counter by section and name, as nstat does', () => {
    const c = parseNetstat(reading(7, 2, 40));
    expect(c).toMatchObject({ TcpExtListenOverflows: 7, TcpExtTCPAbortOnClose: 2, IpExtInOctets: 123456, TcpOutRsts: 40, TcpMaxConn: -1 });
  });

  it('refuses a names line not followed by its values', () => {
    expect(() => parseNetstat('TcpExt: A B\nIpExt: 1 2\n')).toThrow(/"TcpExt:" line of names followed by "IpExt:"/);
  });

  it('explains the counters that can end a connection badly, largest first, with the resets sent for scale', () => {
    const where = 'the gateway';
    const { delta, lines } = explainTcpChange({ where, counters: parseNetstat(reading(100, 5, 1000)) }, { where, counters: parseNetstat(reading(160, 905, 2000)) });
    expect(delta).toMatchObject({ TcpExtListenOverflows: 60, TcpExtTCPAbortOnClose: 900, TcpOutRsts: 1000 });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^the gateway: 900 connections closed by the server with a request unread .*\(TcpExtTCPAbortOnClose\)$/);
    expect(lines[1]).toMatch(/60 handshakes dropped .*listen \(accept\) queue was full/);
    expect(lines[2]).toBe('the gateway: 1000 resets sent in all (TcpOutRsts), 100 of them to segments of connections the kernel did not hold (none of the abort counters): with the accept queue overflowing, clients whose handshake it dropped sent their requests into it');
  });

  it('says nothing when nothing of the kind happened, even if other counters moved', () => {
    const where = 'the gateway';
    const { lines } = explainTcpChange({ where, counters: parseNetstat(reading(3, 1, 10)) }, { where, counters: parseNetstat(reading(3, 1, 12)) });
    expect(lines).toEqual([]);
  });
});
