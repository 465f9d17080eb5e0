// Database: the gateway's read and write API paths (list with pagination, registration of servers), and
// its Postgres pool under a burst of concurrent reads: peak connections against what the pools allow, no
// requests failing for want of a connection, no connections left idle in a transaction.
import { afterAll, describe, expect, it } from 'vitest';
import { poolCapacity } from '../support/shared/stack-info.ts';
import { authHeaders, gatewayAdmin, monitorFigures, reportNote, reportTable, runLoad, skipReason, stack, titled } from '../support/perf-case.ts';
import { byProfile } from '../support/shared/profile.ts';

const info = stack();
const gateway = info.gateway;
const WRITE_PREFIX = 'mcp-perf-db-';
const skip = skipReason(info, 'admin-api', 'database');

describe.skipIf(skip !== undefined)(titled('database', skip), () => {
  afterAll(async () => {
    // The write cases created virtual servers; remove them so later cases see the stack as it was.
    await gatewayAdmin(gateway!).deleteServersNamed(WRITE_PREFIX);
  });

  it('read paths: tools listed page by page, gateways and servers', async () => {
    const gw = gateway!;
    const auth = authHeaders(gw);
    const result = await runLoad({
      scenario: { name: 'db: REST reads (paged tools, gateways, servers)', executor: 'constant-arrival-rate', rate: byProfile({ smoke: 4, nightly: 100 }), duration: byProfile({ smoke: '30s', nightly: '5m' }), preAllocatedVUs: 10, maxVUs: 200, timeout: '30s' },
      operation: {
        kind: 'mix',
        items: [
          // 2 tools a page: every iteration walks the whole list, several queries deep.
          { name: 'GET /v1/tools paged by 2', weight: 2, op: { kind: 'http-paged', url: `${gw.baseUrl}/v1/tools?limit=2&include_pagination=true`, headers: auth } },
          { name: 'GET /v1/gateways', weight: 1, op: { kind: 'http-get', url: `${gw.baseUrl}/v1/gateways`, headers: auth } },
          { name: 'GET /v1/servers', weight: 1, op: { kind: 'http-get', url: `${gw.baseUrl}/v1/servers`, headers: auth } },
        ],
      },
    });
    expect(result).toMeetSlo({ errorRate: '0.1%', minRateShare: '98%', p95: byProfile({ smoke: '1s', nightly: '300ms' }) });
    // Each endpoint against its own baseline: the mix's p50 sits where the page walks and the single reads meet, and
    // moves so much between runs that its band could hardly fail (docs/catalogue.md, "sized and ordered").
    for (const operation of Object.keys(result.operations)) expect(result).toMatchBaseline({ operation });
  });

  it('write path: virtual servers created at a constant rate', async () => {
    const gw = gateway!;
    const result = await runLoad({
      scenario: { name: 'db: POST /v1/servers', executor: 'constant-arrival-rate', rate: byProfile({ smoke: 4, nightly: 20 }), duration: byProfile({ smoke: '15s', nightly: '2m' }), preAllocatedVUs: 10, maxVUs: 100, timeout: '30s' },
      operation: { kind: 'http', method: 'POST', url: `${gw.baseUrl}/v1/servers`, headers: authHeaders(gw), body: JSON.stringify({ server: { name: `${WRITE_PREFIX}{{uuid}}` }, visibility: 'public' }), expect: [200, 201] },
      warmupSeconds: 0,
      // A capacity probe would write hundreds of rows before the phase it sizes (and no warm-up writes either).
      fit: false,
    });
    expect(result).toMeetSlo({ errorRate: '0%', minRateShare: '98%', p95: byProfile({ smoke: '2s', nightly: '500ms' }) });
    expect(result).toMatchBaseline();
  });

  it('pool saturation: a burst of concurrent reads against the gateway\'s Postgres pools', async () => {
    const gw = gateway!;
    const vus = byProfile({ smoke: 40, nightly: 400 });
    const result = await runLoad({
      scenario: { name: `db: ${vus} concurrent paged reads`, executor: 'constant-vus', vus, duration: byProfile({ smoke: '20s', nightly: '3m' }), timeout: '30s' },
      operation: { kind: 'http-paged', url: `${gw.baseUrl}/v1/tools?limit=2&include_pagination=true`, headers: authHeaders(gw), connections: vus },
      warmupSeconds: 0,
    });
    const monitor = result.monitor;
    const pg = monitor?.postgres ?? [];
    const pool = poolCapacity(gw);
    const peak = monitorFigures(monitor).pgConnections;
    const idleInTx = pg.map((p) => p.byState['idle in transaction'] ?? 0);
    const stuck = pg.filter((p) => (p.byState['idle in transaction'] ?? 0) >= Math.max(2, p.total / 4)).length;
    reportTable({
      title: `${vus} concurrent readers`,
      columns: ['requests', 'p50 ms', 'p95 ms', 'errors', 'peak PG connections', 'pool capacity (workers x (size + overflow))', 'peak idle in transaction', 'samples with >= 1/4 idle in transaction'],
      rows: [[result.counts.completed, result.latency.p50, result.latency.p95, JSON.stringify(result.errors), peak, pool ?? 'unknown', pg.length ? Math.max(...idleInTx) : 'n/a', `${stuck} of ${pg.length}`]],
    });
    if (monitor?.topStatements?.[0]) reportNote(`most database time: ${monitor.topStatements[0].calls} calls of ${monitor.topStatements[0].query.slice(0, 120)} (${monitor.topStatements[0].totalMs} ms)`);
    // Pool exhaustion shows as 5xx (QueuePool timeouts) or as requests that never finish.
    expect(Object.keys(result.errors).filter((k) => /^(http_status:5|timeout)/.test(k)), `failures under the burst: ${JSON.stringify(result.errors)}`).toEqual([]);
    if (pool !== undefined && Number.isFinite(peak)) expect(peak, `Postgres connections (${peak}) exceeded the pools' capacity (${pool})`).toBeLessThanOrEqual(pool + 5);
    expect(stuck, `connections sat idle in a transaction in ${stuck} of ${pg.length} samples`).toBeLessThan(Math.max(1, pg.length / 2));
  });
});
